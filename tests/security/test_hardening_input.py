"""Issue 14, points 11(a) and 18: numbers that are not numbers, answers longer than their
question allows, and control or bidi characters in single-line fields and names."""
import json
import re

import pytest
from helpers import assign, fill, login, post_form, run_cli, text_of
from sqlmodel import select
from twostep_helpers import login_staff

from app.models import Company, FirmSettings, Message, QuestionnaireAnswer, User
from app.questionnaires.validation import clean, parse_number

NUMBERS = {"steps": [
    {"title": "Bedragen", "questions": [
        {"id": "bedrag", "type": "number", "label": "Bedrag", "min": 0, "max": 1000}]},
    {"title": "Toelichting", "questions": [
        {"id": "kort", "type": "text", "label": "Korte vraag"},
        {"id": "lang", "type": "textarea", "label": "Lange vraag"}]},
]}


@pytest.fixture
def preview(client, session, make):
    """The URL of the staff preview of NUMBERS, with its lawyer logged in."""
    login_staff(client, session, make.staff(role="lawyer", email="jansen@kantoor.test"))
    version = make.version(NUMBERS, "Bedragen")
    return f"/kantoor/vragenlijsten/{version.questionnaire_id}/voorbeeld"


@pytest.fixture
def assignment(session, make, jan):
    return assign(session, jan, make.dossier(clients=[jan]), NUMBERS)


# ---- 11(a): NaN and infinity are not numbers

@pytest.mark.parametrize("raw", [float("nan"), float("inf"), float("-inf")])
def test_non_finite_numbers_are_refused_when_parsed(app, raw):
    with app.test_request_context():
        value, problem = clean(NUMBERS["steps"][0]["questions"][0], raw)
        assert problem is not None and isinstance(value, str)
        for typed in ("NaN", "nan", "-Infinity", "inf", "+INF", "1" * 400 + ",5"):
            assert parse_number(typed) is None, typed


