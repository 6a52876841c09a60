"""Berichten, as chapter 2.1.1.5 of the manual: the list, reading, replying, writing with
Onderwerp and Bericht, the 4000-character limit with its live counter, and who may see what."""
import re

import pytest
from helpers import (
    BODY,
    SUBJECT,
    add_message,
    attach,
    csrf_token,
    login,
    post_form,
    send_form,
    text_of,
)
from sqlmodel import select
from twostep_helpers import login_staff

from app.models import (
    AuditEvent,
    Document,
    Message,
    MessageRead,
)

# ---- the list

def test_list_shows_van_and_aan_with_unread_in_bold(client, session, make, jan, lawyer,
                                                    dossier):
    secretary = make.user(email="boer@kantoor.nl", name="L. de Boer", kind="staff",
                          role="secretary", password=None)
    add_message(session, dossier, lawyer, subject="Concept akte")
    add_message(session, dossier, secretary, on_behalf_of_id=lawyer.id, subject="Huur")
    add_message(session, dossier, jan, from_client=True, subject="kopie stukken")
    response = client.get(f"/dossiers/{dossier.id}/berichten")
    page = text_of(response)
    assert "Van: mr. P. Jansen Concept akte (ongelezen)" in page
    assert "Van: L. de Boer (namens: mr. P. Jansen) Huur (ongelezen)" in page
    assert "Aan: mr. P. Jansen kopie stukken" in page
    html = response.get_data(as_text=True)
    assert len(re.findall(r'<tr class="unread">', html)) == 2  # bold in the stylesheet
    assert "Berichten (3) 2 ongelezen" in page
    assert "Nieuw bericht" in page


def test_messages_to_the_firm_without_a_handling_lawyer(client, session, make, jan):
    dossier = make.dossier(clients=[jan])
    add_message(session, dossier, jan, from_client=True, subject="Vraag")
    assert "Aan: Kantoor Test Vraag" in text_of(client.get(f"/dossiers/{dossier.id}/berichten"))


def test_an_empty_tab_says_what_will_appear_and_what_to_do(client, session, jan, dossier):
    page = text_of(client.get(f"/dossiers/{dossier.id}/berichten"))
    assert ("Er zijn nog geen berichten in dit dossier. Berichten tussen u en ons over dit "
            "dossier verschijnen hier." in page and "Kies dan Nieuw bericht." in page)
    # A draft is no message: the tab still says there are none.
    add_message(session, dossier, jan, from_client=True, sent=False, subject="Half af")
    page = text_of(client.get(f"/dossiers/{dossier.id}/berichten"))
    assert "Niet verzonden Half af" in page and "Er zijn nog geen berichten" in page


@pytest.mark.parametrize("which", ["list", "new", "draft", "message", "reply"])
def test_every_message_screen_is_a_page_and_a_fragment(client, session, jan, lawyer, dossier,
                                                       which):
    message = add_message(session, dossier, lawyer, subject="Concept akte")
    draft = add_message(session, dossier, jan, from_client=True, sent=False, subject="Half af")
    url, expected = {
        "list": (f"/dossiers/{dossier.id}/berichten", "Concept akte"),
        "new": (f"/dossiers/{dossier.id}/berichten/nieuw", "Nieuw bericht"),
        "draft": (f"/concepten/{draft.id}", "Half af"),
        "message": (f"/berichten/{message.id}", "Wilt u de concept akte doornemen?"),
        "reply": (f"/berichten/{message.id}/beantwoorden", "Oorspronkelijk bericht"),
    }[which]
    full = client.get(url)
    assert full.status_code == 200 and "<html" in full.get_data(as_text=True)
    assert "Voortgang" in text_of(full) and expected in full.get_data(as_text=True)
    fragment = client.get(url, headers={"HX-Request": "true"})
    html = fragment.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="dossier-tabs"') and "<html" not in html
    assert expected in html and "Voortgang" not in text_of(fragment)
    for response in (full, fragment):
        assert "HX-Request" in response.headers["Vary"]
    restore = client.get(url, headers={"HX-Request": "true",
                                       "HX-History-Restore-Request": "true"})
    assert "<html" in restore.get_data(as_text=True)


# ---- reading

