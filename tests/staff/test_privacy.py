"""Data protection (AVG/GDPR): an admin exports everything about one client as a zip, and
erases a client once every dossier they can see is past its status's retention period:
files really gone from disk, rows gone, shared dossiers kept, a tombstone without personal
data, audited with ids and counts only. Nobody else reaches either; CSRF on both. Also the
retention period on the status form and the date a dossier got its status."""
import io
import json
import os
import zipfile
from datetime import timedelta

import pytest
from helpers import csrf_token, events, login, post_form, text_of
from sqlalchemy import event
from sqlmodel import Session, select
from twostep_helpers import login_staff

from app import privacy, privacy_export, storage
from app.models import (
    CAT_ATTACHMENT,
    CAT_CORRESPONDENCE,
    CAT_DOCUMENT,
    CAT_PROVIDED,
    AuditEvent,
    Document,
    DocumentDownload,
    Dossier,
    DossierClient,
    DossierStatus,
    LoginSession,
    Message,
    MessageRead,
    NotificationItem,
    OneTimeToken,
    OutgoingMail,
    ProgressStep,
    Questionnaire,
    QuestionnaireAnswer,
    QuestionnaireAssignment,
    RecoveryCode,
    User,
    utcnow,
)
from app.questionnaires.definition import new_version

SECRET = "GEHEIM-JAN"  # in everything of Jan's
OTHER = "PIET-PRIVE"  # in everything of Piet's own dossier: never in Jan's export
DEFINITION = {"steps": [{"title": "Gegevens", "questions": [
    {"id": "naam", "type": "text", "label": "Uw naam", "required": True}]}]}


def on_disk(app, document):
    with app.app_context():
        return os.path.exists(storage.path_for(document.storage_key))


def message(make, dossier, sender, subject, from_client=True, **kw):
    """A message whose text repeats its subject (so Jan's secret is in Jan's)."""
    return make.message(dossier, sender, from_client=from_client, subject=subject,
                        body=f"{subject}: de tekst", **kw)


class World:
    """Jan with a dossier of his own, one shared with Piet, and Piet's own dossier."""


