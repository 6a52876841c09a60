"""API clients and company clients: creating sends mail 1 as on the staff side (idempotent
with Idempotency-Key), the staff forms' checks and messages, lists with cursor pages and a
constant number of statements, changes audited with the key, and the staff's access rules
(404 for a client or company the key's account may not manage)."""
from datetime import timedelta

import pytest
from helpers import differences, events, find, links_in, snapshot
from sqlmodel import select

from app.models import Company, LoginSession, OneTimeToken, User, utcnow

# Rows every API call may change besides what it is about: the key's counter, the audit
# trail and the Idempotency-Key claims.
CALL_ROWS = {"auditevent", "loginsession", "throttleevent", "apikey", "idempotencykey"}
PERSON = {"name": "Sophie Smit", "email": " Sophie@Example.com ", "language": "en",
          "phone": "06 12345678"}


@pytest.fixture
def people(make, staff):
    """Jan in mr. Jansen's dossier, Kees in mr. Bakker's, the company De Wit (main account
    Anna) in mr. Jansen's: (jan, kees, company, anna)."""
    jan = make.user(email="jan@example.nl", name="Jan de Vries")
    kees = make.user(email="kees@example.nl", name="Kees Klant")
    company = make.company("Bakkerij De Wit B.V.")
    anna = make.user(email="anna@dewit.nl", name="Anna de Wit", company=company,
                     company_main=True)
    make.dossier(clients=[jan], companies=[company], lawyer=staff.lawyer)
    make.dossier(clients=[kees], lawyer=staff.other_lawyer)
    return jan, kees, company, anna


def by_key(session, action):
    """The audit events of `action` made with an API key (the fixtures' own have none)."""
    return [e for e in events(session, action) if e.api_key_id is not None]


# ---- creating

def test_creating_a_person_sends_mail_1(app, api, session, staff, mailbox):
    answer = api.post("/clients", json=PERSON)
    assert answer.status_code == 201, answer.json
    user = find(session, User, User.email == "sophie@example.com")
    assert answer.headers["Location"].endswith(f"/api/v1/clients/{user.id}")
    body = answer.json
    assert {k: body[k] for k in ("id", "kind", "name", "email", "language", "phone",
                                 "company_id", "is_company_main", "active", "activated",
                                 "last_login_at")} == {
        "id": user.id, "kind": "person", "name": "Sophie Smit", "email": "sophie@example.com",
        "language": "en", "phone": "+31612345678", "company_id": None,
        "is_company_main": False, "active": True, "activated": False, "last_login_at": None}
    [mail] = mailbox.deliver(app)
    assert (mail["To"], mail["Subject"]) == ("sophie@example.com",
                                             "Your account for our client portal")
    assert any("/welkom/" in url for url in links_in(mail))
    [created] = by_key(session, "user.created")
    [invited] = by_key(session, "invitation.sent")
    assert created.actor_id == invited.actor_id == staff.admin.id
    assert created.target_id == invited.target_id == user.id