def test_opening_marks_read_and_the_unread_count_drops(client, session, jan, lawyer,
                                                       dossier):
    first = add_message(session, dossier, lawyer, subject="Eerste", body="Regel 1\nRegel 2")
    add_message(session, dossier, lawyer, subject="Tweede")
    assert "Berichten (2) 2 ongelezen" in text_of(
        client.get(f"/dossiers/{dossier.id}/correspondentie"))

    fragment = client.get(f"/berichten/{first.id}", headers={"HX-Request": "true"})
    html = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "HX-Request" in fragment.headers["Vary"]
    assert html.lstrip().startswith('<div id="dossier-tabs"') and "<html" not in html
    assert "Berichten (2) 1 ongelezen" in text_of(fragment)  # the tab bar comes along
    assert "Van: mr. P. Jansen" in text_of(fragment) and "Regel 1\nRegel 2" in html
    assert session.get(MessageRead, (first.id, jan.id)) is not None

    full = client.get(f"/berichten/{first.id}")
    assert "<html" in full.get_data(as_text=True) and "HX-Request" in full.headers["Vary"]
    assert "Voortgang" in text_of(full) and "Beantwoorden" in text_of(full)
    reads = session.exec(select(AuditEvent).where(AuditEvent.action == "message.read")).all()
    assert [e.target_id for e in reads] == [first.id]  # audited once, not on every visit
    page = client.get(f"/dossiers/{dossier.id}/berichten").get_data(as_text=True)
    assert len(re.findall(r'<tr class="unread">', page)) == 1


def test_message_shows_on_behalf_of_and_its_attachments(app, client, session, make, jan,
                                                        lawyer, dossier):
    secretary = make.user(email="boer@kantoor.nl", name="L. de Boer", kind="staff",
                          role="secretary", password=None)
    message = add_message(session, dossier, secretary, on_behalf_of_id=lawyer.id)
    document = attach(app, session, message, filename="akte.pdf")
    page = text_of(client.get(f"/berichten/{message.id}"))
    assert "Van: L. de Boer (namens: mr. P. Jansen)" in page and "akte.pdf" in page
    download = client.get(f"/documenten/{document.id}/download")
    assert download.status_code == 200 and download.data == b"%PDF-1.4 bijlage"


def test_reply_shows_the_original_under_it(client, session, jan, lawyer, dossier):
    original = add_message(session, dossier, lawyer, subject="Concept akte",
                           body="Wilt u de akte doornemen?")
    page = client.get(f"/berichten/{original.id}/beantwoorden")
    assert page.status_code == 200
    assert 'value="Re: Concept akte"' in page.get_data(as_text=True)
    assert "Oorspronkelijk bericht Concept akte Van: mr. P. Jansen" in text_of(page)
    assert "Wilt u de akte doornemen?" in text_of(page)
    assert session.get(MessageRead, (original.id, jan.id)) is not None  # answering is reading
    fragment = client.get(f"/berichten/{original.id}/beantwoorden",
                          headers={"HX-Request": "true"})
    assert "<html" not in fragment.get_data(as_text=True)
    assert "Oorspronkelijk bericht" in text_of(fragment)

    response = send_form(client, f"/berichten/{original.id}/beantwoorden",
                         subject="Re: Concept akte", body="Akkoord.")
    assert response.status_code == 302
    assert response.location == f"/dossiers/{dossier.id}/berichten"
    reply = session.exec(select(Message).where(Message.reply_to_id == original.id)).one()
    assert reply.from_client and reply.sent_at is not None and reply.sender_id == jan.id
    assert reply.body == "Akkoord." and reply.dossier_id == dossier.id
    page = text_of(client.get(f"/dossiers/{dossier.id}/berichten"))
    assert "Uw bericht is verstuurd." in page and "Aan: mr. P. Jansen Re: Concept akte" in page
    # The sent reply shows the message it answers, too.
    shown = text_of(client.get(f"/berichten/{reply.id}"))
    assert "Akkoord." in shown and "Oorspronkelijk bericht" in shown
    assert "Van: Jan de Vries" in shown and "Aan: mr. P. Jansen" in shown
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "message.sent")).one()
    assert event.target_id == reply.id and event.actor_id == jan.id


