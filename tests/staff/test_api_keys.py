"""Instellingen → API-sleutels: making a key (shown once), the list, revoking; the command
`flask api-key`; and the audit log naming what a key did "Koppeling: <name>"."""
import re
from datetime import timedelta

import pytest
from flask import g
from helpers import csrf_token, events, run_cli, text_of
from sqlmodel import select
from twostep_helpers import login_staff

from app import audit, dates
from app.api.keys import SCOPES, create_key
from app.models import ApiKey, AuditEvent, utcnow
from app.security import sha256
from app.staff.request_forms import today

URL = "/kantoor/instellingen/api-sleutels"
KEY = re.compile(r"klp_[A-Za-z0-9_-]{40,}")


def new_key(client, **fields):
    """Post the form of a new key; the response."""
    data = {"csrf_token": csrf_token(client), "name": "Dossiersysteem",
            "scopes": ["dossiers:read", "messages:write"], **fields}
    return client.post(f"{URL}/nieuw", data=data)


@pytest.fixture
def make_key(app, session):
    """make_key(acts_as, scopes, **fields) -> the key itself (as tests/api/conftest.py)."""
    def make(acts_as, scopes, name="Dossiersysteem", **fields):
        with app.test_request_context():
            _row, raw = create_key(session, name=name, acts_as=acts_as, scopes=scopes,
                                   **fields)
            session.commit()
        return raw
    return make


def in_days(app, days):
    """The day `days` from today in the firm's time zone."""
    with app.app_context():
        return today() + timedelta(days=days)


def keys_of(session):
    session.expire_all()
    return session.exec(select(ApiKey).order_by(ApiKey.id)).all()


def test_the_admin_makes_a_key_and_sees_it_once(client, session, staff, as_staff):
    as_staff(staff.admin)
    form = client.get(f"{URL}/nieuw")
    page = form.get_data(as_text=True)
    assert form.status_code == 200
    # Every scope with its description; the admin acts for themselves unless they choose.
    assert "Dossiers en hun voortgang lezen (dossiers:read)" in text_of(form)
    assert f'<option selected value="{staff.admin.id}">' in page
    assert "Ilse Idle (idle@kantoor.test)" in page
    response = new_key(client, acts_as=staff.lawyer.id, expires="", allowed_ips="")
    assert response.status_code == 200
    assert "Kopieer de sleutel nu: hij wordt niet nog eens getoond." in text_of(response)
    raw = KEY.search(response.get_data(as_text=True))[0]
    [row] = keys_of(session)
    assert (row.name, row.acts_as_id, row.scopes) == ("Dossiersysteem", staff.lawyer.id,
                                                     "dossiers:read messages:write")
    assert row.key_hash == sha256(raw) and raw.startswith(row.prefix)
    assert (row.expires_at, row.allowed_ips, row.created_by_id) == (None, "", staff.admin.id)
    # Never again: not in the list, nor anywhere in the audit log.
    listing = client.get(URL)
    assert raw not in listing.get_data(as_text=True)
    assert row.prefix in text_of(listing) and "mr. Jansen" in text_of(listing)
    assert "Actief" in text_of(listing) and "Nooit" in text_of(listing)
    [made] = events(session, "api_key.created")
    assert made.actor_id == staff.admin.id and raw not in str(made.detail)
    assert raw not in client.get("/kantoor/auditlog").get_data(as_text=True)
    # The key works, for the lawyer.
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert me.status_code == 200 and me.json["acts_as_name"] == "mr. Jansen"


def test_expiry_and_ip_ranges(app, client, session, staff, as_staff):
    as_staff(staff.admin)
    day = in_days(app, 30)
    response = new_key(client, acts_as=staff.admin.id, expires=day.isoformat(),
                       allowed_ips="192.0.2.0/24, 2001:db8::1")
    assert response.status_code == 200
    [row] = keys_of(session)
    assert row.allowed_ips == "192.0.2.0/24 2001:db8::1/128"
    # Valid through the whole day, in the firm's time zone (Amsterdam: UTC+1 or +2).
    with app.app_context():
        stop = dates.local(row.expires_at)
    assert (stop.date(), stop.hour, stop.minute) == (day + timedelta(days=1), 0, 0)
    assert str(stop.tzinfo) == "Europe/Amsterdam"
    listing = text_of(client.get(URL))
    assert str(day.day) in listing and "Actief" in listing


