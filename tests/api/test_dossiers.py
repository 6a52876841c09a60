"""API dossiers, their clients and companies, progress steps and the statuses: the staff's
rules (which lawyer an account may pick, which clients it may link, who sees which dossier),
the staff forms' messages, cursor pages with a constant number of statements, and every
change audited with the key."""
from datetime import timedelta

import pytest
from helpers import differences, events, find, snapshot
from sqlmodel import select

from app.models import Dossier, DossierClient, ProgressStep, utcnow

CALL_ROWS = {"auditevent", "loginsession", "throttleevent", "apikey", "idempotencykey"}


@pytest.fixture
def world(make, staff):
    """Jan and the company De Wit (main account Anna) in mr. Jansen's dossier 2026-0042, Kees
    in mr. Bakker's 2026-0099, Piet in no dossier: a namespace."""
    class World:
        jan = make.user(email="jan@example.nl", name="Jan de Vries")
        kees = make.user(email="kees@example.nl", name="Kees Klant")
        piet = make.user(email="piet@example.nl", name="Piet Nieuw")
        company = make.company("Bakkerij De Wit B.V.")
        anna = make.user(email="anna@dewit.nl", name="Anna de Wit", company=company,
                         company_main=True)
    World.dossier = make.dossier(clients=[World.jan], companies=[World.company],
                                 lawyer=staff.lawyer, number="2026-0042",
                                 description="Koop woning")
    World.other = make.dossier(clients=[World.kees], lawyer=staff.other_lawyer,
                               number="2026-0099", status="closed")
    return World


def by_key(session, action):
    """The audit events of `action` made with an API key."""
    return [e for e in events(session, action) if e.api_key_id is not None]


def new(staff, **change):
    return {"number": "2026-0100", "description": "Nieuwe zaak", "status": "in_progress",
            "lawyer_id": staff.lawyer.id, **change}


# ---- creating and changing

def test_creating_a_dossier_shared_at_once(api, session, staff, world):
    answer = api.post("/dossiers", json=new(staff, client_ids=[world.piet.id, world.jan.id],
                                            company_ids=[world.company.id]))
    assert answer.status_code == 201, answer.json
    dossier = find(session, Dossier, Dossier.number == "2026-0100")
    assert answer.headers["Location"].endswith(f"/api/v1/dossiers/{dossier.id}")
    body = answer.json
    assert {k: body[k] for k in ("id", "number", "description", "status", "status_label",
                                 "lawyer_id", "client_ids", "company_ids")} == {
        "id": dossier.id, "number": "2026-0100", "description": "Nieuwe zaak",
        "status": "in_progress", "status_label": "In progress", "lawyer_id": staff.lawyer.id,
        "client_ids": [world.jan.id, world.piet.id], "company_ids": [world.company.id]}
    [created] = by_key(session, "dossier.created")
    assert (created.actor_id, created.dossier_id) == (staff.admin.id, dossier.id)
    assert len(by_key(session, "dossier.client_linked")) == 2
    assert len(by_key(session, "dossier.company_linked")) == 1
    dutch = api.get(f"/dossiers/{dossier.id}", headers={"Accept-Language": "nl"})
    assert dutch.json["status_label"] == "In behandeling"


