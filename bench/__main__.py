"""Benchmark of the client portal under gunicorn with a large data set, in one run.

    make bench            # or: .venv/bin/python -m bench [--small] [--big-mb 1024]

Builds the issue's data set (1,000 clients, 5,000 dossiers, 100,000 documents, 50,000
messages; --small: a tenth) and one ten times smaller, serves them with gunicorn
(bench/wsgi.py: the portal plus a bare Flask "hello" at /__hello/ in the same workers), and
prints Markdown tables of:

1. per action, with a few client threads for a few seconds each: requests per second,
   client-side p50/p95 and the server's own p50 (Server-Timing), each as a ratio to the
   hello endpoint measured the same way (before and after the actions, pooled), and the
   SQL statements per request (X-Query-Count);
2. the SQL statements per page on the small and on the full data set (they must match);
3. a 1 GB message attachment uploaded and downloaded on a fresh one-worker server:
   throughput and the worker's peak memory (VmHWM) before and after;
4. the PDF of a 100-question questionnaire (render only, in-process);
5. the bytes of the first load of a dossier page (HTML and every stylesheet and script
   it links) and of a tab swap, raw and gzip-compressed at level 6 as nginx would;
6. sealing a 10 MB PDF and making the sealed receipt of an approval (bench/seal.py).
"""
import argparse
import gzip
import http.client
import http.cookiejar
import logging
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
import threading
import time
import urllib.parse
import urllib.request

from app import create_app, migrate
from bench.data import PASSWORD, add_actions, generate_scaled
from bench.questionnaire import answers_of, bench_pdf, definition, percentile
from bench.seal import run as seal_bench

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NGINX_CONF = os.path.join(ROOT, "deploy", "nginx", "klantenportaal.conf")
BIG, SMALL = "groot@bench.nl", "klein@bench.nl"  # 500 (full set) and 3 dossiers


def free_port():
    """A free TCP port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def csrf_token(page):
    """The CSRF token of a page (the form field, else htmx's header on <body>)."""
    found = (re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
             or re.search(r'"X-CSRFToken": "([^"]+)"', page))
    return found[1]


class Browser:
    """Just enough of a browser: cookies, CSRF token, timing headers."""

    def __init__(self, base):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path, sink=False, headers=None):
        """GET `path`; returns (response, body as text, or "" when `sink`)."""
        request = urllib.request.Request(self.base + path, headers=headers or {})
        with self.opener.open(request) as response:
            if sink:
                while response.read(1 << 20):
                    pass
                body = ""
            else:
                body = response.read().decode()
            return response, body

    def login(self, email):
        """Log in with the bench password."""
        _, page = self.get("/inloggen")
        data = urllib.parse.urlencode({"email": email, "password": PASSWORD,
                                       "csrf_token": csrf_token(page)}).encode()
        self.opener.open(self.base + "/inloggen", data).read()

    def cookie_header(self):
        """The cookies as one Cookie header."""
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
        first = b"%PDF-1.7\n" + chunk[9:]  # the upload check reads what the file starts with

        def body():
            yield head
            for start in range(0, size, len(chunk)):
                yield (first if start == 0 else chunk)[:min(len(chunk), size - start)]
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


