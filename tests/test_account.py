"""Mijn gegevens: the page and its sections, the language, the notification switches, the
profile (name, e-mail address confirmed by a link) and the login activity."""
import re
from datetime import timedelta

import pytest
from flask_babel import force_locale
from helpers import PASSWORD, links_in, login, post_form, text_of
from sqlmodel import select

from app.models import AuditEvent, LoginSession, NotificationItem, OneTimeToken, User, utcnow


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
    page = text_of(client.get("/mijn-gegevens"))
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
    page = text_of(client.get("/mijn-gegevens"))
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
    assert "Stuur mij een e-mail als" in text_of(page)
    for name in ("documents", "questionnaires", "messages"):
        assert checked(page, name), name

    # An unchecked box is not sent by the browser at all.
    response = post_form(client, "/mijn-gegevens/notificaties", {"messages": "y"})
    assert response.status_code == 302
    assert response.location == "/mijn-gegevens#notificaties"
    page = client.get("/mijn-gegevens")
    assert "Uw notificaties zijn opgeslagen." in text_of(page)
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
    page = text_of(client.get("/mijn-gegevens"))
    assert "Send me an e-mail when" in page
    assert "New documents have been made available" in page
    response = post_form(client, "/mijn-gegevens/notificaties", {})
    assert "Your notification settings have been saved." in text_of(
        client.get(response.location.split("#")[0]))


def test_staff_see_their_own_notifications(client, session, make):
    staff = make.staff(email="mr@kantoor.nl")
    login(client, "mr@kantoor.nl")
    html = client.get("/mijn-gegevens").get_data(as_text=True)
    assert 'id="verificatie"' in html and 'id="accounts"' not in html
    # About what clients do (tests/test_notifications.py); no switch for documents.
    assert 'id="notificaties"' in html and 'name="documents"' not in html
    assert staff.kind == "staff"


def test_anonymous_is_sent_to_login(client):
    for path in ("/mijn-gegevens", "/mijn-gegevens/2-staps-verificatie",
                 "/mijn-gegevens/accounts"):
        response = client.get(path)
        assert response.status_code == 302 and response.location.startswith("/inloggen")


# ---- Profiel: name and e-mail address

def test_change_name(client, session, make):
    user = make.user(email="jan@example.nl", name="Jan Jansen")
    login(client, "jan@example.nl")
    page = client.get("/mijn-gegevens")
    assert 'id="profiel"' in page.get_data(as_text=True)
    assert "Jan Jansen" in text_of(page) and "Naam wijzigen" in text_of(page)
    form = client.get("/mijn-gegevens/naam")
    assert 'value="Jan Jansen"' in form.get_data(as_text=True)

    empty = post_form(client, "/mijn-gegevens/naam", {"name": "   "})
    assert empty.status_code == 400 and "Vul uw naam in." in text_of(empty)
    long = post_form(client, "/mijn-gegevens/naam", {"name": "J" * 201})
    assert long.status_code == 400
    assert "De naam mag hoogstens 200 tekens lang zijn." in text_of(long)
    assert 'value="' + "J" * 201 + '"' in long.get_data(as_text=True)  # what was typed stays
    session.refresh(user)
    assert user.name == "Jan Jansen"

    saved = post_form(client, "/mijn-gegevens/naam", {"name": "  Jan de Vries "})
    assert saved.status_code == 302 and saved.location == "/mijn-gegevens#profiel"
    assert "Uw naam is opgeslagen." in text_of(client.get("/mijn-gegevens"))
    session.refresh(user)
    assert user.name == "Jan de Vries"
    [event] = session.exec(select(AuditEvent).where(AuditEvent.action == "account.name"))
    assert event.detail == {"old_name": "Jan Jansen", "new_name": "Jan de Vries"}


def request_change(client, new_email, password=PASSWORD):
    return post_form(client, "/mijn-gegevens/e-mailadres",
                     {"email": new_email, "password": password})


