"""The layout rule of STYLE.md ("Shared code"), read from the source of app/: no module imports
the views of another area (blueprint package), nor a private name of another module, and the
imports between modules form no cycle."""
import ast
import pathlib

APP = pathlib.Path(__file__).resolve().parent.parent / "app"
VIEW_DECORATORS = {"route", "get", "post", "put", "delete", "patch"}


def module_name(path):
    """'app.staff.dossiers' for app/staff/dossiers.py, 'app.staff' for its __init__.py."""
    parts = path.relative_to(APP.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def parsed_modules():
    """{module name: (path, AST)} of every module under app/ (migrations aside)."""
    found = {}
    for path in sorted(APP.rglob("*.py")):
        if "migrations" not in path.parts:
            found[module_name(path)] = (path, ast.parse(path.read_text(), str(path)))
    return found


def has_views(tree):
    """True when the module registers views (@bp.route, @bp.get, ...)."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for decorator in node.decorator_list:
                call = decorator.func if isinstance(decorator, ast.Call) else decorator
                if isinstance(call, ast.Attribute) and call.attr in VIEW_DECORATORS:
                    return True
    return False


def imports_of(name, path, tree, modules):
    """(imported module, imported names, line) for each import of an app module; an import
    inside a function counts as well."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in modules:
                    yield alias.name, [], node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = package
            for _ in range(node.level - 1):
                base = base.rpartition(".")[0]
            target = (f"{base}.{node.module}" if node.module else base) if node.level \
                else node.module
            if target not in modules:
                continue
            names = []
            for alias in node.names:
                submodule = f"{target}.{alias.name}"
                if submodule in modules:  # "from . import routes" imports a module
                    yield submodule, [], node.lineno
                else:
                    names.append(alias.name)
            if names:
                yield target, names, node.lineno


def import_graph():
    """{module: [(imported module, names, line), ...]} and the set of view modules."""
    modules = parsed_modules()
    graph = {name: list(imports_of(name, path, tree, modules))
             for name, (path, tree) in modules.items()}
    views = {name for name, (_path, tree) in modules.items() if has_views(tree)}
    return graph, views


def area(name):
    """The area of a module: its blueprint package ('app.staff'), or the module itself."""
    return ".".join(name.split(".")[:2])


def test_no_module_imports_the_views_of_another_area():
    graph, views = import_graph()
    wrong = [f"{name}:{line} imports {target}"
             for name, imports in graph.items() for target, _names, line in imports
             # the app factory (app/__init__.py) registers every area's blueprint
             if target in views and area(name) != area(target) and name != "app"]
    assert wrong == [], "code that several areas use belongs in a neutral module"


def test_no_module_imports_a_private_name_of_another():
    graph, _views = import_graph()
    wrong = [f"{name}:{line} imports {target}.{private}"
             for name, imports in graph.items() for target, names, line in imports
             for private in names if private.startswith("_") and target != name]
    assert wrong == []


def test_the_imports_between_modules_form_no_cycle():
    graph, _views = import_graph()
    edges = {name: {target for target, _names, _line in imports
                    # a package's __init__ importing its own modules registers them
                    if not target.startswith(name + ".")}
             for name, imports in graph.items()}
    cycles, state = [], {}

    def visit(node, trail):
        state[node] = "open"
        for target in sorted(edges.get(node, ())):
            if state.get(target) == "open":
                cycles.append(" -> ".join(trail[trail.index(target):] + [target]))
            elif target not in state:
                visit(target, trail + [target])
        state[node] = "done"

    for name in sorted(edges):
        if name not in state:
            visit(name, [name])
    assert cycles == []
