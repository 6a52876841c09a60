"""API documents: a dossier's documents, one document and its file, publishing (multipart or
the raw body), withdrawing and publishing again, and who downloaded what."""
import io
from datetime import timedelta

import pytest
from helpers import events, files_on_disk
from sqlmodel import select

from app import filecheck, storage
from app.models import (
    CAT_ATTACHMENT,
    CAT_CORRESPONDENCE,
    CAT_DOCUMENT,
    CAT_PROVIDED,
    Document,
    DocumentDownload,
    NotificationItem,
    utcnow,
)

PDF = b"%PDF-1.4 een brief"


@pytest.fixture
def arranged(make, staff):
    """Jan and Marie, clients of a dossier handled by mr. Jansen; a letter in it."""
    jan = make.user(email="jan@example.nl", name="Jan de Vries")
    marie = make.user(email="marie@example.nl", name="Marie de Vries")
    dossier = make.dossier(clients=[jan, marie], lawyer=staff.lawyer, number="2026-0042")
    letter = make.document(dossier, title="Brief", by=staff.lawyer)
    return jan, marie, dossier, letter


def multipart(*files, **fields):
    return {"data": {**fields, "file": [(io.BytesIO(data), name) for name, data in files]},
            "content_type": "multipart/form-data"}


def documents_of(session, dossier):
    session.expire_all()
    return session.exec(select(Document).where(Document.dossier_id == dossier.id)
                        .order_by(Document.id)).all()


# ---- listing and reading

def test_list_a_dossiers_documents(api, arranged, make, staff):
    jan, _marie, dossier, letter = arranged
    provided = make.document(dossier, category=CAT_PROVIDED, title="Paspoort", by=jan)
    gone = make.document(dossier, category=CAT_DOCUMENT, withdrawn_at=utcnow())
    answer = api.get(f"/dossiers/{dossier.id}/documents")
    assert answer.status_code == 200
    assert [d["id"] for d in answer.json["items"]] == [letter.id, provided.id]
    first = answer.json["items"][0]
    assert first["category"] == CAT_CORRESPONDENCE and first["title"] == "Brief"
    assert first["uploaded_by_id"] == staff.lawyer.id and first["withdrawn_at"] is None
    assert set(first) == {"id", "dossier_id", "category", "title", "filename", "content_type",
                          "size", "sha256", "created_at", "updated_at", "withdrawn_at",
                          "uploaded_by_id", "request_item_id"}
    every = api.get(f"/dossiers/{dossier.id}/documents?include_withdrawn=true").json
    assert [d["id"] for d in every["items"]] == [letter.id, provided.id, gone.id]
    only = api.get(f"/dossiers/{dossier.id}/documents?category=provided").json
    assert [d["id"] for d in only["items"]] == [provided.id]


def test_a_drafts_attachment_is_not_listed(api, arranged, make):
    jan, _marie, dossier, letter = arranged
    draft = make.message(dossier, jan, from_client=True, sent=False)
    make.document(dossier, category=CAT_ATTACHMENT, message=draft)
    answer = api.get(f"/dossiers/{dossier.id}/documents?category=attachment")
    assert answer.json["items"] == []


def test_list_pages_and_updated_since(api, arranged, make, session, statements):
    _jan, _marie, dossier, letter = arranged
    more = [make.document(dossier, title=f"Stuk {n}") for n in range(4)]
    first = api.get(f"/dossiers/{dossier.id}/documents?limit=2").json
    assert [d["id"] for d in first["items"]] == [letter.id, more[0].id]
    second = api.get(f"/dossiers/{dossier.id}/documents?limit=2"
                     f"&cursor={first['next_cursor']}").json
    assert [d["id"] for d in second["items"]] == [more[1].id, more[2].id]
    last = api.get(f"/dossiers/{dossier.id}/documents?limit=2"
                   f"&cursor={second['next_cursor']}").json
    assert [d["id"] for d in last["items"]] == [more[3].id] and last["next_cursor"] is None
    for document in more[:3]:
        document.updated_at = utcnow() - timedelta(days=2)
        session.add(document)
    letter.updated_at = utcnow() - timedelta(days=2)
    session.add(letter)
    session.commit()
    since = (utcnow() - timedelta(days=1)).isoformat()
    recent = api.get(f"/dossiers/{dossier.id}/documents",
                     query_string={"updated_since": since}).json
    assert [d["id"] for d in recent["items"]] == [more[3].id]