def mail_link(mail):
    [link] = links_in(mail)
    return link.replace("http://portal.test", "")


DOSSIER_WORDS = ("2026-7777", "Erfenis Jansen")


def test_change_email_through_a_link_to_the_new_address(app, client, session, make,
                                                        mailbox):
    user = make.user(email="jan@example.nl", name="Jan Jansen")
    make.dossier(clients=[user], number="2026-7777", description="Erfenis Jansen")
    login(client, "jan@example.nl")
    response = request_change(client, " Jan.Nieuw@Example.NL ")
    assert response.status_code == 302 and response.location == "/mijn-gegevens#profiel"
    page = text_of(client.get("/mijn-gegevens"))
    assert "We hebben een link gestuurd naar jan.nieuw@example.nl." in page
    assert "Wacht op bevestiging" in page

    # Nothing changes until the link is opened.
    session.refresh(user)
    assert user.email == "jan@example.nl"
    [mail] = mailbox.deliver(app)
    assert mail["To"] == "jan.nieuw@example.nl"
    assert mail["Subject"] == "Bevestig uw nieuwe e-mailadres voor het klantenportaal"
    body = mail.get_body(("plain",)).get_content()
    assert "Beste Jan Jansen," in body and "24 uur geldig" in body
    assert mail.get_body(("html",)).get_content().count(links_in(mail)[0]) >= 1
    assert not any(word in body for word in DOSSIER_WORDS)
    link = mail_link(mail)
    token = session.exec(select(OneTimeToken).where(OneTimeToken.purpose == "email-change")).one()
    assert link.rsplit("/", 1)[1] not in token.token_hash  # only the hash is stored
    assert token.new_email == "jan.nieuw@example.nl"

    # Opening the link asks to confirm (a mail scanner's GET changes nothing).
    confirm = client.get(link)
    assert confirm.status_code == 200
    assert "Bevestig uw nieuwe e-mailadres" in text_of(confirm)
    assert "jan.nieuw@example.nl" in text_of(confirm)
    session.refresh(user)
    assert user.email == "jan@example.nl"
    done = post_form(client, link, {})
    assert done.status_code == 302 and done.location == "/mijn-gegevens#profiel"
    assert ("Uw e-mailadres is gewijzigd in jan.nieuw@example.nl. Er is een melding gestuurd "
            "naar jan@example.nl.") in text_of(client.get("/mijn-gegevens"))
    session.refresh(user)
    assert user.email == "jan.nieuw@example.nl"

    # The old address gets a notice, which says nothing about dossiers or the new address.
    [notice] = mailbox.deliver(app)
    assert notice["To"] == "jan@example.nl"
    assert notice["Subject"] == "Het e-mailadres van uw account is gewijzigd"
    body = notice.get_body(("plain",)).get_content()
    assert "Was u dit niet? Neem dan direct contact met ons op." in body
    assert not any(word in body for word in DOSSIER_WORDS + ("jan.nieuw",))

    # The link worked once; from now on the new address logs in, the old one does not.
    again = post_form(client, link, {})
    assert again.status_code == 400 and "al gebruikt" in text_of(again)
    post_form(client, "/uitloggen", {})
    assert login(client, "jan@example.nl").status_code == 401
    assert login(client, "jan.nieuw@example.nl").status_code == 302
    actions = [e.action for e in session.exec(select(AuditEvent).order_by(AuditEvent.id))]
    assert "account.email_change_requested" in actions and "account.email_changed" in actions


def test_email_change_mails_in_the_users_language(app, client, make, mailbox):
    make.user(email="sophie@example.nl", name="Sophie", language="en")
    login(client, "sophie@example.nl")
    request_change(client, "sophie@new.example")
    [mail] = mailbox.deliver(app)
    assert mail["Subject"] == "Confirm your new e-mail address for the client portal"
    assert "Dear Sophie," in mail.get_body(("plain",)).get_content()
    page = client.get(mail_link(mail))
    assert "Confirm your new e-mail address" in text_of(page)
    post_form(client, mail_link(mail), {})
    [notice] = mailbox.deliver(app)
    assert notice["To"] == "sophie@example.nl"
    assert notice["Subject"] == "The e-mail address of your account has been changed"


