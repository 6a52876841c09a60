"""Staff side: publishing documents (many at once), withdrawing them, and download tracking."""
import hashlib
import io
import re

import pytest
from helpers import age_notifications, csrf_token, files_on_disk, login, text_of
from sample_files import DOCX
from sqlmodel import select

from app import notifications, storage
from app.models import (
    CAT_ATTACHMENT,
    CAT_CORRESPONDENCE,
    CAT_DOCUMENT,
    CAT_PROVIDED,
    AuditEvent,
    Document,
    DocumentDownload,
    Message,
    MessageAttachment,
    NotificationItem,
    utcnow,
)


def pdf(name, size=100):
    return (io.BytesIO(b"%PDF-1.4 " + name.encode() + b" " + b"x" * size), name)


def publish(client, dossier, files, category=CAT_CORRESPONDENCE, titles=None, **kw):
    """Post the publishing form as a browser does (titles only when JavaScript added them)."""
    data = {"csrf_token": csrf_token(client), "category": category, "files": files}
    if titles is not None:
        data["titles"] = titles
    return client.post(f"/kantoor/dossiers/{dossier.id}/documenten", data=data,
                       content_type="multipart/form-data", **kw)


def post(client, url, **data):
    return client.post(url, data={"csrf_token": csrf_token(client), **data})


@pytest.fixture
def arranged(make, staff):
    """Jan and Marie, clients of one dossier handled by mr. Jansen."""
    jan = make.user(email="jan@example.nl", name="Jan de Vries")
    marie = make.user(email="marie@example.nl", name="Marie de Vries")
    dossier = make.dossier(clients=[jan, marie], lawyer=staff.lawyer, number="2026-0042",
                           description="Geheime zaak")
    return jan, marie, dossier


def test_the_page_shows_the_publishing_form(client, staff, as_staff, arranged):
    _jan, _marie, dossier = arranged
    as_staff(staff.lawyer)
    page = text_of(client.get(f"/kantoor/dossiers/{dossier.id}/documenten"))
    assert "Documenten publiceren" in page
    assert "Correspondentie" in page and "Documenten" in page
    assert "Sleep één of meer bestanden hierheen, of" in page
    assert "max. 100 MB per bestand, 250 MB per publicatie" in page


