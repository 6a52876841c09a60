"""Benchmark of the client portal under gunicorn with a large data set.

    make bench            # or: .venv/bin/python -m bench [--small]

Prints, per page and per client (3 dossiers vs 500 dossiers), the median and p95 server
time (from the Server-Timing header) and the SQL statements per request, then the peak
memory of a worker while it streams a 1 GB download.
"""
import argparse
import http.cookiejar
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

from sqlmodel import Session

from app import create_app, migrate
from app.models import CAT_CORRESPONDENCE, Document
from app.storage import path_for, store_bytes
from bench.data import PASSWORD, generate

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Browser:
    """Just enough of a browser: cookies, CSRF token, timing headers."""

    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path, sink=False):
        with self.opener.open(self.base + path) as response:
            if sink:
                while response.read(1 << 20):
                    pass
                body = ""
            else:
                body = response.read().decode()
            return response, body

    def login(self, email):
        _, page = self.get("/inloggen")
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]
        data = urllib.parse.urlencode({"email": email, "password": PASSWORD,
                                       "csrf_token": token}).encode()
        self.opener.open(self.base + "/inloggen", data).read()

    def measure(self, path, n, sink=False):
        times, queries = [], set()
        for i in range(n + 3):
            response, _ = self.get(path, sink)
            if i < 3:
                continue  # warm-up
            times.append(float(response.headers["Server-Timing"].split("dur=")[1]))
            queries.add(int(response.headers["X-Query-Count"]))
        times.sort()
        return statistics.median(times), times[int(len(times) * 0.95) - 1], sorted(queries)


def peak_rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmHWM:\s+(\d+)", f.read())[1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", action="store_true", help="a tenth of the data, quick")
    parser.add_argument("--requests", type=int, default=100)
    args = parser.parse_args()
    scale = 10 if args.small else 1

    tmp = tempfile.mkdtemp(prefix="klp-bench-")
    env = {**os.environ, "KLP_DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
           "KLP_UPLOAD_FOLDER": f"{tmp}/files", "KLP_OUTBOX_FOLDER": f"{tmp}/outbox",
           "KLP_SECRET_KEY": "bench", "KLP_QUERY_STATS": "true"}
    config = {"DATABASE_URL": env["KLP_DATABASE_URL"], "UPLOAD_FOLDER": env["KLP_UPLOAD_FOLDER"],
              "OUTBOX_FOLDER": env["KLP_OUTBOX_FOLDER"], "SECRET_KEY": "bench"}
    app = create_app(config)
    started = time.perf_counter()
    with app.app_context():
        migrate.upgrade()
        engine = app.extensions["db_engine"]
        generate(engine, clients=1000 // scale, dossiers=5000 // scale,
                 documents=100_000 // scale, messages=50_000 // scale,
                 big_client_dossiers=500 // scale)
        with Session(engine) as session:
            key, digest, size = store_bytes(os.urandom(5 << 20))
            small = Document(dossier_id=1, category=CAT_CORRESPONDENCE, title="5 MB",
                             filename="vijf.pdf", content_type="application/pdf", size=size,
                             sha256=digest, storage_key=key)
            key, _, _ = store_bytes(b"")
            with open(path_for(key), "wb") as f:  # 1 GB, sparse: cheap to make
                f.truncate(1 << 30)
            big = Document(dossier_id=1, category=CAT_CORRESPONDENCE, title="1 GB",
                           filename="groot.bin", content_type="application/octet-stream",
                           size=1 << 30, sha256="0" * 64, storage_key=key)
            session.add_all([small, big])
            session.commit()
            small_id, big_id = small.id, big.id
    print(f"data set ready in {time.perf_counter() - started:.0f} s "
          f"(1/{scale} of the issue's size)" if scale > 1 else
          f"data set ready in {time.perf_counter() - started:.0f} s: 1,000 clients, "
          "5,000 dossiers, 100,000 documents, 50,000 messages")

    port = free_port()
    server = subprocess.Popen(
        [os.path.join(ROOT, ".venv", "bin", "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}",
         "--log-level", "warning", "wsgi:app"], cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/inloggen").read()
                break
            except OSError:
                time.sleep(0.2)
        print(f"\n{'page':34} {'client':6} {'median ms':>10} {'p95 ms':>8}  SQL/request")
        big_first = 4  # the first dossier of "groot"
        for who, dossier in (("klein", 1), ("groot", big_first)):
            browser = Browser(base)
            browser.login(f"{who}@bench.nl")
            pages = [("Home", "/"), ("Dossier list", "/dossiers"),
                     ("Dossier list, search", "/dossiers?q=omschrijving"),
                     ("Dossier list, page 2", "/dossiers?page=2"),
                     ("Dossier tab Correspondentie", f"/dossiers/{dossier}"),
                     ("Dossier tab Documenten", f"/dossiers/{dossier}/documenten"),
                     ("Dossier tab Berichten", f"/dossiers/{dossier}/berichten")]
            if who == "klein":
                pages.append(("Download 5 MB", f"/documenten/{small_id}/download"))
            for name, path in pages:
                if who == "klein" and "page=2" in path:
                    continue
                median, p95, queries = browser.measure(path, args.requests,
                                                       sink="download" in path)
                print(f"{name:34} {who:6} {median:10.1f} {p95:8.1f}  {queries}")
        workers = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True,
                                 text=True).stdout.split()
        before = {pid: peak_rss_kb(pid) for pid in workers}
        browser = Browser(base)
        browser.login("klein@bench.nl")
        started = time.perf_counter()
        browser.get(f"/documenten/{big_id}/download", sink=True)
        seconds = time.perf_counter() - started
        after = {pid: peak_rss_kb(pid) for pid in workers}
        print(f"\n1 GB download: {seconds:.1f} s; worker peak memory before/after (MB): "
              + ", ".join(f"{before[p] / 1024:.0f}/{after[p] / 1024:.0f}" for p in workers))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
