"""Acties: questionnaires filled in step by step, resumed anywhere, completed as a PDF."""
import io
import os
import re
import threading
from decimal import Decimal

import pytest
from flask_babel import force_locale
from helpers import (
    DEFINITION,
    age_notifications,
    assign,
    complete,
    csrf_token,
    fill,
    form_state,
    login,
    pdf_text,
    post_form,
    text_of,
)
from sqlalchemy import update
from sqlmodel import Session, delete, select

from app import notifications, pdf
from app.demo import load_demo
from app.models import (
    CAT_PROVIDED,
    AuditEvent,
    Document,
    DossierStatus,
    NotificationItem,
    OutgoingMail,
    Questionnaire,
    QuestionnaireAnswer,
    QuestionnaireAssignment,
    QuestionnaireVersion,
    User,
    utcnow,
)
from app.questionnaires import uploads
from app.questionnaires.answers import Completed, load, save_answers, save_step
from app.questionnaires.completion import AnswersChanged
from app.questionnaires.completion import complete as complete_questionnaire
from app.questionnaires.definition import DefinitionError, check_definition, new_version
from app.questionnaires.validation import clean, parse_number
from app.storage import path_for

STEP1 = {"naam": "Jan de Vries", "geboortedatum": "31-12-1980", "email": "jan@example.nl",
         "telefoon": "06 12345678"}
STEP2 = {"gehuwd": "yes", "partner": "Els de Vries"}
STEP3 = {"iban": "nl91 abna 0417 1643 00", "inkomen": "52.000,50", "woonvorm": "koop"}
STEP4 = {"wensen": ["Testament", "Samenlevingscontract"],
         "toelichting": "Graag voor de zomer.\nBel mij gerust."}


def upload(name="paspoort.pdf", data=b"%PDF-1.4 kopie paspoort"):
    return {"q_legitimatie": (io.BytesIO(data), name)}


def fill_all(client, assignment):
    """Fill in all five steps of DEFINITION."""
    for number, answers in enumerate([STEP1, STEP2, STEP3, STEP4], 1):
        assert fill(client, assignment, number, answers).status_code == 303
    assert fill(client, assignment, 5, {}, files=upload()).status_code == 303


@pytest.fixture
def lawyer(make):
    return make.staff(email="mr.jansen@kantoor.example.nl")


@pytest.fixture
def dossier(make, jan, lawyer):
    return make.dossier(clients=[jan], lawyer=lawyer, number="2026-0142",
                        description="Aankoop woning Dorpsstraat 12")


@pytest.fixture
def assignment(session, jan, dossier):
    return assign(session, jan, dossier)


# ---- definitions as data

def test_definitions_are_checked(app, session):
    check_definition(DEFINITION)
    session.exec(delete(DossierStatus))
    with app.app_context():
        load_demo(session)
    demo = session.exec(select(QuestionnaireVersion)).one()
    check_definition(demo.definition)
    session.rollback()


@pytest.mark.parametrize("definition", [
    {},
    {"steps": []},
    {"steps": [{"title": "Stap", "questions": []}]},
    {"steps": [{"title": "Stap", "questions": [{"id": "a", "type": "colour", "label": "A"}]}]},
    {"steps": [{"title": "Stap", "questions": [{"id": "a", "type": "text", "label": "A"},
                                               {"id": "a", "type": "text", "label": "B"}]}]},
    {"steps": [{"title": "Stap", "questions": [{"id": "a", "type": "choice", "label": "A"}]}]},
    {"steps": [{"title": "Stap", "questions": [
        {"id": "a", "type": "text", "label": "A", "show_if": {"question": "b", "value": "x"}},
        {"id": "b", "type": "text", "label": "B"}]}]},
])
def test_bad_definitions_are_refused(definition):
    with pytest.raises(DefinitionError):
        check_definition(definition)


def test_a_sent_version_cannot_be_changed(session, assignment):
    version = session.get(QuestionnaireVersion, assignment.version_id)
    version.definition = {"steps": [{"title": "Anders", "questions": [
        {"id": "x", "type": "text", "label": "X"}]}]}
    with pytest.raises(DefinitionError):
        session.commit()
    session.rollback()
    questionnaire = session.get(Questionnaire, version.questionnaire_id)
    newer = new_version(session, questionnaire, title="Intake koper",
                        definition=DEFINITION)
    session.commit()
    assert newer.version == 2
    assert session.get(QuestionnaireAssignment, assignment.id).version_id == version.id


# ---- validation of each question type

def q(kind, **extra):
    return {"id": "v", "type": kind, "label": "Vraag", **extra}


CHOICES = [{"value": "koop", "label": "Koopwoning"}, {"value": "huur", "label": "Huurwoning"}]