def test_bad_input_keeps_what_was_typed(client, session, staff, as_staff):
    as_staff(staff.admin)
    response = new_key(client, name="x" * 101, scopes=[], acts_as=staff.admin.id,
                       expires="2020-01-01", allowed_ips="192.0.2.0/24 geen-adres")
    assert response.status_code == 400
    page = text_of(response, unescape=True)
    assert "De naam mag hoogstens 100 tekens lang zijn." in page
    assert "Kies ten minste één bevoegdheid." in page
    assert "De vervaldatum kan niet in het verleden liggen." in page
    assert "geen-adres is geen IP-adres of netwerk." in page  # BadKey's own message
    html = response.get_data(as_text=True)
    assert 'value="2020-01-01"' in html and "192.0.2.0/24 geen-adres" in html
    response = new_key(client, name=" ", acts_as=staff.admin.id, expires="morgen")
    assert response.status_code == 400
    assert "Vul een naam in." in text_of(response)
    assert "Vul de datum in als 31-12-2026, of laat het veld leeg." in text_of(response)
    response = new_key(client, name="Dossiersysteem", acts_as=staff.admin.id,
                       expires="9999-12-31")  # its end does not fit a date: was a 500
    assert response.status_code == 400
    assert "Kies een vervaldatum vóór het jaar 9999." in text_of(response, unescape=True)
    # An unknown scope, or an account that is not active staff, is not a choice.
    inactive = staff.idle_secretary
    inactive.active = False
    session.commit()
    for fields in ({"scopes": ["dossiers:read", "everything"]}, {"acts_as": inactive.id},
                   {"acts_as": "abc"}):
        response = new_key(client, **{"acts_as": staff.admin.id, **fields})
        assert response.status_code == 400, fields
    assert keys_of(session) == []
    assert events(session, "api_key.created") == []


