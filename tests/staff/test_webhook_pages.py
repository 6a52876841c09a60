"""Instellingen → Webhooks: the list, adding and changing an endpoint (the address refused
as app/webhooks.py says), its secret and a new one, its deliveries sent again, deleting."""
from datetime import timedelta

import pytest
from helpers import csrf_token, events, text_of
from sqlmodel import select
from twostep_helpers import login_staff

from app import webhooks
from app.models import WebhookDelivery, WebhookEndpoint, utcnow

URL = "/kantoor/instellingen/webhooks"
PUBLIC = "https://93.184.215.14/portaal"  # a literal on the internet: no look-up needed


def form(client, **fields):
    return {"csrf_token": csrf_token(client), "url": PUBLIC,
            "events": ["message.received", "questionnaire.completed"],
            "description": "Dossiersysteem", "active": "y", **fields}


def endpoints_of(session):
    session.expire_all()
    return session.exec(select(WebhookEndpoint).order_by(WebhookEndpoint.id)).all()


@pytest.fixture
def endpoint(app, session, staff):
    """An endpoint with three deliveries: delivered, given up on, waiting."""
    with app.test_request_context():
        row = webhooks.create_endpoint(session, url=PUBLIC, events=["message.received"],
                                       description="Dossiersysteem", actor=staff.admin)
        session.commit()
    now = utcnow()
    for n, fields in enumerate([
            dict(delivered_at=now, last_status=200, attempts=1),
            dict(failed_at=now, last_status=500, last_error="Internal Server Error",
                 attempts=8),
            dict(attempts=2, last_error="ConnectionRefusedError",
                 next_attempt_at=now + timedelta(minutes=5))]):
        session.add(WebhookDelivery(endpoint_id=row.id, event_id=f"evt_{n}abc",
                                    event_type="message.received", payload="{}",
                                    created_at=now - timedelta(minutes=10 - n), **fields))
    session.commit()
    return row


def test_the_admin_adds_a_webhook_and_sees_its_secret(client, session, staff, as_staff):
    as_staff(staff.admin)
    assert "Er zijn nog geen webhooks." in text_of(client.get(URL))
    page = client.get(f"{URL}/nieuw")
    assert page.status_code == 200
    assert "Bericht ontvangen van een cliënt" in text_of(page)  # EVENTS' labels
    assert "Privé-adres toestaan" in text_of(page)
    response = client.post(f"{URL}/nieuw", data=form(client))
    assert response.status_code == 303
    [row] = endpoints_of(session)
    assert response.headers["Location"].endswith(f"{URL}/{row.id}")
    assert (row.url, row.events, row.description, row.active, row.allow_private) == (
        PUBLIC, "message.received questionnaire.completed", "Dossiersysteem", True, False)
    detail = client.get(f"{URL}/{row.id}")
    assert row.secret and f">{row.secret}</textarea>" in detail.get_data(as_text=True)
    assert "De webhook is toegevoegd." in text_of(detail)
    assert "Er is nog geen gebeurtenis naar dit adres gestuurd." in text_of(detail)
    listing = text_of(client.get(URL))
    assert PUBLIC in listing and "Vragenlijst ingevuld" in listing and "Nog geen" in listing
    assert row.secret not in client.get(URL).get_data(as_text=True)
    assert len(events(session, "webhook.created")) == 1


def test_refused_addresses_keep_what_was_typed(client, session, staff, as_staff):
    as_staff(staff.admin)
    response = client.post(f"{URL}/nieuw", data=form(client, url="http://127.0.0.1:8080/hook",
                                                      description="Eigen server"))
    assert response.status_code == 400
    page = text_of(response)
    assert "lokaal of privénetwerk" in page
    assert 'value="Eigen server"' in response.get_data(as_text=True)
    assert 'value="http://127.0.0.1:8080/hook"' in response.get_data(as_text=True)
    for fields, message in (({"url": "ftp://x.example/"}, "begint met https://"),
                            ({"url": ""}, "Vul het adres in."),
                            ({"events": []}, "Kies ten minste één gebeurtenis."),
                            ({"events": ["everything"]}, ""),
                            ({"description": "x" * 201}, "hoogstens 200 tekens")):
        response = client.post(f"{URL}/nieuw", data=form(client, **fields))
        assert response.status_code == 400 and message in text_of(response), fields
    assert endpoints_of(session) == []
    # Allowed on purpose, with the risk explained beside the box.
    response = client.post(f"{URL}/nieuw", data=form(
        client, url="http://127.0.0.1:8080/hook", allow_private="y", active=""))
    assert response.status_code == 303
    [row] = endpoints_of(session)
    assert (row.allow_private, row.active) == (True, False)