@pytest.mark.parametrize("question, raw, stored, problem", [
    (q("text"), "  Jan  ", "Jan", None),
    (q("text", required=True), "   ", "", "This question must be answered."),
    (q("text", max_length=5), "Jan de Vries", "Jan de Vries",
     "The answer may be at most 5 characters long."),
    (q("textarea"), "regel 1\nregel 2", "regel 1\nregel 2", None),
    (q("textarea"), "x" * 5001, "x" * 5001, "The answer may be at most 5000 characters long."),
    (q("number"), "12,5", 12.5, None),
    (q("number"), "1.234,50", 1234.5, None),
    (q("number"), "52,000", 52000, None),
    (q("number"), "-3", -3, None),
    (q("number", min=0), 0, 0, None),
    (q("number"), "twaalf", "twaalf", "Enter a number, such as 12 or 12,5."),
    (q("number", min=0), "-1", "-1", "The number must be at least 0."),
    (q("number", max=10), "11", "11", "The number must be at most 10."),
    (q("date"), "31-12-1980", "1980-12-31", None),
    (q("date"), "1980-12-31", "1980-12-31", None),
    (q("date"), "30-02-2026", "30-02-2026", "Enter a date, such as 31-12-1980."),
    (q("date"), "gisteren", "gisteren", "Enter a date, such as 31-12-1980."),
    (q("date"), "1-1-1900", "1900-01-01", None),
    (q("date"), "31-12-2100", "2100-12-31", None),
    (q("date"), "31-12-1899", "31-12-1899", "Enter a date from 1-1-1900 to 31-12-2100."),
    (q("date"), "1-1-2101", "1-1-2101", "Enter a date from 1-1-1900 to 31-12-2100."),
    (q("date"), "0198-05-01", "0198-05-01", "Enter a date from 1-1-1900 to 31-12-2100."),
    (q("date"), "0000-05-01", "0000-05-01", "Enter a date, such as 31-12-1980."),
    (q("date"), "29-02-2100", "29-02-2100", "Enter a date, such as 31-12-1980."),
    (q("yesno"), "no", "no", None),
    (q("yesno", required=True), "", "", "This question must be answered."),
    (q("yesno"), "misschien", "misschien", "Choose one of the options."),
    (q("choice", options=CHOICES), "huur", "huur", None),
    (q("choice", options=CHOICES), "kasteel", "kasteel", "Choose one of the options."),
    (q("multichoice", options=["A", "B", "C"]), ["C", "A"], ["A", "C"], None),
    (q("multichoice", options=["A", "B"]), ["A", "Z"], ["A", "Z"],
     "Choose one of the options."),
    (q("multichoice", options=["A"], required=True), [], [],
     "This question must be answered."),
    (q("email"), "jan@Example.NL", "jan@example.nl", None),
    (q("email"), "jan@", "jan@", "Enter an e-mail address, such as name@example.nl."),
    (q("phone"), "06 12345678", "+31 6 12345678", None),
    (q("phone"), "020-1234567", "+31 20 123 4567", None),
    (q("phone"), "+32 470 12 34 56", "+32 470 12 34 56", None),
    (q("phone"), "12345", "12345",
     "Enter a phone number, such as 06 12345678 or +31 20 1234567."),
    (q("iban"), "nl91abna0417164300", "NL91 ABNA 0417 1643 00", None),
    (q("iban"), "GB82 WEST 1234 5698 7654 32", "GB82 WEST 1234 5698 7654 32", None),
    (q("iban"), "NL91 ABNA 0417 1643 01", "NL91 ABNA 0417 1643 01",
     "This IBAN is not correct: check the number."),
    (q("iban"), "NL91 ABNA 0417 16", "NL91 ABNA 0417 16",
     "Enter an IBAN, such as NL91 ABNA 0417 1643 00."),
    (q("upload", required=True), None, None, "This question must be answered."),
    (q("upload"), {"document": 7, "filename": "a.pdf"}, {"document": 7, "filename": "a.pdf"},
     None),
])
def test_each_type_is_checked_and_normalised(app, question, raw, stored, problem):
    with app.test_request_context(), force_locale("en"):
        value, found = clean(question, raw)
        assert value == stored
        assert (str(found) if found is not None else None) == problem
        if problem is None:
            assert clean(question, value) == (value, None)  # stored values stay valid


@pytest.mark.parametrize("typed, group, number", [
    ("52.000", ".", "52000"), ("12.5", ".", "12.5"), ("1.234.567,89", ".", "1234567.89"),
    ("12,5", ".", "12.5"), ("1,234", ".", "1.234"), ("52,000", ",", "52000"),
    ("52.000", ",", "52.000"), ("1 000", ",", "1000"), ("1.2.3", ",", None), ("", ",", None),
])
def test_numbers_are_read_as_the_language_writes_them(typed, group, number):
    parsed = parse_number(typed, group)
    assert parsed == (Decimal(number) if number else None)


def test_a_saved_number_reads_the_same_in_every_language(app, client, session, jan,
                                                         dossier):
    definition = {"steps": [{"title": "Stap", "questions": [
        {"id": "bedrag", "type": "number", "label": "Bedrag", "max": 2000}]}]}
    assignment = assign(session, jan, dossier, definition)
    assert fill(client, assignment, 1, {"bedrag": "1,234"}).status_code == 303
    assert session.exec(select(QuestionnaireAnswer)).one().answers == {"bedrag": 1.234}
    html = client.get(f"/vragenlijsten/{assignment.id}/stap/1").get_data(as_text=True)
    assert 'value="1,234"' in html
    assert "Bedrag 1,234" in text_of(client.get(f"/vragenlijsten/{assignment.id}/overzicht"))
    assert fill(client, assignment, 1, {"bedrag": "1.500"}).status_code == 303
    session.expire_all()
    assert session.exec(select(QuestionnaireAnswer)).one().answers == {"bedrag": 1500}
    assert fill(client, assignment, 1, {"bedrag": "2.500"}).status_code == 400


@pytest.mark.parametrize("kind, typed, message", [
    ("text", "x" * 501, "Het antwoord mag maximaal 500 tekens lang zijn."),
    ("number", "twaalf", "Vul een getal in, bijvoorbeeld 12 of 12,5."),
    ("date", "30-02-2026", "Vul een datum in, bijvoorbeeld 31-12-1980."),
    ("date", "12-05-1850", "Vul een datum in van 1-1-1900 tot en met 31-12-2100."),
    ("yesno", "", "Deze vraag moet worden beantwoord."),
    ("choice", "", "Deze vraag moet worden beantwoord."),
    ("multichoice", "", "Deze vraag moet worden beantwoord."),
    ("email", "jan@@example", "Vul een e-mailadres in, bijvoorbeeld naam@voorbeeld.nl."),
    ("phone", "06-123", "Vul een telefoonnummer in, bijvoorbeeld 06 12345678"),
    ("iban", "NL91 ABNA 0417 1643 01", "Dit IBAN klopt niet: controleer het nummer."),
    ("upload", "", "Deze vraag moet worden beantwoord."),
])
def test_a_wrong_answer_shows_its_message_and_keeps_what_was_typed(
        client, session, jan, dossier, kind, typed, message):
    question = {"id": "v", "type": kind, "label": "De vraag", "required": True}
    if kind in ("choice", "multichoice"):
        question["options"] = ["Een", "Twee"]
    definition = {"steps": [{"title": "Stap", "questions": [
        {"id": "naam", "type": "text", "label": "Naam"}, question]}]}
    assignment = assign(session, jan, dossier, definition)
    response = fill(client, assignment, 1, {"naam": "Jan <b>de</b> Vries", "v": typed})
    assert response.status_code == 400
    page = text_of(response)
    assert "Er is een probleem" in page and message in page
    html = response.get_data(as_text=True)
    assert 'value="Jan &lt;b&gt;de&lt;/b&gt; Vries"' in html  # kept, and escaped
    if kind in ("text", "number", "email", "phone", "iban"):
        assert f'value="{typed}"' in html
    assert f'id="q-v-error">{message}' in html


# ---- conditional questions

def test_a_hidden_question_is_not_asked_checked_or_printed(client, session, jan, assignment):
    fill(client, assignment, 1, STEP1)
    page = client.get(f"/vragenlijsten/{assignment.id}/stap/2").get_data(as_text=True)
    assert re.search(r'<div id="question-partner" hidden="hidden" class', page)
    response = fill(client, assignment, 2, {"gehuwd": "no", "partner": "Oude partner"})
    assert response.status_code == 303  # the required partner question was not checked
    assert response.location.endswith("/stap/3")
    fill(client, assignment, 3, STEP3)
    fill(client, assignment, 4, STEP4)
    fill(client, assignment, 5, {}, files=upload())
    summary = text_of(client.get(f"/vragenlijsten/{assignment.id}/overzicht"))
    assert "Bent u gehuwd? Nee" in summary and "Naam partner" not in summary
    assert "Oude partner" not in summary


