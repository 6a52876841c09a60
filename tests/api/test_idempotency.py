"""Idempotency-Key: a repeated create returns the first answer and creates nothing; a key
reused for another call, or sent again while the first still runs, is refused; answers are
forgotten after a day."""
from datetime import timedelta

from sqlalchemy import func
from sqlmodel import select

from app.api import idempotency
from app.models import ApiKey, IdempotencyKey, User, utcnow

NEW = {"name": "Jan de Vries", "email": "jan@example.nl", "language": "nl"}


def clients_named(session, email):
    return session.exec(select(func.count()).select_from(User)
                        .where(User.email == email)).one()


def test_a_repeated_create_returns_the_first_answer(api, session, staff):
    first = api.post("/clients", json=NEW, headers={"Idempotency-Key": "k-1"})
    assert first.status_code == 201, first.json
    again = api.post("/clients", json=NEW, headers={"Idempotency-Key": "k-1"})
    assert again.status_code == 201
    assert again.json == first.json
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.headers.get("Location") == first.headers.get("Location")
    assert clients_named(session, "jan@example.nl") == 1


def test_without_a_key_a_repeat_is_a_new_call(api, session, staff):
    assert api.post("/clients", json=NEW).status_code == 201
    answer = api.post("/clients", json=NEW)
    assert answer.status_code == 409  # the address is taken: the repeat did run
    assert clients_named(session, "jan@example.nl") == 1


def test_a_key_reused_for_another_call_is_refused(api, session, staff):
    assert api.post("/clients", json=NEW, headers={"Idempotency-Key": "k-2"}).status_code == 201
    other = api.post("/clients", json={**NEW, "email": "kees@example.nl"},
                     headers={"Idempotency-Key": "k-2"})
    assert other.status_code == 422
    assert other.json["type"].endswith("#problem-idempotency-mismatch")
    assert clients_named(session, "kees@example.nl") == 0


def test_each_api_key_has_its_own_idempotency_keys(api_for, session, staff):
    first, second = api_for(staff.admin), api_for(staff.admin)
    assert first.post("/clients", json=NEW,
                      headers={"Idempotency-Key": "same"}).status_code == 201
    answer = second.post("/clients", json=NEW, headers={"Idempotency-Key": "same"})
    assert answer.status_code == 409  # not the first key's answer: its own call, refused


def test_a_refused_call_is_replayed_but_a_server_error_is_not_kept(api, session, staff):
    bad = {**NEW, "email": "not an address"}
    first = api.post("/clients", json=bad, headers={"Idempotency-Key": "k-3"})
    assert first.status_code == 422
    assert api.post("/clients", json=bad,
                    headers={"Idempotency-Key": "k-3"}).headers["Idempotent-Replayed"]


def test_a_repeat_while_the_first_runs_is_409(app, api, session, staff):
    """The key is claimed (committed) before the call runs: a copy sent meanwhile finds the
    claim without an answer and is told to try again; nothing is created twice."""
    with app.test_request_context("/api/v1/clients", method="POST", json=NEW):
        fingerprint = idempotency.fingerprint()
    key_id = api.get("/me").json and session.exec(select(ApiKey.id)).one()
    session.add(IdempotencyKey(api_key_id=key_id, key="k-4", fingerprint=fingerprint))
    session.commit()
    second = api.post("/clients", json=NEW, headers={"Idempotency-Key": "k-4"})
    assert second.status_code == 409
    assert second.json["type"].endswith("#problem-idempotency-in-progress")
    assert second.headers["Retry-After"] == "1"
    assert clients_named(session, "jan@example.nl") == 0


def test_answers_are_forgotten_after_a_day(app, api, session, staff):
    assert api.post("/clients", json=NEW, headers={"Idempotency-Key": "old"}).status_code == 201
    row = session.exec(select(IdempotencyKey)).one()
    row.created_at = utcnow() - timedelta(hours=25)
    session.add(row)
    session.commit()
    with app.app_context():
        assert idempotency.purge(session) == 1
    assert session.exec(select(IdempotencyKey)).all() == []


def test_a_too_long_key_is_422(api, staff):
    answer = api.post("/clients", json=NEW, headers={"Idempotency-Key": "x" * 256})
    assert answer.status_code == 422
    assert answer.json["errors"][0]["field"] == "Idempotency-Key"


def test_a_multipart_call_with_repeated_parts_is_fingerprinted(api, case):
    """Parts of one name more than once (files too): the fingerprint reads them as text (a
    sort of the parts themselves compared a file with a file: a 500)."""
    import io
    _jan, dossier = case
    pdf = b"%PDF-1.4\n%%EOF\n"
    data = {"category": "document", "x": ["1", "2"],
            "file": [(io.BytesIO(pdf), "a.pdf"), (io.BytesIO(pdf), "b.pdf")]}
    answer = api.post(f"/dossiers/{dossier.id}/documents", data=data,
                      content_type="multipart/form-data", headers={"Idempotency-Key": "m-1"})
    assert answer.status_code == 422
