"""Issue 7, point 9: every login (and failure), logout, download, upload, message, completed
questionnaire, permission and account change writes who (and on behalf of whom), when (UTC),
the IP address and what; no password, code, token or document content reaches the audit log
or the process log; CR/LF in user input cannot forge a log line."""
import io
import json
import logging
import re
import sys
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pyotp
import pytest
from helpers import PASSWORD, csrf_token, links_in, login, post_form
from sqlmodel import func, select
from twostep_helpers import login_staff, start_app_setup

from app import audit
from app.models import (
    CAT_CORRESPONDENCE,
    CAT_DOCUMENT,
    AccountInvitation,
    AuditEvent,
    Document,
    User,
    utcnow,
)
from app.storage import store_bytes

CLIENT_IP, STAFF_IP = "198.51.100.23", "203.0.113.45"
NEW_PASSWORD = "Zeldzaam-Paard-2026"
CONTENT = b"%PDF-1.4 GEHEIME-INHOUD-7f3a9c "  # document content: never in a log
DEFINITION = {"steps": [
    {"title": "Gegevens", "questions": [
        {"id": "naam", "type": "text", "label": "Volledige naam", "required": True}]},
    {"title": "Stukken", "questions": [
        {"id": "stuk", "type": "upload", "label": "Kopie paspoort", "required": True}]}]}


def from_ip(client, ip):
    """Let the test client's requests come from `ip`."""
    client.environ_base["REMOTE_ADDR"] = ip
    return client


def pdf(name, content=CONTENT):
    return (io.BytesIO(content + name.encode()), name)


def multipart(client, url, **data):
    """POST a multipart form with the session's CSRF token."""
    return client.post(url, data={"csrf_token": csrf_token(client), **data},
                       content_type="multipart/form-data")


class Trail:
    """The audit events written since the last look."""

    def __init__(self, session):
        self.session = session
        self.seen = self._last()

    def _last(self):
        return self.session.exec(select(func.max(AuditEvent.id))).one() or 0

    def expect(self, action, actor, ip, **what):
        """The one new event `action`: by `actor`, from `ip`, now (UTC), with `what` (the
        columns target_id, dossier_id, or else detail entries)."""
        new = self.session.exec(select(AuditEvent).where(AuditEvent.id > self.seen)
                                .order_by(AuditEvent.id)).all()
        matching = [e for e in new if e.action == action]
        assert len(matching) == 1, (action, [e.action for e in new])
        event = matching[0]
        assert event.actor_id == (actor.id if actor is not None else None), action
        assert event.ip == ip, action
        assert event.at.utcoffset() == timedelta(0)
        assert abs(utcnow() - event.at) < timedelta(minutes=2), action
        for key, value in what.items():
            found = getattr(event, key) if key in ("target_id", "dossier_id") \
                else event.detail.get(key)
            assert found == value, (action, key, found, value)
        return event

    def mark(self):
        """Forget what was there: the next expect() looks at what comes after now."""
        self.seen = self._last()


@pytest.fixture
def trail(session):
    return Trail(session)


def fill_step(client, assignment, number, data):
    url = f"/vragenlijsten/{assignment.id}/stap/{number}"
    revision = re.search(r'name="revision" value="(\d+)"',
                         client.get(url).get_data(as_text=True))[1]
    shown = [key.removeprefix("q_") for key in data]
    response = multipart(client, url, revision=revision, action="next", _shown=shown, **data)
    assert response.status_code == 303, response.get_data(as_text=True)


def published(app, session, dossier, title="Koopakte"):
    with app.app_context():
        key, digest, size = store_bytes(CONTENT)
    document = Document(dossier_id=dossier.id, category=CAT_DOCUMENT, title=title,
                        filename=f"{title}.pdf", content_type="application/pdf", size=size,
                        sha256=digest, storage_key=key)
    session.add(document)
    session.commit()
    return document


# ---- every action writes its event

