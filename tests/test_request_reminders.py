"""Requests for documents, point 7: the reminder mails before and after the deadline, on a
controlled clock (at most one a day, none once everything is handed in, none for who does
not want them or no longer sees the dossier, one when two loops run at once), the
notification mails' count of requests and the client's switch that covers them, the
background loop's hourly run and the commands."""
import time
from datetime import date, datetime, timedelta, timezone

import pytest
from helpers import age_notifications, at_once, outbox_rows, run_cli
from sqlmodel import delete, select

from app import doc_requests, notifications, worker
from app.dates import local
from app.doc_requests import reminder_due, send_reminders
from app.models import (
    DocumentRequest,
    DossierClient,
    FirmSettings,
    NotificationItem,
    OutgoingMail,
    utcnow,
)
from app.outbox import queue_mail

DEADLINE = date(2027, 3, 15)  # a Monday, away from the change to summer time (28 March)


def noon(day, hour=12):
    """A moment on `day` (in Amsterdam as in UTC at these hours)."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=timezone.utc)


def days(n):
    return DEADLINE + timedelta(days=n)


@pytest.fixture
def jan(make, staff):
    return make.user(email="jan@example.nl", name="Jan de Vries")


@pytest.fixture
def dossier(make, staff, jan):
    return make.dossier(clients=[jan], lawyer=staff.lawyer, number="2026-0042",
                        description="Geheime zaak")


def request_for(make, session, dossier, client, items=("Kopie paspoort",), deadline=DEADLINE,
                sent=-10):
    """A request with `deadline`, sent `sent` days from the deadline (its notification
    already mailed: only reminders are left in the outbox)."""
    request = make.document_request(dossier, client, items=items, deadline=deadline)
    request.created_at = noon(DEADLINE + timedelta(days=sent), 9)
    session.add(request)
    session.commit()
    return request


def reminded_on(app, first, last, hours=(8, 15)):
    """Run the reminders at `hours` of every day from `first` to `last` (days from the
    deadline); the days on which mails were queued, with how many."""
    sent = {}
    for n in range(first, last + 1):
        for hour in hours:
            count = send_reminders(app, now=noon(days(n), hour))
            if count:
                sent[n] = sent.get(n, 0) + count
    return sent


def settings(session, **values):
    row = session.get(FirmSettings, 1) or FirmSettings(id=1)
    for name, value in values.items():
        setattr(row, name, value)
    session.add(row)
    session.commit()


# ---- when a reminder is due (the rule alone)

@pytest.mark.parametrize("today, last, expected", [
    (-4, -10, False),  # before the window
    (-3, -10, True),  # remind_days_before days before the deadline
    (-2, -3, False),  # once in the window
    (0, -3, False),
    (-1, -10, True),  # the window's day was missed (the worker was down): still once
    (-1, -2, False),  # sent inside the window: they just got it
    (-3, -3, False),  # never twice a day
    (1, -3, True),  # the day after the deadline
    (1, 1, False),
    (2, 1, False),
    (7, 1, False),
    (8, 1, True),  # every remind_every_days after
    (15, 8, True),
    (20, 15, False),
    (5, -3, True),  # the day after was missed: the first day the loop runs after it
    (9, 5, False),
    (12, 5, True),
])
def test_reminder_due_before_after_and_every_so_many_days(today, last, expected):
    assert reminder_due(DEADLINE, days(today), days(last), 3, 7) is expected


@pytest.mark.parametrize("before, every, today, last, expected", [
    (0, 7, -3, -10, False),  # 0: no reminder before the deadline
    (0, 7, 0, -10, False),
    (0, 7, 1, -10, True),  # ... but after it
    (3, 0, -3, -10, True),
    (3, 0, 1, -3, False),  # 0: none after the deadline
    (3, 0, 30, -3, False),
    (0, 0, -1, -10, False),
    (0, 0, 1, -10, False),
    (1, 1, 0, -10, True),
    (1, 1, 1, 0, True),  # every day after the deadline, one a day
    (1, 1, 2, 1, True),
    (1, 1, 2, 2, False),
])
def test_a_setting_of_0_means_no_reminder_of_that_kind(before, every, today, last, expected):
    assert reminder_due(DEADLINE, days(today), days(last), before, every) is expected


# ---- the worker's job on a controlled clock

def test_reminders_go_out_at_the_right_times_and_at_most_once_a_day(
        app, session, make, dossier, jan, mailbox):
    request_for(make, session, dossier, jan)
    assert reminded_on(app, -10, 20) == {-3: 1, 1: 1, 8: 1, 15: 1}
    session.expire_all()
    assert session.get(DocumentRequest, 1).reminded_at == noon(days(15), 8)


def test_the_reminder_mail_says_that_not_what(app, session, make, dossier, jan, mailbox):
    """Through the real SMTP server: in the client's language, a link to Acties, whether it
    is overdue, and nothing of the dossier or the documents asked for."""
    request_for(make, session, dossier, jan, items=["Huwelijkse voorwaarden"])
    assert send_reminders(app, now=noon(days(-3))) == 1
    [before] = mailbox.deliver(app)
    assert send_reminders(app, now=noon(days(1))) == 1
    [after] = mailbox.deliver(app)
    for mail in (before, after):
        text = mail.get_body(("plain",)).get_content()
        html = mail.get_body(("html",)).get_content()
        assert mail["To"] == "jan@example.nl"
        assert mail["Subject"] == "Herinnering: stukken aanleveren in het klantenportaal"
        assert "Beste Jan de Vries," in text and "Kantoor Test" in text
        assert "http://portal.test/acties" in text and 'href="http://portal.test/acties"' in html
        assert "U kunt deze e-mails uitzetten onder Mijn gegevens." in text
        for secret in ("2026-0042", "Geheime zaak", "Huwelijkse voorwaarden", "15-03-2027",
                       "15 maart"):
            assert secret not in mail.as_string()
    assert "komt dichtbij" in before.get_body(("plain",)).get_content()
    assert "is voorbij" in after.get_body(("plain",)).get_content()
    assert "is voorbij" not in before.as_string()


def test_the_reminder_speaks_the_clients_language(app, session, make, staff, mailbox):
    sophie = make.user(email="sophie@example.nl", name="Sophie", language="en")
    dossier = make.dossier(clients=[sophie], lawyer=staff.lawyer)
    request_for(make, session, dossier, sophie)
    send_reminders(app, now=noon(days(2)))
    [mail] = mailbox.deliver(app)
    assert mail["Subject"] == "A reminder: documents to hand in, in the client portal"
    text = mail.get_body(("plain",)).get_content()
    assert "Dear Sophie," in text and "has passed" in text and "/acties" in text


def test_no_reminder_once_every_active_item_is_handed_in(app, session, make, staff, dossier,
                                                         jan):
    request = request_for(make, session, dossier, jan, items=["Paspoort", "Loonstrook",
                                                                "Koopakte"])
    passport, payslip, deed = request.items
    make.hand_in(passport, jan)
    assert reminded_on(app, -3, -3) == {-3: 1}  # two still open
    make.hand_in(payslip, jan)
    doc_requests.withdraw(session, staff.lawyer, deed)  # the firm no longer asks for it
    session.commit()
    assert reminded_on(app, -2, 6) == {}  # handed in, waiting for the firm's check
    session.refresh(payslip)
    doc_requests.decide(session, staff.lawyer, payslip, payslip.revision, approve=False,
                        reason="Onleesbaar")
    session.commit()
    assert reminded_on(app, 7, 8) == {7: 1}  # a rejected item is to be handed in again
    make.hand_in(payslip, jan)
    assert reminded_on(app, 9, 30) == {}


def test_no_reminder_for_a_completed_request_or_one_without_a_deadline(
        app, session, make, staff, dossier, jan):
    done = request_for(make, session, dossier, jan)
    [item] = done.items
    make.hand_in(item, jan)
    session.refresh(item)
    doc_requests.decide(session, staff.lawyer, item, item.revision, approve=True)
    session.commit()
    session.refresh(done)
    assert done.completed_at is not None
    request_for(make, session, dossier, jan, deadline=None)
    # Completed but with an open item all the same (as a row could be): still none.
    late = request_for(make, session, dossier, jan)
    late.completed_at = utcnow()
    session.commit()
    assert reminded_on(app, -10, 30) == {}


def test_the_clients_switch_for_actions_covers_reminders(app, client, session, make, dossier,
                                                         jan):
    """"Vragenlijsten of verzoeken om stukken" off: no reminder (nor is one owed later for
    the days it was off: reminded_at only notes mails sent); on again: they resume."""
    from helpers import login, post_form, text_of
    request_for(make, session, dossier, jan)
    login(client, "jan@example.nl")
    page = text_of(client.get("/mijn-gegevens"))
    assert "er vragenlijsten of verzoeken om stukken zijn toegezonden (ook herinneringen)" in page
    assert post_form(client, "/mijn-gegevens/notificaties",
                     {"documents": "y", "messages": "y"}).status_code == 302
    session.refresh(jan)
    assert jan.notify_questionnaires is False
    assert reminded_on(app, -10, 3) == {}
    session.expire_all()
    assert session.get(DocumentRequest, 1).reminded_at is None
    jan.notify_questionnaires = True
    session.commit()
    assert reminded_on(app, 4, 12) == {4: 1, 11: 1}


def test_no_reminder_for_an_inactive_client(app, session, make, dossier, jan):
    request_for(make, session, dossier, jan)
    jan.active = False
    session.commit()
    assert reminded_on(app, -10, 20) == {}


def test_no_reminder_once_the_client_is_out_of_the_dossier(app, session, make, staff, dossier,
                                                           jan):
    """Jan still sees another dossier: only the request's own dossier counts."""
    make.dossier(clients=[jan], lawyer=staff.lawyer)
    request_for(make, session, dossier, jan)
    session.exec(delete(DossierClient).where(DossierClient.dossier_id == dossier.id))
    session.commit()
    assert reminded_on(app, -10, 20) == {}


