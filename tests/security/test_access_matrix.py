"""The access matrix: every URL that names a record, tried by everyone who may not see it.

Each rule of app.url_map with a record argument (a dossier, document, message, draft,
questionnaire, extra account, e-mail link...) is filled with the ids of the records of
client A: a person client with a dossier, a document in each tab, a message with an
attachment each way, a draft with an attachment, a questionnaire in progress and one
completed with its PDF, a pending e-mail change link; and a company client with its main
account, an extra account, a draft, a message and a questionnaire. Every combination of
those ids that belongs to one owner is then requested as GET, HEAD, a Range request, an
htmx request and (where the rule allows it) a POST with a valid CSRF token, by:

- an anonymous visitor, and a deleted extra account of A's company using the cookie it had
  before it was deleted: both are sent to the login page (401 with HX-Redirect for htmx);
- another person client, the main account of another company, a lawyer who does not
  handle A's dossiers and a secretary without delegation: 403 or 404, never a page or a
  file that shows A's records;

and nothing in the database changes. The staff side is tried by the two staff members
only with what tests/staff/test_role_matrix.py does not already do there (HEAD, Range and
htmx; that module does GET and POST for every staff role), and by the client kinds with
everything. A new route is covered by itself: a URL argument this module cannot fill fails
the test. The owner of each record opens every page (the ids are right, the matrix is not
refusing everyone), and a route added without an access check is caught.

The last part posts extra fields (owner_id, company_id, role, is_staff, ...) to every form
a client uses and checks that only the field the form is for changes.
"""
import itertools
import json

import pytest
from helpers import PASSWORD, csrf_token, login, post_form
from sqlalchemy import text
from sqlmodel import SQLModel, select
from staff.test_role_matrix import ADMIN_ONLY_PREFIXES, OPEN_TO_STAFF, VOLATILE
from twostep_helpers import login_staff
from werkzeug.routing import AnyConverter

from app import security, storage
from app.models import (
    CAT_ATTACHMENT,
    CAT_CORRESPONDENCE,
    CAT_DOCUMENT,
    CAT_PROVIDED,
    TOKEN_EMAIL,
    TOKEN_INVITE,
    TOKEN_PASSWORD,
    AccountInvitation,
    Document,
    Message,
    MessageAttachment,
    OneTimeToken,
    OutgoingMail,
    ProgressStep,
    Questionnaire,
    QuestionnaireAnswer,
    QuestionnaireAssignment,
    User,
    utcnow,
)
from app.questionnaires.definition import new_version

SECRET = "GEHEIM"  # in every title, subject, body, answer and file of client A
NUMBERS = ("2026-7001", "2026-7002")  # A's dossier numbers
FILE_BYTES = b"%PDF-1.4 GEHEIM-INHOUD " + bytes(range(256)) * 8
DEFINITION = {"steps": [
    {"title": "Stap een", "questions": [
        {"id": "naam", "type": "text", "label": "Naam", "required": True}]},
    {"title": "Stap twee", "questions": [
        {"id": "toelichting", "type": "textarea", "label": "Toelichting"}]},
]}

# Rules with a URL argument that names no record of anyone: public by design.
PUBLIC_RULES = {
    "static": "the portal's own CSS, JavaScript and images",
    "auth.invitation": "the token in the URL is the credential (mail 1); tested in test_auth",
    "auth.set_password": "the token in the URL is the credential (mail 2); tested in "
                         "test_auth",
}
# A generic form body for POSTs: enough that a route without an access check would act.
POST_BODY = {"subject": "Onderwerp", "body": "Tekst", "action": "send", "name": "Naam",
             "email": "nieuw@example.nl", "language": "en", "revision": "0",
             "q_naam": "Iemand", "password": PASSWORD, "fingerprint": ""}
CLIENT_PROBES = ("anonymous", "removed_extra", "other_person", "other_company")
STAFF_PROBES = ("lawyer_without_rights", "secretary_without_delegation")
LOGGED_OUT = ("anonymous", "removed_extra")


# ---- client A's world

def stored(app, session, dossier, category, title, by, filename="stuk.pdf"):
    """A document of `dossier` whose file is really on disk."""
    with app.app_context():
        key, digest, size = storage.store_bytes(FILE_BYTES)
    document = Document(dossier_id=dossier.id, category=category, title=title,
                        filename=filename, content_type="application/pdf", size=size,
                        sha256=digest, storage_key=key, uploaded_by_id=by.id)
    session.add(document)
    session.flush()
    return document


