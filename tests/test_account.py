"""Mijn gegevens: the page and its sections, the language, and the notification switches."""
import re

import pytest
from conftest import login, post_form
from sqlmodel import select

from app.models import NotificationItem, User


def text(response):
    html = response.get_data(as_text=True)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def checked(response, name):
    match = re.search(rf'<input[^>]*name="{name}"[^>]*>', response.get_data(as_text=True))
    return "checked" in match[0]


@pytest.mark.parametrize("lang, headings", [
    ("nl", ["Mijn gegevens", "Instellen taal", "2-staps verificatie", "Notificaties"]),
    ("en", ["My details", "Set language", "Two-step verification", "Notifications"]),
])
def test_page_has_its_sections(client, make, lang, headings):
    make.user(email="jan@example.nl", language=lang)
    login(client, "jan@example.nl")
    response = client.get("/mijn-gegevens")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for heading in headings:
        assert re.search(rf"<h[12][^>]*>{re.escape(heading)}</h[12]>", html), heading
    for anchor in ("taal", "verificatie", "notificaties"):
        assert f'href="#{anchor}"' in html and f'id="{anchor}"' in html
    assert 'id="accounts"' not in html  # only for the main account of a company


def test_first_login_lands_here_and_explains_two_step(client, make):
    make.user(email="jan@example.nl")
    assert login(client, "jan@example.nl").location == "/mijn-gegevens"
    page = text(client.get("/mijn-gegevens"))
    assert ("Als extra beveiliging voor het inloggen op het klantenportaal kunt u 2-staps "
            "verificatie instellen.") in page
    assert "2-staps verificatie staat uit." in page
    assert "/mijn-gegevens/2-staps-verificatie" in client.get("/mijn-gegevens").get_data(
        as_text=True)


def test_two_step_status_is_shown(client, session, make):
    user = make.user(email="jan@example.nl")
    login(client, "jan@example.nl")
    user.sms_enabled, user.sms_phone = True, "+31612345678"  # as if set up just now
    session.commit()
    page = text(client.get("/mijn-gegevens"))
    assert "Aan: een code per sms naar +31 6 12345678" in page
    assert "0 ongebruikte back-upcodes" in page
    assert "2-staps verificatie beheren" in page


def test_unknown_language_is_refused(client, session, make):
    user = make.user(email="jan@example.nl")
    login(client, "jan@example.nl")
    response = post_form(client, "/mijn-gegevens", {"language": "de"})
    assert response.status_code == 400
    session.refresh(user)
    assert user.language == "nl"


def test_notifications_are_on_by_default_and_can_be_switched_off(app, client, session, make):
    user = make.user(email="jan@example.nl")
    login(client, "jan@example.nl")
    page = client.get("/mijn-gegevens")
    assert "Stuur mij een e-mail als" in text(page)
    for name in ("documents", "questionnaires", "messages"):
        assert checked(page, name), name

    # An unchecked box is not sent by the browser at all.
    response = post_form(client, "/mijn-gegevens/notificaties", {"messages": "y"})
    assert response.status_code == 302
    assert response.location == "/mijn-gegevens#notificaties"
    page = client.get("/mijn-gegevens")
    assert "Uw notificaties zijn opgeslagen." in text(page)
    assert not checked(page, "documents") and not checked(page, "questionnaires")
    assert checked(page, "messages")
    session.expire_all()
    user = session.get(User, user.id)
    assert (user.notify_documents, user.notify_questionnaires, user.notify_messages) == (
        False, False, True)

    # The notification mails honour the switches.
    from app.notifications import notify
    notify(session, [user], "document")
    notify(session, [user], "message")
    session.commit()
    kinds = [item.kind for item in session.exec(select(NotificationItem))]
    assert kinds == ["message"]


def test_notifications_without_csrf_token_change_nothing(client, session, make):
    user = make.user(email="jan@example.nl")
    login(client, "jan@example.nl")
    response = client.post("/mijn-gegevens/notificaties", data={})
    assert response.status_code == 400
    session.refresh(user)
    assert user.notify_documents and user.notify_messages


def test_notifications_in_english(client, make):
    make.user(email="sophie@example.nl", language="en")
    login(client, "sophie@example.nl")
    page = text(client.get("/mijn-gegevens"))
    assert "Send me an e-mail when" in page
    assert "New documents have been made available" in page
    response = post_form(client, "/mijn-gegevens/notificaties", {})
    assert "Your notification settings have been saved." in text(
        client.get(response.location.split("#")[0]))


def test_staff_see_no_notifications(client, session, make):
    staff = make.staff(email="mr@kantoor.nl")
    login(client, "mr@kantoor.nl")
    html = client.get("/mijn-gegevens").get_data(as_text=True)
    assert 'id="verificatie"' in html
    assert 'id="notificaties"' not in html and 'id="accounts"' not in html
    assert staff.kind == "staff"


def test_anonymous_is_sent_to_login(client):
    for path in ("/mijn-gegevens", "/mijn-gegevens/2-staps-verificatie",
                 "/mijn-gegevens/accounts"):
        response = client.get(path)
        assert response.status_code == 302 and response.location.startswith("/inloggen")