@pytest.fixture
def world(make, session, staff):
    w = World()
    s = session
    w.jan = make.user(email="jan@example.nl", name="Jan de Vries")
    w.jan.phone, w.jan.sms_phone, w.jan.sms_enabled = "+31612345678", "+31612345678", True
    w.jan.totp_secret = "JBSWY3DPEHPK3PXP"
    w.piet = make.user(email="piet@example.nl", name="Piet Bakker")
    w.own = make.dossier(clients=[w.jan], number="2026-0001", status="closed",
                         lawyer=staff.lawyer, description=f"{SECRET} scheiding")
    w.shared = make.dossier(clients=[w.jan, w.piet], number="2026-0002", status="closed",
                            lawyer=staff.lawyer, description="Gezamenlijke koop")
    w.piets = make.dossier(clients=[w.piet], number="2026-0003", status="closed",
                           lawyer=staff.other_lawyer, description=f"{OTHER} dossier")
    lawyer = staff.lawyer
    w.from_firm = message(make, w.own, lawyer, "Uw scheiding", from_client=False)
    w.reply = message(make, w.own, w.jan, f"{SECRET} antwoord", reply_to_id=w.from_firm.id)
    w.in_shared = message(make, w.shared, w.jan, "Over de koop")
    w.draft = message(make, w.shared, w.jan, "Half af", sent=False)
    w.piets_message = message(make, w.piets, w.piet, f"{OTHER} bericht")
    w.docs = {
        "letter": make.document(w.own, CAT_CORRESPONDENCE, "Brief", "brief.pdf",
                                b"%PDF brief " + SECRET.encode(), by=lawyer),
        "deed": make.document(w.own, CAT_DOCUMENT, "Akte", "akte.pdf", b"%PDF akte",
                              by=lawyer),
        "provided": make.document(w.own, CAT_PROVIDED, "Loonstrook", "loonstrook.pdf",
                                  b"%PDF loonstrook", by=w.jan),
        "withdrawn": make.document(w.own, CAT_DOCUMENT, "Ingetrokken", "ingetrokken.pdf",
                                   b"%PDF ingetrokken", by=lawyer, withdrawn_at=utcnow()),
        "att_in": make.document(w.own, CAT_ATTACHMENT, "Bijlage", "bijlage.pdf",
                                b"%PDF bijlage", by=lawyer, message=w.from_firm),
        "draft_att": make.document(w.shared, CAT_ATTACHMENT, "Concept", "concept.pdf",
                                   b"%PDF conceptbijlage", by=w.jan, message=w.draft),
        "pdf": make.document(w.own, CAT_PROVIDED, "Vragenlijst", "vragenlijst.pdf",
                             b"%PDF antwoorden", by=w.jan),
        "shared": make.document(w.shared, CAT_CORRESPONDENCE, "Koopakte", "koopakte.pdf",
                                b"%PDF koopakte", by=lawyer),
        "piets": make.document(w.piets, CAT_CORRESPONDENCE, f"{OTHER} brief", "piet.pdf",
                               b"%PDF " + OTHER.encode(), by=staff.other_lawyer),
    }
    s.add_all([ProgressStep(dossier_id=w.own.id, title_nl="Intake", title_en="Intake"),
               MessageRead(message_id=w.from_firm.id, user_id=w.jan.id),
               DocumentDownload(document_id=w.docs["letter"].id, user_id=w.jan.id),
               DocumentDownload(document_id=w.docs["shared"].id, user_id=w.jan.id)])
    questionnaire = Questionnaire(title="Intake", created_by_id=lawyer.id)
    s.add(questionnaire)
    s.flush()
    version = new_version(s, questionnaire, title="Intake scheiding", definition=DEFINITION)
    s.flush()
    w.done = QuestionnaireAssignment(version_id=version.id, dossier_id=w.own.id,
                                     client_id=w.jan.id, sent_by_id=lawyer.id,
                                     completed_at=utcnow(), document_id=w.docs["pdf"].id)
    w.open = QuestionnaireAssignment(version_id=version.id, dossier_id=w.shared.id,
                                     client_id=w.jan.id, sent_by_id=lawyer.id)
    s.add_all([w.done, w.open])
    s.flush()
    s.add_all([QuestionnaireAnswer(assignment_id=w.done.id, step=1,
                                   answers={"naam": f"{SECRET} antwoord"}),
               QuestionnaireAnswer(assignment_id=w.open.id, step=1,
                                   answers={"naam": "Jan half"}),
               LoginSession(user_id=w.jan.id, token_hash="a" * 64, ip="192.0.2.7"),
               RecoveryCode(user_id=w.jan.id, kind="recovery", code_hash="x"),
               OneTimeToken(user_id=w.jan.id, purpose="password", token_hash="b" * 64,
                            expires_at=utcnow() + timedelta(hours=1)),
               NotificationItem(user_id=w.jan.id, kind="document"),
               OutgoingMail(recipient=w.jan.email, subject="Nieuw", body_text="t",
                            body_html="h"),
               AuditEvent(action="login", actor_id=w.jan.id, target_type="user",
                          target_id=w.jan.id, ip="192.0.2.7"),
               AuditEvent(action="user.created", actor_id=staff.admin.id,
                          target_type="user", target_id=w.jan.id),
               AuditEvent(action="login", actor_id=w.piet.id, target_type="user",
                          target_id=w.piet.id, ip="198.51.100.9",
                          detail={"note": OTHER})])
    s.commit()
    return w


def past_retention(session, *dossiers):
    """Let the dossiers have had their status for eight years."""
    for dossier in dossiers:
        dossier.status_changed_at = utcnow() - timedelta(days=8 * 365)
    session.commit()


def export(client, user_id):
    response = post_form(client, f"/kantoor/clienten/{user_id}/avg/exporteren", {})
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    response.close()
    return response, archive


# ---- export