def test_a_list_runs_as_many_statements_for_3_as_for_30(api, make, staff, statements):
    small = make.dossier(lawyer=staff.lawyer)
    large = make.dossier(lawyer=staff.lawyer)
    for _ in range(3):
        make.document(small)
    for _ in range(30):
        make.document(large)
    api.get("/me")  # the first call of a key warms up what every call reads
    counts = [statements(lambda d=d: api.get(f"/dossiers/{d.id}/documents?limit=100"))
              for d in (small, large)]
    assert counts[0] == counts[1]


@pytest.mark.parametrize("query, field", [
    ("category=nope", "category"), ("include_withdrawn=perhaps", "include_withdrawn"),
    ("limit=0", "limit"), ("cursor=rubbish", "cursor"), ("colour=red", "colour")])
def test_a_bad_list_query_is_422(api, arranged, query, field):
    dossier = arranged[2]
    answer = api.get(f"/dossiers/{dossier.id}/documents?{query}")
    assert answer.status_code == 422
    assert [e["field"] for e in answer.json["errors"]] == [field]


def test_get_one_document(api, arranged):
    letter = arranged[3]
    answer = api.get(f"/documents/{letter.id}")
    assert answer.status_code == 200
    assert answer.json["id"] == letter.id and answer.json["sha256"] == letter.sha256


def test_another_lawyers_key_and_an_idle_secretary_get_404(api_for, arranged, staff):
    _jan, _marie, dossier, letter = arranged
    for user in (staff.other_lawyer, staff.idle_secretary):
        api = api_for(user)
        for path in (f"/dossiers/{dossier.id}/documents", f"/documents/{letter.id}",
                     f"/documents/{letter.id}/file", f"/documents/{letter.id}/downloads"):
            answer = api.get(path)
            assert answer.status_code == 404, (user.name, path)
            assert answer.json["type"].endswith("#problem-not-found")
        for path in (f"/documents/{letter.id}/withdraw", f"/documents/{letter.id}/republish",
                     f"/dossiers/{dossier.id}/documents"):
            assert api.post(path, **multipart(("brief.pdf", PDF))).status_code == 404


def test_the_delegated_secretary_sees_them(api_for, arranged, staff):
    _jan, _marie, dossier, letter = arranged
    api = api_for(staff.secretary)
    assert api.get(f"/documents/{letter.id}").status_code == 200


def test_without_the_scope_it_is_403(api_for, arranged, staff):
    _jan, _marie, dossier, letter = arranged
    reader = api_for(staff.lawyer, scopes=["documents:read"])
    writer = api_for(staff.lawyer, scopes=["documents:write"])
    for path in (f"/dossiers/{dossier.id}/documents", f"/documents/{letter.id}",
                 f"/documents/{letter.id}/file", f"/documents/{letter.id}/downloads"):
        answer = writer.get(path)
        assert answer.status_code == 403 and answer.json["type"].endswith("#problem-scope")
    for path in (f"/documents/{letter.id}/withdraw", f"/documents/{letter.id}/republish",
                 f"/dossiers/{dossier.id}/documents"):
        assert reader.post(path, **multipart(("brief.pdf", PDF))).status_code == 403


def test_the_file_is_downloaded_as_staff_do_audited(api, app, arranged, session):
    jan, _marie, _dossier, letter = arranged
    answer = api.get(f"/documents/{letter.id}/file")
    assert answer.status_code == 200
    assert answer.data == b"%PDF-1.4 test"
    assert answer.mimetype == "application/pdf"
    assert "attachment" in answer.headers["Content-Disposition"]
    [event] = events(session, "document.downloaded")
    assert event.target_id == letter.id and event.detail["staff"] is True
    assert event.api_key_id is not None
    assert session.exec(select(DocumentDownload)).all() == []  # no client's mark