def test_a_company_account_is_reminded_through_its_companys_dossier(app, session, make, staff,
                                                                   mailbox):
    company = make.company("Bakkerij De Wit B.V.")
    anna = make.user(email="anna@dewit.nl", company=company, company_main=True)
    dossier = make.dossier(companies=[company], lawyer=staff.lawyer)
    request_for(make, session, dossier, anna)
    assert reminded_on(app, -3, 1) == {-3: 1, 1: 1}
    assert [m["To"] for m in mailbox.deliver(app)] == ["anna@dewit.nl"] * 2


def test_the_firms_settings_choose_the_days(app, session, make, dossier, jan):
    request_for(make, session, dossier, jan)
    settings(session, remind_days_before=0)
    assert reminded_on(app, -10, 10) == {1: 1, 8: 1}
    settings(session, remind_days_before=5, remind_every_days=0)
    request_for(make, session, dossier, jan, deadline=days(40), sent=20)
    assert reminded_on(app, 11, 80) == {35: 1}
    settings(session, remind_days_before=0, remind_every_days=0)
    request_for(make, session, dossier, jan, deadline=days(100), sent=90)
    assert reminded_on(app, 81, 150) == {}


def test_two_loops_at_once_send_one_mail_each(app, session, make, staff):
    """Two background loops (processes) run the reminders at the same moment: every client
    gets one mail, not two (SQLite serialises them; PostgreSQL decides by the claim)."""
    clients = [make.user(email=f"klant{n}@example.nl") for n in range(6)]
    for person in clients:
        request_for(make, session, make.dossier(clients=[person], lawyer=staff.lawyer),
                    person)
    for n in (-3, 1, 8):
        results = at_once(2, lambda n=n: send_reminders(app, now=noon(days(n))))
        assert sum(results) == 6
    recipients = [row.recipient for row in outbox_rows(session)]
    assert sorted(recipients) == sorted([p.email for p in clients] * 3)


