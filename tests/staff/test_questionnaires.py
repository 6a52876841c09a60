"""Staff side: the questionnaire builder, its preview, sending, and following progress."""
import io
import re

import pytest
from helpers import login, post_form, text_of
from sqlmodel import func, select, update

from app import notifications
from app.models import (
    AuditEvent,
    Document,
    NotificationItem,
    Questionnaire,
    QuestionnaireAnswer,
    QuestionnaireAssignment,
    QuestionnaireVersion,
    User,
)
from app.questionnaires.builder import slug, unique_id
from app.questionnaires.definition import check_definition

STAFF = "/kantoor/vragenlijsten"


def base_of(client, url):
    """The fingerprint the builder's forms on the page at `url` carry."""
    html = client.get(url).get_data(as_text=True)
    match = re.search(r'name="base"[^>]*value="([^"]*)"', html)
    assert match, f"no builder form at {url}"
    return match[1]


def create(client, title="Intake koper"):
    """Start a questionnaire through the form; returns its id."""
    response = post_form(client, STAFF, {"title": title})
    assert response.status_code == 303, text_of(response)
    return int(response.headers["Location"].rsplit("/", 1)[-1])


def add_step(client, qid, title, text_above="", base=None):
    base = base or base_of(client, f"{STAFF}/{qid}")
    return post_form(client, f"{STAFF}/{qid}/stappen",
                     {"step-title": title, "step-text": text_above, "step-base": base})


QUESTION = {"label": "", "type": "text", "help": "", "options": "", "minimum": "",
            "maximum": "", "max_length": "", "show_if": ""}


def question_data(client, url, base=None, **fields):
    data = {**QUESTION, "base": base or base_of(client, url), **fields}
    if data.pop("required", False):
        data["required"] = "y"
    return data


def add_question(client, qid, step, base=None, **fields):
    url = f"{STAFF}/{qid}/stappen/{step}/vragen"
    return post_form(client, url, question_data(client, url, base, **fields))


def edit_question(client, qid, question_id, **fields):
    url = f"{STAFF}/{qid}/vragen/{question_id}"
    return post_form(client, url, question_data(client, url, **fields))


def button(client, qid, url, **data):
    return post_form(client, url, {"base": base_of(client, f"{STAFF}/{qid}"), **data})


def build_intake(client):
    """Two steps and a condition, through the staff forms; returns the questionnaire id."""
    qid = create(client)
    assert add_step(client, qid, "Persoonsgegevens").status_code == 303
    assert add_question(client, qid, 1, label="Volledige naam", required=True,
                        help="Zoals in uw paspoort", max_length="100").status_code == 303
    assert add_step(client, qid, "Burgerlijke staat").status_code == 303
    assert add_question(client, qid, 2, label="Bent u gehuwd?", type="yesno",
                        required=True).status_code == 303
    response = add_question(client, qid, 2, label="Naam partner", required=True,
                            show_if="bent_u_gehuwd=yes")
    assert response.status_code == 303, text_of(response)
    return qid


def latest(session, qid):
    return session.exec(select(QuestionnaireVersion).where(
        QuestionnaireVersion.questionnaire_id == qid)
        .order_by(QuestionnaireVersion.version.desc())
        .execution_options(populate_existing=True)).first()


def versions(session, qid):
    return session.exec(select(QuestionnaireVersion.version).where(
        QuestionnaireVersion.questionnaire_id == qid)
        .order_by(QuestionnaireVersion.version)).all()


def assignments(session):
    return session.exec(select(QuestionnaireAssignment)
                        .execution_options(populate_existing=True)).all()


def send(client, dossier, qid, client_user):
    return post_form(client, f"/kantoor/dossiers/{dossier.id}/vragenlijsten",
                     {"questionnaire": str(qid), "client": str(client_user.id)})


def client_fill(client, assignment_id, number, answers, shown=()):
    """Send one step of the questionnaire as the client's browser does."""
    url = f"/vragenlijsten/{assignment_id}/stap/{number}"
    revision = re.search(r'name="revision" value="(\d+)"',
                         client.get(url).get_data(as_text=True))[1]
    data = {f"q_{key}": value for key, value in answers.items()}
    data.update(revision=revision, action="next", _shown=list(shown))
    return post_form(client, url, data)