def test_downloads_lists_every_client(api, arranged, session):
    jan, marie, _dossier, letter = arranged
    at = utcnow() - timedelta(hours=1)
    session.add(DocumentDownload(document_id=letter.id, user_id=marie.id, first_at=at,
                                 last_at=at, count=3))
    session.commit()
    answer = api.get(f"/documents/{letter.id}/downloads")
    assert answer.status_code == 200
    items = answer.json["items"]
    assert [(i["client_id"], i["name"], i["downloaded"], i["count"]) for i in items] == [
        (jan.id, "Jan de Vries", False, 0), (marie.id, "Marie de Vries", True, 3)]
    assert items[0]["first_at"] is None and items[1]["first_at"] is not None


# ---- publishing

def test_publish_multipart_tells_the_clients(api, arranged, session, staff):
    jan, marie, dossier, _letter = arranged
    answer = api.post(f"/dossiers/{dossier.id}/documents",
                      **multipart(("Offerte.pdf", PDF), category="document",
                                  title="Offerte  maart"))
    assert answer.status_code == 201, answer.json
    body = answer.json
    assert body["category"] == CAT_DOCUMENT and body["title"] == "Offerte maart"
    assert body["filename"] == "Offerte.pdf" and body["size"] == len(PDF)
    assert body["uploaded_by_id"] == staff.admin.id
    assert answer.headers["Location"].endswith(f"/api/v1/documents/{body['id']}")
    document = session.get(Document, body["id"])
    assert document.content_type == "application/pdf"
    items = session.exec(select(NotificationItem).where(
        NotificationItem.target_id == document.id)).all()
    assert {i.user_id for i in items} == {jan.id, marie.id}
    [event] = events(session, "document.published")
    assert event.target_id == document.id and event.api_key_id is not None
    assert api.get(f"/documents/{document.id}/file").data == PDF


def test_publish_the_raw_body(api, arranged, session):
    dossier = arranged[2]
    named = api.post(f"/dossiers/{dossier.id}/documents?category=document", data=PDF,
                     headers={"Content-Type": "application/pdf", "Content-Disposition":
                              "attachment; filename*=UTF-8''Overeenkomst%20%C3%A9%C3%A9n.pdf"})
    assert named.status_code == 201, named.json
    assert named.json["filename"] == "Overeenkomst één.pdf"
    assert named.json["title"] == "Overeenkomst één" and named.json["category"] == "document"
    by_query = api.post(f"/dossiers/{dossier.id}/documents?filename=brief.pdf&title=Brief",
                        data=PDF, headers={"Content-Type": "application/octet-stream"})
    assert by_query.status_code == 201, by_query.json
    assert by_query.json["category"] == CAT_CORRESPONDENCE
    assert by_query.json["title"] == "Brief" and by_query.json["content_type"] == \
        "application/pdf"
    # With an Idempotency-Key the body is read once for its fingerprint, then stored whole.
    keyed = api.post(f"/dossiers/{dossier.id}/documents?filename=sleutel.pdf", data=PDF,
                     headers={"Content-Type": "application/pdf", "Idempotency-Key": "raw"})
    assert keyed.status_code == 201 and keyed.json["size"] == len(PDF)
    assert api.get(f"/documents/{keyed.json['id']}/file").data == PDF
    # A body past the fingerprint's size is not read for it: stored whole all the same.
    big = PDF + b"\n%" + b"x" * (1 << 20) + b"\n%%EOF\n"
    large = api.post(f"/dossiers/{dossier.id}/documents?filename=groot.pdf", data=big,
                     headers={"Content-Type": "application/pdf", "Idempotency-Key": "big"})
    assert large.status_code == 201, large.json
    assert large.json["size"] == len(big)
    assert api.get(f"/documents/{large.json['id']}/file").data == big


def test_publish_is_idempotent(api, arranged, session):
    dossier = arranged[2]
    before = len(documents_of(session, dossier))
    calls = [api.post(f"/dossiers/{dossier.id}/documents", headers={"Idempotency-Key": "p1"},
                      **multipart(("brief.pdf", PDF))) for _ in range(2)]
    assert [c.status_code for c in calls] == [201, 201]
    assert calls[0].json == calls[1].json
    assert calls[1].headers["Idempotent-Replayed"] == "true"
    assert len(documents_of(session, dossier)) == before + 1


