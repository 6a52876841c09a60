"""Documents asked for from a questionnaire's answers (issue 17, point 8): the definition's
"requests", the request made on completing (exactly once), the done page, and the builder's
pages for them (with their preview)."""
import copy
import html as html_module
import re

import pytest
from helpers import (
    at_once,
    complete,
    fill,
    login,
    post_form,
    text_of,
)
from sqlmodel import Session, select
from twostep_helpers import login_staff

from app.models import (
    AuditEvent,
    DocumentRequest,
    NotificationItem,
    QuestionnaireAssignment,
    QuestionnaireVersion,
    RequestItem,
    StandardItem,
    User,
)
from app.questionnaires import completion
from app.questionnaires.answers import load
from app.questionnaires.completion import complete as complete_questionnaire
from app.questionnaires.definition import DefinitionError, check_definition, requested_items

# Married → Huwelijkse voorwaarden, but only when the (nested) question about them is shown
# and answered yes; a will for either of two wishes (multichoice); a title asked for twice.
DEFINITION = {
    "steps": [
        {"title": "Burgerlijke staat", "questions": [
            {"id": "gehuwd", "type": "yesno", "label": "Bent u gehuwd?", "required": True},
            {"id": "voorwaarden", "type": "yesno", "label": "Onder huwelijkse voorwaarden?",
             "required": True, "show_if": {"question": "gehuwd", "value": "yes"}}]},
        {"title": "Wensen", "questions": [
            {"id": "wensen", "type": "multichoice", "label": "Wat wilt u regelen?",
             "options": ["Testament", "Levenstestament", "Samenlevingscontract"]},
            {"id": "woonvorm", "type": "choice", "label": "Woonvorm", "required": True,
             "options": [{"value": "koop", "label": "Koopwoning"},
                         {"value": "huur", "label": "Huurwoning"}]}]}],
    "requests": [
        {"title": "Kopie paspoort of ID-kaart", "explanation": "Voor- en achterkant",
         "is_identity": True},
        {"title": "Huwelijkse voorwaarden", "explanation": "De akte van de notaris",
         "show_if": {"question": "voorwaarden", "value": "yes"}},
        {"title": "Trouwboekje", "show_if": {"question": "gehuwd", "value": "yes"}},
        {"title": "Bestaand testament",
         "show_if": {"question": "wensen", "value": ["Testament", "Levenstestament"]}},
        {"title": "Koopakte", "show_if": {"question": "woonvorm", "value": "koop"}},
        {"title": " kopie  paspoort of id-kaart ",
         "show_if": {"question": "woonvorm", "value": "huur"}}],
}
PASSPORT = {"title": "Kopie paspoort of ID-kaart", "explanation": "Voor- en achterkant",
            "is_identity": True}
# Only documents that depend on an answer: none when the client is single and rents.
CONDITIONAL = {**DEFINITION, "requests": DEFINITION["requests"][1:5]}


def titles(items):
    return [item["title"] for item in items]


# ---- the definition

def test_a_definition_with_requests_is_checked():
    check_definition(DEFINITION)
    check_definition({**DEFINITION, "requests": []})


def with_requests(*items):
    return {**copy.deepcopy(DEFINITION), "requests": list(items)}


@pytest.mark.parametrize("definition", [
    {**DEFINITION, "requests": {"title": "Paspoort"}},
    with_requests("Paspoort"),
    with_requests({"explanation": "zonder titel"}),
    with_requests({"title": "   "}),
    with_requests({"title": "x" * 201}),
    with_requests({"title": "Paspoort", "explanation": "x" * 1001}),
    with_requests({"title": "Paspoort", "explanation": None}),
    with_requests({"title": "Paspoort", "is_identity": "yes"}),
    with_requests({"title": "Paspoort", "show_if": {"question": "geen_vraag", "value": "yes"}}),
    with_requests({"title": "Paspoort", "show_if": {"question": "gehuwd"}}),
    with_requests({"title": "Paspoort", "show_if": {"question": "gehuwd", "value": ""}}),
    with_requests({"title": "Paspoort", "show_if": {"question": "gehuwd", "value": []}}),
    with_requests({"title": "Paspoort", "show_if": "gehuwd"}),
])
def test_bad_requests_are_refused(definition):
    with pytest.raises(DefinitionError):
        check_definition(definition)