@pytest.fixture
def case(make, staff):
    """A dossier of the lawyer with a person client and a company with two accounts."""
    person = make.user(email="klaas@example.nl", name="Klaas Klant")
    company = make.company("Bakkerij De Wit B.V.")
    main = make.user(email="anna@dewit.nl", name="Anna de Wit", company=company,
                     company_main=True)
    extra = make.user(email="piet@dewit.nl", name="Piet de Wit", company=company)
    dossier = make.dossier(clients=[person], companies=[company], lawyer=staff.lawyer,
                           number="2026-0142", description="Aankoop woning")

    class Case:
        pass
    Case.person, Case.company, Case.main, Case.extra, Case.dossier = (
        person, company, main, extra, dossier)
    return Case


# ---- ids from labels

def test_question_ids_are_slugs_of_their_labels():
    """Ids come from the label: lower case, accents dropped, unique with a number."""
    assert slug("Bent u gehuwd?") == "bent_u_gehuwd"
    assert slug("Financiën & inkomen (bruto)") == "financien_inkomen_bruto"
    assert slug("???") == "question"
    assert len(slug("x" * 100)) == 40
    assert unique_id("Naam", {"naam"}) == "naam_2"
    assert unique_id("Naam", {"naam", "naam_2"}) == "naam_3"
    assert unique_id("x" * 100, {"x" * 40}) == "x" * 38 + "_2"


# ---- the round trip

def test_builder_round_trip(app, client, session, staff, as_staff, case, mailbox):
    """Build two steps with a condition through the forms, preview, send; the client fills
    it in and completes it; the staff member sees "completed" and opens the PDF."""
    as_staff(staff.lawyer)
    qid = build_intake(client)
    version = latest(session, qid)
    assert version.version == 1
    assert version.definition == {"steps": [
        {"title": "Persoonsgegevens", "questions": [
            {"id": "volledige_naam", "type": "text", "label": "Volledige naam",
             "required": True, "help": "Zoals in uw paspoort", "max_length": 100}]},
        {"title": "Burgerlijke staat", "questions": [
            {"id": "bent_u_gehuwd", "type": "yesno", "label": "Bent u gehuwd?",
             "required": True},
            {"id": "naam_partner", "type": "text", "label": "Naam partner", "required": True,
             "show_if": {"question": "bent_u_gehuwd", "value": "yes"}}]}]}
    check_definition(version.definition)
    page = text_of(client.get(f"{STAFF}/{qid}"))
    assert "Deze vragenlijst is compleet en kan worden verstuurd." in page
    assert "Alleen zichtbaar als het antwoord op “Bent u gehuwd?” “Ja” is" in page

    preview = client.get(f"{STAFF}/{qid}/voorbeeld")
    assert preview.status_code == 200
    assert "Stap 1 van 2" in text_of(preview) and "Volledige naam" in text_of(preview)

    # Send to an account of the company client: only that account gets the Actie and a mail.
    page = client.get(f"/kantoor/dossiers/{case.dossier.id}/vragenlijsten")
    assert "Piet de Wit (piet@dewit.nl), Bakkerij De Wit B.V." in text_of(page)
    response = send(client, case.dossier, qid, case.extra)
    assert response.status_code == 303, text_of(response)
    [assignment] = assignments(session)
    assert (assignment.version_id, assignment.client_id, assignment.sent_by_id) == (
        version.id, case.extra.id, staff.lawyer.id)
    items = session.exec(select(NotificationItem)).all()
    assert [(i.user_id, i.kind) for i in items] == [(case.extra.id, "questionnaire")]
    event = session.exec(select(AuditEvent).where(
        AuditEvent.action == "questionnaire.sent")).one()
    assert (event.actor_id, event.dossier_id, event.target_id) == (
        staff.lawyer.id, case.dossier.id, assignment.id)
    assert event.detail["client_id"] == case.extra.id and event.detail["version"] == 1
    app.config["NOTIFY_DELAY_MINUTES"] = 0
    notifications.send_due(app)
    mails = mailbox.deliver(app)
    assert [m["To"] for m in mails] == ["piet@dewit.nl"]
    page = text_of(client.get(f"/kantoor/dossiers/{case.dossier.id}/vragenlijsten"))
    assert "Piet de Wit" in page and "Niet begonnen" in page

    # The client fills it in through the client's own routes.
    piet = app.test_client()
    login(piet, "piet@dewit.nl")
    assert "Intake koper" in text_of(piet.get("/acties"))
    assert client_fill(piet, assignment.id, 1, {"volledige_naam": "Piet de Wit"}
                       ).status_code == 303
    assert "Stap 2 van 2" in text_of(client.get(f"/kantoor/dossiers/{case.dossier.id}"
                                             "/vragenlijsten"))
    assert client_fill(piet, assignment.id, 2, {"bent_u_gehuwd": "yes",
                                                "naam_partner": "Els de Wit"},
                       shown=["naam_partner"]).status_code == 303
    summary = piet.get(f"/vragenlijsten/{assignment.id}/overzicht").get_data(as_text=True)
    fingerprint = re.search(r'name="fingerprint" value="([^"]*)"', summary)[1]
    done = post_form(piet, f"/vragenlijsten/{assignment.id}/voltooien",
                     {"fingerprint": fingerprint})
    assert done.status_code in (302, 303), text_of(done)

    assignment = assignments(session)[0]
    assert assignment.completed_at is not None and assignment.document_id
    page = client.get(f"/kantoor/dossiers/{case.dossier.id}/vragenlijsten")
    assert "Voltooid op" in text_of(page)
    pdf_link = f"/kantoor/documenten/{assignment.document_id}"
    assert f'href="{pdf_link}"' in page.get_data(as_text=True)
    answers = client.get(f"{STAFF}/verstuurd/{assignment.id}")
    assert "Els de Wit" in text_of(answers) and f'href="{pdf_link}"' in answers.get_data(
        as_text=True)
    pdf = client.get(pdf_link)
    assert pdf.status_code == 200
    assert pdf.data.startswith(b"%PDF")


