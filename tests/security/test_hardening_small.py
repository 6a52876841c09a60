"""Issue 14, point 11: opening a message from another site marks nothing read, and the
development server does not name itself."""
import http.client
import threading

import pytest
from helpers import add_message, login, run_cli
from sqlmodel import select
from twostep_helpers import login_staff
from werkzeug.serving import make_server

from app import cli
from app.models import AuditEvent, MessageRead

CROSS_SITE = {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate"}


def reads(session):
    session.expire_all()
    return (len(session.exec(select(MessageRead)).all()),
            len(session.exec(select(AuditEvent)
                             .where(AuditEvent.action == "message.read")).all()))


@pytest.mark.parametrize("site", ["cross-site", "same-site"])
def test_a_link_on_another_site_does_not_mark_a_message_read(client, session, make, site):
    jan = make.user(email="jan@example.nl")
    lawyer = make.staff(email="jansen@kantoor.test")
    dossier = make.dossier(clients=[jan], lawyer=lawyer)
    message = add_message(session, dossier, lawyer)
    login(client, jan.email)
    headers = {**CROSS_SITE, "Sec-Fetch-Site": site}
    assert client.get(f"/berichten/{message.id}", headers=headers).status_code == 200
    assert client.get(f"/berichten/{message.id}/beantwoorden",
                      headers=headers).status_code == 200
    assert reads(session) == (0, 0)
    # Opened in the portal itself (a click in the list, or typed in the address bar).
    for fetch_site in ("same-origin", "none"):
        assert client.get(f"/berichten/{message.id}",
                          headers={"Sec-Fetch-Site": fetch_site}).status_code == 200
    assert reads(session) == (1, 1)


def test_a_link_on_another_site_does_not_mark_read_for_staff(client, session, make):
    jan = make.user(email="jan@example.nl")
    lawyer = make.staff(email="jansen@kantoor.test")
    dossier = make.dossier(clients=[jan], lawyer=lawyer)
    message = add_message(session, dossier, jan, from_client=True)
    login_staff(client, session, lawyer)
    assert client.get(f"/kantoor/berichten/{message.id}", headers=CROSS_SITE).status_code == 200
    assert client.get(f"/kantoor/berichten/{message.id}/beantwoorden",
                      headers=CROSS_SITE).status_code == 200
    assert reads(session) == (0, 0)
    assert client.get(f"/kantoor/berichten/{message.id}",
                      headers={"Sec-Fetch-Site": "same-origin"}).status_code == 200
    assert reads(session) == (1, 1)


def test_development_server_sends_no_server_header(app, monkeypatch):
    """`flask serve` (make run): Werkzeug would answer `Server: Werkzeug/x Python/y`."""
    handed = {}
    monkeypatch.setattr(cli, "run_simple", lambda host, port, wsgi, **kw: handed.update(kw))
    monkeypatch.setattr(cli, "start_sender_thread", lambda app: None)
    assert run_cli(app, "serve", "--port", "5999").exit_code == 0
    server = make_server("127.0.0.1", 0, app, threaded=True,
                         request_handler=handed["request_handler"])
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        for path in ("/inloggen", "/no-such-page"):
            connection = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=10)
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            connection.close()
            assert response.status in (200, 404)
            assert response.getheader("Server") is None
            assert "Werkzeug" not in str(response.headers)
    finally:
        server.shutdown()
