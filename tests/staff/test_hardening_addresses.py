"""Non-ASCII e-mail addresses (issue 14, point 15): one stored form per address (NFC, the
domain in punycode, lower case), so its Unicode, NFD and punycode spellings are one
account; an address with non-ASCII before the @ is refused when typed, in every form that
stores or mails to one; a mail that cannot be encoded for SMTP is given up at once and
shown to admins, whether or not the server offers SMTPUTF8."""
import unicodedata

import pytest
from aiosmtpd.controller import Controller
from flask.cli import FlaskGroup
from helpers import PASSWORD, free_port, links_in, login, post_form, text_of
from sqlmodel import Session, func, select
from twostep_helpers import login_staff

from app.addresses import renormalise_stored
from app.extensions import mail
from app.models import TOKEN_EMAIL, FirmSettings, OneTimeToken, OutgoingMail, User, utcnow
from app.outbox import deliver_pending
from app.security import normalise_email

# Three spellings of one address: NFC as typed on most keyboards, NFD, and punycode.
UNICODE = "Joran@Exämple.nl"
NFD = unicodedata.normalize("NFD", "joran@EXÄMPLE.NL")
PUNYCODE = "joran@xn--exmple-cua.nl"
STORED = "joran@xn--exmple-cua.nl"
NON_ASCII = "jöran@exämple.nl"  # non-ASCII before the @: refused
REFUSED = ("E-mailadressen met accenten of andere bijzondere tekens vóór de @ kunnen niet "
           "worden gebruikt")


def count(session, model, *where):
    session.expire_all()
    return session.exec(select(func.count()).select_from(model).where(*where)).one()


def new_client(client, email, name="Jöran Jansen"):
    return post_form(client, "/kantoor/clienten/nieuw",
                     {"name": name, "email": email, "language": "nl"})


# ---- one account per address

def test_unicode_nfd_and_punycode_spellings_are_one_account(app, client, session, staff,
                                                             mailbox):
    login_staff(client, session, staff.lawyer)
    assert new_client(client, "joran@exämple.nl").status_code == 302
    assert session.exec(select(User.email).where(User.name == "Jöran Jansen")).all() == [
        STORED]
    for spelling in (NFD, PUNYCODE, "JORAN@EXÄMPLE.NL"):
        response = new_client(client, spelling)
        assert response.status_code == 400, spelling
        assert "Er is al een account met dit e-mailadres." in text_of(response)
    assert count(session, User, User.name == "Jöran Jansen") == 1

    # The invitation goes to the punycode domain, which every mail server takes.
    [invitation] = mailbox.deliver(app)
    assert invitation["To"] == STORED


def test_every_spelling_logs_in_and_asks_a_password_link(app, client, session, make,
                                                        mailbox):
    joran = make.user(email="joran@exämple.nl")
    assert joran.email == STORED
    for spelling in (UNICODE, NFD, PUNYCODE):
        response = login(app.test_client(), spelling)
        assert response.status_code == 302, spelling

    response = post_form(client, "/wachtwoord-instellen", {"email": NFD})
    assert response.status_code == 302
    [link_mail] = mailbox.deliver(app)
    assert link_mail["To"] == STORED
    assert any("/wachtwoord/" in link for link in links_in(link_mail))


# ---- refused when typed, everywhere an address is stored or mailed to

def test_staff_cannot_create_a_client_or_staff_member_with_non_ascii_before_the_at(
        app, client, session, staff):
    login_staff(client, session, staff.admin)
    for url, data in (
            ("/kantoor/clienten/nieuw", {"name": "Jöran", "language": "nl"}),
            ("/kantoor/clienten/nieuw-bedrijf", {"name": "Jöran", "language": "nl",
                                                  "company_name": "Exämple B.V."}),
            ("/kantoor/medewerkers", {"name": "Jöran", "language": "nl",
                                      "role": "lawyer"})):
        response = post_form(client, url, {**data, "email": NON_ASCII})
        assert response.status_code == 400, url
        assert REFUSED in text_of(response), url
        assert f'value="{NON_ASCII}"' in response.get_data(as_text=True), url  # kept
    assert count(session, User, User.name == "Jöran") == 0
    assert count(session, OutgoingMail) == 0


def test_a_client_cannot_use_non_ascii_before_the_at(app, client, session, make):
    company = make.company("Exämple B.V.")
    anna = make.user(email="anna@example.nl", company=company, company_main=True)
    login(client, anna.email)

    response = post_form(client, "/mijn-gegevens/accounts",
                         {"name": "Jöran", "email": NON_ASCII, "language": "nl"})
    assert response.status_code == 400
    assert REFUSED in text_of(response)
    response = post_form(client, "/mijn-gegevens/e-mailadres",
                         {"email": NON_ASCII, "password": PASSWORD})
    assert response.status_code == 400
    assert REFUSED in text_of(response)
    assert count(session, User) == 1
    assert count(session, OneTimeToken, OneTimeToken.purpose == TOKEN_EMAIL) == 0
    assert count(session, OutgoingMail) == 0

    # A domain with accents is fine: the change link goes to its punycode form.
    response = post_form(client, "/mijn-gegevens/e-mailadres",
                         {"email": "anna@exämple.nl", "password": PASSWORD})
    assert response.status_code == 302
    assert session.exec(select(OneTimeToken.new_email)).all() == ["anna@xn--exmple-cua.nl"]


