"""Ter goedkeuring, the client's side (issue 18, points 1-5): Acties lists and counts the
documents waiting for approval; the page shows the note, the file and every version; Akkoord
asks for the password or the code of the client's two-step method (wrong ones refused,
counted and paused, nothing stored) and is bound to the version shown; Niet akkoord sends
the comments as one message in Berichten; Documenten marks the document; the receipt is a
sealed PDF; and nobody else gets any of these pages."""
import re
from datetime import timedelta

import pytest
from helpers import (
    differences,
    events,
    find,
    html_of,
    login,
    post_form,
    snapshot,
    text_of,
)
from sqlmodel import select
from twostep_helpers import last_sms_code, login_staff, totp_code, with_app, with_sms

from app import approvals, seal
from app.dates import local
from app.models import (
    APPROVAL_APPROVED,
    APPROVAL_OPEN,
    APPROVAL_REFUSED,
    APPROVAL_VOID,
    CAT_DOCUMENT,
    ApprovalDecision,
    ApprovalVersion,
    DossierClient,
    Message,
    utcnow,
)

pytestmark = pytest.mark.sealed  # the seal of the CA made at test time (conftest: ca)


def publish(make, dossier, lawyer, name="concept-akte.pdf", data=b"%PDF-1.4 concept akte"):
    """A document published in Documenten, its file really stored."""
    return make.document(dossier, CAT_DOCUMENT, title="Concept akte", filename=name,
                         data=data, by=lawyer)


def send(app, session, make, lawyer, dossier, client, deadline=None):
    """The firm sends a concept to `client` for approval, as version 1."""
    document = publish(make, dossier, lawyer)
    with app.test_request_context():
        approval = approvals.new_approval(session, dossier=dossier, client=client,
                                          sent_by=lawyer, document=document,
                                          title="Concept akte", note="Graag uw akkoord.",
                                          deadline=deadline)
        session.commit()
    return approval


def new_version(app, session, make, lawyer, dossier, approval, n):
    """The firm publishes version `n`."""
    document = publish(make, dossier, lawyer, f"concept-akte-v{n}.pdf",
                       f"%PDF-1.4 concept akte v{n}".encode())
    with app.test_request_context():
        version = approvals.new_version(session, lawyer, approval, document)
        session.commit()
    return version


def version_of(session, version_id):
    session.expire_all()
    return session.get(ApprovalVersion, version_id)


def decisions(session):
    session.expire_all()
    return session.exec(select(ApprovalDecision).order_by(ApprovalDecision.id)).all()


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def url(approval, rest=""):
    return f"/acties/goedkeuren/{approval.id}{rest}"


@pytest.fixture
def approval(app, session, make, jan, dossier, lawyer):
    """Version 1 of "Concept akte", sent to Jan (logged in) for approval."""
    return send(app, session, make, lawyer, dossier, jan)


def current_id(approval, session):
    session.expire_all()
    return approvals.current_version(session, approval).id


# ---- Acties, the menu and the page

def test_acties_lists_and_counts_approvals(app, client, session, make, jan, dossier, lawyer):
    make.assignment(jan, dossier, title="Intake koper")
    with app.app_context():
        today = local(utcnow()).date()
    late = send(app, session, make, lawyer, dossier, jan, deadline=today - timedelta(days=1))
    later = send(app, session, make, lawyer, dossier, jan)
    page = client.get("/acties")
    assert "Acties 3" in text_of(page)  # the menu counts them with the questionnaire
    rows = re.findall(r"<tr>.*?</tr>", html_of(page), re.S)[1:]
    first, second, third = (text_of(row) for row in rows)
    assert first.startswith(f"Concept akte {dossier.number} Goedkeuren Te laat Uiterlijk")
    assert f'href="{url(late)}"' in rows[0] and f'href="{url(later)}"' in rows[1]
    assert second.startswith(f"Concept akte {dossier.number} Goedkeuren Openen")
    assert third.startswith("Intake koper")
    # Decided: it leaves Acties, the count follows on every page.
    with app.test_request_context():
        approvals.decide(session, jan, late, late.versions[0].id, False)
        session.commit()
    assert "Acties 2" in text_of(client.get("/"))


def test_the_page_shows_the_note_the_file_and_the_choices(client, approval, dossier, session):
    page = client.get(url(approval))
    said = text_of(page)
    assert page.status_code == 200
    for words in ("Ter goedkeuring: Concept akte", f"Dossier {dossier.number}",
                  "Graag uw akkoord.", "concept-akte.pdf", "Versie 1, gepubliceerd op",
                  "Akkoord", "Niet akkoord / opmerkingen", "Geschiedenis",
                  "Wacht op uw beslissing"):
        assert words in said, words
    document_id = approval.versions[0].document_id
    assert f'href="/documenten/{document_id}/download"' in html_of(page)
    assert client.get(f"/documenten/{document_id}/download").status_code == 200


