"""Issue 7, point 10: hypothesis throws random and hostile input at every form field and query
parameter of the client side and the staff side: no 500, and no partial row.

The forms are not listed by hand: the pages are crawled as an anonymous visitor, a client
(the main account of a company, with a dossier, documents, messages and an open questionnaire)
and an admin, and every <form> found is parsed (method, action, fields with their options).
Query parameters come from the GET forms and links found, plus the few no page links to; a
scan of the app's source checks that every `request.args` name is among them, so a new
parameter is fuzzed or this test says so.

For each POST form, each example keeps, drops, replaces by a known option or replaces by
hostile input each field (lists where one value is expected, long strings, unicode, NUL and
control characters, HTML, SQL, huge and odd numbers, odd file names and bytes), with a valid
CSRF token (test_csrf.py checks the tokens). After each request: the status is not 5xx; a
refused request (4xx) changed no row of any table (bookkeeping aside: audit events and
throttle counters); an accepted one leaves no dangling reference (foreign key check) and no
document without its file nor a stored file without its row; and its redirect opens.
"""
import io
import os
import pathlib
import re
import string
from collections import Counter
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from helpers import PASSWORD, csrf_token, login
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlmodel import SQLModel, select
from twostep_helpers import login_staff, with_app, with_sms

from app import approvals, security, webhooks
from app.api.keys import create_key
from app.models import (
    CAT_DOCUMENT,
    TOKEN_EMAIL,
    TOKEN_PASSWORD,
    AccountInvitation,
    Approval,
    ApprovalDecision,
    Document,
    FirmSettings,
    Message,
    OneTimeToken,
    OutgoingMail,
    Passkey,
    ProgressStep,
    Questionnaire,
    QuestionnaireAssignment,
    StandardItem,
    User,
    WebhookDelivery,
    utcnow,
)
from app.questionnaires.definition import new_version
from app.storage import store_bytes

# Examples per form, per page of query parameters and per path with ids: bounded for CI;
# FUZZ_EXAMPLES=200 (say) multiplies them for a deeper run. Time budget: 2 s an example (one
# takes about 0.05 s; a request that takes seconds is a finding: app/addresses.py problem()).
SCALE = int(os.environ.get("FUZZ_EXAMPLES", 25)) / 25
BASE = dict(deadline=timedelta(seconds=2), database=None,
            derandomize=bool(os.environ.get("CI")),  # CI: the same examples every run
            phases=(Phase.explicit, Phase.generate, Phase.shrink),
            suppress_health_check=list(HealthCheck))
FORM_RUNS = settings(max_examples=max(1, round(30 * SCALE)), **BASE)
QUERY_RUNS = settings(max_examples=max(1, round(20 * SCALE)), **BASE)
PATH_RUNS = settings(max_examples=max(1, round(8 * SCALE)), **BASE)
MAX_PAGES = 250
PER_SHAPE = 3  # pages of one shape read (another staff member's page has other buttons)
BOOKKEEPING = {"auditevent", "throttleevent"}  # written for refused input on purpose
# A message refused (a text too long) but sent with files keeps what was typed and the files
# on a draft, so that nothing is lost (app/messages/routes.py keep_refused): whole, not half.
KEPT_ON_REFUSAL = {"messages.new": {"message", "document", "messageattachment"},
                   "messages.reply": {"message", "document", "messageattachment"},
                   "messages.draft": {"message", "document", "messageattachment"}}
NOT_CRAWLED = ("/uitloggen", "/download", "/kantoor/documenten/", ".csv", "/firm/",
               "/static/")
NOT_POSTED = ("/uitloggen",)  # logging out ends the fuzzing session, nothing else
# Query parameters that no page links to with a value: (page, names); <id> is any id of a
# page of that shape that was reached.
UNLINKED_QUERIES = [
    ("/inloggen", ["next"]), ("/firm/logo", ["v"]), ("/dossiers", ["q", "status", "page"]),
    ("/dossiers/<id>/documenten", ["page"]), ("/dossiers/<id>/correspondentie", ["page"]),
    ("/dossiers/<id>/aangeleverd", ["page"]), ("/dossiers/<id>/berichten", ["page"]),
    ("/kantoor/dossiers", ["q", "status", "lawyer", "page"]),
    ("/kantoor/dossiers/nieuw", ["client", "company"]),
    ("/kantoor/dossiers/<id>/koppelen", ["q"]),
    ("/kantoor/dossiers/<id>/vragenlijsten", ["vragenlijst"]),
    ("/kantoor/vragenlijsten/<id>/versturen", ["dossier"]),
    ("/kantoor/vragenlijsten/verstuurd", ["vragenlijst", "status", "page"]),
    ("/kantoor/auditlog", ["person", "dossier", "from", "to", "page"]),
    ("/kantoor/auditlog/export.csv", ["person", "dossier", "from", "to"]),
    ("/kantoor/clienten", ["q", "page"]), ("/kantoor/berichten", ["page"]),
]
OMIT, KEEP = "<omitted>", "<as on the page>"  # what a draw may say instead of a value

