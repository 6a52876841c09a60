"""The firm's settings (name, colour, sender, limits, logo, dossier statuses), staff accounts
and delegations: admin only, validated, audited, and used by the rest of the portal."""
import io
import struct
import zlib

import pytest
from flask import render_template_string
from helpers import csrf_token, html_of, post_form
from sqlmodel import select
from twostep_helpers import login_staff

from app import firm, storage, uploads
from app.models import (
    KIND_STAFF,
    AuditEvent,
    Delegation,
    DossierStatus,
    FirmSettings,
    LoginSession,
    User,
)
from app.staff.access import staff_dossier_ids

SETTINGS = {"name": "Advocaten De Vries & Co", "colour": "#7a1f2b",
            "mail_sender": "Portaal@DeVries.example", "max_file_mb": "20",
            "max_message_mb": "60"}


def png_bytes():
    """A real 1×1 PNG."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\x7a\x1f\x2b")) + chunk(b"IEND", b""))


def events(session, action):
    return session.exec(select(AuditEvent).where(AuditEvent.action == action)
                        .order_by(AuditEvent.id)).all()


def english(session, user):
    """Let `user` see the portal in English (the language is fixed at login)."""
    user.language = "en"
    session.commit()


def saved(session):
    session.expire_all()
    return session.get(FirmSettings, firm.SETTINGS_ID)


# ---- the firm

def test_without_settings_the_configuration_applies(app):
    """Nothing saved yet: name, sender and limits come from the configuration."""
    with app.test_request_context():
        current = firm.current()
        assert current.name == "Kantoor Test"
        assert current.sender == app.config["MAIL_DEFAULT_SENDER"]
        assert (current.max_file_mb, current.max_message_mb) == (100, 250)
        assert current.colour is None and current.logo_key is None


def test_admin_saves_the_firm_settings(app, client, session, staff, as_staff):
    """Saved, audited with what changed, and used at once by the portal."""
    as_staff(staff.admin)
    response = post_form(client, "/kantoor/instellingen", SETTINGS)
    assert response.status_code == 302
    row = saved(session)
    assert (row.name, row.colour, row.mail_sender, row.max_file_mb, row.max_message_mb) == (
        "Advocaten De Vries & Co", "#7a1f2b", "portaal@devries.example", 20, 60)
    [event] = events(session, "settings.changed")
    assert event.actor_id == staff.admin.id
    assert event.detail["changes"]["name"] == ["Kantoor Test", "Advocaten De Vries & Co"]
    assert event.detail["changes"]["max_file_mb"] == [100, 20]

    page = html_of(client.get("/kantoor/instellingen"))
    assert 'value="Advocaten De Vries &amp; Co"' in page and 'value="#7a1f2b"' in page
    with app.test_request_context():
        assert uploads.limits() == (20 * 1024 * 1024, 60 * 1024 * 1024)
        assert firm.current().name == "Advocaten De Vries & Co"

    anonymous = app.test_client()
    login_page = html_of(anonymous.get("/inloggen"))
    assert "Advocaten De Vries &amp; Co" in login_page
    assert "Kantoor Test" not in login_page


def test_the_colour_comes_from_a_stylesheet_not_inline_style(app, client, session, staff,
                                                              as_staff):
    """The CSP forbids inline style: /firm/style.css sets the colour, versioned and cached."""
    as_staff(staff.admin)
    post_form(client, "/kantoor/instellingen", SETTINGS)
    page = html_of(app.test_client().get("/inloggen"))
    assert "style=" not in page
    with app.test_request_context():
        version = firm.current().version
    assert f'href="/firm/style.css?v={version}"' in page
    css = app.test_client().get(f"/firm/style.css?v={version}")
    assert css.status_code == 200 and css.mimetype == "text/css"
    assert "--firm-colour: #7a1f2b;" in html_of(css)
    assert "immutable" in css.headers["Cache-Control"]
    stale = app.test_client().get("/firm/style.css?v=old")
    assert stale.headers["Cache-Control"] == "no-cache"
    assert "var(--firm-colour" in open(app.static_folder + "/css/portal.css").read()


@pytest.mark.parametrize("field, value, message", [
    ("name", "", "Enter the name of the firm."),
    ("colour", "red", "Enter the colour as a hex code, like #1d3a5f."),
    ("colour", "#ffee88", "This colour is too light"),
    ("mail_sender", "not an address", "Enter a valid e-mail address"),
    ("max_file_mb", "abc", "Enter a whole number of megabytes from 1 to 250."),
    ("max_file_mb", "0", "Enter a whole number of megabytes from 1 to 250."),
    ("max_message_mb", "5000", "Enter a whole number of megabytes from 1 to 250."),
    ("max_message_mb", "10", "may not be smaller than the largest file"),
])
def test_bad_settings_are_refused_and_kept(client, session, staff, as_staff, field, value,
                                           message):
    """A clear message, the typed values stay, nothing is stored."""
    english(session, staff.admin)
    as_staff(staff.admin)
    response = post_form(client, "/kantoor/instellingen", {**SETTINGS, field: value})
    assert response.status_code == 400
    page = html_of(response)
    assert message in page.replace("&#39;", "'")
    assert 'value="Advocaten De Vries &amp; Co"' in page or field == "name"
    assert saved(session) is None
    assert events(session, "settings.changed") == []


def test_the_limits_stay_within_the_request_limit(app):
    """MAX_CONTENT_LENGTH stays the hard bound: the settings accept no more than fits."""
    with app.test_request_context():
        assert firm.upload_ceiling_mb() * 1024 * 1024 < app.config["MAX_CONTENT_LENGTH"]


def test_mails_use_the_name_and_sender_of_the_settings(app, client, session, staff, as_staff,
                                                       mailbox):
    """The From of outgoing mail, and the firm's name, colour and logo in it follow the
    settings."""
    as_staff(staff.admin)
    post_form(client, "/kantoor/instellingen", SETTINGS)
    upload_logo(client, png_bytes())
    post_form(client, "/kantoor/medewerkers", {"name": "Sanne Secr", "role": "secretary",
                                               "email": "sanne@kantoor.example.nl",
                                               "language": "nl"})
    [mail] = mailbox.deliver(app)
    assert mail["To"] == "sanne@kantoor.example.nl"
    assert mail["From"].addresses[0].display_name == "Advocaten De Vries & Co"
    assert mail["From"].addresses[0].addr_spec == "portaal@devries.example"
    assert "Advocaten De Vries & Co" in mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert "Advocaten De Vries &amp; Co" in html
    assert "border-bottom: 4px solid #7a1f2b" in html
    # The logo travels with the mail (remote images are blocked, the portal may be on an
    # intranet): an inline part that the HTML names by its Content-ID.
    assert '<img src="cid:firm-logo@klantenportaal"' in html
    [logo] = [part for part in mail.walk() if part["Content-ID"] == "<firm-logo@klantenportaal>"]
    assert logo.get_content_type() == "image/png" and logo.get_content() == png_bytes()


def test_the_authenticator_app_shows_the_firm_name(app, session, staff):
    """The issuer in the QR code is the firm's name of the settings."""
    session.add(FirmSettings(id=1, name="Notariaat Zuid"))
    session.commit()
    from app import twostep
    with app.test_request_context():
        user = User(email="x@k.test", name="X")
        assert "issuer=Notariaat%20Zuid" in twostep.totp_uri(user, twostep.new_totp_secret())