def test_a_pdf_can_be_viewed_from_the_page_a_word_file_only_downloaded(app, client, session,
                                                                       make, jan, dossier,
                                                                       lawyer, approval):
    """Bekijken next to Download, as in Documenten, where the browser can show the file."""
    document_id = approval.versions[0].document_id
    page = html_of(client.get(url(approval)))
    [show] = re.findall(rf'<a [^>]*href="/documenten/{document_id}/bekijken".*?</a>', page, re.S)
    assert text_of(show) == "Bekijken versie 1" and "preview-link" in show
    shown = client.get(f"/documenten/{document_id}/bekijken")
    assert shown.status_code == 200 and shown.mimetype == "application/pdf"
    assert shown.headers["Content-Disposition"].startswith("inline")
    word = make.document(dossier, CAT_DOCUMENT, title="Akte", filename="akte.docx",
                         data=b"PK\x03\x04 docx", by=lawyer, content_type=DOCX)
    with app.test_request_context():
        docx = approvals.new_approval(session, dossier=dossier, client=jan, sent_by=lawyer,
                                      document=word, title="Akte")
        session.commit()
    page = html_of(client.get(url(docx)))
    assert "/bekijken" not in page and "Bekijken" not in text_of(page)
    assert f'href="/documenten/{word.id}/download"' in page
    assert client.get(f"/documenten/{word.id}/bekijken").status_code == 404


# ---- Akkoord with the password

def test_approve_with_the_password(app, client, session, approval):
    confirm = client.get(url(approval, "/akkoord"))
    version = approval.versions[0]
    said = text_of(confirm)
    grouped = " ".join(version.sha256[i:i + 4] for i in range(0, 16, 4))
    for words in ("concept-akte.pdf", "Versie 1", grouped, "Uw wachtwoord", "Akkoord geven"):
        assert words in said, words
    before = snapshot(session)
    wrong = post_form(client, url(approval, "/akkoord"),
                      {"version_id": version.id, "password": "fout-wachtwoord"})
    assert wrong.status_code == 400
    assert "Het wachtwoord is onjuist." in text_of(wrong)
    assert differences(before, snapshot(session)) == {}
    done = post_form(client, url(approval, "/akkoord"),
                     {"version_id": version.id, "password": "Geheim123"})
    assert done.status_code == 303 and done.location == url(approval)
    [decision] = decisions(session)
    assert (decision.approved, decision.confirmed_with, decision.version) == (
        True, "password", 1)
    assert decision.receipt_key  # made right after the approval
    assert version_of(session, version.id).state == APPROVAL_APPROVED
    page = text_of(client.get(url(approval)))
    assert "U heeft versie 1 van “Concept akte” goedgekeurd." in page
    assert "Goedgekeurd op" in page and "Ontvangstbevestiging downloaden" in page
    assert "Acties 0" in page
    # The same form again (a second tab, a double click): one decision, said as done.
    again = post_form(client, url(approval, "/akkoord"),
                      {"version_id": version.id, "password": "Geheim123"})
    assert again.status_code == 303 and len(decisions(session)) == 1


def test_wrong_passwords_pause_the_approval(app, client, session, approval):
    version_id = approval.versions[0].id
    for _attempt in range(app.config["LOGIN_MAX_FAILURES_ACCOUNT"]):
        assert post_form(client, url(approval, "/akkoord"),
                         {"version_id": version_id, "password": "fout"}).status_code == 400
    paused = post_form(client, url(approval, "/akkoord"),
                       {"version_id": version_id, "password": "Geheim123"})
    assert paused.status_code == 400
    assert "Te veel mislukte pogingen" in text_of(paused)
    assert decisions(session) == []


# ---- Akkoord with two-step verification

def test_approve_with_an_app_code(app, client, session, make, lawyer):
    piet = make.user(email="piet@example.nl", name="Piet Twee")
    secret = with_app(session, piet)
    login_staff(client, session, piet)  # password and app code, as any two-step login
    approval = send(app, session, make, lawyer,
                    make.dossier(clients=[piet], lawyer=lawyer), piet)
    version_id = approval.versions[0].id
    said = text_of(client.get(url(approval, "/akkoord")))
    assert "authenticator-app" in said and "Uw wachtwoord" not in said
    before = snapshot(session)
    wrong = post_form(client, url(approval, "/akkoord"),
                      {"version_id": version_id, "code": "000000"})
    assert wrong.status_code == 400 and "Deze code is onjuist" in text_of(wrong)
    assert differences(before, snapshot(session)) == {}
    # The password is no code: refused as well.
    assert post_form(client, url(approval, "/akkoord"),
                     {"version_id": version_id, "password": "Geheim123"}).status_code == 400
    done = post_form(client, url(approval, "/akkoord"),
                     {"version_id": version_id, "code": totp_code(secret, 1)})
    assert done.status_code == 303
    [decision] = decisions(session)
    assert (decision.approved, decision.confirmed_with) == (True, "app")