HOSTILE = [
    "", " ", "\x00", "a\x00b", "\r\nINFO forged", "\x1b[31m", "\u202egnp.exe", "\u200b",
    "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "{{7*7}}", "${7*7}",
    "' OR '1'='1' --", "1; DROP TABLE user; --", "%", "_", "\\", "../../etc/passwd",
    "-1", "0", "1.5", "-0", "1e309", "NaN", "inf", "9" * 40, str(2**63), str(-2**63 - 1),
    "０１２", "٣", "𝟙", "İ", "ß", "Ω.pdf", "你好", "👨‍👩‍👧",
    "jan@example.nl\r\nBcc: x@example.nl", "=cmd|' /C calc'!A0",
    "2026-02-30", "31-12-99999", "#zzzzzz", "+31 6 1234 5678 9999", "javascript:alert(1)",
    "//evil.example/", "/\\evil.example", "y", "on", "true", "null", "[]", "{}",
]
hostile_text = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=40),  # any unicode, control characters included
    st.text(alphabet=string.printable, max_size=300),
    st.integers(min_value=-2**80, max_value=2**80).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from([300, 5000, 600_000]).map(lambda n: "x" * n),  # 600 kB: past the limit
    st.integers(min_value=250, max_value=400).map(lambda n: "a" * n + "@example.nl"),
)
hostile_value = st.one_of(hostile_text, st.lists(hostile_text, min_size=2, max_size=3))
file_names = st.one_of(st.sampled_from(["../../x.pdf", "Ω.pdf", "你好.docx", "nul\x00.pdf", "",
                                        ".pdf", "x.exe", "x.svg"]),
                       st.integers(250, 400).map(lambda n: "a" * n + ".pdf"),
                       st.text(max_size=30))
file_bytes = st.one_of(st.binary(max_size=2000),
                       st.sampled_from([b"%PDF-1.4 hello", b"MZ\x90\x00", b"<svg></svg>",
                                        b"PK\x03\x04", b"\x89PNG\r\n\x1a\n", b""]))


# ---- reading pages

class Page(HTMLParser):
    """The forms and links of one HTML page."""

    def __init__(self, url):
        super().__init__(convert_charrefs=True)
        self.url, self.forms, self.links = url, [], set()
        self.form = self.select = self.textarea = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        for key in ("href", "hx-get"):
            if tag in ("a", "button", "form", "div", "input", "select", "tr", "span") \
                    and a.get(key, "").startswith("/"):
                self.links.add(a[key])
        if tag == "form":
            action = a.get("hx-post") or a.get("action") or self.url
            method = "post" if a.get("hx-post") else (a.get("method") or "get").lower()
            self.form = {"method": method, "action": action, "fields": {}, "hx": [],
                         "multipart": a.get("enctype") == "multipart/form-data"}
            return
        name = a.get("name")
        if self.form is not None and a.get("formaction"):  # a button posting elsewhere
            self.form["hx"].append(a["formaction"])
        if a.get("hx-post"):  # an element that posts by itself (a live counter, a button)
            if self.form is not None:
                self.form["hx"].append(a["hx-post"])  # with the form's fields
            else:
                self.forms.append({"method": "post", "action": a["hx-post"], "hx": [],
                                   "multipart": False, "fields": {name: {
                                       "type": "text", "value": a.get("value", ""),
                                       "options": []}} if name else {}})
        if self.form is None:
            return
        if tag == "input" and name:
            kind = a.get("type", "text")
            field = self._field(name, kind)
            if kind in ("radio", "checkbox"):
                field["options"].append(a.get("value", "on"))
                if "checked" in a and field["value"] is None:
                    field["value"] = a.get("value", "on")
            elif kind == "file":
                self.form["multipart"] = True
            elif kind == "submit":
                field["options"].append(a.get("value", ""))
            elif field["value"] is None:
                field["value"] = a.get("value", "")
        elif tag == "button" and name:
            self._field(name, "submit")["options"].append(a.get("value", ""))
        elif tag == "textarea" and name:
            self.textarea = self._field(name, "textarea")
            self.textarea["value"] = ""
        elif tag == "select" and name:
            self.select = self._field(name, "select")
        elif tag == "option" and self.select is not None:
            self.select["options"].append(a.get("value", ""))
            if "selected" in a or self.select["value"] is None:
                self.select["value"] = a.get("value", "")

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea["value"] += data

    def handle_endtag(self, tag):
        if tag == "form" and self.form is not None:
            self.forms.append(self.form)
            self.forms += [{**self.form, "action": action} for action in self.form["hx"]]
            self.form = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def _field(self, name, kind):
        return self.form["fields"].setdefault(name, {"type": kind, "value": None,
                                                     "options": []})