@pytest.mark.parametrize("call, field", [
    (lambda d: multipart(("virus.exe", b"MZ...")), "file"),
    (lambda d: multipart(("nep.pdf", b"<html>nep</html>")), "file"),
    (lambda d: multipart(("leeg.pdf", b"")), "file"),
    (lambda d: multipart(), "file"),
    (lambda d: multipart(("brief.pdf", PDF), ("twee.pdf", PDF)), "file"),
    (lambda d: multipart(("brief.pdf", PDF), category="provided"), "category"),
    (lambda d: multipart(("brief.pdf", PDF), title="x" * 256), "title"),
    (lambda d: multipart(("brief.pdf", PDF), colour="red"), "colour"),
    (lambda d: {"data": PDF, "content_type": "application/pdf"}, "filename"),
    (lambda d: {"data": b"", "content_type": "application/pdf"}, "file"),
])
def test_bad_publications_are_422_and_keep_nothing(api, app, arranged, session, call,
                                                    field):
    dossier = arranged[2]
    before, on_disk = len(documents_of(session, dossier)), files_on_disk(app)
    answer = api.post(f"/dossiers/{dossier.id}/documents", **call(dossier))
    assert answer.status_code == 422, answer.json
    assert field in [e["field"] for e in answer.json["errors"]]
    assert len(documents_of(session, dossier)) == before
    assert files_on_disk(app) == on_disk


def test_a_refused_type_says_why_in_dutch(api, arranged):
    dossier = arranged[2]
    answer = api.post(f"/dossiers/{dossier.id}/documents", headers={"Accept-Language": "nl"},
                      **multipart(("nep.pdf", b"<html>nep</html>")))
    assert answer.status_code == 422
    assert "nep.pdf" in answer.json["errors"][0]["detail"]
    assert "kan niet worden gepubliceerd" in answer.json["errors"][0]["detail"]


def test_too_large_is_413_and_keeps_nothing(api, app, arranged, session):
    dossier = arranged[2]
    app.config["MAX_FILE_MB"] = 0.001  # about 1 kB
    on_disk = files_on_disk(app)
    answer = api.post(f"/dossiers/{dossier.id}/documents",
                      **multipart(("groot.pdf", PDF + b"x" * 5000)))
    assert answer.status_code == 413
    assert answer.json["type"].endswith("#problem-too-large")
    assert "groot.pdf" in answer.json["detail"]
    assert answer.json["errors"][0]["field"] == "file"
    assert len(documents_of(session, dossier)) == 1 and files_on_disk(app) == on_disk


def test_a_full_disk_is_507(api, arranged, session, monkeypatch):
    dossier = arranged[2]

    def full(*args, **kwargs):
        raise storage.InsufficientStorage()
    monkeypatch.setattr(filecheck, "store", full)
    answer = api.post(f"/dossiers/{dossier.id}/documents", **multipart(("brief.pdf", PDF)))
    assert answer.status_code == 507
    assert answer.json["type"].endswith("#problem-insufficient-storage")
    assert len(documents_of(session, dossier)) == 1


# ---- withdrawing and publishing again

def test_withdraw_and_republish(api, arranged, session):
    jan, marie, dossier, letter = arranged
    answer = api.post(f"/documents/{letter.id}/withdraw")
    assert answer.status_code == 200 and answer.json["withdrawn_at"] is not None
    again = api.post(f"/documents/{letter.id}/withdraw")  # changes nothing
    assert again.json["withdrawn_at"] == answer.json["withdrawn_at"]
    [event] = events(session, "document.withdrawn")
    assert event.target_id == letter.id and event.api_key_id is not None
    back = api.post(f"/documents/{letter.id}/republish")
    assert back.status_code == 200 and back.json["withdrawn_at"] is None
    [event] = [e for e in events(session, "document.published") if e.detail.get("again")]
    assert event.api_key_id is not None
    items = session.exec(select(NotificationItem).where(
        NotificationItem.target_id == letter.id)).all()
    assert {i.user_id for i in items} == {jan.id, marie.id}


def test_only_published_documents_are_withdrawn(api, arranged, make):
    jan, _marie, dossier, _letter = arranged
    provided = make.document(dossier, category=CAT_PROVIDED, by=jan)
    answer = api.post(f"/documents/{provided.id}/withdraw")
    assert answer.status_code == 409
    assert answer.json["type"].endswith("#problem-conflict")