def test_the_firm_name_is_escaped_in_pages(app, session):
    """The firm's name is text, never HTML."""
    session.add(FirmSettings(id=1, name="<b>Kantoor</b>"))
    session.commit()
    with app.test_request_context():
        html = render_template_string("{{ firm_name }}|{{ _('%(firm)s', firm=firm_name) }}")
    assert html == "&lt;b&gt;Kantoor&lt;/b&gt;|&lt;b&gt;Kantoor&lt;/b&gt;"


# ---- the logo

def upload_logo(client, data, name="logo.png"):
    return client.post("/kantoor/instellingen/logo", data={
        "csrf_token": csrf_token(client), "logo": (io.BytesIO(data), name)},
        content_type="multipart/form-data")


def test_a_png_logo_is_stored_and_served(app, client, session, staff, as_staff):
    """Checked by its bytes, stored outside the web root, served with its type and cached."""
    as_staff(staff.admin)
    response = upload_logo(client, png_bytes())
    assert response.status_code == 302
    row = saved(session)
    assert row.logo_type == "image/png"
    with app.app_context():
        path = storage.path_for(row.logo_key)
        version = firm.effective(row).version
    assert open(path, "rb").read() == png_bytes()
    [event] = events(session, "settings.logo_changed")
    assert event.detail["content_type"] == "image/png"

    anonymous = app.test_client()
    assert f'src="/firm/logo?v={version}"' in html_of(anonymous.get("/inloggen"))
    logo = anonymous.get(f"/firm/logo?v={version}")
    assert logo.status_code == 200 and logo.mimetype == "image/png"
    assert logo.data == png_bytes()
    assert "immutable" in logo.headers["Cache-Control"]
    assert logo.headers["X-Content-Type-Options"] == "nosniff"

    # A new logo replaces the old file; removing it leaves none.
    jpeg = b"\xff\xd8\xff\xe0" + b"\x00" * 100
    assert upload_logo(client, jpeg, "logo.jpg").status_code == 302
    assert saved(session).logo_type == "image/jpeg"
    with app.app_context():
        assert not __import__("os").path.exists(path)
    assert post_form(client, "/kantoor/instellingen/logo/verwijderen", {}).status_code == 302
    assert saved(session).logo_key is None
    assert anonymous.get("/firm/logo").status_code == 404
    assert len(events(session, "settings.logo_removed")) == 1


