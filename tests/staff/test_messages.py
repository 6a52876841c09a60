"""Staff side: the inbox, reading, replying, writing to a dossier's clients, "namens"."""
import io
import re
from datetime import timedelta

import pytest
from helpers import age_notifications, csrf_token, login, text_of
from sample_files import DOCX
from sqlmodel import select

from app import notifications, storage
from app.models import (
    CAT_ATTACHMENT,
    CAT_PROVIDED,
    AuditEvent,
    Delegation,
    Document,
    Message,
    MessageAttachment,
    MessageRead,
    NotificationItem,
    utcnow,
)


def post(client, url, files=None, **data):
    data = {"csrf_token": csrf_token(client), **data}
    if files is not None:
        data["files"] = files
    return client.post(url, data=data, content_type="multipart/form-data")


def pdf(name, size=100):
    return (io.BytesIO(b"%PDF-1.4 " + b"x" * size), name)


@pytest.fixture
def arranged(two_dossiers):
    """Jan in a dossier of mr. Jansen, and Kees in one of mr. Bakker (tests/conftest.py)."""
    return two_dossiers


def client_message(session, dossier, sender, subject="Vraag", body="Mijn vraag", minutes=0):
    message = Message(dossier_id=dossier.id, sender_id=sender.id, from_client=True,
                      subject=subject, body=body,
                      sent_at=utcnow() - timedelta(minutes=minutes))
    session.add(message)
    session.commit()
    return message


def as_client(app, email):
    other = app.test_client()
    login(other, email)
    return other


def menu_count(response):
    """The "new" count beside Berichten in the staff menu: (what shows, what is read out),
    or None."""
    link = re.search(r'<a href="/kantoor/berichten">(.*?)</a>', response.get_data(as_text=True),
                     re.S)[1]
    found = re.search(r'<span class="badge" aria-hidden="true">(\d+)</span>'
                      r'<span class="visually-hidden">([^<]+)</span>', link)
    return found.groups() if found else None


def test_inbox_lists_client_messages_unread_first(app, client, session, staff, as_staff,
                                                   arranged):
    jan, kees, dossier, other = arranged
    old = client_message(session, dossier, jan, subject="Oude vraag", minutes=30)
    new = client_message(session, dossier, jan, subject="Nieuwe vraag", minutes=5)
    client_message(session, other, kees, subject="Vraag van Kees")
    session.add(Message(dossier_id=dossier.id, sender_id=staff.lawyer.id, from_client=False,
                        subject="Antwoord van kantoor", body="x", sent_at=utcnow()))
    session.add(Message(dossier_id=dossier.id, sender_id=jan.id, subject="Concept van Jan",
                        body="nog niet verstuurd"))
    session.add(MessageRead(message_id=new.id, user_id=staff.lawyer.id))
    session.commit()

    as_staff(staff.lawyer)
    response = client.get("/kantoor/berichten")
    page = text_of(response)
    assert "1 nieuw bericht" in page
    # Unread first, though older, marked "Nieuw"; read ones after; only this lawyer's dossiers.
    assert page.index("Oude vraag") < page.index("Nieuw") < page.index("Nieuwe vraag")
    assert "Jan de Vries" in page and "2026-0042" in page
    for absent in ("Vraag van Kees", "Antwoord van kantoor", "Concept van Jan"):
        assert absent not in page
    assert 'class="unread"' in response.get_data(as_text=True)
    assert menu_count(response) == ("1", "1 nieuw")

    # Read is per staff member: the secretary still has both unread.
    client.post("/uitloggen", data={"csrf_token": csrf_token(client)})
    as_staff(staff.secretary)
    response = client.get("/kantoor/")
    assert menu_count(response) == ("2", "2 nieuw")
    assert "2 nieuwe berichten" in text_of(client.get("/kantoor/berichten"))
    client.get(f"/kantoor/berichten/{old.id}")
    client.get(f"/kantoor/berichten/{new.id}")
    response = client.get("/kantoor/berichten")
    assert menu_count(response) is None  # nothing new: no count at all
    assert "Geen nieuwe berichten" in text_of(response)
    client.post("/uitloggen", data={"csrf_token": csrf_token(client)})
    as_staff(staff.admin)
    page = text_of(client.get("/kantoor/berichten"))
    assert "Vraag van Kees" in page and "Oude vraag" in page
    assert old.id  # listed for the admin across every dossier


