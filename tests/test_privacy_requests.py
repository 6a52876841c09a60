"""AVG and requests for documents: a client's export holds the requests sent to them, their
items and the files they handed in (identity documents too); erasing the client removes
the requests, items and identity documents like their other data (a shared dossier keeps the
other files handed in, as its case file)."""
import io
import json
import os
import zipfile
from datetime import timedelta

import pytest
from helpers import events
from sqlmodel import delete, select

from app import doc_requests, notifications, privacy, privacy_export, storage
from app.models import (
    Document,
    DocumentRequest,
    DossierClient,
    NotificationItem,
    RequestItem,
    utcnow,
)

PASSPORT = b"%PDF paspoort van Jan"


class World:
    """Jan: his own dossier with a request (passport, an identity document, and a payslip),
    a dossier shared with Piet with a request to each of them, and an old dossier he no
    longer sees with a request he answered."""


@pytest.fixture
def world(make, session, staff):
    w = World()
    w.jan = make.user(email="jan@example.nl", name="Jan de Vries")
    w.piet = make.user(email="piet@example.nl", name="Piet Bakker")
    w.own = make.dossier(clients=[w.jan], number="2026-0001", status="closed",
                         lawyer=staff.lawyer)
    w.shared = make.dossier(clients=[w.jan, w.piet], number="2026-0002", status="closed",
                            lawyer=staff.lawyer)
    w.old = make.dossier(clients=[w.jan], number="2025-0009", status="closed",
                         lawyer=staff.lawyer)
    w.request = make.document_request(w.own, w.jan, by=staff.lawyer, items=[
        {"title": "Kopie paspoort", "explanation": "Voor- en achterkant", "is_identity": True},
        {"title": "Loonstrook"}, {"title": "Taxatierapport"}])
    passport, payslip, _report = w.request.items
    w.passport = make.hand_in(passport, w.jan, "paspoort.pdf", PASSPORT)
    w.payslip = make.hand_in(payslip, w.jan, "loonstrook.pdf", b"%PDF loonstrook")
    session.refresh(payslip)
    doc_requests.decide(session, staff.lawyer, payslip, payslip.revision, approve=False,
                        reason="Onleesbaar")
    session.commit()
    w.shared_request = make.document_request(w.shared, w.jan, by=staff.lawyer, items=[
        {"title": "ID-kaart", "is_identity": True}, {"title": "Koopakte"}])
    id_card, deed = w.shared_request.items
    w.id_card = make.hand_in(id_card, w.jan, "id.pdf", b"%PDF id-kaart")
    w.deed = make.hand_in(deed, w.jan, "koopakte.pdf", b"%PDF koopakte")
    w.piets_request = make.document_request(w.shared, w.piet, by=staff.lawyer, items=[
        {"title": "Paspoort Piet", "is_identity": True}])
    w.piets_passport = make.hand_in(w.piets_request.items[0], w.piet, "piet.pdf", b"%PDF piet")
    w.old_request = make.document_request(w.old, w.jan, by=staff.lawyer, items=["Jaaropgave"])
    w.old_file = make.hand_in(w.old_request.items[0], w.jan, "jaaropgave.pdf", b"%PDF jaar")
    session.exec(delete(DossierClient).where(DossierClient.dossier_id == w.old.id))
    session.commit()
    return w


def export_of(app, session, client):
    with app.test_request_context():
        out, counts = privacy_export.export_client(session, client)
    with out:
        return zipfile.ZipFile(io.BytesIO(out.read())), counts