@pytest.mark.parametrize("data, name, message", [
    (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "logo.svg",
     "The logo must be a PNG or JPEG image."),
    (b"GIF89a not really", "logo.png", "The logo must be a PNG or JPEG image."),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * (512 * 1024), "big.png", "larger than 512 KB"),
])
def test_other_files_are_refused_as_logo(client, session, staff, as_staff, data, name,
                                         message):
    """Only PNG and JPEG by their first bytes, at most 512 KB; nothing is stored."""
    english(session, staff.admin)
    as_staff(staff.admin)
    response = upload_logo(client, data, name)
    assert response.status_code == 400
    assert message in html_of(response)
    assert saved(session) is None


# ---- dossier statuses

def statuses(session):
    session.expire_all()
    return session.exec(select(DossierStatus).order_by(DossierStatus.position)).all()


def test_statuses_add_rename_reorder_and_choose_in_progress(client, session, staff, as_staff):
    """The list of statuses: add, rename in both languages, move, mark in progress."""
    as_staff(staff.admin)
    response = post_form(client, "/kantoor/instellingen/statussen",
                         {"label_nl": "Wacht op stukken", "label_en": "Waiting for papers"})
    assert response.status_code == 302
    added = statuses(session)[-1]
    assert (added.code, added.label_nl, added.in_progress) == (
        "waiting-for-papers", "Wacht op stukken", False)

    duplicate = post_form(client, "/kantoor/instellingen/statussen",
                          {"label_nl": "wacht op stukken", "label_en": "Other"})
    assert duplicate.status_code == 400
    assert "Er is al een status met deze naam." in html_of(duplicate)

    assert post_form(client, f"/kantoor/instellingen/statussen/{added.code}",
                     {"label_nl": "Wacht op documenten", "label_en": "Waiting for documents"}
                     ).status_code == 302
    session.expire_all()
    assert session.get(DossierStatus, added.code).label_nl == "Wacht op documenten"

    post_form(client, f"/kantoor/instellingen/statussen/{added.code}/verplaatsen",
              {"direction": "up"})
    assert [s.code for s in statuses(session)] == [
        "in_progress", "waiting", "waiting-for-papers", "closed"]

    post_form(client, f"/kantoor/instellingen/statussen/{added.code}/in-behandeling", {})
    assert [s.code for s in statuses(session) if s.in_progress] == ["waiting-for-papers"]
    for action in ("status.added", "status.renamed", "status.moved", "status.in_progress"):
        assert len(events(session, action)) == 1, action


def test_a_status_in_use_cannot_be_deleted(client, session, make, staff, as_staff):
    """Used by a dossier, or the status in progress: refused, with the reason."""
    as_staff(staff.admin)
    make.dossier(status="waiting", lawyer=staff.lawyer)
    response = post_form(client, "/kantoor/instellingen/statussen/waiting/verwijderen", {})
    assert response.status_code == 302
    page = html_of(client.get("/kantoor/instellingen/statussen"))
    assert "1 dossier heeft deze status" in page
    post_form(client, "/kantoor/instellingen/statussen/in_progress/verwijderen", {})
    assert "het is de status van dossiers in behandeling" in html_of(
        client.get("/kantoor/instellingen/statussen"))
    assert post_form(client, "/kantoor/instellingen/statussen/closed/verwijderen",
                     {}).status_code == 302
    assert [s.code for s in statuses(session)] == ["in_progress", "waiting"]
    assert len(events(session, "status.deleted")) == 1
    assert client.get("/kantoor/instellingen/statussen/nope").status_code == 404


# ---- staff accounts

