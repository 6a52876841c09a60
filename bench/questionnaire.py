"""Benchmark of questionnaires: the PDF of a 100-question questionnaire, and saving a step.

    make bench-questionnaire      # or: .venv/bin/python -m bench.questionnaire [--runs 20]

Prints the time to render the PDF (xhtml2pdf, in-process), then the server time of a
step save (the Server-Timing header of QUERY_STATS, through the test client on SQLite):
as a plain form post (303 to the next step) and as htmx (the next step's fragment), and
of "Voltooien" (PDF rendered, stored, filed and the mail queued).
"""
import argparse
import math
import re
import statistics
import tempfile
import time

from flask_babel import force_locale
from sqlmodel import Session

from app import create_app, migrate, pdf
from app.demo import default_statuses
from app.invitations import create_user
from app.models import (
    KIND_STAFF,
    Dossier,
    DossierClient,
    Questionnaire,
    QuestionnaireAnswer,
    QuestionnaireAssignment,
    User,
    utcnow,
)
from app.questionnaires.answers import load
from app.questionnaires.completion import pdf_html
from app.questionnaires.definition import new_version
from app.security import set_password

PASSWORD = "Bench2026x"
TYPES = ["text", "textarea", "number", "date", "yesno", "choice", "multichoice", "email",
         "phone", "iban"]
ANSWERS = {"text": "Jan de Vries", "textarea": "Eerste regel.\nTweede regel van het antwoord.",
           "number": 52000.5, "date": "1980-12-31", "yesno": "yes", "choice": "b",
           "multichoice": ["a", "c"], "email": "jan@example.nl", "phone": "+31 6 12345678",
           "iban": "NL91 ABNA 0417 1643 00"}


def definition(steps=10, per_step=10):
    """`steps` steps of `per_step` questions, every type but upload in turn."""
    result = []
    for s in range(steps):
        questions = []
        for n in range(per_step):
            number = s * per_step + n
            kind = TYPES[number % len(TYPES)]
            question = {"id": f"v{number}", "type": kind, "required": True,
                        "label": f"Vraag {number + 1}: een {kind}-vraag van normale lengte?"}
            if kind in ("choice", "multichoice"):
                question["options"] = [{"value": v, "label": f"Keuze {v}"} for v in "abc"]
            questions.append(question)
        result.append({"title": f"Deel {s + 1}", "questions": questions})
    return {"steps": result}


def answers_of(step):
    """A valid answer to every question of `step`."""
    return {q["id"]: ANSWERS[q["type"]] for q in step["questions"]}


def setup(app, n_assignments):
    """A client with a dossier, a lawyer, and `n_assignments` filled-in assignments."""
    with app.app_context(), Session(app.extensions["db_engine"]) as s:
        default_statuses(s)
        lawyer = create_user(s, email="advocaat@bench.nl", name="mr. Bench", kind=KIND_STAFF,
                             role="lawyer")
        client = create_user(s, email="klant@bench.nl", name="Klant Bench")
        set_password(client, PASSWORD)
        dossier = Dossier(number="2026-0001", description="Benchmarkdossier",
                          status_code="in_progress", lawyer_id=lawyer.id)
        s.add(dossier)
        s.flush()
        s.add(DossierClient(dossier_id=dossier.id, user_id=client.id))
        questionnaire = Questionnaire(title="Honderd vragen")
        s.add(questionnaire)
        s.flush()
        version = new_version(s, questionnaire, title="Honderd vragen",
                              definition=definition())
        s.flush()
        ids = []
        for _ in range(n_assignments):
            assignment = QuestionnaireAssignment(version_id=version.id, dossier_id=dossier.id,
                                                 client_id=client.id)
            s.add(assignment)
            s.flush()
            for number, step in enumerate(version.definition["steps"], 1):
                s.add(QuestionnaireAnswer(assignment_id=assignment.id, step=number,
                                          answers=answers_of(step)))
            ids.append(assignment.id)
        s.commit()
        return ids