def test_creating_is_idempotent(api, session, staff):
    headers = {"Idempotency-Key": "nieuw-1"}
    first = api.post("/clients", json=PERSON, headers=headers)
    again = api.post("/clients", json=PERSON, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json == first.json and again.headers["Idempotent-Replayed"] == "true"
    assert len(session.exec(select(User).where(User.email == "sophie@example.com")).all()) == 1
    assert len(session.exec(select(OneTimeToken)).all()) == 1  # one mail 1


@pytest.mark.parametrize("change, field, detail", [
    ({"name": "  "}, "name", "Vul een naam in."),
    ({"email": "geen-adres"}, "email", "Vul een geldig e-mailadres in"),
    ({"phone": "12"}, "phone", "Vul een geldig telefoonnummer in"),
    ({"language": "fr"}, "language", None),
    ({"role": "admin"}, "role", None),
    ({"is_company_main": True}, "is_company_main", None),
    ({"company_id": 999}, "company_id", None),
])
def test_bad_fields_are_422_and_store_nothing(api, session, staff, change, field, detail):
    before = snapshot(session, skip=CALL_ROWS)
    answer = api.post("/clients", json={**PERSON, **change},
                      headers={"Accept-Language": "nl"})
    assert answer.status_code == 422, answer.json
    assert answer.mimetype == "application/problem+json"
    [error] = [e for e in answer.json["errors"] if e["field"] == field]
    if detail:
        assert error["detail"].startswith(detail)
    assert differences(before, snapshot(session, skip=CALL_ROWS)) == {}


def test_a_duplicate_address_is_409(api, session, make, staff):
    make.user(email="sophie@example.com")
    before = snapshot(session, skip=CALL_ROWS)
    answer = api.post("/clients", json=PERSON)
    assert answer.status_code == 409
    assert answer.json["detail"] == "There is already an account with this e-mail address."
    answer = api.post("/companies", json={"name": "Smit B.V.", "main_account": PERSON})
    assert answer.status_code == 409
    assert differences(before, snapshot(session, skip=CALL_ROWS)) == {}


def test_an_account_of_a_company(api, api_for, session, staff, people):
    jan, kees, company, anna = people
    answer = api.post("/clients", json={**PERSON, "company_id": company.id})
    assert answer.status_code == 201, answer.json
    assert (answer.json["kind"], answer.json["company_id"], answer.json["is_company_main"]) \
        == ("company_account", company.id, False)
    # One main account per company.
    answer = api.post("/clients", json={**PERSON, "email": "b@example.nl",
                                        "company_id": company.id, "is_company_main": True})
    assert answer.status_code == 409
    # Only a company the key's account may manage (De Wit is in mr. Jansen's dossier).
    answer = api_for(staff.other_lawyer).post("/clients", json={
        **PERSON, "email": "c@example.nl", "company_id": company.id})
    assert answer.status_code == 422
    assert answer.json["errors"][0]["field"] == "company_id"
    assert find(session, User, User.email == "c@example.nl") is None


def test_creating_needs_the_write_scope(api_for, staff, session):
    answer = api_for(staff.admin, scopes=["clients:read"]).post("/clients", json=PERSON)
    assert answer.status_code == 403
    assert answer.json["type"].endswith("#problem-scope")
    assert find(session, User, User.email == "sophie@example.com") is None
    assert api_for(staff.admin, scopes=["dossiers:read"]).get("/clients").status_code == 403


# ---- reading

def test_one_client(api, api_for, staff, people):
    jan, kees, company, anna = people
    answer = api.get(f"/clients/{anna.id}")
    assert answer.status_code == 200
    assert (answer.json["kind"], answer.json["company_id"], answer.json["is_company_main"],
            answer.json["activated"]) == ("company_account", company.id, True, True)
    assert api_for(staff.lawyer).get(f"/clients/{jan.id}").status_code == 200
    assert api_for(staff.secretary).get(f"/clients/{jan.id}").status_code == 200
    for who in (staff.other_lawyer, staff.idle_secretary):
        assert api_for(who).get(f"/clients/{jan.id}").status_code == 404
    assert api.get(f"/clients/{staff.lawyer.id}").status_code == 404  # staff are no clients
    assert api.get("/clients/99999").status_code == 404


def test_the_list_shows_whom_the_account_may_open(api, api_for, staff, people, make):
    jan, kees, company, anna = people
    new = make.user(email="nieuw@example.nl", name="Nog Nergens")  # in no dossier yet
    ids = lambda answer: [c["id"] for c in answer.json["items"]]  # noqa: E731
    assert ids(api.get("/clients")) == [jan.id, kees.id, anna.id, new.id]
    assert ids(api_for(staff.lawyer).get("/clients")) == [jan.id, anna.id, new.id]
    assert ids(api_for(staff.other_lawyer).get("/clients")) == [kees.id, new.id]
    assert ids(api.get("/clients?q=VRIES")) == [jan.id]
    assert ids(api.get("/clients?q=dewit.nl")) == [anna.id]
    assert ids(api.get("/clients?kind=company_account")) == [anna.id]
    assert ids(api.get("/clients?kind=person")) == [jan.id, kees.id, new.id]
    answer = api.get("/clients?kind=robot")
    assert answer.status_code == 422 and answer.json["errors"][0]["field"] == "kind"


def test_the_list_in_pages(api, make, session, staff):
    users = [make.user(email=f"k{n}@example.nl") for n in range(5)]
    first = api.get("/clients?limit=2")
    assert [c["id"] for c in first.json["items"]] == [users[0].id, users[1].id]
    second = api.get(f"/clients?limit=2&cursor={first.json['next_cursor']}")
    assert [c["id"] for c in second.json["items"]] == [users[2].id, users[3].id]
    third = api.get(f"/clients?limit=2&cursor={second.json['next_cursor']}")
    assert [c["id"] for c in third.json["items"]] == [users[4].id]
    assert third.json["next_cursor"] is None
    assert api.get("/clients?cursor=nonsense").status_code == 422

    users[3].updated_at = utcnow() + timedelta(minutes=5)
    session.add(users[3])
    session.commit()
    since = (utcnow() + timedelta(minutes=1)).isoformat().replace("+00:00", "Z")
    assert [c["id"] for c in api.get(f"/clients?updated_since={since}").json["items"]] == [
        users[3].id]


def test_the_list_runs_as_many_statements_for_3_as_for_30(api, make, staff, statements):
    for n in range(3):
        make.user(email=f"a{n}@example.nl")
    few = statements(lambda: api.get("/clients?limit=100"))
    company = make.company()
    for n in range(27):
        make.user(email=f"b{n}@example.nl", company=company if n % 2 else None)
    assert statements(lambda: api.get("/clients?limit=100")) == few
    few = statements(lambda: api.get("/companies"))
    for n in range(10):
        make.user(email=f"m{n}@example.nl", company=make.company(f"B{n}"), company_main=True)
    assert statements(lambda: api.get("/companies")) == few


# ---- changing

def test_changing_name_phone_and_language(api, api_for, session, staff, people):
    jan, kees, company, anna = people
    answer = api.patch(f"/clients/{jan.id}", json={"name": " Jan Vries ",
                                                   "phone": "020 1234567"})
    assert answer.status_code == 200, answer.json
    assert (answer.json["name"], answer.json["phone"], answer.json["language"]) == (
        "Jan Vries", "+31201234567", "nl")
    answer = api.patch(f"/clients/{jan.id}", json={"phone": None, "language": "en"})
    assert (answer.json["name"], answer.json["phone"], answer.json["language"]) == (
        "Jan Vries", None, "en")
    session.refresh(jan)
    assert (jan.name, jan.phone, jan.language) == ("Jan Vries", None, "en")
    first, second = by_key(session, "client.updated")
    assert first.detail["changed"]["name"] == ["Jan de Vries", "Jan Vries"]
    assert second.detail["changed"] == {"phone": ["+31201234567", None],
                                        "language": ["nl", "en"]}


def test_changing_checks_the_fields(api, api_for, session, staff, people):
    jan, kees, company, anna = people
    before = snapshot(session, skip=CALL_ROWS)
    for body, field in (({"email": "nieuw@example.nl"}, "email"), ({"name": ""}, "name"),
                        ({"name": None}, "name"), ({"phone": "0"}, "phone"),
                        ({"language": "de"}, "language")):
        answer = api.patch(f"/clients/{jan.id}", json=body)
        assert answer.status_code == 422, body
        assert [e["field"] for e in answer.json["errors"]] == [field]
    assert api_for(staff.other_lawyer).patch(f"/clients/{jan.id}",
                                             json={"name": "X"}).status_code == 404
    assert differences(before, snapshot(session, skip=CALL_ROWS)) == {}


def test_deactivating_and_reactivating(app, api, api_for, session, staff, people, mailbox):
    jan, kees, company, anna = people
    session.add(LoginSession(user_id=jan.id, token_hash="x" * 64))
    session.commit()
    answer = api.post(f"/clients/{jan.id}/deactivate")
    assert answer.status_code == 200 and answer.json["active"] is False
    assert answer.json["activated"] is False  # its password is gone
    assert session.exec(select(LoginSession).where(LoginSession.user_id == jan.id)).all() == []
    assert api.post(f"/clients/{jan.id}/deactivate").status_code == 200  # again: nothing
    assert len(by_key(session, "user.deactivated")) == 1

    answer = api.post(f"/clients/{jan.id}/invitation")
    assert answer.status_code == 409
    assert "Reactivate" in answer.json["detail"]

    answer = api.post(f"/clients/{jan.id}/reactivate")
    assert answer.status_code == 200 and answer.json["active"] is True
    [mail] = mailbox.deliver(app)
    assert mail["To"] == "jan@example.nl"
    assert len(by_key(session, "user.reactivated")) == 1
    for who in (staff.other_lawyer, staff.idle_secretary):
        for action in ("deactivate", "reactivate", "invitation"):
            assert api_for(who).post(f"/clients/{jan.id}/{action}").status_code == 404


def test_sending_the_invitation_again(app, api, session, staff, people, mailbox):
    jan, kees, company, anna = people
    assert api.post(f"/clients/{kees.id}/invitation").status_code == 200
    assert api.post(f"/clients/{kees.id}/invitation").status_code == 200
    tokens = session.exec(select(OneTimeToken).where(OneTimeToken.user_id == kees.id)
                          .order_by(OneTimeToken.id)).all()
    assert [t.used_at is None for t in tokens] == [False, True]  # the older link is void
    assert len(mailbox.deliver(app)) == 2
    assert len(by_key(session, "invitation.sent")) == 2


# ---- company clients

def test_creating_a_company_with_its_main_account(app, api, session, staff, mailbox):
    answer = api.post("/companies", json={"name": " Smit B.V. ", "main_account": PERSON},
                      headers={"Idempotency-Key": "bedrijf"})
    assert answer.status_code == 201, answer.json
    company = find(session, Company, Company.name == "Smit B.V.")
    user = find(session, User, User.email == "sophie@example.com")
    assert answer.json["account_ids"] == [user.id]
    assert answer.json["main_account_id"] == user.id
    assert answer.headers["Location"].endswith(f"/api/v1/companies/{company.id}")
    assert user.is_company_main and user.company_id == company.id
    again = api.post("/companies", json={"name": " Smit B.V. ", "main_account": PERSON},
                     headers={"Idempotency-Key": "bedrijf"})
    assert again.json == answer.json
    [mail] = mailbox.deliver(app)
    assert mail["To"] == "sophie@example.com"
    assert len(by_key(session, "company.created")) == 1


def test_a_company_needs_the_staff_forms_fields(api, session, staff):
    before = snapshot(session, skip=CALL_ROWS)
    answer = api.post("/companies", json={"name": "", "main_account": {
        **PERSON, "name": "", "email": "nee"}}, headers={"Accept-Language": "nl"})
    assert answer.status_code == 422
    errors = {e["field"]: e["detail"] for e in answer.json["errors"]}
    assert errors["name"] == "Vul de naam van het bedrijf in."
    assert set(errors) == {"name", "main_account.name", "main_account.email"}
    answer = api.post("/companies", json={"name": "X"})
    assert [e["field"] for e in answer.json["errors"]] == ["main_account"]
    assert differences(before, snapshot(session, skip=CALL_ROWS)) == {}


def test_companies_listed_read_and_renamed(api, api_for, session, staff, people, make):
    jan, kees, company, anna = people
    extra = make.user(email="piet@dewit.nl", company=company)
    loose = make.company("Los B.V.")  # in no dossier
    answer = api.get(f"/companies/{company.id}")
    assert answer.status_code == 200
    assert (answer.json["account_ids"], answer.json["main_account_id"]) == (
        [anna.id, extra.id], anna.id)
    assert [c["id"] for c in api.get("/companies").json["items"]] == [company.id, loose.id]
    assert [c["id"] for c in api_for(staff.other_lawyer).get("/companies").json["items"]] \
        == [loose.id]
    page = api.get("/companies?limit=1").json
    assert [c["id"] for c in page["items"]] == [company.id] and page["next_cursor"]

    answer = api_for(staff.secretary).patch(f"/companies/{company.id}",
                                            json={"name": "De Wit Holding"})
    assert answer.status_code == 200 and answer.json["name"] == "De Wit Holding"
    [event] = by_key(session, "company.renamed")
    assert event.detail["changed"] == {"name": ["Bakkerij De Wit B.V.", "De Wit Holding"]}
    assert api.patch(f"/companies/{company.id}", json={"name": " "}).status_code == 422
    for who in (staff.other_lawyer, staff.idle_secretary):
        assert api_for(who).get(f"/companies/{company.id}").status_code == 404
        assert api_for(who).patch(f"/companies/{company.id}",
                                  json={"name": "Weg"}).status_code == 404
    session.refresh(company)
    assert company.name == "De Wit Holding"
