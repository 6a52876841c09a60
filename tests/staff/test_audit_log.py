"""The audit log: who sees which events, the columns, filters, pages, the CSV export, and that
nothing in the app can change or delete an event."""
import csv
import io
import json
import pathlib
import re
from datetime import datetime, timedelta, timezone

import pytest
from helpers import html_of
from sqlmodel import func, select

from app.models import AuditEvent, Document, utcnow
from app.staff.audit_log import safe_cell

NOON_UTC = datetime(2026, 1, 15, 12, 0, tzinfo=timezone.utc)  # 13:00 in Amsterdam


def add_event(session, action, actor=None, dossier=None, at=None, ip="192.0.2.7", target=None,
              **detail):
    event = AuditEvent(action=action, actor_id=actor.id if actor else None,
                       dossier_id=dossier.id if dossier else None, at=at or utcnow(), ip=ip,
                       target_type=type(target).__name__.lower() if target else None,
                       target_id=target.id if target else None, detail=detail)
    session.add(event)
    session.commit()
    return event


def rows_of(page):
    """The table rows of the audit log page, as lists of cell texts."""
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in page else ""
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        cells = re.findall(r"<td(?: [^>]*)?>(.*?)</td>", row, re.S)
        rows.append([" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in cells])
    return rows


def world(session, make, staff):
    """Two dossiers (one per lawyer), each with a client and some events."""
    jan = make.user(email="jan@example.nl", name="Jan Klant")
    piet = make.user(email="piet@example.nl", name="Piet Ander")
    own = make.dossier(clients=[jan], lawyer=staff.lawyer, number="2026-0001")
    other = make.dossier(clients=[piet], lawyer=staff.other_lawyer, number="2026-0999")
    document = Document(dossier_id=own.id, category="document", title="Koopakte", filename="k.pdf",
                        content_type="application/pdf", sha256="0" * 64, storage_key="a" * 32)
    session.add(document)
    session.commit()
    add_event(session, "document.downloaded", jan, own, NOON_UTC, target=document)
    add_event(session, "message.sent", staff.secretary, own, NOON_UTC + timedelta(hours=1),
              on_behalf_of=staff.lawyer.id)
    add_event(session, "document.downloaded", piet, other, NOON_UTC + timedelta(days=2))
    add_event(session, "login", piet, None, NOON_UTC + timedelta(days=3), target=piet)
    add_event(session, "login.failed", None, None, NOON_UTC + timedelta(days=3),
              email="=cmd|' /C calc'!A0")
    return own, other, jan, piet


def test_admin_sees_every_event_with_its_columns(client, session, make, staff, as_staff):
    """When (local time), who (and on behalf of whom), action, target, dossier, IP."""
    world(session, make, staff)
    as_staff(staff.admin)
    rows = rows_of(html_of(client.get("/kantoor/auditlog?dossier=2026-0001")))
    assert len(rows) == 2
    sent, downloaded = rows  # newest first
    assert sent[0] == "15 januari 2026 om 14:00"  # app/dates.py
    assert sent[1] == "Els Secr (namens mr. Jansen)"
    assert sent[2] == "Bericht verstuurd"
    assert downloaded[1:] == ["Jan Klant", "Document gedownload", "Document: Koopakte",
                              "2026-0001", "192.0.2.7"]
    everything = rows_of(html_of(client.get("/kantoor/auditlog")))
    assert len(everything) == session.exec(select(func.count()).select_from(AuditEvent)).one()


def test_a_lawyer_sees_their_dossiers_and_own_actions_only(client, session, make, staff,
                                                           as_staff):
    """Not the other lawyer's dossier, not other people's logins."""
    own, other, jan, piet = world(session, make, staff)
    as_staff(staff.lawyer)
    page = html_of(client.get("/kantoor/auditlog"))
    assert "2026-0001" in page
    assert "2026-0999" not in page and "Piet Ander" not in page and "calc" not in page
    actions = {row[2] for row in rows_of(page)}
    assert actions >= {"Document gedownload", "Bericht verstuurd", "Ingelogd"}  # own login


def test_a_secretary_sees_the_events_of_the_lawyers_who_delegated(client, session, make, staff,
                                                                  as_staff):
    """Delegated: the lawyer's dossier; without delegation: only their own actions."""
    world(session, make, staff)
    as_staff(staff.secretary)
    page = html_of(client.get("/kantoor/auditlog"))
    assert "2026-0001" in page and "2026-0999" not in page


def test_an_idle_secretary_sees_no_dossier_events(app, session, make, staff):
    """Without delegation no dossier's events show, and the export holds none either."""
    from twostep_helpers import login_staff
    world(session, make, staff)
    client = app.test_client()
    login_staff(client, session, staff.idle_secretary)
    page = html_of(client.get("/kantoor/auditlog"))
    assert "2026-0001" not in page and "2026-0999" not in page
    export = html_of(client.get("/kantoor/auditlog/export.csv"))
    assert "2026-0001" not in export and "2026-0999" not in export


def test_filter_by_person_dossier_and_dates(client, session, make, staff, as_staff):
    """Each filter narrows the list; together they combine."""
    world(session, make, staff)
    as_staff(staff.admin)

    def actions(query):
        return [(row[1], row[4]) for row in rows_of(html_of(client.get("/kantoor/auditlog?"
                                                                      + query)))]
    assert actions("person=piet") == [("Piet Ander", ""), ("Piet Ander", "2026-0999")]
    assert actions("person=JAN%40example") == [("Jan Klant", "2026-0001")]
    assert actions("dossier=0999") == [("Piet Ander", "2026-0999")]
    assert actions("from=2026-01-17&to=2026-01-17") == [("Piet Ander", "2026-0999")]
    assert actions("from=15-01-2026&to=2026-01-15") == [
        ("Els Secr (namens mr. Jansen)", "2026-0001"), ("Jan Klant", "2026-0001")]
    assert actions("person=jan&dossier=0999") == []
    assert actions("person=%25") == []  # % is a character, not a wildcard


def test_a_bad_date_is_explained_and_kept(client, session, make, staff, as_staff):
    """A clear message, the typed value stays, no events are shown."""
    world(session, make, staff)
    as_staff(staff.admin)
    response = client.get("/kantoor/auditlog?from=gisteren&person=jan")
    assert response.status_code == 400
    page = html_of(response)
    assert "Vul een datum in zoals 24-11-2026." in page
    assert 'value="gisteren"' in page and 'value="jan"' in page
    assert rows_of(page) == []
    wrong_way = client.get("/kantoor/auditlog?from=2026-02-01&to=2026-01-01")
    assert "De einddatum ligt vóór de begindatum." in html_of(wrong_way)
    assert client.get("/kantoor/auditlog/export.csv?from=x").status_code == 400


def test_the_log_is_paginated(client, session, staff, as_staff):
    """50 events per page, the filter kept in the page links."""
    for n in range(60):
        add_event(session, "message.read", staff.lawyer, at=NOON_UTC + timedelta(minutes=n))
    as_staff(staff.admin)
    first = html_of(client.get("/kantoor/auditlog?person=jansen"))
    assert len(rows_of(first)) == 50
    assert "Pagina 1 van 2" in first
    assert 'href="/kantoor/auditlog?page=2&amp;person=jansen"' in first
    second = html_of(client.get("/kantoor/auditlog?page=2&person=jansen"))
    assert len(rows_of(second)) == 10
    assert client.get("/kantoor/auditlog?page=999&person=jansen").status_code == 200


def test_csv_export_of_the_filtered_events(client, session, make, staff, as_staff):
    """A header row, one line per event, formulas neutralised, and the export is audited."""
    world(session, make, staff)
    as_staff(staff.admin)
    response = client.get("/kantoor/auditlog/export.csv?dossier=2026-0001")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="auditlog-')
    text = response.get_data(as_text=True).lstrip("\ufeff")
    lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert lines[0] == ["Wanneer", "Wie", "E-mailadres", "Namens", "Actie", "Actiecode",
                        "Onderwerp", "Dossier", "IP-adres", "Details"]
    assert [line[5] for line in lines[1:]] == ["message.sent", "document.downloaded"]
    assert lines[1][0] == "2026-01-15 14:00:00" and lines[1][3] == "mr. Jansen"
    assert json.loads(lines[1][9]) == {"on_behalf_of": staff.lawyer.id}
    [exported] = session.exec(select(AuditEvent).where(AuditEvent.action == "audit.exported"))
    assert exported.actor_id == staff.admin.id
    assert exported.detail == {"rows": 2, "dossier": "2026-0001"}

    failed = client.get("/kantoor/auditlog/export.csv?person=").get_data(as_text=True)
    cells = [cell for line in csv.reader(io.StringIO(failed.lstrip("\ufeff")), delimiter=";")
             for cell in line]
    assert "'=cmd|' /C calc'!A0" in cells
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)


def test_safe_cell():
    """Cells that a spreadsheet would run as a formula start with a quote."""
    assert [safe_cell(v) for v in ("=1+1", "+31 6", "-2", "@SUM(A1)", "\tx", "ok", None, 5)] \
        == ["'=1+1", "'+31 6", "'-2", "'@SUM(A1)", "'\tx", "ok", "", "5"]


# ---- nothing changes or deletes an audit event

SAFE = {"GET", "HEAD", "OPTIONS"}


def test_no_route_can_change_or_delete_audit_events(app):
    """The audit log's routes only read (GET); no code anywhere updates or deletes AuditEvent
    rows or makes them other than through app.audit.record."""
    audit_log_rules = [rule for rule in app.url_map.iter_rules()
                       if app.view_functions[rule.endpoint].__module__ == "app.staff.audit_log"]
    assert {r.endpoint for r in audit_log_rules} == {"staff.audit_log",
                                                      "staff.audit_log_export"}
    for rule in audit_log_rules:
        assert set(rule.methods) <= SAFE, f"{rule.rule} ({rule.endpoint}) may write"

    root = pathlib.Path(app.root_path)
    writes = re.compile(r"(delete|update)\(\s*AuditEvent|AuditEvent\.__table__\.(delete|update)"
                        r"|DELETE\s+FROM\s+auditevent|UPDATE\s+auditevent", re.I)
    for path in root.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        source = path.read_text(encoding="utf-8")
        assert not writes.search(source), f"{path} changes or deletes audit events"
        if path.name not in ("audit.py", "models.py"):
            assert "AuditEvent(" not in source, f"{path}: add events through app.audit.record"


def test_the_orm_refuses_to_change_or_delete_an_event(app, session, staff):
    """Even code that tried could not: an update or delete of an event raises."""
    event = add_event(session, "login", staff.lawyer)
    event.action = "logout"
    with pytest.raises(PermissionError):
        session.commit()
    session.rollback()
    session.delete(session.get(AuditEvent, event.id))
    with pytest.raises(PermissionError):
        session.commit()
    session.rollback()
    assert session.get(AuditEvent, event.id).action == "login"


# ---- the events of real logins, through the login pages

def login_events(session):
    session.expire_all()
    return [(e.action, e.actor_id, e.target_id, e.ip, e.detail) for e in session.exec(
        select(AuditEvent).where(AuditEvent.action.startswith("login"))
        .order_by(AuditEvent.id))]


def test_a_real_two_step_login_is_audited(app, session, staff):
    """Password right, a wrong code, then the right one: who, what and IP 127.0.0.1."""
    from helpers import login, post_form
    from twostep_helpers import totp_code, with_app

    secret = with_app(session, staff.lawyer)
    client = app.test_client()
    assert login(client, staff.lawyer.email).status_code == 302
    wrong = "000000" if totp_code(secret) != "000000" else "111111"
    assert post_form(client, "/inloggen/verificatie/app", {"code": wrong}).status_code == 401
    assert post_form(client, "/inloggen/verificatie/app",
                     {"code": totp_code(secret)}).status_code == 302
    lawyer = staff.lawyer.id
    events = login_events(session)
    assert [e[:4] for e in events] == [
        ("login.password_ok", lawyer, lawyer, "127.0.0.1"),
        ("login.two_step_failed", None, lawyer, "127.0.0.1"),
        ("login", lawyer, lawyer, "127.0.0.1")]
    assert events[1][4]["method"] == "app" and events[2][4]["method"] == "app"


def test_a_failed_and_a_plain_login_are_audited(app, session, make, staff):
    """A wrong password (no actor: nobody proved who they are) and a client's login without
    two-step; the admin reads them in the log with their Dutch labels."""
    from helpers import login
    from twostep_helpers import login_staff
    jan = make.user(email="jan@example.nl", name="Jan Klant")
    browser = app.test_client()
    assert login(browser, "jan@example.nl", "verkeerd").status_code == 401
    assert login(browser, "niemand@example.nl", "verkeerd").status_code == 401
    assert login(browser, "jan@example.nl").status_code == 302
    events = login_events(session)
    assert [e[:4] for e in events] == [("login.failed", None, jan.id, "127.0.0.1"),
                                       ("login.failed", None, None, "127.0.0.1"),
                                       ("login", jan.id, jan.id, "127.0.0.1")]
    assert events[0][4]["email"] == "jan@example.nl"
    assert events[1][4]["email"] == "niemand@example.nl"

    admin = app.test_client()
    login_staff(admin, session, staff.admin)
    rows = rows_of(html_of(admin.get("/kantoor/auditlog")))
    seen = [(row[1], row[2], row[5]) for row in rows]
    assert ("Jan Klant", "Ingelogd", "127.0.0.1") in seen
    assert ("Admin", "Wachtwoord juist, tweede stap gevraagd", "127.0.0.1") in seen
    assert [row[2] for row in rows].count("Inloggen mislukt") == 2


def test_every_action_the_app_writes_has_a_translated_label(app):
    """Each action passed to app.audit.record (and the dynamic ones) shows as words in the
    log, in Dutch for a Dutch reader: no bare codes like "account.email_changed"."""
    import ast

    from flask_babel import force_locale

    from app.audit import ACTIONS, action_label
    written = {"step.added", "step.renamed", "step.moved", "step.done", "step.undone",
               "step.deleted", "draft.expired", "two_step.sms_changed"}
    for path in pathlib.Path(app.root_path).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "record"
                    and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant)):
                written.add(node.args[1].value)
    assert {"dossier.viewed", "questionnaire.answers_viewed", "account.name",
            "account.email_change_requested", "account.email_changed",
            "account.other_sessions_ended"} <= written | set(ACTIONS)
    assert sorted(written - set(ACTIONS)) == []
    with app.test_request_context(), force_locale("nl"):
        untranslated = [a for a in ACTIONS if action_label(a) == str(ACTIONS[a]._args[0])]
        labels = {a: action_label(a) for a in ("dossier.viewed", "questionnaire.answers_viewed",
                                               "account.name", "account.email_changed",
                                               "account.email_change_requested",
                                               "account.other_sessions_ended")}
    assert labels == {"dossier.viewed": "Dossier bekeken",
                      "questionnaire.answers_viewed": "Antwoorden vragenlijst bekeken",
                      "account.name": "Naam gewijzigd",
                      "account.email_changed": "E-mailadres gewijzigd",
                      "account.email_change_requested": "Wijziging e-mailadres aangevraagd",
                      "account.other_sessions_ended": "Uitgelogd op andere apparaten"}
    assert untranslated == []


