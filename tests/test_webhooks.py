"""Webhooks (app/webhooks.py): endpoints and their audit, the Standard Webhooks signature,
delivery to a real receiver on loopback that is down, slow, failing and back (each event
acknowledged once), two workers at once, back-off, giving up, resending, and the addresses
refused (SSRF), also at delivery time, without DNS rebinding, and HTTPS checked for the name."""
import base64
import hashlib
import hmac
import json
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from helpers import at_once, events, free_port
from pytest_httpserver import HTTPServer
from sqlmodel import select
from werkzeug import Response

from app import webhooks, worker
from app.models import WebhookDelivery, WebhookEndpoint, utcnow

TIMEOUT = 1  # WEBHOOK_TIMEOUT_SECONDS in these tests


@pytest.fixture
def app_config(app_config):
    app_config["WEBHOOK_TIMEOUT_SECONDS"] = TIMEOUT
    return app_config


@dataclass
class Received:
    answer: object  # what the receiver answered: "ok", "slow" or a status
    headers: dict
    body: bytes

    @property
    def event_id(self):
        return self.headers["Webhook-Id"]


class Receiver:
    """A real HTTP server on loopback that records each POST to /hook and answers as
    `answer` says: "ok" (200), "slow" (200, but after the time-out) or a status."""

    def __init__(self):
        self.port = free_port()
        self.server = HTTPServer(host="127.0.0.1", port=self.port, threaded=True)
        self.server.expect_request("/hook", method="POST").respond_with_handler(self.handle)
        self.answer = "ok"
        self.received = []
        self.lock = threading.Lock()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/hook"

    def handle(self, request):
        with self.lock:
            answer = self.answer
            self.received.append(Received(answer, dict(request.headers), request.get_data()))
        if answer == "slow":
            time.sleep(TIMEOUT + 0.5)
            return Response("late", 200)
        if answer == "ok":
            return Response("ok", 200)
        return Response("no", answer, headers={"Location": "http://127.0.0.1:1/elsewhere"})

    def acknowledged(self):
        """The event ids the receiver answered 2xx in time, in order."""
        return [r.event_id for r in self.received if r.answer == "ok"]


@pytest.fixture
def receiver():
    receiver = Receiver()
    receiver.server.start()
    yield receiver
    if receiver.server.is_running():
        receiver.server.stop()


def new_endpoint(app, session, actor, url, events=tuple(webhooks.EVENTS), **kw):
    with app.app_context():
        endpoint = webhooks.create_endpoint(session, url=url, events=events, actor=actor,
                                            allow_private=kw.pop("allow_private", True), **kw)
    session.commit()
    return endpoint


def emit(app, session, event_type="client.erased", **data):
    with app.app_context():
        rows = webhooks.emit(session, event_type, data or {"client_id": 7})
    session.commit()
    return rows


def rows(session):
    session.expire_all()
    return session.exec(select(WebhookDelivery).order_by(WebhookDelivery.id)).all()


def deliver(app, now=None):
    return webhooks.deliver_due(app, now=now)


# ---- endpoints

def test_endpoints_are_audited_and_keep_a_secret(app, session, staff, receiver):
    admin = staff.admin
    endpoint = new_endpoint(app, session, admin, receiver.url + "?token=geheim",
                            events=["client.erased", "message.received"],
                            description="  Boekhouding  ")
    assert endpoint.events == "message.received client.erased"  # the order of EVENTS
    assert endpoint.description == "Boekhouding" and endpoint.active
    assert endpoint.secret.startswith("whsec_")
    assert len(base64.b64decode(endpoint.secret.removeprefix("whsec_"))) == 32
    assert endpoint.created_by_id == admin.id
    [created] = events(session, "webhook.created")
    assert created.detail["url"] == receiver.url  # not the token in the query
    assert "geheim" not in json.dumps(created.detail)
    assert (created.actor_id, created.target_type, created.target_id) == (
        admin.id, "webhookendpoint", endpoint.id)

    old = endpoint.secret
    with app.app_context():
        assert webhooks.rotate_secret(session, endpoint, admin) != old
        webhooks.update_endpoint(session, endpoint, url=receiver.url, events=["client.erased"],
                                 description="Boekhouding", allow_private=True, active=False,
                                 actor=admin)
    session.commit()
    assert [e.target_id for e in events(session, "webhook.secret_rotated")] == [endpoint.id]
    [changed] = events(session, "webhook.changed")
    assert set(changed.detail["changed"]) == {"url", "events", "active"}
    assert "secret" not in json.dumps(changed.detail) and old not in json.dumps(changed.detail)

    emit(app, session)  # inactive: nothing
    assert rows(session) == []
    endpoint.active = True
    session.commit()
    emit(app, session)
    with app.app_context():
        webhooks.delete_endpoint(session, endpoint, admin)
    session.commit()
    assert rows(session) == [] and session.exec(select(WebhookEndpoint)).all() == []
    assert [e.target_id for e in events(session, "webhook.deleted")] == [endpoint.id]