# ---- the builder's checks

def test_bad_question_input_keeps_what_was_typed(client, session, staff, as_staff):
    """Empty question, choice without options, a condition on a later question: a clear
    message, the form as typed, nothing stored."""
    as_staff(staff.lawyer)
    qid = create(client)
    add_step(client, qid, "Eerste stap")
    add_question(client, qid, 1, label="Eerste vraag", type="yesno")
    add_step(client, qid, "Tweede stap")
    add_question(client, qid, 2, label="Latere vraag", type="yesno")
    before = latest(session, qid).definition

    response = add_question(client, qid, 1, label="  ", help="Getypte uitleg")
    assert response.status_code == 400
    assert "Vul de vraag in." in text_of(response)
    assert "Getypte uitleg" in response.get_data(as_text=True)

    response = add_question(client, qid, 1, label="Woonvorm", type="choice", options="\n \n")
    assert response.status_code == 400
    assert "Vul de mogelijkheden in waaruit gekozen wordt, één per regel." in text_of(response)
    assert 'value="Woonvorm"' in response.get_data(as_text=True)

    response = add_question(client, qid, 1, label="Toelichting", type="textarea",
                            show_if="latere_vraag=yes")
    assert response.status_code == 400
    assert "Een vraag kan alleen afhangen van een eerdere vraag." in text_of(response)
    assert 'value="Toelichting"' in response.get_data(as_text=True)

    response = edit_question(client, qid, "eerste_vraag", label="Eerste vraag", type="yesno",
                             show_if="latere_vraag=no")
    assert response.status_code == 400
    assert "Een vraag kan alleen afhangen van een eerdere vraag." in text_of(response)

    response = add_question(client, qid, 2, label="Bedrag", type="number", minimum="10",
                            maximum="5")
    assert response.status_code == 400
    assert "Het hoogste getal mag niet lager zijn dan het laagste." in text_of(response)

    response = add_question(client, qid, 2, label="Partner", show_if="eerste_vraag=misschien")
    assert response.status_code == 400
    assert "“Eerste vraag” kan dat antwoord niet hebben." in text_of(response)

    response = add_step(client, qid, "")
    assert response.status_code == 400
    assert "Vul een titel in voor de stap." in text_of(response)
    assert latest(session, qid).definition == before