def test_without_javascript_a_question_brought_up_is_shown_before_it_is_required(
        client, session, jan, assignment):
    fill(client, assignment, 1, STEP1)
    revision, shown = form_state(client, f"/vragenlijsten/{assignment.id}/stap/2")
    assert shown == []
    response = post_form(client, f"/vragenlijsten/{assignment.id}/stap/2",
                         {"q_gehuwd": "yes", "revision": revision, "action": "next"})
    assert response.status_code == 200
    page = text_of(response)
    assert "Door uw antwoord zijn er vragen bijgekomen" in page
    assert "Er is een probleem" not in page
    html = response.get_data(as_text=True)
    assert re.search(r'<div id="question-partner" class', html)  # no longer hidden
    assert 'name="_shown" value="partner"' in html
    # The answer given is saved already; now the partner question is required.
    revision, shown = form_state(client, f"/vragenlijsten/{assignment.id}/stap/2")
    assert shown == ["partner"]
    response = post_form(client, f"/vragenlijsten/{assignment.id}/stap/2",
                         {"q_gehuwd": "yes", "revision": revision, "action": "next",
                          "_shown": shown})
    assert response.status_code == 400 and "Naam partner" in text_of(response)
    response = fill(client, assignment, 2, STEP2)
    assert response.status_code == 303 and response.location.endswith("/stap/3")