@pytest.mark.parametrize("typed, password, message", [
    ("", PASSWORD, "Vul het nieuwe e-mailadres in."),
    ("geen-adres", PASSWORD, "Vul een geldig e-mailadres in"),
    ("JAN@example.nl", PASSWORD, "Dit is al uw e-mailadres."),
    ("jan.nieuw@example.nl", "", "Vul uw wachtwoord in."),
    ("jan.nieuw@example.nl", "Fout12345", "Het wachtwoord is onjuist."),
])
def test_email_change_errors_keep_what_was_typed(app, client, session, make, mailbox,
                                                 typed, password, message):
    user = make.user(email="jan@example.nl")
    login(client, "jan@example.nl")
    response = request_change(client, typed, password)
    assert response.status_code == 400
    assert message in text_of(response)
    if typed:
        assert f'value="{typed}"' in response.get_data(as_text=True)
    session.refresh(user)
    assert user.email == "jan@example.nl"
    assert session.exec(select(OneTimeToken)).all() == []
    assert mailbox.deliver(app) == []


def test_an_address_of_another_account_is_refused_without_saying_whose(app, client, session,
                                                                      make, mailbox):
    make.user(email="jan@example.nl")
    make.user(email="piet@example.nl", name="Piet Geheim")
    make.staff(email="mr@kantoor.nl")
    login(client, "jan@example.nl")
    for taken in ("piet@example.nl", "MR@kantoor.nl"):
        response = request_change(client, taken)
        assert response.status_code == 400
        page = text_of(response)
        assert "Dit e-mailadres kan niet worden gebruikt. Kies een ander adres." in page
        assert "Piet" not in page and "medewerker" not in page.lower()
        assert f'value="{taken}"' in response.get_data(as_text=True)
    assert session.exec(select(OneTimeToken)).all() == []
    assert mailbox.deliver(app) == []  # the other account hears nothing either


def test_email_change_requests_are_throttled(app, client, session, make, mailbox):
    make.user(email="jan@example.nl")
    make.user(email="piet@example.nl")
    login(client, "jan@example.nl")
    limit = app.config["EMAIL_CHANGE_MAX_PER_HOUR"]
    request_change(client, "piet@example.nl")  # a refused try counts too
    for n in range(limit - 1):
        assert request_change(client, f"jan{n}@new.example").status_code == 302
    refused = request_change(client, "jan.laatste@new.example")
    assert refused.status_code == 429
    assert "U heeft te veel links aangevraagd." in text_of(refused)
    assert len(mailbox.deliver(app)) == limit - 1


def test_a_new_request_voids_the_earlier_link(app, client, session, make, mailbox):
    user = make.user(email="jan@example.nl")
    login(client, "jan@example.nl")
    request_change(client, "eerste@example.nl")
    request_change(client, "tweede@example.nl")
    first, second = mailbox.deliver(app)
    assert post_form(client, mail_link(first), {}).status_code == 400
    session.refresh(user)
    assert user.email == "jan@example.nl"
    assert post_form(client, mail_link(second), {}).status_code == 302
    session.refresh(user)
    assert user.email == "tweede@example.nl"


def test_expired_link_is_refused(app, client, session, make, mailbox):
    user = make.user(email="jan@example.nl")
    login(client, "jan@example.nl")
    request_change(client, "jan.nieuw@example.nl")
    [mail] = mailbox.deliver(app)
    token = session.exec(select(OneTimeToken)).one()
    assert token.expires_at - token.created_at == timedelta(hours=24)
    token.expires_at = utcnow() - timedelta(seconds=1)
    session.commit()
    for response in (client.get(mail_link(mail)), post_form(client, mail_link(mail), {})):
        assert response.status_code == 400
        assert "Deze link is verlopen." in text_of(response)
    session.refresh(user)
    assert user.email == "jan@example.nl"
    assert mailbox.deliver(app) == []