def test_the_builder_refuses_orders_that_break_a_condition(client, session, staff, as_staff):
    """A question never moves before the one it depends on; a question that others depend
    on is not deleted, nor the step that holds it, nor made into free text."""
    as_staff(staff.lawyer)
    qid = build_intake(client)
    before = latest(session, qid).definition
    move = f"{STAFF}/{qid}/vragen/naam_partner/verplaatsen"
    response = button(client, qid, move, direction="up")
    assert response.status_code == 303
    assert "moet daarom na die vraag komen" in text_of(client.get(response.headers["Location"]))
    response = button(client, qid, f"{STAFF}/{qid}/vragen/bent_u_gehuwd/verwijderen")
    assert "Pas eerst die voorwaarde aan" in text_of(client.get(response.headers["Location"]))
    response = edit_question(client, qid, "bent_u_gehuwd", label="Bent u gehuwd?",
                             type="text")
    assert response.status_code == 400
    assert "Naam partner" in text_of(response)
    response = edit_question(client, qid, "bent_u_gehuwd", label="Gehuwd?", type="choice",
                             options="Nee\nJa")
    assert response.status_code == 400
    assert latest(session, qid).definition == before

    # Moving the whole step of the condition ahead of step 1 is fine.
    response = button(client, qid, f"{STAFF}/{qid}/stappen/2/verplaatsen", direction="up")
    assert response.status_code == 303
    steps = latest(session, qid).definition["steps"]
    assert [s["title"] for s in steps] == ["Burgerlijke staat", "Persoonsgegevens"]
    # Down from the end of a step moves a question to the start of the next step.
    button(client, qid, move, direction="down")
    steps = latest(session, qid).definition["steps"]
    assert [q["id"] for q in steps[1]["questions"]] == ["naam_partner", "volledige_naam"]
    check_definition(latest(session, qid).definition)


def test_steps_are_renamed_and_deleted_after_confirmation(client, session, staff, as_staff):
    """Rename a step; deleting one asks first and takes its questions along."""
    as_staff(staff.lawyer)
    qid = build_intake(client)
    url = f"{STAFF}/{qid}/stappen/1"
    response = post_form(client, url, {"title": "Uw gegevens", "text": "Over u zelf.",
                                       "base": base_of(client, url)})
    assert response.status_code == 303
    assert latest(session, qid).definition["steps"][0]["text"] == "Over u zelf."
    confirm = client.get(f"{url}/verwijderen")
    assert "Stap 1 verwijderen: Uw gegevens?" in text_of(confirm)
    assert "Volledige naam" in text_of(confirm)
    response = post_form(client, f"{url}/verwijderen", {"base": base_of(client, url)})
    assert response.status_code == 303
    assert [s["title"] for s in latest(session, qid).definition["steps"]] == [
        "Burgerlijke staat"]
    assert client.get(f"{STAFF}/{qid}/stappen/2").status_code == 404


def test_an_unfinished_questionnaire_says_why_and_cannot_be_sent(client, session, staff,
                                                                   as_staff, case):
    """A step without questions is saved, named in the builder, and blocks sending."""
    as_staff(staff.lawyer)
    qid = create(client)
    assert "Voeg ten minste één stap met een vraag toe." in text_of(client.get(f"{STAFF}/{qid}"))
    add_step(client, qid, "Lege stap")
    page = text_of(client.get(f"{STAFF}/{qid}"))
    assert "Stap 1 (Lege stap) heeft nog geen vragen." in page
    assert "Intake koper" not in text_of(client.get(
        f"/kantoor/dossiers/{case.dossier.id}/vragenlijsten")).split("Vragenlijst versturen")[1]
    response = send(client, case.dossier, qid, case.person)
    assert response.status_code == 400
    assert "Kies een vragenlijst." in text_of(response)
    assert assignments(session) == []