def test_publish_many_files_the_client_sees_them_and_gets_one_mail(
        app, client, session, staff, as_staff, arranged, mailbox):
    jan, marie, dossier = arranged
    marie.notify_documents = False  # her choice holds: she gets no mail
    session.commit()
    as_staff(staff.secretary)
    response = publish(client, dossier, [pdf("brief-1.pdf"), pdf("Brief aan u.pdf"),
                                         (io.BytesIO(DOCX), "memo.docx")],
                       titles=["Brief aan de wederpartij", "", "  Memo  over   de zaak "])
    assert response.status_code == 302
    response = publish(client, dossier, [pdf("Concept akte.pdf"), pdf("declaratie.pdf")],
                       category=CAT_DOCUMENT)  # no titles: the plain form without JavaScript
    assert response.status_code == 302
    assert "2 documenten zijn gepubliceerd." in text_of(client.get(response.headers["Location"]))

    documents = session.exec(select(Document).order_by(Document.id)).all()
    assert [(d.category, d.title) for d in documents] == [
        (CAT_CORRESPONDENCE, "Brief aan de wederpartij"), (CAT_CORRESPONDENCE, "Brief aan u"),
        (CAT_CORRESPONDENCE, "Memo over de zaak"), (CAT_DOCUMENT, "Concept akte"),
        (CAT_DOCUMENT, "declaratie")]
    first = documents[0]
    with app.app_context():
        with open(storage.path_for(first.storage_key), "rb") as f:
            data = f.read()
    assert data == b"%PDF-1.4 brief-1.pdf " + b"x" * 100
    assert first.sha256 == hashlib.sha256(data).hexdigest() and first.size == len(data)
    assert first.filename == "brief-1.pdf" and first.content_type == "application/pdf"
    assert documents[2].content_type.endswith("wordprocessingml.document")
    assert {d.uploaded_by_id for d in documents} == {staff.secretary.id}
    assert len(set(d.storage_key for d in documents)) == 5
    assert not [p for p in files_on_disk(app) if p.endswith(".part")]
    events = session.exec(select(AuditEvent).where(
        AuditEvent.action == "document.published")).all()
    assert sorted(e.target_id for e in events) == [d.id for d in documents]
    assert {e.actor_id for e in events} == {staff.secretary.id}

    # The client sees them, counted per tab and unread.
    login(jan_client := app.test_client(), "jan@example.nl")
    page = text_of(jan_client.get(f"/dossiers/{dossier.id}"))
    assert "Correspondentie (3) 3 ongelezen" in page
    assert "Documenten (2) 2 ongelezen" in page
    assert "Brief aan de wederpartij" in page and "Memo over de zaak" in page
    page = text_of(jan_client.get(f"/dossiers/{dossier.id}/documenten"))
    assert "Concept akte" in page and "declaratie" in page

    # Exactly one mail, once the items are due, and it names nothing of the dossier.
    assert notifications.send_due(app) == 0
    age_notifications(session)
    notifications.send_due(app)
    mails = mailbox.deliver(app)
    assert [m["To"] for m in mails] == ["jan@example.nl"]
    body = mails[0].get_body(("plain",)).get_content()
    assert "5 nieuwe documenten" in body
    for secret in ("2026-0042", "Geheime zaak", "Brief aan", "akte", "declaratie"):
        assert secret not in body and secret not in mails[0]["Subject"]
    assert notifications.send_due(app) == 0 and mailbox.deliver(app) == []


def test_nothing_chosen_is_refused(client, session, staff, as_staff, arranged):
    _jan, _marie, dossier = arranged
    as_staff(staff.lawyer)
    response = publish(client, dossier, [])
    assert response.status_code == 400
    assert "Kies één of meer bestanden om te publiceren." in text_of(response)
    assert session.exec(select(Document)).all() == []


def test_a_refused_type_publishes_nothing(app, client, session, staff, as_staff, arranged):
    _jan, _marie, dossier = arranged
    as_staff(staff.lawyer)
    response = publish(client, dossier, [pdf("goed.pdf"), pdf("virus.exe"), pdf("leeg.pdf", 0)],
                       category=CAT_DOCUMENT, titles=["Goed", "Virus", "Leeg"])
    assert response.status_code == 400
    page = text_of(response)
    assert "Er is niets gepubliceerd" in page
    assert "“virus.exe” kan niet worden gepubliceerd: dit type bestand is niet toegestaan." in page
    assert ".pdf" in page  # the allowed types are named
    assert re.search(r'<input checked[^>]*value="document"', response.get_data(as_text=True))
    assert session.exec(select(Document)).all() == []
    assert session.exec(select(NotificationItem)).all() == []
    assert files_on_disk(app) == []  # the good file was removed again


def test_too_large_and_empty_files_are_refused(app, client, session, staff, as_staff,
                                               arranged):
    _jan, _marie, dossier = arranged
    app.config["MAX_FILE_MB"] = 0.001  # about 1 kB
    as_staff(staff.lawyer)
    response = publish(client, dossier, [pdf("groot.pdf", 5000)])
    assert response.status_code == 400
    assert ("“groot.pdf” is groter dan 0,001 MB en kan niet worden gepubliceerd."
            in text_of(response))
    response = publish(client, dossier, [(io.BytesIO(b""), "leeg.pdf")])
    assert "“leeg.pdf” is leeg en kan niet worden gepubliceerd." in text_of(response)
    assert session.exec(select(Document)).all() == []
    assert files_on_disk(app) == []