def test_creating_is_idempotent(api, session, staff, world):
    headers = {"Idempotency-Key": "dossier-0100"}
    first = api.post("/dossiers", json=new(staff), headers=headers)
    again = api.post("/dossiers", json=new(staff), headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json == first.json
    assert len(session.exec(select(Dossier).where(Dossier.number == "2026-0100")).all()) == 1
    assert len(by_key(session, "dossier.created")) == 1


@pytest.mark.parametrize("change, field, detail", [
    ({"number": " "}, "number", "Enter the dossier number."),
    ({"number": "x" * 41}, "number", None),
    ({"description": ""}, "description", "Enter a description."),
    ({"status": "zoek"}, "status", "Choose a status."),
    ({"lawyer_id": 99999}, "lawyer_id", "You may not act for this lawyer."),
    ({"lawyer_id": "jansen"}, "lawyer_id", None),
    ({"client_ids": [99999]}, "client_ids.0", "No client account with this id"),
    ({"company_ids": [0]}, "company_ids.0", None),
    ({"owner": 1}, "owner", None),
])
def test_bad_fields_are_422_and_store_nothing(api, session, staff, world, change, field,
                                              detail):
    before = snapshot(session, skip=CALL_ROWS)
    answer = api.post("/dossiers", json=new(staff, **change))
    assert answer.status_code == 422, answer.json
    [error] = [e for e in answer.json["errors"] if e["field"] == field]
    if detail:
        assert error["detail"].startswith(detail)
    assert differences(before, snapshot(session, skip=CALL_ROWS)) == {}


def test_the_staff_rules_on_lawyers_and_clients(api_for, session, staff, world):
    """A lawyer creates only for themself, links only clients they may manage; a secretary
    acts for the lawyers who delegated (audited as on their behalf); without delegation
    there is no lawyer to pick."""
    lawyer = api_for(staff.lawyer)
    answer = lawyer.post("/dossiers", json=new(staff, lawyer_id=staff.other_lawyer.id))
    assert [e["field"] for e in answer.json["errors"]] == ["lawyer_id"]
    answer = lawyer.post("/dossiers", json=new(staff, client_ids=[world.kees.id]))
    assert [e["field"] for e in answer.json["errors"]] == ["client_ids.0"]
    answer = api_for(staff.idle_secretary).post("/dossiers", json=new(staff))
    assert [e["field"] for e in answer.json["errors"]] == ["lawyer_id"]
    answer = api_for(staff.secretary).post("/dossiers", json=new(staff))
    assert answer.status_code == 201
    [created] = by_key(session, "dossier.created")
    assert (created.actor_id, created.detail["on_behalf_of"]) == (staff.secretary.id,
                                                                  staff.lawyer.id)


def test_a_number_taken_is_409(api, session, staff, world):
    before = snapshot(session, skip=CALL_ROWS)
    answer = api.post("/dossiers", json=new(staff, number="2026-0099"))
    assert answer.status_code == 409
    assert answer.json["detail"] == "There is already a dossier with this number."
    answer = api.patch(f"/dossiers/{world.dossier.id}", json={"number": "2026-0099"})
    assert answer.status_code == 409
    assert differences(before, snapshot(session, skip=CALL_ROWS)) == {}


def test_changing_a_dossier(api, api_for, session, staff, world):
    answer = api.patch(f"/dossiers/{world.dossier.id}", json={"status": "closed",
                                                              "description": "Verkocht"})
    assert answer.status_code == 200, answer.json
    assert (answer.json["status"], answer.json["description"], answer.json["number"]) == (
        "closed", "Verkocht", "2026-0042")
    session.refresh(world.dossier)
    assert world.dossier.status_code == "closed"
    [event] = by_key(session, "dossier.updated")
    assert event.detail["changed"]["status"] == ["in_progress", "closed"]
    # The lawyer may not hand it to another lawyer; the admin may.
    answer = api_for(staff.lawyer).patch(f"/dossiers/{world.dossier.id}",
                                         json={"lawyer_id": staff.other_lawyer.id})
    assert answer.status_code == 422
    answer = api.patch(f"/dossiers/{world.dossier.id}", json={"lawyer_id": None})
    assert answer.status_code == 422
    answer = api.patch(f"/dossiers/{world.dossier.id}",
                       json={"lawyer_id": staff.other_lawyer.id})
    assert answer.json["lawyer_id"] == staff.other_lawyer.id
    for who in (staff.lawyer, staff.idle_secretary):
        assert api_for(who).patch(f"/dossiers/{world.dossier.id}",
                                  json={"status": "in_progress"}).status_code == 404


# ---- reading

def test_one_dossier_only_for_who_sees_it(api, api_for, staff, world):
    answer = api.get(f"/dossiers/{world.dossier.id}")
    assert answer.status_code == 200
    assert (answer.json["client_ids"], answer.json["company_ids"]) == (
        [world.jan.id], [world.company.id])
    assert api_for(staff.lawyer).get(f"/dossiers/{world.dossier.id}").status_code == 200
    assert api_for(staff.secretary).get(f"/dossiers/{world.dossier.id}").status_code == 200
    for who in (staff.other_lawyer, staff.idle_secretary):
        assert api_for(who).get(f"/dossiers/{world.dossier.id}").status_code == 404
    assert api_for(staff.admin, scopes=["clients:read"]).get(
        f"/dossiers/{world.dossier.id}").status_code == 403


def test_the_list_and_its_filters(api, api_for, staff, world):
    ids = lambda answer: [d["id"] for d in answer.json["items"]]  # noqa: E731
    both = [world.dossier.id, world.other.id]
    assert ids(api.get("/dossiers")) == both
    assert ids(api_for(staff.lawyer).get("/dossiers")) == [world.dossier.id]
    assert ids(api_for(staff.idle_secretary).get("/dossiers")) == []
    assert ids(api.get("/dossiers?status=closed")) == [world.other.id]
    assert ids(api.get("/dossiers?status=nothing")) == []
    assert ids(api.get(f"/dossiers?lawyer_id={staff.other_lawyer.id}")) == [world.other.id]
    assert ids(api.get(f"/dossiers?client_id={world.kees.id}")) == [world.other.id]
    assert ids(api.get(f"/dossiers?client_id={world.anna.id}")) == [world.dossier.id]
    assert ids(api.get("/dossiers?client_id=99999")) == []
    assert ids(api.get("/dossiers?q=woning")) == [world.dossier.id]
    assert ids(api.get("/dossiers?q=kees")) == [world.other.id]
    assert ids(api.get("/dossiers?q=de%20wit")) == [world.dossier.id]
    answer = api.get("/dossiers?lawyer_id=abc")
    assert answer.status_code == 422 and answer.json["errors"][0]["field"] == "lawyer_id"


def test_the_list_in_pages(api, make, session, staff):
    dossiers = [make.dossier(lawyer=staff.lawyer) for _ in range(5)]
    first = api.get("/dossiers?limit=2")
    assert [d["id"] for d in first.json["items"]] == [d.id for d in dossiers[:2]]
    second = api.get(f"/dossiers?limit=2&cursor={first.json['next_cursor']}")
    assert [d["id"] for d in second.json["items"]] == [d.id for d in dossiers[2:4]]
    third = api.get(f"/dossiers?limit=2&cursor={second.json['next_cursor']}")
    assert [d["id"] for d in third.json["items"]] == [dossiers[4].id]
    assert third.json["next_cursor"] is None
    # updated_since: a step added through the API touches the dossier.
    since = utcnow().isoformat().replace("+00:00", "Z")
    assert api.get(f"/dossiers?updated_since={since}").json["items"] == []
    api.post(f"/dossiers/{dossiers[1].id}/steps", json={"title_nl": "Start"})
    assert [d["id"] for d in api.get(f"/dossiers?updated_since={since}").json["items"]] == [
        dossiers[1].id]


def test_the_list_runs_as_many_statements_for_3_as_for_30(api, make, staff, statements):
    def add(count):
        for _ in range(count):
            company = make.company()
            make.dossier(clients=[make.user(), make.user()], companies=[company],
                         lawyer=staff.lawyer)
    add(3)
    few = statements(lambda: api.get("/dossiers?limit=100"))
    add(27)
    assert statements(lambda: api.get("/dossiers?limit=100")) == few


# ---- clients and companies of a dossier

def test_linking_and_unlinking(api, api_for, session, staff, world):
    path = f"/dossiers/{world.dossier.id}"
    answer = api.post(f"{path}/clients", json={"client_id": world.piet.id})
    assert answer.status_code == 200
    assert answer.json["client_ids"] == [world.jan.id, world.piet.id]
    assert api.post(f"{path}/clients", json={"client_id": world.piet.id}).status_code == 200
    assert len(by_key(session, "dossier.client_linked")) == 1  # twice: linked once
    other = api.post(f"{path}/companies", json={"company_id": world.company.id})
    assert other.json["company_ids"] == [world.company.id]

    assert api.delete(f"{path}/clients/{world.jan.id}").status_code == 204
    assert api.delete(f"{path}/clients/{world.jan.id}").status_code == 404  # not linked now
    assert api.delete(f"{path}/companies/{world.company.id}").status_code == 204
    assert api.get(path).json["client_ids"] == [world.piet.id]
    assert api.get(path).json["company_ids"] == []
    assert len(by_key(session, "dossier.client_unlinked")) == 1
    assert len(by_key(session, "dossier.company_unlinked")) == 1


def test_linking_follows_the_staff_rules(api_for, session, staff, world):
    """Who sees the dossier may link only a client or company they may manage already."""
    lawyer = api_for(staff.lawyer)
    path = f"/dossiers/{world.dossier.id}"
    answer = lawyer.post(f"{path}/clients", json={"client_id": world.kees.id},
                         headers={"Accept-Language": "nl"})
    assert answer.status_code == 422
    assert answer.json["errors"] == [{"field": "client_id", "detail": (
        "Er is geen cliëntaccount met dit id dat u mag koppelen.")}]
    answer = lawyer.post(f"{path}/clients", json={"client_id": staff.admin.id})
    assert answer.status_code == 422
    answer = lawyer.post(f"{path}/companies", json={"company_id": 99999})
    assert answer.status_code == 422 and answer.json["errors"][0]["field"] == "company_id"
    for who in (staff.other_lawyer, staff.idle_secretary):
        api = api_for(who)
        assert api.post(f"{path}/clients", json={"client_id": world.piet.id}).status_code \
            == 404
        assert api.delete(f"{path}/clients/{world.jan.id}").status_code == 404
        assert api.delete(f"{path}/companies/{world.company.id}").status_code == 404
    assert session.exec(select(DossierClient).where(
        DossierClient.dossier_id == world.dossier.id)).all() == [
        DossierClient(dossier_id=world.dossier.id, user_id=world.jan.id)]


# ---- progress steps

def test_steps(api, session, make, staff, world):
    path = f"/dossiers/{world.dossier.id}/steps"
    make.steps(world.dossier, 2, done=1)
    answer = api.post(path, json={"title_nl": " Akte passeren ", "title_en": "Sign the deed"})
    assert answer.status_code == 201, answer.json
    step = answer.json
    assert (step["position"], step["title_nl"], step["title_en"], step["done_at"]) == (
        2, "Akte passeren", "Sign the deed", None)
    assert answer.headers["Location"].endswith(f"{path}/{step['id']}")
    assert api.get(f"{path}/{step['id']}").json == step

    answer = api.patch(f"{path}/{step['id']}", json={"done": True, "position": 0,
                                                     "title_en": ""})
    assert answer.status_code == 200
    assert answer.json["done_at"] is not None and answer.json["position"] == 0
    assert answer.json["title_en"] == ""
    listed = api.get(path).json["items"]
    assert [s["title_nl"] for s in listed] == ["Akte passeren", "Stap 1", "Stap 2"]
    assert [s["position"] for s in listed] == [0, 1, 2]
    answer = api.patch(f"{path}/{step['id']}", json={"done": False, "position": 99})
    assert answer.json["done_at"] is None and answer.json["position"] == 2

    assert api.delete(f"{path}/{listed[1]['id']}").status_code == 204
    assert [s["position"] for s in api.get(path).json["items"]] == [0, 1]
    for action in ("step.added", "step.done", "step.undone", "step.moved", "step.renamed",
                   "step.deleted"):
        assert by_key(session, action), action


def test_steps_check_their_fields(api, api_for, session, make, staff, world):
    make.steps(world.dossier, 1)
    make.steps(world.other, 1)
    path = f"/dossiers/{world.dossier.id}/steps"
    [mine] = api.get(path).json["items"]
    [theirs] = api.get(f"/dossiers/{world.other.id}/steps").json["items"]
    before = snapshot(session, skip=CALL_ROWS)
    answer = api.post(path, json={"title_nl": ""}, headers={"Accept-Language": "nl"})
    assert answer.status_code == 422
    assert answer.json["errors"] == [{"field": "title_nl",
                                      "detail": "Vul de Nederlandse titel van de stap in."}]
    assert api.post(path, json={"title_nl": "x" * 201}).status_code == 422
    assert api.patch(f"{path}/{mine['id']}", json={"done": "ja"}).status_code == 422
    assert api.patch(f"{path}/{mine['id']}", json={"position": -1}).status_code == 422
    assert api.patch(f"{path}/{mine['id']}", json={"title_nl": " "}).status_code == 422
    # A step of another dossier is not found through this one.
    assert api.patch(f"{path}/{theirs['id']}", json={"done": True}).status_code == 404
    assert api.delete(f"{path}/{theirs['id']}").status_code == 404
    for who in (staff.other_lawyer, staff.idle_secretary):
        other = api_for(who)
        assert other.get(path).status_code == 404
        assert other.post(path, json={"title_nl": "Nee"}).status_code == 404
        assert other.patch(f"{path}/{mine['id']}", json={"done": True}).status_code == 404
        assert other.delete(f"{path}/{mine['id']}").status_code == 404
    assert api_for(staff.admin, scopes=["dossiers:read"]).post(
        path, json={"title_nl": "Nee"}).status_code == 403
    assert differences(before, snapshot(session, skip=CALL_ROWS)) == {}
    assert len(session.exec(select(ProgressStep)).all()) == 2


# ---- statuses

def test_statuses(api, api_for, staff):
    answer = api.get("/statuses")
    assert answer.status_code == 200
    codes = {s["code"]: s for s in answer.json["items"]}
    assert codes["in_progress"]["label_nl"] == "In behandeling"
    assert codes["in_progress"]["in_progress"] is True
    assert codes["closed"]["closed"] is True
    assert api_for(staff.lawyer, scopes=["dossiers:read"]).get("/statuses").status_code == 200
    assert api_for(staff.lawyer, scopes=["clients:read"]).get("/statuses").status_code == 403


def test_a_dossier_changed_since(api, session, staff, world):
    world.dossier.updated_at = utcnow() - timedelta(days=2)
    world.other.updated_at = utcnow() - timedelta(days=2)
    session.add_all([world.dossier, world.other])
    session.commit()
    since = (utcnow() - timedelta(days=1)).isoformat().replace("+00:00", "Z")
    api.patch(f"/dossiers/{world.other.id}", json={"description": "Nieuw"})
    assert [d["id"] for d in api.get(f"/dossiers?updated_since={since}").json["items"]] == [
        world.other.id]