def read(client, url):
    """GET `url`; returns (response, Page)."""
    response = client.get(url)
    page = Page(url)
    if "html" in response.content_type:
        page.feed(response.get_data(as_text=True))
    return response, page


def shape(url):
    """A URL with its ids replaced: one form or page per shape is enough."""
    return re.sub(r"/\d+(?=/|$|\?)", "/<id>", urlsplit(url).path)


def endpoint(client, url, method="GET"):
    """The view that answers `url`: one form or page per view is enough."""
    adapter = client.application.url_map.bind("localhost")
    try:
        return adapter.match(urlsplit(url).path, method=method)[0]
    except Exception:  # a redirect or no route: the path itself then
        return shape(url)


def crawl(client, seeds):
    """Every page reachable from `seeds` (one per shape): (forms by key, GET pages)."""
    forms, pages, queue, seen, visited = {}, {}, list(seeds), Counter(), set()
    while queue and len(visited) < MAX_PAGES:
        url = queue.pop(0)
        path = urlsplit(url).path
        key = shape(url) + "?" + ",".join(sorted(k for k, _ in parse_qsl(urlsplit(url).query)))
        if url in visited or seen[key] >= PER_SHAPE or any(p in path for p in NOT_CRAWLED):
            continue
        seen[key] += 1
        visited.add(url)
        response, page = read(client, url)
        assert response.status_code < 500, (url, response.status_code)
        location = response.headers.get("Location", "")
        if response.status_code in (301, 302, 303) and location.startswith("/"):
            queue.append(location)
        if response.status_code != 200:
            continue
        pages.setdefault(shape(url), url)
        for form in page.forms:
            fields = tuple(sorted(form["fields"]))
            form_key = (endpoint(client, form["action"], form["method"].upper()), fields)
            forms.setdefault(form_key, {**form, "page": url})
        queue += sorted(page.links)
    return forms, pages


# ---- the database's state

class Rows:
    """Row counts of every table, and the consistency of what is stored."""

    def __init__(self, app, session):
        self.app, self.session = app, session
        self.tables = [t.name for t in SQLModel.metadata.sorted_tables]
        self.sql = text("SELECT " + ", ".join(f'(SELECT count(*) FROM "{t}")'
                                              for t in self.tables))

    def counts(self):
        row = self.session.execute(self.sql).one()
        self.session.rollback()
        return dict(zip(self.tables, row, strict=True))

    def problems(self):
        """What is not whole: dangling references, rows without files, files without rows."""
        found = []
        if self.session.bind.dialect.name == "sqlite":
            found += [f"dangling {r}" for r in
                      self.session.execute(text("PRAGMA foreign_key_check")).all()]
        keys = set(self.session.exec(select(Document.storage_key)).all())
        keys |= {k for k in self.session.exec(select(FirmSettings.logo_key)).all() if k}
        for column in (ApprovalDecision.receipt_key, ApprovalDecision.sealed_key):
            keys |= {k for k in self.session.exec(select(column)).all() if k}
        self.session.rollback()
        root = pathlib.Path(self.app.config["UPLOAD_FOLDER"])
        files = {p.name for p in root.rglob("*")
                 if p.is_file() and "tmp" not in p.relative_to(root).parts}
        found += [f"document without file {k}" for k in keys - files]
        found += [f"file without row {f}" for f in files - keys]
        return found


def changed(before, after):
    return {t: (before[t], after[t]) for t in before
            if before[t] != after[t] and t not in BOOKKEEPING}


# ---- fuzzing

def field_strategy(field):
    if field["type"] == "file":
        return st.one_of(
            st.just(OMIT),
            st.lists(st.tuples(file_bytes, file_names), min_size=1, max_size=2).map(
                lambda files: [(io.BytesIO(data), name) for data, name in files]))
    choices = [st.just(OMIT), st.just(KEEP), hostile_value]
    if field["options"]:
        choices.append(st.sampled_from(field["options"]))
    return st.one_of(*choices)


