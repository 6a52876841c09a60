"""CSRF: every state-changing route refuses a request without a valid token, no GET changes
state, htmx sends the token as a header, and an expired token says so in the user's language.

The routes come from app.url_map (the access matrix's URLs, filled with client A's records;
see tests/security/world.py), so a new route is covered by itself. Each is posted by someone
who may use it, so that the token is the only thing that can refuse it. Over https
Flask-WTF also checks the Referer: see
tests/test_headers.py::test_forms_work_over_https_behind_the_proxy.
"""
import html
import json
import re

import pytest
from flask_babel import force_locale
from flask_babel import gettext as _
from helpers import PASSWORD, csrf_token, differences, login, snapshot
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import text
from twostep_helpers import start_app_setup

from security.world import People, every_url, get_rules, who_may

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
# A GET that records something, on purpose: endpoint -> (tables it may write, why).
GET_RECORDS = {
    "portal.download": ({"documentdownload"},
                        "a whole download is recorded: the firm sees who downloaded what "
                        "and when (\"gedownload op\" in the manual)"),
    "portal.preview": ({"documentdownload"},
                       "a whole preview shows the whole document, so it counts as a download"),
    "messages.show": ({"messageread"}, "opening a message marks it read (unread is bold)"),
    "messages.reply": ({"messageread"}, "answering a message means it was read"),
    "staff.message": ({"messageread"}, "opening a message marks it read for the staff member"),
    "staff.reply": ({"messageread"}, "answering a message means it was read"),
}
# What the form bodies hold besides the token: enough for a route to act if it let the
# request through.
BODY = {"subject": "Onderwerp", "body": "Tekst", "action": "send", "name": "Naam",
        "email": "nieuw@example.nl", "language": "en", "password": PASSWORD,
        "confirm": PASSWORD, "revision": "1", "q_naam": "Iemand", "code": "123456",
        "lang": "en"}


def unsafe_rules(app):
    """Every rule that accepts a state-changing method, but the API's: it reads no cookie, so
    a forged cross-site request carries no credential (tests/api/test_keys_auth.py)."""
    return [rule for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint))
            if rule.methods & UNSAFE and not rule.endpoint.startswith("api.")]


def first_url(world, rule, who):
    """The rule filled with a record of `who` (any record when they own none)."""
    urls = every_url(world, rule)
    return next((url for url, owner in urls if owner in (who, None)), urls[0][0])


# ---- every state-changing route needs a valid token

def test_every_state_changing_route_refuses_a_bad_token(world):
    """No token, a wrong one, one of another session, or a wrong htmx header: 400, and
    nothing changes; the people are still logged in (logout was refused too)."""
    people = People(world)
    other_session = world.app.test_client()
    assert login(other_session, world.jan.email).status_code == 302
    foreign = csrf_token(other_session)  # valid, but for another session of the same user
    rules = unsafe_rules(world.app)
    assert {"auth.logout", "auth.login", "messages.new", "questionnaires.save",
            "staff.settings", "account.account_delete"} <= {r.endpoint for r in rules}
    for who in ("jan", "anna", "admin", "anonymous"):
        people[who]  # log in before the snapshot
    expired = _message(world.app, "nl")
    before = snapshot(world.db)
    problems, count = [], 0
    for rule in rules:
        who = who_may(rule)
        url = first_url(world, rule, who)
        client = people[who]
        attempts = {
            "no token": dict(data=BODY),
            "wrong token": dict(data={**BODY, "csrf_token": "IjEyMyI.wrong.token"}),
            "other session's token": dict(data={**BODY, "csrf_token": foreign}),
            "wrong htmx header": dict(data=BODY, headers={"HX-Request": "true",
                                                          "X-CSRFToken": foreign}),
        }
        for method in sorted(rule.methods & UNSAFE):
            for label, kw in attempts.items():
                response = client.open(url, method=method, **kw)
                count += 1
                # The expired-form message proves it was the token that was refused.
                refused = expired in html.unescape(response.get_data(as_text=True))
                if response.status_code != 400 or not refused:
                    problems.append(f"{who} {method} {url} ({rule.endpoint}) with {label}: "
                                    f"{response.status_code}")
    assert problems == [], "\n".join(problems)
    assert differences(before, snapshot(world.db)) == {}
    assert people["jan"].get("/").status_code == 200
    assert people["admin"].get("/kantoor/").status_code == 200
    assert count >= 4 * len(rules)


def _message(app, lang):
    """The expired-form message in `lang`."""
    with app.test_request_context(), force_locale(lang):
        return _("This form has expired or could not be verified. Reload the page and try "
                 "again; what you typed is still in the form if you go back.")


# ---- no GET changes state

def test_no_get_changes_state(world):
    """Every GET route, filled with every record, opened by someone who may: nothing in
    the database changes, except the read and download marks listed in GET_RECORDS."""
    people = People(world)
    for who in ("jan", "anna", "admin", "anonymous"):
        people[who]
    assert set(GET_RECORDS) <= {rule.endpoint for rule in get_rules(world.app)}
    problems, seen, count = [], {}, 0
    for rule in get_rules(world.app):
        for url, owner in every_url(world, rule):
            who = who_may(rule, owner)
            before = snapshot(world.db)
            response = people[who].get(url)
            count += 1
            changed = {table for table, _key in differences(before, snapshot(world.db))}
            allowed = GET_RECORDS.get(rule.endpoint, (set(), ""))[0]
            if response.status_code >= 500:
                problems.append(f"{who} GET {url}: {response.status_code}")
            if changed - allowed:
                problems.append(f"{who} GET {url} ({rule.endpoint}) changed {sorted(changed)}")
            if changed:
                seen.setdefault(rule.endpoint, set()).update(changed)
    assert problems == [], "\n".join(problems)
    # The exceptions are real ones: these did record what the list says.
    assert {"portal.download", "messages.show"} <= set(seen)
    assert count > 100


