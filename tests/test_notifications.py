"""Notification mails: by preference, without dossier content, batched within minutes."""

import io
from datetime import timedelta

from helpers import (
    age_notifications,
    complete,
    csrf_token,
    fill,
    login,
    post_form,
    send_form,
    text_of,
)
from sqlmodel import select
from twostep_helpers import login_staff

from app import notifications
from app.models import (
    CAT_CORRESPONDENCE,
    AuditEvent,
    Document,
    Message,
    NotificationItem,
    Questionnaire,
    utcnow,
)
from app.questionnaires import sending


def test_several_items_become_one_mail(app, session, make, mailbox):
    jan = make.user(email="jan@example.nl")
    dossier = make.dossier(clients=[jan], number="2026-4242", description="Geheime zaak")
    notifications.notify_dossier(session, dossier.id, "document")
    notifications.notify_dossier(session, dossier.id, "document")
    notifications.notify_dossier(session, dossier.id, "message")
    session.commit()
    assert notifications.send_due(app) == 0  # too soon: wait for more
    age_notifications(session, 6)
    assert notifications.send_due(app) == 1
    [mail] = mailbox.deliver(app)
    body = mail.get_body(("plain",)).get_content()
    assert mail["To"] == "jan@example.nl"
    assert "2 nieuwe documenten" in body and "1 nieuw bericht" in body
    assert "2026-4242" not in body and "Geheime zaak" not in body  # never what
    assert "Geheime zaak" not in mail["Subject"]
    assert notifications.send_due(app) == 0  # nothing twice


def test_preferences_are_respected(app, session, make, mailbox):
    quiet = make.user(email="stil@example.nl")
    quiet.notify_documents = False
    session.commit()
    dossier = make.dossier(clients=[quiet])
    notifications.notify_dossier(session, dossier.id, "document")
    session.commit()
    assert session.exec(select(NotificationItem)).all() == []
    notifications.notify_dossier(session, dossier.id, "questionnaire")
    session.commit()
    age_notifications(session, 6)
    notifications.send_due(app)
    [mail] = mailbox.deliver(app)
    assert "1 nieuwe vragenlijst" in mail.get_body(("plain",)).get_content()


def test_company_accounts_are_notified_in_their_language(app, session, make, mailbox):
    company = make.company()
    make.user(email="main@bedrijf.nl", company=company, company_main=True)
    make.user(email="extra@bedrijf.nl", company=company, language="en")
    actor = make.user(email="actor@bedrijf.nl", company=company)
    dossier = make.dossier(companies=[company])
    notifications.notify_dossier(session, dossier.id, "message", exclude=actor)
    session.commit()
    age_notifications(session, 6)
    assert notifications.send_due(app) == 2
    mails = {m["To"]: m for m in mailbox.deliver(app)}
    assert set(mails) == {"main@bedrijf.nl", "extra@bedrijf.nl"}
    assert "1 new message" in mails["extra@bedrijf.nl"].get_body(("plain",)).get_content()


def test_inactive_or_removed_clients_get_nothing(app, session, make, mailbox):
    gone = make.user(email="weg@example.nl")
    dossier = make.dossier(clients=[gone])
    notifications.notify_dossier(session, dossier.id, "document")
    session.commit()
    gone.active = False
    session.commit()
    age_notifications(session, 6)
    notifications.send_due(app)
    assert mailbox.deliver(app) == []


def test_a_switch_turned_off_stops_what_is_already_waiting(app, session, make, mailbox):
    jan = make.user(email="jan@example.nl")
    dossier = make.dossier(clients=[jan])
    notifications.notify_dossier(session, dossier.id, "document")
    notifications.notify_dossier(session, dossier.id, "message")
    session.commit()
    jan.notify_documents = False  # switched off while the items wait for their mail
    session.commit()
    age_notifications(session, 6)
    assert notifications.send_due(app) == 1
    [mail] = mailbox.deliver(app)
    body = mail.get_body(("plain",)).get_content()
    assert "1 nieuw bericht" in body and "document" not in body
    # What was switched off is dropped, not kept for later.
    assert all(item.mailed_at is not None for item in session.exec(select(NotificationItem)))
    jan.notify_documents = True
    session.commit()
    assert notifications.send_due(app) == 0 and mailbox.deliver(app) == []