def test_a_draft_cannot_be_answered_or_opened_by_others(app, client, session, make, jan,
                                                       lawyer, dossier):
    draft = add_message(session, dossier, lawyer, sent=False)
    assert client.get(f"/berichten/{draft.id}").status_code == 404
    assert client.get(f"/berichten/{draft.id}/beantwoorden").status_code == 404
    assert client.get(f"/concepten/{draft.id}").status_code == 404
    sent = add_message(session, dossier, jan, from_client=True)
    assert client.get(f"/concepten/{sent.id}").status_code == 404  # sent: no longer a draft


# ---- writing: Onderwerp and Bericht are required, at most 4000 characters

def test_new_message_is_sent_and_listed(client, session, jan, dossier):
    page = client.get(f"/dossiers/{dossier.id}/berichten/nieuw")
    assert page.status_code == 200
    page_text = text_of(page)
    assert "Nieuw bericht" in page_text and "Aan: mr. P. Jansen" in page_text
    assert "0 van 4000 tekens" in page_text and "Versturen" in page_text
    html = page.get_data(as_text=True)
    assert 'maxlength="4000"' in html and 'hx-post="/dossiers/%d/berichten/teller"' % (
        dossier.id) in html
    # On input, not keyup: pasting, cutting and dictation update the counter too.
    assert 'hx-trigger="input changed delay:300ms"' in html
    assert 'hx-target="#body-counter"' in html and 'id="body-counter"' in html
    assert re.search(r'id="body-counter-status"[^>]*aria-live="polite"', html)
    response = send_form(client, f"/dossiers/{dossier.id}/berichten/nieuw")
    assert response.status_code == 302
    message = session.exec(select(Message)).one()
    assert (message.subject, message.body) == (SUBJECT, BODY)
    assert message.from_client and message.sender_id == jan.id and message.sent_at
    assert "Aan: mr. P. Jansen kopie stukken" in text_of(client.get(response.location))


@pytest.mark.parametrize("language, subject_error, body_error", [
    ("nl", "Vul een onderwerp in.", "Vul een bericht in."),
    ("en", "Enter a subject.", "Enter your message."),
])
def test_subject_and_message_are_required(app, session, make, language, subject_error,
                                          body_error):
    user = make.user(email="klant@example.nl", language=language)
    dossier = make.dossier(clients=[user])
    client = app.test_client()
    login(client, "klant@example.nl")
    url = f"/dossiers/{dossier.id}/berichten/nieuw"
    response = send_form(client, url, subject="", body="   ")
    assert response.status_code == 400
    page = text_of(response)
    assert subject_error in page and body_error in page
    response = send_form(client, url, subject="Alleen een onderwerp", body="")
    assert response.status_code == 400
    assert body_error in text_of(response) and subject_error not in text_of(response)
    assert 'value="Alleen een onderwerp"' in response.get_data(as_text=True)  # kept
    drafts = session.exec(select(Message)).all()
    assert [(m.subject, m.sent_at) for m in drafts] == [("Alleen een onderwerp", None)]


def test_exactly_4000_characters_are_accepted(client, session, dossier):
    body = "a" * 3990 + "\n" * 10  # the browser sends each line break as two characters
    response = send_form(client, f"/dossiers/{dossier.id}/berichten/nieuw",
                         body=body.replace("\n", "\r\n"))
    assert response.status_code == 302
    message = session.exec(select(Message)).one()
    assert message.body == body and len(message.body) == 4000 and message.sent_at


@pytest.mark.parametrize("language, error", [
    ("nl", "Een bericht mag maximaal 4000 tekens bevatten; uw bericht heeft er 4001."),
    ("en", "A message may be at most 4000 characters long; yours has 4001."),
])
def test_4001_characters_are_refused_and_the_text_given_back(app, session, make, language,
                                                             error):
    user = make.user(email="klant@example.nl", language=language)
    dossier = make.dossier(clients=[user])
    client = app.test_client()
    login(client, "klant@example.nl")
    body = "Beste,\n" + "x" * 3991 + "END"
    assert len(body) == 4001
    response = send_form(client, f"/dossiers/{dossier.id}/berichten/nieuw", body=body,
                         subject="Lang bericht")
    assert response.status_code == 400
    assert error in text_of(response)
    html = response.get_data(as_text=True)
    assert ">\r\n" + body + "</textarea>" in html  # every character typed comes back
    assert 'value="Lang bericht"' in html
    assert session.exec(select(Message)).all() == []
    assert ("4001 van 4000 tekens" if language == "nl" else "4001 of 4000 characters") in \
        text_of(response)


