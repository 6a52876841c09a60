"""Ter goedkeuring (issue 18), the evidence: the firm's seal on a PDF validates against the
firm's trust root and fails after one byte changed (a CA made at test time, no network);
an approval records who, when, from where, how confirmed and which file; its receipt is
sealed, and so is the approved PDF when the firm chose that; a new version makes earlier
decisions void; two tabs give one decision, and a decision racing a new version decides
the version shown or none."""
import io
import json
import os
import time
import zipfile
from datetime import timedelta

import pytest
from flask_babel import force_locale
from helpers import PASSWORD as CLIENT_PASSWORD
from helpers import (
    age_notifications,
    at_once,
    events,
    files_on_disk,
    free_port,
    login,
    post_form,
    run_cli,
    text_of,
)
from pypdf import PdfReader
from seal_helpers import PASSWORD, changed_byte, make_ca, make_tsa, tsa_server
from sqlmodel import Session, select
from twostep_helpers import login_staff, with_app

from app import approvals, notifications, pdf, privacy, privacy_export, seal, storage
from app.api.keys import create_key
from app.dates import format_datetime
from app.db import engine
from app.models import (
    APPROVAL_APPROVED,
    APPROVAL_OPEN,
    APPROVAL_REFUSED,
    APPROVAL_VOID,
    CAT_DOCUMENT,
    Approval,
    ApprovalDecision,
    ApprovalVersion,
    AuditEvent,
    Document,
    FirmSettings,
    User,
    utcnow,
)
from app.ops import backup, integrity

pytestmark = pytest.mark.sealed  # the seal of the CA made at test time (conftest: ca)


@pytest.fixture
def root(ca):
    return ca[1]


def a_pdf(app, text="Concept akte"):
    with app.test_request_context():
        return pdf.html_to_pdf(f"<h1>{text}</h1><p>Partijen: Jan en Anna.</p>")


@pytest.fixture
def case(app, session, make, staff):
    jan = make.user(email="jan@example.nl", name="Jan de Vries")
    dossier = make.dossier(clients=[jan], lawyer=staff.lawyer, number="2026-0142")
    return jan, dossier


def publish(app, session, make, staff, dossier, data, name="concept-akte.pdf"):
    """A document published in Documenten, really stored."""
    return make.document(dossier, CAT_DOCUMENT, title="Concept akte", filename=name,
                         data=data, by=staff.lawyer)


def send(app, session, make, staff, case, data=None):
    jan, dossier = case
    document = publish(app, session, make, staff, dossier, data or a_pdf(app))
    with app.test_request_context():
        approval = approvals.new_approval(session, dossier=dossier, client=jan,
                                          sent_by=staff.lawyer, document=document,
                                          title="Concept akte", note="Graag uw akkoord.")
        session.commit()
    return approval


def decide(app, session, client, approval, version_id, approved=True, ip="192.0.2.7"):
    with app.test_request_context(environ_base={"REMOTE_ADDR": ip},
                                  headers={"User-Agent": "Chromium test"}):
        decision = approvals.decide(session, client, approval, version_id, approved,
                                    confirmed_with="app" if approved else "")
        session.commit()
        return decision


def stored(app, key):
    with app.app_context(), open(storage.path_for(key), "rb") as f:
        return f.read()


# ---- the seal

def test_a_sealed_pdf_validates_and_one_changed_byte_breaks_it(app, root):
    original = a_pdf(app)
    with app.app_context():
        sealed = seal.seal(original, "test")
        assert sealed.startswith(original)  # an incremental update: the file itself kept
        assert seal.check(sealed, [root]) == [(True, True)]
        assert seal.check(changed_byte(sealed), [root])[0][0] is False  # not intact


def test_with_a_timestamping_authority_the_seal_gets_a_trusted_timestamp(app, root):
    tsa_root, stamper = make_tsa()
    with tsa_server(stamper) as url:
        app.config["SEAL_TSA_URL"] = url
        with app.app_context():
            sealed = seal.seal(a_pdf(app), "test")
    assert seal.check(sealed, [root, tsa_root]) == [(True, True)]
    assert seal.timestamps(sealed, [root, tsa_root]) == [(True, True)]
    assert seal.timestamps(sealed, [root]) == [(True, False)]  # the TSA's root unknown
    app.config["SEAL_TSA_URL"] = None
    with app.app_context():
        assert seal.timestamps(seal.seal(a_pdf(app), "no TSA"), [root]) == [None]