def test_a_clients_actions_are_audited(app, client, session, make, mailbox, trail):
    """Login failure, login, download, message with attachment, questionnaire with upload,
    profile and two-step changes, password link and password set, logout."""
    jan = make.user(email="jan@example.nl", name="Jan de Vries")
    dossier = make.dossier(clients=[jan])
    document = published(app, session, dossier)
    from_ip(client, CLIENT_IP)

    assert login(client, "jan@example.nl", "Verkeerd-1234").status_code == 401
    trail.expect("login.failed", None, CLIENT_IP, target_id=jan.id, email="jan@example.nl")
    assert login(client, "jan@example.nl").status_code == 302
    trail.expect("login", jan, CLIENT_IP, target_id=jan.id)

    assert client.get(f"/documenten/{document.id}/download").status_code == 200
    trail.expect("document.downloaded", jan, CLIENT_IP, target_id=document.id,
                 dossier_id=dossier.id)

    response = multipart(client, f"/dossiers/{dossier.id}/berichten/nieuw", subject="Vraag",
                         body="Mijn vraag over de akte.", action="send",
                         files=[pdf("bijlage.pdf")])
    assert response.status_code in (302, 303), response.get_data(as_text=True)
    sent = trail.expect("message.sent", jan, CLIENT_IP, dossier_id=dossier.id)
    trail.expect("attachment.uploaded", jan, CLIENT_IP, dossier_id=dossier.id)
    assert sent.detail["attachments"]
    trail.mark()

    assignment = make.assignment(jan, dossier, DEFINITION, title="Intake", introduction="")
    fill_step(client, assignment, 1, {"q_naam": "Jan de Vries"})
    fill_step(client, assignment, 2, {"q_stuk": pdf("paspoort.pdf")})
    trail.expect("document.uploaded", jan, CLIENT_IP, dossier_id=dossier.id)
    html = client.get(f"/vragenlijsten/{assignment.id}/overzicht").get_data(as_text=True)
    fingerprint = re.search(r'name="fingerprint" value="([^"]*)"', html)[1]
    response = post_form(client, f"/vragenlijsten/{assignment.id}/voltooien",
                         {"fingerprint": fingerprint})
    assert response.status_code in (302, 303)
    trail.expect("questionnaire.completed", jan, CLIENT_IP, target_id=assignment.id,
                 dossier_id=dossier.id)
    trail.mark()

    assert post_form(client, "/mijn-gegevens/naam", {"name": "Jan V."}).status_code == 302
    trail.expect("account.name", jan, CLIENT_IP, old_name="Jan de Vries", new_name="Jan V.")
    assert post_form(client, "/mijn-gegevens", {"language": "en"}).status_code == 302
    trail.expect("account.language", jan, CLIENT_IP, language="en")
    assert post_form(client, "/mijn-gegevens/notificaties",
                     {"documents": "y"}).status_code == 302
    trail.expect("account.notifications", jan, CLIENT_IP, documents=True, messages=False)

    response = post_form(client, "/mijn-gegevens/e-mailadres",
                         {"email": "jan@nieuw.example", "password": PASSWORD})
    assert response.status_code == 302
    trail.expect("account.email_change_requested", jan, CLIENT_IP, new_email="jan@nieuw.example")
    [mail] = mailbox.deliver(app)
    [link] = [u for u in links_in(mail) if "/e-mailadres/" in u]
    path = link.split("portal.test", 1)[1]
    assert post_form(client, path, {}).status_code == 302
    trail.expect("account.email_changed", jan, CLIENT_IP, old_email="jan@example.nl",
                 new_email="jan@nieuw.example")
    mailbox.deliver(app)

    # Two-step verification on and off (the authenticator app).
    secret = start_app_setup(client)
    response = post_form(client, "/mijn-gegevens/2-staps-verificatie/app",
                         {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 200  # a first set-up ends on the backup codes
    trail.expect("two_step.app_on", jan, CLIENT_IP, target_id=jan.id)
    response = post_form(client, "/mijn-gegevens/2-staps-verificatie/uitzetten/app",
                         {"password": PASSWORD})
    assert response.status_code == 302
    trail.expect("two_step.app_off", jan, CLIENT_IP, target_id=jan.id)
    trail.mark()
    mailbox.deliver(app)

    # A password link from another address, then the password set through it.
    other = from_ip(app.test_client(), "192.0.2.99")
    assert post_form(other, "/wachtwoord-instellen",
                     {"email": "jan@nieuw.example"}).status_code == 302
    trail.expect("password.link_requested", jan, "192.0.2.99")
    [mail] = mailbox.deliver(app)
    [link] = [u for u in links_in(mail) if "/wachtwoord/" in u]
    response = post_form(other, link.split("portal.test", 1)[1],
                         {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    trail.expect("password.set", jan, "192.0.2.99", target_id=jan.id)

    assert post_form(other, "/uitloggen", {}).status_code == 302
    trail.expect("logout", jan, "192.0.2.99", target_id=jan.id)


def test_a_company_main_account_adding_and_deleting_an_extra_account_is_audited(
        client, session, make, trail):
    company = make.company("Bakkerij De Wit B.V.")
    anna = make.user(email="anna@dewit.example", company=company, company_main=True)
    login(from_ip(client, CLIENT_IP), "anna@dewit.example")
    trail.mark()
    response = post_form(client, "/mijn-gegevens/accounts",
                         {"name": "Piet de Wit", "email": "piet@dewit.example",
                          "language": "nl"})
    assert response.status_code == 302, response.get_data(as_text=True)
    piet = session.exec(select(User).where(User.email == "piet@dewit.example")).one()
    trail.expect("user.created", anna, CLIENT_IP, target_id=piet.id)
    trail.expect("invitation.sent", anna, CLIENT_IP, target_id=piet.id)
    trail.expect("company.account_added", anna, CLIENT_IP, target_id=company.id)
    trail.mark()
    # Listed as invited until Piet logs in: deleted through that row (issue 14, point 4).
    [waiting] = session.exec(select(AccountInvitation)).all()
    response = post_form(client, f"/mijn-gegevens/accounts/uitgenodigd/{waiting.id}"
                                 "/verwijderen", {})
    assert response.status_code == 302
    trail.expect("company.account_deleted", anna, CLIENT_IP, target_id=piet.id)


def test_staff_actions_are_audited_with_on_behalf_of(app, client, session, make, staff,
                                                     trail, mailbox):
    """A secretary publishes, downloads, writes and deactivates for mr. Jansen: every event
    names the secretary and on whose behalf; the admin's permission changes are audited."""
    jan = make.user(email="jan@example.nl", name="Jan de Vries")
    dossier = make.dossier(clients=[jan], lawyer=staff.lawyer)
    from_ip(client, STAFF_IP)
    login_staff(client, session, staff.secretary)
    trail.expect("login", staff.secretary, STAFF_IP, method="app")
    lawyer = staff.lawyer.id

    response = multipart(client, f"/kantoor/dossiers/{dossier.id}/documenten",
                         category=CAT_CORRESPONDENCE, files=[pdf("brief.pdf")])
    assert response.status_code in (200, 302, 303), response.get_data(as_text=True)
    event = trail.expect("document.published", staff.secretary, STAFF_IP,
                         dossier_id=dossier.id, on_behalf_of=lawyer)
    trail.mark()
    assert client.get(f"/kantoor/documenten/{event.target_id}").status_code == 200
    trail.expect("document.downloaded", staff.secretary, STAFF_IP, target_id=event.target_id,
                 dossier_id=dossier.id, on_behalf_of=lawyer)
    trail.mark()

    response = multipart(client, f"/kantoor/dossiers/{dossier.id}/berichten", sender=lawyer,
                         subject="Concept", body="Hierbij het concept.",
                         files=[pdf("concept.pdf")])
    assert response.status_code == 302, response.get_data(as_text=True)
    trail.expect("message.sent", staff.secretary, STAFF_IP, dossier_id=dossier.id,
                 on_behalf_of=lawyer)
    trail.expect("attachment.uploaded", staff.secretary, STAFF_IP, dossier_id=dossier.id,
                 on_behalf_of=lawyer)
    trail.mark()

    response = post_form(client, f"/kantoor/clienten/{jan.id}/deactiveren", {})
    assert response.status_code == 302
    trail.expect("user.deactivated", staff.secretary, STAFF_IP, target_id=jan.id)
    post_form(client, "/uitloggen", {})
    trail.expect("logout", staff.secretary, STAFF_IP)

    admin = from_ip(app.test_client(), "192.0.2.1")
    login_staff(admin, session, staff.admin)
    trail.mark()
    response = post_form(admin, "/kantoor/instellingen", {
        "name": "Advocaten De Vries", "colour": "#7a1f2b", "mail_sender": "portaal@vries.example",
        "max_file_mb": "20", "max_message_mb": "60"})
    assert response.status_code == 302, response.get_data(as_text=True)
    trail.expect("settings.changed", staff.admin, "192.0.2.1")
    response = post_form(admin, "/kantoor/medewerkers", {
        "name": "Sanne Secr", "email": "sanne@kantoor.example.nl", "role": "secretary",
        "language": "nl"})
    assert response.status_code == 302
    sanne = session.exec(select(User).where(User.email == "sanne@kantoor.example.nl")).one()
    trail.expect("user.created", staff.admin, "192.0.2.1", target_id=sanne.id,
                 role="secretary")
    trail.mark()
    assert post_form(admin, f"/kantoor/medewerkers/{sanne.id}/rol",
                     {"role": "lawyer"}).status_code == 302
    trail.expect("staff.role_changed", staff.admin, "192.0.2.1", target_id=sanne.id,
                 old="secretary", new="lawyer")
    pair = {"lawyer_id": staff.other_lawyer.id, "secretary_id": staff.idle_secretary.id}
    assert post_form(admin, "/kantoor/delegaties", pair).status_code == 302
    trail.expect("delegation.granted", staff.admin, "192.0.2.1", **pair)
    assert post_form(admin, "/kantoor/delegaties/intrekken", pair).status_code == 302
    trail.expect("delegation.revoked", staff.admin, "192.0.2.1")
    assert post_form(admin, f"/kantoor/medewerkers/{sanne.id}/deactiveren",
                     {}).status_code == 302
    trail.expect("staff.deactivated", staff.admin, "192.0.2.1", target_id=sanne.id)


# ---- no secrets in the audit log or the process log

@pytest.fixture
def gateway():
    """An SMS gateway on loopback that keeps the texts it receives."""
    texts = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            texts.append(json.loads(body)["text"])
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield SimpleNamespace(url=f"http://127.0.0.1:{server.server_port}/sms", texts=texts)
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def _last_code(gateway):
    return re.search(r"\b\d{6}\b", gateway.texts[-1])[0]


def test_no_password_code_token_or_content_in_the_logs(app, client, session, make, mailbox,
                                                       gateway, caplog):
    """A whole flow at DEBUG: login with a password (and a wrong one), SMS set-up with its
    recovery code, login with an SMS code, the authenticator app, backup codes, a password
    link, an e-mail change link and an uploaded document. None of those secrets is in a
    log record or in an audit event."""
    app.config.update(SMS_GATEWAY_URL=gateway.url, SMS_GATEWAY_TOKEN="gw-token-5c1e8d")
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")  # SQL with its parameters
    secrets_ = [PASSWORD, NEW_PASSWORD, "Verkeerd-Wachtw-77", "gw-token-5c1e8d",
                CONTENT.decode().strip()]
    jan = make.user(email="jan@example.nl")
    dossier = make.dossier(clients=[jan])

    assert login(client, "jan@example.nl", "Verkeerd-Wachtw-77").status_code == 401
    assert login(client, "jan@example.nl").status_code == 302
    # SMS on: a set-up code, then the recovery code shown once.
    assert post_form(client, "/mijn-gegevens/2-staps-verificatie/sms",
                     {"phone": "0612345678", "password": PASSWORD}).status_code == 302
    secrets_.append(_last_code(gateway))
    page = post_form(client, "/mijn-gegevens/2-staps-verificatie/sms/code",
                     {"code": secrets_[-1]}).get_data(as_text=True)
    recovery = re.search(r"\b[A-Z0-9]{4}(?:-[A-Z0-9]{4}){2,}\b", page)
    assert recovery, page
    secrets_.append(recovery[0])
    # The authenticator app: its secret and a code.
    totp_secret = start_app_setup(client)
    code = pyotp.TOTP(totp_secret).now()
    secrets_ += [totp_secret, code]
    assert post_form(client, "/mijn-gegevens/2-staps-verificatie/app",
                     {"code": code}).status_code == 302
    # Backup codes.
    overview = client.get("/mijn-gegevens/2-staps-verificatie/back-upcodes").get_data(
        as_text=True)
    replaces = re.search(r'name="replaces" value="([^"]*)"', overview)[1]
    page = post_form(client, "/mijn-gegevens/2-staps-verificatie/back-upcodes",
                     {"replaces": replaces, "password": PASSWORD}).get_data(as_text=True)
    backup = re.findall(r"\b[A-Z0-9]{4}(?:-[A-Z0-9]{4})+\b", page)
    assert backup, page
    secrets_ += backup
    # A document handed in with a message.
    response = multipart(client, f"/dossiers/{dossier.id}/berichten/nieuw", subject="Stuk",
                         body="Zie bijlage.", action="send", files=[pdf("stuk.pdf")])
    assert response.status_code in (302, 303)
    post_form(client, "/uitloggen", {})

    # Log in again with the password and an SMS code.
    assert login(client, "jan@example.nl").status_code == 302
    client.post("/inloggen/verificatie/sms/versturen",
                data={"csrf_token": csrf_token(client, "/inloggen/verificatie/sms")})
    secrets_.append(_last_code(gateway))
    assert post_form(client, "/inloggen/verificatie/sms",
                     {"code": secrets_[-1]}).status_code == 302
    # An e-mail change link and a password link, both followed.
    assert post_form(client, "/mijn-gegevens/e-mailadres",
                     {"email": "jan@nieuw.example", "password": PASSWORD}).status_code == 302
    [link] = [u for m in mailbox.deliver(app) for u in links_in(m) if "/e-mailadres/" in u]
    secrets_.append(link.rsplit("/", 1)[1])
    assert post_form(client, link.split("portal.test", 1)[1], {}).status_code == 302
    post_form(client, "/uitloggen", {})
    assert post_form(client, "/wachtwoord-instellen",
                     {"email": "jan@nieuw.example"}).status_code == 302
    [link] = [u for m in mailbox.deliver(app) for u in links_in(m) if "/wachtwoord/" in u]
    secrets_.append(link.rsplit("/", 1)[1])
    response = post_form(client, link.split("portal.test", 1)[1],
                         {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302  # on to the second step: reset does not skip it

    # mail.log is the test's own SMTP server (aiosmtpd), which logs what it receives.
    records = [r for r in caplog.records if r.name != "mail.log"]
    assert records, "the flow logged nothing at all: is caplog capturing?"
    logged = "\n".join(_everything_in(r) for r in records)
    events = session.exec(select(AuditEvent)).all()
    details = "\n".join(json.dumps(e.detail, default=str) for e in events)
    assert {e.action for e in events} >= {"login", "login.failed", "two_step.sms_on",
                                          "two_step.app_on", "two_step.backup_codes",
                                          "account.email_changed", "password.set"}
    for secret in secrets_:
        assert secret not in logged, f"{secret!r} is in the log"
        assert secret not in details, f"{secret!r} is in an audit event"


def _everything_in(record):
    """All the text a handler could write for a record."""
    parts = [str(record.msg), record.getMessage(), repr(record.args), record.exc_text or "",
             record.stack_info or ""]
    return " ".join(parts)


def test_without_a_gateway_the_demo_sms_is_logged_and_only_then(app, make, caplog, gateway):
    """The documented exception (SECURITY.md): with no SMS gateway configured the text,
    code included, goes to a file and the log for a demo user; with a gateway it never does."""
    from app import sms
    with app.app_context(), caplog.at_level(logging.DEBUG):
        sms.send("+31612345678", "123987 is uw code")
        app.config["SMS_GATEWAY_URL"] = gateway.url
        sms.send("+31612345678", "456321 is uw code")
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "123987" in logged
    assert "456321" not in logged and gateway.texts == ["456321 is uw code"]


# ---- CR/LF cannot forge a log line

FORGED = "jan@example.nl\r\nINFO klantenportaal.auth: admin logged in"


def _record(msg, *args, exc_info=None):
    return logging.LogRecord("klantenportaal.test", logging.WARNING, __file__, 1, msg, args,
                             exc_info)


def test_the_formatter_escapes_line_breaks_in_messages_and_arguments():
    formatter = audit.OneLineFormatter(audit.LOG_FORMAT)
    for record in (_record(FORGED), _record("Mail to %s failed", FORGED),
                   _record("%(who)s", {"who": FORGED})):
        line = formatter.format(record)
        assert "\n" not in line and "\r" not in line
        assert "\\r\\nINFO klantenportaal.auth: admin logged in" in line
        assert line.startswith("WARNING klantenportaal.test: ")
    line = formatter.format(_record("bell\x07 escape\x1b[31m sep\u2028 nel\x85 tab\tok"))
    assert line.endswith("bell\\x07 escape\\x1b[31m sep\\u2028 nel\\x85 tab\tok")


def test_a_traceback_cannot_forge_a_line_either():
    formatter = audit.OneLineFormatter(audit.LOG_FORMAT)
    try:
        raise ValueError(FORGED)
    except ValueError:
        text = formatter.format(_record("request failed", exc_info=sys.exc_info()))
    first, *rest = text.split("\n")
    assert first == "WARNING klantenportaal.test: request failed"
    assert rest and all(line.startswith("| ") for line in rest)
    assert not any(line.startswith("INFO") for line in text.splitlines())


def test_the_app_logs_through_the_one_line_formatter(monkeypatch):
    """create_app's logging set-up (when nothing else set up logging) uses it."""
    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", [])
    audit.configure_logging()
    [handler] = root.handlers
    assert isinstance(handler.formatter, audit.OneLineFormatter)


def test_input_in_a_request_cannot_forge_a_log_line(app, client):
    """An error on a path with an encoded CR/LF (Flask logs the path) stays on its lines."""
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/__boom__/<rest>")
    def boom(rest):
        raise RuntimeError(f"failed for {rest}")

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(audit.OneLineFormatter(audit.LOG_FORMAT))
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        response = client.get("/__boom__/x%0D%0AINFO%20klantenportaal.auth:%20forged")
    finally:
        root.removeHandler(handler)
    assert response.status_code == 500
    lines = stream.getvalue().splitlines()
    assert lines and lines[0].startswith("ERROR ")
    assert "\\r\\nINFO klantenportaal.auth: forged" in lines[0]
    assert all(line.startswith("| ") for line in lines[1:])
