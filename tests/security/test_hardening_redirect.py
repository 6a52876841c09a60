"""Issue 14 point 6: where the login page sends you afterwards (?next=) is a path of this
site, or the landing page; never another site, never a 500."""
from urllib.parse import quote, urlsplit

import pytest
from helpers import PASSWORD, post_form
from twostep_helpers import totp_code, with_app

BAD_NEXT = [
    "/\t/evil.example/",  # browsers drop the tab: //evil.example/
    "/\n/evil.example/",
    "/\r\n/x",
    "/\x7f/evil.example",
    "//evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "https://evil.example/",
    "http:/evil.example",
    "javascript:alert(1)",
    "x/y",
    "///evil.example/",
]


def _login_with_next(client, email, target):
    """Open the login page with ?next=`target` (as the link would), then log in."""
    client.get("/inloggen?next=" + quote(target, safe=""))
    return post_form(client, "/inloggen", {"email": email, "password": PASSWORD,
                                           "next": target})


def _is_landing(location):
    return location in ("/", "/mijn-gegevens")


@pytest.mark.parametrize("target", BAD_NEXT)
def test_a_bad_next_leads_to_the_landing_page(client, make, target):
    """/%09/evil.example gave "Location: //evil.example/", /%0A/x a 500 after the login."""
    make.user(email="jan@example.nl")
    response = _login_with_next(client, "jan@example.nl", target)
    assert response.status_code == 302
    assert _is_landing(response.location), response.location
    assert not urlsplit(response.location).netloc


@pytest.mark.parametrize("target", ["/dossiers/3", "/dossiers?pagina=2#laatste"])
def test_a_path_of_this_site_is_followed(client, make, target):
    make.user(email="jan@example.nl")
    response = _login_with_next(client, "jan@example.nl", target)
    assert response.status_code == 302
    assert response.location == target


@pytest.mark.parametrize("target", ["/\t/evil.example/", "/\n/x"])
def test_a_bad_next_is_not_followed_after_the_second_step(client, session, make, target):
    """The next of a login with two-step verification goes through the same check."""
    user = make.user(email="jan@example.nl")
    secret = with_app(session, user)
    response = _login_with_next(client, "jan@example.nl", target)
    assert response.location == "/inloggen/verificatie/app"
    response = post_form(client, "/inloggen/verificatie/app", {"code": totp_code(secret)})
    assert response.status_code == 302
    assert _is_landing(response.location), response.location