def test_every_switch_off_means_no_mail_at_all(app, session, make, mailbox):
    jan = make.user(email="jan@example.nl")
    dossier = make.dossier(clients=[jan])
    # "request" and "approval" come under the switch of questionnaires (KINDS).
    for kind in ("document", "message", "questionnaire", "request", "approval"):
        notifications.notify_dossier(session, dossier.id, kind)
    session.commit()
    jan.notify_documents = jan.notify_messages = jan.notify_questionnaires = False
    session.commit()
    age_notifications(session, 6)
    assert notifications.send_due(app) == 0
    assert mailbox.deliver(app) == []
    assert all(item.mailed_at is not None for item in session.exec(select(NotificationItem)))


def test_switching_off_in_mijn_gegevens_stops_waiting_items(app, client, session, make,
                                                           mailbox):
    jan = make.user(email="jan@example.nl")
    dossier = make.dossier(clients=[jan])
    notifications.notify_dossier(session, dossier.id, "message")
    session.commit()
    login(client, "jan@example.nl")
    post_form(client, "/mijn-gegevens/notificaties", {"documents": "y", "questionnaires": "y"})
    age_notifications(session, 6)
    assert notifications.send_due(app) == 0
    assert mailbox.deliver(app) == []



# ---- issue 16: an item says what it is about; what was seen before the batch is left out;
# staff are told what clients do

ONE_STEP = {"steps": [{"title": "Gegevens", "questions": [
    {"id": "naam", "type": "text", "label": "Volledige naam", "required": True}]}]}


def staff_writes(client, dossier, subject):
    """The staff member logged in on `client` sends a message to the dossier's clients."""
    response = client.post(f"/kantoor/dossiers/{dossier.id}/berichten", data={
        "csrf_token": csrf_token(client), "subject": subject, "body": "Zie bijlage."},
        content_type="multipart/form-data")
    assert response.status_code == 302, text_of(response)


def items_of(session):
    """(user id, kind, target type, target id) of every notification item."""
    session.expire_all()
    return sorted((i.user_id, i.kind, i.target_type, i.target_id)
                  for i in session.exec(select(NotificationItem)))


def message_called(session, subject):
    return session.exec(select(Message).where(Message.subject == subject)).one()


def body_of(mail):
    return mail.get_body(("plain",)).get_content() + mail.get_body(("html",)).get_content()


def test_a_message_the_client_read_before_the_batch_is_left_out(app, client, session, staff,
                                                               two_dossiers, mailbox):
    jan, _kees, dossier, _other = two_dossiers
    login_staff(client, session, staff.lawyer)
    staff_writes(client, dossier, "Eerste")
    reader = app.test_client()
    login(reader, "jan@example.nl")
    # Read within the minutes the batch waits: nothing is left to tell, so no mail at all.
    assert reader.get(f"/berichten/{message_called(session, 'Eerste').id}").status_code == 200
    age_notifications(session, 6)
    assert notifications.send_due(app) == 0
    assert mailbox.deliver(app) == []
    assert all(item.mailed_at is not None for item in session.exec(select(NotificationItem)))

    staff_writes(client, dossier, "Tweede")
    staff_writes(client, dossier, "Derde")
    assert reader.get(f"/berichten/{message_called(session, 'Tweede').id}").status_code == 200
    age_notifications(session, 6)
    assert notifications.send_due(app) == 1
    [mail] = mailbox.deliver(app)
    assert "1 nieuw bericht" in mail.get_body(("plain",)).get_content()