@pytest.mark.parametrize("answers, expected", [
    ({}, ["Kopie paspoort of ID-kaart"]),
    ({"gehuwd": "no", "woonvorm": "huur"}, ["Kopie paspoort of ID-kaart"]),
    # An answer kept from before "gehuwd" changed to no: its question is hidden, so it
    # asks for nothing, though it says yes.
    ({"gehuwd": "no", "voorwaarden": "yes"}, ["Kopie paspoort of ID-kaart"]),
    ({"gehuwd": "yes", "voorwaarden": "no"}, ["Kopie paspoort of ID-kaart", "Trouwboekje"]),
    ({"gehuwd": "yes", "voorwaarden": "yes"},
     ["Kopie paspoort of ID-kaart", "Huwelijkse voorwaarden", "Trouwboekje"]),
    ({"wensen": ["Samenlevingscontract"]}, ["Kopie paspoort of ID-kaart"]),
    ({"wensen": ["Samenlevingscontract", "Levenstestament"]},
     ["Kopie paspoort of ID-kaart", "Bestaand testament"]),
    ({"woonvorm": "koop"}, ["Kopie paspoort of ID-kaart", "Koopakte"]),
])
def test_requested_items_follow_the_answers(answers, expected):
    assert titles(requested_items(DEFINITION, answers)) == expected


def test_requested_items_are_what_new_request_takes():
    """Title, explanation and identity; a document asked for twice is asked for once."""
    assert requested_items(DEFINITION, {"woonvorm": "huur"}) == [PASSPORT]
    assert requested_items(DEFINITION, {"gehuwd": "yes", "voorwaarden": "yes"})[1] == {
        "title": "Huwelijkse voorwaarden", "explanation": "De akte van de notaris",
        "is_identity": False}
    assert requested_items({"steps": DEFINITION["steps"]}, {"gehuwd": "yes"}) == []


# ---- completing

MARRIED = {1: {"gehuwd": "yes", "voorwaarden": "yes"},
           2: {"wensen": ["Samenlevingscontract"], "woonvorm": "koop"}}
SINGLE = {1: {"gehuwd": "no"}, 2: {"wensen": [], "woonvorm": "huur"}}


@pytest.fixture
def married(make, jan, dossier, lawyer):
    """Jan's questionnaire (sent by his lawyer) with every step answered: married with
    huwelijkse voorwaarden, buying."""
    return make.assignment(jan, dossier, definition=DEFINITION, by=lawyer, answers=MARRIED)


def requests_made(session):
    session.expire_all()
    return session.exec(select(DocumentRequest)).all()


def items_of(session, request):
    return session.exec(select(RequestItem).where(RequestItem.request_id == request.id)
                        .order_by(RequestItem.position)).all()


def test_completing_requests_exactly_the_documents_that_apply(client, session, jan, dossier,
                                                              lawyer, married):
    response = complete(client, married)
    assert response.status_code == 303
    [request] = requests_made(session)
    assert (request.dossier_id, request.client_id, request.sent_by_id,
            request.assignment_id, request.deadline, request.completed_at) == (
        dossier.id, jan.id, lawyer.id, married.id, None, None)
    assert [(i.title, i.explanation, i.is_identity, i.state)
            for i in items_of(session, request)] == [
        ("Kopie paspoort of ID-kaart", "Voor- en achterkant", True, "open"),
        ("Huwelijkse voorwaarden", "De akte van de notaris", False, "open"),
        ("Trouwboekje", "", False, "open"),
        ("Koopakte", "", False, "open")]
    # The client hears of it once (the lawyer of the completed questionnaire, as before).
    notes = session.exec(select(NotificationItem.user_id, NotificationItem.kind)).all()
    assert sorted(notes) == sorted([(jan.id, "request"), (lawyer.id, "questionnaire")])
    [event] = session.exec(select(AuditEvent).where(AuditEvent.action == "request.sent")).all()
    assert event.target_id == request.id and event.dossier_id == dossier.id

    # The done page says so and leads to Acties.
    page = client.get(response.location)
    text = text_of(page)
    assert "Aan te leveren stukken" in text
    assert "Op basis van uw antwoorden vragen wij u nu om deze 4 stukken:" in text
    for title in ("Huwelijkse voorwaarden", "Trouwboekje", "Koopakte"):
        assert title in text
    assert "Bestaand testament" not in text
    assert 'href="/acties"' in page.get_data(as_text=True)

    # Completing again makes nothing more.
    assert post_form(client, f"/vragenlijsten/{married.id}/voltooien", {}).status_code == 303
    assert len(requests_made(session)) == 1
    assert len(session.exec(select(NotificationItem).where(
        NotificationItem.kind == "request")).all()) == 1