# ---- the notification mails count requests (no content, as every mail)

def test_the_notification_mails_count_requests_and_nothing_more(app, session, make, staff,
                                                                dossier, jan, mailbox):
    request = make.document_request(dossier, jan, items=["Paspoort", "Loonstrook"],
                                    by=staff.lawyer, deadline=DEADLINE)
    age_notifications(session)
    assert notifications.send_due(app) == 1
    [mail] = mailbox.deliver(app)
    text = mail.get_body(("plain",)).get_content()
    assert "- 1 nieuw of gewijzigd verzoek om stukken aan te leveren" in text
    assert "1 nieuw of gewijzigd verzoek om stukken aan te leveren" in \
        mail.get_body(("html",)).get_content()
    passport, payslip = request.items
    make.hand_in(passport, jan)
    make.hand_in(payslip, jan)
    age_notifications(session)
    assert notifications.send_due(app) == 2  # the lawyer and the secretary acting for him
    mails = {m["To"]: m for m in mailbox.deliver(app)}
    assert set(mails) == {staff.lawyer.email, staff.secretary.email}
    text = mails[staff.lawyer.email].get_body(("plain",)).get_content()
    assert "- 2 aangeleverde stukken van cliënten" in text
    session.refresh(payslip)
    doc_requests.decide(session, staff.lawyer, payslip, payslip.revision, approve=False,
                        reason="Onleesbaar, graag opnieuw")
    session.commit()
    age_notifications(session)
    assert notifications.send_due(app) == 1
    [rejected] = mailbox.deliver(app)
    assert "1 nieuw of gewijzigd verzoek" in rejected.get_body(("plain",)).get_content()
    for mail in (*mails.values(), rejected):
        for secret in ("2026-0042", "Geheime zaak", "Paspoort", "Loonstrook", "Onleesbaar"):
            assert secret not in mail.as_string()