class Client:
    """A logged-in client doing the benchmark's actions over raw HTTP (one connection per
    request, as gunicorn's sync workers close each one), with its own dossier, document and
    questionnaire (bench.data.add_actions), so that threads never share a step revision."""

    def __init__(self, base, email, ids):
        browser = Browser(base)
        browser.login(email)
        self.host, port = urllib.parse.urlsplit(base).netloc.split(":")
        self.port = int(port)
        self.cookie = browser.cookie_header()
        self.dossier, self.document = ids["dossier"], ids["document"]
        self.step_url = f"/vragenlijsten/{ids['assignment']}/stap/1"
        _, page = browser.get(self.step_url)
        self.token = csrf_token(page)
        self.revision = int(re.search(r'name="revision" value="(\d+)"', page)[1])
        self.sent = 0

    def send(self, method, path, form=None, headers=None):
        """One request; returns (status, headers, body length, seconds)."""
        headers = {"Cookie": self.cookie, **(headers or {})}
        body = None
        if form is not None:
            body = urllib.parse.urlencode({**form, "csrf_token": self.token}, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        length = len(response.read())
        elapsed = time.perf_counter() - started
        conn.close()
        return response.status, response.headers, length, elapsed

    def hello(self):
        return self.send("GET", "/__hello/"), 200

    def home(self):
        return self.send("GET", "/"), 200

    def dossier_list(self):
        return self.send("GET", "/dossiers"), 200

    def tab_page(self):
        return self.send("GET", f"/dossiers/{self.dossier}/documenten"), 200

    def tab_swap(self):
        return self.send("GET", f"/dossiers/{self.dossier}/documenten",
                         headers={"HX-Request": "true"}), 200

    def download(self):
        return self.send("GET", f"/documenten/{self.document}/download"), 200

    def step_save(self):
        """"Volgende" on step 1 with one answer changed, so that the step is written."""
        answers = answers_of(definition()["steps"][0])
        answers["v0"] = f"Jan de Vries {self.revision}"
        form = {f"q_{k}": v for k, v in answers.items()}
        form.update(q_v2="52.000,5", revision=str(self.revision), action="next")
        result = self.send("POST", self.step_url, form)
        self.revision += 1
        return result, 303, "/stap/2"

    def message_send(self):
        """Nieuw bericht, Versturen: a real message to the lawyer."""
        self.sent += 1
        form = {"subject": f"Vraag {self.sent}", "body": "Kunt u mij bellen? " * 10,
                "action": "send"}
        return (self.send("POST", f"/dossiers/{self.dossier}/berichten/nieuw", form), 302,
                f"/dossiers/{self.dossier}/berichten")  # not /concepten/: it was sent


ACTIONS = [("Home", "home"), ("Dossier list", "dossier_list"),
           ("Dossier tab, full page", "tab_page"), ("Dossier tab, htmx swap", "tab_swap"),
           ("Download (100 kB)", "download"), ("Questionnaire step save", "step_save"),
           ("Message send", "message_send")]


def call(client, method):
    """Do one action; returns (seconds, server ms, SQL statements), checking the status
    (and where a POST redirects to)."""
    (status, headers, _length, elapsed), expected, *location = getattr(client, method)()
    if status != expected or (location and not headers["Location"].endswith(location[0])):
        raise RuntimeError(f"{method}: HTTP {status} {headers.get('Location')}, expected "
                           f"{expected} {location}")
    timing = headers.get("Server-Timing")
    return (elapsed, float(timing.split("dur=")[1]) if timing else None,
            int(headers.get("X-Query-Count", 0)))


def load(clients, method, seconds, warmup=3):
    """Each client in its own thread does `method` over and over for `seconds` after
    `warmup` requests; returns the pooled samples and the wall time."""
    samples, lock = [], threading.Lock()
    window = {}

    def open_window():
        window["start"] = time.perf_counter()
        window["end"] = window["start"] + seconds

    ready = threading.Barrier(len(clients), action=open_window)

    def worker(client):
        for _ in range(warmup):
            call(client, method)
        ready.wait()
        own = []
        while time.perf_counter() < window["end"]:
            own.append(call(client, method))
        with lock:
            samples.extend(own)

    threads = [threading.Thread(target=worker, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return samples, time.perf_counter() - window["start"]


def summarise(samples, wall):
    """Requests per second, client p50 and p95 (ms), server p50 (ms), SQL counts."""
    client_ms = [s[0] * 1000 for s in samples]
    server_ms = [s[1] for s in samples if s[1] is not None]
    return {"rps": len(samples) / wall, "p50": statistics.median(client_ms),
            "p95": percentile(client_ms, 95),
            "server": statistics.median(server_ms) if server_ms else None,
            "sql": sorted({s[2] for s in samples}), "n": len(samples)}


def throughput(base, accounts, seconds):
    """The first table: every action under load, and hello before and after them."""
    clients = [Client(base, email, ids) for email, ids in accounts.items()]
    results = {}
    first, wall_first = load(clients, "hello", seconds)
    for name, method in ACTIONS:
        results[name] = summarise(*load(clients, method, seconds))
    last, wall_last = load(clients, "hello", seconds)
    hello = summarise(first + last, wall_first + wall_last)
    return hello, results


def sql_per_page(base, ids, repeat=3):
    """SQL statements per request of every page and action, for the client with the most
    dossiers; a page that is not there (page 2 of a short list) shows "-"."""
    client = Client(base, BIG, ids)
    dossier = client.dossier
    pages = [("Home", "/"), ("Dossier list", "/dossiers"),
             ("Dossier list, search", "/dossiers?q=omschrijving"),
             ("Dossier list, page 2", "/dossiers?page=2"),
             ("Dossier tab Correspondentie", f"/dossiers/{dossier}"),
             ("Dossier tab Documenten", f"/dossiers/{dossier}/documenten"),
             ("Dossier tab Door mij aangeleverd", f"/dossiers/{dossier}/aangeleverd"),
             ("Dossier tab Berichten", f"/dossiers/{dossier}/berichten"),
             ("Acties", "/acties")]
    counts = {}
    for name, path in pages:
        found = set()
        for _ in range(repeat):
            status, headers, _length, _elapsed = client.send("GET", path)
            found.add(int(headers["X-Query-Count"]) if status == 200 else "-")
        counts[name] = sorted(found, key=str)
    for name, method in ACTIONS[3:]:
        counts[name] = sorted({call(client, method)[2] for _ in range(repeat)})
    return counts


def nginx_gzip_level():
    """The gzip level of deploy/nginx's site (nginx's default 1 unless it sets one), or None
    without that file. The site compresses only /static/: pages carry CSRF tokens and
    personal data (BREACH), so pages, fragments and downloads go out uncompressed."""
    try:
        with open(NGINX_CONF) as f:
            conf = f.read()
    except OSError:
        return None
    level = re.search(r"^\s*gzip_comp_level\s+(\d+)", conf, re.MULTILINE)
    return int(level[1]) if level else 1


def page_bytes(base, ids):
    """Bytes of the first load of a dossier page (HTML and every stylesheet and script it
    links) and of a tab swap: raw, gzip level 6, and as deploy/nginx sends them; and
    whether the app compresses by itself."""
    browser = Browser(base)
    browser.login(BIG)
    path = f"/dossiers/{ids['dossier']}"
    response, _ = browser.get(path, sink=True, headers={"Accept-Encoding": "gzip"})
    compressed_by_app = response.headers.get("Content-Encoding") == "gzip"
    _, html = browser.get(path)
    assets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html) + re.findall(
        r'<script src="([^"]+)"', html)
    parts = [("HTML", path, html.encode())]
    for url in assets:
        _, text = browser.get(url.replace("&amp;", "&"))
        parts.append((url.split("?")[0].rsplit("/", 1)[-1], url, text.encode()))
    _, fragment = browser.get(f"{path}/documenten", headers={"HX-Request": "true"})
    swap = ("Tab swap (htmx fragment, Documenten)", path, fragment.encode())
    level = nginx_gzip_level()

    def sizes(name, url, data):
        deployed = "-" if level is None else len(
            gzip.compress(data, level) if url.startswith("/static/") else data)
        return name, len(data), len(gzip.compress(data, 6)), deployed

    return [sizes(*part) for part in parts], sizes(*swap), compressed_by_app, level


def peak_rss_kb(pid):
    """A process's peak resident memory (VmHWM) in kB."""
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmHWM:\s+(\d+)", f.read())[1])


def start_server(env, workers, timeout=30):
    """gunicorn serving bench.wsgi:app on a free port; returns (process, base URL) once it
    answers."""
    port = free_port()
    server = subprocess.Popen(
        [os.path.join(ROOT, ".venv", "bin", "gunicorn"), "-w", str(workers),
         "-b", f"127.0.0.1:{port}", "--timeout", str(timeout), "--log-level", "warning",
         "bench.wsgi:app"], cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(base + "/inloggen").read()
            break
        except OSError:
            if server.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {server.returncode}") from None
            time.sleep(0.2)
    return server, base


def stop_server(server):
    """Stop gunicorn and wait for it."""
    server.send_signal(signal.SIGTERM)
    server.wait(30)


def big_file(env, size_mb):
    """Upload a `size_mb` attachment to a new message and download it again, on a fresh
    one-worker server; returns seconds and the worker's peak memory (kB) at each step."""
    server, base = start_server(env, workers=1, timeout=1800)
    try:
        [worker] = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True,
                                  text=True).stdout.split()
        browser = Browser(base)
        browser.login(SMALL)
        _, page = browser.get("/dossiers/1/berichten/nieuw")
        baseline = peak_rss_kb(worker)
        size = size_mb << 20
        started = time.perf_counter()
        status, location = browser.post_file(
            "/dossiers/1/berichten/nieuw",
            {"csrf_token": csrf_token(page), "subject": "Groot bestand",
             "body": "Zie bijlage.", "action": "upload"}, "groot.pdf", size)
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
    return {"upload": upload_s, "download": download_s, "baseline": baseline,
            "after_upload": after_upload, "after_download": after_download}


def build(tmp, name, scale, clients):
    """A migrated, filled database and folders for 1/`scale` of the issue's data set;
    returns (gunicorn environment, in-process app, ids of add_actions)."""
    folder = os.path.join(tmp, name)
    config = {"DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3", "SECRET_KEY": "bench",
              "UPLOAD_FOLDER": f"{folder}/files", "OUTBOX_FOLDER": f"{folder}/outbox"}
    os.makedirs(folder)
    app = create_app(config)
    with app.app_context():
        migrate.upgrade()
        engine = app.extensions["db_engine"]
        generate_scaled(engine, scale)
        ids = add_actions(engine, [SMALL, BIG] + [f"klant{3 + n}@bench.nl"
                                                  for n in range(clients)])
    env = {**os.environ, **{f"KLP_{key}": value for key, value in config.items()},
           "KLP_QUERY_STATS": "true"}
    return env, app, ids


def markdown(header, rows):
    """A Markdown table (it reads as a plain table in a terminal too)."""
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def sql_text(counts):
    """SQL counts as "12", or "12, 13" when they differ between requests."""
    return ", ".join(str(c) for c in counts)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", action="store_true", help="a tenth of the data, quick")
    parser.add_argument("--threads", type=int, default=4, help="client threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--seconds", type=float, help="per action (default 10, --small 3)")
    parser.add_argument("--pdf-runs", type=int, help="(default 10, --small 3)")
    parser.add_argument("--big-mb", type=int, default=1024,
                        help="size of the uploaded and downloaded attachment (0: skip)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)  # not a line per migration, twice
    scale = 10 if args.small else 1
    seconds = args.seconds or (3 if args.small else 10)
    began = time.perf_counter()
    load_before = os.getloadavg()[0]

    tmp = tempfile.mkdtemp(prefix="klp-bench-")
    try:
        env, app, ids = build(tmp, "full", scale, args.threads)
        tenth_env, _tenth_app, tenth_ids = build(tmp, "tenth", scale * 10, 0)
        # Room for the big attachment: per file, per message and per request.
        env.update(KLP_MAX_FILE_MB=str(args.big_mb + 1),
                   KLP_MAX_MESSAGE_FILES_MB=str(args.big_mb + 1),
                   KLP_MAX_CONTENT_LENGTH=str((args.big_mb + 2) << 20))
        size = ("1,000 clients, 5,000 dossiers, 100,000 documents, 50,000 messages"
                if scale == 1 else f"1/{scale} of 1,000 clients, 5,000 dossiers, "
                "100,000 documents, 50,000 messages")
        print(f"Data set: {size}; and one ten times smaller. Ready in "
              f"{time.perf_counter() - began:.0f} s.\n")

        server, base = start_server(tenth_env, workers=1)
        try:
            tenth_sql = sql_per_page(base, tenth_ids[BIG])
        finally:
            stop_server(server)
        server, base = start_server(env, workers=args.workers)
        try:
            full_sql = sql_per_page(base, ids[BIG])
            wire, swap, compressed_by_app, level = page_bytes(base, ids[BIG])
            accounts = {email: value for email, value in ids.items()
                        if email.startswith("klant")}
            hello, results = throughput(base, accounts, seconds)
        finally:
            stop_server(server)
        big = big_file(env, args.big_mb) if args.big_mb else None
        pdf_times, pdf_size = bench_pdf(app, ids[SMALL]["assignment"],
                                        args.pdf_runs or (3 if args.small else 10))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)  # the data sets and the big file

    print(f"### Throughput: gunicorn {args.workers} sync workers, {args.threads} client "
          f"threads, {seconds:g} s per action, SQLite, {os.cpu_count()} cores\n")
    rows = [["Bare Flask hello (same gunicorn)", f"{hello['rps']:.0f}", f"{hello['p50']:.1f}",
             f"{hello['p95']:.1f}", "1", "1", "-", "0"]]
    for name, r in results.items():
        rows.append([name, f"{r['rps']:.0f}", f"{r['p50']:.1f}", f"{r['p95']:.1f}",
                     f"{r['rps'] / hello['rps']:.2f}", f"{r['p50'] / hello['p50']:.1f}",
                     f"{r['server']:.1f}", sql_text(r["sql"])])
    print(markdown(["action", "req/s", "p50 ms", "p95 ms", "req/s ÷ hello", "p50 ÷ hello",
                    "server p50 ms", "SQL/request"], rows))
    print("\np50/p95 are client-side (connect to last byte, queueing for a worker included);"
          " server p50 is the\nview's own time (Server-Timing). Two more statements now and "
          "then: a session's last-seen\ntime, written at most once a minute.")

    print(f"\n### SQL statements per request, client with the most dossiers "
          f"({500 // scale // 10} vs {500 // scale})\n")
    print(markdown(["page", "data set ÷ 10", "data set"],
                   [[name, sql_text(tenth_sql[name]), sql_text(full_sql[name])]
                    for name in full_sql]))
    same = all(tenth_sql[n] == full_sql[n] or "-" in tenth_sql[n] for n in full_sql)
    print("\nSame count on both data sets: " + ("yes" if same else "NO"))

    if big:
        mb = args.big_mb
        print(f"\n### {mb} MB message attachment, one gunicorn worker\n")
        print(markdown(["step", "seconds", "MB/s", "worker peak memory (VmHWM)"], [
            ["logged in, before", "-", "-", f"{big['baseline'] / 1024:.0f} MB"],
            ["upload (streamed multipart)", f"{big['upload']:.1f}",
             f"{mb / big['upload']:.0f}", f"{big['after_upload'] / 1024:.0f} MB"],
            ["download", f"{big['download']:.1f}", f"{mb / big['download']:.0f}",
             f"{big['after_download'] / 1024:.0f} MB"]]))

    print("\n### PDF of a 100-question questionnaire (xhtml2pdf, render only)\n")
    print(markdown(["runs", "median ms", "p95 ms", "size"],
                   [[len(pdf_times), f"{statistics.median(pdf_times):.0f}",
                     f"{percentile(pdf_times, 95):.0f}", f"{pdf_size // 1024} kB"]]))

    print("\n### Bytes on the wire, first load of a dossier page and a tab swap\n")
    total = [sum(r[i] for r in wire) if all(r[i] != "-" for r in wire) else "-"
             for i in (1, 2, 3)]
    print(markdown(["what", "bytes", "gzip -6", f"deploy/nginx (gzip -{level})"],
                   [[name, *(f"{n:,}" if n != "-" else n for n in numbers)]
                    for name, *numbers in [*wire, ["First load, total", *total], swap]]))
    print("\nThe app compresses nothing itself (" + ("it did here!" if compressed_by_app else
          "no Content-Encoding with Accept-Encoding: gzip") + ").")
    if level is not None:
        print(f"deploy/nginx compresses /static/ only, at gzip level {level}; pages, fragments"
              " and the firm's\nstylesheet (served by the app) go out uncompressed (BREACH: "
              "they carry CSRF tokens).")
    print()
    seal_bench()  # Ter goedkeuring: a 10 MB PDF sealed, and the sealed receipt
    print(f"\nWhole run: {time.perf_counter() - began:.0f} s; load average (1 min) "
          f"{load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