def test_the_sender_address_in_settings_and_the_cli_refuse_it_too(app, client, session,
                                                                  staff):
    group = FlaskGroup(create_app=lambda: app, load_dotenv=False, add_default_commands=False)
    result = app.test_cli_runner().invoke(group, [
        "create-staff", "--email", NON_ASCII, "--name", "X", "--password", "Geheim123"])
    assert result.exit_code != 0
    assert "cannot be used" in result.output
    login_staff(client, session, staff.admin)
    response = post_form(client, "/kantoor/instellingen", {
        "name": "Kantoor", "mail_sender": NON_ASCII, "max_file_mb": "20",
        "max_message_mb": "60"})
    assert response.status_code == 400
    assert REFUSED in text_of(response)
    response = post_form(client, "/kantoor/instellingen", {
        "name": "Kantoor", "mail_sender": "Portaal@Exämple.nl", "max_file_mb": "20",
        "max_message_mb": "60"})
    assert response.status_code == 302
    session.expire_all()
    assert session.exec(select(FirmSettings.mail_sender)).one() == "portaal@xn--exmple-cua.nl"


# ---- an address that cannot be encoded: given up at once, shown to admins

class Server:
    """A real SMTP server (aiosmtpd) that does or does not advertise SMTPUTF8."""

    def __init__(self, smtputf8):
        self.messages = []
        self.controller = Controller(self, hostname="127.0.0.1", port=free_port(),
                                     enable_SMTPUTF8=smtputf8)

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


@pytest.mark.parametrize("smtputf8", [False, True], ids=["plain", "SMTPUTF8"])
def test_an_address_smtp_cannot_carry_is_given_up_at_once(app, client, session, staff,
                                                          smtputf8):
    server = Server(smtputf8)
    server.controller.start()
    try:
        app.config["MAIL_PORT"] = server.controller.port
        mail.init_app(app)  # Flask-Mail reads its settings once
        # Stored before the forms refused such addresses (or by hand).
        session.add(OutgoingMail(recipient="jöran@example.nl", subject="Uitnodiging",
                                 body_text="Beste Jöran,", body_html="<p>Beste Jöran,</p>"))
        session.commit()
        assert deliver_pending(app) == (0, 1)
        session.expire_all()
        [row] = session.exec(select(OutgoingMail)).all()
        assert row.failed_at is not None and row.sent_at is None and row.attempts == 1
        assert row.last_error.startswith("UnicodeEncodeError: 'ö' cannot be sent over SMTP")
        assert deliver_pending(app) == (0, 0)  # not retried
        assert server.messages == []
    finally:
        server.controller.stop()

    login_staff(client, session, staff.admin)
    page = text_of(client.get("/kantoor/instellingen/e-mail"))
    assert "jöran@example.nl" in page
    assert "cannot be sent over SMTP without SMTPUTF8" in page


# ---- addresses stored before: brought to the one form (called by migration 0006)

def test_renormalise_stored_addresses(app, session):
    rows = [(NFD, "Eerste"), ("joran@exämple.nl", "Tweede"),
            ("piet@xn--exmple-cua.nl", "Piet"), ("Kees@Exämple.NL", "Kees"),
            ("anna@example.nl", "Anna")]
    users = [User(email=email, name=name) for email, name in rows]
    session.add_all(users)
    session.flush()
    session.add(OneTimeToken(user_id=users[4].id, purpose=TOKEN_EMAIL, token_hash="x" * 64,
                             new_email="anna@exämple.nl", expires_at=utcnow()))
    session.add(OutgoingMail(recipient="Kees@Exämple.NL", subject="s", body_text="b",
                             body_html="b"))
    session.add(OutgoingMail(recipient="Kees@Exämple.NL", subject="s", body_text="b",
                             body_html="b", sent_at=utcnow()))
    session.commit()

    with app.extensions["db_engine"].begin() as connection:
        clashes = renormalise_stored(connection)
    assert clashes == ["joran@exämple.nl"]  # the oldest took the normal form; staff decide
    with Session(app.extensions["db_engine"]) as fresh:
        assert fresh.exec(select(User.email).order_by(User.id)).all() == [
            STORED, "joran@exämple.nl", "piet@xn--exmple-cua.nl",
            "kees@xn--exmple-cua.nl", "anna@example.nl"]
        assert fresh.exec(select(OneTimeToken.new_email)).all() == ["anna@xn--exmple-cua.nl"]
        assert fresh.exec(select(OutgoingMail.recipient).order_by(OutgoingMail.id)).all() == [
            "kees@xn--exmple-cua.nl", "Kees@Exämple.NL"]  # what was sent stays as it was
    with app.extensions["db_engine"].begin() as connection:
        assert renormalise_stored(connection) == ["joran@exämple.nl"]  # nothing else to do
    # The three accounts of the report, stored before: one form, so they show as clashes.
    assert {normalise_email(spelling) for spelling in (
        NON_ASCII, unicodedata.normalize("NFD", NON_ASCII), "JÖRAN@xn--exmple-cua.nl")} == {
        "jöran@xn--exmple-cua.nl"}