@pytest.mark.parametrize("switch", ["on", "off", "off before the batch"])
def test_the_clients_switch_for_actions_covers_new_requests_and_rejections(
        app, session, make, staff, dossier, jan, mailbox, switch):
    """"Vragenlijsten of verzoeken om stukken" (notify_questionnaires) decides whether the
    client is mailed of a new request, of documents added to it and of a rejected item, as
    it decides reminders; the switches for documents and messages do not. Turned off after
    the fact but before the batch goes out, what waits is dropped: no mail either."""
    jan.notify_documents = jan.notify_messages = True
    jan.notify_questionnaires = switch != "off"
    session.commit()
    expected = 1 if switch == "on" else 0

    def mails_to_jan():
        """The plain text of the client's mails in the batch now due."""
        if switch == "off before the batch":
            jan.notify_questionnaires = False
            session.commit()
        age_notifications(session)
        notifications.send_due(app)
        mails = [m for m in mailbox.deliver(app) if m["To"] == jan.email]
        if switch == "off before the batch":
            jan.notify_questionnaires = True  # on again for the next step
            session.commit()
        return [m.get_body(("plain",)).get_content() for m in mails]

    def told_of_a_request():
        mails = mails_to_jan()
        assert len(mails) == expected
        assert all("- 1 nieuw of gewijzigd verzoek om stukken aan te leveren" in mail
                   for mail in mails)

    request = make.document_request(dossier, jan, items=["Paspoort", "Loonstrook"],
                                    by=staff.lawyer, deadline=DEADLINE)
    told_of_a_request()
    assert mails_to_jan() == []  # nothing twice
    with app.app_context():
        doc_requests.add_items(session, session.get(DocumentRequest, request.id),
                               [{"title": "Bankafschrift"}], staff.lawyer)
        session.commit()
    told_of_a_request()
    passport = request.items[0]
    make.hand_in(passport, jan)
    assert mails_to_jan() == []  # the lawyer is told, not the client who did it
    session.refresh(passport)
    with app.app_context():
        doc_requests.decide(session, staff.lawyer, passport, passport.revision, approve=False,
                            reason="Onleesbaar, graag opnieuw")
        session.commit()
    told_of_a_request()
    assert session.exec(select(NotificationItem).where(
        NotificationItem.user_id == jan.id, NotificationItem.mailed_at.is_(None))).all() == []


def test_the_counts_in_english(app, session, make, staff, mailbox):
    sophie = make.user(email="sophie@example.nl", name="Sophie", language="en")
    dossier = make.dossier(clients=[sophie], lawyer=staff.lawyer)
    staff.lawyer.language = "en"
    session.commit()
    [item] = make.document_request(dossier, sophie, by=staff.lawyer).items
    make.document_request(dossier, sophie, by=staff.lawyer)
    age_notifications(session)
    notifications.send_due(app)
    [mail] = mailbox.deliver(app)
    assert "2 new or changed requests for documents" in mail.get_body(("plain",)).get_content()
    make.hand_in(item, sophie)
    age_notifications(session)
    notifications.send_due(app)
    mails = {m["To"]: m for m in mailbox.deliver(app)}
    assert "1 document handed in by a client" in \
        mails[staff.lawyer.email].get_body(("plain",)).get_content()