def message(session, dossier, sender, subject, attachment=None, sent=True, from_client=True):
    """A message (a draft unless `sent`), with one attachment when given."""
    item = Message(dossier_id=dossier.id, sender_id=sender.id, from_client=from_client,
                   subject=subject, body=f"{SECRET} tekst van {subject}",
                   sent_at=utcnow() if sent else None)
    session.add(item)
    session.flush()
    if attachment is not None:
        session.add(MessageAttachment(message_id=item.id, document_id=attachment.id))
    return item


def assignment(session, version, dossier, client, sender, answers=None, pdf=None):
    """A questionnaire sent to `client`: with saved answers in progress, or completed."""
    item = QuestionnaireAssignment(version_id=version.id, dossier_id=dossier.id,
                                   client_id=client.id, sent_by_id=sender.id)
    if pdf is not None:
        item.completed_at, item.document_id = utcnow(), pdf.id
    session.add(item)
    session.flush()
    for step, values in (answers or {}).items():
        session.add(QuestionnaireAnswer(assignment_id=item.id, step=step, answers=values))
    return item


class World:
    """Client A's records, the people who may not see them, and how to fill URLs."""


def build_world(app, make, session):
    """Client A (person and company) with every kind of record, and the others."""
    w = World()
    w.app = app
    w.lawyer = make.staff(role="lawyer", email="lawyer@kantoor.test", name="mr. Handelend",
                          password=None)
    w.other_lawyer = make.staff(role="lawyer", email="andere@kantoor.test", name="mr. Ander")
    w.idle_secretary = make.staff(role="secretary", email="idle@kantoor.test",
                                  name="Ilse Idle")
    w.admin = make.staff(role="admin", email="admin@kantoor.test", name="Admin")
    w.jan = make.user(email="jan@a.test", name="Jan Matrix")
    company = make.company("Matrix Holding B.V.")
    w.anna = make.user(email="anna@c.test", name="Anna Main", company=company,
                       company_main=True)
    w.piet = make.user(email="piet@c.test", name="Piet Extra", company=company, password=None)
    w.rik = make.user(email="rik@c.test", name="Rik Verwijderd", company=company)
    # An addition still waiting for its first login (listed by its own id).
    w.waiting = AccountInvitation(company_id=company.id, added_by_id=w.anna.id,
                                  email="wacht@c.test", name="Wacht Nog")
    session.add(w.waiting)
    w.kees = make.user(email="kees@b.test", name="Kees Ander")
    other_company = make.company("Ander Bedrijf B.V.")
    w.bert = make.user(email="bert@d.test", name="Bert Ander", company=other_company,
                       company_main=True)
    make.dossier(clients=[w.kees], number="2026-8001", lawyer=w.other_lawyer)
    make.dossier(companies=[other_company], number="2026-8002", lawyer=w.other_lawyer)

    d1 = make.dossier(clients=[w.jan], number=NUMBERS[0], lawyer=w.lawyer,
                      description=f"{SECRET} dossier van Jan")
    d2 = make.dossier(companies=[company], number=NUMBERS[1], lawyer=w.lawyer,
                      description=f"{SECRET} dossier van het bedrijf")
    s = session
    docs = {
        "correspondence": stored(app, s, d1, CAT_CORRESPONDENCE, f"{SECRET} brief", w.lawyer),
        "document": stored(app, s, d1, CAT_DOCUMENT, f"{SECRET} akte", w.lawyer),
        "provided": stored(app, s, d1, CAT_PROVIDED, f"{SECRET} aangeleverd", w.jan),
        "attachment_in": stored(app, s, d1, CAT_ATTACHMENT, f"{SECRET} bijlage in", w.lawyer),
        "attachment_out": stored(app, s, d1, CAT_PROVIDED, f"{SECRET} bijlage uit", w.jan),
        "draft_attachment": stored(app, s, d1, CAT_ATTACHMENT, f"{SECRET} conceptbijlage",
                                   w.jan),
        "pdf": stored(app, s, d1, CAT_PROVIDED, f"{SECRET} vragenlijst", w.jan),
        "company": stored(app, s, d2, CAT_CORRESPONDENCE, f"{SECRET} bedrijfsbrief", w.lawyer),
        "company_draft_attachment": stored(app, s, d2, CAT_ATTACHMENT,
                                           f"{SECRET} bedrijfsconcept", w.anna),
    }
    from_firm = message(s, d1, w.lawyer, f"{SECRET} van kantoor", docs["attachment_in"],
                        from_client=False)
    from_jan = message(s, d1, w.jan, f"{SECRET} van Jan", docs["attachment_out"])
    draft = message(s, d1, w.jan, f"{SECRET} concept", docs["draft_attachment"], sent=False)
    company_message = message(s, d2, w.lawyer, f"{SECRET} aan bedrijf", from_client=False)
    company_draft = message(s, d2, w.anna, f"{SECRET} bedrijfsconcept",
                            docs["company_draft_attachment"], sent=False)
    step = ProgressStep(dossier_id=d1.id, position=0, title_nl="Intake", title_en="Intake")
    questionnaire = Questionnaire(title="Intake", created_by_id=w.lawyer.id)
    s.add_all([step, questionnaire])
    s.flush()
    version = new_version(s, questionnaire, title="Intake", definition=DEFINITION)
    s.flush()
    open_one = assignment(s, version, d1, w.jan, w.lawyer, {1: {"naam": f"{SECRET} Jan"}})
    completed = assignment(s, version, d1, w.jan, w.lawyer,
                           {1: {"naam": f"{SECRET} Jan"}, 2: {"toelichting": ""}},
                           pdf=docs["pdf"])
    company_open = assignment(s, version, d2, w.anna, w.lawyer,
                              {1: {"naam": f"{SECRET} Anna"}})
    mail = OutgoingMail(recipient=w.jan.email, subject=f"{SECRET} mail", body_text=SECRET,
                        body_html=SECRET, attempts=1, failed_at=utcnow())  # given up on
    s.add(mail)
    email_token = security.issue_token(s, w.jan, TOKEN_EMAIL, 24)
    s.flush()
    link = s.exec(select(OneTimeToken).where(
        OneTimeToken.token_hash == security.sha256(email_token))).one()
    link.new_email = "jan.nieuw@a.test"
    # The public links (mail 1 and mail 2), for the tests that open every route.
    newcomer = make.user(email="nieuw@a.test", name="Nieuw", password=None)
    w.invite_token = security.issue_token(s, newcomer, TOKEN_INVITE, 24)
    w.password_token = security.issue_token(s, w.kees, TOKEN_PASSWORD, 1)
    s.commit()

    w.dossiers, w.docs, w.step = (d1, d2), docs, step
    w.draft, w.company_draft, w.questionnaire = draft, company_draft, questionnaire
    w.open_assignment, w.completed, w.company_assignment = open_one, completed, company_open
    w.from_firm, w.from_jan = from_firm, from_jan
    # Each URL argument: its candidates as (owner, value); owner None fits any owner.
    jan_docs = [d.id for key, d in docs.items() if not key.startswith("company")]
    w.values = {
        "dossier_id": [("jan", d1.id), ("anna", d2.id)],
        "document_id": [("jan", i) for i in jan_docs]
        + [("anna", docs["company"].id), ("anna", docs["company_draft_attachment"].id)],
        "message_id": [("jan", from_firm.id), ("jan", from_jan.id),
                       ("anna", company_message.id)],
        "draft_id": [("jan", draft.id), ("anna", company_draft.id)],
        "assignment_id": [("jan", open_one.id), ("jan", completed.id),
                          ("anna", company_open.id)],
        "account_id": [("anna", w.piet.id)],
        "invitation_id": [("anna", w.waiting.id)],
        "token": [("jan", email_token)],
        "number": [(None, 1)],
        # The staff side's own arguments.
        "user_id": [(None, w.jan.id)],
        "step_id": [(None, step.id)],
        "questionnaire_id": [(None, questionnaire.id)],
        "question_id": [(None, "naam")],
        "code": [(None, "in_progress")],
        "mail_id": [(None, mail.id)],
    }
    return w


