"""Benchmark of the client portal under gunicorn with a large data set.

    make bench            # or: .venv/bin/python -m bench [--small] [--big-mb 1024]

Prints, per page and per client (3 dossiers vs 500 dossiers), the median and p95 server
time (from the Server-Timing header) and the SQL statements per request; then, on a fresh
one-worker server with the size limits raised through KLP_*, the throughput and the
worker's peak memory (VmHWM) while a 1 GB message attachment is uploaded (a streamed
multipart post, as a browser sends it) and downloaded again.
"""
import argparse
import http.client
import http.cookiejar
import os
import re
import secrets
import shutil
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
from app.storage import store_bytes
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
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

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

    def cookie_header(self):
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)

    def post_file(self, path, fields, filename, size):
        """Post a form with one file of `size` bytes, streamed in 1 MB chunks (never whole
        in this process either); returns (status, Location)."""
        boundary = "klpbench" + secrets.token_hex(8)
        head = b"".join(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"'
                        f"\r\n\r\n{value}\r\n".encode() for name, value in fields.items())
        head += (f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
                 f'filename="{filename}"\r\nContent-Type: application/pdf\r\n\r\n').encode()
        tail = f"\r\n--{boundary}--\r\n".encode()
        chunk = os.urandom(1 << 20)

        def body():
            yield head
            for start in range(0, size, len(chunk)):
                yield chunk[:min(len(chunk), size - start)]
            yield tail

        host, port = urllib.parse.urlsplit(self.base).netloc.split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=1800)
        conn.request("POST", path, body=body(), headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Content-Length": str(len(head) + size + len(tail)),
            "Cookie": self.cookie_header()})
        response = conn.getresponse()
        response.read()
        conn.close()
        return response.status, response.headers.get("Location")

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


def start_server(env, workers, timeout=30):
    """gunicorn serving wsgi:app on a free port; returns (process, base URL) once it answers."""
    port = free_port()
    server = subprocess.Popen(
        [os.path.join(ROOT, ".venv", "bin", "gunicorn"), "-w", str(workers),
         "-b", f"127.0.0.1:{port}", "--timeout", str(timeout), "--log-level", "warning",
         "wsgi:app"], cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/inloggen").read()
            break
        except OSError:
            time.sleep(0.2)
    return server, base


def stop_server(server):
    server.send_signal(signal.SIGTERM)
    server.wait(30)


def big_file(env, size_mb):
    """Upload a `size_mb` attachment to a new message and download it again, on a fresh
    one-worker server; prints throughput and the worker's peak memory after each step."""
    server, base = start_server(env, workers=1, timeout=1800)
    try:
        [worker] = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True,
                                  text=True).stdout.split()
        browser = Browser(base)
        browser.login("klein@bench.nl")
        _, page = browser.get("/dossiers/1/berichten/nieuw")
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]
        baseline = peak_rss_kb(worker)
        size = size_mb << 20
        started = time.perf_counter()
        status, location = browser.post_file(
            "/dossiers/1/berichten/nieuw",
            {"csrf_token": token, "subject": "Groot bestand", "body": "Zie bijlage.",
             "action": "upload"}, "groot.pdf", size)
        upload_s = time.perf_counter() - started
        after_upload = peak_rss_kb(worker)
        assert status == 302 and "/concepten/" in location, (status, location)
        _, draft = browser.get(location)
        document_id = re.search(r"/documenten/(\d+)/download", draft)[1]
        started = time.perf_counter()
        response, _ = browser.get(f"/documenten/{document_id}/download", sink=True)
        download_s = time.perf_counter() - started
        assert int(response.headers["Content-Length"]) == size
        after_download = peak_rss_kb(worker)
    finally:
        stop_server(server)
    mb = size / (1 << 20)
    print(f"\n{size_mb} MB attachment, one gunicorn worker (peak memory VmHWM, "
          f"{baseline / 1024:.0f} MB after login):")
    print(f"  upload   {upload_s:6.1f} s  {mb / upload_s:6.0f} MB/s  "
          f"worker peak {after_upload / 1024:.0f} MB")
    print(f"  download {download_s:6.1f} s  {mb / download_s:6.0f} MB/s  "
          f"worker peak {after_download / 1024:.0f} MB")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", action="store_true", help="a tenth of the data, quick")
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--big-mb", type=int, default=1024,
                        help="size of the uploaded and downloaded attachment (0: skip)")
    args = parser.parse_args()
    scale = 10 if args.small else 1

    tmp = tempfile.mkdtemp(prefix="klp-bench-")
    env = {**os.environ, "KLP_DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
           "KLP_UPLOAD_FOLDER": f"{tmp}/files", "KLP_OUTBOX_FOLDER": f"{tmp}/outbox",
           "KLP_SECRET_KEY": "bench", "KLP_QUERY_STATS": "true",
           # Room for the big attachment: per file, per message and per request.
           "KLP_MAX_FILE_MB": str(args.big_mb + 1),
           "KLP_MAX_MESSAGE_FILES_MB": str(args.big_mb + 1),
           "KLP_MAX_CONTENT_LENGTH": str((args.big_mb + 2) << 20)}
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
            session.add(small)
            session.commit()
            small_id = small.id
    print(f"data set ready in {time.perf_counter() - started:.0f} s "
          f"(1/{scale} of the issue's size)" if scale > 1 else
          f"data set ready in {time.perf_counter() - started:.0f} s: 1,000 clients, "
          "5,000 dossiers, 100,000 documents, 50,000 messages")

    server, base = start_server(env, workers=2)
    try:
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
                     ("Dossier tab Door mij aangeleverd", f"/dossiers/{dossier}/aangeleverd"),
                     ("Dossier tab Berichten", f"/dossiers/{dossier}/berichten")]
            if who == "klein":
                pages.append(("Download 5 MB", f"/documenten/{small_id}/download"))
            for name, path in pages:
                if who == "klein" and "page=2" in path:
                    continue
                median, p95, queries = browser.measure(path, args.requests,
                                                       sink="download" in path)
                print(f"{name:34} {who:6} {median:10.1f} {p95:8.1f}  {queries}")
    finally:
        stop_server(server)
    try:
        if args.big_mb:
            big_file(env, args.big_mb)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)  # the data set and the big file
    return 0


if __name__ == "__main__":
    sys.exit(main())