def test_inbox_pages_and_its_fragment(app, client, session, staff, as_staff, arranged):
    jan, _kees, dossier, _other = arranged
    app.config["PAGE_SIZE"] = 2
    for n in range(5):
        client_message(session, dossier, jan, subject=f"Vraag {n}", minutes=n)
    as_staff(staff.lawyer)
    page = text_of(client.get("/kantoor/berichten"))
    assert "Pagina 1 van 3" in page and "Vraag 0" in page and "Vraag 2" not in page
    response = client.get("/kantoor/berichten?page=3", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert "Vraag 4" in html and "<html" not in html and 'id="inbox"' in html
    assert "HX-Request" in response.headers["Vary"]


def test_the_dossier_thread_pages_and_its_fragment(app, client, session, staff, as_staff,
                                                   arranged):
    jan, _kees, dossier, _other = arranged
    app.config["PAGE_SIZE"] = 2
    for n in range(3):
        client_message(session, dossier, jan, subject=f"Vraag {n}", minutes=n)
    as_staff(staff.lawyer)
    url = f"/kantoor/dossiers/{dossier.id}/berichten"
    page = text_of(client.get(url))
    assert "Pagina 1 van 2" in page and "Vraag 0" in page and "Vraag 2" not in page
    assert "Nieuw bericht" in page
    response = client.get(url + "?page=2", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert "Vraag 2" in html and "<html" not in html and 'id="thread"' in html
    assert "HX-Request" in response.headers["Vary"]
    assert "<html" in client.get(url + "?page=2").get_data(as_text=True)


def test_opening_marks_read_for_this_staff_member_and_shows_attachments(
        app, client, session, staff, as_staff, arranged):
    jan, _kees, dossier, _other = arranged
    message = client_message(session, dossier, jan, body="Hierbij mijn paspoort.")
    with app.app_context():
        key, digest, size = storage.store_bytes(b"%PDF-1.4 paspoort")
    document = Document(dossier_id=dossier.id, category=CAT_PROVIDED, title="paspoort",
                        filename="paspoort.pdf", content_type="application/pdf", size=size,
                        sha256=digest, storage_key=key, uploaded_by_id=jan.id)
    session.add(document)
    session.flush()
    session.add(MessageAttachment(message_id=message.id, document_id=document.id))
    session.commit()

    as_staff(staff.secretary)
    page = client.get(f"/kantoor/berichten/{message.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Hierbij mijn paspoort." in html and "paspoort.pdf" in html
    assert f'href="/kantoor/documenten/{document.id}"' in html
    assert "Van: Jan de Vries" in text_of(page) and "Aan: mr. Jansen" in text_of(page)
    reads = session.exec(select(MessageRead)).all()
    assert [(r.message_id, r.user_id) for r in reads] == [(message.id, staff.secretary.id)]
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "message.read")).one()
    assert client.get(f"/kantoor/documenten/{document.id}").status_code == 200


def test_a_secretary_sends_on_behalf_of_the_lawyer_and_the_client_sees_namens(
        app, client, session, staff, as_staff, arranged, mailbox):
    jan, _kees, dossier, _other = arranged
    as_staff(staff.secretary)
    page = client.get(f"/kantoor/dossiers/{dossier.id}/berichten")
    html = page.get_data(as_text=True)
    assert "Versturen namens" in text_of(page)
    assert re.search(rf'<option selected value="{staff.lawyer.id}">mr. Jansen</option>', html)
    assert f'value="{staff.other_lawyer.id}"' not in html  # not delegated by him
    assert "0 van 4000 tekens" in text_of(page)

    response = post(client, f"/kantoor/dossiers/{dossier.id}/berichten",
                    sender=staff.lawyer.id, subject="Concept akte",
                    body="Beste Jan,\r\nHierbij de concept akte.",
                    files=[pdf("akte.pdf"), (io.BytesIO(DOCX), "bijlage.docx")])
    assert response.status_code == 302
    assert "Uw bericht is verstuurd." in text_of(client.get(response.headers["Location"]))
    message = session.exec(select(Message)).one()
    assert (message.sender_id, message.on_behalf_of_id, message.from_client) == (
        staff.secretary.id, staff.lawyer.id, False)
    assert message.body == "Beste Jan,\nHierbij de concept akte." and message.sent_at
    documents = session.exec(select(Document).order_by(Document.id)).all()
    assert [(d.filename, d.category) for d in documents] == [
        ("akte.pdf", CAT_ATTACHMENT), ("bijlage.docx", CAT_ATTACHMENT)]
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "message.sent")).one()
    assert event.actor_id == staff.secretary.id and event.dossier_id == dossier.id
    assert event.detail["on_behalf_of"] == staff.lawyer.id
    assert event.detail["attachments"] == [d.id for d in documents]

    # One mail that names nothing of it (before Jan reads it: a message read before the
    # batch goes out is left out of it).
    age_notifications(session)
    notifications.send_due(app)
    [mail] = mailbox.deliver(app)
    assert mail["To"] == "jan@example.nl"
    body = mail.get_body(("plain",)).get_content()
    assert "1 nieuw bericht" in body

    # The client: "Van: Els Secr (namens: mr. Jansen)" in the list and in the message.
    jan_client = as_client(app, "jan@example.nl")
    listed = text_of(jan_client.get(f"/dossiers/{dossier.id}/berichten"))
    assert "Van: Els Secr (namens: mr. Jansen)" in listed
    assert "Berichten (1) 1 ongelezen" in listed
    opened = jan_client.get(f"/berichten/{message.id}")
    assert "Van: Els Secr (namens: mr. Jansen)" in text_of(opened)
    assert "Hierbij de concept akte." in text_of(opened)
    assert jan_client.get(f"/documenten/{documents[0].id}/download").status_code == 200
    assert "Concept akte" not in body and "2026-0042" not in body


