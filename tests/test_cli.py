"""The command-line tasks, run as `flask --app wsgi <command>` runs them."""
import logging
import pathlib
from email import message_from_bytes, policy

import pytest
from helpers import links_in, run_cli
from sqlmodel import delete, func, select

from app import cli
from app.models import (
    KIND_CLIENT,
    KIND_STAFF,
    ROLE_ADMIN,
    TOKEN_INVITE,
    Company,
    Dossier,
    DossierStatus,
    OneTimeToken,
    OutgoingMail,
    User,
)
from app.security import check_password

INVITATION = "Uw account voor ons klantenportaal"


def users(session):
    session.expire_all()
    return session.exec(select(User).order_by(User.id)).all()


def count(session, model):
    session.expire_all()
    return session.exec(select(func.count()).select_from(model)).one()


@pytest.fixture
def no_smtp(app_config):
    """No SMTP server configured: mails become .eml files; request it before `app`."""
    app_config["MAIL_SERVER"] = None
    return app_config


# ---- create-staff

def test_create_staff_makes_an_admin(app, session):
    result = run_cli(app, "create-staff", "--email", " Mr.Admin@Kantoor.nl ", "--name", "Beheer",
                 "--password", "Geheim123")
    assert result.exit_code == 0, result.output
    assert "Created admin mr.admin@kantoor.nl." in result.output
    [user] = users(session)
    assert (user.email, user.kind, user.role) == ("mr.admin@kantoor.nl", KIND_STAFF, ROLE_ADMIN)
    assert check_password(user, "Geheim123")


@pytest.mark.parametrize("email, message", [
    ("geen-adres", "is not a valid e-mail address"),
    ("a@b@c.nl", "is not a valid e-mail address"),
    ("", "is not a valid e-mail address"),
])
def test_create_staff_refuses_a_bad_address(app, session, email, message):
    result = run_cli(app, "create-staff", "--email", email, "--name", "X",
                     "--password", "Geheim123")
    assert result.exit_code == 2
    assert message in result.output
    assert users(session) == []


def test_create_staff_refuses_a_duplicate_address(app, session, make):
    make.staff(email="mr@kantoor.nl")
    result = run_cli(app, "create-staff", "--email", "MR@kantoor.nl", "--name", "X",
                 "--password", "Geheim123")
    assert result.exit_code == 2
    assert "mr@kantoor.nl has an account already." in result.output
    assert len(users(session)) == 1


def test_create_staff_refuses_a_weak_password(app, session):
    result = run_cli(app, "create-staff", "--email", "mr@kantoor.nl", "--name", "X",
                 "--password", "kort")
    assert result.exit_code == 2
    assert "at least 8 characters" in result.output
    assert users(session) == []


# ---- create-client

def test_create_client_queues_the_invitation(app, session):
    result = run_cli(app, "create-client", "--email", "nieuw@example.nl", "--name", "Nadia Nieuw")
    assert result.exit_code == 0, result.output
    assert "Created client nieuw@example.nl" in result.output
    [user] = users(session)
    assert (user.kind, user.company_id, user.password_hash) == (KIND_CLIENT, None, None)
    [mail] = session.exec(select(OutgoingMail)).all()
    assert (mail.recipient, mail.subject, mail.sent_at) == ("nieuw@example.nl", INVITATION,
                                                            None)
    assert "http://portal.test/welkom/" in mail.body_text
    [token] = session.exec(select(OneTimeToken)).all()
    assert (token.user_id, token.purpose, token.used_at) == (user.id, TOKEN_INVITE, None)


def test_create_client_in_english(app, session):
    run_cli(app, "create-client", "--email", "sophie@example.nl", "--name", "Sophie",
        "--language", "en")
    [mail] = session.exec(select(OutgoingMail)).all()
    assert mail.subject == "Your account for our client portal"


def test_create_client_with_company_makes_its_main_account(app, session):
    result = run_cli(app, "create-client", "--email", "anna@bakkerij.nl", "--name", "Anna",
                 "--company", "Bakkerij De Wit B.V.")
    assert result.exit_code == 0, result.output
    [company] = session.exec(select(Company)).all()
    assert company.name == "Bakkerij De Wit B.V."
    [user] = users(session)
    assert user.company_id == company.id and user.is_company_main
    assert session.exec(select(OutgoingMail.recipient)).all() == ["anna@bakkerij.nl"]


@pytest.mark.parametrize("email, message", [
    ("jan@example.nl", "jan@example.nl has an account already."),
    ("geen adres", "is not a valid e-mail address"),
])
def test_create_client_refusal_stores_nothing(app, session, make, email, message):
    make.user(email="jan@example.nl")
    result = run_cli(app, "create-client", "--email", email, "--name", "X",
                 "--company", "Half B.V.")
    assert result.exit_code == 2
    assert message in result.output
    assert len(users(session)) == 1
    # Neither the company nor an invitation was left behind half made.
    assert count(session, Company) == 0
    assert count(session, OutgoingMail) == 0


# ---- demo