def test_subject_longer_than_200_is_refused(client, session, dossier):
    response = send_form(client, f"/dossiers/{dossier.id}/berichten/nieuw", subject="o" * 201)
    assert response.status_code == 400
    assert "Het onderwerp mag maximaal 200 tekens lang zijn." in text_of(response)
    assert session.exec(select(Message)).all() == []


def test_enter_in_a_field_saves_a_draft_and_never_sends(client, session, dossier):
    response = send_form(client, f"/dossiers/{dossier.id}/berichten/nieuw", action=None)
    draft = session.exec(select(Message)).one()
    assert response.status_code == 302 and response.location == f"/concepten/{draft.id}"
    assert draft.sent_at is None and draft.body == BODY
    page = text_of(client.get(response.location))
    assert "Uw concept is bewaard." in page and BODY.split()[0] in page
    listed = text_of(client.get(f"/dossiers/{dossier.id}/berichten"))
    assert "Niet verzonden kopie stukken" in listed
    # The draft is sent from its own page.
    assert send_form(client, f"/concepten/{draft.id}").status_code == 302
    session.refresh(draft)
    assert draft.sent_at is not None
    assert session.exec(select(Message)).all() == [draft]  # no second message


def test_an_empty_form_makes_no_draft(client, session, dossier):
    response = send_form(client, f"/dossiers/{dossier.id}/berichten/nieuw", subject="",
                         body="", action="save")
    assert response.status_code == 200
    assert session.exec(select(Message)).all() == []


# ---- drafts: the writer's own, "Niet verzonden", never counted as messages (issue 16, 7)

def test_an_attachment_makes_a_draft_that_is_no_message(app, client, session, jan, lawyer,
                                                        dossier):
    add_message(session, dossier, lawyer, subject="Concept akte")
    # "+ Bijlagen" uploads at once: the draft is there before anything is sent.
    response = send_form(client, f"/dossiers/{dossier.id}/berichten/nieuw", action="upload",
                         files=[("paspoort.pdf", b"%PDF-1.4 paspoort")])
    draft = session.exec(select(Message).where(Message.sent_at.is_(None))).one()
    assert response.location == f"/concepten/{draft.id}"
    for url in (f"/dossiers/{dossier.id}/correspondentie", f"/dossiers/{dossier.id}/berichten",
                response.location):
        page = text_of(client.get(url))
        assert "Door mij aangeleverd (0) Berichten (1) 1 ongelezen" in page, url
    listed = client.get(f"/dossiers/{dossier.id}/berichten")
    page = text_of(listed)
    # Shown to its writer apart from the messages, and never as "Concept …", a word that
    # documents such as "Concept akte" carry.
    assert f"Niet verzonden {SUBJECT}" in page
    assert re.findall(r"Concept(?! akte)", page) == []
    assert 'class="unsent"' in listed.get_data(as_text=True)  # set apart in the stylesheet
    assert "Niet verzonden" in text_of(client.get(response.location))  # its own page says so
    # The staff side never sees it: not in the inbox, nor among the dossier's messages.
    staff = app.test_client()
    login_staff(staff, session, lawyer)
    assert SUBJECT not in text_of(staff.get("/kantoor/berichten"))
    assert SUBJECT not in text_of(staff.get(f"/kantoor/dossiers/{dossier.id}/berichten"))


def test_drafts_in_english_are_not_sent(app, session, make, lawyer):
    sophie = make.user(email="sophie@example.nl", language="en")
    dossier = make.dossier(clients=[sophie], lawyer=lawyer)
    add_message(session, dossier, sophie, from_client=True, sent=False, subject="Half done")
    client = app.test_client()
    login(client, "sophie@example.nl")
    page = text_of(client.get(f"/dossiers/{dossier.id}/berichten"))
    assert "Not sent Half done" in page and "Messages (0)" in page and "Draft" not in page