def test_a_secretary_may_not_write_for_a_lawyer_who_did_not_delegate(
        client, session, staff, as_staff, arranged):
    _jan, _kees, dossier, _other = arranged
    as_staff(staff.secretary)
    response = post(client, f"/kantoor/dossiers/{dossier.id}/berichten",
                    sender=staff.other_lawyer.id, subject="Onderwerp", body="Tekst")
    assert response.status_code == 400
    assert "Onderwerp" in response.get_data(as_text=True)
    assert session.exec(select(Message)).all() == []
    assert session.exec(select(NotificationItem)).all() == []


def test_a_lawyer_writes_as_themself_and_an_admin_may_choose(app, client, session, staff,
                                                             as_staff, arranged):
    """A lawyer has no choice; an admin writes as themself or for the dossier's own lawyer,
    never for another lawyer."""
    _jan, _kees, dossier, _other = arranged
    as_staff(staff.lawyer)
    page = client.get(f"/kantoor/dossiers/{dossier.id}/berichten")
    assert "Versturen namens" not in text_of(page) and "Van: mr. Jansen" in text_of(page)
    post(client, f"/kantoor/dossiers/{dossier.id}/berichten", subject="Van de advocaat",
         body="Tekst")
    # A sender smuggled into a lawyer's form was added by hand: refused, nothing sent.
    smuggled = post(client, f"/kantoor/dossiers/{dossier.id}/berichten",
                    sender=staff.other_lawyer.id, subject="Gesmokkeld", body="Tekst")
    assert smuggled.status_code == 404
    client.post("/uitloggen", data={"csrf_token": csrf_token(client)})
    as_staff(staff.admin)
    html = client.get(f"/kantoor/dossiers/{dossier.id}/berichten").get_data(as_text=True)
    assert "Mijzelf (Admin)" in html
    assert re.search(rf'<option selected value="{staff.lawyer.id}">mr. Jansen</option>', html)
    assert "mr. Bakker" not in html  # not the lawyer of this dossier
    post(client, f"/kantoor/dossiers/{dossier.id}/berichten", sender=0,
         subject="Van de beheerder", body="Tekst")
    post(client, f"/kantoor/dossiers/{dossier.id}/berichten", sender=staff.lawyer.id,
         subject="Namens Jansen", body="Tekst")
    for tampered in (staff.other_lawyer.id, staff.secretary.id, "x"):
        refused = post(client, f"/kantoor/dossiers/{dossier.id}/berichten", sender=tampered,
                       subject="Namens een ander", body="Tekst")
        assert refused.status_code == 400
        assert "U mag in dit dossier niet namens deze persoon schrijven." in text_of(refused)
        assert 'value="Namens een ander"' in refused.get_data(as_text=True)  # kept
    sent = {m.subject: (m.sender_id, m.on_behalf_of_id)
            for m in session.exec(select(Message))}
    assert sent == {"Van de advocaat": (staff.lawyer.id, None),
                    "Van de beheerder": (staff.admin.id, None),
                    "Namens Jansen": (staff.admin.id, staff.lawyer.id)}
    assert [e.detail["on_behalf_of"] for e in session.exec(
        select(AuditEvent).where(AuditEvent.action == "message.sent")
        .order_by(AuditEvent.id))] == [None, None, staff.lawyer.id]