def test_no_request_when_no_document_applies(client, session, make, jan, dossier, lawyer):
    assignment = make.assignment(jan, dossier, definition=CONDITIONAL, by=lawyer,
                                 answers=SINGLE)
    response = complete(client, assignment)
    assert response.status_code == 303
    assert requests_made(session) == []
    assert session.exec(select(NotificationItem).where(
        NotificationItem.kind == "request")).all() == []
    page = text_of(client.get(response.location))
    assert "De vragenlijst is voltooid" in page or "vragenlijst is voltooid" in page
    assert "Aan te leveren stukken" not in page


def test_a_questionnaire_without_requests_asks_for_nothing(client, session, make, jan,
                                                           dossier):
    assignment = make.assignment(jan, dossier, definition={"steps": DEFINITION["steps"]},
                                 answers=MARRIED)
    assert complete(client, assignment).status_code == 303
    assert requests_made(session) == []


def test_a_questionnaire_sent_by_nobody_asks_in_nobodys_name(client, session, make, jan,
                                                            dossier):
    """Sent before the sender was recorded (or the account is gone): no sender."""
    assignment = make.assignment(jan, dossier, definition=DEFINITION, answers=SINGLE)
    assert complete(client, assignment).status_code == 303
    [request] = requests_made(session)
    assert request.sent_by_id is None
    assert [i.title for i in items_of(session, request)] == ["Kopie paspoort of ID-kaart"]


def test_the_done_page_in_english(app, session, make, lawyer):
    english = make.user(email="john@example.com", name="John", language="en")
    dossier_en = make.dossier(clients=[english], lawyer=lawyer)
    assignment = make.assignment(english, dossier_en, definition=DEFINITION, by=lawyer,
                                 answers=SINGLE)
    client = app.test_client()
    login(client, "john@example.com")
    response = complete(client, assignment)
    page = text_of(client.get(response.location))
    assert "Documents to provide" in page
    assert "Based on your answers, we now ask you for this document:" in page
    assert "Kopie paspoort of ID-kaart" in page and "Go to Actions" in page


def test_the_done_page_leaves_out_a_request_that_is_done(client, session, jan, married):
    response = complete(client, married)
    [request] = requests_made(session)
    request.completed_at = request.created_at
    session.add(request)
    session.commit()
    assert "Aan te leveren stukken" not in text_of(client.get(response.location))


def test_the_answers_shown_are_the_answers_that_count(client, session, make, jan, dossier,
                                                      lawyer):
    """Answered married, then changed to single through the steps: the hidden answer about
    huwelijkse voorwaarden asks for nothing."""
    assignment = make.assignment(jan, dossier, definition=DEFINITION, by=lawyer)
    assert fill(client, assignment, 1, {"gehuwd": "yes", "voorwaarden": "yes"}
                ).status_code == 303
    assert fill(client, assignment, 2, {"woonvorm": "huur"}).status_code == 303
    assert fill(client, assignment, 1, {"gehuwd": "no"}).status_code == 303
    assert complete(client, assignment).status_code == 303
    [request] = requests_made(session)
    assert [i.title for i in items_of(session, request)] == ["Kopie paspoort of ID-kaart"]