def test_a_head_or_partial_download_records_nothing(world, session):
    """Only the GET that fetches a file from its first byte counts as a download."""
    client = People(world)["jan"]
    url = f"/documenten/{world.docs['document'].id}/download"
    before = snapshot(session)
    assert client.head(url).status_code == 200
    assert client.get(url, headers={"Range": "bytes=100-199"}).status_code == 206
    assert differences(before, snapshot(session)) == {}
    assert client.get(url).status_code == 200
    assert {t for t, _key in differences(before, snapshot(session))} == {"documentdownload"}


def test_setting_up_the_app_keeps_one_secret(world, session):
    """The app set-up writes only after the password (a POST): a secret on this login's own
    row, not turned on; visiting again changes nothing."""
    client = People(world)["jan"]
    before = snapshot(session)
    assert client.get("/mijn-gegevens/2-staps-verificatie/app").status_code == 200
    assert differences(before, snapshot(session)) == {}
    secret = start_app_setup(client)
    assert differences(before, snapshot(session)) == {}  # the account is not touched
    pending = session.execute(text('SELECT totp_pending_secret FROM "loginsession" '
                                   "WHERE totp_pending_secret IS NOT NULL")).scalars().all()
    assert pending == [secret]
    again = snapshot(session)
    assert client.get("/mijn-gegevens/2-staps-verificatie/app").status_code == 200
    assert differences(again, snapshot(session)) == {}


# ---- htmx sends the token as a header

def body_headers(response):
    """The hx-headers of <body>, parsed as the JSON htmx reads."""
    page = response.get_data(as_text=True)
    raw = re.search(r"<body[^>]*\bhx-headers='([^']*)'", page)
    assert raw, "no hx-headers on <body>"
    return json.loads(html.unescape(raw[1]))


def test_htmx_requests_carry_the_token_in_a_header(world):
    """The body's hx-headers is valid JSON with the session's token; a request with only
    that header (no form field) is accepted, and without it refused."""
    client = People(world)["jan"]
    headers = body_headers(client.get("/"))
    assert list(headers) == ["X-CSRFToken"]
    counter = f"/dossiers/{world.dossiers[0].id}/berichten/teller"
    htmx = {"HX-Request": "true", **headers}
    response = client.post(counter, data={"body": "Hallo"}, headers=htmx)
    assert response.status_code == 200 and "5" in response.get_data(as_text=True)
    refused = client.post(counter, data={"body": "Hallo"}, headers={"HX-Request": "true"})
    assert refused.status_code == 400
    # Every page has it, the staff side's too.
    assert body_headers(People(world)["admin"].get("/kantoor/")) != headers
    out = client.post("/uitloggen", headers=htmx)
    assert out.status_code == 302 and client.get("/").location.startswith("/inloggen")


def token_made(app, client, seconds_ago):
    """The CSRF token a page of this session shows, as rendered `seconds_ago` seconds ago
    (Flask-WTF signs the session's token with the time it was rendered)."""
    client.get("/")  # a page puts the token in the session (a login starts a new one)
    with client.session_transaction() as browser_session:
        raw = browser_session["csrf_token"]

    class Then(TimestampSigner):
        def get_timestamp(self):
            return super().get_timestamp() - seconds_ago

    serializer = URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token", signer=Then)
    return serializer.dumps(raw)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_an_expired_token_on_an_htmx_request_says_so(world, lang):
    """A page left open past WTF_CSRF_TIME_LIMIT: its next htmx request is refused with a
    short message in the user's language that portal.js shows (htmx swaps no 400)."""
    world.jan.language = lang
    world.db.commit()
    client = People(world)["jan"]
    limit = world.app.config["WTF_CSRF_TIME_LIMIT"]
    counter = f"/dossiers/{world.dossiers[0].id}/berichten/teller"
    htmx = {"HX-Request": "true"}
    just_in_time = token_made(world.app, client, limit - 60)
    response = client.post(counter, data={"body": "Hallo"},
                           headers={**htmx, "X-CSRFToken": just_in_time})
    assert response.status_code == 200  # the token is made as a page makes it
    expired = token_made(world.app, client, limit + 60)
    response = client.post(counter, data={"body": "Hallo"},
                           headers={**htmx, "X-CSRFToken": expired})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "<html" not in page and 'class="error-page"' in page
    paragraph = re.search(r'class="error-page".*?<p>(.*?)</p>', page, re.S)[1]
    assert html.unescape(paragraph) == _message(world.app, lang)
    # portal.js puts the first paragraph of a refused htmx answer into #htmx-error.
    with open(world.app.static_folder + "/js/portal.js") as f:
        source = f.read()
    assert "htmx:responseError" in source and ".error-page p" in source
    assert 'id="htmx-error"' in client.get("/").get_data(as_text=True)


def test_an_expired_token_on_a_plain_form_keeps_the_user_informed(world):
    """Without htmx the same message comes as a full page in the user's language; nothing
    is saved."""
    client = People(world)["jan"]
    expired = token_made(world.app, client, world.app.config["WTF_CSRF_TIME_LIMIT"] + 60)
    response = client.post("/mijn-gegevens/naam", data={"name": "X", "csrf_token": expired})
    assert response.status_code == 400
    page = html.unescape(response.get_data(as_text=True))
    assert "<html" in page and _message(world.app, "nl") in page
    world.db.expire_all()
    assert world.db.get(type(world.jan), world.jan.id).name == "Jan Matrix"