def test_editing_a_webhook(client, session, staff, as_staff, endpoint):
    as_staff(staff.admin)
    edit = f"{URL}/{endpoint.id}/wijzigen"
    page = client.get(edit).get_data(as_text=True)
    assert 'checked id="events-2" name="events" type="checkbox" value="message.received"' \
        in page and page.count("checked") == 2  # the event, and "Active"
    response = client.post(edit, data=form(client, url="https://93.184.215.15/nieuw",
                                           events=["client.erased"], description="",
                                           active=""))
    assert response.status_code == 303
    [row] = endpoints_of(session)
    assert (row.url, row.events, row.description, row.active) == (
        "https://93.184.215.15/nieuw", "client.erased", "", False)
    assert "De webhook is opgeslagen." in text_of(client.get(f"{URL}/{row.id}"))
    refused = client.post(edit, data=form(client, url="http://10.0.0.1/"))
    assert refused.status_code == 400 and endpoints_of(session)[0].url.endswith("/nieuw")


def test_deliveries_and_sending_one_again(client, session, staff, as_staff, endpoint):
    as_staff(staff.admin)
    page = client.get(f"{URL}/{endpoint.id}")
    text = text_of(page)
    for shown in ("evt_0abc", "Afgeleverd", "HTTP 500: Internal Server Error", "Mislukt",
                  "ConnectionRefusedError", "Wacht", "Volgende poging"):
        assert shown in text, shown
    assert text.index("evt_2abc") < text.index("evt_1abc") < text.index("evt_0abc")
    assert "Wacht" in text_of(client.get(URL))  # the last delivery, on the list
    failed = session.exec(select(WebhookDelivery).where(
        WebhookDelivery.event_id == "evt_1abc")).one()
    response = client.post(f"{URL}/{endpoint.id}/leveringen/{failed.id}/opnieuw",
                           data={"csrf_token": csrf_token(client)})
    assert response.status_code == 303
    session.expire_all()
    failed = session.get(WebhookDelivery, failed.id)
    assert failed.failed_at is None and failed.event_id == "evt_1abc"
    assert failed.next_attempt_at <= utcnow() + timedelta(seconds=1)
    assert "De gebeurtenis wordt zo meteen opnieuw verstuurd." in text_of(
        client.get(f"{URL}/{endpoint.id}"))
    assert len(events(session, "webhook.resent")) == 1
    # A delivery of another endpoint is not found through this one.
    with client.application.test_request_context():
        other = webhooks.create_endpoint(session, url=PUBLIC + "2", events=["client.erased"],
                                         actor=staff.admin)
        session.commit()
    assert client.post(f"{URL}/{other.id}/leveringen/{failed.id}/opnieuw",
                       data={"csrf_token": csrf_token(client)}).status_code == 404


def test_a_new_secret_and_deleting(client, session, staff, as_staff, endpoint):
    as_staff(staff.admin)
    old = endpoint.secret
    response = client.post(f"{URL}/{endpoint.id}/geheim", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 303
    [row] = endpoints_of(session)
    assert row.secret != old and row.secret.startswith("whsec_")
    page = client.get(f"{URL}/{row.id}")
    assert f">{row.secret}</textarea>" in page.get_data(as_text=True)
    assert "De webhook heeft een nieuw geheim." in text_of(page)
    row_id = row.id
    confirm = client.get(f"{URL}/{row.id}/verwijderen")
    assert confirm.status_code == 200 and "Webhook verwijderen?" in text_of(confirm)
    assert len(endpoints_of(session)) == 1
    response = client.post(f"{URL}/{row.id}/verwijderen", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 303 and response.headers["Location"].endswith(URL)
    assert endpoints_of(session) == []
    assert session.exec(select(WebhookDelivery)).all() == []
    assert f"De webhook naar {PUBLIC} is verwijderd." in text_of(client.get(URL))
    assert client.get(f"{URL}/{row_id}").status_code == 404


def test_the_pages_are_the_admins_only(app, session, staff, endpoint):
    delivery = session.exec(select(WebhookDelivery)).first()
    base = f"{URL}/{endpoint.id}"
    for who in (staff.lawyer, staff.secretary):
        client = app.test_client()
        login_staff(client, session, who)
        for url in (URL, f"{URL}/nieuw", base, f"{base}/wijzigen", f"{base}/verwijderen"):
            assert client.get(url).status_code == 404, url
        token = csrf_token(client)
        for url in (f"{URL}/nieuw", f"{base}/wijzigen", f"{base}/geheim", f"{base}/verwijderen",
                    f"{base}/leveringen/{delivery.id}/opnieuw"):
            assert client.post(url, data=form(client, csrf_token=token)).status_code == 404, url
    [row] = endpoints_of(session)
    assert (row.url, row.secret) == (endpoint.url, endpoint.secret)
