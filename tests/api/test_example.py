"""The example integration of docs/api.md, run as written against a real server: it creates
a client and a dossier, publishes a PDF and reads the download state."""
import os
import subprocess
import sys

from sqlmodel import select

from app.models import Document, DocumentDownload, Dossier, User

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXAMPLE = os.path.join(ROOT, "docs", "examples", "api_example.py")


def run_example(server, key, pdf, run="run1"):
    env = {**os.environ, "KLP_URL": server, "KLP_API_KEY": key, "KLP_RUN": run}
    return subprocess.run([sys.executable, EXAMPLE, str(pdf)], env=env, capture_output=True,
                          text=True, timeout=120)


def test_the_example_integration_runs(server, api_for, staff, session, tmp_path):
    key = api_for(staff.lawyer).raw
    pdf = tmp_path / "concept.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    done = run_example(server, key, pdf)
    assert done.returncode == 0, done.stderr
    assert "not downloaded yet" in done.stdout
    client = session.exec(select(User).where(User.email == "jan.run1@example.nl")).one()
    dossier = session.exec(select(Dossier).where(Dossier.number == "2026-run1")).one()
    assert dossier.lawyer_id == staff.lawyer.id
    document = session.exec(select(Document).where(Document.dossier_id == dossier.id)).one()
    assert document.title == "Concept koopakte"
    assert session.exec(select(DocumentDownload)).all() == []
    # Run again (a retry after a network error): the same records, nothing twice.
    again = run_example(server, key, pdf)
    assert again.returncode == 0, again.stderr
    assert session.exec(select(Document).where(Document.dossier_id == dossier.id)).all() \
        == [document]
    assert len(session.exec(select(User).where(User.email == client.email)).all()) == 1
