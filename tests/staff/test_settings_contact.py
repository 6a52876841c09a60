"""Instellingen: how clients reach the firm (phone, e-mail, website, postal address) and the
login page's welcome text; admin only, validated, stored in one form, audited."""
import pytest
from helpers import html_of, post_form
from sqlmodel import select

from app import firm
from app.models import AuditEvent, FirmSettings

SETTINGS = {"name": "Advocaten De Vries", "colour": "#7a1f2b",
            "mail_sender": "portaal@devries.example", "max_file_mb": "20",
            "max_message_mb": "60"}
CONTACT = {"contact_phone": "020 123 4567", "contact_email": "Info@DeVries.example",
           "contact_website": "www.devries.example",
           "contact_address": "  Herengracht 1 \r\n\r\n1015 BA  Amsterdam\r\n",
           "welcome_text": "Welkom bij ons portaal.\r\n\r\nVragen? Bel ons gerust."}


def saved(session):
    session.expire_all()
    return session.get(FirmSettings, firm.SETTINGS_ID)


def changes(session):
    return [event.detail["changes"] for event in session.exec(
        select(AuditEvent).where(AuditEvent.action == "settings.changed"))]


def test_admin_saves_how_clients_reach_the_firm(app, client, session, staff, as_staff):
    """Stored in one form: the number in E.164, the address normalised, the website with
    its scheme, the postal address without blank lines; audited; shown again as typed."""
    as_staff(staff.admin)
    response = post_form(client, "/kantoor/instellingen", {**SETTINGS, **CONTACT})
    assert response.status_code == 302
    row = saved(session)
    assert (row.contact_phone, row.contact_email, row.contact_website) == (
        "+31201234567", "info@devries.example", "https://www.devries.example")
    assert row.contact_address == "Herengracht 1\n1015 BA  Amsterdam"
    assert row.welcome_text == "Welkom bij ons portaal.\n\nVragen? Bel ons gerust."
    [changed] = changes(session)
    assert changed["contact_phone"] == [None, "+31201234567"]
    assert changed["welcome_text"][1].startswith("Welkom")

    page = html_of(client.get("/kantoor/instellingen"))
    assert 'value="+31 20 123 4567"' in page
    assert 'value="https://www.devries.example"' in page
    assert "Herengracht 1\n1015 BA  Amsterdam</textarea>" in page

    # Emptied again: nothing is shown any more.
    empty = dict.fromkeys(CONTACT, "")
    assert post_form(client, "/kantoor/instellingen", {**SETTINGS, **empty}).status_code == 302
    row = saved(session)
    assert (row.contact_phone, row.contact_email, row.contact_website, row.contact_address,
            row.welcome_text) == (None, None, None, None, None)
    with app.test_request_context():
        assert not firm.current().has_contact


@pytest.mark.parametrize("field, value, message", [
    ("contact_phone", "12345", "Enter a valid phone number, like 020 1234567 or 06 12345678."),
    ("contact_phone", "020 123 4567 ext 12", "without an extension"),
    ("contact_phone", "0" * 41, "Enter a valid phone number"),
    ("contact_email", "geen adres", "Enter a valid e-mail address"),
    ("contact_website", "javascript:alert(1)", "Enter the address of a website, like "
                                              "www.kantoor.nl."),
    ("contact_website", "data:text/html,hoi", "Enter the address of a website"),
    ("contact_website", "https://portaal@evil.example", "Enter the address of a website"),
    ("contact_website", "ftp://devries.example", "Enter the address of a website"),
    ("contact_website", "devries", "Enter the address of a website"),
    ("contact_website", "www.dev ries.nl", "Enter the address of a website"),
    ("contact_website", "www." + "a" * 200 + ".nl", "at most 200 characters"),
    ("contact_address", "Herengracht 1\n" + "x" * 300, "The postal address may be at most 300 "
                                                       "characters long."),
    ("welcome_text", "w" * 1001, "The welcome text may be at most 1000 characters long."),
])
def test_bad_contact_details_are_refused_and_kept(client, session, staff, as_staff, field,
                                                  value, message):
    """A clear message, everything typed stays in the form, nothing is stored."""
    staff.admin.language = "en"
    session.commit()
    as_staff(staff.admin)
    response = post_form(client, "/kantoor/instellingen", {**SETTINGS, **CONTACT,
                                                           field: value})
    assert response.status_code == 400
    page = html_of(response).replace("&#39;", "'")
    assert message in page
    assert f'href="#{field}"' in page  # the error summary leads to the field
    assert 'value="Advocaten De Vries"' in page
    shown = value if field in ("contact_address", "welcome_text") else value.strip()
    assert shown.replace("&", "&amp;") in page
    assert "Welkom bij ons portaal." in page or field == "welcome_text"
    assert saved(session) is None
    assert changes(session) == []


