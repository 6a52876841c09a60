"""Undelivered e-mails on the staff side (admin only): the mails given up on and those waiting
for another try, with their errors; try again, try all again, delete; a notice on the start
page. Everyone else gets 404, and every button needs its CSRF token."""
from datetime import timedelta

import pytest
from helpers import html_of, login, post_form
from sqlmodel import select
from twostep_helpers import login_staff

from app.models import AuditEvent, OutgoingMail, utcnow
from app.outbox import deliver_pending

PAGE = "/kantoor/instellingen/e-mail"
REFUSED = "SMTPRecipientsRefused: 550 5.1.1 <anna@example.nl>: Mailbox does not exist"
DOWN = "ConnectionRefusedError: [Errno 111] Connection refused"


def add_mail(session, recipient, subject="Uw account voor ons klantenportaal", **state):
    """An outbox row in the given state (attempts, failed_at, sent_at, last_error)."""
    row = OutgoingMail(recipient=recipient, subject=subject, body_text="Beste klant,",
                       body_html="<p>Beste klant,</p>", **state)
    session.add(row)
    session.commit()
    return row


@pytest.fixture
def mails(session):
    """One mail of each kind: given up on, waiting after two failures, never tried, sent."""
    now = utcnow()

    class Mails:
        failed = add_mail(session, "anna@example.nl", attempts=1, failed_at=now,
                          last_error=REFUSED)
        waiting = add_mail(session, "bert@example.nl", "Stel uw wachtwoord in", attempts=2,
                           last_error=DOWN, next_attempt_at=now + timedelta(minutes=2))
        fresh = add_mail(session, "carla@example.nl")
        sent = add_mail(session, "dirk@example.nl", attempts=1, sent_at=now)
    return Mails


def stored(session, row):
    """The row as the database has it now; None when it was deleted."""
    session.expunge_all()
    return session.get(OutgoingMail, row.id)


