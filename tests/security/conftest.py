"""Fixtures of the security tests: client A's world (tests/security/world.py), and an upload
on each of the three upload paths."""
import io

import pytest
from helpers import assign, csrf_token, fill, login, send_form
from twostep_helpers import login_staff

from app.models import CAT_CORRESPONDENCE
from security.world import build_world


@pytest.fixture
def world(app, make, session):
    """Client A's world of the access matrix."""
    return build_world(app, make, session)


ONE_UPLOAD = {"steps": [{"title": "Stukken", "questions": [
    {"id": "stuk", "type": "upload", "label": "Kopie legitimatiebewijs", "required": True}]}]}


@pytest.fixture
def uploads(client, session, make):
    """start(path, language) signs in whoever uploads on `path` ("message": a client's
    attachment, "questionnaire": an upload question, "staff": publishing) and returns
    upload(name, data) -> the response, a message's redirect followed."""
    def start(path, language="nl"):
        if path == "staff":
            lawyer = make.staff(email=f"jansen-{language}@kantoor.test", name="mr. Jansen",
                                language=language)
            dossier = make.dossier(lawyer=lawyer)
            login_staff(client, session, lawyer)

            def upload(name, data):
                return client.post(f"/kantoor/dossiers/{dossier.id}/documenten", data={
                    "csrf_token": csrf_token(client), "category": CAT_CORRESPONDENCE,
                    "files": [(io.BytesIO(data), name)]}, content_type="multipart/form-data")
            return upload
        user = make.user(email=f"klant-{language}@example.nl", language=language)
        dossier = make.dossier(clients=[user])
        login(client, user.email)
        if path == "message":
            return lambda name, data: send_form(
                client, f"/dossiers/{dossier.id}/berichten/nieuw", action="upload",
                files=[(name, data)], follow_redirects=True)
        assignment = assign(session, user, dossier, ONE_UPLOAD)
        return lambda name, data: fill(client, assignment, 1, {},
                                       files={"q_stuk": (io.BytesIO(data), name)})
    return start