def test_wrong_codes_pause_the_approval(app, client, session, make, lawyer):
    piet = make.user(email="piet@example.nl", name="Piet Twee")
    secret = with_app(session, piet)
    login_staff(client, session, piet)
    approval = send(app, session, make, lawyer,
                    make.dossier(clients=[piet], lawyer=lawyer), piet)
    version_id = approval.versions[0].id
    for _attempt in range(app.config["TWO_STEP_MAX_FAILURES"]):
        post_form(client, url(approval, "/akkoord"), {"version_id": version_id,
                                                      "code": "000000"})
    paused = post_form(client, url(approval, "/akkoord"),
                       {"version_id": version_id, "code": totp_code(secret, 1)})
    assert paused.status_code == 429 and "Te veel mislukte pogingen" in text_of(paused)
    assert decisions(session) == []


def test_approve_with_an_sms_code(app, client, session, make, lawyer):
    sara = make.user(email="sara@example.nl", name="Sara Sms")
    with_sms(session, sara)
    login(client, sara.email)  # the login sends its own code
    assert post_form(client, "/inloggen/verificatie/sms",
                     {"code": last_sms_code(app)}).status_code == 302
    approval = send(app, session, make, lawyer,
                    make.dossier(clients=[sara], lawyer=lawyer), sara)
    page = text_of(client.get(url(approval, "/akkoord")))
    assert "eindigt op 78" in page and "Verstuur code" in page
    sent = post_form(client, url(approval, "/akkoord/sms"), {})
    assert sent.status_code == 303 and sent.location.endswith("/akkoord?method=sms")
    done = post_form(client, url(approval, "/akkoord?method=sms"),
                     {"version_id": approval.versions[0].id, "code": last_sms_code(app)})
    assert done.status_code == 303
    [decision] = decisions(session)
    assert decision.confirmed_with == "sms"


# ---- Niet akkoord

def test_refusal_sends_one_message_and_records_the_decision(client, session, approval,
                                                            dossier):
    version_id = approval.versions[0].id
    assert "Uw opmerkingen" in text_of(client.get(url(approval, "/niet-akkoord")))
    before = snapshot(session)
    empty = post_form(client, url(approval, "/niet-akkoord"),
                      {"version_id": version_id, "comments": "  "})
    assert empty.status_code == 400 and "Vul uw opmerkingen in" in text_of(empty)
    long = post_form(client, url(approval, "/niet-akkoord"),
                     {"version_id": version_id, "comments": "x" * 4001})
    assert long.status_code == 400 and "maximaal 4000 tekens" in text_of(long)
    assert "x" * 4001 in html_of(long)  # what was typed stays
    assert differences(before, snapshot(session)) == {}
    done = post_form(client, url(approval, "/niet-akkoord"),
                     {"version_id": version_id, "comments": "Artikel 3 klopt niet."})
    assert done.status_code == 303 and done.location == url(approval)
    [message] = session.exec(select(Message)).all()
    assert (message.subject, message.body, message.from_client, message.dossier_id) == (
        "Niet akkoord: Concept akte (versie 1)", "Artikel 3 klopt niet.", True, dossier.id)
    assert message.sent_at is not None
    [decision] = decisions(session)
    assert (decision.approved, decision.message_id, decision.confirmed_with) == (
        False, message.id, "")
    assert version_of(session, version_id).state == APPROVAL_REFUSED
    page = text_of(client.get(url(approval)))
    assert "Uw opmerkingen over versie 1" in page and "Niet akkoord op" in page
    assert "Niet akkoord: Concept akte (versie 1)" in text_of(
        client.get(f"/dossiers/{dossier.id}/berichten"))
    # Sent again (a double click): still one message, one decision.
    post_form(client, url(approval, "/niet-akkoord"),
              {"version_id": version_id, "comments": "Artikel 3 klopt niet."})
    assert len(session.exec(select(Message)).all()) == 1 and len(decisions(session)) == 1


# ---- a new version published meanwhile