def test_unknown_link_is_refused(client, make):
    make.user(email="jan@example.nl")
    login(client, "jan@example.nl")
    response = client.get("/mijn-gegevens/e-mailadres/verzonnen-token")
    assert response.status_code == 400
    assert "Deze link is ongeldig." in text_of(response)


def test_another_user_cannot_use_the_link(app, client, session, make, mailbox):
    jan = make.user(email="jan@example.nl")
    piet = make.user(email="piet@example.nl")
    login(client, "jan@example.nl")
    request_change(client, "jan.nieuw@example.nl")
    [mail] = mailbox.deliver(app)
    link = mail_link(mail)
    post_form(client, "/uitloggen", {})

    other = app.test_client()
    login(other, "piet@example.nl")
    assert other.get(link).status_code == 404
    assert post_form(other, link, {}).status_code == 404
    session.expire_all()
    assert session.get(User, piet.id).email == "piet@example.nl"
    assert session.get(User, jan.id).email == "jan@example.nl"
    assert mailbox.deliver(app) == []
    # The link stays good for the one it was meant for.
    login(client, "jan@example.nl")
    assert post_form(client, link, {}).status_code == 302
    session.expire_all()
    assert session.get(User, jan.id).email == "jan.nieuw@example.nl"
    assert session.get(User, piet.id).email == "piet@example.nl"


def test_the_link_asks_to_log_in_first(app, client, session, make, mailbox):
    make.user(email="jan@example.nl")
    login(client, "jan@example.nl")
    request_change(client, "jan.nieuw@example.nl")
    [mail] = mailbox.deliver(app)
    link = mail_link(mail)
    post_form(client, "/uitloggen", {})
    response = client.get(link)
    assert response.status_code == 302 and response.location.startswith("/inloggen?next=")
    assert post_form(client, "/inloggen", {"email": "jan@example.nl", "password": PASSWORD,
                                           "next": link}).location == link
    assert "Bevestig uw nieuwe e-mailadres" in text_of(client.get(link))


def test_an_address_taken_before_the_link_is_opened_is_refused(app, client, session, make,
                                                               mailbox):
    user = make.user(email="jan@example.nl")
    login(client, "jan@example.nl")
    request_change(client, "jan.nieuw@example.nl")
    [mail] = mailbox.deliver(app)
    make.user(email="jan.nieuw@example.nl")  # the firm made an account with it meanwhile
    response = post_form(client, mail_link(mail), {})
    assert response.status_code == 409
    assert "Dit e-mailadres kan niet worden gebruikt." in text_of(response)
    session.refresh(user)
    assert user.email == "jan@example.nl"
    assert mailbox.deliver(app) == []


def test_changing_the_address_voids_links_sent_to_the_old_one(app, client, session, make,
                                                              mailbox):
    user = make.user(email="jan@example.nl")
    raw = make.invite(user)  # any open link mailed to the old address
    login(client, "jan@example.nl")
    request_change(client, "jan.nieuw@example.nl")
    mails = mailbox.deliver(app)
    post_form(client, mail_link(mails[-1]), {})
    assert "Deze link is al gebruikt" in text_of(client.get(f"/welkom/{raw}"))


# ---- Inlogactiviteit: recent logins and open sessions

FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
SAFARI = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
          "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1")


def browser_client(app, agent, ip):
    client = app.test_client()
    client.environ_base.update(HTTP_USER_AGENT=agent, REMOTE_ADDR=ip)
    return client


