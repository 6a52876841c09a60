"""Issue 14, points 1 and 4: bringing back a deactivated account, and "Accounts | Extra
accounts" as a way to learn who has an account or to send the firm's mail with a text of
one's own. All through HTTP, as the main account of a company (or the firm) would."""
import re

import pytest
from helpers import PASSWORD, links_in, login, post_form, text_of
from sqlmodel import select
from twostep_helpers import login_staff, totp_code, with_app

from app import privacy
from app.models import AccountInvitation, RecoveryCode, User
from app.twostep import KIND_RECOVERY, new_codes

ACCOUNTS = "/mijn-gegevens/accounts"
EVIL_NAME = "Piet - uw account is geblokkeerd, bel 0900-1234 of kijk op https://evil.example"


@pytest.fixture
def piet(make, session, company):
    """An extra account that set a password and the authenticator app, with recovery codes."""
    piet = make.user(email="piet@dewit.nl", name="Piet de Wit", company=company)
    with_app(session, piet)
    new_codes(session, piet, KIND_RECOVERY, 3)
    session.commit()
    return piet


def log_in_with_app(client, user):
    """Password and authenticator code; True when that makes a login."""
    if login(client, user.email).status_code != 302:
        return False
    code = post_form(client, "/inloggen/verificatie/app", {"code": totp_code(user.totp_secret)})
    return code.status_code == 302 and client.get("/").status_code == 200


def add(client, email, name="Piet de Wit"):
    """Add an extra account as the main account does."""
    return post_form(client, ACCOUNTS, {"name": name, "email": email, "language": "nl"})


def mails_to(app, mailbox, email):
    return [m for m in mailbox.deliver(app) if m["To"] == email]


# ---- point 1: reactivation

def test_an_account_the_firm_switched_off_stays_off_when_the_main_account_adds_it(
        app, session, client, make, staff, company, anna, piet, mailbox):
    """The firm deactivates Piet; Anna adds his address again: he cannot log in, with the
    old password nor otherwise, and gets no mail, until the firm switches him on."""
    secret = piet.totp_secret
    make.dossier(companies=[company], lawyer=staff.lawyer)
    firm = app.test_client()
    login_staff(firm, session, staff.lawyer)
    assert post_form(firm, f"/kantoor/clienten/{piet.id}/deactiveren", {}).status_code == 302

    login(client, anna.email)
    assert add(client, piet.email).status_code == 302
    assert mails_to(app, mailbox, piet.email) == []
    session.expire_all()
    assert session.get(User, piet.id).active is False
    piet.totp_secret = secret
    assert log_in_with_app(app.test_client(), piet) is False


def test_the_firm_switches_it_on_again_through_mail_1(app, session, make, staff, company, piet,
                                                      mailbox):
    """The firm's reactivation is a new start: old password, authenticator, recovery codes
    and sessions are gone, and mail 1 invites the person to set up the account again."""
    secret = piet.totp_secret
    make.dossier(companies=[company], lawyer=staff.lawyer)
    firm = app.test_client()
    login_staff(firm, session, staff.lawyer)
    post_form(firm, f"/kantoor/clienten/{piet.id}/deactiveren", {})
    response = post_form(firm, f"/kantoor/clienten/{piet.id}/activeren", {})
    assert response.status_code == 302
    assert "Er is een uitnodiging gestuurd naar piet@dewit.nl" in text_of(
        firm.get(response.location))
    session.expire_all()
    again = session.get(User, piet.id)
    assert again.active and again.password_hash is None and again.totp_secret is None
    assert not again.two_step_enabled
    assert session.exec(select(RecoveryCode).where(RecoveryCode.user_id == piet.id)).all() == []
    assert login(app.test_client(), piet.email, PASSWORD).status_code == 401
    again.totp_secret = secret
    assert log_in_with_app(app.test_client(), again) is False
    [mail1] = mails_to(app, mailbox, piet.email)
    assert any("/welkom/" in link for link in links_in(mail1))