def test_admin_adds_a_staff_member_who_gets_mail_1(app, client, session, staff, as_staff,
                                                   mailbox):
    """Name, e-mail, role and language; the invitation goes out; all audited."""
    as_staff(staff.admin)
    response = post_form(client, "/kantoor/medewerkers", {
        "name": "Sanne Secr", "email": "Sanne@Kantoor.example.nl", "role": "secretary",
        "language": "en"})
    assert response.status_code == 302
    user = session.exec(select(User).where(User.email == "sanne@kantoor.example.nl")).one()
    assert (user.kind, user.role, user.language, user.password_hash) == (
        KIND_STAFF, "secretary", "en", None)
    [mail] = mailbox.deliver(app)
    assert mail["To"] == "sanne@kantoor.example.nl"
    assert events(session, "user.created")[-1].actor_id == staff.admin.id
    assert events(session, "invitation.sent")[-1].target_id == user.id
    assert "Sanne Secr" in html_of(client.get("/kantoor/medewerkers"))

    again = post_form(client, "/kantoor/medewerkers", {
        "name": "Other", "email": "sanne@kantoor.example.nl", "role": "lawyer", "language": "nl"})
    assert again.status_code == 400
    assert "Er is al een account met dit e-mailadres." in html_of(again)
    assert 'value="Other"' in html_of(again)


def test_admin_changes_a_role(client, session, make, staff, as_staff):
    """A role change ends the delegations that no longer fit; a lawyer with dossiers and the
    admin's own role are refused."""
    as_staff(staff.admin)
    assert post_form(client, f"/kantoor/medewerkers/{staff.secretary.id}/rol",
                     {"role": "lawyer"}).status_code == 302
    session.expire_all()
    assert session.get(User, staff.secretary.id).role == "lawyer"
    assert session.exec(select(Delegation)).all() == []
    [event] = events(session, "staff.role_changed")
    assert event.detail["old"] == "secretary" and event.detail["new"] == "lawyer"

    make.dossier(lawyer=staff.other_lawyer)
    refused = post_form(client, f"/kantoor/medewerkers/{staff.other_lawyer.id}/rol",
                        {"role": "secretary"})
    assert refused.status_code == 400
    assert "behandelt nog dossiers" in html_of(refused)
    own = post_form(client, f"/kantoor/medewerkers/{staff.admin.id}/rol", {"role": "lawyer"})
    assert own.status_code == 400
    session.expire_all()
    assert session.get(User, staff.other_lawyer.id).role == "lawyer"
    assert session.get(User, staff.admin.id).role == "admin"


def test_deactivating_a_staff_member_ends_their_sessions_at_once(app, client, session, staff,
                                                                  as_staff):
    """Their open session is dead on the next request; reactivating lets them in again."""
    other = app.test_client()
    login_staff(other, session, staff.secretary)
    assert other.get("/kantoor/dossiers").status_code == 200
    as_staff(staff.admin)
    url = f"/kantoor/medewerkers/{staff.secretary.id}"
    assert post_form(client, url + "/deactiveren", {}).status_code == 302
    response = other.get("/kantoor/dossiers")
    assert response.status_code == 302 and "/inloggen" in response.headers["Location"]
    assert session.exec(select(LoginSession).where(
        LoginSession.user_id == staff.secretary.id)).all() == []
    session.expire_all()
    assert session.get(User, staff.secretary.id).active is False
    assert post_form(client, url + "/activeren", {}).status_code == 302
    session.expire_all()
    assert session.get(User, staff.secretary.id).active is True
    assert [len(events(session, a)) for a in ("staff.deactivated", "staff.reactivated")] == [1, 1]

    post_form(client, f"/kantoor/medewerkers/{staff.admin.id}/deactiveren", {})
    session.expire_all()
    assert session.get(User, staff.admin.id).active is True


def test_staff_buttons_need_the_csrf_token(client, session, staff, as_staff):
    """A forged form changes nothing."""
    as_staff(staff.admin)
    response = client.post(f"/kantoor/medewerkers/{staff.lawyer.id}/deactiveren")
    assert response.status_code == 400
    session.expire_all()
    assert session.get(User, staff.lawyer.id).active is True


# ---- delegations

def test_admin_grants_and_revokes_a_delegation(client, session, make, staff, as_staff):
    """After the grant the secretary sees the lawyer's dossiers; after the revoke not."""
    dossier = make.dossier(lawyer=staff.other_lawyer)
    as_staff(staff.admin)
    response = post_form(client, "/kantoor/delegaties", {
        "lawyer_id": staff.other_lawyer.id, "secretary_id": staff.idle_secretary.id})
    assert response.status_code == 302

    def sees():
        return dossier.id in set(session.exec(staff_dossier_ids(staff.idle_secretary)))
    assert sees()
    [event] = events(session, "delegation.granted")
    assert event.detail == {"lawyer_id": staff.other_lawyer.id,
                            "secretary_id": staff.idle_secretary.id}
    twice = post_form(client, "/kantoor/delegaties", {
        "lawyer_id": staff.other_lawyer.id, "secretary_id": staff.idle_secretary.id})
    assert twice.status_code == 400
    post_form(client, "/kantoor/delegaties/intrekken", {
        "lawyer_id": staff.other_lawyer.id, "secretary_id": staff.idle_secretary.id})
    assert not sees()
    assert len(events(session, "delegation.revoked")) == 1


