"""Notification mails: by preference, without dossier content, batched within minutes."""

from helpers import age_notifications, login, post_form
from sqlmodel import select

from app import notifications
from app.models import NotificationItem


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
    for kind in ("document", "message", "questionnaire"):
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