def test_revoking_asks_first_and_works_at_once(client, session, staff, as_staff, make_key):
    raw = make_key(staff.lawyer, ["dossiers:read"])
    [row] = keys_of(session)
    bearer = {"Authorization": f"Bearer {raw}"}
    assert client.get("/api/v1/me", headers=bearer).status_code == 200
    as_staff(staff.admin)
    confirm = client.get(f"{URL}/{row.id}/intrekken")
    assert confirm.status_code == 200
    assert "API-sleutel „Dossiersysteem” intrekken?" in text_of(confirm, unescape=True)
    assert keys_of(session)[0].revoked_at is None  # asking changes nothing
    response = client.post(f"{URL}/{row.id}/intrekken", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 303 and response.headers["Location"].endswith(URL)
    assert keys_of(session)[0].revoked_at is not None
    assert client.get("/api/v1/me", headers=bearer).status_code == 401
    listing = text_of(client.get(URL))
    assert "Ingetrokken" in listing and "is ingetrokken: hij werkt niet meer." in listing
    assert f"{row.id}/intrekken" not in client.get(URL).get_data(as_text=True)
    [revoked] = events(session, "api_key.revoked")
    assert revoked.actor_id == staff.admin.id
    # Twice: nothing changes; without a valid token: refused.
    assert client.post(f"{URL}/{row.id}/intrekken",
                       data={"csrf_token": csrf_token(client)}).status_code == 303
    assert len(events(session, "api_key.revoked")) == 1
    assert "Deze sleutel werkt al niet meer." in text_of(client.get(f"{URL}/{row.id}/intrekken"))
    assert client.post(f"{URL}/{row.id + 1}/intrekken",
                       data={"csrf_token": csrf_token(client)}).status_code == 404


def test_expired_keys_say_so(client, session, staff, as_staff, make_key):
    make_key(staff.admin, ["dossiers:read"], expires_at=utcnow() - timedelta(minutes=1))
    as_staff(staff.admin)
    assert "Verlopen" in text_of(client.get(URL))


def test_the_pages_are_the_admins_only(app, session, staff, make_key):
    make_key(staff.admin, ["dossiers:read"])
    [row] = keys_of(session)
    for who in (staff.lawyer, staff.secretary):
        client = app.test_client()
        login_staff(client, session, who)
        for url in (URL, f"{URL}/nieuw", f"{URL}/{row.id}/intrekken"):
            assert client.get(url).status_code == 404, url
        token = csrf_token(client)
        assert new_key(client, acts_as=who.id).status_code == 404
        assert client.post(f"{URL}/{row.id}/intrekken",
                           data={"csrf_token": token}).status_code == 404
        assert "api-sleutels" not in client.get("/kantoor/").get_data(as_text=True)
    assert keys_of(session)[0].revoked_at is None and len(keys_of(session)) == 1


def test_the_settings_link_to_the_page(client, staff, as_staff):
    as_staff(staff.admin)
    page = client.get("/kantoor/instellingen").get_data(as_text=True)
    assert f'href="{URL}"' in page and 'href="/kantoor/instellingen/webhooks"' in page


# ---- flask api-key

def test_the_command_makes_lists_and_revokes(app, session, staff):
    day = in_days(app, 10).isoformat()
    result = run_cli(app, "api-key", "create", "--name", "Boekhouding", "--acts-as",
                     " Admin@Kantoor.test", "--scope", "clients:read", "--scope",
                     "dossiers:read", "--expires", day, "--allowed-ips", "192.0.2.0/24")
    assert result.exit_code == 0, result.output
    raw = KEY.search(result.output)[0]
    assert "it will not be shown again" in result.output
    [row] = keys_of(session)
    assert row.key_hash == sha256(raw) and row.acts_as_id == staff.admin.id
    assert (row.scopes, row.allowed_ips) == ("clients:read dossiers:read", "192.0.2.0/24")
    assert row.expires_at is not None and row.created_by_id is None
    listed = run_cli(app, "api-key", "list")
    assert listed.exit_code == 0 and row.prefix in listed.output
    assert "active" in listed.output and "admin@kantoor.test" in listed.output
    assert raw not in listed.output
    revoked = run_cli(app, "api-key", "revoke", row.prefix)
    assert revoked.exit_code == 0 and "is revoked" in revoked.output
    assert keys_of(session)[0].revoked_at is not None
    again = run_cli(app, "api-key", "revoke", str(row.id))
    assert "was revoked already" in again.output
    assert len(events(session, "api_key.revoked")) == 1
    assert "revoked" in run_cli(app, "api-key", "list").output


def test_the_command_refuses_what_the_form_refuses(app, session, staff):
    base = ["api-key", "create", "--name", "X", "--scope", "dossiers:read"]
    cases = [
        (["--acts-as", "nobody@kantoor.test"], "A key acts for an active staff account."),
        (["--acts-as", "admin@kantoor.test", "--expires", "2020-01-01"],
         "The expiry date cannot be in the past."),
        (["--acts-as", "admin@kantoor.test", "--allowed-ips", "bad"],
         "bad is not an IP address or network."),
        (["--acts-as", "admin@kantoor.test", "--scope", "all"], "Invalid value"),
    ]
    for extra, message in cases:
        result = run_cli(app, *base, *extra)
        assert result.exit_code == 2 and message in result.output, (extra, result.output)
    assert keys_of(session) == []
    assert "No API keys." in run_cli(app, "api-key", "list").output
    assert run_cli(app, "api-key", "revoke", "klp_nothing").exit_code == 2


# ---- the audit log: "Koppeling: <name> (namens <account>)"

def test_the_audit_log_names_the_key(app, client, session, staff, as_staff, make):
    dossier = make.dossier(lawyer=staff.lawyer, number="2026-0042")
    with app.test_request_context():
        row, _raw = create_key(session, name="Dossiersysteem", scopes=list(SCOPES),
                               acts_as=staff.lawyer)
        g.api_key = row
        audit.record(session, "dossier.updated", actor=staff.lawyer, target=dossier,
                     dossier_id=dossier.id)
        session.commit()
    as_staff(staff.admin)
    page = text_of(client.get("/kantoor/auditlog"))
    assert "Koppeling: Dossiersysteem (namens mr. Jansen) Dossier gewijzigd" in page
    assert "API-sleutel: Dossiersysteem" in page  # the key's own creation, by nobody
    found = text_of(client.get("/kantoor/auditlog?person=dossiersys"))
    assert "1 gebeurtenis" in found and "Dossier gewijzigd" in found
    export = client.get("/kantoor/auditlog/export.csv").get_data(as_text=True)
    line = next(line for line in export.splitlines() if "dossier.updated" in line)
    assert line.split(";")[1:4] == ["Koppeling: Dossiersysteem", "jansen@kantoor.test",
                                    "mr. Jansen"]
    # The lawyer sees it in the log of their dossier too, named the same way.
    lawyer = app.test_client()
    login_staff(lawyer, session, staff.lawyer)
    assert "Koppeling: Dossiersysteem (namens mr. Jansen)" in text_of(lawyer.get(
        "/kantoor/auditlog"))
    assert session.exec(select(AuditEvent).where(AuditEvent.api_key_id == row.id)).one()