def test_recent_logins_and_open_sessions(app, session, make):
    make.user(email="jan@example.nl")
    phone = browser_client(app, SAFARI, "192.0.2.7")
    laptop = browser_client(app, FIREFOX, "198.51.100.20")
    login(phone, "jan@example.nl")
    login(laptop, "jan@example.nl")
    assert "2 open sessies, deze meegeteld." in text_of(laptop.get("/mijn-gegevens"))

    page = laptop.get("/mijn-gegevens/inlogactiviteit")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    sessions = table_text(html, "open-sessions")
    assert "Firefox op Windows (deze browser)" in sessions and "198.51.100.20" in sessions
    assert "Safari op iOS" in sessions and "192.0.2.7" in sessions
    logins = table_text(html, "recent-logins")
    assert logins.index("Firefox op Windows") < logins.index("Safari op iOS")  # newest first
    assert "198.51.100.20" in logins and "192.0.2.7" in logins

    # Log out everywhere else: the phone's session ends at once, the laptop stays in.
    response = post_form(laptop, "/mijn-gegevens/inlogactiviteit/elders-uitloggen", {})
    assert response.status_code == 302
    assert "U bent overal anders uitgelogd." in text_of(laptop.get(response.location))
    assert phone.get("/").status_code == 302
    assert laptop.get("/").status_code == 200
    html = laptop.get("/mijn-gegevens/inlogactiviteit").get_data(as_text=True)
    assert "Safari" not in table_text(html, "open-sessions")
    assert "Safari op iOS" in table_text(html, "recent-logins")  # history stays
    assert session.exec(select(AuditEvent).where(
        AuditEvent.action == "account.other_sessions_ended")).one()


def test_ending_other_sessions_needs_the_csrf_token(app, session, make):
    make.user(email="jan@example.nl")
    phone, laptop = app.test_client(), app.test_client()
    login(phone, "jan@example.nl")
    login(laptop, "jan@example.nl")
    laptop.post("/mijn-gegevens/inlogactiviteit/elders-uitloggen", data={})
    assert phone.get("/").status_code == 200
    assert len(session.exec(select(LoginSession)).all()) == 2


def test_logins_only_show_your_own(app, session, make):
    make.user(email="jan@example.nl")
    make.user(email="piet@example.nl")
    piet = browser_client(app, SAFARI, "203.0.113.9")
    login(piet, "piet@example.nl")
    jan = browser_client(app, FIREFOX, "198.51.100.20")
    login(jan, "jan@example.nl")
    page = text_of(jan.get("/mijn-gegevens/inlogactiviteit"))
    assert "203.0.113.9" not in page and "Safari" not in page
    post_form(jan, "/mijn-gegevens/inlogactiviteit/elders-uitloggen", {})
    assert piet.get("/").status_code == 200  # only your own other sessions end


def test_login_activity_in_english(app, make):
    make.user(email="sophie@example.nl", language="en")
    client = browser_client(app, FIREFOX, "198.51.100.20")
    login(client, "sophie@example.nl")
    page = text_of(client.get("/mijn-gegevens/inlogactiviteit"))
    assert "Login activity" in page and "Recent logins" in page
    assert "Firefox on Windows (this browser)" in page
    assert "Log out everywhere else" in page


@pytest.mark.parametrize("agent, name", [
    (FIREFOX, "Firefox on Windows"),
    (SAFARI, "Safari on iOS"),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0", "Edge on macOS"),
    ("Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/126.0.0.0 Mobile Safari/537.36", "Chrome on Android"),
    ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "HeadlessChrome/126.0.0.0 Safari/537.36", "Chrome on Linux"),
    ("curl/8.5.0", "Unknown browser"),
    (None, "Unknown browser"),
])
def test_browser_names(app, agent, name):
    from app.account.profile import browser_name
    with app.test_request_context(headers={"Accept-Language": "en"}):
        with force_locale("en"):
            assert browser_name(agent) == name


def table_text(html, element_id):
    """The text of the table with this id."""
    start = html.index(f'id="{element_id}"')
    return text_of(html[start:html.index("</table>", start)])
