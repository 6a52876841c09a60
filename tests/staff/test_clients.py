"""Staff side: the firm's clients. Creating them sends mail 1, a duplicate or invalid form
keeps what was typed, search, the client page, resending the invitation, deactivating (which
ends open sessions at once) and reactivating; and who may do what."""
import re

import pytest
from helpers import HTMX, PASSWORD, events, find, links_in, login, post_form, text_of
from sqlmodel import select

from app.models import (
    TOKEN_INVITE,
    Company,
    LoginSession,
    OneTimeToken,
    OutgoingMail,
    User,
)
from app.security import sha256

# ---- creating clients

def test_creating_a_person_client_sends_mail_1(app, client, session, staff, as_staff, mailbox):
    """The new client is stored with a normalised phone number and gets mail 1 in their
    language, through the real SMTP server; everything is audited."""
    as_staff(staff.lawyer)
    response = post_form(client, "/kantoor/clienten/nieuw", {
        "name": "Sophie Smit", "email": " Sophie@Example.com ", "language": "en",
        "phone": "06 12345678"})
    assert response.status_code == 302
    user = find(session, User, User.email == "sophie@example.com")
    assert response.headers["Location"] == f"/kantoor/clienten/{user.id}"
    assert (user.kind, user.name, user.language, user.phone, user.company_id) == (
        "client", "Sophie Smit", "en", "+31612345678", None)
    assert user.password_hash is None

    [mail] = mailbox.deliver(app)
    assert mail["To"] == "sophie@example.com"
    assert mail["Subject"] == "Your account for our client portal"
    [link] = [url for url in links_in(mail) if "/welkom/" in url]
    token = link.rsplit("/", 1)[1]
    assert session.exec(select(OneTimeToken).where(
        OneTimeToken.token_hash == sha256(token))).one().user_id == user.id

    page = client.get(response.headers["Location"])
    assert "Sophie Smit is toegevoegd. Er is een uitnodiging verstuurd naar " \
           "sophie@example.com." in text_of(page)
    assert "+31 6 12345678" in text_of(page)
    [created] = [e for e in events(session, "user.created") if e.target_id == user.id]
    [invited] = events(session, "invitation.sent")
    assert created.actor_id == invited.actor_id == staff.lawyer.id
    assert created.target_id == invited.target_id == user.id


def test_creating_a_company_client(app, client, session, staff, as_staff, mailbox):
    """A company client: the company and its main account, and mail 1 to that account."""
    as_staff(staff.secretary)
    response = post_form(client, "/kantoor/clienten/nieuw-bedrijf", {
        "company_name": "Bakkerij De Wit B.V.", "name": "Anna de Wit",
        "email": "anna@dewit.nl", "language": "nl", "phone": ""})
    assert response.status_code == 302
    user = find(session, User, User.email == "anna@dewit.nl")
    company = session.get(Company, user.company_id)
    assert company.name == "Bakkerij De Wit B.V."
    assert user.is_company_main and user.phone is None
    [mail] = mailbox.deliver(app)
    assert (mail["To"], mail["Subject"]) == ("anna@dewit.nl",
                                             "Uw account voor ons klantenportaal")
    [event] = events(session, "company.created")
    assert (event.actor_id, event.target_id) == (staff.secretary.id, company.id)

    page = text_of(client.get(f"/kantoor/clienten/{user.id}"))
    assert "Accounts van Bakkerij De Wit B.V." in page
    assert "hoofdaccount" in page