def test_the_main_account_brings_back_what_it_deleted_as_a_new_account(
        app, session, client, anna, piet, mailbox):
    """Deleted by Anna and added again by her: active, but without the old password or
    two-step, through mail 1."""
    secret = piet.totp_secret
    login(client, anna.email)
    post_form(client, f"{ACCOUNTS}/{piet.id}/verwijderen", {})
    assert add(client, piet.email, name="Piet de Wit").status_code == 302
    session.expire_all()
    again = session.get(User, piet.id)
    assert again.active and again.password_hash is None and not again.two_step_enabled
    assert session.exec(select(RecoveryCode).where(RecoveryCode.user_id == piet.id)).all() == []
    again.totp_secret = secret
    assert log_in_with_app(app.test_client(), again) is False
    [mail1] = mails_to(app, mailbox, piet.email)
    assert any("/welkom/" in link for link in links_in(mail1))


def test_another_main_account_cannot_bring_back_what_anna_deleted(app, session, make, company,
                                                                  anna, piet, mailbox):
    """A main account brings back only the accounts it deleted itself."""
    make.user(email="bert@dewit.nl", name="Bert de Wit", company=company, company_main=True)
    anna_browser = app.test_client()
    login(anna_browser, anna.email)
    post_form(anna_browser, f"{ACCOUNTS}/{piet.id}/verwijderen", {})
    bert = app.test_client()
    login(bert, "bert@dewit.nl")
    assert add(bert, piet.email).status_code == 302
    session.expire_all()
    assert session.get(User, piet.id).active is False
    assert mails_to(app, mailbox, piet.email) == []


# ---- point 4: no enumeration, a cap, no typed name to an unproved address

def normalised(page, email, name):
    """A page with the typed address and name, the CSRF token and ids taken out."""
    html = page.get_data(as_text=True).replace(email, "EMAIL").replace(name, "NAME")
    html = re.sub(r'value="[^"]*\.[^"]*\.[^"]*"|"X-CSRFToken": "[^"]*"', "TOKEN", html)
    return re.sub(r"/\d+", "/ID", html)


@pytest.mark.parametrize("known", ["client", "staff", "other_company", "switched_off"])
def test_known_and_unknown_addresses_get_the_same_answer(app, session, make, staff, company,
                                                         anna, known, mailbox):
    """Adding the address of a client, a staff member, another company's account or an
    account the firm switched off looks exactly like adding a new address: the answer, the
    list, the count, the details and the delete page. Only the new address gets a mail."""
    taken = {"client": "klant@example.nl", "staff": "mr.jansen@example.nl",
             "other_company": "baas@ander.nl", "switched_off": "weg@dewit.nl"}[known]
    if known == "client":
        make.user(email=taken)
    elif known == "staff":
        make.staff(email=taken)
    elif known == "other_company":
        make.user(email=taken, company=make.company("Ander B.V."), company_main=True)
    elif known == "switched_off":
        gone = make.user(email=taken, company=company)
        gone.active = False  # by the firm (who is not recorded: it stays off)
        session.commit()

    pages, main = [], app.test_client()
    login(main, anna.email)
    for email, name in ((taken, "Iemand Bekend"), ("nieuw@example.nl", "Iemand Nieuw")):
        response = add(main, email, name)
        assert response.status_code == 302 and response.location == ACCOUNTS
        listing = main.get(ACCOUNTS)
        [view] = re.findall(r'href="(/mijn-gegevens/accounts/[^"]+)"', listing.get_data(
            as_text=True))[:1]
        pages.append([normalised(page, email, name) for page in (
            listing, main.get("/mijn-gegevens"), main.get(view),
            main.get(view + "/verwijderen"))])
        assert "Uitgenodigd" in text_of(listing)
        # Withdraw it again, so the next round starts from the same list.
        assert post_form(main, view + "/verwijderen", {}).status_code == 302
        assert "Er zijn nog geen extra accounts." in text_of(main.get(ACCOUNTS))
    assert pages[0] == pages[1]
    assert [m["To"] for m in mailbox.deliver(app)] == ["nieuw@example.nl"]