def test_demo_loads_once(no_smtp, app, session):
    # A freshly migrated database has no statuses yet; the demo brings them.
    session.exec(delete(DossierStatus))
    session.commit()
    result = run_cli(app, "demo")
    assert result.exit_code == 0, result.output
    assert "Demo data loaded." in result.output
    emails = {user.email for user in users(session)}
    assert {"jan@example.nl", "admin@kantoor.example.nl", "nieuw@example.nl"} <= emails
    before = [count(session, model) for model in (User, Dossier, OutgoingMail, Company)]
    assert all(before)

    again = run_cli(app, "demo")
    assert again.exit_code == 0
    assert "Demo data is present already." in again.output
    assert [count(session, model) for model in (User, Dossier, OutgoingMail, Company)] == before

    # The invited client's mail 1 waits; send-mail writes it to the outbox folder.
    [invitation] = session.exec(select(OutgoingMail).where(
        OutgoingMail.recipient == "nieuw@example.nl")).all()
    assert invitation.subject == INVITATION
    run_cli(app, "send-mail")
    eml = pathlib.Path(app.config["OUTBOX_FOLDER"]) / f"{invitation.id:06d}.eml"
    message = message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert message["To"] == "nieuw@example.nl"
    assert links_in(message)[0].startswith("http://portal.test/welkom/")


# ---- send-mail

def test_send_mail_delivers_through_smtp(app, session, mailbox):
    run_cli(app, "create-client", "--email", "nieuw@example.nl", "--name", "Nadia")
    result = run_cli(app, "send-mail")
    assert result.exit_code == 0
    assert "1 sent, 0 failed" in result.output
    [mail1] = mailbox.messages
    assert mail1["To"] == "nieuw@example.nl" and mail1["Subject"] == INVITATION
    assert links_in(mail1)[0].startswith("http://portal.test/welkom/")
    session.expire_all()
    assert session.exec(select(OutgoingMail)).one().sent_at is not None
    # Nothing is sent twice.
    assert "0 sent, 0 failed" in run_cli(app, "send-mail").output
    assert len(mailbox.messages) == 1


def test_send_mail_without_smtp_writes_eml_and_logs_path_and_link(no_smtp, app, session,
                                                                  caplog):
    run_cli(app, "create-client", "--email", "nieuw@example.nl", "--name", "Nadia")
    with caplog.at_level(logging.INFO, logger="klantenportaal.mail"):
        result = run_cli(app, "send-mail")
    assert "1 sent, 0 failed" in result.output
    [eml] = pathlib.Path(app.config["OUTBOX_FOLDER"]).glob("*.eml")
    message = message_from_bytes(eml.read_bytes(), policy=policy.default)
    link = links_in(message)[0]
    assert link.startswith("http://portal.test/welkom/")
    [record] = [r for r in caplog.records if r.name == "klantenportaal.mail"]
    logged = record.getMessage()
    assert "nieuw@example.nl" in logged
    assert eml.resolve().as_uri() in logged  # a file:// URL that opens the mail
    assert f"link: {link}" in logged  # the link itself, to follow from the log


# ---- serve

@pytest.fixture
def served(app, monkeypatch):
    """Run `serve` without starting a server or a sender thread; returns what it got."""
    calls = {}
    monkeypatch.setattr(cli, "run_simple",
                        lambda host, port, *a, **kw: calls.update(host=host, port=port))
    monkeypatch.setattr(cli, "start_sender_thread", lambda app: None)
    monkeypatch.delenv("PORT", raising=False)
    return calls


@pytest.mark.parametrize("base_url, env_port, args, port", [
    ("https://portaal.example.nl", None, [], 5000),  # no port in the URL: used to crash
    ("https://portaal.example.nl/", "8123", [], 8123),
    ("http://127.0.0.1:5123", None, [], 5123),
    ("http://127.0.0.1:5123", None, ["--port", "6000"], 6000),
])
def test_serve_picks_a_port(app, served, monkeypatch, base_url, env_port, args, port):
    app.config["PUBLIC_BASE_URL"] = base_url
    if env_port:
        monkeypatch.setenv("PORT", env_port)
    result = run_cli(app, "serve", *args)
    assert result.exit_code == 0, result.output
    assert served == {"host": "127.0.0.1", "port": port}
    assert f"Klantenportaal: http://localhost:{port}/" in result.output
    assert "jan@example.nl" in result.output  # the demo logins are printed


def test_the_development_servers_log_has_no_colour_codes_off_a_terminal(app, caplog):
    """Issue 16, point 11: `make run | tee run.log` showed "^[[33m" around every 404 line."""
    import threading
    import urllib.error
    import urllib.request

    from werkzeug.serving import make_server

    from app.cli import RequestHandler
    server = make_server("127.0.0.1", 0, app, request_handler=RequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with caplog.at_level("INFO", logger="werkzeug"):
            for path in ("/firm/style.css", "/no/such/page"):  # a 200 and a (yellow) 404
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}{path}")
                except urllib.error.HTTPError:
                    pass
    finally:
        server.shutdown()
        thread.join(timeout=5)
    lines = [record.getMessage() for record in caplog.records if record.name == "werkzeug"]
    assert any("/no/such/page" in line and " 404 " in line for line in lines), lines
    assert not any("\x1b" in line for line in lines), lines