def test_every_item_says_what_it_is_about(app, client, session, make, staff, two_dossiers):
    jan, _kees, dossier, _other = two_dossiers
    login_staff(client, session, staff.lawyer)
    staff_writes(client, dossier, "Vraag")
    response = client.post(f"/kantoor/dossiers/{dossier.id}/documenten", data={
        "csrf_token": csrf_token(client), "category": CAT_CORRESPONDENCE,
        "files": [(io.BytesIO(b"%PDF-1.4 brief"), "brief.pdf")]},
        content_type="multipart/form-data")
    assert response.status_code == 302
    version = make.version(definition=ONE_STEP)
    with app.test_request_context():
        assignment = sending.send(session, staff.lawyer, session.get(
            Questionnaire, version.questionnaire_id), dossier, jan)
    [document] = session.exec(select(Document)).all()
    assert items_of(session) == sorted([
        (jan.id, "message", "message", message_called(session, "Vraag").id),
        (jan.id, "document", "document", document.id),
        (jan.id, "questionnaire", "assignment", assignment.id)])


def test_what_the_client_has_done_or_cannot_see_is_left_out(app, client, session, make,
                                                            two_dossiers, mailbox):
    jan, _kees, dossier, _other = two_dossiers
    downloaded, withdrawn, new = (make.document(dossier, title=t) for t in ("a", "b", "c"))
    filled_in, open_one = (make.assignment(jan, dossier, definition=ONE_STEP) for _ in "12")
    for document in (downloaded, withdrawn, new):
        notifications.notify_dossier(session, dossier.id, "document", target=document)
    for assignment in (filled_in, open_one):
        notifications.notify(session, [jan], "questionnaire", assignment)
    session.commit()
    login(client, "jan@example.nl")
    assert client.get(f"/documenten/{downloaded.id}/download").status_code == 200
    withdrawn.withdrawn_at = filled_in.completed_at = utcnow()
    session.commit()
    age_notifications(session, 6)
    assert notifications.send_due(app) == 1
    body = mailbox.deliver(app)[0].get_body(("plain",)).get_content()
    assert "1 nieuw document" in body and "1 nieuwe vragenlijst" in body


def test_items_without_a_target_keep_working(app, session, make, mailbox):
    jan = make.user(email="jan@example.nl")
    make.dossier(clients=[jan])
    session.add(NotificationItem(user_id=jan.id, kind="message"))  # made before issue 16
    session.commit()
    age_notifications(session, 6)
    assert notifications.send_due(app) == 1
    assert "1 nieuw bericht" in mailbox.deliver(app)[0].get_body(("plain",)).get_content()


def test_a_client_message_tells_the_lawyer_and_the_secretaries_acting_for_them(
        app, client, session, make, staff, two_dossiers, mailbox):
    jan, kees, dossier, other = two_dossiers
    staff.secretary.language = "en"
    session.commit()
    answered = make.message(dossier, staff.lawyer, subject="Uw akte")
    login(client, "jan@example.nl")
    # A new message with an attachment, and a reply.
    assert send_form(client, f"/dossiers/{dossier.id}/berichten/nieuw", subject="Bijlage",
                     files=[("paspoort.pdf", b"%PDF-1.4 paspoort")]).status_code == 302
    assert send_form(client, f"/berichten/{answered.id}/beantwoorden",
                     subject="Re: Uw akte").status_code == 302
    kees_client = app.test_client()
    login(kees_client, "kees@example.nl")
    assert send_form(kees_client, f"/dossiers/{other.id}/berichten/nieuw",
                     subject="Van Kees").status_code == 302

    first, reply = message_called(session, "Bijlage"), message_called(session, "Re: Uw akte")
    from_kees = message_called(session, "Van Kees")
    assert items_of(session) == sorted([
        (staff.lawyer.id, "message", "message", first.id),
        (staff.lawyer.id, "message", "message", reply.id),
        (staff.secretary.id, "message", "message", first.id),
        (staff.secretary.id, "message", "message", reply.id),
        # Staff of another dossier (and admins, idle secretaries, the client) get nothing.
        (staff.other_lawyer.id, "message", "message", from_kees.id)])

    # The secretary reads one before the batch goes out: her mail counts the other.
    staff_client = app.test_client()
    login_staff(staff_client, session, staff.secretary)
    assert staff_client.get(f"/kantoor/berichten/{first.id}").status_code == 200
    assert mailbox.deliver(app) == []  # nothing at once: batched like the clients' mails
    age_notifications(session, 6)
    assert notifications.send_due(app) == 3
    mails = {m["To"]: m for m in mailbox.deliver(app)}
    lawyer_mail, secretary_mail = mails["jansen@kantoor.test"], mails["secr@kantoor.test"]
    assert "2 nieuwe berichten van cliënten" in body_of(lawyer_mail)
    assert "1 new message from a client" in body_of(secretary_mail)
    for mail in (lawyer_mail, secretary_mail):
        body = body_of(mail)
        assert "http://portal.test/kantoor/" in body
        for secret in ("Bijlage", "Uw akte", "paspoort", "2026-0042", "Geheime zaak",
                       "Jan de Vries"):
            assert secret not in body and secret not in mail["Subject"]
    assert lawyer_mail["Subject"] == "Er is iets nieuws van cliënten in het klantenportaal"