class Fuzzer:
    """Sends the hostile examples and checks each answer; counts what was tried."""

    def __init__(self, app, session):
        self.app, self.rows = app, Rows(app, session)
        self.tried, self.statuses = Counter(), Counter()
        self.tokens = {}

    def token(self, client):
        """The CSRF token of the client's session (read once: it lasts the session)."""
        if id(client) not in self.tokens:
            self.tokens[id(client)] = csrf_token(client)
        return self.tokens[id(client)]

    def check(self, client, response, before, what, kept=()):
        status = response.status_code
        self.statuses[status // 100 * 100] += 1
        assert status < 500, f"{what}: {status}\n{response.get_data(as_text=True)[:2000]}"
        if status >= 400:
            rows = changed(before, self.rows.counts())
            assert set(rows) <= set(kept), f"{what}: refused ({status}) but rows changed {rows}"
            if rows:
                assert self.rows.problems() == [], what
        else:
            assert self.rows.problems() == [], what
            location = response.headers.get("Location")
            if location and location.startswith("/"):
                followed = client.get(location)
                assert followed.status_code < 500, f"{what} -> {location}"
                return followed
        return None

    def post_form(self, client, form):
        """Fuzz one form; the page is read again after an accepted example (fresh hidden
        fields: a revision, a fingerprint)."""
        state = {"form": form}
        # The strategies come from the form as first read, so that every example draws alike
        # (hypothesis replays them); KEEP takes the value of the page as it is now.
        strategies = {name: field_strategy(field) for name, field in
                      sorted(form["fields"].items()) if name != "csrf_token"}

        @FORM_RUNS
        @given(data=st.data(), htmx=st.booleans(), extra=st.booleans())
        def example(data, htmx, extra):
            current = state["form"]
            body = {}
            for name, strategy in strategies.items():
                value = data.draw(strategy, label=name)
                if value == KEEP:
                    value = (current["fields"].get(name) or {}).get("value")
                if value is not None and value != OMIT:
                    body[name] = value
            if extra:  # fields no form has: they must change nothing (test_access_matrix)
                body.update(owner_id="1", company_id="1", role="admin", is_staff="y")
            body["csrf_token"] = (current["fields"].get("csrf_token") or {}).get("value") \
                or self.token(client)
            headers = {"HX-Request": "true"} if htmx else {}
            multipart = current["multipart"] or any(
                isinstance(v, list) and v and isinstance(v[0], tuple) for v in body.values())
            before = self.rows.counts()
            response = client.post(
                current["action"], data=body, headers=headers,
                content_type="multipart/form-data" if multipart else None)
            what = f"POST {current['action']} {sorted(body)}"
            view = endpoint(client, current["action"], "POST")
            followed = self.check(client, response, before, what,
                                  KEPT_ON_REFUSAL.get(view, ()) if multipart else ())
            self.tried[("form", view)] += 1
            if response.status_code < 400:
                state["form"] = refreshed(client, current, followed) or current

        example()

    def get_params(self, client, url, names):
        """Fuzz the query parameters `names` of the page at `url`."""
        @QUERY_RUNS
        @given(data=st.data(), htmx=st.booleans())
        def example(data, htmx):
            pairs = []
            for name in names:
                value = data.draw(st.one_of(st.just(OMIT), hostile_value), label=name)
                if value is OMIT:
                    continue
                pairs += [(name, v) for v in (value if isinstance(value, list) else [value])]
            target = urlsplit(url).path + ("?" + urlencode(pairs) if pairs else "")
            before = self.rows.counts()
            response = client.get(target, headers={"HX-Request": "true"} if htmx else {})
            self.check(client, response, before, f"GET {target[:300]}")
            assert changed(before, self.rows.counts()) == {}, f"GET {target[:200]} wrote rows"
            self.tried[("query", endpoint(client, url))] += 1

        example()

    def path_ids(self, client, url):
        """Fuzz the ids in the path of `url` with huge, zero and negative numbers."""
        @PATH_RUNS
        @given(st.lists(st.integers(min_value=-2**70, max_value=2**70), min_size=1,
                        max_size=3))
        def example(numbers):
            target, count = re.subn(r"/\d+(?=/|$)", lambda _m: f"/{numbers.pop(0)}"
                                    if numbers else _m[0], urlsplit(url).path)
            before = self.rows.counts()
            response = client.get(target)
            self.check(client, response, before, f"GET {target}")
            self.tried[("path", endpoint(client, url))] += 1

        example()


def refreshed(client, form, followed=None):
    """The same form read again from its page (or the page a redirect led to, when that is
    the same), if it is still there."""
    if followed is not None and followed.request.path == urlsplit(form["page"]).path \
            and "html" in followed.content_type:
        page = Page(form["page"])
        page.feed(followed.get_data(as_text=True))
    else:
        _response, page = read(client, form["page"])
    for candidate in page.forms:
        if (candidate["method"], shape(candidate["action"])) == (form["method"],
                                                                 shape(form["action"])) \
                and sorted(candidate["fields"]) == sorted(form["fields"]):
            return {**candidate, "page": form["page"]}
    return None


def source_query_names():
    """Every query parameter name the app reads (request.args and asked_page); the API's
    are declared in its OpenAPI document and fuzzed by schemathesis (tests/api/)."""
    names = set()
    for path in pathlib.Path("app").rglob("*.py"):
        if path.parent.name == "api":
            continue
        source = path.read_text(encoding="utf-8")
        names |= set(re.findall(r"request\.args\.get(?:list)?\(\s*[\"'](\w+)[\"']", source))
        if "asked_page()" in source:
            names.add("page")
    return names


def fuzz_side(fuzzer, client, seeds):
    """Crawl from `seeds`, then fuzz every POST form, the query parameters and path ids."""
    forms, pages = crawl(client, seeds)
    staff_side = seeds[0].startswith("/kantoor")
    posts = [f for f in forms.values()
             if f["method"] == "post" and not f["action"].startswith(NOT_POSTED)]
    queries = {}
    for form in forms.values():
        if form["method"] == "get":
            queries.setdefault(urlsplit(form["action"]).path, set()).update(
                n for n in form["fields"] if n != "csrf_token")
    for url in pages.values():
        for name, _value in parse_qsl(urlsplit(url).query):
            queries.setdefault(urlsplit(url).path, set()).add(name)
    for path, names in UNLINKED_QUERIES:
        url = pages.get(path) or (path if path in ("/firm/logo", "/kantoor/auditlog/export.csv")
                                  and path.startswith("/kantoor") == staff_side else None)
        if url is not None:
            queries.setdefault(urlsplit(url).path, set()).update(names)
    for form in posts:
        fuzzer.post_form(client, form)
    for path, names in sorted(queries.items()):
        fuzzer.get_params(client, path, sorted(names))
    for url in sorted(u for u in pages.values() if re.search(r"/\d+(/|$)", u))[:12]:
        fuzzer.path_ids(client, url)
    return {n for names in queries.values() for n in names}


# ---- the world to fuzz in

DEFINITION = {"steps": [
    {"title": "Gegevens", "questions": [
        {"id": "naam", "type": "text", "label": "Naam", "required": True},
        {"id": "geboren", "type": "date", "label": "Geboortedatum"},
        {"id": "email", "type": "email", "label": "E-mail"},
        {"id": "telefoon", "type": "phone", "label": "Telefoon"}]},
    {"title": "Meer", "questions": [
        {"id": "gehuwd", "type": "yesno", "label": "Gehuwd?", "required": True},
        {"id": "partner", "type": "text", "label": "Partner",
         "show_if": {"question": "gehuwd", "value": "yes"}},
        {"id": "iban", "type": "iban", "label": "IBAN"},
        {"id": "inkomen", "type": "number", "label": "Inkomen", "min": 0, "max": 10**9},
        {"id": "woon", "type": "choice", "label": "Woonvorm",
         "options": [{"value": "koop", "label": "Koop"}, {"value": "huur", "label": "Huur"}]},
        {"id": "wensen", "type": "multichoice", "label": "Wensen",
         "options": ["Testament", "Levenstestament"]},
        {"id": "toelichting", "type": "textarea", "label": "Toelichting"},
        {"id": "stuk", "type": "upload", "label": "Paspoort"}]}]}


def world(app, session, make, lawyer=None):
    """A company client with a dossier, a document, a message, an extra account and an open
    questionnaire; returns the main account."""
    company = make.company("Bakkerij De Wit B.V.")
    anna = make.user(email="anna@dewit.example", company=company, company_main=True)
    make.user(email="piet@dewit.example", company=company)
    # An extra account still waiting for its first login: the list's other kind of row.
    session.add(AccountInvitation(company_id=company.id, added_by_id=anna.id,
                                  email="nog@dewit.example", name="Nog Niet Ingelogd"))
    dossier = make.dossier(companies=[company], lawyer=lawyer, number="2026-0042")
    make.dossier(clients=[anna], lawyer=lawyer, number="2026-0043")  # two: a list
    with app.app_context():
        key, digest, size = store_bytes(b"%PDF-1.4 akte")
        withdrawn_key, withdrawn_digest, _size = store_bytes(b"%PDF-1.4 oud")
        logo_key, _digest, _size = store_bytes(b"\x89PNG\r\n\x1a\n")
    session.add(Document(dossier_id=dossier.id, category=CAT_DOCUMENT, title="Akte",
                         filename="akte.pdf", content_type="application/pdf", size=size,
                         sha256=digest, storage_key=key))
    session.add(Document(dossier_id=dossier.id, category=CAT_DOCUMENT, title="Oud",
                         filename="oud.pdf", content_type="application/pdf", size=size,
                         sha256=withdrawn_digest, storage_key=withdrawn_key,
                         withdrawn_at=utcnow()))
    session.add(FirmSettings(id=1, logo_key=logo_key, logo_type="image/png"))
    if lawyer is not None:
        session.add(Message(dossier_id=dossier.id, sender_id=lawyer.id, from_client=False,
                            subject="Vraag", body="Een vraag.", sent_at=utcnow()))
    gone = make.user(email="weg@example.nl", name="Oud Klant")  # a deactivated client
    gone.active = False
    closed = make.dossier(clients=[gone], lawyer=lawyer, number="2026-0044", status="closed")
    closed.status_changed_at = utcnow() - timedelta(days=20 * 365)  # may be erased: its form
    left = make.staff(email="oud@kantoor.test", name="Oud Medewerker", password=None)
    left.active = False  # a deactivated staff member
    make.staff(email="nieuw@kantoor.test", name="Nieuwe Medewerker", password=None)
    questionnaire = Questionnaire(title="Intake")
    session.add(questionnaire)
    session.flush()
    version = new_version(session, questionnaire, title="Intake", definition=DEFINITION)
    session.flush()
    session.add(QuestionnaireAssignment(version_id=version.id, dossier_id=dossier.id,
                                        client_id=anna.id))
    session.add(ProgressStep(dossier_id=dossier.id, title_nl="Intake", position=0))
    session.add(ProgressStep(dossier_id=dossier.id, title_nl="Akte", position=1))
    session.add(StandardItem(title="Kopie paspoort", is_identity=True, position=0))
    session.add(StandardItem(title="Koopakte", position=1))  # two: they can be moved
    session.commit()
    # A request for documents: an item still to hand in (its upload, its withdrawal) and
    # one handed in (approve, reject).
    asked = make.document_request(dossier, anna, items=("Koopakte", "Loonstrook"), by=lawyer,
                                  deadline=utcnow().date() + timedelta(days=7))
    make.hand_in(asked.items[1], anna)
    # Requests for approval: one waiting (Akkoord, Niet akkoord, a new version), one approved
    # (its receipt, its evidence).
    for title, approve in (("Concept akte", False), ("Volmacht", True)):
        document = make.document(dossier, CAT_DOCUMENT, title=title, filename=f"{title}.pdf",
                                 by=lawyer)
        with app.test_request_context():
            approval = approvals.new_approval(session, dossier=dossier, client=anna,
                                              sent_by=lawyer, document=document, title=title)
            if approve:
                decision = approvals.decide(session, anna, approval, approval.versions[0].id,
                                            True, confirmed_with="app")
            session.commit()
            if approve:
                approvals.make_receipt(session, decision)  # as right after the approval
    return anna, dossier


def post_page_form(client, url, ending="", **data):
    """Post the first form on the page at `url` (logging out aside; whose action ends with
    `ending`) with its own values, `data` on top."""
    _response, page = read(client, url)
    form = next(f for f in page.forms
                if f["method"] == "post" and not f["action"].startswith(NOT_POSTED)
                and f["action"].endswith(ending))
    values = {name: field["value"] or (field["options"] or [""])[0]
              for name, field in form["fields"].items() if field["type"] != "submit"}
    response = client.post(form["action"], data={**values, **data},
                           content_type="multipart/form-data")
    assert response.status_code in (302, 303), (url, response.get_data(as_text=True)[:3000])
    return response


def prepare_client(client, session, dossier):
    """A questionnaire filled in up to "Voltooien", a message draft with an attachment and an
    SMS set-up waiting for its code, so that their forms are on the pages."""
    assignment = session.exec(select(QuestionnaireAssignment)).first()
    for number, answer in ((1, {"q_naam": "Anna"}), (2, {"q_gehuwd": "no"})):
        url = f"/vragenlijsten/{assignment.id}/stap/{number}"
        post_page_form(client, url, url, **{"action": "next", "_shown": [
            key.removeprefix("q_") for key in answer]}, **answer)
    post_page_form(client, f"/dossiers/{dossier.id}/berichten/nieuw", "/berichten/nieuw",
                   **{"subject": "Concept", "body": "Nog niet af.", "action": "upload",
                      "files": [(io.BytesIO(b"%PDF-1.4 bijlage"), "bijlage.pdf")]})
    post_page_form(client, "/mijn-gegevens/2-staps-verificatie/sms", phone="0612345678",
                   password=PASSWORD)


def prepare_staff(client):
    """A questionnaire in the builder with a step and a question."""
    response = client.post("/kantoor/vragenlijsten", data={
        "title": "Intake koper", "csrf_token": csrf_token(client)})
    builder = response.headers["Location"]
    post_page_form(client, builder, "/stappen", **{"step-title": "Gegevens"})
    post_page_form(client, builder + "/stappen/1/vragen", label="Naam", type="text")
    post_page_form(client, builder + "/stappen/1/vragen", label="Gehuwd", type="yesno")
    post_page_form(client, builder + "/vragen/gehuwd/stukken", answers="yes",
                   title="Huwelijkse voorwaarden")


def test_fuzz_the_client_side_and_the_anonymous_pages(app, client, session, make, staff):
    anna, dossier = world(app, session, make, lawyer=staff.lawyer)
    app.config["PUBLIC_BASE_URL"] = "http://localhost"  # the test client's: passkey forms show
    fuzzer = Fuzzer(app, session)
    invite = make.invite(make.user(email="nieuw@example.nl", password=None))
    piet = make.user(email="kees@example.nl")
    # Someone else's reset link: a fuzzed form that sets a valid password must not change
    # the password that logs piet in below.
    reset = security.issue_token(session, make.user(email="reset@example.nl"),
                                 TOKEN_PASSWORD, 1)
    with_sms(session, piet)
    with_app(session, piet)
    add_passkey(session, piet)
    # From other addresses: their failures are throttled per IP, not the client's below.
    anonymous = app.test_client()
    anonymous.environ_base["REMOTE_ADDR"] = "192.0.2.66"
    params = fuzz_side(fuzzer, anonymous, [
        "/inloggen", "/wachtwoord-instellen", f"/welkom/{invite}", f"/wachtwoord/{reset}"])
    halfway = app.test_client()  # the password given, the second step still to come
    halfway.environ_base["REMOTE_ADDR"] = "192.0.2.67"
    assert login(halfway, "kees@example.nl").status_code == 302
    params |= fuzz_side(fuzzer, halfway, ["/inloggen/verificatie/passkey",
                                          "/inloggen/verificatie/app",
                                          "/inloggen/verificatie/sms"])
    with_app(session, anna)
    add_passkey(session, anna)  # its page to remove it
    login_staff(client, session, anna)
    change = security.issue_token(session, anna, TOKEN_EMAIL, 1)
    session.exec(select(OneTimeToken).where(OneTimeToken.user_id == anna.id,
                                            OneTimeToken.purpose == TOKEN_EMAIL)
                 ).one().new_email = "anna@nieuw.example"
    session.commit()
    prepare_client(client, session, dossier)
    waiting = session.exec(select(Approval).where(Approval.state == "open")).first()
    params |= fuzz_side(fuzzer, client, ["/", "/mijn-gegevens",
                                         f"/acties/goedkeuren/{waiting.id}/akkoord?method=code",
                                         f"/mijn-gegevens/e-mailadres/{change}",
                                         "/mijn-gegevens/2-staps-verificatie/sms/code"])
    _report_and_check(fuzzer, "client", params)


def test_fuzz_the_staff_side(app, client, session, make, staff):
    _anna, dossier = world(app, session, make, lawyer=staff.lawyer)
    left, new = (session.exec(select(User).where(User.email == email)).one()
                 for email in ("oud@kantoor.test", "nieuw@kantoor.test"))
    session.add(OutgoingMail(recipient="anna@example.nl", subject="Uw account", body_text="-",
                             body_html="-", attempts=1, failed_at=utcnow()))  # its buttons
    # An API key (revoke) and a webhook with a delivery (edit, new secret, send again, delete).
    with app.test_request_context():
        create_key(session, name="Dossiersysteem", scopes=["dossiers:read"],
                   acts_as=staff.lawyer)
        endpoint = webhooks.create_endpoint(session, url="https://93.184.215.14/hook",
                                            events=["message.received"], actor=staff.admin)
        session.flush()
    session.add(WebhookDelivery(endpoint_id=endpoint.id, event_id="evt_fuzz",
                                event_type="message.received", payload="{}",
                                failed_at=utcnow()))
    session.commit()
    login_staff(client, session, staff.admin)
    prepare_staff(client)
    fuzzer = Fuzzer(app, session)
    params = fuzz_side(fuzzer, client, ["/kantoor/", "/kantoor/instellingen",
                                        "/kantoor/medewerkers", "/kantoor/delegaties",
                                        "/kantoor/vragenlijsten", "/kantoor/auditlog",
                                        f"/kantoor/dossiers/{dossier.id}/koppelen?q=e",
                                        f"/kantoor/medewerkers/{left.id}",
                                        f"/kantoor/medewerkers/{new.id}"])
    _report_and_check(fuzzer, "staff", params)


def add_passkey(session, user):
    """A passkey row for `user` (not a usable key: the fuzzer never makes a valid answer)."""
    session.add(Passkey(user_id=user.id, credential_id=f"fuzz-{user.id}", public_key=b"-",
                        name="Telefoon"))
    user.passkey_enabled = True
    session.commit()


# What each side fuzzed, for the coverage checks below (they run after both, in file order).
COVERED = {}
# POST views the two runs cannot reach, and why; any other POST view must have been fuzzed.
NOT_FUZZED = {
    "auth.logout": "would end the fuzzing session (test_csrf.py posts it)",
    "account.app_setup": "the fuzzed client already has the app on",
    "account.codes_copy": "its form exists only on the page of new codes",
    "account.passkey_add": "its form exists only on the page after step 1, with the options "
                           "of a real challenge (tests/test_passkeys*.py post hostile answers)",
    "tus.create": "no form: tus.js sends its headers; tests/test_tus.py sends them wrong in "
                  "every way",
    "auth.passkey_login_options": "no form and no fields: passkeys.js fetches JSON options",
    "auth.second_step_options": "no form and no fields: passkeys.js fetches JSON options",
    "account.passkey_confirm_options": "no form and no fields: passkeys.js fetches JSON "
                                       "options",
    "staff.preview_conditions": "needs a question shown on a condition in the preview",
    "portal.approval_sms": "the fuzzed client confirms with the app, not by SMS "
                           "(tests/test_approvals_client.py posts it)",
}


def _report_and_check(fuzzer, side, params):
    counts = Counter(kind for kind, _view in fuzzer.tried)
    print(f"\n{side}: {counts['form']} forms, {counts['query']} pages with query parameters "
          f"({len(params)} names), {counts['path']} paths with ids; "
          f"{sum(fuzzer.tried.values())} requests; answers {dict(sorted(fuzzer.statuses.items()))}")
    COVERED[side] = (params, {view for kind, view in fuzzer.tried if kind == "form"})


def _both_sides():
    if set(COVERED) != {"client", "staff"}:
        pytest.skip("runs after the two fuzz tests above")
    return (set().union(*(params for params, _views in COVERED.values())),
            set().union(*(views for _params, views in COVERED.values())))


def test_every_query_parameter_the_app_reads_is_fuzzed():
    """A name read from request.args anywhere in app/ but fuzzed nowhere fails here."""
    params, _views = _both_sides()
    assert source_query_names() - params == set()


def test_every_form_is_fuzzed(app):
    """Every view that takes a POST was fuzzed, but for the few named in NOT_FUZZED."""
    _params, views = _both_sides()
    # The API's calls are fuzzed by schemathesis from its OpenAPI document
    # (tests/api/test_contract.py).
    posts = {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in rule.methods
             and not rule.endpoint.startswith("api.")}
    print(f"\nPOST views fuzzed: {len(views & posts)} of {len(posts)}")
    assert posts - views - set(NOT_FUZZED) == set()


# ---- what the fuzzer found, kept as plain regressions

@pytest.mark.parametrize("url", ["/dossiers?page=-1", "/dossiers?page=1.5",
                                 f"/dossiers?page={2**70}", "/dossiers?status=a&status=b",
                                 "/dossiers?q=%27%20OR%201=1%20--"])
def test_odd_page_numbers_and_lists_show_a_page(client, make, url):
    """A few named cases of what the fuzzer throws, kept as plain regressions."""
    user = make.user(email="jan@example.nl")
    make.dossier(clients=[user])
    make.dossier(clients=[user])  # two: with one, the list opens that dossier at once
    login(client, "jan@example.nl")
    assert client.get(url).status_code == 200


def test_ids_past_the_databases_integers_are_not_found(client, session, make, staff):
    """An id past the INTEGER columns (32 bits in PostgreSQL, 64 in SQLite's driver): in a
    path the route does not match (app.IdConverter), in a form or query it is no id at all
    (app.db.record_id); never a 500."""
    make.dossier(clients=[make.user(email="jan@example.nl")])
    login(client, "jan@example.nl")
    assert client.get(f"/dossiers/{2**31}").status_code == 404
    assert client.get(f"/documenten/{2**64}/download").status_code == 404
    admin = client.application.test_client()
    login_staff(admin, session, staff.admin)
    response = admin.post("/kantoor/delegaties/intrekken", data={
        "lawyer_id": str(10**40), "secretary_id": str(-2**70), "csrf_token": csrf_token(admin)})
    assert response.status_code == 404
    assert admin.get(f"/kantoor/dossiers?lawyer={10**30}").status_code == 200


def test_nul_bytes_are_refused(client, session, make):
    """No browser sends a NUL byte; PostgreSQL refuses one in text: a 400, nothing stored."""
    user = make.user(email="jan@example.nl", name="Jan")
    login(client, "jan@example.nl")
    assert client.get("/dossiers?q=a%00b").status_code == 400
    assert client.get("/mijn-gegevens/naam%00").status_code == 400
    response = client.post("/mijn-gegevens/naam", data={"name": "Jan\x00Piet",
                                                      "csrf_token": csrf_token(client)})
    assert response.status_code == 400
    session.expire_all()
    assert session.get(User, user.id).name == "Jan"


def test_a_question_posted_without_its_fields_is_refused(client, session, staff):
    """The builder's question form with no fields at all (show_if absent) is a 400."""
    login_staff(client, session, staff.admin)
    prepare_staff(client)
    questionnaire = session.exec(select(Questionnaire)).first()
    response = client.post(f"/kantoor/vragenlijsten/{questionnaire.id}/stappen/1/vragen",
                           data={"csrf_token": csrf_token(client)})
    assert response.status_code == 400