def percentile(values, p):
    """The nearest-rank percentile: the smallest value that at least p % of the values do
    not exceed. With few runs it is the largest (5 runs: p95 is the slowest), never a value
    that 5 % or more of the runs were slower than."""
    ordered = sorted(values)
    return ordered[max(math.ceil(len(ordered) * p / 100) - 1, 0)]


def summary(label, times):
    """One line: median, p95 (nearest rank), fastest and the number of runs."""
    return (f"{label:44} median {statistics.median(times):7.1f} ms   "
            f"p95 {percentile(times, 95):7.1f} ms   min {min(times):7.1f} ms   "
            f"(n={len(times)})")


def bench_pdf(app, assignment_id, runs):
    """Render the PDF of one completed-to-be assignment `runs` times."""
    times, size = [], 0
    with app.test_request_context(), Session(app.extensions["db_engine"]) as s:
        assignment = s.get(QuestionnaireAssignment, assignment_id)
        filling = load(s, assignment)
        dossier = s.get(Dossier, assignment.dossier_id)
        client = s.get(User, assignment.client_id)
        for _ in range(runs + 2):
            started = time.perf_counter()
            with force_locale("nl"):
                data = pdf.html_to_pdf(pdf_html(s, filling, dossier, client, utcnow()))
            times.append((time.perf_counter() - started) * 1000)
            size = len(data)
    return times[2:], size


def server_ms(response):
    """The server time of a response, from its Server-Timing header."""
    return float(response.headers["Server-Timing"].split("dur=")[1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="klp-bench-q-")
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3", "SECRET_KEY": "bench",
                      "UPLOAD_FOLDER": f"{tmp}/files", "OUTBOX_FOLDER": f"{tmp}/outbox",
                      "QUERY_STATS": True, "FIRM_NAME": "Advocatenkantoor Benchmark"})
    with app.app_context():
        migrate.upgrade()
    ids = setup(app, n_assignments=1 + max(5, args.runs // 2))  # the first one for steps

    times, size = bench_pdf(app, ids[0], args.runs)
    print(summary("PDF of 100 questions (render only)", times) + f"   {size // 1024} kB")

    client = app.test_client()
    page = client.get("/inloggen").get_data(as_text=True)
    token = re.search(r'"X-CSRFToken": "([^"]+)"', page)[1]  # htmx's header: on every page
    client.post("/inloggen", data={"email": "klant@bench.nl", "password": PASSWORD,
                                   "csrf_token": token})
    step = definition()["steps"][0]
    url = f"/vragenlijsten/{ids[0]}/stap/1"
    page = client.get(url).get_data(as_text=True)
    token = re.search(r'"X-CSRFToken": "([^"]+)"', page)[1]
    revision = int(re.search(r'name="revision" value="(\d+)"', page)[1])
    for label, headers, expected in (("Step save, 10 questions (POST, 303)", {}, 303),
                                     ("Step save, 10 questions (htmx, fragment)",
                                      {"HX-Request": "true"}, 200)):
        times, queries = [], set()
        for i in range(args.runs + 3):
            answers = answers_of(step)
            answers["v0"] = f"Jan de Vries {i}"  # a change, so that the step is written
            data = {f"q_{k}": v for k, v in answers.items()}
            data["q_v2"] = "52.000,5"
            data.update(csrf_token=token, revision=str(revision), action="next")
            response = client.post(url, data=data, headers=headers)
            assert response.status_code == expected, response.status_code
            revision += 1
            if i >= 3:
                times.append(server_ms(response))
                queries.add(int(response.headers["X-Query-Count"]))
        print(summary(label, times) + f"   SQL {sorted(queries)}")

    times = []
    for assignment_id in ids[1:]:
        page = client.get(f"/vragenlijsten/{assignment_id}/overzicht").get_data(as_text=True)
        fingerprint = re.search(r'name="fingerprint" value="([^"]*)"', page)[1]
        response = client.post(f"/vragenlijsten/{assignment_id}/voltooien",
                               data={"csrf_token": token, "fingerprint": fingerprint})
        assert response.status_code == 303, response.status_code
        times.append(server_ms(response))
    print(summary("Voltooien (PDF, store, file, audit, mail)", times))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