def test_an_edit_on_an_outdated_page_is_refused_and_kept(client, session, staff, as_staff):
    """Two people editing: the second save does not overwrite the first; what they typed
    stays on the screen."""
    as_staff(staff.lawyer)
    qid = build_intake(client)
    old_base = base_of(client, f"{STAFF}/{qid}")
    add_question(client, qid, 1, label="Geboortedatum", type="date")
    response = add_question(client, qid, 1, base=old_base, label="Woonplaats")
    assert response.status_code == 409
    assert "Iemand anders heeft deze vragenlijst gewijzigd" in text_of(response)
    assert 'value="Woonplaats"' in response.get_data(as_text=True)
    ids = [q["id"] for q in latest(session, qid).definition["steps"][0]["questions"]]
    assert ids == ["volledige_naam", "geboortedatum"]
    # Saving again from that page (it now carries the new fingerprint) works.
    new_base = re.search(r'name="base"[^>]*value="([^"]*)"', response.get_data(as_text=True))[1]
    assert add_question(client, qid, 1, base=new_base, label="Woonplaats").status_code == 303


def test_editing_a_sent_version_makes_a_new_one(client, session, staff, as_staff, case):
    """Version 1 was sent: an edit makes version 2, the assignment keeps version 1, and
    further edits change version 2 until it is sent."""
    as_staff(staff.lawyer)
    qid = build_intake(client)
    send(client, case.dossier, qid, case.person)
    first = latest(session, qid)
    sent_definition = first.definition
    page = text_of(client.get(f"{STAFF}/{qid}"))
    assert "Versie 1 is naar een cliënt verstuurd." in page
    assert "worden bewaard als versie 2" in page
    response = edit_question(client, qid, "volledige_naam", label="Naam", required=True)
    assert response.status_code == 303
    assert versions(session, qid) == [1, 2]
    session.expire_all()
    assert session.get(QuestionnaireVersion, first.id).definition == sent_definition
    [assignment] = assignments(session)
    assert assignment.version_id == first.id
    assert latest(session, qid).definition["steps"][0]["questions"][0]["label"] == "Naam"
    add_step(client, qid, "Stukken")
    assert versions(session, qid) == [1, 2]
    assert "Versie 2, nog niet verstuurd" in text_of(client.get(f"{STAFF}/{qid}"))
    # A new send uses version 2; the client still fills in version 1 of the first one.
    add_question(client, qid, 3, label="Kopie paspoort", type="upload")
    send(client, case.dossier, qid, case.main)
    assert sorted(a.version_id for a in assignments(session)) == sorted(
        [first.id, latest(session, qid).id])


