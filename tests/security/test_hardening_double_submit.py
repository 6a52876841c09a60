"""Issue 14, point 19: a form submitted twice at once (a double click on "Versturen") acts
once. Real parallel requests against a real gunicorn (4 workers of 4 threads), on SQLite
and on PostgreSQL (TEST_DATABASE_URL), for the client's new message, reply and draft and
the staff member's new message and reply."""
from collections import Counter

import pytest
from helpers import add_message
from ops.server import Browser
from sqlmodel import select
from twostep_helpers import totp_code, with_app

from app.models import AuditEvent, Document, FormKey, Message

CLICKS = 6


@pytest.fixture
def case(app, make, session):
    """A client and the handling lawyer of their dossier, with a message from the lawyer."""
    jan = make.user(email="jan@example.nl", name="Jan de Vries")
    lawyer = make.staff(role="lawyer", email="jansen@kantoor.test", name="mr. Jansen")
    with_app(session, lawyer)
    dossier = make.dossier(clients=[jan], lawyer=lawyer)
    original = add_message(session, dossier, lawyer, subject="Vraag", body="Graag reactie")
    return type("Case", (), dict(jan=jan, lawyer=lawyer, dossier=dossier, original=original))


def client_browser(server, user):
    browser = Browser(server.port)
    browser.log_in(user.email)
    return browser


def staff_browser(server, user):
    browser = client_browser(server, user)
    browser.request("GET", "/inloggen/verificatie/app")
    status, _ = browser.request("POST", "/inloggen/verificatie/app",
                                {"code": totp_code(user.totp_secret)})
    assert status == 302
    return browser


def sent_at_once(browser, url, subject, body, lands_on):
    """Open the message form at `url` and press Versturen on it CLICKS times at once: every
    request must be sent on to `lands_on`."""
    assert browser.request("GET", url)[0] == 200 and browser.form_key
    answers = browser.at_once(CLICKS, url, {"subject": subject, "body": body,
                                            "action": "send", "form_key": browser.form_key})
    assert Counter(answers) == Counter({(302, lands_on): CLICKS}), answers


def sent(session, **where):
    session.expire_all()
    query = select(Message).where(Message.sent_at.is_not(None))
    for name, value in where.items():
        query = query.where(getattr(Message, name) == value)
    return session.exec(query).all()


def drafts_left(session):
    session.expire_all()
    return session.exec(select(Message).where(Message.sent_at.is_(None))).all()


def sent_audits(session):
    return session.exec(select(AuditEvent).where(AuditEvent.action == "message.sent")).all()


@pytest.mark.parametrize("page", ["new", "reply"])
def test_versturen_clicked_at_once_sends_one_message(session, threaded_server, case, page):
    """Straight from "Nieuw bericht" or "Beantwoorden", no draft yet: six requests of one
    form at once send one message, leave no draft, and all land on the Berichten tab."""
    browser = client_browser(threaded_server, case.jan)
    url = (f"/dossiers/{case.dossier.id}/berichten/nieuw" if page == "new"
           else f"/berichten/{case.original.id}/beantwoorden")
    sent_at_once(browser, url, "Re: Vraag", "Mijn antwoord",
                 lands_on=f"/dossiers/{case.dossier.id}/berichten")
    assert len(sent(session, sender_id=case.jan.id)) == 1
    assert drafts_left(session) == []
    assert len(sent_audits(session)) == 1
    # The next page shown has a new key: a second message is a new submission.
    browser.request("GET", url)
    browser.request("POST", url, {"subject": "Nog een", "body": "Tweede bericht",
                                  "action": "send", "form_key": browser.form_key})
    assert len(sent(session, sender_id=case.jan.id)) == 2