def test_the_files_of_one_publication_together_have_a_limit(app, client, session, staff,
                                                           as_staff, arranged):
    _jan, _marie, dossier = arranged
    app.config["MAX_MESSAGE_FILES_MB"] = 0.002  # about 2 kB together
    as_staff(staff.lawyer)
    response = publish(client, dossier, [pdf("a.pdf", 1500), pdf("b.pdf", 1500)])
    assert response.status_code == 400
    assert "“b.pdf” kan niet worden gepubliceerd: de bestanden van één publicatie mogen " \
           "samen hoogstens 0,002 MB zijn." in text_of(response)
    assert session.exec(select(Document)).all() == []


def test_a_title_too_long_is_refused(client, session, staff, as_staff, arranged):
    _jan, _marie, dossier = arranged
    as_staff(staff.lawyer)
    response = publish(client, dossier, [pdf("a.pdf")], titles=["x" * 256])
    assert response.status_code == 400
    assert "De titel van “a.pdf” mag hoogstens 255 tekens lang zijn." in text_of(response)


def test_english_messages_for_english_staff(client, session, staff, as_staff, arranged):
    _jan, _marie, dossier = arranged
    staff.lawyer.language = "en"
    session.commit()
    as_staff(staff.lawyer)
    page = text_of(client.get(f"/kantoor/dossiers/{dossier.id}/documenten"))
    assert "Publish documents" in page and "Correspondence" in page
    response = publish(client, dossier, [pdf("virus.exe")])
    assert "Nothing has been published" in text_of(response)
    assert "“virus.exe” cannot be published: files of this type are not allowed." in \
        text_of(response)


def test_withdraw_and_publish_again(app, client, session, staff, as_staff, arranged):
    jan, _marie, dossier = arranged
    as_staff(staff.lawyer)
    publish(client, dossier, [pdf("brief.pdf")])
    document = session.exec(select(Document)).one()
    response = post(client, f"/kantoor/documenten/{document.id}/intrekken")
    assert response.status_code == 302
    assert "“brief” is ingetrokken: cliënten zien het niet meer." in text_of(
        client.get(response.headers["Location"]))
    session.refresh(document)
    assert document.withdrawn_at is not None
    page = text_of(client.get(f"/kantoor/dossiers/{dossier.id}/documenten"))
    assert "Ingetrokken op" in page and "Opnieuw publiceren" in page

    jan_client = app.test_client()
    login(jan_client, "jan@example.nl")
    assert "Correspondentie (0)" in text_of(jan_client.get(f"/dossiers/{dossier.id}"))
    assert jan_client.get(f"/documenten/{document.id}/download").status_code == 404

    # Publishing again, by htmx: the list comes back with the change.
    response = client.post(f"/kantoor/documenten/{document.id}/publiceren",
                           headers={"HX-Request": "true",
                                    "X-CSRFToken": csrf_token(client)})
    assert response.status_code == 200
    assert 'id="documents"' in response.get_data(as_text=True)
    assert "“brief” is opnieuw gepubliceerd." in text_of(response)
    session.refresh(document)
    assert document.withdrawn_at is None
    assert "Correspondentie (1)" in text_of(jan_client.get(f"/dossiers/{dossier.id}"))
    actions = [e.action for e in session.exec(select(AuditEvent).order_by(AuditEvent.id))
               if e.action.startswith("document.")]
    assert actions == ["document.published", "document.withdrawn", "document.published"]
    # A client-provided document cannot be withdrawn by the firm.
    provided = Document(dossier_id=dossier.id, category=CAT_PROVIDED, title="Paspoort",
                        filename="paspoort.pdf", content_type="application/pdf", size=1,
                        sha256="0" * 64, storage_key="1" * 32, uploaded_by_id=jan.id)
    session.add(provided)
    session.commit()
    assert post(client, f"/kantoor/documenten/{provided.id}/intrekken").status_code == 404