def test_the_export_holds_everything_about_the_client_and_nothing_else(
        app, client, session, world, staff, as_staff):
    """Account, dossiers, documents in folders per dossier and tab, messages (JSON and
    text) with attachments, questionnaire answers and PDF, audit events; no secrets, no
    withdrawn document, nothing of Piet's own dossier; audited with counts only."""
    as_staff(staff.admin)
    response, archive = export(client, world.jan.id)
    disposition = response.headers["Content-Disposition"]
    assert f"client-{world.jan.id}-" in disposition and "jan" not in disposition.lower()
    assert "no-store" in response.headers["Cache-Control"]
    names = archive.namelist()
    docs = world.docs
    expected_files = {
        f"dossiers/2026-0001/Correspondentie/{docs['letter'].id} - brief.pdf",
        f"dossiers/2026-0001/Documenten/{docs['deed'].id} - akte.pdf",
        f"dossiers/2026-0001/Door mij aangeleverd/{docs['provided'].id} - loonstrook.pdf",
        f"dossiers/2026-0001/Door mij aangeleverd/{docs['pdf'].id} - vragenlijst.pdf",
        f"dossiers/2026-0001/Bijlagen/{docs['att_in'].id} - bijlage.pdf",
        f"dossiers/2026-0002/Correspondentie/{docs['shared'].id} - koopakte.pdf",
        f"dossiers/2026-0002/Bijlagen/{docs['draft_att'].id} - concept.pdf",
    }
    assert expected_files <= set(names)
    assert {"README.txt", "client.json", "dossiers.json", "messages.json", "messages.txt",
            "questionnaires.json", "audit.json"} <= set(names)
    assert archive.read(sorted(n for n in names if "brief.pdf" in n)[0]) == \
        b"%PDF brief " + SECRET.encode()
    everything = b"".join(archive.read(n) for n in names).decode("utf-8", "replace")
    assert OTHER not in everything and "ingetrokken" not in everything
    assert "JBSWY3DPEHPK3PXP" not in everything and "scrypt" not in everything
    assert "a" * 64 not in everything and "b" * 64 not in everything

    account = json.loads(archive.read("client.json"))
    assert (account["name"], account["email"], account["phone"]) == (
        "Jan de Vries", "jan@example.nl", "+31612345678")
    assert account["two_step"] == {"authenticator_app": False, "sms": True,
                                   "sms_phone": "+31612345678", "passkeys": []}
    assert account["login_sessions"][0]["ip"] == "192.0.2.7"
    dossiers = json.loads(archive.read("dossiers.json"))
    assert [d["number"] for d in dossiers] == ["2026-0001", "2026-0002"]
    letter = next(d for d in dossiers[0]["documents"] if d["id"] == docs["letter"].id)
    assert letter["downloaded"]["count"] == 1 and letter["file"] in names
    assert dossiers[0]["progress"][0]["nl"] == "Intake"

    messages = json.loads(archive.read("messages.json"))
    assert {m["subject"] for m in messages} == {"Uw scheiding", f"{SECRET} antwoord",
                                                "Over de koop", "Half af"}
    from_firm = next(m for m in messages if m["id"] == world.from_firm.id)
    assert from_firm["sender"] == "mr. Jansen" and from_firm["read_at"]
    assert from_firm["attachments"][0]["file"] in names
    assert next(m for m in messages if m["subject"] == "Half af")["sent_at"] is None
    text = archive.read("messages.txt").decode()
    assert "Onderwerp: Uw scheiding" in text and "Concept, niet verstuurd" in text

    questionnaires = json.loads(archive.read("questionnaires.json"))
    done = next(q for q in questionnaires if q["id"] == world.done.id)
    assert done["answers"][0]["questions"][0] == {"id": "naam", "question": "Uw naam",
                                                  "answer": f"{SECRET} antwoord"}
    assert done["pdf"] in names
    assert {q["id"] for q in questionnaires} == {world.done.id, world.open.id}

    audit = json.loads(archive.read("audit.json"))
    assert {("login", "u"), ("user.created", "Admin")} <= {(e["action"], e["by"])
                                                           for e in audit}
    readme = archive.read("README.txt").decode()
    assert "Uw persoonsgegevens bij Kantoor Test" in readme and "Jan de Vries" in readme

    [event] = events(session, "client.exported")
    assert (event.actor_id, event.target_id) == (staff.admin.id, world.jan.id)
    assert event.detail["documents"] == 7 and event.detail["messages"] == 4
    assert "jan" not in json.dumps(event.detail).lower()