def test_a_draft_saved_at_once_is_one_draft(session, threaded_server, case):
    """"Concept opslaan" (or Enter) twice at once from "Nieuw bericht": one draft."""
    browser = client_browser(threaded_server, case.jan)
    url = f"/dossiers/{case.dossier.id}/berichten/nieuw"
    browser.request("GET", url)
    answers = browser.at_once(CLICKS, url, {"subject": "Concept", "body": "Nog niet klaar",
                                            "action": "save", "form_key": browser.form_key})
    [draft] = drafts_left(session)
    assert Counter(answers) == Counter({(302, f"/concepten/{draft.id}"): CLICKS}), answers
    # Versturen on that draft's page, twice at once: sent once.
    url = f"/concepten/{draft.id}"
    browser.request("GET", url)
    answers = browser.at_once(CLICKS, url, {"subject": "Concept", "body": "Nu wel klaar",
                                            "action": "send", "form_key": browser.form_key})
    assert {status for status, _ in answers} == {302}, answers
    assert len(sent(session)) == 2 and drafts_left(session) == []  # the lawyer's and this
    assert len(sent_audits(session)) == 1


@pytest.mark.parametrize("page", ["thread", "reply"])
def test_staff_versturen_clicked_at_once_sends_one_message(session, threaded_server, case, page):
    """The staff message form and its reply: six requests of one form send one message."""
    browser = staff_browser(threaded_server, case.lawyer)
    url = (f"/kantoor/dossiers/{case.dossier.id}/berichten" if page == "thread"
           else f"/kantoor/berichten/{case.original.id}/beantwoorden")
    sent_at_once(browser, url, "Stukken", "Zie hierbij",
                 lands_on=f"/kantoor/dossiers/{case.dossier.id}/berichten")
    assert len(sent(session, subject="Stukken")) == 1
    assert len(sent_audits(session)) == 1
    assert session.exec(select(Document)).all() == []


def test_old_form_keys_are_forgotten(app, session, make):
    """The hourly cleanup forgets keys of forms shown more than a day ago."""
    from datetime import timedelta

    from app.messages.cleanup import cleanup_drafts
    from app.models import utcnow
    user = make.user()
    session.add(FormKey(user_id=user.id, key="a" * 32, created_at=utcnow() - timedelta(days=2)))
    session.add(FormKey(user_id=user.id, key="b" * 32))
    session.commit()
    with app.app_context():
        cleanup_drafts(session)
    session.expire_all()
    assert [k.key for k in session.exec(select(FormKey)).all()] == ["b" * 32]


def test_staff_questionnaire_created_and_sent_at_once_is_one(session, threaded_server, case):
    """"Vragenlijst aanmaken" and "Vragenlijst versturen" twice at once: one questionnaire,
    one Actie for the client; every request lands where the first one led."""
    from app.models import Questionnaire, QuestionnaireAssignment
    from app.questionnaires.definition import new_version

    browser = staff_browser(threaded_server, case.lawyer)
    browser.request("GET", "/kantoor/vragenlijsten")
    answers = browser.at_once(CLICKS, "/kantoor/vragenlijsten",
                              {"title": "Intake", "form_key": browser.form_key})
    session.expire_all()
    [questionnaire] = session.exec(select(Questionnaire)).all()
    builder = f"/kantoor/vragenlijsten/{questionnaire.id}"
    assert Counter(answers) == Counter({(303, builder): CLICKS}), answers

    new_version(session, questionnaire, title="Intake", definition={"steps": [
        {"title": "Stap", "questions": [{"id": "naam", "type": "text", "label": "Naam"}]}]})
    session.commit()
    url = f"/kantoor/dossiers/{case.dossier.id}/vragenlijsten"
    browser.request("GET", f"/kantoor/dossiers/{case.dossier.id}/vragenlijsten")
    answers = browser.at_once(CLICKS, url, {"questionnaire": questionnaire.id,
                                            "client": case.jan.id,
                                            "form_key": browser.form_key})
    listed = f"/kantoor/dossiers/{case.dossier.id}/vragenlijsten"
    assert Counter(answers) == Counter({(303, listed): CLICKS}), answers
    session.expire_all()
    assert len(session.exec(select(QuestionnaireAssignment)).all()) == 1