def two_fillings(app, assignment, jan):
    """Two sessions that each read the questionnaire, as two browsers do before either
    completes it."""
    engine = app.extensions["db_engine"]
    sessions = [Session(engine, expire_on_commit=False) for _ in range(2)]
    fillings = []
    for s in sessions:
        fillings.append((s, load(s, s.get(QuestionnaireAssignment, assignment.id)),
                         s.get(User, jan.id)))
        s.commit()
    return fillings


def one_request(session, assignment):
    """Exactly one request, for this assignment, its four items, one mail's worth of notes."""
    [request] = requests_made(session)
    assert request.assignment_id == assignment.id
    assert len(items_of(session, request)) == 4
    assert len(session.exec(select(NotificationItem).where(
        NotificationItem.kind == "request")).all()) == 1
    assert len(session.exec(select(AuditEvent).where(
        AuditEvent.action == "request.sent")).all()) == 1


def test_two_browsers_completing_one_after_the_other_request_once(app, session, jan,
                                                                  married):
    fillings = two_fillings(app, married, jan)
    with app.app_context():
        try:
            results = [complete_questionnaire(*filling) for filling in fillings]
        finally:
            for s, _filling, _user in fillings:
                s.close()
    assert results[0] is not None and results[1] is None
    one_request(session, married)


def test_two_browsers_completing_at_the_same_moment_request_once(app, session, jan, married):
    """Real parallel completions (on PostgreSQL too: TEST_DATABASE_URL): the claim lets one
    through, and only that one makes the request."""
    fillings = two_fillings(app, married, jan)
    turn = iter(fillings)

    def run():
        filling = next(turn)
        with app.app_context():
            return complete_questionnaire(*filling)

    try:
        results = at_once(2, run)
    finally:
        for s, _filling, _user in fillings:
            s.close()
    assert sorted(result is None for result in results) == [False, True]
    one_request(session, married)


def test_a_failed_completion_makes_no_request(app, client, session, jan, married, monkeypatch):
    """A failure after the request was made rolls it back with the rest."""
    real = completion.new_request

    def made_then_broken(*args, **kwargs):
        real(*args, **kwargs)
        raise RuntimeError("the database went away")

    monkeypatch.setattr(completion, "new_request", made_then_broken)
    with app.app_context(), Session(app.extensions["db_engine"],
                                    expire_on_commit=False) as s:
        filling = load(s, s.get(QuestionnaireAssignment, married.id))
        with pytest.raises(RuntimeError):
            complete_questionnaire(s, filling, s.get(User, jan.id))
    assert requests_made(session) == []
    assert session.exec(select(RequestItem)).all() == []
    assert session.get(QuestionnaireAssignment, married.id).completed_at is None


# ---- the builder

STAFF = "/kantoor/vragenlijsten"
BUILDER_DEFINITION = {"steps": [
    {"title": "Burgerlijke staat", "questions": [
        {"id": "naam", "type": "text", "label": "Naam"},
        {"id": "gehuwd", "type": "yesno", "label": "Bent u gehuwd?", "required": True},
        {"id": "wensen", "type": "multichoice", "label": "Wat wilt u regelen?",
         "options": ["Testament", "Levenstestament", "Samenlevingscontract"]}]}]}
FORM = {"answers": [], "standard": "", "title": "", "explanation": ""}


@pytest.fixture
def built(client, session, make, staff):
    """A questionnaire of the firm, the lawyer logged in on `client`, and the firm's list:
    (questionnaire id, [StandardItem])."""
    version = make.version(BUILDER_DEFINITION, title="Intake huwelijk", by=staff.lawyer)
    standard = [StandardItem(title="Kopie paspoort of ID-kaart", is_identity=True,
                             explanation="Voor- en achterkant", position=1),
                StandardItem(title="Huwelijkse voorwaarden", explanation="De akte",
                             position=0)]
    session.add_all(standard)
    session.commit()
    login_staff(client, session, staff.lawyer)
    return version.questionnaire_id, standard


def base_of(client, url):
    """The fingerprint the builder's form on the page at `url` carries."""
    html = client.get(url).get_data(as_text=True)
    match = re.search(r'name="base"[^>]*value="([^"]*)"', html)
    assert match, f"no builder form at {url}"
    return match[1]