# ---- the rules and their URLs

def record_arguments(rule):
    """The arguments of a rule that name something (an <any(...)> choice names nothing)."""
    return sorted(name for name in rule.arguments
                  if not isinstance(rule._converters[name], AnyConverter))


def id_rules(app):
    """Every rule with a record argument, but the public ones; sorted for stable output."""
    return [rule for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint))
            if record_arguments(rule) and rule.endpoint not in PUBLIC_RULES]


def urls_of(rule, values):
    """[(url, owner)]: the rule filled with every combination of candidates that belongs to
    one owner (an <any(...)> argument takes each of its choices)."""
    choices = []
    for name in sorted(rule.arguments):
        converter = rule._converters[name]
        if isinstance(converter, AnyConverter):
            choices.append([(name, None, item) for item in sorted(converter.items)])
        elif name in values:
            choices.append([(name, owner, value) for owner, value in values[name]])
        else:
            pytest.fail(f"{rule.rule} ({rule.endpoint}): no value for URL argument <{name}>; "
                        "add candidates for it to build_world() in "
                        "tests/security/test_access_matrix.py")
    urls = []
    for combination in itertools.product(*choices):
        owners = {owner for _name, owner, _value in combination if owner is not None}
        if len(owners) > 1:
            continue
        args = {name: value for name, _owner, value in combination}
        urls.append((rule.build(args, append_unknown=False)[1], owners.pop() if owners else None))
    assert urls, f"{rule.rule}: no combination of candidates fits one owner"
    return urls