def test_the_sender_is_tied_to_the_dossier(app, client, session, make, staff, as_staff,
                                           arranged):
    """A secretary who works for both lawyers writes in mr. Jansen's dossier only on his
    behalf: mr. Bakker is not offered there, and posting him (also in a reply) is refused."""
    jan, _kees, dossier, other = arranged
    session.add(Delegation(lawyer_id=staff.other_lawyer.id, secretary_id=staff.secretary.id))
    session.commit()
    question = client_message(session, dossier, jan)
    as_staff(staff.secretary)
    html = client.get(f"/kantoor/dossiers/{dossier.id}/berichten").get_data(as_text=True)
    assert re.findall(r'<option[^>]*value="(\d+)"', html) == [str(staff.lawyer.id)]
    html = client.get(f"/kantoor/dossiers/{other.id}/berichten").get_data(as_text=True)
    assert re.findall(r'<option[^>]*value="(\d+)"', html) == [str(staff.other_lawyer.id)]
    for url in (f"/kantoor/dossiers/{dossier.id}/berichten",
                f"/kantoor/berichten/{question.id}/beantwoorden"):
        refused = post(client, url, sender=staff.other_lawyer.id, subject="Verkeerd",
                       body="Tekst", files=[pdf("akte.pdf")])
        assert refused.status_code == 400, url
        assert "Kies een afzender uit de lijst." in text_of(refused)
    assert session.exec(select(Message).where(Message.from_client.is_(False))).all() == []
    assert session.exec(select(Document)).all() == []
    assert session.exec(select(NotificationItem)).all() == []
    assert post(client, f"/kantoor/berichten/{question.id}/beantwoorden",
                sender=staff.lawyer.id, subject="Goed", body="Tekst").status_code == 302
    reply = session.exec(select(Message).where(Message.from_client.is_(False))).one()
    assert (reply.sender_id, reply.on_behalf_of_id) == (staff.secretary.id, staff.lawyer.id)