def ask(client, qid, question, base=None, **fields):
    """Post the form that asks for a document depending on `question`."""
    url = f"{STAFF}/{qid}/vragen/{question}/stukken"
    data = {**FORM, "base": base or base_of(client, url), **fields}
    if data.pop("is_identity", False):
        data["is_identity"] = "y"
    return post_form(client, url, data)


def change(client, qid, number, **fields):
    url = f"{STAFF}/{qid}/stukken/{number}"
    data = {**FORM, "base": base_of(client, url), **fields}
    if data.pop("is_identity", False):
        data["is_identity"] = "y"
    return post_form(client, url, data)


def requests_of_latest(session, qid):
    session.expire_all()
    version = session.exec(select(QuestionnaireVersion).where(
        QuestionnaireVersion.questionnaire_id == qid)
        .order_by(QuestionnaireVersion.version.desc())).first()
    return version.definition.get("requests", [])


def test_staff_attach_documents_to_answers(client, session, built):
    qid, standard = built
    page = client.get(f"{STAFF}/{qid}")
    html = page.get_data(as_text=True)
    # Offered at the yes/no and choice questions, not at the text question.
    assert f'href="{STAFF}/{qid}/vragen/gehuwd/stukken"' in html
    assert f'href="{STAFF}/{qid}/vragen/wensen/stukken"' in html
    assert "/vragen/naam/stukken" not in html
    assert "Er worden nog geen stukken opgevraagd." in text_of(page)

    form = client.get(f"{STAFF}/{qid}/vragen/gehuwd/stukken")
    assert form.status_code == 200
    text = text_of(form)
    assert "Afhankelijk van het antwoord op “Bent u gehuwd?”" in text
    # The firm's list in its order, identity documents marked.
    assert text.index("Huwelijkse voorwaarden") < text.index(
        "Kopie paspoort of ID-kaart (identiteitsbewijs)")

    # From the firm's list: copied into the definition.
    response = ask(client, qid, "gehuwd", answers=["yes"], standard=str(standard[1].id))
    assert response.status_code == 303, text_of(response)
    assert response.location.endswith(f"/kantoor/vragenlijsten/{qid}#stuk-1")
    # Typed, for two answers of a multiple choice.
    response = ask(client, qid, "wensen", answers=["Levenstestament", "Testament"],
                   title="Bestaand testament", explanation="Een kopie\nvan de akte",
                   is_identity=False)
    assert response.status_code == 303, text_of(response)
    assert requests_of_latest(session, qid) == [
        {"title": "Huwelijkse voorwaarden", "explanation": "De akte", "is_identity": False,
         "show_if": {"question": "gehuwd", "value": "yes"}},
        {"title": "Bestaand testament", "explanation": "Een kopie\nvan de akte",
         "is_identity": False,
         "show_if": {"question": "wensen", "value": ["Testament", "Levenstestament"]}}]
    check_definition(session.exec(select(QuestionnaireVersion).where(
        QuestionnaireVersion.questionnaire_id == qid)).one().definition)

    page = text_of(client.get(f"{STAFF}/{qid}"))
    assert "Vraagt om “Huwelijkse voorwaarden” als het antwoord “Ja” is" in page
    assert ("Alleen opgevraagd als het antwoord op “Wat wilt u regelen?” “Testament” of "
            "“Levenstestament” is") in page

    # Change: the identity mark and one answer fewer; the form shows what is stored.
    form = client.get(f"{STAFF}/{qid}/stukken/2").get_data(as_text=True)
    assert 'value="Bestaand testament"' in form
    assert re.search(r'<input checked[^>]*value="Testament"|value="Testament"[^>]*checked',
                     form)
    response = change(client, qid, 2, answers=["Testament"], title="Bestaand testament",
                      explanation="Een kopie", is_identity=True)
    assert response.status_code == 303, text_of(response)
    assert requests_of_latest(session, qid)[1] == {
        "title": "Bestaand testament", "explanation": "Een kopie", "is_identity": True,
        "show_if": {"question": "wensen", "value": "Testament"}}

    # Remove.
    response = post_form(client, f"{STAFF}/{qid}/stukken/1/verwijderen",
                         {"base": base_of(client, f"{STAFF}/{qid}")})
    assert response.status_code == 303
    assert "Het stuk wordt niet meer opgevraagd." in text_of(client.get(response.location))
    assert titles(requests_of_latest(session, qid)) == ["Bestaand testament"]