def variants(rule, who):
    """The requests tried on a rule: (label, method, headers, with a CSRF token)."""
    tried = []
    if "GET" in rule.methods:
        tried += [("GET", "GET", {}), ("HEAD", "HEAD", {}),
                  ("Range", "GET", {"Range": "bytes=0-99"}),
                  ("htmx", "GET", {"HX-Request": "true"})]
    if "POST" in rule.methods:
        tried.append(("POST", "POST", {}))
        if "GET" not in rule.methods:
            tried.append(("htmx POST", "POST", {"HX-Request": "true"}))
    if rule.endpoint.startswith("staff.") and who in STAFF_PROBES:
        # GET and POST by staff roles: tests/staff/test_role_matrix.py.
        tried = [v for v in tried if v[0] not in ("GET", "POST")]
        if rule.endpoint in OPEN_TO_STAFF:
            tried = [v for v in tried if v[1] == "GET"]
    return tried


def send(client, method, url, headers, token):
    """One request; a POST carries the session's valid CSRF token and a plausible form."""
    if method == "POST":
        return client.post(url, data={**POST_BODY, "csrf_token": token}, headers=headers)
    return client.open(url, method=method, headers=headers)


# ---- the people who try

def log_in(world, who):
    """A test client of `who`, logged in (a deleted account: logged in before deletion)."""
    app = world.app
    client = app.test_client()
    if who == "anonymous":
        return client
    if who == "removed_extra":
        assert login(client, world.rik.email).status_code == 302
        assert client.get("/").status_code == 200
        main = app.test_client()
        assert login(main, world.anna.email).status_code == 302
        gone = post_form(main, f"/mijn-gegevens/accounts/{world.rik.id}/verwijderen", {})
        assert gone.status_code == 302
        return client
    if who in STAFF_PROBES:
        user = world.other_lawyer if who == "lawyer_without_rights" else world.idle_secretary
        login_staff(client, world.session, user)
        return client
    user = {"other_person": world.kees, "other_company": world.bert}[who]
    assert login(client, user.email).status_code == 302
    return client


def leaked(body):
    """What of client A a response body shows."""
    return [word for word in (SECRET, *NUMBERS) if word in body]


def judge(who, rule, label, url, response):
    """None when the response refuses as it should, else what is wrong."""
    body = response.get_data(as_text=True)
    status = response.status_code
    where = f"{who} {label} {url} ({rule.endpoint}): {status}"
    if leaked(body):
        return f"{where} shows {leaked(body)}"
    if who in LOGGED_OUT:
        target = response.headers.get("HX-Redirect") if status == 401 else response.location
        if status in (302, 401) and target and target.startswith("/inloggen"):
            return None
        return f"{where}, expected the login page"
    if who in STAFF_PROBES and rule.endpoint in OPEN_TO_STAFF:
        return None if status < 500 else where
    expected = {404} if rule.endpoint.startswith(ADMIN_ONLY_PREFIXES) else {403, 404}
    return None if status in expected else f"{where}, expected {sorted(expected)}"