@pytest.mark.parametrize("how", ["akkoord", "niet-akkoord"])
def test_a_version_replaced_meanwhile_is_not_decided(app, client, session, make, approval,
                                                    dossier, lawyer, how):
    shown = approval.versions[0].id
    client.get(url(approval, f"/{how}"))
    new_version(app, session, make, lawyer, dossier, approval, 2)
    data = {"version_id": shown, "password": "Geheim123", "comments": "Oneens."}
    before = snapshot(session)
    answer = post_form(client, url(approval, f"/{how}"), data)
    assert answer.status_code == 303 and answer.location == url(approval)
    assert differences(before, snapshot(session)) == {}
    page = text_of(client.get(url(approval)))
    assert "is er een nieuwere versie van dit document gepubliceerd" in page
    assert "Versie 2" in page and "Vervallen: er is een nieuwere versie" in page
    assert version_of(session, shown).state == APPROVAL_VOID
    assert approvals.current_version(session, approval).state == APPROVAL_OPEN


# ---- Documenten and the receipt

def test_a_withdrawn_request_leaves_acties_and_says_so(app, client, session, approval,
                                                     dossier, lawyer):
    with app.test_request_context():
        approvals.withdraw(session, lawyer, approval)
        session.commit()
    assert f'href="{url(approval)}"' not in html_of(client.get("/acties"))
    tab = html_of(client.get(f"/dossiers/{dossier.id}/documenten"))
    assert "Wacht op uw goedkeuring" not in tab
    page = text_of(client.get(url(approval)))
    assert "Het kantoor heeft dit verzoek om goedkeuring ingetrokken" in page
    assert "Niet akkoord / opmerkingen" not in page
    assert client.get(url(approval, "/akkoord")).status_code == 303  # nothing to decide


def test_documenten_marks_the_document_for_its_client_only(app, client, session, make,
                                                           approval, dossier):
    tab = f"/dossiers/{dossier.id}/documenten"
    page = html_of(client.get(tab))
    assert "Wacht op uw goedkeuring" in page and f'href="{url(approval)}"' in page
    marie = make.user(email="marie@example.nl", name="Marie Mede")
    session.add(DossierClient(dossier_id=dossier.id, user_id=marie.id))
    session.commit()
    other = app.test_client()
    login(other, marie.email)
    seen = html_of(other.get(tab))
    assert "concept-akte.pdf" in seen and "Wacht op uw goedkeuring" not in seen
    post_form(client, url(approval, "/akkoord"),
              {"version_id": approval.versions[0].id, "password": "Geheim123"})
    assert "Wacht op uw goedkeuring" not in html_of(client.get(tab))


def test_the_receipt_is_a_sealed_pdf_made_when_missing(app, client, session, approval, jan,
                                                       ca):
    with app.test_request_context():  # decided without its receipt (making it failed)
        decision = approvals.decide(session, jan, approval, approval.versions[0].id, True,
                                    confirmed_with="password")
        session.commit()
    assert decision.receipt_key is None
    receipt = client.get(url(approval, f"/ontvangstbevestiging/{decision.id}"))
    assert receipt.status_code == 200 and receipt.mimetype == "application/pdf"
    assert f"-{approval.id}-v1.pdf" in receipt.headers["Content-Disposition"]
    with app.app_context():
        assert seal.check(receipt.data, [ca[1]]) == [(True, True)]
    assert find(session, ApprovalDecision, ApprovalDecision.id == decision.id).receipt_key
    assert len(events(session, "approval.receipt_downloaded")) == 1


# ---- nobody else

def test_nobody_else_gets_an_approval(app, session, make, approval, dossier, jan):
    with app.test_request_context():
        decision = approvals.decide(session, jan, approval, approval.versions[0].id, True,
                                    confirmed_with="password")
        session.commit()
    kees = make.user(email="kees@example.nl", name="Kees Ander")
    make.dossier(clients=[kees])
    company = make.company("Ander B.V.")
    bert = make.user(email="bert@ander.nl", name="Bert", company=company, company_main=True)
    make.dossier(companies=[company])
    marie = make.user(email="marie@example.nl", name="Marie Mede")
    session.add(DossierClient(dossier_id=dossier.id, user_id=marie.id))  # same dossier
    session.commit()
    urls = [url(approval), url(approval, "/akkoord"), url(approval, "/niet-akkoord"),
            url(approval, f"/ontvangstbevestiging/{decision.id}")]
    posts = [url(approval, "/akkoord"), url(approval, "/akkoord/sms"),
             url(approval, "/niet-akkoord")]
    for user in (kees, bert, marie):
        other = app.test_client()
        assert login(other, user.email).status_code == 302
        before = snapshot(session)
        for address in urls:
            assert other.get(address).status_code == 404, (user.email, address)
        for address in posts:
            answer = post_form(other, address, {"version_id": approval.versions[0].id,
                                                "password": "Geheim123", "comments": "Nee"})
            assert answer.status_code == 404, (user.email, address)
        assert differences(before, snapshot(session)) == {}