@pytest.mark.parametrize("fields, message", [
    ({"answers": ["yes"]}, "Kies een stuk uit de lijst van het kantoor, of typ de titel ervan."),
    ({"title": "Trouwboekje"},
     "Kies het antwoord of de antwoorden waarbij dit stuk wordt opgevraagd."),
    ({"answers": ["misschien"], "title": "Trouwboekje"},
     "“Bent u gehuwd?” kan dat antwoord niet hebben."),
    ({"answers": ["yes"], "standard": "FIRST", "title": "Trouwboekje"},
     "Kies een stuk uit de lijst van het kantoor, of typ er hieronder zelf een, niet allebei."),
    ({"answers": ["yes"], "standard": "99999"},
     "Dit stuk staat niet meer op de lijst van het kantoor."),
    ({"answers": ["yes"], "title": "x" * 201},
     "De titel mag hoogstens 200 tekens lang zijn."),
    ({"answers": ["yes"], "title": "Trouwboekje", "explanation": "x" * 1001},
     "De toelichting mag hoogstens 1000 tekens lang zijn."),
])
def test_bad_input_is_refused_and_kept(client, session, built, fields, message):
    qid, standard = built
    if fields.get("standard") == "FIRST":
        fields = {**fields, "standard": str(standard[0].id)}
    before = requests_of_latest(session, qid)
    response = ask(client, qid, "gehuwd", explanation=fields.pop("explanation", "Getypt"),
                   **fields)
    assert response.status_code == 400
    assert message in text_of(response)
    html = response.get_data(as_text=True)
    if fields.get("title") and len(fields["title"]) < 201:
        assert f'value="{fields["title"]}"' in html
    assert "Getypt" in html or "x" * 1001 in html
    assert requests_of_latest(session, qid) == before


def test_a_question_asks_for_a_document_once(client, session, built):
    qid, _standard = built
    assert ask(client, qid, "gehuwd", answers=["yes"], title="Trouwboekje").status_code == 303
    response = ask(client, qid, "gehuwd", answers=["no"], title=" trouwboekje ")
    assert response.status_code == 400
    assert "Bij “Bent u gehuwd?” wordt “trouwboekje” al opgevraagd." in text_of(response)
    # Another question may ask for it too (completing asks for it once).
    assert ask(client, qid, "wensen", answers=["Testament"],
               title="Trouwboekje").status_code == 303
    assert len(requests_of_latest(session, qid)) == 2


def test_a_question_with_documents_keeps_them_possible(client, session, built):
    """A question a document depends on is not deleted, nor changed so that the answer
    that asks for it can no longer be given."""
    qid, _standard = built
    assert ask(client, qid, "wensen", answers=["Levenstestament"],
               title="Bestaand testament").status_code == 303
    response = post_form(client, f"{STAFF}/{qid}/vragen/wensen/verwijderen",
                         {"base": base_of(client, f"{STAFF}/{qid}")})
    page = text_of(client.get(response.location))
    assert ("Het stuk “Bestaand testament” wordt opgevraagd afhankelijk van het antwoord op "
            "“Wat wilt u regelen?”. Verwijder eerst dat stuk.") in page
    response = post_form(client, f"{STAFF}/{qid}/stappen/1/verwijderen",
                         {"base": base_of(client, f"{STAFF}/{qid}")})
    assert "Verwijder eerst dat stuk." in text_of(client.get(response.location))

    url = f"{STAFF}/{qid}/vragen/wensen"
    response = post_form(client, url, {
        "base": base_of(client, url), "label": "Wat wilt u regelen?", "type": "multichoice",
        "options": "Testament\nSamenlevingscontract", "help": "", "minimum": "",
        "maximum": "", "max_length": "", "show_if": ""})
    assert response.status_code == 400
    assert ("Het stuk “Bestaand testament” wordt opgevraagd bij het antwoord "
            "“Levenstestament” op deze vraag.") in text_of(response)
    response = post_form(client, url, {
        "base": base_of(client, url), "label": "Wat wilt u regelen?", "type": "text",
        "options": "", "help": "", "minimum": "", "maximum": "", "max_length": "",
        "show_if": ""})
    assert response.status_code == 400
    assert requests_of_latest(session, qid)[0]["show_if"]["question"] == "wensen"
    assert len(session.exec(select(QuestionnaireVersion).where(
        QuestionnaireVersion.questionnaire_id == qid)).all()) == 1