def test_a_handed_in_questionnaire_tells_the_lawyer_and_the_secretary(
        app, client, session, make, staff, two_dossiers, mailbox):
    jan, _kees, dossier, _other = two_dossiers
    assignment = make.assignment(jan, dossier, definition=ONE_STEP, by=staff.lawyer)
    # The secretary looked at the answers while Jan was busy: that was not the handed-in one.
    session.add(AuditEvent(action="questionnaire.answers_viewed", actor_id=staff.secretary.id,
                           target_type="questionnaireassignment", target_id=assignment.id,
                           dossier_id=dossier.id, at=utcnow() - timedelta(minutes=20)))
    session.commit()
    login(client, "jan@example.nl")
    assert fill(client, assignment, 1, {"naam": "Jan de Vries"}).status_code == 303
    assert complete(client, assignment).status_code == 303
    assert items_of(session) == sorted([
        (staff.lawyer.id, "questionnaire", "assignment", assignment.id),
        (staff.secretary.id, "questionnaire", "assignment", assignment.id)])
    assert mailbox.deliver(app) == []  # no mail at once any more: batched and switchable

    # The lawyer opens the answers before the batch goes out: only the secretary is told.
    login_staff(staff_client := app.test_client(), session, staff.lawyer)
    assert staff_client.get(
        f"/kantoor/vragenlijsten/verstuurd/{assignment.id}").status_code == 200
    age_notifications(session, 6)
    assert notifications.send_due(app) == 1
    [mail] = mailbox.deliver(app)
    assert mail["To"] == "secr@kantoor.test"
    body = body_of(mail)
    assert "1 ingevulde vragenlijst" in body and "http://portal.test/kantoor/" in body
    assert "Gegevens" not in body and "2026-0042" not in body


def test_a_dossier_without_a_lawyer_tells_the_admins(app, client, session, make, staff,
                                                     mailbox):
    jan = make.user(email="jan@example.nl")
    dossier = make.dossier(clients=[jan])
    gone = make.staff(role="admin", email="weg@kantoor.test")
    gone.active = False
    session.commit()
    login(client, "jan@example.nl")
    assert send_form(client, f"/dossiers/{dossier.id}/berichten/nieuw").status_code == 302
    assert [user_id for user_id, *_rest in items_of(session)] == [staff.admin.id]


def test_staff_switch_their_mails_in_mijn_gegevens(app, client, session, make, staff,
                                                   two_dossiers):
    jan, _kees, dossier, _other = two_dossiers
    login_staff(client, session, staff.lawyer)
    page = text_of(client.get("/mijn-gegevens"))
    assert "Stuur mij een e-mail als" in page
    assert "een cliënt een bericht heeft gestuurd" in page
    assert "een cliënt een vragenlijst heeft ingevuld" in page
    assert "documenten" not in page  # only clients hear of documents
    response = post_form(client, "/mijn-gegevens/notificaties", {"questionnaires": "y"})
    assert response.status_code == 302
    session.refresh(staff.lawyer)
    assert (staff.lawyer.notify_messages, staff.lawyer.notify_questionnaires,
            staff.lawyer.notify_documents) == (False, True, True)
    jan_client = app.test_client()
    login(jan_client, "jan@example.nl")
    assert send_form(jan_client, f"/dossiers/{dossier.id}/berichten/nieuw").status_code == 302
    assert [user_id for user_id, *_rest in items_of(session)] == [staff.secretary.id]
