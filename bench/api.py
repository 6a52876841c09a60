"""Benchmark of the API (/api/v1) under gunicorn: listing 1,000 dossiers in pages of 100 and
publishing 100 documents of 1 MB, and the SQL statements per list call on 1,000 and on
10,000 dossiers (they must be the same).

    make bench-api        # or: .venv/bin/python -m bench.api [--workers 2]

Prints Markdown tables: requests per second and per-call p50/p95 (client side), and the
statements per call (X-Query-Count, QUERY_STATS on).
"""
import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time

import requests
from sqlmodel import Session, select

from app import create_app, migrate
from app.api.keys import SCOPES, create_key
from app.models import KIND_STAFF, ROLE_ADMIN, Dossier, User
from bench.__main__ import markdown, start_server, stop_server
from bench.data import generate
from bench.questionnaire import percentile

PAGE = 100
DOCUMENTS, DOCUMENT_MB = 100, 1


def build(tmp, name, dossiers):
    """A migrated database with `dossiers` dossiers, an admin and a key with every scope;
    returns (gunicorn environment, key)."""
    folder = os.path.join(tmp, name)
    config = {"DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3", "SECRET_KEY": "bench",
              "UPLOAD_FOLDER": f"{folder}/files", "OUTBOX_FOLDER": f"{folder}/outbox",
              "API_CALLS_PER_MINUTE": 1_000_000}
    os.makedirs(folder)
    app = create_app(config)
    with app.app_context():
        migrate.upgrade()
        engine = app.extensions["db_engine"]
        generate(engine, clients=max(dossiers // 10, 10), dossiers=dossiers,
                 documents=dossiers, messages=dossiers // 2,
                 big_client_dossiers=min(500, dossiers // 10))
        with Session(engine) as session, app.test_request_context():
            admin = User(email="beheer@bench.nl", name="Beheer", kind=KIND_STAFF,
                         role=ROLE_ADMIN)
            session.add(admin)
            session.flush()
            _row, raw = create_key(session, name="Bench", scopes=list(SCOPES), acts_as=admin)
            session.commit()
    env = {**os.environ, **{f"KLP_{key}": str(value) for key, value in config.items()},
           "KLP_QUERY_STATS": "true"}
    return env, raw, app


def timed(session, method, url, **kwargs):
    started = time.perf_counter()
    response = session.request(method, url, timeout=120, **kwargs)
    elapsed = time.perf_counter() - started
    if response.status_code >= 400:
        sys.exit(f"{method} {url}: {response.status_code} {response.text[:500]}")
    return response, elapsed


def list_all(session, base):
    """Every dossier, PAGE at a time: (call times, statements per call, dossiers seen)."""
    times, counts, seen, cursor = [], [], 0, None
    while True:
        params = {"limit": PAGE, **({"cursor": cursor} if cursor else {})}
        response, elapsed = timed(session, "GET", f"{base}/api/v1/dossiers", params=params)
        times.append(elapsed)
        counts.append(int(response.headers["X-Query-Count"]))
        body = response.json()
        seen += len(body["items"])
        cursor = body["next_cursor"]
        if not cursor:
            return times, counts, seen


def publish(session, base, dossier_id):
    """DOCUMENTS documents of DOCUMENT_MB MB published one after the other: call times."""
    data = b"%PDF-1.4\n" + os.urandom((DOCUMENT_MB << 20) - 20) + b"\n%%EOF\n"
    times = []
    for n in range(DOCUMENTS):
        _response, elapsed = timed(
            session, "POST", f"{base}/api/v1/dossiers/{dossier_id}/documents",
            data={"category": "document", "title": f"Stuk {n + 1}"},
            files={"file": (f"stuk-{n + 1}.pdf", data, "application/pdf")})
        times.append(elapsed)
    return times


def row(label, times):
    total = sum(times)
    return [label, len(times), f"{len(times) / total:.1f}",
            f"{statistics.median(times) * 1000:.1f}", f"{percentile(times, 95) * 1000:.1f}"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="klp-bench-api-")
    results, statements = [], []
    try:
        for name, dossiers in (("1000", 1000), ("10000", 10_000)):
            print(f"building {dossiers} dossiers ...", file=sys.stderr)
            env, key, app = build(tmp, name, dossiers)
            server, base = start_server(env, args.workers)
            try:
                session = requests.Session()
                session.headers["Authorization"] = f"Bearer {key}"
                times, counts, seen = list_all(session, base)
                assert seen == dossiers, (seen, dossiers)
                statements.append([f"{dossiers} dossiers", len(counts),
                                   ", ".join(str(c) for c in sorted(set(counts)))])
                if dossiers == 1000:
                    for _ in range(4):  # five walks in all
                        times += list_all(session, base)[0]
                    results.append(row(f"list {dossiers} dossiers, pages of {PAGE}", times))
                    with Session(app.extensions["db_engine"]) as db:
                        first = db.exec(select(Dossier.id).order_by(Dossier.id)).first()
                    results.append(row(f"publish {DOCUMENTS} × {DOCUMENT_MB} MB",
                                       publish(session, base, first)))
            finally:
                stop_server(server)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"\n## API (gunicorn, {args.workers} sync workers, SQLite)\n")
    print(markdown(["call", "calls", "req/s", "p50 ms", "p95 ms"], results))
    print("\n## SQL statements per list call\n")
    print(markdown(["data", "calls", "statements per call"], statements))


if __name__ == "__main__":
    main()