def test_other_edits_keep_the_documents(client, session, built):
    qid, _standard = built
    assert ask(client, qid, "gehuwd", answers=["yes"], title="Trouwboekje").status_code == 303
    url = f"{STAFF}/{qid}/stappen"
    response = post_form(client, url, {"step-title": "Wensen", "step-text": "",
                                       "step-base": base_of(client, f"{STAFF}/{qid}")})
    assert response.status_code == 303
    assert titles(requests_of_latest(session, qid)) == ["Trouwboekje"]


def test_a_sent_version_stays_and_the_change_makes_a_new_one(client, session, make, built,
                                                             staff):
    qid, _standard = built
    assert ask(client, qid, "gehuwd", answers=["yes"], title="Trouwboekje").status_code == 303
    klant = make.user(email="klant@example.nl")
    version = session.exec(select(QuestionnaireVersion).where(
        QuestionnaireVersion.questionnaire_id == qid)).one()
    make.assignment(klant, make.dossier(clients=[klant], lawyer=staff.lawyer),
                    version=version, by=staff.lawyer)
    response = ask(client, qid, "wensen", answers=["Testament"], title="Testament")
    assert response.status_code == 303
    session.expire_all()
    versions = session.exec(select(QuestionnaireVersion).where(
        QuestionnaireVersion.questionnaire_id == qid)
        .order_by(QuestionnaireVersion.version)).all()
    assert [titles(v.definition.get("requests", [])) for v in versions] == [
        ["Trouwboekje"], ["Trouwboekje", "Testament"]]


def test_an_edit_on_an_outdated_page_is_refused(client, session, built):
    qid, _standard = built
    url = f"{STAFF}/{qid}/vragen/gehuwd/stukken"
    old = base_of(client, url)
    assert ask(client, qid, "gehuwd", answers=["yes"], title="Trouwboekje").status_code == 303
    response = ask(client, qid, "gehuwd", base=old, answers=["no"], title="Verklaring")
    assert response.status_code == 409
    assert "Iemand anders heeft deze vragenlijst gewijzigd" in text_of(response)
    assert 'value="Verklaring"' in response.get_data(as_text=True)
    assert titles(requests_of_latest(session, qid)) == ["Trouwboekje"]


def test_unknown_questions_and_documents_are_404(client, built):
    qid, _standard = built
    assert client.get(f"{STAFF}/{qid}/vragen/naam/stukken").status_code == 404  # text
    assert client.get(f"{STAFF}/{qid}/vragen/geen/stukken").status_code == 404
    assert client.get(f"{STAFF}/{qid}/stukken/1").status_code == 404
    assert client.get(f"{STAFF}/{qid}/stukken/0").status_code == 404
    assert client.get(f"{STAFF}/99999/vragen/gehuwd/stukken").status_code == 404


def test_clients_get_404_and_visitors_the_login_page(app, session, make, built):
    """Any staff member may build (questionnaires hold no client data: docs/design.md); a
    client, even of the firm, gets 404 on every builder URL, a visitor the login page."""
    qid, _standard = built
    urls = [f"{STAFF}/{qid}/vragen/gehuwd/stukken", f"{STAFF}/{qid}/stukken/1"]
    make.user(email="klant@example.nl")
    klant = app.test_client()
    login(klant, "klant@example.nl")
    visitor = app.test_client()
    for url in urls:
        assert klant.get(url).status_code == 404
        assert post_form(klant, url, {"answers": ["yes"], "title": "X"}).status_code == 404
        assert visitor.get(url).status_code == 302
    assert post_form(klant, f"{STAFF}/{qid}/stukken/1/verwijderen", {}).status_code == 404
    assert requests_of_latest(session, qid) == []