def test_a_seal_from_another_root_is_not_trusted(app, tmp_path):
    _path, other_root = make_ca(tmp_path)
    with app.app_context():
        assert seal.check(seal.seal(a_pdf(app), "test"), [other_root]) == [(True, False)]


def test_pem_key_and_certificate_work_too(app, tmp_path, root, ca):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import pkcs12
    key, certificate, chain = pkcs12.load_key_and_certificates(
        open(ca[0], "rb").read(), PASSWORD.encode())
    (tmp_path / "seal.key").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    (tmp_path / "seal.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "chain.pem").write_bytes(chain[0].public_bytes(serialization.Encoding.PEM))
    app.config.update(SEAL_KEY_FILE=str(tmp_path / "seal.key"),
                      SEAL_CERT_FILE=str(tmp_path / "seal.pem"),
                      SEAL_CHAIN_FILE=str(tmp_path / "chain.pem"), SEAL_PASSWORD=None)
    with app.app_context():
        assert seal.check(seal.seal(a_pdf(app), "test"), [root]) == [(True, True)]


def test_the_demo_seal_of_make_run(app, tmp_path):
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import pkcs12
    path = tmp_path / "seal.p12"
    assert seal.make_demo_seal(str(path), "Kantoor Test") is True
    assert seal.make_demo_seal(str(path), "Kantoor Test") is False  # kept as it is
    _key, certificate, _chain = pkcs12.load_key_and_certificates(path.read_bytes(), None)
    itself = asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))
    app.config.update(SEAL_PKCS12_FILE=str(path), SEAL_PASSWORD=None)
    with app.app_context():
        assert seal.check(seal.seal(a_pdf(app), "demo"), [itself]) == [(True, True)]


def test_the_commands_seal_demo_and_seal_verify(app, tmp_path):
    app.config.update(SEAL_PKCS12_FILE=str(tmp_path / "demo.p12"), SEAL_PASSWORD=None)
    assert "Demo seal made" in run_cli(app, "seal-demo").output
    assert (tmp_path / "demo.p12").exists()
    assert "Demo seal made" not in run_cli(app, "seal-demo").output  # kept as it is
    with app.app_context():
        sealed = seal.seal(a_pdf(app), "demo")
    (tmp_path / "receipt.pdf").write_bytes(sealed)
    (tmp_path / "changed.pdf").write_bytes(changed_byte(sealed))
    good = run_cli(app, "seal-verify", str(tmp_path / "receipt.pdf"))
    assert (good.exit_code, good.output) == (0, "Seal 1: intact, trusted; no timestamp\n")
    bad = run_cli(app, "seal-verify", str(tmp_path / "changed.pdf"))
    assert bad.exit_code == 1 and "CHANGED OR BROKEN" in bad.output


def test_without_a_seal_there_is_none(app, tmp_path):
    app.config.update(SEAL_PKCS12_FILE=str(tmp_path / "missing.p12"))
    with app.app_context(), pytest.raises(seal.NoSeal):
        seal.seal(a_pdf(app), "test")


# ---- an approval and its evidence