def test_the_export_speaks_the_clients_language_and_streams_from_a_temporary_file(
        app, make, session):
    """An English client without dossiers: the overview in English; the zip lives in an
    unnamed file under UPLOAD_FOLDER/tmp, which leaves nothing behind."""
    sophie = make.user(email="sophie@example.com", name="Sophie Miller", language="en")
    with app.test_request_context(), Session(app.extensions["db_engine"]) as db:
        out, counts = privacy_export.export_client(db, db.get(User, sophie.id))
        tmp = os.path.join(app.config["UPLOAD_FOLDER"], "tmp")
        assert os.listdir(tmp) == []
        readme = zipfile.ZipFile(out).read("README.txt").decode()
        out.close()
    assert "Your personal data at Kantoor Test" in readme
    assert counts["dossiers"] == counts["documents"] == 0 and counts["bytes"] > 0


# ---- erasure

def test_erasure_waits_for_the_retention_period_and_says_why(
        client, session, world, staff, as_staff):
    """A status without a retention period keeps the client for ever; a closed dossier
    until seven years after it was closed; refused posts change nothing."""
    as_staff(staff.admin)
    world.shared.status_code = "in_progress"
    session.commit()
    page = text_of(client.get(f"/kantoor/clienten/{world.jan.id}/avg"))
    assert "Deze cliënt kan nog niet worden gewist" in page
    assert "worden altijd bewaard" in page and "2557 dagen" in page
    assert 'name="email"' not in client.get(
        f"/kantoor/clienten/{world.jan.id}/avg").get_data(as_text=True)
    response = post_form(client, f"/kantoor/clienten/{world.jan.id}/avg/wissen",
                         {"email": "jan@example.nl"})
    assert response.status_code == 400
    assert "kan nog niet worden gewist" in text_of(response)

    world.shared.status_code = "closed"
    session.commit()
    past_retention(session, world.shared)  # the own dossier was closed just now
    page = text_of(client.get(f"/kantoor/clienten/{world.jan.id}/avg"))
    assert "De bewaartermijn is nog niet verstreken" in page
    check = privacy.erasable(session, world.jan)
    assert check.reasons == ["retention"]
    assert check.earliest == world.own.status_changed_at + timedelta(days=2557)
    assert privacy.erasable(session, world.jan, now=check.earliest).allowed
    session.expire_all()
    assert session.get(User, world.jan.id).email == "jan@example.nl"
    assert events(session, "client.erased") == []