def test_the_contact_details_are_the_admins_alone(client, session, staff, as_staff):
    """A lawyer or a secretary gets 404 and nothing is stored; without login, the login page."""
    for who in (staff.lawyer, staff.secretary):
        as_staff(who)
        assert client.get("/kantoor/instellingen").status_code == 404
        response = post_form(client, "/kantoor/instellingen", {**SETTINGS, **CONTACT})
        assert response.status_code == 404
        post_form(client, "/uitloggen", {})
    response = client.get("/kantoor/instellingen")
    assert response.status_code == 302 and "/inloggen" in response.location
    assert saved(session) is None


def test_the_configuration_fills_in_what_was_never_saved(app, session):
    """FIRM_PHONE and the others apply until an admin saves contact details."""
    app.config.update(FIRM_PHONE="010 123 4567", FIRM_EMAIL="balie@kantoor.example",
                      FIRM_WEBSITE="kantoor.example",
                      FIRM_ADDRESS="Coolsingel 1\n3011 AD Rotterdam",
                      FIRM_WELCOME_TEXT="Goedendag.")
    with app.test_request_context():
        current = firm.current()
        assert (current.phone_text, current.phone_uri) == ("+31 10 123 4567", "tel:+31101234567")
        assert (current.website_url, current.website_text) == ("https://kantoor.example",
                                                               "kantoor.example")
        assert current.address_lines == ["Coolsingel 1", "3011 AD Rotterdam"]
        assert current.welcome_paragraphs == ["Goedendag."]
    session.add(FirmSettings(id=firm.SETTINGS_ID, contact_phone="+31201234567"))
    session.commit()
    with app.test_request_context():
        assert firm.current().phone_text == "+31 20 123 4567"
        assert firm.current().email == "balie@kantoor.example"


@pytest.mark.parametrize("text, url", [
    ("www.kantoor.nl", "https://www.kantoor.nl"),
    ("https://www.kantoor.nl/contact?taal=nl", "https://www.kantoor.nl/contact?taal=nl"),
    ("http://intranet.kantoor.local", "http://intranet.kantoor.local"),
    ("HTTPS://Kantoor.NL", "HTTPS://Kantoor.NL"),
    ("javascript:alert(1)//x.nl", None),
    ("JaVaScRiPt://x.nl%0aalert(1)", None),
    ("vbscript:x.nl", None),
    ("https://", None),
    ("https://.nl", None),
    ("kantoor", None),
    ('www.kantoor.nl/"onmouseover="x', None),
    ("https://[::1", None),
    ("", None),
])
def test_only_web_addresses_become_links(text, url):
    """What a rendered link may point at: http(s) to a host name, nothing else."""
    assert firm.website_url(text) == url


def test_a_row_from_elsewhere_shows_what_it_can(app, session):
    """A number that is no number is shown without a tel: link, a website that is no web
    address not at all (a restored or hand-edited database)."""
    session.add(FirmSettings(id=firm.SETTINGS_ID, contact_phone="bel de receptie",
                             contact_website="javascript:alert(1)"))
    session.commit()
    with app.test_request_context():
        current = firm.current()
        assert (current.phone_text, current.phone_uri) == ("bel de receptie", None)
        assert current.website_url is None and current.website_text is None
        assert current.has_contact
