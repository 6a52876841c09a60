"""The access matrix: every URL that names a record, tried by everyone who may not see it.

Each rule of app.url_map with a record argument (a dossier, document, message, draft,
questionnaire, extra account, e-mail link...) is filled with the ids of the records of
client A (tests/security/world.py): a person client with a dossier, a document in each
tab, a message with an attachment each way, a draft with an attachment, a questionnaire
in progress and one completed with its PDF, a pending e-mail change link, a request for
documents and an approved request for approval with its receipt; and a company client with
its main account, an extra account, a draft, a message, a questionnaire, a request for
documents and one for approval.
Every combination of those ids that belongs to one owner is then requested as GET, HEAD,
a Range request, an htmx request and (where the rule allows it) a POST with a valid CSRF
token, by:

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
import json

import pytest
from helpers import PASSWORD, csrf_token, differences, login, post_form, snapshot
from twostep_helpers import login_staff

from app.models import CAT_PROVIDED, Message, User
from security.world import (
    ADMIN_ONLY_PREFIXES,
    FILE_BYTES,
    NUMBERS,
    OPEN_TO_STAFF,
    PUBLIC_RULES,
    SECRET,
    build_world,
    id_rules,
    is_api,
    record_arguments,
    urls_of,
)

# A generic form body for POSTs: enough that a route without an access check would act.
POST_BODY = {"subject": "Onderwerp", "body": "Tekst", "action": "send", "name": "Naam",
             "email": "nieuw@example.nl", "language": "en", "revision": "0",
             "q_naam": "Iemand", "password": PASSWORD, "fingerprint": ""}
CLIENT_PROBES = ("anonymous", "removed_extra", "other_person", "other_company")
STAFF_PROBES = ("lawyer_without_rights", "secretary_without_delegation")
LOGGED_OUT = ("anonymous", "removed_extra")
# A chunk of a resumable upload, as tus.js sends it (at the offset of the unfinished one).
TUS_HEADERS = {"Tus-Resumable": "1.0.0", "Upload-Offset": "10",
               "Content-Type": "application/offset+octet-stream"}


# ---- the requests

def variants(rule, who):
    """The requests tried on a rule: (label, method, headers, with a CSRF token)."""
    tried = []
    if "GET" in rule.methods:
        tried += [("GET", "GET", {}), ("HEAD", "HEAD", {}),
                  ("Range", "GET", {"Range": "bytes=0-99"}),
                  ("htmx", "GET", {"HX-Request": "true"})]
    if "GET" not in rule.methods and "POST" not in rule.methods:  # a resumable upload (tus)
        tried += [(method, method, TUS_HEADERS) for method in ("HEAD", "PATCH", "DELETE")
                  if method in rule.methods]
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
    if method in ("PATCH", "DELETE"):
        return client.open(url, method=method, data=FILE_BYTES[10:],
                           headers={**headers, "X-CSRFToken": token})
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
        login_staff(client, world.db, user)
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


# ---- the matrix

def test_every_route_with_a_record_id_is_in_the_matrix(app, world):
    """Each rule with a record argument can be filled; the public ones are named."""
    found = [rule for rule in app.url_map.iter_rules() if record_arguments(rule)
             and not is_api(rule)]  # the API's: tests/api/test_api_access.py
    covered = id_rules(app)
    assert len(covered) + len(PUBLIC_RULES) >= len(found)
    assert {rule.endpoint for rule in found} - {r.endpoint for r in covered} == set(PUBLIC_RULES)
    for rule in covered:
        urls_of(rule, world.values)
    client_side = {r.endpoint for r in covered if not r.endpoint.startswith("staff.")}
    assert {"portal.download", "messages.draft", "questionnaires.save",
            "account.account_delete", "account.confirm_email", "portal.document_request",
            "portal.hand_in", "portal.approval", "portal.approval_confirm",
            "portal.approval_sms", "portal.approval_refuse",
            "portal.approval_receipt"} <= client_side


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
    for owner, upload in world.uploads:  # their resumable uploads (tus): HEAD is their GET
        client = clients["jan" if owner is world.jan else "anna"]
        response = client.head(f"/uploads/{upload.token}", headers=TUS_HEADERS)
        if response.status_code != 200 or response.headers["Upload-Offset"] == "0":
            problems.append(f"HEAD /uploads/{upload.token}: {response.status_code}")
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
    before = snapshot(world.db)
    problems, count = run_matrix(world, who, client)
    record_property("requests", count)
    assert problems == [], f"{len(problems)} of {count} requests:\n" + "\n".join(problems)
    assert differences(before, snapshot(world.db)) == {}
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
    before = snapshot(world.db)
    response = post_form(client, url, data)
    return response, differences(before, snapshot(world.db))


def updated_columns(changes, table):
    """{key: {column: new value}} of the rows of `table` that existed and were changed
    (besides updated_at, which every change of a row sets)."""
    out = {}
    for (name, key), (old, new) in changes.items():
        if name == table and old is not None and new is not None:
            out[key] = {c: new[c] for c in new if new[c] != old[c] and c != "updated_at"}
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
        row = world.db.get(Message, world.draft.id)
    else:
        [row] = added(changes, "message")
        row = world.db.get(Message, row["id"])
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
    new = world.db.get(User, row["id"])
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
    assert not world.db.get(User, world.piet.id).active
    assert world.db.get(User, world.rik.id).active