def test_erasure_removes_the_client_for_real(app, client, session, world, staff, as_staff):
    """After the retention period, confirmed with the e-mail address: the own dossier is
    emptied and its files are gone from disk, the shared one keeps its content, Piet's
    dossier is untouched, the account is a tombstone; all audited with ids and counts."""
    past_retention(session, world.own, world.shared)
    docs = {name: Document(id=d.id, storage_key=d.storage_key)
            for name, d in world.docs.items()}  # plain copies: the rows will be gone
    draft_id, own_id = world.draft.id, world.own.id
    old_events = len(session.exec(select(AuditEvent)).all())
    as_staff(staff.admin)
    url = f"/kantoor/clienten/{world.jan.id}/avg/wissen"
    wrong = post_form(client, url, {"email": "piet@example.nl"})
    assert wrong.status_code == 400
    assert "Dit is niet het e-mailadres van deze cliënt." in text_of(wrong)
    assert 'value="piet@example.nl"' in wrong.get_data(as_text=True)

    response = post_form(client, url, {"email": " Jan@Example.nl "})
    assert response.status_code == 302 and response.headers["Location"] == "/kantoor/clienten"
    assert "7 bestanden zijn verwijderd" in text_of(client.get("/kantoor/clienten"))
    session.expire_all()
    gone = ("letter", "deed", "provided", "withdrawn", "att_in", "pdf", "draft_att")
    for name in gone:
        assert not on_disk(app, docs[name]), name
        assert session.get(Document, docs[name].id) is None, name
    for name in ("shared", "piets"):
        assert on_disk(app, docs[name]) and session.get(Document, docs[name].id)

    own = session.get(Dossier, own_id)
    assert own.description == privacy.ERASED_DESCRIPTION and own.number == "2026-0001"
    for model in (Message, QuestionnaireAssignment, ProgressStep):
        assert session.exec(select(model).where(model.dossier_id == own.id)).all() == []
    assert session.exec(select(QuestionnaireAnswer)).all() == []
    assert session.exec(select(DossierClient).where(
        DossierClient.dossier_id == world.shared.id)).all() == [
        DossierClient(dossier_id=world.shared.id, user_id=world.piet.id)]
    kept = session.get(Message, world.in_shared.id)
    assert kept is not None and kept.sender_id == world.jan.id
    assert session.get(Message, draft_id) is None
    assert session.get(Message, world.piets_message.id) is not None

    jan = session.get(User, world.jan.id)
    assert (jan.name, jan.email, jan.active) == ("Gewiste cliënt",
                                                f"erased-{jan.id}@invalid", False)
    assert [jan.phone, jan.password_hash, jan.totp_secret, jan.sms_phone, jan.last_login_at,
            jan.sms_enabled, jan.totp_enabled] == [None] * 5 + [False, False]
    for model in (LoginSession, RecoveryCode, OneTimeToken, NotificationItem,
                  DocumentDownload, MessageRead):
        assert session.exec(select(model).where(model.user_id == jan.id)).all() == [], model
    assert session.exec(select(OutgoingMail).where(
        OutgoingMail.recipient == "jan@example.nl")).all() == []

    [erased] = events(session, "client.erased")
    assert (erased.actor_id, erased.target_id) == (staff.admin.id, jan.id)
    assert erased.detail == {"dossiers_emptied": [own.id], "dossiers_unlinked": [
        world.shared.id], "documents": 7, "messages": 3, "questionnaires": 2, "requests": 0,
        "approvals": 0, "files": 7}
    assert [e.dossier_id for e in events(session, "dossier.erased")] == [own.id]
    assert [e.dossier_id for e in events(session, "dossier.client_unlinked")] == [
        world.shared.id]
    new_events = session.exec(select(AuditEvent).order_by(AuditEvent.id)).all()[old_events:]
    assert "jan" not in json.dumps([e.detail for e in new_events]).lower()
    # The audit log itself is never changed: Jan's login is still there, naming the tombstone.
    assert [e.actor_id for e in events(session, "login")
            if e.ip == "192.0.2.7"] == [jan.id]

    # The tombstone cannot log in, and cannot be erased twice.
    assert login(app.test_client(), "jan@example.nl").status_code != 302
    assert privacy.erasable(session, jan).reasons == ["erased"]
    assert "Deze cliënt is gewist." in text_of(client.get(f"/kantoor/clienten/{jan.id}/avg"))


def test_a_failed_commit_keeps_every_file(app, session, world, staff):
    """The files go only after the commit: when it fails, rows and files are all there."""
    past_retention(session, world.own, world.shared)
    engine = app.extensions["db_engine"]
    with app.test_request_context(), Session(engine, expire_on_commit=False) as db:
        def fail(_session):
            raise RuntimeError("the database went away")
        event.listen(db, "before_commit", fail)
        with pytest.raises(RuntimeError):
            privacy.erase_client(db, db.get(User, staff.admin.id), db.get(User, world.jan.id))
        db.rollback()
    session.expire_all()
    for document in world.docs.values():
        assert on_disk(app, document) and session.get(Document, document.id) is not None
    assert session.get(User, world.jan.id).email == "jan@example.nl"


def test_a_company_account_is_erased_as_a_person(app, make, session, staff):
    """The company and its dossiers stay; the main account waits while other accounts of
    the company are active."""
    company = make.company("Bakkerij De Wit B.V.")
    anna = make.user(email="anna@dewit.nl", name="Anna", company=company, company_main=True)
    piet = make.user(email="piet@dewit.nl", name="Piet", company=company)
    dossier = make.dossier(companies=[company], status="closed", lawyer=staff.lawyer)
    past_retention(session, dossier)
    assert privacy.erasable(session, anna).reasons == ["main_account"]
    assert privacy.erasable(session, piet).allowed
    with app.test_request_context():
        privacy.erase_client(session, staff.admin, piet)
    assert privacy.erasable(session, anna).allowed
    with app.test_request_context():
        erased = privacy.erase_client(session, staff.admin, anna)
    assert erased.emptied == [] and erased.unlinked == []
    session.expire_all()
    assert session.get(Dossier, dossier.id).description == "Dossier omschrijving"
    assert session.get(User, anna.id).company_id is None


# ---- who may