@pytest.mark.parametrize("chosen", [[], ["client.erased", "no.such_event"]])
def test_events_must_be_known_and_chosen(app, session, staff, receiver, chosen):
    with app.test_request_context():
        with pytest.raises(ValueError) as refused:
            webhooks.create_endpoint(session, url=receiver.url, events=chosen,
                                     actor=staff.admin, allow_private=True)
        assert "gebeurtenis" in str(refused.value).lower()
    assert not isinstance(refused.value, webhooks.BadUrl)
    assert session.exec(select(WebhookEndpoint)).all() == []


# ---- emitting

def test_an_event_goes_to_each_subscribed_active_endpoint_with_one_id(app, session, staff,
                                                                      receiver):
    first = new_endpoint(app, session, staff.admin, receiver.url)
    second = new_endpoint(app, session, staff.admin, receiver.url + "2",
                          events=["client.erased"])
    new_endpoint(app, session, staff.admin, receiver.url + "3", events=["message.received"])
    off = new_endpoint(app, session, staff.admin, receiver.url + "4")
    off.active = False
    session.commit()
    emit(app, session, "client.erased", client_id=12)
    queued = rows(session)
    assert [row.endpoint_id for row in queued] == [first.id, second.id]
    assert len({row.event_id for row in queued}) == 1
    assert queued[0].event_id.startswith("evt_")
    body = json.loads(queued[0].payload)
    assert set(body) == {"id", "type", "created_at", "data"}
    assert (body["id"], body["type"], body["data"]) == (
        queued[0].event_id, "client.erased", {"client_id": 12})
    assert body["created_at"].endswith("Z")
    assert queued[0].payload == queued[1].payload


def test_no_endpoint_no_rows_and_a_rolled_back_event_leaves_no_delivery(app, session, staff,
                                                                        receiver):
    assert emit(app, session) == [] and rows(session) == []
    new_endpoint(app, session, staff.admin, receiver.url)
    with app.app_context():
        assert len(webhooks.emit(session, "client.erased", {"client_id": 1})) == 1
    session.rollback()
    assert rows(session) == []
    with app.app_context(), pytest.raises(ValueError):
        webhooks.emit(session, "no.such_event", {})


def test_a_committed_event_wakes_the_background_loop(app, session, staff, receiver):
    new_endpoint(app, session, staff.admin, receiver.url)
    wake = threading.Event()
    worker._wake_events.add(wake)
    try:
        with app.app_context():
            webhooks.emit(session, "client.erased", {"client_id": 1})
        assert not wake.is_set()
        session.commit()
        assert wake.is_set()
    finally:
        worker._wake_events.discard(wake)
    assert webhooks.deliver_due in worker.jobs()


# ---- delivery and the signature