def run_matrix(world, who, client, only=None):
    """Try every rule with a record argument (that `only` accepts) as `who`; returns
    (problems, requests made)."""
    problems, count = [], 0
    token = csrf_token(client)
    for rule in id_rules(world.app):
        if only is not None and not only(rule):
            continue
        for url, _owner in urls_of(rule, world.values):
            for label, method, headers in variants(rule, who):
                response = send(client, method, url, headers, token)
                count += 1
                problem = judge(who, rule, label, url, response)
                if problem:
                    problems.append(problem)
    return problems, count


def snapshot(session):
    """Every row of every table but the volatile ones: {table: {primary key: row}}."""
    session.expire_all()
    state = {}
    for table in SQLModel.metadata.sorted_tables:
        if table.name in VOLATILE:
            continue
        keys = [c.name for c in table.primary_key.columns]
        rows = session.execute(text(f'SELECT * FROM "{table.name}"')).mappings().all()
        state[table.name] = {tuple(row[k] for k in keys): dict(row) for row in rows}
    session.rollback()
    return state


def differences(before, after):
    """{(table, key): (row before, row after)} for every row added, removed or changed."""
    changed = {}
    for table in before:
        for key in before[table].keys() | after[table].keys():
            old, new = before[table].get(key), after[table].get(key)
            if old != new:
                changed[(table, key)] = (old, new)
    return changed


@pytest.fixture
def world(app, make, session):
    """Client A's world (see the module's docstring)."""
    w = build_world(app, make, session)
    w.session = session
    return w


# ---- the matrix

def test_every_route_with_a_record_id_is_in_the_matrix(app, world):
    """Each rule with a record argument can be filled; the public ones are named."""
    found = [rule for rule in app.url_map.iter_rules() if record_arguments(rule)]
    covered = id_rules(app)
    assert len(covered) + len(PUBLIC_RULES) >= len(found)
    assert {rule.endpoint for rule in found} - {r.endpoint for r in covered} == set(PUBLIC_RULES)
    for rule in covered:
        urls_of(rule, world.values)
    client_side = {r.endpoint for r in covered if not r.endpoint.startswith("staff.")}
    assert {"portal.download", "messages.draft", "questionnaires.save",
            "account.account_delete", "account.confirm_email"} <= client_side


def test_the_owner_opens_every_page(world):
    """Not a matrix that refuses everyone: the owner of each record gets its page."""
    clients = {"jan": log_in_as(world, world.jan), "anna": log_in_as(world, world.anna)}
    problems = []
    for rule in id_rules(world.app):
        if rule.endpoint.startswith("staff.") or "GET" not in rule.methods:
            continue
        for url, owner in urls_of(rule, world.values):  # extra accounts: anna, the main
            response = clients[owner or "jan"].get(url)
            if response.status_code not in (200, 302, 303) or "/inloggen" in (
                    response.location or ""):
                problems.append(f"{owner} GET {url}: {response.status_code}")
    assert problems == [], "\n".join(problems)
    download = f"/documenten/{world.docs['correspondence'].id}/download"
    whole = clients["jan"].get(download)
    assert whole.status_code == 200 and whole.data == FILE_BYTES
    part = clients["jan"].get(download, headers={"Range": "bytes=0-99"})
    assert part.status_code == 206 and part.data == FILE_BYTES[:100]


def log_in_as(world, user):
    """A test client logged in as a client `user`."""
    client = world.app.test_client()
    assert login(client, user.email).status_code == 302
    return client


@pytest.mark.parametrize("who", CLIENT_PROBES + STAFF_PROBES)
def test_nobody_else_gets_anything(world, who, record_property):
    """Every URL naming A's records, every way of asking: refused, and nothing changes."""
    client = log_in(world, who)
    before = snapshot(world.session)
    problems, count = run_matrix(world, who, client)
    record_property("requests", count)
    assert problems == [], f"{len(problems)} of {count} requests:\n" + "\n".join(problems)
    assert differences(before, snapshot(world.session)) == {}
    assert count > 200


def test_a_deleted_account_is_logged_out_for_good(world):
    """The cookie of a deleted extra account is anonymous at once, also on its own pages."""
    client = log_in(world, "removed_extra")
    assert client.get("/mijn-gegevens").location.startswith("/inloggen")
    assert client.get(f"/dossiers/{world.dossiers[1].id}").location.startswith("/inloggen")
    assert login(client, world.rik.email).status_code == 401


