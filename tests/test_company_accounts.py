"""Accounts | Extra accounts: the main account of a company client adds, views and deletes
extra accounts; they see the company's dossiers, and nobody else's accounts are reachable."""
import re

import pytest
from helpers import PASSWORD, links_in, login, post_form, text_of
from sqlmodel import select

from app.models import LoginSession, User

ACCOUNTS = "/mijn-gegevens/accounts"


def path_of(link):
    return link.replace("http://portal.test", "")


def extra_account(make, company, email="piet@dewit.nl", name="Piet de Wit"):
    return make.user(email=email, name=name, company=company)


def accept_invitation(app, client, mailbox, email, password="Welkom2026"):
    """Follow mail 1 and mail 2 as the invited person does; ends logged in."""
    [mail1] = [m for m in mailbox.deliver(app) if m["To"] == email]
    [link1] = links_in(mail1)
    post_form(client, path_of(link1), {"email": email})
    [mail2] = mailbox.deliver(app)
    [link2] = links_in(mail2)
    response = post_form(client, path_of(link2), {"password": password, "confirm": password})
    assert response.status_code == 302
    mailbox.deliver(app)  # mail 3
    return mail1


def test_main_account_has_the_accounts_section(client, make, anna, company):
    extra_account(make, company)
    login(client, "anna@dewit.nl")
    page = client.get("/mijn-gegevens")
    assert 'id="accounts"' in page.get_data(as_text=True)
    assert "1 extra account" in text_of(page)
    listing = client.get(ACCOUNTS)
    assert listing.status_code == 200
    assert "Accounts | Extra accounts" in text_of(listing)
    assert "Piet de Wit" in text_of(listing) and "piet@dewit.nl" in text_of(listing)
    assert "anna@dewit.nl" not in text_of(listing)  # the main account is not an extra one


def test_add_an_extra_account_that_then_sees_the_company_dossiers(app, client, session, make,
                                                                   anna, company, mailbox):
    dossier = make.dossier(companies=[company], number="2026-0042",
                           description="Huurgeschil winkelpand")
    make.dossier(number="2026-0099", description="Iets van een ander")
    login(client, "anna@dewit.nl")
    response = post_form(client, ACCOUNTS, {"name": " Piet de Wit ", "email": "Piet@DeWit.nl",
                                            "language": "nl"})
    assert response.status_code == 302 and response.location == ACCOUNTS
    page = text_of(client.get(ACCOUNTS))
    assert "Piet de Wit is aan de lijst toegevoegd." in page
    assert "Uitgenodigd" in page
    piet = session.exec(select(User).where(User.email == "piet@dewit.nl")).one()
    assert piet.company_id == company.id and not piet.is_company_main
    assert piet.password_hash is None

    extra = app.test_client()
    mail1 = accept_invitation(app, extra, mailbox, "piet@dewit.nl")
    assert mail1["Subject"] == "Uw account voor ons klantenportaal"
    dossiers = text_of(extra.get("/dossiers", follow_redirects=True))
    assert "2026-0042" in dossiers and "Huurgeschil winkelpand" in dossiers
    assert "2026-0099" not in dossiers
    assert extra.get(f"/dossiers/{dossier.id}").status_code == 200
    # The extra account does not get this screen.
    assert extra.get(ACCOUNTS).status_code == 404
    assert 'id="accounts"' not in extra.get("/mijn-gegevens").get_data(as_text=True)
    assert "Actief" in text_of(client.get(ACCOUNTS))


def test_the_extra_account_is_invited_in_its_own_language(app, client, anna, mailbox):
    login(client, "anna@dewit.nl")
    post_form(client, ACCOUNTS, {"name": "John Baker", "email": "john@dewit.nl",
                                 "language": "en"})
    [mail1] = mailbox.deliver(app)
    assert mail1["To"] == "john@dewit.nl"
    assert mail1["Subject"] == "Your account for our client portal"


def test_view_the_details_of_an_extra_account(client, make, anna, company):
    piet = extra_account(make, company)
    login(client, "anna@dewit.nl")
    page = client.get(f"{ACCOUNTS}/{piet.id}")
    assert page.status_code == 200
    for shown in ("Piet de Wit", "piet@dewit.nl", "Nederlands", "Toegevoegd op",
                  "Uitgenodigd, nog niet ingelogd", "Laatst ingelogd", "Nooit",
                  "2-staps verificatie", "Account verwijderen"):
        assert shown in text_of(page), shown


def test_delete_asks_to_confirm_and_ends_the_open_session_at_once(app, client, session, make,
                                                                  anna, company):
    piet = extra_account(make, company)
    make.dossier(companies=[company])
    piets_browser = app.test_client()
    login(piets_browser, "piet@dewit.nl")
    assert piets_browser.get("/").status_code == 200

    login(client, "anna@dewit.nl")
    confirm = client.get(f"{ACCOUNTS}/{piet.id}/verwijderen")
    assert confirm.status_code == 200
    assert "Het account van Piet de Wit verwijderen?" in text_of(confirm)
    assert session.get(User, piet.id).active  # asking is not deleting

    response = post_form(client, f"{ACCOUNTS}/{piet.id}/verwijderen", {})
    assert response.status_code == 302 and response.location == ACCOUNTS
    page = text_of(client.get(ACCOUNTS))
    assert "Het account van Piet de Wit is verwijderd." in page
    assert "piet@dewit.nl" not in page

    # Piet's open session is refused at once, and the password no longer works.
    assert piets_browser.get("/").status_code == 302
    assert session.exec(select(LoginSession).where(LoginSession.user_id == piet.id)).all() == []
    assert login(app.test_client(), "piet@dewit.nl").status_code == 401
    assert client.get(f"{ACCOUNTS}/{piet.id}").status_code == 404