# ---- the live counter

def test_counter_fragment_for_htmx(client, dossier):
    url = f"/dossiers/{dossier.id}/berichten/teller"
    response = post_form(client, url, {"body": "Beste,\r\n\r\nHierbij zend ik "},
                         headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html and "<div" not in html
    assert text_of(response) == "24 van 4000 tekens"  # the manual's own example
    assert "HX-Request" in response.headers["Vary"]
    full = post_form(client, url, {"body": "x" * 3999}, headers={"HX-Request": "true"})
    assert "Maximum bereikt" not in text_of(full)
    at_limit = post_form(client, url, {"body": "x" * 4000}, headers={"HX-Request": "true"})
    assert text_of(at_limit) == ("4000 van 4000 tekens Maximum bereikt — Het maximaal aantal "
                              "van 4000 karakters voor een bericht is bereikt. Meer tekst "
                              "zal worden verwijderd.")


def test_counter_url_loaded_directly_gives_the_full_form(client, dossier):
    url = f"/dossiers/{dossier.id}/berichten/teller"
    page = client.get(url)
    assert page.status_code == 200 and "<html" in page.get_data(as_text=True)
    assert "HX-Request" in page.headers["Vary"]
    assert "Nieuw bericht" in text_of(page) and "0 van 4000 tekens" in text_of(page)
    # Without JavaScript the same URL answers with the form, the text kept and counted.
    posted = post_form(client, url, {"subject": "Vraag", "body": "Twaalf tekens"})
    html = posted.get_data(as_text=True)
    assert "<html" in html and "13 van 4000 tekens" in text_of(posted)
    assert ">\r\nTwaalf tekens</textarea>" in html


def test_counter_in_english(app, make):
    user = make.user(email="sophie@example.nl", language="en")
    dossier = make.dossier(clients=[user])
    client = app.test_client()
    login(client, "sophie@example.nl")
    response = post_form(client, f"/dossiers/{dossier.id}/berichten/teller",
                         {"body": "x" * 4000}, headers={"HX-Request": "true"})
    assert text_of(response).startswith("4000 of 4000 characters Maximum reached")


# ---- company dossiers, other clients, staff, CSRF

def test_every_account_of_a_company_sees_the_dossiers_messages(app, session, make, lawyer):
    company = make.company()
    anna = make.user(email="anna@bedrijf.nl", name="Anna", company=company, company_main=True)
    make.user(email="piet@bedrijf.nl", name="Piet", company=company)
    dossier = make.dossier(companies=[company], lawyer=lawyer)
    incoming = add_message(session, dossier, lawyer, subject="Huurovereenkomst")
    draft = add_message(session, dossier, anna, from_client=True, sent=False, subject="Half")
    anna_client = app.test_client()
    login(anna_client, "anna@bedrijf.nl")
    assert send_form(anna_client, f"/berichten/{incoming.id}/beantwoorden",
                     subject="Re: Huurovereenkomst", body="Bijgevoegd").status_code == 302
    piet = app.test_client()
    login(piet, "piet@bedrijf.nl")
    page = text_of(piet.get(f"/dossiers/{dossier.id}/berichten"))
    assert "Van: mr. P. Jansen Huurovereenkomst" in page
    assert "Aan: mr. P. Jansen Re: Huurovereenkomst" in page
    assert "Half" not in page  # Anna's draft is hers alone
    # Read marks are per account: Anna answered it, for Piet it is still unread.
    assert "1 ongelezen" in page
    assert "ongelezen" not in text_of(anna_client.get(f"/dossiers/{dossier.id}/berichten"))
    assert piet.get(f"/berichten/{incoming.id}").status_code == 200
    assert "ongelezen" not in text_of(piet.get(f"/dossiers/{dossier.id}/berichten"))
    assert piet.get(f"/concepten/{draft.id}").status_code == 404


def _urls_of(app, session, owner, dossier, lawyer):
    """Every message URL of `owner`'s dossier: the list, a message, a draft and files."""
    message = add_message(session, dossier, lawyer)
    staff_file = attach(app, session, message)
    draft = add_message(session, dossier, owner, from_client=True, sent=False)
    draft_file = attach(app, session, draft, by=owner)
    gets = [f"/dossiers/{dossier.id}/berichten", f"/berichten/{message.id}",
            f"/berichten/{draft.id}", f"/berichten/{message.id}/beantwoorden",
            f"/dossiers/{dossier.id}/berichten/nieuw", f"/concepten/{draft.id}",
            f"/dossiers/{dossier.id}/berichten/teller",
            f"/documenten/{staff_file.id}/download", f"/documenten/{draft_file.id}/download"]
    posts = [f"/berichten/{message.id}/beantwoorden", f"/dossiers/{dossier.id}/berichten/nieuw",
             f"/concepten/{draft.id}", f"/dossiers/{dossier.id}/berichten/teller",
             f"/concepten/{draft.id}/bijlagen/{draft_file.id}/verwijderen",
             f"/concepten/{draft.id}/verwijderen"]
    return gets, posts, message, draft, draft_file


def test_another_client_gets_404_on_every_message_url(app, session, make, lawyer):
    owner = make.user(email="owner@example.nl")
    dossier = make.dossier(clients=[owner], lawyer=lawyer)
    gets, posts, message, draft, draft_file = _urls_of(app, session, owner, dossier, lawyer)
    company = make.company()
    make.user(email="other@example.nl")
    make.user(email="company@example.nl", company=company, company_main=True)
    make.dossier(companies=[company], lawyer=lawyer)
    for email in ("other@example.nl", "company@example.nl"):
        client = app.test_client()
        login(client, email)
        token = csrf_token(client, "/")
        for url in gets:
            for headers in ({}, {"HX-Request": "true"}):
                response = client.get(url, headers=headers)
                assert response.status_code == 404, (email, url, headers)
                assert b"Concept akte" not in response.data and b"%PDF" not in response.data
        for url in posts:
            for headers in ({}, {"HX-Request": "true"}):
                response = send_form(client, url, token=token, headers=headers,
                                     files=[("x.pdf", b"%PDF-1.4")])
                assert response.status_code == 404, (email, url, headers)
    # Nothing of the owner's changed, and nothing was added.
    session.expire_all()
    assert session.get(Message, draft.id).sent_at is None
    assert session.get(Document, draft_file.id) is not None
    assert len(session.exec(select(Message)).all()) == 2
    assert len(session.exec(select(Document)).all()) == 2
    assert session.exec(select(MessageRead)).all() == []


def test_the_same_urls_work_for_the_owner(app, session, make, lawyer):
    owner = make.user(email="owner@example.nl")
    dossier = make.dossier(clients=[owner], lawyer=lawyer)
    gets, _posts, message, draft, _file = _urls_of(app, session, owner, dossier, lawyer)
    client = app.test_client()
    login(client, "owner@example.nl")
    for url in gets:
        response = client.get(url)
        assert response.status_code in (200, 302), url


def test_staff_do_not_use_the_client_message_pages(app, session, make, lawyer, dossier):
    message = add_message(session, dossier, lawyer)
    make.staff(email="staff@kantoor.nl")
    client = app.test_client()
    assert login(client, "staff@kantoor.nl").status_code == 302
    for url in (f"/dossiers/{dossier.id}/berichten", f"/berichten/{message.id}",
                f"/dossiers/{dossier.id}/berichten/nieuw"):
        assert client.get(url).status_code == 404, url


def test_csrf_is_required(client, session, dossier):
    url = f"/dossiers/{dossier.id}/berichten/nieuw"
    response = client.post(url, data={"subject": SUBJECT, "body": BODY, "action": "send"},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Dit formulier is verlopen" in text_of(response)
    counter = client.post(f"/dossiers/{dossier.id}/berichten/teller", data={"body": "x"},
                          headers={"HX-Request": "true"})
    assert counter.status_code == 400
    assert session.exec(select(Message)).all() == []
    # htmx sends the token in a header, taken from <body hx-headers>.
    token = csrf_token(client, url)
    ok = client.post(f"/dossiers/{dossier.id}/berichten/teller", data={"body": "x"},
                     headers={"HX-Request": "true", "X-CSRFToken": token})
    assert ok.status_code == 200 and text_of(ok) == "1 van 4000 tekens"
