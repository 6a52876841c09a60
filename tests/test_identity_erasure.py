"""Identity documents (Wwft, AVG): erased, file and row, by the background loop once their
dossier has been closed longer than the retention period (5 years by default; 29 February),
with an audit event and the item marked; not before, not after a reopening, never another
file; once when two loops run at once. The audit log names the new actions."""
import os
from datetime import datetime, timedelta, timezone

import pytest
from helpers import at_once, documents, events, run_cli, text_of
from sqlmodel import select
from twostep_helpers import login_staff

from app import storage
from app.doc_requests import erase_identity_documents, years_before
from app.models import (
    CAT_CORRESPONDENCE,
    AuditEvent,
    DocumentDownload,
    DossierStatus,
    FirmSettings,
    RequestItem,
    utcnow,
)

CLOSED = datetime(2027, 6, 1, 10, 0, tzinfo=timezone.utc)


class Case:
    """Jan's dossier with a request: a passport (identity) and a payslip, both handed in,
    and a letter of the firm."""


@pytest.fixture
def case(make, session, staff):
    c = Case()
    c.jan = make.user(email="jan@example.nl", name="Jan de Vries")
    c.dossier = make.dossier(clients=[c.jan], lawyer=staff.lawyer, number="2026-0042")
    c.request = make.document_request(c.dossier, c.jan, by=staff.lawyer, items=[
        {"title": "Kopie paspoort", "explanation": "Voor- en achterkant", "is_identity": True},
        {"title": "Loonstrook"}])
    c.passport_item, c.payslip_item = c.request.items
    c.passport = make.hand_in(c.passport_item, c.jan, "paspoort.pdf", b"%PDF paspoort")
    c.passport_back = make.hand_in(c.passport_item, c.jan, "achterkant.pdf", b"%PDF achter")
    c.payslip = make.hand_in(c.payslip_item, c.jan, "loonstrook.pdf", b"%PDF loonstrook")
    c.letter = make.document(c.dossier, CAT_CORRESPONDENCE, by=staff.lawyer)
    c.key = {name: getattr(c, name).storage_key
             for name in ("passport", "passport_back", "payslip", "letter")}
    for document in (c.passport, c.passport_back, c.payslip, c.letter):
        session.expunge(document)  # as they were: readable after their rows are gone
    # The lawyer downloaded the passport: the download row goes with it.
    session.add(DocumentDownload(document_id=c.passport.id, user_id=staff.lawyer.id))
    session.commit()
    return c


def set_status(session, dossier, code, at):
    dossier.status_code, dossier.status_changed_at = code, at
    session.add(dossier)
    session.commit()


def on_disk(app, key):
    with app.app_context():
        return os.path.exists(storage.path_for(key))


def ids(session):
    return [d.id for d in documents(session)]


def test_identity_documents_go_five_years_after_the_dossier_closed(app, session, case):
    assert case.passport.identity and case.passport_back.identity
    assert not case.payslip.identity and not case.letter.identity
    set_status(session, case.dossier, "closed", CLOSED)
    everything = ids(session)
    assert erase_identity_documents(app, now=CLOSED + timedelta(days=4 * 365)) == 0
    assert erase_identity_documents(app, now=datetime(2032, 6, 1, 9, 59, 59,
                                                      tzinfo=timezone.utc)) == 0
    assert ids(session) == everything
    moment = datetime(2032, 6, 1, 10, 0, tzinfo=timezone.utc)
    assert erase_identity_documents(app, now=moment) == 2
    assert ids(session) == [case.payslip.id, case.letter.id]
    assert not on_disk(app, case.key["passport"]) and not on_disk(app, case.key["passport_back"])
    assert on_disk(app, case.key["payslip"]) and on_disk(app, case.key["letter"])
    assert session.exec(select(DocumentDownload)).all() == []
    session.expire_all()
    item = session.get(RequestItem, case.passport_item.id)
    assert item.erased_at == moment
    assert session.get(RequestItem, case.payslip_item.id).erased_at is None
    erased = events(session, "identity_document.erased")
    assert [(e.target_type, e.target_id, e.dossier_id, e.actor_id) for e in erased] == [
        ("document", case.passport.id, case.dossier.id, None),
        ("document", case.passport_back.id, case.dossier.id, None)]
    assert erased[0].detail == {"item": "Kopie paspoort", "sha256": case.passport.sha256}
    assert erase_identity_documents(app, now=moment + timedelta(days=400)) == 0  # once