def test_reply_shows_the_original_under_it(app, client, session, staff, as_staff, arranged):
    jan, _kees, dossier, _other = arranged
    question = client_message(session, dossier, jan, subject="Vraag over de akte",
                              body="Wanneer is de overdracht?")
    as_staff(staff.lawyer)
    page = client.get(f"/kantoor/berichten/{question.id}/beantwoorden")
    assert page.status_code == 200
    shown = text_of(page)
    assert "Oorspronkelijk bericht" in shown and "Wanneer is de overdracht?" in shown
    assert 'value="Re: Vraag over de akte"' in page.get_data(as_text=True)
    assert session.exec(select(MessageRead)).one().user_id == staff.lawyer.id

    response = post(client, f"/kantoor/berichten/{question.id}/beantwoorden",
                    subject="Re: Vraag over de akte", body="Op 1 mei.")
    assert response.status_code == 302
    reply = session.exec(select(Message).where(Message.id != question.id)).one()
    assert reply.reply_to_id == question.id and reply.from_client is False

    # The staff member sees the thread; the client sees the reply with its original.
    assert "Re: Vraag over de akte" in text_of(
        client.get(f"/kantoor/dossiers/{dossier.id}/berichten"))
    staff_view = text_of(client.get(f"/kantoor/berichten/{reply.id}"))
    assert "Op 1 mei." in staff_view and "Wanneer is de overdracht?" in staff_view
    jan_client = as_client(app, "jan@example.nl")
    opened = text_of(jan_client.get(f"/berichten/{reply.id}"))
    assert "Op 1 mei." in opened and "Oorspronkelijk bericht" in opened
    assert "Wanneer is de overdracht?" in opened


def test_4000_characters_are_sent_4001_are_refused_keeping_the_text(
        client, session, staff, as_staff, arranged):
    _jan, _kees, dossier, _other = arranged
    as_staff(staff.lawyer)
    url = f"/kantoor/dossiers/{dossier.id}/berichten"
    too_long = "a" * 3990 + "\r\n" + "b" * 10  # 4001: a line break counts as one
    response = post(client, url, subject="Lang", body=too_long)
    assert response.status_code == 400
    page = text_of(response)
    assert "Een bericht mag maximaal 4000 tekens bevatten; uw bericht heeft er 4001." in page
    assert "a" * 3990 + "\n" + "b" * 10 in response.get_data(as_text=True)  # kept
    assert 'value="Lang"' in response.get_data(as_text=True)
    assert session.exec(select(Message)).all() == []

    response = post(client, url, subject="Precies", body="a" * 3990 + "\r\n" + "b" * 9)
    assert response.status_code == 302
    assert len(session.exec(select(Message)).one().body) == 4000


def test_subject_and_text_are_required(client, session, staff, as_staff, arranged):
    _jan, _kees, dossier, _other = arranged
    as_staff(staff.lawyer)
    response = post(client, f"/kantoor/dossiers/{dossier.id}/berichten", subject="",
                    body="  ", files=[pdf("akte.pdf")])
    assert response.status_code == 400
    page = text_of(response)
    assert "Vul een onderwerp in." in page and "Vul een bericht in." in page
    assert "Kies de bijlagen opnieuw: ze zijn niet bewaard." in page
    assert session.exec(select(Message)).all() == []
    assert session.exec(select(Document)).all() == []


def test_a_refused_attachment_sends_nothing_and_keeps_the_text(app, client, session, staff,
                                                             as_staff, arranged):
    _jan, _kees, dossier, _other = arranged
    as_staff(staff.lawyer)
    response = post(client, f"/kantoor/dossiers/{dossier.id}/berichten", subject="Stukken",
                    body="Zie bijlagen", files=[pdf("akte.pdf"), pdf("virus.exe")])
    assert response.status_code == 400
    page = text_of(response)
    assert "Uw bericht is niet verstuurd" in page
    assert "“virus.exe” is niet toegevoegd: dit type bestand is niet toegestaan." in page
    assert "Zie bijlagen" in page
    assert session.exec(select(Message)).all() == []
    assert session.exec(select(Document)).all() == []
    assert session.exec(select(NotificationItem)).all() == []