def test_the_export_holds_the_requests_items_and_files_handed_in(app, session, world):
    archive, counts = export_of(app, session, world.jan)
    names = archive.namelist()
    assert counts["requests"] == 3
    requests = json.loads(archive.read("requests.json"))
    assert [(r["id"], r["dossier"]) for r in requests] == [
        (world.request.id, "2026-0001"), (world.shared_request.id, "2026-0002"),
        (world.old_request.id, "2025-0009")]
    first = requests[0]
    assert first["sent_by"] == "mr. Jansen" and first["completed_at"] is None
    assert [(i["title"], i["identity_document"], i["state"], i["reason"])
            for i in first["items"]] == [
        ("Kopie paspoort", True, "submitted", None), ("Loonstrook", False, "rejected",
                                                      "Onleesbaar"),
        ("Taxatierapport", False, "open", None)]
    [passport] = first["items"][0]["files"]
    assert passport["filename"] == "paspoort.pdf" and passport["sha256"] == world.passport.sha256
    # The identity document is in the archive, in its dossier's "Door mij aangeleverd".
    assert passport["file"] == f"dossiers/2026-0001/Door mij aangeleverd/{world.passport.id} - " \
                               "paspoort.pdf"
    assert archive.read(passport["file"]) == PASSPORT
    assert first["items"][2]["files"] == []
    # A file handed in in a dossier Jan no longer sees: under requests/.
    [old] = requests[2]["items"][0]["files"]
    assert old["file"] == f"requests/{world.old_request.id}/{world.old_file.id} - jaaropgave.pdf"
    assert archive.read(old["file"]) == b"%PDF jaar"
    # dossiers.json says which documents were handed in for a request, and which are ID.
    dossiers = {d["number"]: d for d in json.loads(archive.read("dossiers.json"))}
    handed_in = {d["filename"]: (d["request_item"], d["identity_document"])
                 for d in dossiers["2026-0001"]["documents"]}
    assert handed_in["paspoort.pdf"] == (world.request.items[0].id, True)
    # Piet's request and his passport are not Jan's.
    assert not any("piet.pdf" in name for name in names)
    assert "Paspoort Piet" not in archive.read("requests.json").decode()
    readme = archive.read("README.txt").decode()
    assert "requests.json" in readme and "3 verzoeken om stukken aan u" in readme


def test_an_english_export_names_the_parts_in_english(app, session, world):
    world.jan.language = "en"
    session.commit()
    archive, _counts = export_of(app, session, world.jan)
    readme = archive.read("README.txt").decode()
    assert "3 requests for documents sent to you" in readme
    assert any(name.startswith("dossiers/2026-0001/Provided by me/")
               for name in archive.namelist())


def past_retention(session, *dossiers):
    for dossier in dossiers:
        dossier.status_changed_at = utcnow() - timedelta(days=8 * 365)
    session.commit()


def on_disk(app, key):
    with app.app_context():
        return os.path.exists(storage.path_for(key))


def test_erasing_the_client_removes_requests_items_and_identity_documents(
        app, session, world, staff):
    w = world
    past_retention(session, w.own, w.shared, w.old)
    keys = {name: getattr(w, name).storage_key for name in (
        "passport", "payslip", "id_card", "deed", "piets_passport", "old_file")}
    # A notification about a request waits for the lawyer and for Jan.
    notifications.notify(session, [staff.lawyer], "request", w.shared_request)
    notifications.notify(session, [w.jan], "request", w.request)
    session.commit()
    with app.app_context():
        erased = privacy.erase_client(session, staff.admin, w.jan)
    assert erased.requests == 3  # his own dossier's, the shared one's to him, the old one's
    session.expire_all()
    assert [r.id for r in session.exec(select(DocumentRequest))] == [w.piets_request.id]
    assert [i.request_id for i in session.exec(select(RequestItem))] == [w.piets_request.id]
    remaining = {d.filename: d for d in session.exec(select(Document))}
    # His own dossier is emptied; in the shared one his identity document goes, the deed he
    # handed in stays with the case file (no longer tied to an item), Piet's as it was; so
    # does the file in the dossier he no longer saw (not his to empty: as any document).
    assert set(remaining) == {"koopakte.pdf", "piet.pdf", "jaaropgave.pdf"}
    assert remaining["koopakte.pdf"].request_item_id is None
    assert remaining["jaaropgave.pdf"].request_item_id is None
    assert remaining["piet.pdf"].request_item_id == w.piets_request.items[0].id
    assert not any(on_disk(app, keys[n]) for n in ("passport", "payslip", "id_card"))
    assert all(on_disk(app, keys[n]) for n in ("deed", "piets_passport", "old_file"))
    assert {n.target_id for n in session.exec(select(NotificationItem).where(
        NotificationItem.target_type == "request"))} == {w.piets_request.id}
    [event] = events(session, "client.erased")
    assert event.detail["requests"] == 3 and event.detail["files"] == erased.files


def test_an_identity_document_outside_any_request_goes_too(app, session, make, world, staff):
    """An identity document Jan handed in whose request is gone (deleted with another
    client, say): still his personal data, still erased with him."""
    w = world
    past_retention(session, w.own, w.shared, w.old)
    stray = make.document(w.shared, "provided", "ID", "los.pdf", b"%PDF los", by=w.jan,
                          identity=True)
    key = stray.storage_key
    with app.app_context():
        privacy.erase_client(session, staff.admin, w.jan)
    session.expire_all()
    assert session.get(Document, stray.id) is None and not on_disk(app, key)
