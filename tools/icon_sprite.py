"""Write app/static/icons.svg: the few Tabler Icons the portal uses, as one SVG sprite.

    npm pack @tabler/icons@3.54.0          # the vendored version (MIT), into a temp folder
    tar xzf tabler-icons-3.54.0.tgz
    python tools/icon_sprite.py package    # the folder the tarball unpacked to

An icon joins the sprite by adding its Tabler name to NAMES; templates show it with
icon(name) of app/templates/_macros.html. tests/test_icons.py checks that the sprite holds
exactly the icons the templates use.
"""
import json
import re
import sys
from pathlib import Path

NAMES = [
    # a document's type (app/portal/dossiers.py: icon_for)
    "file-type-pdf", "file-word", "file-excel", "photo", "mail", "message", "file",
    # a document row: already downloaded, Download; Openen (a dossier, a sent message)
    "circle-check", "download", "folder-open", "mail-opened",
    # Extra accounts: add, view, delete
    "user-plus", "eye", "trash",
    # the phone's menu
    "menu-2",
]
# Tabler's outline style, as attributes: the strict CSP would block a <style> in the sprite.
DRAWING = ('fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" '
           'stroke-linejoin="round"')
COPYRIGHT = "Copyright (c) 2020-2026 Paweł Kuna"  # from the package's LICENSE
SHAPE = r"<(?:path|circle|rect|line|polyline|polygon|ellipse)\b[^>]*/>"
SPRITE = Path(__file__).resolve().parent.parent / "app" / "static" / "icons.svg"


def symbol(folder, name):
    """One <symbol> with the icon's drawing, its presentation attributes on a <g>."""
    svg = (folder / "icons" / "outline" / f"{name}.svg").read_text()
    # Tabler's first path is an invisible 24x24 box: only the drawing is kept.
    shapes = [s for s in re.findall(SHAPE, svg) if 'stroke="none"' not in s]
    body = "".join(re.sub(r"\s+", " ", s).replace(" />", "/>") for s in shapes)
    return f'<symbol id="{name}" viewBox="0 0 24 24"><g {DRAWING}>{body}</g></symbol>'


def main(folder):
    folder = Path(folder)
    package = json.loads((folder / "package.json").read_text())
    symbols = "\n".join(symbol(folder, name) for name in NAMES)
    SPRITE.write_text(
        f"<!-- Tabler Icons {package['version']}, outline (https://tabler.io/icons). MIT License, "
        f"{COPYRIGHT}. Made by tools/icon_sprite.py -->\n"
        '<svg xmlns="http://www.w3.org/2000/svg">\n'
        f"{symbols}\n</svg>\n")


if __name__ == "__main__":
    main(sys.argv[1])