def test_delivery_is_signed_as_standard_webhooks_says(app, session, staff, receiver):
    endpoint = new_endpoint(app, session, staff.admin, receiver.url + "?klant=1")
    [row] = emit(app, session, "client.activated", client_id=5)
    assert deliver(app) == (1, 0)
    [got] = receiver.received
    assert got.body == row.payload.encode()
    headers = got.headers
    assert headers["Content-Type"] == "application/json"
    assert headers["User-Agent"] == "Klantenportaal-Webhooks/1"
    assert headers["Host"] == f"127.0.0.1:{receiver.port}"
    assert headers["Webhook-Id"] == row.event_id
    timestamp = headers["Webhook-Timestamp"]
    assert abs(int(timestamp) - time.time()) < 10
    # Computed here as the specification says, not with the module's own function.
    key = base64.b64decode(endpoint.secret.removeprefix("whsec_"))
    mac = hmac.new(key, f"{row.event_id}.{timestamp}.".encode() + got.body, hashlib.sha256)
    assert headers["Webhook-Signature"] == "v1," + base64.b64encode(mac.digest()).decode()

    assert webhooks.verify(endpoint.secret, headers, got.body)
    assert webhooks.verify(endpoint.secret, headers, got.body.decode())
    assert not webhooks.verify(endpoint.secret, headers, got.body.replace(b"5", b"6"))
    assert not webhooks.verify(webhooks.new_secret(), headers, got.body)
    moved = {**headers, "Webhook-Timestamp": str(int(timestamp) + 1)}
    assert not webhooks.verify(endpoint.secret, moved, got.body)
    assert not webhooks.verify(endpoint.secret, headers, got.body, tolerance=-1)
    # An old delivery, signed correctly, is refused outside the tolerance (replay).
    old = str(int(time.time()) - 600)
    mac = hmac.new(key, f"{row.event_id}.{old}.".encode() + got.body, hashlib.sha256)
    replay = {**headers, "Webhook-Timestamp": old,
              "Webhook-Signature": "v1," + base64.b64encode(mac.digest()).decode()}
    assert not webhooks.verify(endpoint.secret, replay, got.body)
    assert webhooks.verify(endpoint.secret, replay, got.body, tolerance=900)

    [delivered] = rows(session)
    assert delivered.delivered_at is not None and delivered.last_status == 200
    assert delivered.attempts == 1 and delivered.locked_until is None
    assert deliver(app) == (0, 0)
    assert len(receiver.received) == 1


def test_down_slow_failing_then_back_each_event_acknowledged_once(app, session, staff,
                                                                 receiver):
    new_endpoint(app, session, staff.admin, receiver.url)
    first = emit(app, session, client_id=1)[0].event_id
    second = emit(app, session, client_id=2)[0].event_id
    now = utcnow()

    receiver.server.stop()  # down: the connection is refused
    assert deliver(app, now) == (0, 1)  # the endpoint failed: not tried again this round
    [one, two] = rows(session)
    assert one.attempts == 1 and "ConnectionRefusedError" in one.last_error
    assert one.last_status is None and two.attempts == 0

    receiver.server.start()
    receiver.answer = "slow"
    now += webhooks.BACKOFF[0]
    assert deliver(app, now) == (0, 1)
    [one, _two] = rows(session)
    assert one.attempts == 2 and one.last_error == f"Timed out after {TIMEOUT} s"

    receiver.answer = 500
    now += webhooks.BACKOFF[1]
    assert deliver(app, now) == (0, 1)
    [one, _two] = rows(session)
    assert (one.attempts, one.last_status) == (3, 500)
    assert one.last_error.startswith("HTTP 500")

    receiver.answer = 302
    now += webhooks.BACKOFF[2]
    assert deliver(app, now) == (0, 1)
    [one, _two] = rows(session)
    assert one.last_status == 302 and "redirects are not followed" in one.last_error
    assert all(r.headers["Host"] != "127.0.0.1:1" for r in receiver.received)

    receiver.answer = "ok"
    now += webhooks.BACKOFF[3]
    assert deliver(app, now) == (2, 0)
    now += webhooks.BACKOFF[-1] * 2
    assert deliver(app, now) == (0, 0)
    assert receiver.acknowledged() == [first, second]
    assert all(row.delivered_at is not None and row.failed_at is None
               for row in rows(session))
    # Every try of the first event carried its one id: the receiver can de-duplicate.
    assert {r.event_id for r in receiver.received} == {first, second}


def test_back_off_then_give_up_after_the_last_attempt(app, session, staff, receiver):
    app.config["WEBHOOK_MAX_ATTEMPTS"] = 4
    new_endpoint(app, session, staff.admin, receiver.url)
    emit(app, session)
    receiver.answer = 503
    now = utcnow()
    waits = []
    for attempt in range(1, 5):
        assert deliver(app, now) == (0, 1)
        [row] = rows(session)
        assert row.attempts == attempt
        if attempt < 4:
            wait = row.next_attempt_at - now
            waits.append(wait)
            assert deliver(app, now + wait - webhooks.BACKOFF[0] / 30) == (0, 0)  # 1 s early
            now += wait
    assert waits == list(webhooks.BACKOFF[:3])
    assert row.failed_at is not None and row.delivered_at is None and row.last_status == 503
    assert deliver(app, now + webhooks.BACKOFF[-1] * 10) == (0, 0)
    assert len(receiver.received) == 4
    assert webhooks.backoff(7) == webhooks.backoff(20) == webhooks.BACKOFF[-1]