@pytest.mark.parametrize("carried", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_staff_preview_with_nan_in_a_number_answer(client, preview, carried):
    """The carried answers of the preview are the browser's: NaN there was a 500."""
    url = preview
    for number, data in ((1, {"q_bedrag": "5", "action": "back"}),
                         (2, {"q_kort": "a", "q_lang": "b", "action": "next"}),
                         (2, {"action": "show"})):
        response = post_form(client, f"{url}/{number}",
                             {**data, "_preview": '{"1": {"bedrag": %s}}' % carried})
        assert response.status_code in (200, 400), response.status_code
    # "Volgende" on the step itself says what is wrong with it.
    response = post_form(client, f"{url}/1", {"q_bedrag": carried, "action": "next",
                                              "_preview": "{}"})
    assert response.status_code == 400 and "Vul een getal in" in text_of(response)


def test_client_number_answer_nan_is_refused(client, session, jan, assignment):
    for typed in ("NaN", "Infinity", "-inf"):
        response = fill(client, assignment, 1, {"bedrag": typed})
        assert response.status_code == 400
        assert "Vul een getal in" in text_of(response)


# ---- 18: an answer over its limit is never stored, "Vorige" included

@pytest.mark.parametrize("action", ["back", "next"])
def test_a_huge_answer_is_refused_on_every_save(client, session, jan, assignment, action):
    assert fill(client, assignment, 1, {"bedrag": "12"}).status_code == 303
    huge = "x" * 1_000_000
    response = fill(client, assignment, 2, {"kort": huge, "lang": "kort"}, action=action)
    assert response.status_code == 400
    page = text_of(response)
    assert "niet opgeslagen" in page and "maximaal 500 tekens" in page
    assert huge in response.get_data(as_text=True)  # kept in the form, this once
    stored = session.exec(select(QuestionnaireAnswer)
                          .where(QuestionnaireAnswer.step == 2)).first()
    assert stored is None
    # Nor in a number field, which "Vorige" also stores as typed.
    response = fill(client, assignment, 1, {"bedrag": "9" * 100_000}, action="back")
    assert response.status_code == 400
    session.expire_all()
    first = session.exec(select(QuestionnaireAnswer)
                         .where(QuestionnaireAnswer.step == 1)).one()
    assert first.answers == {"bedrag": 12}
    # Within the limit "Vorige" still keeps what was typed, valid or not.
    assert fill(client, assignment, 2, {"kort": "x" * 500, "lang": "y" * 5000},
                action="back").status_code == 303


def test_a_huge_answer_is_refused_in_the_staff_preview(client, preview):
    url = f"{preview}/2"
    response = post_form(client, url, {"q_kort": "x" * 100_000, "q_lang": "",
                                        "action": "back", "_preview": "{}"})
    assert response.status_code == 400
    assert "niet opgeslagen" in text_of(response)
    carried = re.search(r'name="_preview" value="([^"]*)"', response.get_data(as_text=True))
    assert carried is None or "x" * 1000 not in carried[1]
    # A huge carried answer is dropped, not shown back on every page.
    response = post_form(client, url, {"action": "show", "_preview": json.dumps(
        {"2": {"kort": "x" * 100_000, "lang": ""}})})
    assert "x" * 1000 not in response.get_data(as_text=True)


# ---- 18 and 4: control and bidi characters

RLO, ESC, BELL, ZWJ = "\u202e", "\x1b", "\x07", "\u200d"  # NUL: a 400 of its own
HOSTILE = f"Factuur{RLO}fdp.exe{BELL}\r\nBcc: x@evil.example\u2066\u2069"


def test_single_line_fields_lose_control_and_bidi_characters(client, session, make, jan):
    """A subject keeps no RLO, BELL, line break or isolate; the text keeps its line breaks
    but not the rest; a zero-width joiner (part of emoji and scripts) stays."""
    dossier = make.dossier(clients=[jan])
    response = post_form(client, f"/dossiers/{dossier.id}/berichten/nieuw", {
        "subject": HOSTILE, "body": f"Regel 1\r\nRegel{RLO} 2{ESC}\n\u2066x\u2069 👩{ZWJ}💻",
        "action": "send"})
    assert response.status_code == 302
    message = session.exec(select(Message)).one()
    assert message.subject == "Factuurfdp.exe Bcc: x@evil.example"
    assert message.body == f"Regel 1\nRegel 2\nx 👩{ZWJ}💻"


def test_questionnaire_answers_lose_control_and_bidi_characters(client, session, jan,
                                                                assignment):
    assert fill(client, assignment, 1, {"bedrag": "12"}).status_code == 303
    assert fill(client, assignment, 2, {"kort": f"a{RLO}b\nc", "lang": f"d{RLO}\ne"}
                ).status_code == 303
    stored = session.exec(select(QuestionnaireAnswer).where(QuestionnaireAnswer.step == 2)).one()
    assert stored.answers == {"kort": "ab c", "lang": "d\ne"}


NAME_REFUSED = "Een naam mag geen regeleinden, tabs of andere onzichtbare stuurtekens bevatten."


@pytest.mark.parametrize("name", [f"Jan{RLO}keeS", "Jan\nBezoek https://evil.example",
                                  f"Jan{ESC}[31m", "Jan\tde Vries", "Jan\u2066x\u2069"])
def test_every_name_field_refuses_control_characters(app, client, session, make, name):
    """Names go into mails and pages as typed: refused with a clear message, the rest of
    the form kept, nothing stored; in every form that takes a name."""
    company = make.company("Bakkerij B.V.")
    main = make.user(email="anna@dewit.nl", name="Anna", company=company, company_main=True)
    login(client, main.email)
    for url, data in (("/mijn-gegevens/naam", {"name": name}),
                      ("/mijn-gegevens/accounts", {"name": name, "email": "piet@dewit.nl",
                                                   "language": "nl"})):
        response = post_form(client, url, data)
        assert response.status_code == 400, url
        assert NAME_REFUSED in text_of(response), url
    admin = make.staff(role="admin", email="admin@kantoor.test")
    client = app.test_client()  # the firm's admin, in a browser of their own
    login_staff(client, session, admin)
    for url, data in (
            ("/kantoor/clienten/nieuw", {"name": name, "email": "nieuw@example.nl",
                                         "language": "nl"}),
            ("/kantoor/clienten/nieuw-bedrijf", {"company_name": "Goed B.V.", "name": name,
                                                 "email": "nieuw@example.nl",
                                                 "language": "nl"}),
            ("/kantoor/clienten/nieuw-bedrijf", {"company_name": name, "name": "Goed",
                                                 "email": "nieuw@example.nl",
                                                 "language": "nl"}),
            ("/kantoor/medewerkers", {"name": name, "email": "nieuw@kantoor.test",
                                      "language": "nl", "role": "lawyer"}),
            ("/kantoor/instellingen", {"name": name})):
        response = post_form(client, url, data)
        assert response.status_code == 400, url
        assert NAME_REFUSED in text_of(response), url
    session.expire_all()
    assert {u.name for u in session.exec(select(User)).all()} == {"Anna", admin.name}
    assert {c.name for c in session.exec(select(Company)).all()} == {"Bakkerij B.V."}
    firm = session.exec(select(FirmSettings)).first()
    assert firm is None or "Jan" not in (firm.name or "")


def test_the_cli_refuses_control_characters_in_names(app, session):
    for args in (["create-client", "--email", "a@example.nl", "--name", "Jan\nx"],
                 ["create-client", "--email", "b@example.nl", "--name", "Jan",
                  "--company", f"B.V.{RLO}"],
                 ["create-staff", "--email", "c@kantoor.test", "--name", f"Jan{ESC}",
                  "--password", "Lang-genoeg-2026!"]):
        result = run_cli(app, *args)
        assert result.exit_code == 2 and "control characters" in result.output, result.output
    assert session.exec(select(User)).all() == []