def test_preview_is_a_dry_run(client, session, staff, as_staff):
    """The preview shows the client's screens, checks answers and follows conditions, and
    stores nothing."""
    as_staff(staff.lawyer)
    qid = build_intake(client)
    url = f"{STAFF}/{qid}/voorbeeld"
    response = post_form(client, f"{url}/1", {"q_volledige_naam": "", "action": "next",
                                              "_preview": "{}"})
    assert response.status_code == 400
    assert "Er is een probleem" in text_of(response)
    response = post_form(client, f"{url}/1", {"q_volledige_naam": "Jan", "action": "next",
                                              "_preview": "{}"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Stap 2 van 2" in text_of(response)
    assert f'action="{url}/2"' in html
    carried = re.search(r'name="_preview" value="([^"]*)"', html)[1]
    assert "Jan" in carried
    carried = carried.replace("&#34;", '"').replace("&quot;", '"')
    # Without JavaScript, "yes" first brings up the partner question.
    response = post_form(client, f"{url}/2", {"q_bent_u_gehuwd": "yes", "action": "next",
                                              "_preview": carried})
    assert "Door uw antwoord zijn er vragen bijgekomen" in text_of(response)
    # With htmx, the condition is shown as soon as the answer changes.
    response = post_form(client, f"{url}/2/voorwaarden", {"q_bent_u_gehuwd": "yes",
                                                           "_preview": carried},
                         headers={"HX-Request": "true"})
    assert 'id="question-naam_partner"' in response.get_data(as_text=True)
    assert 'hidden' not in re.search(r'<div[^>]*id="question-naam_partner"[^>]*>',
                                     response.get_data(as_text=True))[0]
    response = post_form(client, f"{url}/2", {"q_bent_u_gehuwd": "yes", "action": "next",
                                              "q_naam_partner": "Els", "_shown": "naam_partner",
                                              "_preview": carried},
                         headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.get_data(as_text=True)
    assert ("Overzicht" in text_of(response) and "Els" in text_of(response)
            and "Jan" in text_of(response))
    assert session.exec(select(func.count()).select_from(QuestionnaireAnswer)).one() == 0
    assert session.exec(select(func.count()).select_from(QuestionnaireAssignment)).one() == 0
    assert "HX-Request" in client.get(url).headers.get("Vary")


# ---- sending

def test_sending_checks_the_client_and_duplicates(client, session, staff, as_staff, case,
                                                 make):
    """Only a client account of the dossier; not twice while the first is open."""
    as_staff(staff.lawyer)
    qid = build_intake(client)
    stranger = make.user(email="vreemd@example.nl", name="Vreemde")
    response = send(client, case.dossier, qid, stranger)
    assert response.status_code == 400
    assert "Kies een cliëntaccount van dit dossier." in text_of(response)
    assert send(client, case.dossier, qid, case.person).status_code == 303
    response = send(client, case.dossier, qid, case.person)
    assert response.status_code == 400
    assert "Klaas Klant heeft deze vragenlijst al openstaan voor dit dossier." in text_of(response)
    assert len(assignments(session)) == 1


def test_send_from_the_builder_goes_through_the_dossier(client, staff, as_staff, case):
    """"Versturen" in the builder: choose a dossier, then the client on its page."""
    as_staff(staff.lawyer)
    qid = build_intake(client)
    page = text_of(client.get(f"{STAFF}/{qid}/versturen"))
    assert "2026-0142 · Aankoop woning" in page
    response = client.get(f"{STAFF}/{qid}/versturen?dossier={case.dossier.id}")
    assert response.status_code == 303
    target = response.headers["Location"]
    assert target.endswith(f"/kantoor/dossiers/{case.dossier.id}/vragenlijsten"
                           f"?vragenlijst={qid}#versturen")
    assert f'<option selected value="{qid}">' in client.get(target).get_data(as_text=True)


def test_a_secretary_sends_on_behalf_of_the_lawyer(client, session, staff, as_staff, case):
    """A delegated secretary sends in the lawyer's dossier; the audit names the lawyer."""
    as_staff(staff.secretary)
    qid = build_intake(client)
    assert send(client, case.dossier, qid, case.person).status_code == 303
    event = session.exec(select(AuditEvent).where(
        AuditEvent.action == "questionnaire.sent")).one()
    assert event.actor_id == staff.secretary.id
    assert event.detail["on_behalf_of"] == staff.lawyer.id


# ---- who may do what

@pytest.fixture
def sent(client, session, staff, as_staff, case):
    """A questionnaire the lawyer sent in their dossier; the test client is logged out."""
    as_staff(staff.lawyer)
    qid = build_intake(client)
    send(client, case.dossier, qid, case.person)
    post_form(client, "/uitloggen", {})
    return qid, assignments(session)[0]


@pytest.mark.parametrize("who", ["client", "idle_secretary", "other_lawyer"])
def test_others_get_404_on_sent_questionnaires(client, session, staff, as_staff, case, sent,
                                               who):
    """A client, a secretary without delegation and another lawyer: 404 on the dossier's
    questionnaires and on the answers, and they cannot send into the dossier."""
    qid, assignment = sent
    if who == "client":
        login(client, case.person.email)
    else:
        as_staff(getattr(staff, who))
    assert client.get(f"/kantoor/dossiers/{case.dossier.id}/vragenlijsten").status_code == 404
    assert client.get(f"{STAFF}/verstuurd/{assignment.id}").status_code == 404
    assert client.get(f"{STAFF}/{qid}/versturen?dossier={case.dossier.id}"
                      ).status_code == 404
    assert send(client, case.dossier, qid, case.main).status_code == 404
    assert len(assignments(session)) == 1
    if who != "client":
        listing = text_of(client.get(f"{STAFF}/verstuurd"))
        assert "Klaas Klant" not in listing
        assert "Nog geen vragenlijsten verstuurd." in listing
        # Anyone on the staff may build and preview the firm's questionnaires.
        assert client.get(f"{STAFF}/{qid}").status_code == 200
        assert client.get(f"{STAFF}/{qid}/voorbeeld").status_code == 200
    else:
        assert client.get(f"{STAFF}/{qid}").status_code == 404
        assert client.get(STAFF).status_code == 404


def test_the_lawyer_follows_progress_everywhere(client, session, staff, as_staff, case, sent):
    """The global list shows status and filters; the answers page shows what was saved."""
    qid, assignment = sent
    # The fixture used this period's code already; a code is never accepted twice.
    session.execute(update(User).where(User.id == staff.lawyer.id).values(totp_last_step=0))
    session.commit()
    as_staff(staff.lawyer)
    listing = text_of(client.get(f"{STAFF}/verstuurd"))
    assert "Klaas Klant" in listing and "2026-0142" in listing and "Niet begonnen" in listing
    assert "Klaas Klant" not in text_of(client.get(f"{STAFF}/verstuurd?status=completed"))
    assert "Klaas Klant" in text_of(client.get(f"{STAFF}/verstuurd?status=open&vragenlijst={qid}"))
    overview = text_of(client.get(STAFF))
    assert "Intake koper versie 1 1 keer verstuurd: Intake koper 0" in overview
    answers = text_of(client.get(f"{STAFF}/verstuurd/{assignment.id}"))
    assert "De cliënt heeft nog niets ingevuld." in answers
    assert session.exec(select(Document)).all() == []


def test_staff_pages_in_english(client, make, session, staff, as_staff, case):
    """A staff member who chose English gets the builder in English."""
    staff.lawyer.language = "en"
    session.commit()
    as_staff(staff.lawyer)
    qid = build_intake(client)
    page = text_of(client.get(f"{STAFF}/{qid}"))
    assert "Steps and questions" in page
    assert "Shown only if the answer to “Bent u gehuwd?” is “Yes”" in page
    response = add_question(client, qid, 1, label="")
    assert "Enter the question." in text_of(response)
    send(client, case.dossier, qid, case.person)
    assert "Not started" in text_of(client.get(f"/kantoor/dossiers/{case.dossier.id}"
                                            "/vragenlijsten"))
    assert session.exec(select(Questionnaire)).one().title == "Intake koper"


def test_reading_the_answers_is_audited(client, session, staff, as_staff, case, sent):
    """Opening a client's answers writes "questionnaire.answers_viewed" (once per staff
    member and questionnaire in ten minutes); a refused visitor writes nothing."""
    _qid, assignment = sent
    as_staff(staff.other_lawyer)
    assert client.get(f"{STAFF}/verstuurd/{assignment.id}").status_code == 404
    post_form(client, "/uitloggen", {})
    as_staff(staff.secretary)
    for _ in range(2):
        assert client.get(f"{STAFF}/verstuurd/{assignment.id}").status_code == 200
    [event] = session.exec(select(AuditEvent).where(
        AuditEvent.action == "questionnaire.answers_viewed")).all()
    assert (event.actor_id, event.dossier_id, event.target_type, event.target_id,
            event.ip) == (staff.secretary.id, case.dossier.id, "questionnaireassignment",
                          assignment.id, "127.0.0.1")
    assert event.detail["client_id"] == case.person.id
    log = text_of(client.get("/kantoor/auditlog?dossier=2026-0142"))
    assert "Antwoorden vragenlijst bekeken" in log


# ---- every kind of question, built through the forms and answered by the client

EVERY_TYPE = [  # (label, type, extra builder fields, what the client types, stored value)
    ("Volledige naam", "text", {"max_length": "60"}, "Klaas Klant", "Klaas Klant"),
    # The browser's CRLF is stored as one line break (app/forms.py, multi_line).
    ("Toelichting", "textarea", {}, "Regel een\r\nRegel twee", "Regel een\nRegel twee"),
    ("Aantal kinderen", "number", {"minimum": "0", "maximum": "20"}, "2", 2),
    ("Koopsom in euro", "number", {}, "1.250,50", 1250.5),
    ("Geboortedatum", "date", {}, "31-12-1980", "1980-12-31"),
    ("Bent u gehuwd?", "yesno", {}, "yes", "yes"),
    ("Soort woning", "choice", {"options": "Koop\nHuur"}, "Huur", "Huur"),
    ("Vervoer", "multichoice", {"options": "Auto\nFiets\nBoot"}, ["Boot", "Auto"],
     ["Auto", "Boot"]),
    ("E-mailadres", "email", {}, "klaas@example.nl", "klaas@example.nl"),
    ("Telefoonnummer", "phone", {}, "06 12345678", "+31 6 12345678"),
    ("Rekeningnummer", "iban", {}, "nl91abna0417164300", "NL91 ABNA 0417 1643 00"),
    ("Kopie paspoort", "upload", {}, None, None),
]


def test_every_question_type_round_trip(app, client, session, staff, as_staff, case):
    """A question of each of the eleven types is added through the builder's forms; the
    client answers each (a file for the upload), the answers are stored normalised, the
    staff member reads them and opens the filed PDF."""
    from sample_files import PDF

    from app.questionnaires.builder import TYPE_LABELS

    assert {kind for _l, kind, *_rest in EVERY_TYPE} == set(TYPE_LABELS)
    as_staff(staff.lawyer)
    qid = create(client, "Alle soorten vragen")
    assert add_step(client, qid, "Alles").status_code == 303
    for label, kind, extra, _typed, _stored in EVERY_TYPE:
        response = add_question(client, qid, 1, label=label, type=kind, required=True,
                                help=f"Uitleg bij {label}", **extra)
        assert response.status_code == 303, (kind, text_of(response))
    version = latest(session, qid)
    questions = version.definition["steps"][0]["questions"]
    check_definition(version.definition)
    assert [q["type"] for q in questions] == [kind for _l, kind, *_rest in EVERY_TYPE]
    assert all(q["required"] and q["help"] == f"Uitleg bij {q['label']}" for q in questions)
    by_label = {q["label"]: q for q in questions}
    assert by_label["Aantal kinderen"]["min"] == 0 and by_label["Aantal kinderen"]["max"] == 20
    assert by_label["Volledige naam"]["max_length"] == 60
    assert by_label["Vervoer"]["options"] == ["Auto", "Fiets", "Boot"]
    # The preview shows every kind of field.
    preview = client.get(f"{STAFF}/{qid}/voorbeeld").get_data(as_text=True)
    for question in questions:
        assert f'name="q_{question["id"]}"' in preview, question["type"]
    assert send(client, case.dossier, qid, case.person).status_code == 303
    [assignment] = assignments(session)

    klaas = app.test_client()
    login(klaas, case.person.email)
    form = klaas.get(f"/vragenlijsten/{assignment.id}/stap/1").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in form
    answers = {by_label[label]["id"]: typed for label, _k, _e, typed, _s in EVERY_TYPE
               if typed is not None}
    answers[by_label["Kopie paspoort"]["id"]] = (io.BytesIO(PDF), "paspoort.pdf")
    response = client_fill(klaas, assignment.id, 1, answers)
    assert response.status_code == 303, text_of(response)

    session.expire_all()
    stored = session.exec(select(QuestionnaireAnswer)).one().answers
    for label, _kind, _extra, _typed, expected in EVERY_TYPE[:-1]:
        assert stored[by_label[label]["id"]] == expected, label
    upload = stored[by_label["Kopie paspoort"]["id"]]
    assert upload["filename"] == "paspoort.pdf"
    handed_in = session.get(Document, upload["document"])
    assert handed_in.dossier_id == case.dossier.id and handed_in.uploaded_by_id == case.person.id

    summary = klaas.get(f"/vragenlijsten/{assignment.id}/overzicht").get_data(as_text=True)
    fingerprint = re.search(r'name="fingerprint" value="([^"]*)"', summary)[1]
    done = post_form(klaas, f"/vragenlijsten/{assignment.id}/voltooien",
                     {"fingerprint": fingerprint})
    assert done.status_code in (302, 303), text_of(done)

    shown = text_of(client.get(f"{STAFF}/verstuurd/{assignment.id}"))
    for words in ("Klaas Klant", "Regel een", "1.250,5", "31 december 1980", "Ja", "Huur",
                  "Auto, Boot", "klaas@example.nl", "+31 6 12345678",
                  "NL91 ABNA 0417 1643 00", "paspoort.pdf"):
        assert words in shown, words
    assignment = assignments(session)[0]
    pdf = client.get(f"/kantoor/documenten/{assignment.document_id}")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert client.get(f"/kantoor/documenten/{handed_in.id}").data == PDF