def test_two_workers_at_once_never_deliver_one_event_twice(app, session, staff, receiver):
    new_endpoint(app, session, staff.admin, receiver.url)
    new_endpoint(app, session, staff.admin, receiver.url + "?second")
    sent = [emit(app, session, client_id=n)[0].event_id for n in range(15)]
    results = at_once(2, lambda: deliver(app))
    assert sum(done for done, _failed in results) == 30
    assert sum(failed for _done, failed in results) == 0
    got = receiver.acknowledged()
    assert len(got) == 30 and sorted(got) == sorted(sent * 2)
    assert all(row.attempts == 1 and row.delivered_at is not None for row in rows(session))


def test_a_claim_keeps_other_workers_off(app, session, staff, receiver):
    new_endpoint(app, session, staff.admin, receiver.url)
    [row] = emit(app, session)
    now = utcnow()
    # Another worker claimed it a moment ago (and is still sending).
    row = session.get(WebhookDelivery, row.id)
    row.locked_until = now + webhooks.claim_time(app)
    session.commit()
    assert deliver(app, now) == (0, 0) and receiver.received == []
    assert deliver(app, now + webhooks.claim_time(app)) == (0, 0)  # to the last moment
    # Its worker died: once the claim ran out the delivery is taken over.
    assert deliver(app, row.locked_until + webhooks.BACKOFF[0] / 30) == (1, 0)
    assert len(receiver.received) == 1


def test_resend_queues_the_same_event_again(app, session, staff, receiver):
    endpoint = new_endpoint(app, session, staff.admin, receiver.url)
    [row] = emit(app, session)
    deliver(app)
    with app.app_context():
        [delivery] = webhooks.deliveries(session, endpoint)
        webhooks.resend(session, delivery, staff.admin)
    session.commit()
    [row] = rows(session)
    assert row.delivered_at is None and row.attempts == 0
    assert deliver(app) == (1, 0)
    assert receiver.acknowledged() == [row.event_id, row.event_id]
    assert rows(session)[0].delivered_at is not None
    [resent] = events(session, "webhook.resent")
    assert (resent.actor_id, resent.target_id, resent.detail["event_id"]) == (
        staff.admin.id, endpoint.id, row.event_id)

    # Given up on, then sent again after the receiver is fixed.
    receiver.answer = 500
    app.config["WEBHOOK_MAX_ATTEMPTS"] = 1
    [failed] = emit(app, session)
    assert deliver(app) == (0, 1)
    session.refresh(failed)
    assert failed.failed_at is not None
    receiver.answer = "ok"
    with app.app_context():
        webhooks.resend(session, failed, staff.admin)
    session.commit()
    assert deliver(app) == (1, 0)
    assert receiver.acknowledged()[-1] == failed.event_id


def test_history_is_newest_first_and_limited(app, session, staff, receiver):
    endpoint = new_endpoint(app, session, staff.admin, receiver.url)
    ids = [emit(app, session, client_id=n)[0].id for n in range(3)]
    with app.app_context():
        assert [d.id for d in webhooks.deliveries(session, endpoint)] == ids[::-1]
        assert [d.id for d in webhooks.deliveries(session, endpoint, limit=2)] == ids[:0:-1]


# ---- addresses (SSRF)

@pytest.mark.parametrize("url", [
    "http://127.0.0.1/hook", "http://10.1.2.3/hook", "https://169.254.169.254/latest",
    "http://[::1]:8080/hook", "http://localhost/hook", "http://192.168.1.10/",
    "http://0.0.0.0/", "http://[::ffff:127.0.0.1]/", "http://224.0.0.1/", "http://[fe80::1]/",
    "http://100.64.0.1/", "http://240.0.0.1/",
])
def test_local_and_private_addresses_are_refused_unless_allowed(app, url):
    with app.test_request_context():
        with pytest.raises(webhooks.BadUrl) as refused:
            webhooks.check_url(url)
        assert "alleen een adres op internet is toegestaan" in str(refused.value)
        webhooks.check_url(url, allow_private=True)