def test_only_an_admin_reaches_export_and_erasure(app, client, session, world, staff,
                                                  as_staff):
    """The handling lawyer, its secretary and the client get a 404 on every URL and see no
    link; the admin sees the link on the client page."""
    past_retention(session, world.own, world.shared)
    urls = [f"/kantoor/clienten/{world.jan.id}/avg{tail}"
            for tail in ("", "/exporteren", "/wissen")]
    for who in (staff.lawyer, staff.secretary):
        browser = app.test_client()
        login_staff(browser, session, who)
        assert "/avg" not in browser.get(f"/kantoor/clienten/{world.jan.id}").get_data(
            as_text=True)
        assert browser.get(urls[0]).status_code == 404
        token = csrf_token(browser, "/kantoor/")
        for url in urls[1:]:
            assert browser.post(url, data={"csrf_token": token,
                                           "email": "jan@example.nl"}).status_code == 404
    piet = app.test_client()
    login(piet, "piet@example.nl")
    assert piet.get(urls[0]).status_code == 404
    token = csrf_token(piet, "/")
    for url in urls[1:]:
        assert piet.post(url, data={"csrf_token": token}).status_code == 404
    as_staff(staff.admin)
    assert urls[0] in client.get(f"/kantoor/clienten/{world.jan.id}").get_data(as_text=True)
    assert client.get(f"/kantoor/clienten/{staff.lawyer.id}/avg").status_code == 404
    assert events(session, "client.exported") == events(session, "client.erased") == []


def test_both_forms_need_their_csrf_token(client, session, world, staff, as_staff):
    """Without the token: 400, and nothing exported or erased."""
    past_retention(session, world.own, world.shared)
    as_staff(staff.admin)
    for tail in ("exporteren", "wissen"):
        response = client.post(f"/kantoor/clienten/{world.jan.id}/avg/{tail}",
                               data={"email": "jan@example.nl"})
        assert response.status_code == 400, tail
    assert events(session, "client.exported") == events(session, "client.erased") == []
    session.expire_all()
    assert session.get(User, world.jan.id).active


# ---- retention per status, and when a dossier got its status

def test_an_admin_sets_the_retention_period_of_a_status(client, session, staff, as_staff):
    """Bad input gets a clear message and keeps what was typed; empty means for ever."""
    as_staff(staff.admin)
    assert session.get(DossierStatus, "closed").retention_days == 2557
    url = "/kantoor/instellingen/statussen/closed"
    form = {"label_nl": "Afgesloten", "label_en": "Closed"}
    bad = post_form(client, url, {**form, "retention_days": "7 jaar"})
    assert bad.status_code == 400
    assert "Vul een heel aantal dagen in van 0 tot en met 36500" in text_of(bad)
    assert 'value="7 jaar"' in bad.get_data(as_text=True)
    assert post_form(client, url, {**form, "retention_days": "1825"}).status_code == 302
    session.expire_all()
    assert session.get(DossierStatus, "closed").retention_days == 1825
    assert post_form(client, url, {**form, "retention_days": ""}).status_code == 302
    session.expire_all()
    assert session.get(DossierStatus, "closed").retention_days is None
    assert [(e.detail["old"], e.detail["new"]) for e in events(session, "status.retention")] \
        == [(2557, 1825), (1825, None)]
    assert "Altijd bewaren" in text_of(client.get("/kantoor/instellingen/statussen"))


def test_a_status_change_restarts_the_retention_period(client, session, make, staff,
                                                       as_staff):
    """The retention period counts from the last status change, not from other edits."""
    dossier = make.dossier(status="in_progress", lawyer=staff.lawyer)
    past_retention(session, dossier)
    as_staff(staff.lawyer)
    url = f"/kantoor/dossiers/{dossier.id}/bewerken"
    form = {"number": dossier.number, "description": "Nieuwe omschrijving",
            "status": "in_progress", "lawyer": str(staff.lawyer.id)}
    assert post_form(client, url, form).status_code == 302
    session.expire_all()
    assert session.get(Dossier, dossier.id).status_changed_at < utcnow() - timedelta(days=365)
    assert post_form(client, url, {**form, "status": "closed"}).status_code == 302
    session.expire_all()
    assert session.get(Dossier, dossier.id).status_changed_at > utcnow() - timedelta(minutes=1)