def test_staff_see_what_their_switch_covers(app, client, session, staff):
    from helpers import text_of
    from twostep_helpers import login_staff
    login_staff(client, session, staff.lawyer)
    page = text_of(client.get("/mijn-gegevens"))
    assert "een cliënt een vragenlijst heeft ingevuld of stukken heeft aangeleverd" in page


# ---- the background loop and the commands

def test_the_loop_runs_the_job_at_most_hourly(app, monkeypatch):
    calls = []
    now = [5000.0]
    monkeypatch.setattr(doc_requests, "clock", lambda: now[0])
    monkeypatch.setattr(doc_requests, "send_reminders", lambda app: calls.append("r") or 2)
    monkeypatch.setattr(doc_requests, "erase_identity_documents",
                        lambda app: calls.append("e") or 1)
    assert doc_requests.run_if_due(app) == (2, 1)
    assert doc_requests.run_if_due(app) is None
    now[0] += doc_requests.RUN_EVERY_SECONDS - 1
    assert doc_requests.run_if_due(app) is None
    now[0] += 1
    assert doc_requests.run_if_due(app) == (2, 1)
    assert calls == ["r", "e", "r", "e"]


def test_a_failing_reminder_job_stops_neither_the_erasure_nor_the_mail_loop(
        app, session, make, jan, monkeypatch, mailbox):
    """The job runs in the loop of `send-mail --loop` before the notifications and the
    outbox: it fails every time here, and mails are delivered all the same; the erasure
    still runs, and the failure is tried again an hour later, not every round."""
    now = [1000.0]
    calls = []

    def broken(app):
        calls.append("reminders")
        raise RuntimeError("database gone")

    monkeypatch.setattr(doc_requests, "clock", lambda: now[0])
    monkeypatch.setattr(doc_requests, "send_reminders", broken)
    monkeypatch.setattr(doc_requests, "erase_identity_documents",
                        lambda app: calls.append("erasure") or 0)
    assert worker.jobs()[0] is doc_requests.run_if_due
    mail(app, session, jan)
    app.config["MAIL_POLL_SECONDS"] = 0.01
    thread = worker.start_sender_thread(app)
    try:
        wait_for(lambda: len(mailbox.messages) == 1)
        time.sleep(0.2)  # some rounds within the hour: not run again
        assert calls == ["reminders", "erasure"]
        mail(app, session, jan)
        wait_for(lambda: len(mailbox.messages) == 2)
        now[0] += doc_requests.RUN_EVERY_SECONDS
        wait_for(lambda: len(calls) == 4)
    finally:
        thread.stop()
    assert calls == ["reminders", "erasure"] * 2
    assert session.exec(select(OutgoingMail).where(OutgoingMail.sent_at.is_(None))).all() == []


def test_the_loop_sends_a_due_reminder(app, session, make, dossier, jan, mailbox):
    """The real job in the real loop: a request due tomorrow gets its reminder delivered."""
    due_tomorrow(app, session, make, dossier, jan)
    app.config["MAIL_POLL_SECONDS"] = 0.01
    thread = worker.start_sender_thread(app)
    try:
        wait_for(lambda: len(mailbox.messages) == 1)
    finally:
        thread.stop()
    assert "Herinnering" in mailbox.messages[0]["Subject"]


def test_the_commands_for_cron(app, session, make, dossier, jan):
    due_tomorrow(app, session, make, dossier, jan)
    assert run_cli(app, "send-reminders").output == "Reminders queued: 1.\n"
    assert run_cli(app, "send-reminders").output == "Reminders queued: 0.\n"
    assert run_cli(app, "erase-identity-documents").output == "Identity documents erased: 0.\n"


def due_tomorrow(app, session, make, dossier, client):
    """A request sent ten days ago, due tomorrow (in Amsterdam): its reminder is due now."""
    with app.app_context():
        tomorrow = local(utcnow()).date() + timedelta(days=1)
    request = make.document_request(dossier, client, deadline=tomorrow)
    request.created_at = utcnow() - timedelta(days=10)
    session.commit()


def mail(app, session, user):
    """Queue some mail to `user`, as any change would."""
    with app.app_context():
        queue_mail(session, user, "request_reminder", "Test", actions_url="http://x/acties",
                   overdue=False)
    session.commit()


def wait_for(condition, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)