@pytest.mark.parametrize("url", ["/kantoor/clienten/nieuw", "/kantoor/clienten/nieuw-bedrijf"])
def test_a_duplicate_email_keeps_what_was_typed(app, client, session, staff, as_staff, make,
                                                 mailbox, url):
    """An address in use (in any case): a clear message, the form as typed, nothing stored."""
    make.user(email="bestaand@example.nl")
    as_staff(staff.lawyer)
    response = post_form(client, url, {
        "company_name": "Nieuw B.V.", "name": "Piet Nieuw", "email": "Bestaand@Example.nl",
        "language": "en", "phone": "020 1234567"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Er is al een account met dit e-mailadres." in html
    assert 'value="Piet Nieuw"' in html and 'value="Bestaand@Example.nl"' in html
    assert 'value="020 1234567"' in html
    assert re.search(r'value="en"[^>]*checked|checked[^>]*value="en"', html)
    session.expire_all()
    assert session.exec(select(Company)).all() == []
    assert len(session.exec(select(User).where(User.kind == "client")).all()) == 1
    assert session.exec(select(OutgoingMail)).all() == []


@pytest.mark.parametrize("url, data, message", [
    ("/kantoor/clienten/nieuw", {"name": "", "email": "a@b.nl"}, "Vul een naam in."),
    ("/kantoor/clienten/nieuw", {"name": "Jan", "email": "geen-adres"},
     "Vul een geldig e-mailadres in, zoals naam@voorbeeld.nl."),
    ("/kantoor/clienten/nieuw", {"name": "Jan", "email": "a@b.nl", "phone": "12"},
     "Vul een geldig telefoonnummer in, zoals 020 1234567 of 06 12345678."),
    ("/kantoor/clienten/nieuw-bedrijf", {"name": "Jan", "email": "a@b.nl"},
     "Vul de naam van het bedrijf in."),
])
def test_bad_input_keeps_what_was_typed(client, session, staff, as_staff, url, data, message):
    """Each problem is named in Dutch, the typed values stay, nothing is stored or mailed."""
    as_staff(staff.lawyer)
    response = post_form(client, url, {"language": "nl", **data})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html
    for value in data.values():
        if value:
            assert f'value="{value}"' in html
    session.expire_all()
    assert session.exec(select(User).where(User.kind == "client")).all() == []
    assert session.exec(select(OutgoingMail)).all() == []


# ---- search and the client page

@pytest.fixture
def app_config(app_config):
    app_config["PAGE_SIZE"] = 2
    return app_config


def test_search_on_name_email_and_company(client, make, staff, as_staff):
    """Search matches name, e-mail address and company name; staff accounts never show."""
    dewit = make.company("Bakkerij De Wit B.V.")
    make.user(email="anna@dewit.nl", name="Anna", company=dewit, company_main=True)
    make.user(email="jan@example.nl", name="Jan Jansen")
    make.user(email="kees@voorbeeld.nl", name="Kees Koster")
    as_staff(staff.lawyer)

    def names(q):
        html = client.get("/kantoor/clienten", query_string={"q": q}).get_data(as_text=True)
        return re.findall(r'href="/kantoor/clienten/\d+">([^<]+)</a>', html)

    assert names("wit") == ["Anna"]
    assert names("voorbeeld") == ["Kees Koster"]
    assert names("JANSEN") == ["Jan Jansen"]
    assert names("mr.") == []  # the staff are not clients
    assert names("%") == []  # a wildcard is a plain character
    # Two per page here: three clients make two pages.
    assert names("") == ["Anna", "Jan Jansen"]
    page2 = client.get("/kantoor/clienten?page=2").get_data(as_text=True)
    assert "Kees Koster" in page2 and "Pagina 2 van 2" in page2


def test_client_search_fragment_and_full_page(client, make, staff, as_staff):
    """htmx gets only the results; a direct load the whole page; caches keep them apart."""
    make.user(email="jan@example.nl", name="Jan Jansen")
    as_staff(staff.lawyer)
    fragment = client.get("/kantoor/clienten?q=jan", headers=HTMX)
    page = client.get("/kantoor/clienten?q=jan")
    for response in (fragment, page):
        assert response.status_code == 200
        assert "HX-Request" in response.headers["Vary"]
        assert "Jan Jansen" in response.get_data(as_text=True)
    assert fragment.get_data(as_text=True).lstrip().startswith('<div id="client-results"')
    assert "<html" not in fragment.get_data(as_text=True)
    assert "<html" in page.get_data(as_text=True)


def test_client_page_shows_only_dossiers_the_staff_member_may_see(client, make, staff,
                                                                   as_staff):
    """The page lists the client's dossiers within the staff member's own rules, and the
    invitation status."""
    company = make.company("Bakker B.V.")
    person = make.user(email="piet@bakker.nl", name="Piet", company=company, password=None)
    make.invite(person)
    make.dossier(companies=[company], lawyer=staff.lawyer, number="2026-OWN")
    make.dossier(clients=[person], lawyer=staff.other_lawyer, number="2026-OTHER")
    as_staff(staff.lawyer)
    page = text_of(client.get(f"/kantoor/clienten/{person.id}"))
    assert "2026-OWN" in page and "2026-OTHER" not in page
    assert "link geldig tot" in page
    assert "Wachtwoord ingesteld Nog niet" in page
    assert "Laatst ingelogd Nooit" in page
    assert "Account deactiveren" in page  # shares a dossier with this lawyer


def test_the_list_shows_only_name_and_email(client, make, staff, as_staff):
    """Every staff member finds every client by name or e-mail (to link them, and to avoid
    a duplicate), but sees only those two; the page is linked only when they may open it."""
    company = make.company("Bakkerij De Wit B.V.")
    anna = make.user(email="anna@dewit.nl", name="Anna de Wit", company=company,
                     company_main=True)
    anna.phone = "+31612345678"
    piet = make.user(email="piet@example.nl", name="Piet Bakker")
    nieuw = make.user(email="nieuw@example.nl", name="Nieuwe Klant")
    make.dossier(companies=[company], lawyer=staff.other_lawyer)
    make.dossier(clients=[piet], lawyer=staff.lawyer)
    as_staff(staff.lawyer)
    # Two per page in this module: both pages together.
    html = "".join(client.get(f"/kantoor/clienten?page={n}").get_data(as_text=True)
                   for n in (1, 2))
    assert re.findall(r"<th[^>]*>([^<]+)</th>", html) == ["Naam", "E-mailadres"] * 2
    assert "Anna de Wit" in html and "anna@dewit.nl" in html
    for hidden in ("Bakkerij De Wit", "hoofdaccount", "+31", "Uitgenodigd"):
        assert hidden not in html, hidden
    linked = re.findall(r'href="/kantoor/clienten/(\d+)">([^<]+)</a>', html)
    assert sorted(linked) == sorted([(str(piet.id), "Piet Bakker"),
                                     (str(nieuw.id), "Nieuwe Klant")])
    assert "Een naam zonder link hoort bij een cliënt van dossiers die u niet behandelt" \
        in text_of(client.get("/kantoor/clienten"))
    # Found by name, not by the company it works for (that would tell where she works).
    assert "Anna de Wit" in client.get("/kantoor/clienten?q=anna").get_data(as_text=True)
    assert "Anna de Wit" not in client.get("/kantoor/clienten?q=bakkerij").get_data(
        as_text=True)


@pytest.mark.parametrize("who, allowed", [("admin", True), ("lawyer", True),
                                          ("secretary", True), ("other_lawyer", False),
                                          ("idle_secretary", False)])
def test_who_may_open_the_page_and_resend(app, client, session, make, staff, as_staff,
                                          mailbox, who, allowed):
    """The client's page and resending the invitation: an admin, or staff who see one of the
    client's dossiers (here directly); anyone else a 404 and no mail."""
    person = make.user(email="klant@example.nl", name="Klaas Klant", password=None)
    person.phone = "+31612345678"
    make.dossier(clients=[person], lawyer=staff.lawyer)
    as_staff(getattr(staff, who))
    page = client.get(f"/kantoor/clienten/{person.id}")
    assert page.status_code == (200 if allowed else 404)
    assert ("+31 6 12345678" in text_of(page)) is allowed
    response = post_form(client, f"/kantoor/clienten/{person.id}/uitnodiging", {})
    assert response.status_code == (302 if allowed else 404)
    assert len(mailbox.deliver(app)) == (1 if allowed else 0)
    assert len(events(session, "invitation.sent")) == (1 if allowed else 0)


def test_a_client_in_no_dossier_yet_is_open_to_every_staff_member(client, session, staff,
                                                                 as_staff):
    """Whoever creates a client can go on (its page, a dossier for it), even without a
    dossier of their own; once the client is in someone else's dossier, that ends."""
    as_staff(staff.idle_secretary)
    response = post_form(client, "/kantoor/clienten/nieuw", {
        "name": "Sophie Smit", "email": "sophie@example.com", "language": "nl", "phone": ""})
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    assert page.status_code == 200 and "Nieuw dossier voor Sophie Smit" in text_of(page)
    sophie = find(session, User, User.email == "sophie@example.com")
    assert client.get(f"/kantoor/dossiers/nieuw?client={sophie.id}").status_code == 200

    from app.models import Dossier, DossierClient
    dossier = Dossier(number="2026-0777", description="Zaak", status_code="in_progress",
                      lawyer_id=staff.other_lawyer.id)
    session.add(dossier)
    session.flush()
    session.add(DossierClient(dossier_id=dossier.id, user_id=sophie.id))
    session.commit()
    assert client.get(f"/kantoor/clienten/{sophie.id}").status_code == 404
    assert client.get(f"/kantoor/dossiers/nieuw?client={sophie.id}").status_code == 404


def test_company_accounts_and_the_new_dossier_button(client, make, staff, as_staff):
    """On an account's page, only the company's accounts the viewer may open are linked;
    "new dossier" is for the company when the viewer may manage it, else for the account."""
    company = make.company("Bakker B.V.")
    main = make.user(email="main@bakker.nl", name="Hoofd Bakker", company=company,
                     company_main=True)
    extra = make.user(email="extra@bakker.nl", name="Extra Bakker", company=company)
    make.dossier(clients=[main], lawyer=staff.lawyer)
    make.dossier(clients=[extra], lawyer=staff.other_lawyer)
    as_staff(staff.lawyer)
    html = client.get(f"/kantoor/clienten/{main.id}").get_data(as_text=True)
    assert "Extra Bakker" in html and f'href="/kantoor/clienten/{extra.id}"' not in html
    assert client.get(f"/kantoor/clienten/{extra.id}").status_code == 404
    # The lawyer sees a dossier of one of the company's accounts: the company may be used.
    assert f'href="/kantoor/dossiers/nieuw?company={company.id}"' in html
    assert client.get(f"/kantoor/dossiers/nieuw?company={company.id}").status_code == 200


def test_a_staff_account_is_not_a_client(client, staff, as_staff):
    as_staff(staff.admin)
    assert client.get(f"/kantoor/clienten/{staff.lawyer.id}").status_code == 404
    assert client.get("/kantoor/clienten/999999").status_code == 404


# ---- invitation, deactivation, reactivation

def test_resend_invitation_voids_the_old_link(app, client, session, make, staff, as_staff,
                                              mailbox):
    """A new mail 1; the link of the earlier one no longer works."""
    person = make.user(email="nieuw@example.nl", password=None)
    old = make.invite(person)
    mailbox.deliver(app)
    as_staff(staff.other_lawyer)  # in no dossier yet: any staff member may resend
    response = post_form(client, f"/kantoor/clienten/{person.id}/uitnodiging", {})
    assert response.status_code == 302
    [mail] = mailbox.deliver(app)
    assert mail["To"] == "nieuw@example.nl"
    assert client.get(f"/welkom/{old}").status_code == 400
    [link] = [url for url in links_in(mail) if "/welkom/" in url]
    assert client.get(link.replace("http://portal.test", "")).status_code == 200
    assert [e.actor_id for e in events(session, "invitation.sent")][-1] == \
        staff.other_lawyer.id


def test_deactivate_ends_an_open_session_at_once(app, client, session, make, staff, as_staff):
    """The client's browser is logged out on its next request and cannot log in again;
    reactivating sends mail 1 again and brings back neither the password nor old links."""
    person = make.user(email="klant@example.nl")
    make.dossier(clients=[person], lawyer=staff.lawyer)
    token = make.invite(person)
    browser = app.test_client()
    login(browser, "klant@example.nl")
    assert browser.get("/").status_code == 200

    as_staff(staff.secretary)  # works for the lawyer of the client's dossier
    response = post_form(client, f"/kantoor/clienten/{person.id}/deactiveren", {})
    assert response.status_code == 302
    session.expire_all()
    assert session.get(User, person.id).active is False
    assert session.exec(select(LoginSession).where(LoginSession.user_id == person.id)).all() \
        == []
    assert browser.get("/").status_code == 302  # logged out at once
    assert login(browser, "klant@example.nl").status_code == 401
    assert "Dit account is gedeactiveerd" in text_of(client.get(f"/kantoor/clienten/{person.id}"))
    [event] = events(session, "user.deactivated")
    assert (event.actor_id, event.target_id) == (staff.secretary.id, person.id)

    response = post_form(client, f"/kantoor/clienten/{person.id}/activeren", {})
    assert response.status_code == 302
    page = text_of(client.get(response.headers["Location"]))
    assert ("Het account van Klant Test is weer actief. Er is een uitnodiging gestuurd naar "
            "klant@example.nl") in page
    assert "Uitnodiging opnieuw versturen" in page
    session.expire_all()
    assert session.get(User, person.id).active is True
    assert login(browser, "klant@example.nl", PASSWORD).status_code == 401
    assert browser.get(f"/welkom/{token}").status_code == 400  # voided, not restored
    assert len(events(session, "user.reactivated")) == 1


def test_resend_is_refused_for_a_deactivated_account(app, client, session, make, staff,
                                                     as_staff, mailbox):
    person = make.user(email="klant@example.nl")
    person.active = False
    session.commit()
    as_staff(staff.admin)
    response = post_form(client, f"/kantoor/clienten/{person.id}/uitnodiging", {})
    assert response.status_code == 302
    assert mailbox.deliver(app) == []
    assert session.exec(select(OneTimeToken).where(
        OneTimeToken.purpose == TOKEN_INVITE)).all() == []


@pytest.mark.parametrize("who, allowed", [("admin", True), ("lawyer", True),
                                          ("secretary", True), ("other_lawyer", False),
                                          ("idle_secretary", False)])
def test_who_may_deactivate(client, session, make, staff, as_staff, who, allowed):
    """An admin, or staff who see a dossier of the client (here through its company);
    anyone else gets a 404 — on the page too — and the account stays on."""
    company = make.company("Bakker B.V.")
    person = make.user(email="klant@bakker.nl", company=company)
    make.dossier(companies=[company], lawyer=staff.lawyer)
    as_staff(getattr(staff, who))
    page = client.get(f"/kantoor/clienten/{person.id}")
    assert page.status_code == (200 if allowed else 404)
    assert ("Account deactiveren" in page.get_data(as_text=True)) is allowed
    response = post_form(client, f"/kantoor/clienten/{person.id}/deactiveren", {})
    assert response.status_code == (302 if allowed else 404)
    session.expire_all()
    assert session.get(User, person.id).active is not allowed
    if not allowed:
        person.active = False
        session.commit()
        assert post_form(client, f"/kantoor/clienten/{person.id}/activeren",
                         {}).status_code == 404
        session.expire_all()
        assert session.get(User, person.id).active is False


def test_account_buttons_need_the_csrf_token(client, session, make, staff, as_staff):
    person = make.user(email="klant@example.nl")
    as_staff(staff.admin)
    assert client.post(f"/kantoor/clienten/{person.id}/deactiveren").status_code == 400
    session.expire_all()
    assert session.get(User, person.id).active is True


def test_a_client_gets_404_on_every_client_url(client, make, staff):
    """Clients never learn that these URLs exist, and nothing changes."""
    other = make.user(email="ander@example.nl")
    make.user(email="klant@example.nl")
    login(client, "klant@example.nl")
    for url in ("/kantoor/clienten", "/kantoor/clienten/nieuw", "/kantoor/clienten/nieuw-bedrijf",
                f"/kantoor/clienten/{other.id}"):
        assert client.get(url).status_code == 404, url
    for url in ("/kantoor/clienten/nieuw", "/kantoor/clienten/nieuw-bedrijf",
                f"/kantoor/clienten/{other.id}/uitnodiging",
                f"/kantoor/clienten/{other.id}/deactiveren",
                f"/kantoor/clienten/{other.id}/activeren"):
        response = post_form(client, url, {"name": "X", "email": "x@example.nl",
                                           "language": "nl"})
        assert response.status_code == 404, url