def test_a_logout_names_the_account_not_a_python_type(app, session, make, staff):
    """Issue 16, point 5: a logout recorded `current_user`, a proxy, so the log said
    "localproxy 4". The row behind it is recorded now, and an event written the old way is
    read as the user it was about. No row of the log shows the name of a Python type."""
    from helpers import login, post_form
    from twostep_helpers import login_staff
    jan = make.user(email="jan@example.nl", name="Jan Klant")
    browser = app.test_client()
    assert login(browser, "jan@example.nl").status_code == 302
    assert post_form(browser, "/uitloggen", {}).status_code == 302
    logout = session.exec(select(AuditEvent).where(AuditEvent.action == "logout")).one()
    assert (logout.target_type, logout.target_id) == ("user", jan.id)
    add_event(session, "logout", actor=jan, ip="192.0.2.8")  # as written before the fix:
    old = session.exec(select(AuditEvent).where(AuditEvent.ip == "192.0.2.8")).one()
    session.execute(AuditEvent.__table__.update().where(AuditEvent.id == old.id)
                    .values(target_type="localproxy", target_id=jan.id))
    session.commit()

    admin = app.test_client()
    login_staff(admin, session, staff.admin)
    page = html_of(admin.get("/kantoor/auditlog"))
    logouts = [row for row in rows_of(page) if row[2] == "Uitgelogd"]
    assert len(logouts) == 2
    assert all("Jan Klant (jan@example.nl)" in row for row in logouts), logouts
    assert "localproxy" not in page.lower()
    export = admin.get("/kantoor/auditlog/export.csv").get_data(as_text=True)
    assert "localproxy" not in export.lower() and export.count("Jan Klant") >= 2
