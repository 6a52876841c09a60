"""Ter goedkeuring with a passkey (issues 18 and 20): a client whose two-step method is a
passkey confirms "Akkoord" with it — offered first, bound to the version shown, recorded as
"passkey" on the decision and its receipt; a replayed or foreign answer decides nothing."""
import json

import pytest
from helpers import PASSWORD, csrf_token, differences, html_of, login, post_form, snapshot, text_of
from passkey_helpers import SoftAuthenticator, options_in
from test_approvals_client import decisions, send, url

from app import approvals

pytestmark = pytest.mark.sealed

CONFIRM_OPTIONS = "/mijn-gegevens/2-staps-verificatie/passkeys/bevestigen"


@pytest.fixture
def with_passkey(app, client, session, make, lawyer):
    """Piet, logged in, with one passkey (added through the pages), and an approval sent to
    him: (authenticator, approval)."""
    app.config["PUBLIC_BASE_URL"] = "http://localhost"  # the test client's address
    piet = make.user(email="piet@example.nl", name="Piet Twee")
    assert login(client, piet.email).status_code == 302
    authenticator = SoftAuthenticator(origin="http://localhost")
    step = post_form(client, "/mijn-gegevens/2-staps-verificatie/passkeys",
                     {"name": "Telefoon", "password": PASSWORD})
    answer = authenticator.create(options_in(html_of(step)))
    added = post_form(client, "/mijn-gegevens/2-staps-verificatie/passkeys/nieuw",
                      {"credential": json.dumps(answer), "name": "Telefoon"})
    assert added.status_code == 200  # the backup codes of a first method
    approval = send(app, session, make, lawyer, make.dossier(clients=[piet], lawyer=lawyer),
                    piet)
    return authenticator, approval


def confirm_answer(client, authenticator, page, credential_id=None):
    """Options fetched as passkeys.js does (the page's CSRF token), answered."""
    options = client.post(CONFIRM_OPTIONS, headers={"X-CSRFToken": csrf_token(client, page)})
    assert options.status_code == 200
    return json.dumps(authenticator.get(options.get_json(), credential_id))


def test_approve_with_a_passkey(client, session, with_passkey):
    authenticator, approval = with_passkey
    page = client.get(url(approval, "/akkoord"))
    said = text_of(page)
    assert "Gebruik uw passkey" in said and "Uw wachtwoord" not in said
    assert "Akkoord geven met mijn passkey" in said
    assert "Een herstelcode of back-upcode gebruiken" in said  # the other ways remain
    version_id = approval.versions[0].id
    credential = confirm_answer(client, authenticator, url(approval, "/akkoord"))
    done = post_form(client, url(approval, "/akkoord?method=passkey"),
                     {"version_id": version_id, "credential": credential})
    assert done.status_code == 303
    [decision] = decisions(session)
    assert (decision.approved, decision.confirmed_with) == (True, "passkey")
    assert approvals.confirmation_label("passkey") == "passkey"


def test_a_replayed_or_foreign_passkey_answer_decides_nothing(client, session, with_passkey):
    authenticator, approval = with_passkey
    version_id = approval.versions[0].id
    stranger = SoftAuthenticator(origin="http://localhost")
    # Never registered here: it makes one for the same site on its own.
    stranger.create({"rp": {"id": "localhost"}, "user": {"id": "eA"}, "challenge": "eA"})
    before = snapshot(session)
    foreign = post_form(client, url(approval, "/akkoord?method=passkey"), {
        "version_id": version_id,
        "credential": confirm_answer(client, stranger, url(approval, "/akkoord"),
                                     next(iter(stranger.credentials)))})
    assert foreign.status_code == 401
    assert {table for table, _key in differences(before, snapshot(session))} <= {
        "passkeychallenge", "throttleevent", "auditevent"}  # bookkeeping only
    credential = confirm_answer(client, authenticator, url(approval, "/akkoord"))
    # Used once, then replayed: the second decides nothing.
    used = post_form(client, url(approval, "/akkoord?method=passkey"),
                     {"version_id": version_id, "credential": credential})
    assert used.status_code == 303
    [decision] = decisions(session)
    again = post_form(client, url(approval, "/akkoord?method=passkey"),
                      {"version_id": version_id, "credential": credential})
    assert again.status_code in (303, 401)
    assert len(decisions(session)) == 1 and decisions(session)[0].id == decision.id


def test_no_credential_is_a_clear_message(client, with_passkey):
    _authenticator, approval = with_passkey
    refused = post_form(client, url(approval, "/akkoord?method=passkey"),
                        {"version_id": approval.versions[0].id, "credential": ""})
    assert refused.status_code == 400
    assert "Uw passkey is niet gebruikt" in text_of(refused)