def test_delete_without_csrf_token_deletes_nothing(client, session, make, anna, company):
    piet = extra_account(make, company)
    login(client, "anna@dewit.nl")
    assert client.post(f"{ACCOUNTS}/{piet.id}/verwijderen").status_code == 400
    session.expire_all()
    assert session.get(User, piet.id).active


def test_deleted_account_can_be_added_again(app, client, session, make, anna, company,
                                            mailbox):
    piet = extra_account(make, company)
    login(client, "anna@dewit.nl")
    post_form(client, f"{ACCOUNTS}/{piet.id}/verwijderen", {})
    response = post_form(client, ACCOUNTS, {"name": "Piet de Wit", "email": "piet@dewit.nl",
                                            "language": "nl"})
    assert response.status_code == 302
    session.expire_all()
    again = session.get(User, piet.id)
    assert again.active and again.password_hash is None
    assert login(app.test_client(), "piet@dewit.nl", PASSWORD).status_code == 401
    accept_invitation(app, app.test_client(), mailbox, "piet@dewit.nl")


def test_an_address_in_use_is_not_told_and_gets_no_mail(app, client, session, make, anna,
                                                        mailbox):
    """The answer is that of any address (tests/staff/test_hardening_accounts.py compares
    them); the other client's account is not touched and gets no mail."""
    other = make.user(email="bezet@example.nl")
    login(client, "anna@dewit.nl")
    response = post_form(client, ACCOUNTS, {"name": "Iemand", "email": "bezet@example.nl",
                                            "language": "nl"})
    assert response.status_code == 302
    assert "Iemand is aan de lijst toegevoegd." in text_of(client.get(ACCOUNTS))
    assert mailbox.deliver(app) == []
    session.expire_all()
    assert session.get(User, other.id).company_id is None


@pytest.mark.parametrize("lang, messages", [
    ("nl", ["Vul een naam in.", "Vul het e-mailadres in."]),
    ("en", ["Enter a name.", "Enter the e-mail address."]),
])
def test_errors_in_the_users_language(client, make, company, lang, messages):
    make.user(email="anna@dewit.nl", company=company, company_main=True, language=lang)
    login(client, "anna@dewit.nl")
    response = post_form(client, ACCOUNTS, {"name": "", "email": "", "language": lang})
    assert response.status_code == 400
    for message in messages:
        assert message in text_of(response)


def test_english_screens(client, make, company):
    make.user(email="anna@dewit.nl", company=company, company_main=True, language="en")
    piet = extra_account(make, company)
    login(client, "anna@dewit.nl")
    assert "Accounts | Additional accounts" in text_of(client.get(ACCOUNTS))
    assert "Added on" in text_of(client.get(f"{ACCOUNTS}/{piet.id}"))
    assert "Delete the account of Piet de Wit?" in text_of(
        client.get(f"{ACCOUNTS}/{piet.id}/verwijderen"))


def test_other_companies_accounts_are_not_found(app, client, session, make, anna, company):
    piet = extra_account(make, company)
    other_company = make.company("Ander B.V.")
    make.user(email="baas@ander.nl", company=other_company, company_main=True)
    other = extra_account(make, other_company, email="medewerker@ander.nl")
    login(client, "anna@dewit.nl")
    for account in (other, anna):  # another company's account, and the main account itself
        assert client.get(f"{ACCOUNTS}/{account.id}").status_code == 404
        assert client.get(f"{ACCOUNTS}/{account.id}/verwijderen").status_code == 404
        assert post_form(client, f"{ACCOUNTS}/{account.id}/verwijderen", {}).status_code == 404
    assert client.get(f"{ACCOUNTS}/999999").status_code == 404
    boss = app.test_client()
    login(boss, "baas@ander.nl")
    assert boss.get(f"{ACCOUNTS}/{piet.id}").status_code == 404
    assert post_form(boss, f"{ACCOUNTS}/{piet.id}/verwijderen", {}).status_code == 404
    session.expire_all()
    assert all(session.get(User, u.id).active for u in (piet, other, anna))


@pytest.mark.parametrize("who", ["extra", "person", "staff"])
def test_only_a_main_account_has_the_screen(app, client, make, company, who):
    if who == "extra":
        extra_account(make, company, email="x@example.nl")
    elif who == "person":
        make.user(email="x@example.nl")
    else:
        make.staff(email="x@example.nl")
    login(client, "x@example.nl")
    assert client.get(ACCOUNTS).status_code == 404
    assert post_form(client, ACCOUNTS, {"name": "A", "email": "a@example.nl",
                                        "language": "nl"}).status_code == 404
    assert 'id="accounts"' not in client.get("/mijn-gegevens").get_data(as_text=True)


def test_the_count_on_mijn_gegevens_is_what_the_list_shows(app, client, session, make, anna,
                                                          company):
    extra_account(make, company)
    extra_account(make, company, email="kees@dewit.nl", name="Kees de Wit")
    gone = extra_account(make, company, email="weg@dewit.nl", name="Weg de Wit")
    gone.active = False
    # A second main account and a staff member of the company are not extra accounts.
    make.user(email="bert@dewit.nl", name="Bert de Wit", company=company, company_main=True)
    make.staff(email="mr@dewit.nl", company=company)
    session.commit()
    login(client, "anna@dewit.nl")
    listed = re.findall(r"<tr>\s*<td>([^<]+)</td>", client.get(ACCOUNTS).get_data(as_text=True))
    assert sorted(listed) == ["Kees de Wit", "Piet de Wit"]
    assert "2 extra accounts" in text_of(client.get("/mijn-gegevens"))