def test_the_matrix_catches_a_leaky_route(app, make, session):
    """A new client route that forgets the access check is found without being listed."""
    from app.db import get_session
    from app.models import Dossier

    def leak(dossier_id):
        return get_session().get(Dossier, dossier_id).description

    app.add_url_rule("/lek/<int:dossier_id>", endpoint="portal.leak", view_func=leak)
    world = build_world(app, make, session)
    world.session = session
    problems, _count = run_matrix(world, "other_person", log_in(world, "other_person"),
                                  only=lambda rule: not rule.endpoint.startswith("staff."))
    assert problems and all("(portal.leak)" in p for p in problems)
    assert f"other_person GET /lek/{world.dossiers[0].id} (portal.leak): 200 shows" in \
        " ".join(problems)


def test_an_unknown_url_argument_fails_the_matrix(app, world):
    """A new rule whose argument the matrix cannot fill is reported, not skipped."""
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == "portal.download")
    values = {k: v for k, v in world.values.items() if k != "document_id"}
    with pytest.raises(pytest.fail.Exception, match="document_id"):
        urls_of(rule, values)


# ---- extra fields posted to the client's forms change nothing else

EXTRA = {"owner_id": "{other}", "company_id": "{company}", "role": "admin",
         "is_staff": "y", "kind": "staff", "user_id": "{other}", "dossier_id": "{dossier}",
         "is_company_main": "y", "sender_id": "{other}", "client_id": "{other}",
         "from_client": "", "on_behalf_of_id": "{other}", "reply_to_id": "{message}",
         "assignment_id": "{assignment}", "completed_at": "2020-01-01", "active": "",
         "password_hash": "x", "totp_enabled": "y", "email": "overgenomen@example.nl",
         "language": "en"}


def extra_fields(world, **keep):
    """The EXTRA fields filled with ids of someone else's records; `keep` overrides."""
    other = {"other": world.kees.id, "company": world.bert.company_id,
             "dossier": world.dossiers[1].id, "message": world.from_jan.id,
             "assignment": world.company_assignment.id}
    fields = {name: value.format(**other) for name, value in EXTRA.items()}
    fields.update(keep)
    return fields


def changes_of(world, client, url, data):
    """Post `data` to `url`; returns the response and {(table, key): (old, new)}."""
    before = snapshot(world.session)
    response = post_form(client, url, data)
    return response, differences(before, snapshot(world.session))


def updated_columns(changes, table):
    """{key: {column: new value}} of the rows of `table` that existed and were changed."""
    out = {}
    for (name, key), (old, new) in changes.items():
        if name == table and old is not None and new is not None:
            out[key] = {c: new[c] for c in new if new[c] != old[c]}
    return out


def added(changes, table):
    """The rows of `table` that were added."""
    return [new for (name, _key), (old, new) in changes.items()
            if name == table and old is None]


def tables(changes):
    """The tables with any change."""
    return {name for name, _key in changes}


def test_extra_fields_on_the_profile_forms(world):
    """Name, language and notifications: only that field of the own account changes."""
    client = log_in_as(world, world.jan)
    key = (world.jan.id,)
    response, changes = changes_of(world, client, "/mijn-gegevens/naam",
                                   extra_fields(world, name="Jan Nieuw"))
    assert response.status_code == 302
    assert tables(changes) == {"user"}
    assert updated_columns(changes, "user") == {key: {"name": "Jan Nieuw",
                                                      "name_by_client": 1}}

    response, changes = changes_of(world, client, "/mijn-gegevens", extra_fields(world))
    assert response.status_code == 302
    assert updated_columns(changes, "user") == {key: {"language": "en"}}
    assert tables(changes) == {"user"}

    response, changes = changes_of(world, client, "/mijn-gegevens/notificaties",
                                   extra_fields(world, documents="y"))
    assert response.status_code == 302
    assert updated_columns(changes, "user") == {key: {"notify_questionnaires": False,
                                                      "notify_messages": False}}
    assert tables(changes) == {"user"}


def test_extra_fields_on_the_e_mail_change(world):
    """Asking for a new address makes a link for the own account only."""
    client = log_in_as(world, world.jan)
    data = extra_fields(world, email="jan.elders@example.nl", password=PASSWORD)
    response, changes = changes_of(world, client, "/mijn-gegevens/e-mailadres", data)
    assert response.status_code == 302
    [link] = added(changes, "onetimetoken")
    assert (link["user_id"], link["new_email"]) == (world.jan.id, "jan.elders@example.nl")
    assert updated_columns(changes, "user") == {}
    assert tables(changes) <= {"onetimetoken", "outgoingmail"}