def test_download_tracking_is_shown_to_staff(app, client, session, staff, as_staff, arranged):
    jan, marie, dossier = arranged
    as_staff(staff.lawyer)
    publish(client, dossier, [pdf("brief.pdf")])
    document = session.exec(select(Document)).one()
    page = text_of(client.get(f"/kantoor/dossiers/{dossier.id}/documenten"))
    assert "Jan de Vries: niet gedownload" in page
    assert "Marie de Vries: niet gedownload" in page

    jan_client = app.test_client()
    login(jan_client, "jan@example.nl")
    assert jan_client.get(f"/documenten/{document.id}/download").status_code == 200
    assert jan_client.get(f"/documenten/{document.id}/download").status_code == 200

    page = text_of(client.get(f"/kantoor/dossiers/{dossier.id}/documenten"))
    assert "Jan de Vries: 2 keer gedownload (eerst" in page
    assert "Marie de Vries: niet gedownload" in page

    # The staff member's own download is audited but marks nothing for the client.
    response = client.get(f"/kantoor/documenten/{document.id}")
    assert response.status_code == 200
    assert response.data.startswith(b"%PDF-1.4 brief.pdf")
    assert "filename*=UTF-8''brief.pdf" in response.headers["Content-Disposition"] or \
        'filename=brief.pdf' in response.headers["Content-Disposition"]
    assert "no-store" in response.headers["Cache-Control"]
    marks = session.exec(select(DocumentDownload)).all()
    assert [(m.user_id, m.count) for m in marks] == [(jan.id, 2)]
    event = session.exec(select(AuditEvent).where(
        AuditEvent.action == "document.downloaded",
        AuditEvent.actor_id == staff.lawyer.id)).one()
    assert event.target_id == document.id and event.dossier_id == dossier.id


def test_staff_download_names_files_by_rfc_6266_and_answers_ranges(app, client, session,
                                                                   staff, as_staff, arranged):
    _jan, _marie, dossier = arranged
    as_staff(staff.lawyer)
    publish(client, dossier, [pdf("Brief über € 100.pdf", 1000)])
    document = session.exec(select(Document)).one()
    response = client.get(f"/kantoor/documenten/{document.id}")
    assert "filename*=UTF-8''Brief%20%C3%BCber%20%E2%82%AC%20100.pdf" in \
        response.headers["Content-Disposition"]
    response = client.get(f"/kantoor/documenten/{document.id}",
                          headers={"Range": "bytes=0-7"})
    assert response.status_code == 206 and response.data == b"%PDF-1.4"


def test_the_list_shows_every_kind_of_document(app, client, session, staff, as_staff,
                                               arranged):
    """Published, handed in by the client, questionnaire PDFs and attachments; never the
    attachments of someone's draft."""
    jan, _marie, dossier = arranged

    def add(category, title, **kw):
        with app.app_context():
            key, digest, size = storage.store_bytes(b"%PDF-1.4 " + title.encode())
        document = Document(dossier_id=dossier.id, category=category, title=title,
                            filename=title + ".pdf", content_type="application/pdf",
                            size=size, sha256=digest, storage_key=key, **kw)
        session.add(document)
        session.commit()
        return document

    add(CAT_CORRESPONDENCE, "Brief van kantoor", uploaded_by_id=staff.lawyer.id)
    add(CAT_PROVIDED, "Ingevulde vragenlijst Intake", uploaded_by_id=jan.id)
    sent = Message(dossier_id=dossier.id, sender_id=staff.lawyer.id, from_client=False,
                   subject="Stukken", body="Zie bijlage", sent_at=utcnow())
    draft = Message(dossier_id=dossier.id, sender_id=jan.id, subject="", body="")
    session.add(sent)
    session.add(draft)
    session.commit()
    attached = add(CAT_ATTACHMENT, "Bijlage bij bericht", uploaded_by_id=staff.lawyer.id)
    in_draft = add(CAT_ATTACHMENT, "Geheim concept van de klant", uploaded_by_id=jan.id)
    session.add(MessageAttachment(message_id=sent.id, document_id=attached.id))
    session.add(MessageAttachment(message_id=draft.id, document_id=in_draft.id))
    session.commit()

    as_staff(staff.lawyer)
    page = text_of(client.get(f"/kantoor/dossiers/{dossier.id}/documenten"))
    for title in ("Brief van kantoor", "Ingevulde vragenlijst Intake", "Bijlage bij bericht"):
        assert title in page
    assert "Aangeleverd door de cliënt (1)" in page
    assert "door Jan de Vries" in page
    assert "Geheim concept van de klant" not in page
    assert client.get(f"/kantoor/documenten/{in_draft.id}").status_code == 404
    assert client.get(f"/kantoor/documenten/{attached.id}").status_code == 200