@pytest.mark.parametrize("url", [
    "ftp://example.org/hook", "file:///etc/passwd", "https:///path", "example.org/hook",
    "http://user:pw@example.org/", "http://example.org:99999/", "", "javascript:alert(1)",
    "https://example.org/" + "a" * 2000,
])
def test_only_http_and_https_with_a_host(app, url):
    with app.app_context(), pytest.raises(webhooks.BadUrl):
        webhooks.check_url(url, allow_private=True)


def test_a_public_address_and_the_production_switch(app):
    with app.app_context():
        webhooks.check_url("https://93.184.215.14/hook")  # a literal: no look-up needed
        webhooks.check_url("http://[2606:4700::1111]:8443/hook")
        app.config["WEBHOOK_REFUSE_PRIVATE"] = False
        webhooks.check_url("http://127.0.0.1/hook")


def test_create_refuses_a_private_address(app, session, staff):
    with app.app_context(), pytest.raises(webhooks.BadUrl):
        webhooks.create_endpoint(session, url="http://127.0.0.1:9/hook",
                                 events=["client.erased"], actor=staff.admin)
    assert session.exec(select(WebhookEndpoint)).all() == []
    assert events(session, "webhook.created") == []


def test_the_address_is_checked_again_when_delivering(app, session, staff, receiver):
    endpoint = new_endpoint(app, session, staff.admin, receiver.url)
    endpoint.allow_private = False  # say, allowed when made, withdrawn since
    session.commit()
    emit(app, session)
    assert deliver(app) == (0, 1)
    assert receiver.received == []
    [row] = rows(session)
    assert row.last_error.startswith("BadUrl:") and row.delivered_at is None


def test_it_connects_to_the_very_address_it_checked(app, session, staff, receiver,
                                                    monkeypatch):
    """No DNS rebinding: the name is looked up once per try, and that address is used,
    with the name in the Host header."""
    lookups = []
    real = socket.getaddrinfo

    def rebinding(host, port, *args, **kw):
        if host != "hooks.example":
            return real(host, port, *args, **kw)
        lookups.append(host)
        address = "127.0.0.1" if len(lookups) == 1 else "10.9.9.9"
        return real(address, port, *args, **kw)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    new_endpoint(app, session, staff.admin, f"http://hooks.example:{receiver.port}/hook")
    emit(app, session)
    lookups.clear()
    assert deliver(app) == (1, 0)
    assert lookups == ["hooks.example"]
    [got] = receiver.received
    assert got.headers["Host"] == f"hooks.example:{receiver.port}"


def _certificate(tmp_path, name):
    """A self-signed certificate for `name` (its own CA): (cert file, key file)."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(hours=1)).not_valid_after(now + timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


def test_https_checks_the_certificate_for_the_name(app, session, staff, tmp_path,
                                                   monkeypatch):
    """HTTPS to the checked address, with the certificate verified for the URL's name."""
    cert_file, key_file = _certificate(tmp_path, "hooks.example")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    server = HTTPServer(host="127.0.0.1", port=free_port(), ssl_context=context)
    server.expect_request("/hook", method="POST").respond_with_data("ok")
    server.start()
    try:
        monkeypatch.setenv("SSL_CERT_FILE", str(cert_file))  # trusted by this test only
        real = socket.getaddrinfo
        monkeypatch.setattr(socket, "getaddrinfo", lambda host, *a, **kw: real(
            "127.0.0.1" if host == "hooks.example" else host, *a, **kw))
        good = new_endpoint(app, session, staff.admin,
                            f"https://hooks.example:{server.port}/hook")
        emit(app, session)
        assert deliver(app) == (1, 0)
        [(request, _response)] = server.log
        assert request.headers["Host"] == f"hooks.example:{server.port}"
        assert webhooks.verify(good.secret, request.headers, request.get_data())

        good.active = False
        session.commit()
        new_endpoint(app, session, staff.admin, f"https://127.0.0.1:{server.port}/hook")
        emit(app, session)
        assert deliver(app) == (0, 1)
        assert "SSLCertVerificationError" in rows(session)[-1].last_error
        assert len(server.log) == 1
    finally:
        server.stop()