def test_a_lawyer_grants_delegation_for_themself_only(client, session, staff, as_staff):
    """A lawyer cannot grant or revoke on behalf of another lawyer."""
    as_staff(staff.lawyer)
    page = html_of(client.get("/kantoor/delegaties"))
    assert "Els Secr" in page
    response = post_form(client, "/kantoor/delegaties", {
        "lawyer_id": staff.other_lawyer.id, "secretary_id": staff.idle_secretary.id})
    assert response.status_code == 302
    pairs = {(d.lawyer_id, d.secretary_id) for d in session.exec(select(Delegation))}
    assert pairs == {(staff.lawyer.id, staff.secretary.id),
                     (staff.lawyer.id, staff.idle_secretary.id)}
    session.add(Delegation(lawyer_id=staff.other_lawyer.id, secretary_id=staff.secretary.id))
    session.commit()
    response = post_form(client, "/kantoor/delegaties/intrekken", {
        "lawyer_id": staff.other_lawyer.id, "secretary_id": staff.secretary.id})
    assert response.status_code == 404
    assert session.get(Delegation, (staff.other_lawyer.id, staff.secretary.id)) is not None
    assert post_form(client, "/kantoor/delegaties/intrekken", {
        "lawyer_id": staff.lawyer.id, "secretary_id": staff.secretary.id}).status_code == 302
    session.expire_all()
    assert session.get(Delegation, (staff.lawyer.id, staff.secretary.id)) is None


def test_a_secretary_sees_whom_they_act_for_but_grants_nothing(client, session, staff,
                                                               as_staff):
    """Read only: the list of their lawyers; a POST is a 404."""
    as_staff(staff.secretary)
    page = html_of(client.get("/kantoor/delegaties"))
    assert "mr. Jansen" in page and "<form method=\"post\" novalidate" not in page
    response = post_form(client, "/kantoor/delegaties", {
        "lawyer_id": staff.other_lawyer.id, "secretary_id": staff.secretary.id})
    assert response.status_code == 404
    assert post_form(client, "/kantoor/delegaties/intrekken", {
        "lawyer_id": staff.lawyer.id, "secretary_id": staff.secretary.id}).status_code == 404
    assert len(session.exec(select(Delegation)).all()) == 1


ADMIN_URLS = [
    ("get", "/kantoor/instellingen"), ("post", "/kantoor/instellingen"),
    ("post", "/kantoor/instellingen/logo"), ("post", "/kantoor/instellingen/logo/verwijderen"),
    ("get", "/kantoor/instellingen/statussen"), ("post", "/kantoor/instellingen/statussen"),
    ("get", "/kantoor/instellingen/statussen/closed"),
    ("post", "/kantoor/instellingen/statussen/closed/verwijderen"),
    ("post", "/kantoor/instellingen/statussen/closed/verplaatsen"),
    ("post", "/kantoor/instellingen/statussen/closed/in-behandeling"),
    ("get", "/kantoor/medewerkers"), ("post", "/kantoor/medewerkers"),
    ("get", "/kantoor/medewerkers/{id}"), ("post", "/kantoor/medewerkers/{id}/rol"),
    ("post", "/kantoor/medewerkers/{id}/deactiveren"),
    ("post", "/kantoor/medewerkers/{id}/activeren"),
    ("post", "/kantoor/medewerkers/{id}/uitnodiging"),
]


@pytest.mark.parametrize("who", ["lawyer", "secretary", "idle_secretary"])
def test_settings_and_staff_accounts_are_404_for_non_admins(client, session, staff, as_staff,
                                                            who):
    """Only an admin: others get 404 and nothing changes."""
    as_staff(getattr(staff, who))
    for method, url in ADMIN_URLS:
        url = url.format(id=staff.other_lawyer.id)
        data = {"name": "X", "role": "admin", "label_nl": "X", "label_en": "X",
                "direction": "up", **SETTINGS}
        response = (post_form(client, url, data) if method == "post" else client.get(url))
        assert response.status_code == 404, (method, url)
    assert saved(session) is None
    assert session.get(DossierStatus, "closed") is not None
    assert session.get(User, staff.other_lawyer.id).role == "lawyer"