def test_another_lawyer_may_build_too(app, session, staff, built):
    qid, _standard = built
    other = app.test_client()
    login_staff(other, session, staff.other_lawyer)
    assert other.get(f"{STAFF}/{qid}/vragen/gehuwd/stukken").status_code == 200
    assert ask(other, qid, "gehuwd", answers=["yes"], title="Trouwboekje").status_code == 303


def test_the_preview_says_which_documents_the_answers_ask_for(client, session, make, staff):
    login_staff(client, session, staff.lawyer)
    version = make.version(DEFINITION, title="Intake", by=staff.lawyer)
    url = f"{STAFF}/{version.questionnaire_id}/voorbeeld"
    step1 = post_form(client, f"{url}/1", {"q_gehuwd": "yes", "q_voorwaarden": "yes",
                                           "_shown": ["voorwaarden"], "action": "next"})
    assert step1.status_code == 200
    carried = re.search(r'name="_preview" value="([^"]*)"', step1.get_data(as_text=True))[1]
    summary = post_form(client, f"{url}/2", {
        "q_woonvorm": "huur", "action": "next", "_preview": html_module.unescape(carried)})
    text = text_of(summary)
    assert ("Met deze antwoorden worden bij het voltooien deze stukken bij de cliënt "
            "opgevraagd") in text
    for title in ("Kopie paspoort of ID-kaart · identiteitsbewijs", "Huwelijkse voorwaarden",
                  "Trouwboekje"):
        assert title in text
    assert "Koopakte" not in text
    assert session.exec(select(DocumentRequest)).all() == []


def test_the_builder_in_english(client, session, make, staff):
    lawyer = make.staff(email="en@kantoor.test", name="mr. English", language="en")
    version = make.version(DEFINITION, title="Intake", by=lawyer)
    login_staff(client, session, lawyer)
    qid = version.questionnaire_id
    page = text_of(client.get(f"{STAFF}/{qid}"))
    assert "Documents to provide" in page and "Always asked for" in page
    assert "Asks for “Trouwboekje” if the answer is “Yes”" in page
    page = text_of(client.get(f"{STAFF}/{qid}/vragen/gehuwd/stukken"))
    assert "This question already asks for" in page and "Ask for it when the answer is" in page
    response = ask(client, qid, "gehuwd", answers=["yes"])
    assert "Choose a document from the firm's list, or type its title." in text_of(response)


def test_documents_written_by_hand_keep_their_condition(client, session, make, staff):
    """A definition may ask for a document always, or on a text answer: the builder lists
    them and changes their text, keeping the condition it cannot offer."""
    definition = {**BUILDER_DEFINITION, "requests": [
        {"title": "Paspoort"},
        {"title": "Uittreksel", "show_if": {"question": "naam", "value": "Jan"}}]}
    version = make.version(definition, title="Met de hand", by=staff.lawyer)
    login_staff(client, session, staff.lawyer)
    qid = version.questionnaire_id
    page = text_of(client.get(f"{STAFF}/{qid}"))
    assert "Altijd opgevraagd" in page
    assert "Alleen opgevraagd als het antwoord op “Naam” “Jan” is" in page
    form = client.get(f"{STAFF}/{qid}/stukken/2")
    assert form.status_code == 200 and 'name="answers"' not in form.get_data(as_text=True)
    assert change(client, qid, 1, title="Kopie paspoort").status_code == 303
    assert change(client, qid, 2, title="Uittreksel GBA").status_code == 303
    assert requests_of_latest(session, qid) == [
        {"title": "Kopie paspoort", "explanation": "", "is_identity": False},
        {"title": "Uittreksel GBA", "explanation": "", "is_identity": False,
         "show_if": {"question": "naam", "value": "Jan"}}]