def test_the_live_counter(client, staff, as_staff, arranged):
    as_staff(staff.lawyer)
    token = csrf_token(client)
    response = client.post("/kantoor/berichten/teller", data={"body": "Beste,\r\n\r\nHierbij "},
                           headers={"HX-Request": "true", "X-CSRFToken": token})
    assert text_of(response) == "16 van 4000 tekens"
    response = client.post("/kantoor/berichten/teller", data={"body": "x" * 4000},
                           headers={"HX-Request": "true", "X-CSRFToken": token})
    assert "4000 van 4000 tekens" in text_of(response) and "Maximum bereikt" in text_of(response)


def test_english_staff_see_english(client, session, staff, as_staff, arranged):
    _jan, _kees, dossier, _other = arranged
    staff.secretary.language = "en"
    session.commit()
    as_staff(staff.secretary)
    page = text_of(client.get(f"/kantoor/dossiers/{dossier.id}/berichten"))
    assert "Send on behalf of" in page and "New message" in page
    assert "0 of 4000 characters" in page


def test_a_clients_draft_stays_private(app, client, session, staff, as_staff, arranged):
    jan, _kees, dossier, _other = arranged
    draft = Message(dossier_id=dossier.id, sender_id=jan.id, subject="Concept", body="geheim")
    session.add(draft)
    session.commit()
    as_staff(staff.lawyer)
    assert client.get(f"/kantoor/berichten/{draft.id}").status_code == 404
    assert client.get(f"/kantoor/berichten/{draft.id}/beantwoorden").status_code == 404
    assert "geheim" not in text_of(client.get(f"/kantoor/dossiers/{dossier.id}/berichten"))


@pytest.mark.parametrize("who", ["client", "idle_secretary", "other_lawyer"])
def test_others_get_404_everywhere_and_nothing_is_stored(app, client, session, staff,
                                                         as_staff, arranged, who):
    jan, _kees, dossier, _other = arranged
    message = client_message(session, dossier, jan, subject="Vertrouwelijke vraag")
    if who == "client":
        login(client, "jan@example.nl")  # even the client of this very dossier
    else:
        as_staff(getattr(staff, who))
    data = dict(subject="Indringer", body="Tekst", sender=staff.lawyer.id)
    assert client.get(f"/kantoor/dossiers/{dossier.id}/berichten").status_code == 404
    assert post(client, f"/kantoor/dossiers/{dossier.id}/berichten",
                files=[pdf("x.pdf")], **data).status_code == 404
    assert client.get(f"/kantoor/berichten/{message.id}").status_code == 404
    assert client.get(f"/kantoor/berichten/{message.id}/beantwoorden").status_code == 404
    assert post(client, f"/kantoor/berichten/{message.id}/beantwoorden",
                **data).status_code == 404
    inbox = client.get("/kantoor/berichten")
    if who == "client":
        assert inbox.status_code == 404
        assert client.post("/kantoor/berichten/teller", data={"body": "x"}, headers={
            "HX-Request": "true", "X-CSRFToken": csrf_token(client)}).status_code == 404
    else:
        assert inbox.status_code == 200 and "Vertrouwelijke vraag" not in text_of(inbox)
    assert [m.id for m in session.exec(select(Message))] == [message.id]
    assert session.exec(select(MessageRead)).all() == []
    assert session.exec(select(Document)).all() == []
    assert session.exec(select(NotificationItem)).all() == []