def test_not_while_the_dossier_is_open_or_after_it_was_reopened(app, session, case):
    assert erase_identity_documents(app, now=CLOSED + timedelta(days=20 * 365)) == 0
    set_status(session, case.dossier, "closed", CLOSED)
    set_status(session, case.dossier, "in_progress", CLOSED + timedelta(days=30))  # reopened
    assert erase_identity_documents(app, now=CLOSED + timedelta(days=20 * 365)) == 0
    set_status(session, case.dossier, "waiting", CLOSED + timedelta(days=60))
    assert erase_identity_documents(app, now=CLOSED + timedelta(days=20 * 365)) == 0
    # Closed again: the period counts from then.
    closed_again = CLOSED + timedelta(days=3 * 365)
    set_status(session, case.dossier, "closed", closed_again)
    assert erase_identity_documents(app, now=CLOSED + timedelta(days=6 * 365)) == 0
    assert erase_identity_documents(app, now=closed_again.replace(year=2035)) == 2
    assert len(ids(session)) == 2


def test_any_status_marked_closed_counts_and_only_those(app, session, make, case):
    session.add(DossierStatus(code="archived", label_nl="Gearchiveerd", label_en="Archived",
                              position=9, closed=True))
    session.add(DossierStatus(code="on_hold", label_nl="Aangehouden", label_en="On hold",
                              position=10, closed=False, retention_days=1))
    session.commit()
    set_status(session, case.dossier, "on_hold", CLOSED)
    assert erase_identity_documents(app, now=CLOSED.replace(year=2040)) == 0
    set_status(session, case.dossier, "archived", CLOSED)
    assert erase_identity_documents(app, now=CLOSED.replace(year=2040)) == 2


def test_only_identity_documents_of_closed_dossiers(app, session, make, staff, case):
    """Another client's identity document in an open dossier stays; a non-identity file
    stays wherever it is."""
    kees = make.user(email="kees@example.nl")
    open_dossier = make.dossier(clients=[kees], lawyer=staff.lawyer)
    [item] = make.document_request(open_dossier, kees, items=[
        {"title": "ID-kaart", "is_identity": True}]).items
    kees_id = make.hand_in(item, kees, "id.pdf", b"%PDF id")
    set_status(session, case.dossier, "closed", CLOSED)
    assert erase_identity_documents(app, now=CLOSED.replace(year=2033)) == 2
    assert sorted(ids(session)) == sorted([case.payslip.id, case.letter.id, kees_id.id])
    assert on_disk(app, kees_id.storage_key)


def test_the_firms_retention_period(app, session, case):
    session.add(FirmSettings(id=1, identity_retention_years=2))
    session.commit()
    set_status(session, case.dossier, "closed", CLOSED)
    assert erase_identity_documents(app, now=CLOSED.replace(year=2029) - timedelta(seconds=1)) \
        == 0
    assert erase_identity_documents(app, now=CLOSED.replace(year=2029)) == 2


@pytest.mark.parametrize("closed, now, erased", [
    # Closed on 29 February: five years later has no 29 February; it goes on 1 March.
    ("2028-02-29T12:00", "2033-02-28T11:59", False),
    ("2028-02-29T12:00", "2033-02-28T23:59", False),
    ("2028-02-29T12:00", "2033-03-01T00:00", True),
    # Counting back from a 29 February to a year without one: the 28th.
    ("2027-02-28T12:00", "2032-02-28T11:59", False),
    ("2027-02-28T12:00", "2032-02-29T12:00", True),
    ("2027-03-01T00:00", "2032-02-29T23:59", False),
    ("2027-03-01T00:00", "2032-03-01T00:00", True),
])
def test_29_february(app, session, case, closed, now, erased):
    def moment(text):
        return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)
    set_status(session, case.dossier, "closed", moment(closed))
    assert erase_identity_documents(app, now=moment(now)) == (2 if erased else 0)


def test_years_before():
    leap = datetime(2028, 2, 29, 12, 0, tzinfo=timezone.utc)
    assert years_before(leap, 5) == datetime(2023, 2, 28, 12, 0, tzinfo=timezone.utc)
    assert years_before(leap, 4) == datetime(2024, 2, 29, 12, 0, tzinfo=timezone.utc)
    assert years_before(datetime(2033, 3, 1, tzinfo=timezone.utc), 5) == \
        datetime(2028, 3, 1, tzinfo=timezone.utc)


