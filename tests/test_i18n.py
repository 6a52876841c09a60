"""Two languages everywhere: complete catalogs, no hard-coded text, no mixed pages."""
import ast
import pathlib
import re
import subprocess
import sys

import pytest
from babel.messages.pofile import read_po
from helpers import labels_of_other_language, login, post_form, text_of
from twostep_helpers import with_app

from app import twostep

ROOT = pathlib.Path(__file__).parent.parent
TEMPLATES = ROOT / "app" / "templates"
# Language names are written in their own language on purpose.
ALLOWED_WORDS = {"Nederlands", "English"}


def catalog(lang):
    with open(ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po", "rb") as f:
        return read_po(f, locale=lang)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """The strings in the code and templates now, as `make translate-update` extracts them."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    pybabel = pathlib.Path(sys.executable).parent / "pybabel"
    subprocess.run([str(pybabel), "--quiet", "extract",
                    "-F", "babel.cfg", "-k", "_l", "-k", "lazy_ngettext:1,2",
                    "-o", str(pot), "."], cwd=ROOT, check=True)
    with open(pot, "rb") as f:
        return {m.id for m in read_po(f) if m.id}


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_catalog_is_complete_and_clean(extracted, lang):
    cat = catalog(lang)
    ids = {m.id for m in cat if m.id}
    assert not extracted - ids, f"run `make translate-update`; missing in {lang}"
    assert not ids - extracted, f"stale entries in {lang}: run `make translate-update`"
    untranslated = [m.id for m in cat if m.id and not (
        all(m.string) if isinstance(m.string, tuple) else m.string)]
    assert untranslated == []
    assert [m.id for m in cat if m.id and m.fuzzy] == []
    assert not cat.obsolete


def _visible_text(source):
    source = re.sub(r"\{#.*?#\}", "", source, flags=re.S)
    source = re.sub(r"\{%.*?%\}", " ", source, flags=re.S)
    source = re.sub(r"\{\{.*?\}\}", " ", source, flags=re.S)
    return source


@pytest.mark.parametrize("path", sorted(TEMPLATES.rglob("*.*")),
                         ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_templates_have_no_untranslated_text(path):
    source = _visible_text(path.read_text())
    if path.suffix == ".html":
        attrs = re.findall(r'(?:aria-label|title|alt|placeholder)="([^"]*[A-Za-z][^"]*)"',
                           source)
        assert attrs == [], "attribute text must go through _()"
        source = re.sub(r"<style.*?</style>", " ", source, flags=re.S)
        source = re.sub(r"<[^>]*>", " ", source, flags=re.S)
        source = re.sub(r"&\w+;", " ", source)
    words = set(re.findall(r"[A-Za-zÀ-ÿ]{2,}", source)) - ALLOWED_WORDS
    assert words == set(), f"text outside _() in {path.name}"


def _pages(app, make, session, mailbox, client, lang):
    """Every page of the sign-in flow and of the portal, as (name, response)."""
    yield "login", client.get("/inloggen")
    yield "forgot", client.get("/wachtwoord-instellen")
    yield "forgot-error", post_form(client, "/wachtwoord-instellen", {"email": "geen"})
    yield "link-sent", client.get("/wachtwoord-instellen/verstuurd")
    yield "bad-link", client.get("/wachtwoord/bad")
    yield "not-found", client.get("/no-such-page")
    user = make.user(email="klant@example.nl", password=None, language=lang)
    token = make.invite(user)
    yield "invitation", client.get(f"/welkom/{token}")
    yield "invitation-error", post_form(client, f"/welkom/{token}", {"email": "a@b.nl"})
    post_form(client, f"/welkom/{token}", {"email": "klant@example.nl"})
    links = [m for m in mailbox.deliver(app) if "wachtwoord/" in m.get_body(
        ("plain",)).get_content()]
    link = re.search(r"/wachtwoord/\S+", links[-1].get_body(("plain",)).get_content())[0]
    yield "set-password", client.get(link)
    yield "set-password-error", post_form(client, link, {"password": "x", "confirm": "y"})
    yield "login-error", login(client, "klant@example.nl", "Fout12345")
    make.dossier(clients=[user])
    make.dossier(clients=[user], status="closed")
    post_form(client, link, {"password": "Geheim123", "confirm": "Geheim123"})
    for name, path in [("home", "/"), ("dossiers", "/dossiers"), ("actions", "/acties"),
                       ("my-details", "/mijn-gegevens")]:
        yield name, client.get(path)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_page_speaks_one_language(app, make, session, mailbox, client, lang):
    client.set_cookie("lang", lang)
    foreign = labels_of_other_language(lang)
    seen = 0
    for name, response in _pages(app, make, session, mailbox, client, lang):
        assert response.status_code < 500, name
        text = text_of(response)
        assert f'<html lang="{lang}">' in response.get_data(as_text=True), name
        mixed = [p for p in foreign if re.search(rf"(?<!\w){re.escape(p)}(?!\w)", text)]
        assert mixed == [], f"{name} in {lang} shows the other language"
        seen += 1
    assert seen == 15


# Calls whose text reaches the user: flashes, validation messages, form labels.
_MESSAGE_CALLS = {"flash", "ValidationError", "StopValidation"}
_VALIDATORS = {"DataRequired", "InputRequired", "Length", "Email", "EqualTo", "NumberRange",
               "Regexp", "Optional", "AnyOf", "NoneOf", "URL"}


def _unwrapped_strings(source, fields=True):
    """Plain string literals handed to flash(), a validation error, a validator's message
    or a form field's label: Python strings that never reach the catalogs. (fields=False:
    the API's pydantic Field descriptions, English documentation in the OpenAPI document.)"""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", "")
        if name in _MESSAGE_CALLS:
            args = node.args[:1] + [k.value for k in node.keywords if k.arg == "message"]
        elif name.endswith("Field") and fields:
            args = node.args[:1] + [k.value for k in node.keywords
                                    if k.arg in ("label", "description")]
        elif name in _VALIDATORS:
            args = [k.value for k in node.keywords if k.arg == "message"]
        else:
            continue
        found += [ast.unparse(a) for a in args if isinstance(a, (ast.Constant, ast.JoinedStr))
                  and re.search(r"[A-Za-z]{2}", ast.unparse(a))]
    return found


def test_python_strings_go_through_the_catalogs():
    found = {str(path.relative_to(ROOT)): _unwrapped_strings(
                 path.read_text(), fields=path.parent.name != "api")
             for path in sorted((ROOT / "app").rglob("*.py"))}
    assert {path: strings for path, strings in found.items() if strings} == {}


def test_the_python_check_sees_a_plain_string():
    assert _unwrapped_strings('flash("Saved")\nname = StringField("Name")\n'
                              'DataRequired(message=f"Fill {x}")\nflash(_("Ok"))') == [
        "'Saved'", "'Name'", "f'Fill {x}'"]


# ---- issue 16, point 6: a page speaks the language of the page before it

def _speaks_only(response, lang, name=""):
    """`response` is a page in `lang` without a phrase of the other language."""
    assert f'<html lang="{lang}">' in response.get_data(as_text=True), name
    text = text_of(response)
    mixed = [p for p in labels_of_other_language(lang)
             if p and re.search(rf"(?<!\w){re.escape(p)}(?!\w)", text)]
    assert mixed == [], f"{name} in {lang} shows {mixed}"


def test_an_english_invitee_reads_english_after_the_invitation(app, client, make, mailbox):
    """The language of mail 1 carries on past its own page: "Check your e-mail", the login
    page and "Set password" speak it too, in a browser that never chose a language."""
    user = make.user(email="new@example.com", password=None, language="en")
    token = make.invite(user)
    _speaks_only(client.get(f"/welkom/{token}"), "en", "invitation")
    response = post_form(client, f"/welkom/{token}", {"email": "new@example.com"})
    _speaks_only(client.get(response.location), "en", "link sent")
    _speaks_only(client.get("/inloggen"), "en", "login")
    _speaks_only(client.get("/wachtwoord-instellen"), "en", "forgot password")
    _speaks_only(client.get(f"/welkom/{token}"), "en", "used invitation")


@pytest.mark.parametrize("before, after, message", [
    ("nl", "en", "You are logged out."),
    ("en", "nl", "U bent uitgelogd."),
])
def test_the_logout_message_speaks_the_language_just_chosen(client, session, make, before,
                                                            after, message):
    """A language chosen in Mijn gegevens takes effect at logout, its message included."""
    make.user(email="jan@example.nl", language=before)
    login(client, "jan@example.nl")
    post_form(client, "/mijn-gegevens", {"language": after})
    response = post_form(client, "/uitloggen", {})
    page = client.get(response.location)
    assert message in text_of(page)
    _speaks_only(page, after, "login after logout")


def test_the_message_after_the_second_step_speaks_the_accounts_language(app, client, session,
                                                                        make):
    """Logging in switches to the account's language, for the message said on the way too."""
    user = make.user(email="sophie@example.nl", language="en")
    with_app(session, user)
    with app.app_context():
        codes = twostep.new_codes(session, user, twostep.KIND_BACKUP, 3)
    session.commit()
    post_form(client, "/taal", {"lang": "nl"})
    login(client, "sophie@example.nl")
    response = post_form(client, "/inloggen/verificatie/code", {"code": codes[0]})
    page = client.get(response.location)
    assert "You have logged in with a backup code. You have 2 backup codes left." in text_of(
        page)
    _speaks_only(page, "en", "home after the second step")