def test_an_approval_records_its_evidence_and_a_sealed_receipt(app, session, make, staff,
                                                                case, root):
    jan, _dossier = case
    approval = send(app, session, make, staff, case)
    [version] = approval.versions
    assert (approval.state, version.number, version.state) == (APPROVAL_OPEN, 1, APPROVAL_OPEN)
    decision = decide(app, session, jan, approval, version.id)
    session.expire_all()
    assert session.get(Approval, approval.id).state == APPROVAL_APPROVED
    assert session.get(ApprovalVersion, version.id).state == APPROVAL_APPROVED
    assert (decision.client_name, decision.client_email, decision.ip, decision.user_agent,
            decision.confirmed_with, decision.version, decision.filename, decision.sha256) == (
        "Jan de Vries", "jan@example.nl", "192.0.2.7", "Chromium test", "app", 1,
        "concept-akte.pdf", version.sha256)
    with app.test_request_context():
        approvals.make_receipt(session, decision)
    receipt = stored(app, decision.receipt_key)
    assert receipt.startswith(b"%PDF")
    with app.app_context():
        assert seal.check(receipt, [root]) == [(True, True)]
        assert seal.check(changed_byte(receipt), [root])[0][0] is False  # not intact
    assert decision.sealed_key is None  # the firm did not choose to seal the document
    actions = [e.action for e in session.exec(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions[-2:] == ["approval.sent", "approval.approved"]


RECEIPT_SAYS = {
    "nl": ("Ontvangstbevestiging goedkeuring", "Dossier 2026-0142 · Levering woning",
           "Document Concept akte", "Bestandsnaam concept-akte.pdf", "Versie 1",
           "SHA-256 van het bestand", "Goedgekeurd door Anna Klant (anna@example.nl)",
           "Goedgekeurd op", "Vanaf het adres 192.0.2.7",
           "Identiteit bevestigd met code uit de authenticator-app",
           "heeft Anna Klant het onderstaande document goedgekeurd"),
    "en": ("Receipt of an approval", "Dossier 2026-0142 · Levering woning",
           "Document Concept akte", "File name concept-akte.pdf", "Version 1",
           "SHA-256 of the file", "Approved by Anna Klant (anna@example.nl)", "Approved on",
           "From the address 192.0.2.7", "Identity confirmed with authenticator app code",
           "Anna Klant approved the document below"),
}


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_receipt_says_what_who_when_and_which_file_in_the_clients_language(
        app, session, make, staff, lang):
    """The receipt's text read back from the PDF the client downloads: the dossier, the
    file's name, version and whole SHA-256, who approved and when, in the client's language
    and in no other; its file name too."""
    anna = make.user(email="anna@example.nl", name="Anna Klant", language=lang)
    dossier = make.dossier(clients=[anna], lawyer=staff.lawyer, number="2026-0142",
                           description="Levering woning")
    approval = send(app, session, make, staff, (anna, dossier))
    decision = decide(app, session, anna, approval, approval.versions[0].id)
    portal = app.test_client()
    login(portal, anna.email)
    receipt = portal.get(f"/acties/goedkeuren/{approval.id}/ontvangstbevestiging/"
                         f"{decision.id}")
    assert receipt.status_code == 200
    name = {"nl": "ontvangstbevestiging", "en": "receipt"}[lang]
    assert f"{name}-{approval.id}-v1.pdf" in receipt.headers["Content-Disposition"]
    text = " ".join(" ".join(page.extract_text() for page in
                             PdfReader(io.BytesIO(receipt.data)).pages).split())
    for words in RECEIPT_SAYS[lang]:
        assert words in text, (words, text)
    for half in (decision.sha256[:32], decision.sha256[32:]):  # on two lines, both whole
        assert half in text
    with app.test_request_context(), force_locale(lang):
        assert format_datetime(decision.decided_at) in text  # the moment, as the page says it
    other = RECEIPT_SAYS["en" if lang == "nl" else "nl"]
    assert [words for words in other if words in text] == [
        "Dossier 2026-0142 · Levering woning", "Document Concept akte"]  # the same in both


def test_the_firm_may_seal_the_approved_pdf_too(app, session, make, staff, case, root):
    session.add(FirmSettings(id=1, seal_approved_documents=True))
    session.commit()
    jan, _dossier = case
    original = a_pdf(app, "Vaststellingsovereenkomst")
    approval = send(app, session, make, staff, case, original)
    decision = decide(app, session, jan, approval, approval.versions[0].id)
    with app.test_request_context():
        approvals.make_receipt(session, decision)
        approvals.make_receipt(session, decision)  # once: the keys are kept
    sealed = stored(app, decision.sealed_key)
    assert sealed.startswith(original)
    with app.app_context():
        assert seal.check(sealed, [root]) == [(True, True)]


def test_a_document_that_is_no_pdf_gets_a_receipt_only(app, session, make, staff, case):
    session.add(FirmSettings(id=1, seal_approved_documents=True))
    session.commit()
    jan, dossier = case
    document = publish(app, session, make, staff, dossier, b"PK\x03\x04 docx", "akte.docx")
    document.content_type = "application/vnd.openxmlformats-officedocument." \
                            "wordprocessingml.document"
    session.commit()
    with app.test_request_context():
        approval = approvals.new_approval(session, dossier=dossier, client=jan,
                                          sent_by=staff.lawyer, document=document,
                                          title="Akte")
        session.commit()
    decision = decide(app, session, jan, approval, approval.versions[0].id)
    with app.test_request_context():
        approvals.make_receipt(session, decision)
    assert decision.receipt_key and decision.sealed_key is None


def test_while_the_timestamping_authority_is_down_the_receipt_waits_never_the_approval(
        app, session, make, staff, case, root):
    """SEAL_TSA_URL set, nothing answering there: the approval is taken and kept, the
    receipt is not made without its timestamp; asking for it says so (503, Retry-After) to
    the client, staff and the API, and nothing half-made stays on disk. Once the authority
    answers again the receipt is made, sealed and timestamped."""
    jan, _dossier = case
    app.config["SEAL_TSA_URL"] = f"http://127.0.0.1:{free_port()}/tsa"  # a closed port
    approval = send(app, session, make, staff, case)
    version_id = approval.versions[0].id
    portal = app.test_client()
    login(portal, jan.email)
    files = sorted(files_on_disk(app))
    approved = post_form(portal, f"/acties/goedkeuren/{approval.id}/akkoord",
                         {"version_id": version_id, "password": CLIENT_PASSWORD})
    assert approved.status_code == 303
    [decision] = session.exec(select(ApprovalDecision)).all()
    assert (decision.approved, decision.version, decision.receipt_key) == (True, 1, None)
    page = text_of(portal.get(approved.location))
    assert "U heeft versie 1 van “Concept akte” goedgekeurd." in page
    assert "hieronder downloaden" not in page  # no promise of a receipt it cannot give yet
    assert "De ontvangstbevestiging kan nu niet worden gemaakt" in page
    assert "Goedgekeurd op" in page

    receipt = f"/acties/goedkeuren/{approval.id}/ontvangstbevestiging/{decision.id}"
    later = portal.get(receipt)
    assert later.status_code == 503 and later.headers["Retry-After"] == "300"
    assert later.mimetype == "text/html"
    said = text_of(later)
    assert "De ontvangstbevestiging kan nu niet worden gemaakt" in said
    assert "De goedkeuring zelf is vastgelegd" in said
    with_app(session, staff.lawyer)
    office = app.test_client()
    login_staff(office, session, staff.lawyer)
    staff_url = f"/kantoor/goedkeuring/{approval.id}/ontvangstbevestiging/{decision.id}"
    assert office.get(staff_url).status_code == 503
    with app.test_request_context():
        _row, key = create_key(session, name="Dossiersysteem", scopes=["approvals:read"],
                               acts_as=staff.lawyer)
        session.commit()
    problem = app.test_client().get(
        f"/api/v1/approvals/{approval.id}/decisions/{decision.id}/receipt",
        headers={"Authorization": f"Bearer {key}"})
    assert (problem.status_code, problem.mimetype) == (503, "application/problem+json")
    assert problem.headers["Retry-After"] == "300"
    assert "timestamping service" in problem.json["detail"]
    assert sorted(files_on_disk(app)) == files  # no receipt, nor half of one
    session.expire_all()
    assert session.get(ApprovalDecision, decision.id).receipt_key is None
    assert events(session, "approval.receipt_downloaded") == []

    # The authority answers again: the receipt is made, with its timestamp.
    tsa_root, stamper = make_tsa()
    with tsa_server(stamper) as url:
        app.config["SEAL_TSA_URL"] = url
        made = portal.get(receipt)
    assert made.status_code == 200 and made.mimetype == "application/pdf"
    with app.app_context():
        assert seal.check(made.data, [root, tsa_root]) == [(True, True)]
        assert seal.timestamps(made.data, [root, tsa_root]) == [(True, True)]
    assert office.get(staff_url).data == made.data  # made once, the same file for staff


def test_a_new_version_makes_earlier_decisions_void(app, session, make, staff, case):
    jan, dossier = case
    approval = send(app, session, make, staff, case)
    first = approval.versions[0]
    decide(app, session, jan, approval, first.id)
    second_file = publish(app, session, make, staff, dossier, a_pdf(app, "Versie 2"), "v2.pdf")
    with app.test_request_context():
        second = approvals.new_version(session, staff.lawyer, approval, second_file)
        session.commit()
    session.expire_all()
    assert session.get(ApprovalVersion, first.id).state == APPROVAL_VOID
    assert (second.number, second.state) == (2, APPROVAL_OPEN)
    assert session.get(Approval, approval.id).state == APPROVAL_OPEN
    # The first decision stays as it was written, its version void.
    history = approvals.history(session, session.get(Approval, approval.id))
    assert [(v.number, v.state, d.approved if d else None) for v, d in history] == [
        (2, APPROVAL_OPEN, None), (1, APPROVAL_VOID, True)]
    with pytest.raises(approvals.Refused):
        decide(app, session, jan, approval, first.id)
    decide(app, session, jan, approval, second.id, approved=False)
    session.expire_all()
    assert session.get(Approval, approval.id).state == APPROVAL_REFUSED


def test_the_client_is_told_without_what(app, session, make, staff, case, mailbox):
    send(app, session, make, staff, case)
    age_notifications(session)
    assert notifications.send_due(app) == 1
    [mail] = mailbox.deliver(app)
    assert "1 document wacht op uw goedkeuring" in mail.get_body(("plain",)).get_content()
    for secret in ("Concept akte", "2026-0142", "concept-akte.pdf"):
        assert secret not in mail.as_string()


def test_the_lawyer_and_the_secretary_hear_of_the_decision(app, session, make, staff, case,
                                                            mailbox):
    jan, _dossier = case
    approval = send(app, session, make, staff, case)
    decide(app, session, jan, approval, approval.versions[0].id)
    age_notifications(session)
    notifications.send_due(app)
    mails = {m["To"]: m for m in mailbox.deliver(app)}
    assert {staff.lawyer.email, staff.secretary.email} <= set(mails)
    text = mails[staff.lawyer.email].get_body(("plain",)).get_content()
    assert "1 beslissing van een cliënt over een document ter goedkeuring" in text
    assert "Concept akte" not in mails[staff.lawyer.email].as_string()


# ---- races

def _deciding(app, client_id, approval_id, version_id):
    """A decision in its own session, as a second browser tab makes it: True when it was
    taken, False when refused."""
    def run():
        with app.test_request_context(), Session(engine()) as db:
            try:
                approvals.decide(db, db.get(User, client_id), db.get(Approval, approval_id),
                                 version_id, True, confirmed_with="password")
                db.commit()
                return True
            except approvals.Refused:
                return False
    return run


def test_two_tabs_approving_at_once_give_one_approval(app, session, make, staff, case):
    jan, _dossier = case
    approval = send(app, session, make, staff, case)
    version = approval.versions[0].id
    results = at_once(2, _deciding(app, jan.id, approval.id, version))
    assert sorted(results) == [False, True]
    session.expire_all()
    assert len(session.exec(select(ApprovalDecision)).all()) == 1


def test_approving_while_a_new_version_is_published(app, session, make, staff, case):
    """Either the approval went first (and the new version made it void) or the new version
    did (and the approval was refused): never an approval of the new version."""
    jan, dossier = case
    approval = send(app, session, make, staff, case)
    shown = approval.versions[0].id
    newer = publish(app, session, make, staff, dossier, a_pdf(app, "Versie 2"), "v2.pdf")
    lawyer_id, approval_id, newer_id = staff.lawyer.id, approval.id, newer.id
    approve = _deciding(app, jan.id, approval_id, shown)

    def publish_version():
        with app.test_request_context(), Session(engine()) as db:
            version = approvals.new_version(db, db.get(User, lawyer_id),
                                            db.get(Approval, approval_id),
                                            db.get(Document, newer_id))
            number = version.number
            db.commit()
            return number

    jobs = {"publish": publish_version, "approve": approve}
    waiting = list(jobs)

    def one_of_them():
        name = waiting.pop()  # each thread takes one job
        return name, jobs[name]()

    # at_once starts both together, and fails on an exception in either or one that hangs.
    outcome = dict(at_once(2, one_of_them))
    assert outcome["publish"] == 2  # the new version is always published
    assert outcome["approve"] in (True, False)  # approved, or refused as no longer waiting
    session.expire_all()
    decisions = session.exec(select(ApprovalDecision)).all()
    versions = {v.number: v for v in session.exec(select(ApprovalVersion))}
    assert versions[2].state == APPROVAL_OPEN and versions[1].state == APPROVAL_VOID
    assert session.get(Approval, approval_id).state == APPROVAL_OPEN  # asked again
    if outcome["approve"]:  # it went first: an approval of the version shown, made void
        [decision] = decisions
        assert (decision.version_id, decision.version, decision.sha256) == (
            shown, 1, versions[1].sha256)
        assert versions[1].decided_at is not None
    else:  # the new version went first: nothing decided
        assert decisions == [] and versions[1].decided_at is None


# ---- the AVG: the export includes the receipts; erasing the client removes them

def test_the_clients_export_holds_every_version_decision_and_receipt(app, session, make,
                                                                      staff, case, root):
    jan, _dossier = case
    approval = send(app, session, make, staff, case)
    decision = decide(app, session, jan, approval, approval.versions[0].id)
    with app.test_request_context():
        approvals.make_receipt(session, decision)
        out, counts = privacy_export.export_client(session, jan)
    with out:
        archive = zipfile.ZipFile(io.BytesIO(out.read()))
    assert counts["approvals"] == 1
    [exported] = json.loads(archive.read("approvals.json"))
    [version] = exported["versions"]
    assert (exported["title"], exported["dossier"], version["state"]) == (
        "Concept akte", "2026-0142", APPROVAL_APPROVED)
    evidence = version["decision"]
    assert (evidence["approved"], evidence["ip"], evidence["sha256"]) == (
        True, "192.0.2.7", decision.sha256)
    receipt = archive.read(evidence["receipt"])
    with app.app_context():
        assert seal.check(receipt, [root]) == [(True, True)]
    assert "approvals.json" in archive.read("README.txt").decode()


def test_erasing_the_client_removes_their_approvals_and_receipts(app, session, make, staff,
                                                                 case):
    jan, dossier = case
    approval = send(app, session, make, staff, case)
    decision = decide(app, session, jan, approval, approval.versions[0].id)
    with app.test_request_context():
        approvals.make_receipt(session, decision)
    receipt = decision.receipt_key
    dossier.status_code, dossier.status_changed_at = "closed", utcnow() - timedelta(days=8 * 365)
    session.commit()
    with app.app_context():
        erased = privacy.erase_client(session, staff.admin, jan)
        assert not os.path.exists(storage.path_for(receipt))
    assert erased.approvals == 1
    session.expire_all()
    for model in (Approval, ApprovalVersion, ApprovalDecision, Document):
        assert session.exec(select(model)).all() == []


# ---- operations: `flask check`, the orphan cleanup and backups know the receipts

def test_receipts_are_no_orphans_and_a_missing_one_is_reported(app, session, make, staff,
                                                                case):
    jan, _dossier = case
    session.add(FirmSettings(id=1, seal_approved_documents=True))
    session.commit()
    approval = send(app, session, make, staff, case)
    decision = decide(app, session, jan, approval, approval.versions[0].id)
    with app.test_request_context():
        approvals.make_receipt(session, decision)
    later = time.time() + 7 * 24 * 3600  # past any grace period
    with app.app_context():
        report = integrity.check(now=later)
        assert report.ok and report.orphans == []
        assert integrity.remove_orphans(now=later) == []
        with engine().connect() as conn:
            named = backup.database_contents(conn)[2]
        assert named[decision.receipt_key] == decision.receipt_sha256
        assert decision.sealed_key in named
        os.remove(storage.path_for(decision.receipt_key))
        missing = integrity.check(now=later).missing
    assert [what for what, _path in missing] == [
        f"the receipt of approval decision {decision.id}"]