def test_reading_a_client_message_is_audited_once(client, session, staff, as_staff, arranged):
    """"message.read" the first time a staff member opens a client's message (by reading or
    answering it), not again; the firm's own messages are not "read"."""
    jan, _kees, dossier, _other = arranged
    question = client_message(session, dossier, jan)
    answer = Message(dossier_id=dossier.id, sender_id=staff.lawyer.id, from_client=False,
                     subject="Antwoord", body="x", sent_at=utcnow())
    session.add(answer)
    session.commit()
    as_staff(staff.secretary)
    client.get(f"/kantoor/berichten/{question.id}/beantwoorden")
    client.get(f"/kantoor/berichten/{question.id}")
    client.get(f"/kantoor/berichten/{question.id}")
    client.get(f"/kantoor/berichten/{answer.id}")
    session.expire_all()
    reads = session.exec(select(AuditEvent).where(AuditEvent.action == "message.read")).all()
    assert [(e.actor_id, e.target_type, e.target_id, e.dossier_id, e.ip) for e in reads] == [
        (staff.secretary.id, "message", question.id, dossier.id, "127.0.0.1")]


def test_a_reply_with_attachments_reaches_the_client(app, client, session, staff, as_staff,
                                                    arranged):
    """The lawyer answers a client's question with two files: the client sees them on the
    reply and downloads them; they are the firm's message attachments, so the client's
    Correspondentie, Documenten and Door mij aangeleverd tabs do not list them, while the
    staff's documents page does (under the attachments of the firm's messages)."""
    from sample_files import DOCX, PDF
    jan, kees, dossier, _other = arranged
    question = client_message(session, dossier, jan, subject="Stukken?", body="Graag de akte.")
    as_staff(staff.lawyer)
    response = post(client, f"/kantoor/berichten/{question.id}/beantwoorden",
                    subject="Re: Stukken?", body="Hierbij de stukken.",
                    files=[(io.BytesIO(PDF), "akte.pdf"), (io.BytesIO(DOCX), "notitie.docx")])
    assert response.status_code == 302, text_of(response)
    session.expire_all()
    reply = session.exec(select(Message).where(Message.reply_to_id == question.id)).one()
    documents = session.exec(select(Document).join(
        MessageAttachment, MessageAttachment.document_id == Document.id).where(
        MessageAttachment.message_id == reply.id).order_by(Document.id)).all()
    assert [(d.filename, d.category, d.uploaded_by_id, d.dossier_id) for d in documents] == [
        ("akte.pdf", CAT_ATTACHMENT, staff.lawyer.id, dossier.id),
        ("notitie.docx", CAT_ATTACHMENT, staff.lawyer.id, dossier.id)]
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "message.sent")).one()
    assert event.detail["attachments"] == [d.id for d in documents]
    assert event.detail["reply_to"] == question.id
    staff_page = text_of(client.get(f"/kantoor/dossiers/{dossier.id}/documenten"))
    assert "Bijlagen bij berichten van het kantoor" in staff_page
    assert "akte.pdf" in staff_page and "notitie.docx" in staff_page

    jan_client = as_client(app, "jan@example.nl")
    opened = jan_client.get(f"/berichten/{reply.id}")
    html = opened.get_data(as_text=True)
    assert "Hierbij de stukken." in text_of(opened) and "Graag de akte." in text_of(opened)
    for document in documents:
        assert f'href="/documenten/{document.id}/download"' in html
    assert jan_client.get(f"/documenten/{documents[0].id}/download").data == PDF
    assert jan_client.get(f"/documenten/{documents[1].id}/download").data == DOCX
    overview = text_of(jan_client.get(f"/dossiers/{dossier.id}"))
    assert "Correspondentie (0)" in overview and "Documenten (0)" in overview
    assert "Door mij aangeleverd (1)" in overview  # only Jan's own question
    assert "Berichten (2)" in text_of(jan_client.get(f"/dossiers/{dossier.id}/berichten"))
    for tab in ("correspondentie", "documenten", "aangeleverd"):
        assert "akte.pdf" not in text_of(jan_client.get(f"/dossiers/{dossier.id}/{tab}")), tab
    # Kees, a client of another dossier, cannot fetch them.
    kees_client = as_client(app, kees.email)
    assert kees_client.get(f"/documenten/{documents[0].id}/download").status_code == 404
    assert kees_client.get(f"/berichten/{reply.id}").status_code == 404