def test_additions_are_capped_per_main_account(app, client, session, anna, mailbox):
    """Add, delete, add again ... sends no more than EXTRA_ACCOUNTS_MAX_PER_DAY mails a day;
    the next one is refused with a clear message and the input kept."""
    login(client, anna.email)
    cap = app.config["EXTRA_ACCOUNTS_MAX_PER_DAY"]
    for _n in range(cap):
        assert add(client, "slachtoffer@example.nl").status_code == 302
        [view] = re.findall(r'href="(/mijn-gegevens/accounts/uitgenodigd/\d+)"',
                            client.get(ACCOUNTS).get_data(as_text=True))
        post_form(client, view + "/verwijderen", {})
    refused = add(client, "slachtoffer@example.nl", name="Nog Eens")
    assert refused.status_code == 429
    assert f"U hebt vandaag {cap} accounts toegevoegd" in text_of(refused)
    assert 'value="Nog Eens"' in refused.get_data(as_text=True)
    assert len(mails_to(app, mailbox, "slachtoffer@example.nl")) <= cap


def test_a_typed_name_never_reaches_an_unproved_address(app, client, session, anna, mailbox):
    """Mail 1 and mail 2 of an added account greet without the name Anna typed; once the
    person set a password (the address is proved), mails use it."""
    login(client, anna.email)
    add(client, "slachtoffer@example.nl", name=EVIL_NAME)
    [mail1] = mails_to(app, mailbox, "slachtoffer@example.nl")
    for part in ("plain", "html"):
        body = mail1.get_body((part,)).get_content()
        assert "evil.example" not in body and "0900" not in body
    assert "Geachte heer, mevrouw," in mail1.get_body(("plain",)).get_content()
    # The password link, asked for on the login page, neither.
    post_form(app.test_client(), "/wachtwoord-instellen", {"email": "slachtoffer@example.nl"})
    [mail2] = mails_to(app, mailbox, "slachtoffer@example.nl")
    assert "evil.example" not in mail2.get_body(("plain",)).get_content()
    link = next(u for u in links_in(mail2) if "/wachtwoord/" in u)
    invitee = app.test_client()
    post_form(invitee, link.replace("http://portal.test", ""),
              {"password": "Welkom2026", "confirm": "Welkom2026"})
    [mail3] = mails_to(app, mailbox, "slachtoffer@example.nl")
    assert "Beste Piet - uw account" in mail3.get_body(("plain",)).get_content()


def test_a_renamed_client_cannot_send_its_name_to_another_address(app, client, make, mailbox):
    """A client types a text as its name and asks to change its address to a stranger's:
    the confirmation mail to that stranger does not carry the text."""
    make.user(email="klant@example.nl", name="Klant Test")
    login(client, "klant@example.nl")
    post_form(client, "/mijn-gegevens/naam", {"name": EVIL_NAME})
    post_form(client, "/mijn-gegevens/e-mailadres", {"email": "slachtoffer@example.nl",
                                                      "password": PASSWORD})
    [mail] = mails_to(app, mailbox, "slachtoffer@example.nl")
    assert "evil.example" not in mail.get_body(("plain",)).get_content()
    assert "Geachte heer, mevrouw," in mail.get_body(("plain",)).get_content()


def test_erasing_the_person_forgets_what_the_main_account_typed(app, client, session, staff,
                                                                anna):
    """The AVG erasure of an added person also removes the name and address Anna typed."""
    login(client, anna.email)
    add(client, "nieuw@example.nl", name="Nieuw Persoon")
    add(client, "nog.een@example.nl", name="Nog Een")
    client.get(ACCOUNTS)  # shows (and so clears) the two "added" messages
    person = session.exec(select(User).where(User.email == "nieuw@example.nl")).one()
    with app.test_request_context():
        privacy.erase_client(session, staff.admin, person)
    assert [i.email for i in session.exec(select(AccountInvitation))] == ["nog.een@example.nl"]
    assert "Nieuw Persoon" not in text_of(client.get(ACCOUNTS))