def test_two_loops_at_once_erase_each_document_once(app, session, make, staff, case):
    """Two background loops (processes) at the same moment: each document is erased and
    audited once, and neither loop fails (SQLite serialises them; on PostgreSQL the second
    one's DELETE finds nothing)."""
    others = []
    for n in range(4):
        person = make.user(email=f"klant{n}@example.nl")
        dossier = make.dossier(clients=[person], lawyer=staff.lawyer, status="closed")
        [item] = make.document_request(dossier, person, items=[
            {"title": "Paspoort", "is_identity": True}]).items
        others.append(make.hand_in(item, person, "p.pdf", b"%PDF p" + bytes([n])).storage_key)
        set_status(session, dossier, "closed", CLOSED)
    set_status(session, case.dossier, "closed", CLOSED)
    now = CLOSED.replace(year=2033)
    results = at_once(2, lambda: erase_identity_documents(app, now=now))
    assert sum(results) == 6
    assert len(events(session, "identity_document.erased")) == 6
    assert sorted(ids(session)) == sorted([case.payslip.id, case.letter.id])
    assert not any(on_disk(app, key) for key in others)


def test_the_command_for_cron(app, session, case):
    set_status(session, case.dossier, "closed", utcnow() - timedelta(days=6 * 366))
    assert run_cli(app, "erase-identity-documents").output == "Identity documents erased: 2.\n"
    assert len(ids(session)) == 2


def test_the_audit_log_names_the_new_actions_and_targets(app, client, session, staff, case):
    """Every action of requests for documents in words, in Dutch and in English, with what
    it is about."""
    set_status(session, case.dossier, "closed", CLOSED)
    erase_identity_documents(app, now=CLOSED.replace(year=2033))
    login_staff(client, session, staff.admin)
    page = text_of(client.get("/kantoor/auditlog"))
    for label in ("Stukken opgevraagd", "Stuk aangeleverd",
                  "Identiteitsbewijs verwijderd na de bewaartermijn"):
        assert label in page
    assert "Verzoek om stukken 1" in page  # request.sent is about the request
    assert "request." not in page and "identity_document." not in page
    from flask_babel import force_locale

    from app.audit import action_label
    from app.staff.audit_log import TARGETS
    expected = {
        "request.sent": ("Stukken opgevraagd", "Documents requested"),
        "request.items_added": ("Stukken toegevoegd aan een verzoek",
                                "Documents added to a request"),
        "request.file_handed_in": ("Stuk aangeleverd", "Document handed in"),
        "request.item_approved": ("Aangeleverd stuk goedgekeurd", "Handed-in document approved"),
        "request.item_rejected": ("Aangeleverd stuk afgekeurd", "Handed-in document rejected"),
        "request.item_withdrawn": ("Opgevraagd stuk ingetrokken", "Requested document withdrawn"),
        "request.completed": ("Verzoek om stukken afgerond", "Request for documents completed"),
        "identity_document.erased": ("Identiteitsbewijs verwijderd na de bewaartermijn",
                                     "Identity document erased after the retention period"),
    }
    with app.test_request_context():
        for language, index in (("nl", 0), ("en", 1)):
            with force_locale(language):
                assert {a: action_label(a) for a in expected} == \
                    {a: labels[index] for a, labels in expected.items()}
                assert [str(TARGETS[t]) for t in ("documentrequest", "requestitem")] == (
                    ["Verzoek om stukken", "Opgevraagd stuk"] if language == "nl"
                    else ["Request for documents", "Requested document"])


def test_an_item_event_names_the_item(app, client, session, staff, case):
    from app import doc_requests
    session.refresh(case.payslip_item)
    doc_requests.decide(session, staff.lawyer, case.payslip_item, case.payslip_item.revision,
                        approve=False, reason="Onleesbaar")
    session.commit()
    event = session.exec(select(AuditEvent).where(
        AuditEvent.action == "request.item_rejected")).one()
    assert event.target_type == "requestitem"
    login_staff(client, session, staff.admin)
    page = text_of(client.get("/kantoor/auditlog"))
    assert "Aangeleverd stuk afgekeurd" in page and "Opgevraagd stuk: Loonstrook" in page