def events(session, action):
    return session.exec(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_admin_sees_what_was_given_up_on_and_what_waits(client, staff, as_staff, mails):
    as_staff(staff.admin)
    page = html_of(client.get(PAGE))
    assert "<h1>Niet verzonden e-mails</h1>" in page
    assert 'aria-current="page">Niet verzonden e-mails</a>' in page  # in the settings' menu
    given_up, waiting = page.split('id="waiting-heading"')
    assert "Opgegeven (1)" in given_up and "anna@example.nl" in given_up
    assert "550 5.1.1 &lt;anna@example.nl&gt;: Mailbox does not exist" in given_up
    assert "Alle opnieuw proberen" in given_up and "Verwijderen" in given_up
    assert "Wacht op een nieuwe poging (1)" in waiting and "bert@example.nl" in waiting
    assert "Stel uw wachtwoord in" in waiting and "Connection refused" in waiting
    assert "Opnieuw proberen" in waiting and "Verwijderen" not in waiting
    assert "carla@example.nl" not in page and "dirk@example.nl" not in page


def test_the_page_in_english_and_no_notice_while_nothing_was_given_up_on(client, session,
                                                                         staff, as_staff):
    add_mail(session, "bert@example.nl", attempts=2, last_error=DOWN)  # waiting: not yet
    staff.admin.language = "en"
    session.commit()
    as_staff(staff.admin)
    page = html_of(client.get(PAGE))
    assert "<h1>Undelivered e-mails</h1>" in page
    assert "No e-mail has been given up on." in page
    assert "Waiting for another try (1)" in page and "bert@example.nl" in page
    start = html_of(client.get("/kantoor/"))
    assert "could not be delivered" not in start and PAGE not in start


def test_try_again_clears_the_failure_and_the_mail_goes_out(app, client, session, staff,
                                                            as_staff, mails, mailbox):
    as_staff(staff.admin)
    response = post_form(client, f"{PAGE}/{mails.failed.id}/opnieuw", {})
    assert response.status_code == 302 and response.location.endswith(PAGE)
    row = stored(session, mails.failed)
    assert row.failed_at is None and row.attempts == 0 and row.next_attempt_at <= utcnow()
    [event] = events(session, "mail.retried")
    assert (event.actor_id, event.target_type, event.target_id) == (
        staff.admin.id, "outgoingmail", row.id)
    assert event.detail["recipient"] == "anna@example.nl"
    assert event.detail["last_error"] == REFUSED
    page = html_of(client.get(PAGE))
    assert "De e-mail aan anna@example.nl wordt zo meteen opnieuw verzonden." in page
    assert "Opgegeven (0)" in page

    deliver_pending(app)  # with the mail that was never tried yet
    assert sorted(m["To"] for m in mailbox.messages) == ["anna@example.nl", "carla@example.nl"]
    assert stored(session, mails.failed).sent_at is not None

    # A mail still waiting for its next try goes now, with a fresh count of attempts.
    post_form(client, f"{PAGE}/{mails.waiting.id}/opnieuw", {})
    row = stored(session, mails.waiting)
    assert row.attempts == 0 and row.next_attempt_at <= utcnow()


def test_try_all_again(client, session, staff, as_staff, mails):
    other = add_mail(session, "erik@example.nl", attempts=12, failed_at=utcnow(),
                     last_error=DOWN)
    as_staff(staff.admin)
    response = post_form(client, f"{PAGE}/opnieuw", {}, follow_redirects=True)
    assert "2 e-mails worden zo meteen opnieuw verzonden." in html_of(response)
    for row in (mails.failed, other):
        assert stored(session, row).failed_at is None
    assert stored(session, mails.waiting).attempts == 2  # only those given up on
    [event] = events(session, "mail.retried_all")
    assert event.detail == {"count": 2}


def test_delete_a_mail_given_up_on(client, session, staff, as_staff, mails):
    as_staff(staff.admin)
    response = post_form(client, f"{PAGE}/{mails.failed.id}/verwijderen", {},
                         follow_redirects=True)
    assert "De e-mail aan anna@example.nl is verwijderd." in html_of(response)
    assert stored(session, mails.failed) is None
    [event] = events(session, "mail.deleted")
    assert event.detail["recipient"] == "anna@example.nl"

    for row in (mails.waiting, mails.fresh, mails.sent):  # they may still go, or went
        response = post_form(client, f"{PAGE}/{row.id}/verwijderen", {},
                             follow_redirects=True)
        assert "Alleen een opgegeven e-mail kan worden verwijderd." in html_of(response)
        assert stored(session, row) is not None
    assert len(events(session, "mail.deleted")) == 1


def test_a_mail_sent_meanwhile_or_unknown(client, session, staff,
                                                            as_staff, mails):
    as_staff(staff.admin)
    response = post_form(client, f"{PAGE}/{mails.sent.id}/opnieuw", {}, follow_redirects=True)
    assert "Deze e-mail is inmiddels verzonden." in html_of(response)
    row = stored(session, mails.sent)
    assert row.sent_at is not None and row.attempts == 1
    assert events(session, "mail.retried") == []
    for action in ("opnieuw", "verwijderen"):
        assert post_form(client, f"{PAGE}/4242/{action}", {}).status_code == 404


def urls(mails):
    return [("get", PAGE), ("post", f"{PAGE}/{mails.failed.id}/opnieuw"),
            ("post", f"{PAGE}/opnieuw"), ("post", f"{PAGE}/{mails.failed.id}/verwijderen")]


def unchanged(session, mails):
    row = stored(session, mails.failed)
    return row is not None and row.failed_at is not None and row.attempts == 1


def test_everyone_but_admins_gets_404(app, session, make, staff, mails):
    """Lawyers, secretaries and clients get 404; visitors the login page; nothing changes."""
    visitor = app.test_client()
    for method, url in urls(mails):
        response = post_form(visitor, url, {}) if method == "post" else visitor.get(url)
        assert response.status_code == 302 and "/inloggen" in response.location
    client = app.test_client()
    login(client, make.user(email="klant@example.nl").email)
    clients = [("client", client)]
    for who in (staff.lawyer, staff.secretary):
        clients.append((who.role, app.test_client()))
        login_staff(clients[-1][1], session, who)
    for who, client in clients:
        for method, url in urls(mails):
            response = post_form(client, url, {}) if method == "post" else client.get(url)
            assert response.status_code == 404, (who, method, url)
    assert unchanged(session, mails)


def test_the_buttons_need_the_csrf_token(client, session, staff, as_staff, mails):
    as_staff(staff.admin)
    for _method, url in urls(mails)[1:]:
        assert client.post(url).status_code == 400, url
    assert unchanged(session, mails)
    assert events(session, "mail.retried") + events(session, "mail.deleted") == []


# ---- the notice on the start page

def test_admins_see_a_notice_on_the_start_page(app, client, session, staff, mails):
    login_staff(client, session, staff.admin)
    page = html_of(client.get("/kantoor/"))
    assert "1 e-mail kon niet worden verzonden." in page
    assert f'<a href="{PAGE}">Bekijk de niet verzonden e-mails</a>' in page

    add_mail(session, "erik@example.nl", attempts=12, failed_at=utcnow(), last_error=DOWN)
    staff.lawyer.language = "en"
    session.commit()
    assert "2 e-mails konden niet worden verzonden." in html_of(client.get("/kantoor/"))

    lawyer = app.test_client()
    login_staff(lawyer, session, staff.lawyer)
    assert "could not be delivered" not in html_of(lawyer.get("/kantoor/"))