@pytest.mark.parametrize("how", ["new", "reply", "draft"])
def test_extra_fields_on_a_message(world, how):
    """A message is the sender's own, in the URL's dossier, from the client, answering what
    the URL says; no other row changes."""
    client = log_in_as(world, world.jan)
    d1 = world.dossiers[0]
    url = {"new": f"/dossiers/{d1.id}/berichten/nieuw",
           "reply": f"/berichten/{world.from_firm.id}/beantwoorden",
           "draft": f"/concepten/{world.draft.id}"}[how]
    client.get(url)  # a reply marks the original read by opening it
    data = extra_fields(world, subject="Onderwerp", body="Tekst", action="send")
    response, changes = changes_of(world, client, url, data)
    assert response.status_code == 302, response.get_data(as_text=True)
    if how == "draft":
        assert added(changes, "message") == []
        [(key, columns)] = updated_columns(changes, "message").items()
        assert key == (world.draft.id,)
        assert set(columns) <= {"subject", "body", "sent_at", "created_at"}
        row = world.session.get(Message, world.draft.id)
    else:
        [row] = added(changes, "message")
        row = world.session.get(Message, row["id"])
        assert updated_columns(changes, "message") == {}
    assert (row.sender_id, row.dossier_id, row.from_client, row.on_behalf_of_id) == (
        world.jan.id, d1.id, True, None)
    assert row.reply_to_id == (world.from_firm.id if how == "reply" else None)
    assert row.sent_at is not None
    others = tables(changes) - {"message", "notificationitem", "outgoingmail"}
    if how == "draft":  # its attachment is sent along: "Door mij aangeleverd"
        assert others == {"document"}
        [(key, columns)] = updated_columns(changes, "document").items()
        assert key == (world.docs["draft_attachment"].id,)
        assert columns.keys() == {"category", "created_at"}
        assert columns["category"] == CAT_PROVIDED
    else:
        assert others == set()


def test_extra_fields_on_a_questionnaire_step(world):
    """Saving a step changes that step's answers of the URL's assignment, nothing else."""
    client = log_in_as(world, world.jan)
    url = f"/vragenlijsten/{world.open_assignment.id}/stap/1"
    data = extra_fields(world, q_naam="Jan Anders", revision="1", action="next",
                        _shown="naam")
    response, changes = changes_of(world, client, url, data)
    assert response.status_code == 303, response.get_data(as_text=True)
    assert tables(changes) == {"questionnaireanswer"}
    [(key, columns)] = updated_columns(changes, "questionnaireanswer").items()
    assert key == (world.open_assignment.id, 1)
    answers = columns["answers"]
    assert (json.loads(answers) if isinstance(answers, str) else answers) == {
        "naam": "Jan Anders"}
    assert columns["revision"] == 2


def test_extra_fields_on_the_company_accounts(world):
    """A new extra account is a plain client of the main account's own company; deleting
    one touches only that account."""
    client = log_in_as(world, world.anna)
    data = extra_fields(world, name="Nieuw Account", email="nieuw.account@example.nl",
                        language="nl")
    response, changes = changes_of(world, client, "/mijn-gegevens/accounts", data)
    assert response.status_code == 302
    [row] = added(changes, "user")
    new = world.session.get(User, row["id"])
    assert (new.email, new.company_id, new.is_company_main, new.kind, new.role) == (
        "nieuw.account@example.nl", world.anna.company_id, False, "client", None)
    assert new.password_hash is None and not new.totp_enabled and new.active
    assert updated_columns(changes, "user") == {}
    assert tables(changes) <= {"user", "onetimetoken", "outgoingmail", "accountinvitation"}

    data = extra_fields(world, account_id=str(world.rik.id))
    response, changes = changes_of(world, client,
                                   f"/mijn-gegevens/accounts/{world.piet.id}/verwijderen", data)
    assert response.status_code == 302
    assert set(updated_columns(changes, "user")) == {(world.piet.id,)}
    assert updated_columns(changes, "user")[(world.piet.id,)].keys() <= {
        "active", "password_hash", "deactivated_by_id"}
    assert not world.session.get(User, world.piet.id).active
    assert world.session.get(User, world.rik.id).active