def test_with_htmx_the_dependent_questions_follow_the_answer(client, session, jan,
                                                             assignment):
    fill(client, assignment, 1, STEP1)
    url = f"/vragenlijsten/{assignment.id}/stap/2/voorwaarden"
    response = post_form(client, url, {"q_gehuwd": "yes", "q_partner": "Els"},
                         headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert re.search(r'<div id="question-partner" hx-swap-oob="true" class', html)
    assert 'value="Els"' in html and 'name="_shown" value="partner"' in html
    response = post_form(client, url, {"q_gehuwd": "no", "q_partner": "Els"},
                         headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert re.search(r'<div id="question-partner" hidden="hidden" hx-swap-oob="true" class', html)
    assert 'value="Els"' in html  # kept while hidden, in case the answer changes back
    assert session.exec(select(QuestionnaireAnswer).where(
        QuestionnaireAnswer.step == 2)).first() is None  # nothing saved
    # The question others depend on asks for this when it changes.
    page = client.get(f"/vragenlijsten/{assignment.id}/stap/2").get_data(as_text=True)
    assert f'hx-post="{url}" hx-trigger="change"' in page


CHILDREN = {"id": "kinderen", "type": "yesno", "label": "Heeft u kinderen?"}


def with_children_step(*start):
    """Three steps: the questions `start`, then "Kinderen" (shown only to those who answered
    CHILDREN with yes), then "Einde"."""
    return {"steps": [
        {"title": "Start", "questions": list(start)},
        {"title": "Kinderen", "questions": [
            {"id": "aantal", "type": "number", "label": "Hoeveel?", "required": True,
             "show_if": {"question": "kinderen", "value": "yes"}}]},
        {"title": "Einde", "questions": [{"id": "opmerking", "type": "text",
                                          "label": "Opmerking"}]}]}


def test_a_step_without_questions_for_this_client_is_passed_by(client, session, jan, dossier):
    assignment = assign(session, jan, dossier, with_children_step({**CHILDREN, "required": True}))
    base = f"/vragenlijsten/{assignment.id}"
    response = fill(client, assignment, 1, {"kinderen": "no"})
    assert response.location.endswith("/stap/3")
    assert client.get(f"{base}/stap/2").location.endswith("/stap/3")
    # Counted among the steps this client sees: no jump from "1 van 3" to "3 van 3".
    assert "Stap 1 van 2" in text_of(client.get(f"{base}/stap/1"))
    assert "Stap 2 van 2" in text_of(client.get(f"{base}/stap/3"))
    # "Vorige" from there goes back past the skipped step.
    response = fill(client, assignment, 3, {}, action="back", headers={"HX-Request": "true"})
    assert response.headers["HX-Push-Url"] == f"{base}/stap/1"
    assert "Stap 1 van 2" in text_of(response)
    # Changing the answer brings the step (and its required question) back.
    fill(client, assignment, 3, {})
    response = fill(client, assignment, 1, {"kinderen": "yes"}, headers={"HX-Request": "true"})
    assert response.headers["HX-Push-Url"] == f"{base}/stap/2"
    assert "Stap 2 van 3" in text_of(response)
    assert client.get(base).location.endswith("/stap/2")
    assert "Stap 1 van 3" in text_of(client.get(f"{base}/stap/1"))
    fill(client, assignment, 2, {"aantal": "2"})
    assert "Stap 3 van 3" in text_of(client.get(f"{base}/stap/3"))


def test_the_step_count_follows_what_is_typed_on_the_step(client, session, jan, dossier):
    name = {"id": "naam", "type": "text", "label": "Naam", "required": True}
    assignment = assign(session, jan, dossier, with_children_step(name, CHILDREN))
    # Not saved (the name is missing), but the answer typed already counts step 2 in.
    response = fill(client, assignment, 1, {"naam": "", "kinderen": "yes"})
    assert response.status_code == 400 and "Stap 1 van 3" in text_of(response)
    response = fill(client, assignment, 1, {"naam": "", "kinderen": "no"})
    assert response.status_code == 400 and "Stap 1 van 2" in text_of(response)


# ---- saving, leaving and resuming

def test_invullen_opens_the_first_step(client, session, jan, assignment):
    page = client.get("/acties").get_data(as_text=True)
    assert f'href="/vragenlijsten/{assignment.id}"' in page and "Invullen" in page
    assert "Intake koper" in page and "2026-0142" in page
    response = client.get(f"/vragenlijsten/{assignment.id}")
    assert response.location.endswith(f"/vragenlijsten/{assignment.id}/stap/1")
    page = text_of(client.get(response.location))
    assert "Stap 1 van 5" in page and "Wij vragen u enkele gegevens." in page
    assert "Volledige naam" in page and "Bijvoorbeeld uw mobiele nummer" in page
    assert "Telefoonnummer (niet verplicht)" in page
    assert "Vorige" not in page and "Volgende" in page
    html = client.get(response.location).get_data(as_text=True)
    assert re.search(r'<input type="date"[^>]* min="1900-01-01" max="2100-12-31"', html)


def test_next_saves_the_step_with_a_new_revision(client, session, jan, assignment):
    response = fill(client, assignment, 1, STEP1)
    assert response.status_code == 303
    assert response.location.endswith(f"/vragenlijsten/{assignment.id}/stap/2")
    row = session.exec(select(QuestionnaireAnswer)).one()
    assert row.step == 1 and row.revision == 1
    assert row.answers == {"naam": "Jan de Vries", "geboortedatum": "1980-12-31",
                           "email": "jan@example.nl", "telefoon": "+31 6 12345678"}
    assert fill(client, assignment, 1, {**STEP1, "naam": "Jan P. de Vries"}).status_code == 303
    session.refresh(row)
    assert row.revision == 2 and row.answers["naam"] == "Jan P. de Vries"
    # Sending the same answers again writes nothing.
    fill(client, assignment, 1, {**STEP1, "naam": "Jan P. de Vries"})
    session.refresh(row)
    assert row.revision == 2


def test_leave_and_resume_in_a_new_session_at_the_first_unfinished_step(
        app, client, session, jan, assignment):
    fill(client, assignment, 1, STEP1)
    fill(client, assignment, 2, STEP2)
    post_form(client, "/uitloggen", {})
    assert client.get(f"/vragenlijsten/{assignment.id}").status_code == 302  # to login

    other_device = app.test_client()
    login(other_device, "jan@example.nl")
    assert "Acties 1" in text_of(other_device.get("/"))
    response = other_device.get(f"/vragenlijsten/{assignment.id}")
    assert response.location.endswith(f"/vragenlijsten/{assignment.id}/stap/3")
    assert "Stap 3 van 5" in text_of(other_device.get(response.location))
    # Earlier steps come back with what was saved, and skipping ahead is not possible.
    html = other_device.get(f"/vragenlijsten/{assignment.id}/stap/1").get_data(as_text=True)
    assert 'value="Jan de Vries"' in html and 'value="1980-12-31"' in html
    html = other_device.get(f"/vragenlijsten/{assignment.id}/stap/2").get_data(as_text=True)
    assert re.search(r'value="yes" checked', html) and 'value="Els de Vries"' in html
    assert other_device.get(f"/vragenlijsten/{assignment.id}/stap/5").location.endswith(
        "/stap/3")
    assert other_device.get(f"/vragenlijsten/{assignment.id}/overzicht").location.endswith(
        "/stap/3")


def test_previous_goes_back_and_keeps_what_was_typed_even_if_not_valid(
        client, session, jan, assignment):
    fill(client, assignment, 1, STEP1)
    fill(client, assignment, 2, STEP2)
    typed = {"iban": "NL00 FOUT", "inkomen": "veel", "woonvorm": "huur"}
    response = fill(client, assignment, 3, typed, action="back")
    assert response.status_code == 303 and response.location.endswith("/stap/2")
    html = client.get(f"/vragenlijsten/{assignment.id}/stap/3").get_data(as_text=True)
    assert 'value="NL00 FOUT"' in html and 'value="veel"' in html
    assert re.search(r'value="huur" checked', html)
    assert "Er is een probleem" not in text_of(html)
    # Typed but not valid: resuming starts at that step.
    assert client.get(f"/vragenlijsten/{assignment.id}").location.endswith("/stap/3")
    response = fill(client, assignment, 3, typed)
    assert response.status_code == 400
    assert "Vul een IBAN in" in text_of(response) and "Vul een getal in" in text_of(response)


def test_htmx_swaps_the_next_step_and_pushes_its_url(client, session, jan, assignment):
    response = fill(client, assignment, 1, STEP1, headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="questionnaire"') and "<html" not in html
    assert response.headers["HX-Push-Url"] == f"/vragenlijsten/{assignment.id}/stap/2"
    assert "Stap 2 van 5" in text_of(html) and "Bent u gehuwd?" in text_of(html)
    assert "autofocus" in html
    # Errors come back as a fragment too (htmx does not swap a 400).
    response = fill(client, assignment, 2, {"gehuwd": ""}, headers={"HX-Request": "true"})
    assert response.status_code == 200 and "Er is een probleem" in text_of(response)
    assert 'id="error-summary" autofocus' in response.get_data(as_text=True)
    # "Vorige" too.
    response = fill(client, assignment, 2, {"gehuwd": "no"}, action="back",
                    headers={"HX-Request": "true"})
    assert response.headers["HX-Push-Url"].endswith("/stap/1")
    assert "Stap 1 van 5" in text_of(response)


def test_a_step_is_a_page_and_a_fragment(client, session, jan, assignment):
    url = f"/vragenlijsten/{assignment.id}/stap/1"
    full = client.get(url)
    assert "<html" in full.get_data(as_text=True)
    assert "HX-Request" in full.headers["Vary"]
    fragment = client.get(url, headers={"HX-Request": "true"})
    html = fragment.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="questionnaire"') and "<html" not in html
    assert "HX-Request" in fragment.headers["Vary"]
    restore = client.get(url, headers={"HX-Request": "true",
                                       "HX-History-Restore-Request": "true"})
    assert "<html" in restore.get_data(as_text=True)
    form = re.search(r"<form[^>]*>", html)[0]
    assert f'hx-post="{url}"' in form and 'hx-target="#questionnaire"' in form
    assert f'action="{url}"' in form and 'method="post"' in form


def test_upload_question_files_the_document_under_door_mij_aangeleverd(
        app, client, session, jan, dossier, assignment):
    for number, answers in enumerate([STEP1, STEP2, STEP3, STEP4], 1):
        fill(client, assignment, number, answers)
    response = fill(client, assignment, 5, {}, files=upload("kopie.exe", b"MZ"))
    assert response.status_code == 400
    assert "Bestanden van dit type zijn niet toegestaan" in text_of(response)
    response = fill(client, assignment, 5, {}, files=upload("leeg.pdf", b""))
    assert "Het bestand is leeg" in text_of(response)
    assert session.exec(select(Document)).all() == []

    response = fill(client, assignment, 5, {}, files=upload("paspoort.pdf"))
    assert response.location.endswith("/overzicht")
    document = session.exec(select(Document)).one()
    assert document.category == CAT_PROVIDED and document.filename == "paspoort.pdf"
    assert document.uploaded_by_id == jan.id and document.dossier_id == dossier.id
    with app.app_context(), open(path_for(document.storage_key), "rb") as f:
        assert f.read() == b"%PDF-1.4 kopie paspoort"
    tab = text_of(client.get(f"/dossiers/{dossier.id}/aangeleverd"))
    assert "Kopie legitimatiebewijs" in tab
    assert session.exec(select(AuditEvent).where(
        AuditEvent.action == "document.uploaded")).one().target_id == document.id

    # Shown again: the current file, kept when no new one is chosen; a new one replaces it.
    page = text_of(client.get(f"/vragenlijsten/{assignment.id}/stap/5"))
    assert "Huidig bestand: paspoort.pdf" in page
    assert fill(client, assignment, 5, {}).location.endswith("/overzicht")
    fill(client, assignment, 5, {}, files=upload("id-kaart.pdf", b"%PDF-1.4 id"))
    session.expire_all()
    documents = session.exec(select(Document).order_by(Document.id)).all()
    assert [d.filename for d in documents] == ["paspoort.pdf", "id-kaart.pdf"]
    assert documents[0].withdrawn_at is not None and documents[1].withdrawn_at is None


def test_an_upload_over_the_size_limit_is_refused_and_nothing_is_kept(
        app, client, session, jan, dossier, assignment):
    app.config["MAX_FILE_MB"] = 0.5
    for number, answers in enumerate([STEP1, STEP2, STEP3, STEP4], 1):
        fill(client, assignment, number, answers)
    too_big = b"%PDF-1.4 " + b"x" * (512 * 1024)
    response = fill(client, assignment, 5, {}, files=upload("groot.pdf", too_big))
    assert response.status_code == 400
    page = text_of(response)
    assert "Er is een probleem" in page
    assert "Kopie legitimatiebewijs: Het bestand is groter dan 0,5 MB. Kies een kleiner " \
           "bestand." in page
    assert session.exec(select(Document)).all() == []
    stored = [name for _root, _dirs, names in os.walk(app.config["UPLOAD_FOLDER"])
              for name in names]
    assert stored == []
    assert client.get(f"/vragenlijsten/{assignment.id}").location.endswith("/stap/5")
    # Just under the limit is fine.
    response = fill(client, assignment, 5, {}, files=upload("klein.pdf", too_big[:512 * 1024]))
    assert response.status_code == 303 and response.location.endswith("/overzicht")
    assert [d.filename for d in session.exec(select(Document)).all()] == ["klein.pdf"]


def test_the_size_limit_message_is_in_the_users_language(app, client, session, make):
    app.config["MAX_FILE_MB"] = 0.5
    sophie = make.user(email="sophie@example.nl", language="en")
    definition = {"steps": [{"title": "Documents", "questions": [
        {"id": "legitimatie", "type": "upload", "label": "Copy of your ID"}]}]}
    assignment = assign(session, sophie, make.dossier(clients=[sophie]), definition)
    login(client, "sophie@example.nl")
    response = fill(client, assignment, 1, {},
                    files=upload("big.pdf", b"%PDF" + b"x" * (600 * 1024)))
    assert response.status_code == 400
    assert "The file is larger than 0.5 MB. Choose a smaller file." in text_of(response)


# ---- two browsers

def test_a_stale_save_shows_the_newer_answers_instead_of_overwriting(
        app, client, session, jan, assignment):
    other = app.test_client()
    login(other, "jan@example.nl")
    revision, _shown = form_state(other, f"/vragenlijsten/{assignment.id}/stap/1")
    assert fill(client, assignment, 1, STEP1).status_code == 303

    response = fill(other, assignment, 1, {**STEP1, "naam": "Johannes de Vries"},
                    revision=revision)
    assert response.status_code == 409
    page = text_of(response)
    assert "in een ander venster of op een ander apparaat gewijzigd" in page
    assert "er is niets overschreven" in page
    html = response.get_data(as_text=True)
    assert 'value="Jan de Vries"' in html  # the newer saved answer is in the form
    assert "Wat u hier had ingevuld (niet opgeslagen) Volledige naam Johannes de Vries" in page
    assert 'name="revision" value="1"' in html
    row = session.exec(select(QuestionnaireAnswer)).one()
    assert row.revision == 1 and row.answers["naam"] == "Jan de Vries"

    # Saving again from that screen is a deliberate choice, and is accepted.
    response = fill(other, assignment, 1, {**STEP1, "naam": "Johannes de Vries"}, revision=1)
    assert response.status_code == 303
    session.refresh(row)
    assert row.revision == 2 and row.answers["naam"] == "Johannes de Vries"


def test_the_stale_message_is_in_the_users_language(app, client, session, make, dossier):
    sophie = make.user(email="sophie@example.nl", language="en")
    dossier_en = make.dossier(clients=[sophie])
    assignment = assign(session, sophie, dossier_en)
    first, second = app.test_client(), app.test_client()
    for browser in (first, second):
        login(browser, "sophie@example.nl")
    fill(first, assignment, 1, STEP1)
    response = fill(second, assignment, 1, {**STEP1, "naam": "Sophie"}, revision=0,
                    headers={"HX-Request": "true"})
    assert response.status_code == 200  # htmx swaps only 2xx
    page = text_of(response)
    assert "changed in another window or on another device" in page
    assert "What you typed here (not saved)" in page and "Step 1 of 5" in page


def test_the_same_form_sent_twice_is_no_conflict(client, session, jan, assignment):
    revision, _shown = form_state(client, f"/vragenlijsten/{assignment.id}/stap/1")
    assert fill(client, assignment, 1, STEP1, revision=revision).status_code == 303
    assert fill(client, assignment, 1, STEP1, revision=revision).status_code == 303


def test_completing_after_a_change_elsewhere_shows_the_summary_again(
        app, client, session, jan, assignment):
    fill_all(client, assignment)
    html = client.get(f"/vragenlijsten/{assignment.id}/overzicht").get_data(as_text=True)
    fingerprint = re.search(r'name="fingerprint" value="([^"]*)"', html)[1]
    other = app.test_client()
    login(other, "jan@example.nl")
    fill(other, assignment, 4, {**STEP4, "toelichting": "Toch liever in het najaar."})
    response = post_form(client, f"/vragenlijsten/{assignment.id}/voltooien",
                         {"fingerprint": fingerprint})
    assert response.status_code == 200
    page = text_of(response)
    assert "De antwoorden zijn in een ander venster" in page and "Toch liever" in page
    assert session.get(QuestionnaireAssignment, assignment.id).completed_at is None


# ---- completing

def test_the_summary_shows_every_answer_with_print_and_complete(client, session, jan,
                                                                assignment):
    fill_all(client, assignment)
    response = client.get(f"/vragenlijsten/{assignment.id}/stap/5")
    assert "Stap 5 van 5" in text_of(response)
    page = text_of(client.get(f"/vragenlijsten/{assignment.id}/overzicht"))
    for expected in ("Volledige naam Jan de Vries", "Geboortedatum 31 december 1980",
                     "Telefoonnummer +31 6 12345678", "Bent u gehuwd? Ja",
                     "Naam partner Els de Vries", "Rekeningnummer NL91 ABNA 0417 1643 00",
                     "Bruto jaarinkomen 52.000,5", "Woonvorm Koopwoning",
                     "Wat wilt u regelen? Testament, Samenlevingscontract",
                     "Toelichting Graag voor de zomer. Bel mij gerust.",
                     "Kopie legitimatiebewijs paspoort.pdf", "Voltooien", "Printen",
                     "Wijzigen"):
        assert expected in page
    html = client.get(f"/vragenlijsten/{assignment.id}/overzicht").get_data(as_text=True)
    assert f'href="/vragenlijsten/{assignment.id}/afdrukken"' in html
    printable = client.get(f"/vragenlijsten/{assignment.id}/afdrukken")
    assert printable.status_code == 200
    page = text_of(printable)
    assert "Jan de Vries" in page and "Gebruik de afdrukfunctie van uw browser" in page
    assert "Wijzigen" not in page and "Dossier 2026-0142 · Aankoop woning" in page


def test_completing_files_one_pdf_and_tells_the_lawyer(app, client, session, jan, dossier,
                                                       lawyer, assignment, mailbox):
    fill_all(client, assignment)
    response = complete(client, assignment)
    assert response.status_code == 303
    assert response.location.endswith(f"/vragenlijsten/{assignment.id}/voltooid")
    page = text_of(client.get(response.location))
    assert "Dank u wel. De vragenlijst is voltooid." in page
    assert "onder Door mij aangeleverd" in page and "Download pdf" in page

    session.expire_all()
    done = session.get(QuestionnaireAssignment, assignment.id)
    assert done.completed_at is not None
    pdfs = session.exec(select(Document).where(
        Document.content_type == "application/pdf",
        Document.filename != "paspoort.pdf")).all()
    assert len(pdfs) == 1
    [pdf] = pdfs
    assert done.document_id == pdf.id and pdf.category == CAT_PROVIDED
    assert pdf.uploaded_by_id == jan.id and pdf.filename == "Intake koper 2026-0142.pdf"
    content = pdf_text(app, pdf)
    for expected in ("Kantoor Test", "Intake koper", "2026-0142 · Aankoop woning Dorpsstraat 12",
                     "Cliënt Jan de Vries", "versie 1", "Voltooid op",
                     "Persoonsgegevens", "Volledige naam Jan de Vries",
                     "Geboortedatum 31 december 1980", "Bent u gehuwd? Ja",
                     "Naam partner Els de Vries", "NL91 ABNA 0417 1643 00",
                     "Testament, Samenlevingscontract", "Graag voor de zomer. Bel mij gerust.",
                     "paspoort.pdf"):
        assert expected in content, expected

    # Filed under Door mij aangeleverd, and gone from Acties.
    assert "Intake koper" in text_of(client.get(f"/dossiers/{dossier.id}/aangeleverd"))
    assert client.get(f"/documenten/{pdf.id}/download").data.startswith(b"%PDF")
    actions = text_of(client.get("/acties"))
    assert "U hoeft niets (meer) in te vullen of aan te leveren." in actions
    assert "Intake koper" not in actions
    assert "Acties 0" in text_of(client.get("/"))
    event = session.exec(select(AuditEvent).where(
        AuditEvent.action == "questionnaire.completed")).one()
    assert event.actor_id == jan.id and event.target_id == assignment.id
    assert event.dossier_id == dossier.id and event.detail["document_id"] == pdf.id

    # The lawyer is told in the next batch of notifications (tests/test_notifications.py).
    assert mailbox.deliver(app) == []
    age_notifications(session, 6)
    assert notifications.send_due(app) == 1
    [mail] = mailbox.deliver(app)
    assert mail["To"] == "mr.jansen@kantoor.example.nl"
    assert mail["Subject"] == "Er is iets nieuws van cliënten in het klantenportaal"
    body = mail.get_body(("plain",)).get_content() + mail.get_body(("html",)).get_content()
    assert "1 ingevulde vragenlijst" in body and "http://portal.test/kantoor/" in body
    for secret in ("2026-0142", "Aankoop", "Jan de Vries", "Intake koper", "Els"):
        assert secret not in body

    # Completing again changes nothing: still one PDF, no second mail.
    again = post_form(client, f"/vragenlijsten/{assignment.id}/voltooien", {})
    assert again.status_code == 303
    assert "kan niet meer worden gewijzigd" in text_of(client.get(again.location))
    assert session.exec(select(Document).where(
        Document.filename == "Intake koper 2026-0142.pdf")).all() == [pdf]
    assert len(session.exec(select(OutgoingMail)).all()) == 1
    assert len(session.exec(select(NotificationItem)).all()) == 1


def test_two_browsers_completing_at_once_file_one_pdf(app, client, session, jan, assignment):
    fill_all(client, assignment)
    with app.app_context():
        engine = app.extensions["db_engine"]
        with Session(engine, expire_on_commit=False) as first, \
                Session(engine, expire_on_commit=False) as second:
            fillings = []
            for s in (first, second):  # both read the questionnaire before either completes
                fillings.append((load(s, s.get(QuestionnaireAssignment, assignment.id)),
                                 s.get(User, jan.id)))
                s.commit()
            winner = complete_questionnaire(first, *fillings[0])
            loser = complete_questionnaire(second, *fillings[1])
    assert winner is not None and loser is None
    session.expire_all()
    documents = session.exec(select(Document)).all()
    assert sorted(d.filename for d in documents) == ["Intake koper 2026-0142.pdf",
                                                     "paspoort.pdf"]
    stored = [name for _root, _dirs, names in os.walk(app.config["UPLOAD_FOLDER"])
              for name in names]
    assert sorted(stored) == sorted(d.storage_key for d in documents)  # no stray PDF
    assert len(session.exec(select(AuditEvent).where(
        AuditEvent.action == "questionnaire.completed")).all()) == 1


def stored_files(app):
    """The names of every file in the upload folder."""
    return sorted(name for _root, _dirs, names in os.walk(app.config["UPLOAD_FOLDER"])
                  for name in names)


def save_elsewhere(app, assignment, number, answers):
    """Save step `number` as another browser would, in a session of its own."""
    with Session(app.extensions["db_engine"], expire_on_commit=False) as s:
        filling = load(s, s.get(QuestionnaireAssignment, assignment.id))
        revision = save_step(s, assignment.id, number, {**filling.saved(number), **answers},
                             filling.revision(number))
        assert revision is not None
        s.commit()


def nothing_filed(app, session):
    """True when no questionnaire was completed: no PDF, mail, event or stray file."""
    session.expire_all()
    documents = session.exec(select(Document)).all()
    return ([d.filename for d in documents] == ["paspoort.pdf"]
            and session.exec(select(QuestionnaireAssignment.completed_at)).all() == [None]
            and session.exec(select(OutgoingMail)).all() == []
            and session.exec(select(AuditEvent).where(
                AuditEvent.action == "questionnaire.completed")).all() == []
            and stored_files(app) == sorted(d.storage_key for d in documents))


def save_while_the_pdf_is_made(app, assignment, monkeypatch, number, answers):
    """Another browser saves step `number` while the PDF is rendered; returns the real
    renderer."""
    real_render = pdf.html_to_pdf

    def render_while_another_browser_saves(html):
        data = real_render(html)
        save_elsewhere(app, assignment, number, answers)
        return data

    monkeypatch.setattr(pdf, "html_to_pdf", render_while_another_browser_saves)
    return real_render


def test_a_save_while_the_pdf_is_made_stops_the_completion(app, client, session, jan,
                                                           assignment, monkeypatch):
    fill_all(client, assignment)
    real_render = save_while_the_pdf_is_made(app, assignment, monkeypatch, 4,
                                             {"toelichting": "Toch liever in het najaar."})
    response = complete(client, assignment)
    assert response.status_code == 200
    page = text_of(response)
    assert "De antwoorden zijn in een ander venster of op een ander apparaat gewijzigd" in page
    assert "Toelichting Toch liever in het najaar." in page  # the newer answers
    assert "Graag voor de zomer" not in page
    assert nothing_filed(app, session)

    # Completing from the summary shown now files the newer answers.
    monkeypatch.setattr(pdf, "html_to_pdf", real_render)
    assert complete(client, assignment).status_code == 303
    session.expire_all()
    done = session.get(QuestionnaireAssignment, assignment.id)
    content = pdf_text(app, session.get(Document, done.document_id))
    assert "Toch liever in het najaar." in content and "Graag voor de zomer" not in content


def test_a_save_while_the_pdf_is_made_raises_answers_changed(app, client, session, jan,
                                                             assignment, monkeypatch):
    fill_all(client, assignment)
    save_while_the_pdf_is_made(app, assignment, monkeypatch, 1, {"naam": "Johannes de Vries"})
    with app.test_request_context(), \
            Session(app.extensions["db_engine"], expire_on_commit=False) as s:
        filling = load(s, s.get(QuestionnaireAssignment, assignment.id))
        with pytest.raises(AnswersChanged):
            complete_questionnaire(s, filling, s.get(User, jan.id))
    assert nothing_filed(app, session)


def test_a_save_after_completion_began_is_refused(app, client, session, jan, assignment):
    """The other order: a browser read the step, then the questionnaire was completed,
    then that browser's save arrives: nothing is written."""
    fill_all(client, assignment)
    with app.test_request_context(), \
            Session(app.extensions["db_engine"], expire_on_commit=False) as s:
        filling = load(s, s.get(QuestionnaireAssignment, assignment.id))
        user = s.get(User, jan.id)
        s.commit()
        assert complete(client, assignment).status_code == 303  # in the other browser
        values = {**filling.saved(1), "naam": "Johannes de Vries"}
        with pytest.raises(Completed):
            save_answers(s, user, filling, 1, values, {}, filling.revision(1))
        with pytest.raises(Completed):
            save_step(s, assignment.id, 1, values, filling.revision(1))
        s.rollback()
    session.expire_all()
    row = session.get(QuestionnaireAnswer, (assignment.id, 1))
    assert row.revision == 1 and row.answers["naam"] == "Jan de Vries"


def test_an_upload_saved_while_another_browser_completes_is_refused(
        app, client, session, jan, assignment, monkeypatch):
    fill_all(client, assignment)
    other = app.test_client()
    login(other, "jan@example.nl")
    real_store = uploads.store_upload

    def store_while_another_browser_completes(upload, room=None):
        result = real_store(upload, room)  # a large file takes a while: the other completes
        assert complete(other, assignment).status_code == 303
        return result

    monkeypatch.setattr(uploads, "store_upload", store_while_another_browser_completes)
    response = fill(client, assignment, 5, {}, files=upload("id-kaart.pdf", b"%PDF-1.4 id"))
    assert response.status_code == 303 and response.location.endswith("/voltooid")
    assert "kan niet meer worden gewijzigd" in text_of(client.get(response.location))
    session.expire_all()
    documents = session.exec(select(Document).order_by(Document.id)).all()
    assert [d.filename for d in documents] == ["paspoort.pdf", "Intake koper 2026-0142.pdf"]
    assert documents[0].withdrawn_at is None  # not replaced by the refused upload
    assert stored_files(app) == sorted(d.storage_key for d in documents)
    row = session.get(QuestionnaireAnswer, (assignment.id, 5))
    assert row.revision == 1 and row.answers["legitimatie"]["filename"] == "paspoort.pdf"


def waits_until(run, commit, message):
    """Run `run` in a thread: it must still be waiting after 1.5 s (else `message`), and
    finish once `commit` ends the transaction it waits for."""
    thread = threading.Thread(target=run)
    thread.start()
    thread.join(1.5)
    assert thread.is_alive(), message
    commit()
    thread.join(30)


def test_a_save_in_progress_holds_back_a_completion(app, client, session, jan, assignment):
    """Real concurrency: a save that has written but not committed makes a completion
    wait, and the completion then sees the new answer and files nothing."""
    fill_all(client, assignment)
    engine = app.extensions["db_engine"]
    outcome = {}
    with app.app_context(), Session(engine, expire_on_commit=False) as completing:
        filling = load(completing, completing.get(QuestionnaireAssignment, assignment.id))
        user = completing.get(User, jan.id)
        completing.commit()
        with Session(engine, expire_on_commit=False) as saving:
            assert save_step(saving, assignment.id, 4, {**STEP4, "toelichting": "Later."},
                             filling.revision(4)) == 2

            def run():
                with app.app_context():
                    try:
                        outcome["document"] = complete_questionnaire(completing, filling,
                                                                     user)
                    except AnswersChanged as exc:
                        outcome["error"] = exc

            waits_until(run, saving.commit, "the completion did not wait for the save")
    assert isinstance(outcome.get("error"), AnswersChanged), outcome
    assert nothing_filed(app, session)


def test_a_completion_in_progress_holds_back_a_save(app, client, session, jan, assignment):
    """Real concurrency, the other way: once the completion has claimed the questionnaire,
    a save waits for it and is then refused."""
    fill_all(client, assignment)
    engine = app.extensions["db_engine"]
    outcome = {}
    with Session(engine, expire_on_commit=False) as saving:
        filling = load(saving, saving.get(QuestionnaireAssignment, assignment.id))
        saving.commit()
        with Session(engine) as completing:
            claimed = completing.execute(
                update(QuestionnaireAssignment)
                .where(QuestionnaireAssignment.id == assignment.id,
                       QuestionnaireAssignment.completed_at.is_(None))
                .values(completed_at=utcnow()))
            assert claimed.rowcount == 1

            def run():
                try:
                    outcome["revision"] = save_step(saving, assignment.id, 4,
                                                    {**STEP4, "toelichting": "Later."},
                                                    filling.revision(4))
                    saving.commit()
                except Completed as exc:
                    saving.rollback()
                    outcome["error"] = exc

            waits_until(run, completing.commit, "the save did not wait for the completion")
    assert isinstance(outcome.get("error"), Completed), outcome
    session.expire_all()
    assert session.get(QuestionnaireAnswer, (assignment.id, 4)).revision == 1


def test_a_completed_questionnaire_cannot_be_changed(client, session, jan, assignment):
    fill_all(client, assignment)
    complete(client, assignment)
    before = {(r.step, r.revision): dict(r.answers)
              for r in session.exec(select(QuestionnaireAnswer)).all()}
    base = f"/vragenlijsten/{assignment.id}"
    response = fill(client, assignment, 1, {**STEP1, "naam": "Iemand anders"}, revision=1)
    assert response.status_code == 303 and response.location.endswith("/voltooid")
    assert "Deze vragenlijst is voltooid en kan niet meer worden gewijzigd." in text_of(
        client.get(response.location))
    response = fill(client, assignment, 1, {"naam": "X"}, revision=1,
                    headers={"HX-Request": "true"})
    assert response.headers["HX-Redirect"] == f"{base}/voltooid"
    assert post_form(client, f"{base}/stap/2/voorwaarden", {},
                     headers={"HX-Request": "true"}).status_code == 404
    session.expire_all()
    after = {(r.step, r.revision): dict(r.answers)
             for r in session.exec(select(QuestionnaireAnswer)).all()}
    assert after == before
    for url in (base, f"{base}/stap/1", f"{base}/overzicht"):
        assert client.get(url).location.endswith("/voltooid")
    assert "Voltooid op" in text_of(client.get(f"{base}/afdrukken"))


@pytest.mark.parametrize("language, expected", [
    ("nl", ["Cliënt", "Voltooid op", "versie 1", "Bent u gehuwd? Ja", "31 december 1980",
            "Pagina 1 van"]),
    ("en", ["Client", "Completed on", "version 1", "Bent u gehuwd? Yes", "31 December 1980",
            "Page 1 of"]),
])
def test_the_pdf_is_in_the_clients_language(app, client, session, make, language, expected):
    user = make.user(email="klant@example.nl", name="Klant", language=language)
    dossier = make.dossier(clients=[user], number="2026-0500")
    assignment = assign(session, user, dossier)
    login(client, "klant@example.nl")
    fill_all(client, assignment)
    complete(client, assignment)
    session.expire_all()
    pdf = session.get(Document, session.get(QuestionnaireAssignment,
                                            assignment.id).document_id)
    content = pdf_text(app, pdf)
    for phrase in expected:
        assert phrase in content, phrase
    other = "Voltooid op" if language == "en" else "Completed on"
    assert other not in content


def test_without_a_handling_lawyer_nobody_is_mailed(app, client, session, make, mailbox):
    user = make.user(email="klant@example.nl")
    assignment = assign(session, user, make.dossier(clients=[user]))
    login(client, "klant@example.nl")
    fill_all(client, assignment)
    assert complete(client, assignment).status_code == 303
    assert mailbox.deliver(app) == []


# ---- access

def test_other_clients_get_404_on_every_questionnaire_url(app, session, make):
    owner = make.user(email="owner@example.nl")
    assignment = assign(session, owner, make.dossier(clients=[owner]))
    company = make.company()
    make.user(email="other@example.nl")
    make.user(email="company@example.nl", company=company, company_main=True)
    make.dossier(companies=[company])
    make.staff(email="staff@kantoor.example.nl")
    base = f"/vragenlijsten/{assignment.id}"
    gets = [base, f"{base}/stap/1", f"{base}/stap/9", f"{base}/overzicht",
            f"{base}/afdrukken", f"{base}/voltooid"]
    posts = [f"{base}/stap/1", f"{base}/stap/1/voorwaarden", f"{base}/voltooien"]
    for email in ("other@example.nl", "company@example.nl", "staff@kantoor.example.nl"):
        client = app.test_client()
        login(client, email)
        token = csrf_token(client)
        for headers in ({}, {"HX-Request": "true"}):
            for url in gets:
                assert client.get(url, headers=headers).status_code == 404, (email, url)
            for url in posts:
                response = client.post(url, data={"csrf_token": token, "revision": "0",
                                                  "q_naam": "Inbreker"}, headers=headers)
                assert response.status_code == 404, (email, url, headers)
        assert "Intake koper" not in text_of(client.get("/acties"))
    assert session.exec(select(QuestionnaireAnswer)).all() == []


def test_a_questionnaire_in_a_dossier_no_longer_shared_disappears(client, session, make,
                                                                   jan):
    from app.models import DossierClient

    dossier = make.dossier(clients=[jan])
    assignment = assign(session, jan, dossier)
    assert "Intake koper" in text_of(client.get("/acties"))
    session.delete(session.get(DossierClient, (dossier.id, jan.id)))
    session.commit()
    assert "Intake koper" not in text_of(client.get("/acties"))
    assert client.get(f"/vragenlijsten/{assignment.id}").status_code == 404


def test_anonymous_visitors_are_sent_to_the_login_page(app, session, make):
    user = make.user()
    assignment = assign(session, user, make.dossier(clients=[user]))
    client = app.test_client()
    response = client.get(f"/vragenlijsten/{assignment.id}/stap/1")
    assert response.status_code == 302 and "/inloggen" in response.location
    response = client.get(f"/vragenlijsten/{assignment.id}/stap/1",
                          headers={"HX-Request": "true"})
    assert response.status_code == 401 and "/inloggen" in response.headers["HX-Redirect"]


def test_a_step_without_csrf_token_is_refused(client, session, jan, assignment):
    url = f"/vragenlijsten/{assignment.id}/stap/1"
    response = client.post(url, data={"revision": "0", "action": "next",
                                      **{f"q_{k}": v for k, v in STEP1.items()}})
    assert response.status_code == 400
    response = client.post(f"/vragenlijsten/{assignment.id}/voltooien", data={},
                           headers={"HX-Request": "true"})
    assert response.status_code == 400
    assert session.exec(select(QuestionnaireAnswer)).all() == []
