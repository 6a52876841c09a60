"""Benchmark of Ter goedkeuring's evidence: sealing a 10 MB PDF with the firm's seal and
making the sealed receipt of its approval, together (the issue's target: under 1 s).

    .venv/bin/python -m bench.seal [--runs 10] [--mb 10]      # also part of `make bench`

In-process, on a temporary SQLite database, with a demo seal (an EC P-256 key, as
`make run` makes).
"""
import argparse
import io
import os
import tempfile
import time

from sqlmodel import Session

from app import approvals, create_app, migrate, seal
from app.demo import default_statuses
from app.models import (
    CAT_DOCUMENT,
    KIND_STAFF,
    ApprovalDecision,
    Document,
    Dossier,
    DossierClient,
    User,
)
from app.storage import store_bytes
from bench.questionnaire import summary


def big_pdf(megabytes):
    """A valid one-page PDF of about `megabytes` MB (an unused image of random bytes)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.writer import PdfFileWriter
    writer = PdfFileWriter()
    data = os.urandom(megabytes * 1024 * 1024)
    image = writer.add_object(generic.StreamObject({
        generic.NameObject("/Type"): generic.NameObject("/XObject"),
        generic.NameObject("/Subtype"): generic.NameObject("/Image"),
        generic.NameObject("/Width"): generic.NumberObject(1024),
        generic.NameObject("/Height"): generic.NumberObject(len(data) // 3072),
        generic.NameObject("/ColorSpace"): generic.NameObject("/DeviceRGB"),
        generic.NameObject("/BitsPerComponent"): generic.NumberObject(8)}, stream_data=data))
    writer.insert_page(generic.DictionaryObject({
        generic.NameObject("/Type"): generic.NameObject("/Page"),
        generic.NameObject("/MediaBox"): generic.ArrayObject(
            [generic.NumberObject(n) for n in (0, 0, 595, 842)]),
        generic.NameObject("/Resources"): generic.DictionaryObject({
            generic.NameObject("/XObject"): generic.DictionaryObject(
                {generic.NameObject("/Im0"): image})})}))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def setup(app, megabytes):
    """A client, a lawyer, a dossier and an approval decision on a stored big PDF."""
    with app.app_context(), Session(app.extensions["db_engine"]) as db:
        default_statuses(db)
        lawyer = User(email="jansen@kantoor.nl", name="mr. Jansen", kind=KIND_STAFF,
                      role="lawyer")
        client = User(email="jan@example.nl", name="Jan de Vries")
        db.add_all([lawyer, client])
        db.flush()
        dossier = Dossier(number="2026-0142", description="Aankoop woning",
                          status_code="in_progress", lawyer_id=lawyer.id)
        db.add(dossier)
        db.flush()
        db.add(DossierClient(dossier_id=dossier.id, user_id=client.id))
        data = big_pdf(megabytes)
        key, digest, size = store_bytes(data)
        document = Document(dossier_id=dossier.id, category=CAT_DOCUMENT, title="Concept",
                            filename="concept.pdf", content_type="application/pdf",
                            size=size, sha256=digest, storage_key=key)
        db.add(document)
        db.flush()
        with app.test_request_context():
            approval = approvals.new_approval(db, dossier=dossier, client=client,
                                              sent_by=lawyer, document=document,
                                              title="Concept akte")
            decision = approvals.decide(db, client, approval, approval.versions[0].id, True,
                                        confirmed_with="password")
        db.commit()
        return decision.id, data


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--mb", type=int, default=10)
    args = parser.parse_args()
    run(args.runs, args.mb)


def run(runs=10, megabytes=10):
    """Print the time to seal a `megabytes` MB PDF, to make the sealed receipt, and both."""
    folder = tempfile.mkdtemp(prefix="klp-bench-seal-")
    app = create_app({"DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
                      "UPLOAD_FOLDER": os.path.join(folder, "files"),
                      "SEAL_PKCS12_FILE": os.path.join(folder, "seal.p12"),
                      "SECRET_KEY": "bench"})
    with app.app_context():
        migrate.upgrade()
    seal.make_demo_seal(os.path.join(folder, "seal.p12"), "Kantoor")
    decision_id, data = setup(app, megabytes)
    sealing, receipts, together = [], [], []
    with app.test_request_context(), Session(app.extensions["db_engine"]) as db:
        decision = db.get(ApprovalDecision, decision_id)
        seal.seal(data, "warm-up")
        for _ in range(runs):
            start = time.perf_counter()
            seal.seal(data, "bench")
            middle = time.perf_counter()
            approvals.receipt_pdf(db, decision)
            end = time.perf_counter()
            sealing.append((middle - start) * 1000)
            receipts.append((end - middle) * 1000)
            together.append((end - start) * 1000)
    print(f"### Ter goedkeuring: sealing ({len(data) / 1e6:.1f} MB PDF) and the receipt")
    print(summary(f"seal a {megabytes} MB PDF", sealing))
    print(summary("receipt (render and seal)", receipts))
    print(summary("both together (target: < 1000 ms)", together))


if __name__ == "__main__":
    main()