ROUTES = [
    ("get", "/kantoor/dossiers/{dossier}/documenten"),
    ("post", "/kantoor/dossiers/{dossier}/documenten"),
    ("get", "/kantoor/documenten/{document}"),
    ("post", "/kantoor/documenten/{document}/intrekken"),
    ("post", "/kantoor/documenten/{document}/publiceren"),
]


@pytest.mark.parametrize("who", ["client", "idle_secretary", "other_lawyer"])
def test_others_get_404_everywhere_and_nothing_changes(app, client, session, make, staff,
                                                       as_staff, arranged, who):
    jan, _marie, dossier = arranged
    as_staff(staff.lawyer)
    publish(client, dossier, [pdf("brief.pdf")])
    document = session.exec(select(Document)).one()
    client.post("/uitloggen", data={"csrf_token": csrf_token(client)})
    before = (len(session.exec(select(AuditEvent)).all()), len(files_on_disk(app)))

    if who == "client":
        login(client, "jan@example.nl")  # even a client of this very dossier
    else:
        as_staff(getattr(staff, who))
    for method, url in ROUTES:
        url = url.format(dossier=dossier.id, document=document.id)
        if method == "get":
            response = client.get(url)
        elif url.endswith("/documenten"):
            response = publish(client, dossier, [pdf("indringer.pdf")])
        else:
            response = post(client, url)
        assert response.status_code == 404, (method, url)
    session.refresh(document)
    assert document.withdrawn_at is None
    assert len(session.exec(select(Document)).all()) == 1
    after = session.exec(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert not [e for e in after[before[0]:] if e.action.startswith("document.")]
    assert len(files_on_disk(app)) == before[1]


def test_a_secretary_publishes_and_withdraws_on_behalf_of_the_lawyer(client, session, staff,
                                                                     as_staff, arranged):
    """Publishing, withdrawing and publishing again by a secretary are audited "on behalf
    of" the dossier's lawyer, as messages are; the lawyer's own actions are not."""
    _jan, _marie, dossier = arranged
    as_staff(staff.secretary)
    assert publish(client, dossier, [pdf("brief.pdf")]).status_code == 302
    document = session.exec(select(Document)).one()
    assert post(client, f"/kantoor/documenten/{document.id}/intrekken").status_code == 302
    assert post(client, f"/kantoor/documenten/{document.id}/publiceren").status_code == 302
    post(client, "/uitloggen")
    as_staff(staff.lawyer)
    assert post(client, f"/kantoor/documenten/{document.id}/intrekken").status_code == 302
    session.expire_all()
    events = [(e.action, e.actor_id, e.detail.get("on_behalf_of"), e.detail.get("again"))
              for e in session.exec(select(AuditEvent).order_by(AuditEvent.id))
              if e.action in ("document.published", "document.withdrawn")]
    assert events == [
        ("document.published", staff.secretary.id, staff.lawyer.id, None),
        ("document.withdrawn", staff.secretary.id, staff.lawyer.id, None),
        ("document.published", staff.secretary.id, staff.lawyer.id, True),
        ("document.withdrawn", staff.lawyer.id, None, None)]
    # The audit log shows it as "Els Secr (namens mr. Jansen)".
    post(client, "/uitloggen")
    as_staff(staff.admin)
    log = text_of(client.get("/kantoor/auditlog?dossier=2026-0042"))
    assert log.count("Els Secr (namens mr. Jansen)") >= 3
