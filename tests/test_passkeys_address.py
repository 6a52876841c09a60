"""Passkeys are bound to PUBLIC_BASE_URL's host name (the relying party): at another address,
or when that setting names an IP address (which no browser accepts as an RP ID), the pages
leave the passkey buttons out and say where passkeys work; the login's second step then
starts with the next method, and every other way keeps working."""
import pytest
from helpers import PASSWORD, html_of, login, post_form, text_of
from passkey_helpers import BASE, SoftAuthenticator, give_passkey
from twostep_helpers import totp_code, with_app

PAGE = "/mijn-gegevens/2-staps-verificatie/passkeys"


@pytest.fixture
def jan_with_passkey(app, session, make):
    """Jan (not logged in) with the app and a passkey made for the portal's own address."""
    app.config["PUBLIC_BASE_URL"] = BASE
    jan = make.user(email="jan@example.nl")
    secret = with_app(session, jan)
    give_passkey(app, jan, SoftAuthenticator(origin=BASE))
    return secret


@pytest.mark.parametrize("base_url, says", [
    ("https://portaal.kantoor.nl", "Passkeys werken alleen op het adres "
                                   "https://portaal.kantoor.nl van het portaal."),
    ("http://127.0.0.1:5000", "Op dit adres van het portaal kunnen geen passkeys worden "
                              "gebruikt."),
])
def test_at_another_address_the_pages_say_where_passkeys_work(app, client, session,
                                                              jan_with_passkey, base_url,
                                                              says):
    app.config["PUBLIC_BASE_URL"] = base_url
    login_page = html_of(client.get("/inloggen"))
    assert "data-passkey" not in login_page and "Inloggen met passkey" not in login_page
    assert says not in text_of(login_page)  # the login page just leaves passkeys out
    # The second step starts with the app, not with a passkey no browser would accept.
    started = login(client, "jan@example.nl")
    assert started.headers["Location"].endswith("/inloggen/verificatie/app")
    step = client.get("/inloggen/verificatie/passkey")
    assert says in text_of(step) and "data-passkey" not in html_of(step)
    done = post_form(client, "/inloggen/verificatie/app", {"code": totp_code(jan_with_passkey)})
    assert done.status_code == 302
    page = client.get(PAGE)
    assert "data-passkey" not in html_of(page) and 'name="password"' not in html_of(page)
    # Step 1 of adding one is refused there too: no challenge is handed out.
    refused = post_form(client, PAGE, {"name": "Laptop", "password": PASSWORD})
    assert "data-options" not in html_of(refused)


def test_at_the_portals_own_address_the_passkey_comes_first(app, client, jan_with_passkey):
    page = html_of(client.get("/inloggen"))
    assert 'data-passkey="get"' in page and 'autocomplete="username webauthn"' in page
    started = login(client, "jan@example.nl")
    assert started.headers["Location"].endswith("/inloggen/verificatie/passkey")
