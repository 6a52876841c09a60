"""A 1 GB resumable upload (tus, app/tus.py) against `cp` of the same file, in one run.

    make bench-upload    # or: .venv/bin/python -m bench.upload [--mb 1024] [--block-kb N]
                         #                                  [--folder DIR]

Writes a file of random bytes (a PDF by its first bytes), copies it with `cp` twice (the
second counts, the first may still meet a cold cache; both are shown, each copy removed
again), then starts gunicorn with one sync worker on loopback, logs a client in, creates an
upload and sends the whole file in one PATCH from a client that is not the bottleneck
(socket.sendfile: the kernel copies the file to the socket). Prints cp's and the upload's
MB/s and their ratio, the worker's memory (VmRSS before and after, the peak polled during
the upload and VmHWM) and its CPU time. Exits 1 when the upload reaches less than
MIN_RATIO of cp's throughput or the worker's memory grew by more than MAX_GROWTH_MB
(issue 21: at least 30 %, memory flat).
"""
import argparse
import hashlib
import http.client
import logging
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from base64 import b64encode

from sqlmodel import Session, select
from werkzeug.security import generate_password_hash

from app import create_app, migrate
from app.demo import default_statuses
from app.invitations import create_user
from app.models import Dossier, DossierClient, FirmSettings, Upload, utcnow
from bench.__main__ import Browser, csrf_token, markdown, start_server, stop_server
from bench.data import PASSWORD

MB = 1024 * 1024
MIN_RATIO = 0.30  # the upload's MB/s as a share of cp's
FLAT_MB = 50  # "memory flat": the worker's peak grows by less than this
MAX_GROWTH_MB = 100  # past this the run fails
EMAIL = "upload@bench.nl"


def write_source(path, size):
    """`size` random bytes that start as a PDF; returns their SHA-256."""
    digest, block = hashlib.sha256(), os.urandom(16 * MB)
    with open(path, "wb") as f:
        left = size
        while left > 0:
            data = block[:min(left, len(block))]
            if left == size:
                data = b"%PDF-1.7\n" + data[9:]
            f.write(data)
            digest.update(data)
            left -= len(data)
            block = block[1:] + block[:1]  # not the same 16 MB over and over
    return digest.hexdigest()


def time_cp(source, target):
    """Seconds of one `cp` (the copy removed afterwards)."""
    started = time.perf_counter()
    subprocess.run(["cp", source, target], check=True)
    seconds = time.perf_counter() - started
    os.remove(target)
    return seconds


def build(folder, size):
    """A migrated SQLite database in `folder` with one client and their dossier, the firm's
    limits room for `size` bytes; returns (gunicorn environment, app, dossier id)."""
    config = {"DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3", "SECRET_KEY": "bench",
              "UPLOAD_FOLDER": f"{folder}/files", "OUTBOX_FOLDER": f"{folder}/outbox"}
    app = create_app(config)
    megabytes = size // MB + 1
    with app.app_context():
        migrate.upgrade()
        with Session(app.extensions["db_engine"]) as s:
            default_statuses(s)
            client = create_user(s, email=EMAIL, name="Upload Bench")
            client.password_hash = generate_password_hash(PASSWORD, method="scrypt:1024:8:1")
            client.first_login_at = utcnow()
            dossier = Dossier(number="B-0001", description="Groot bestand",
                              status_code="in_progress")
            s.add(dossier)
            s.flush()
            s.add(DossierClient(dossier_id=dossier.id, user_id=client.id))
            # A client's limits: the largest file and the day's quota take the whole file.
            s.add(FirmSettings(max_file_mb=megabytes, max_message_mb=megabytes,
                               upload_mb_per_day=2 * megabytes))
            s.commit()
            dossier_id = dossier.id
    env = {**os.environ, **{f"KLP_{key}": value for key, value in config.items()}}
    return env, app, dossier_id


def status_kb(pid, field):
    """A field of /proc/<pid>/status in kB (VmRSS, VmHWM)."""
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(rf"{field}:\s+(\d+)", f.read())[1])


def cpu_seconds(pid):
    """User and system CPU time of a process so far."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Watch:
    """The largest VmRSS of `pid`, polled every 20 ms in a thread until stop()."""

    def __init__(self, pid):
        self.pid, self.peak, self.running = pid, status_kb(pid, "VmRSS"), True
        self.thread = threading.Thread(target=self.poll, daemon=True)
        self.thread.start()

    def poll(self):
        while self.running:
            self.peak = max(self.peak, status_kb(self.pid, "VmRSS"))
            time.sleep(0.02)

    def stop(self):
        self.running = False
        self.thread.join()
        return self.peak


def tus_headers(browser, token):
    return {"Cookie": browser.cookie_header(), "X-CSRFToken": token, "Tus-Resumable": "1.0.0"}


def create_upload(base, browser, token, size, dossier_id):
    """POST /uploads/ for the file; returns the upload's path."""
    host, port = urllib.parse.urlsplit(base).netloc.split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=60)
    metadata = ",".join(f"{key} {b64encode(value.encode()).decode()}" for key, value in
                        (("filename", "groot.pdf"), ("target", f"message:{dossier_id}")))
    conn.request("POST", "/uploads/", headers={**tus_headers(browser, token),
                                               "Upload-Length": str(size),
                                               "Upload-Metadata": metadata})
    response = conn.getresponse()
    response.read()
    conn.close()
    if response.status != 201:
        raise RuntimeError(f"creating the upload: HTTP {response.status}")
    return response.headers["Location"]


def patch_whole(base, browser, token, url, source, size):
    """One PATCH of the whole file with socket.sendfile; returns (status, Upload-Offset)."""
    host, port = urllib.parse.urlsplit(base).netloc.split(":")
    head = [f"PATCH {url} HTTP/1.1", f"Host: {host}:{port}",
            "Content-Type: application/offset+octet-stream", "Upload-Offset: 0",
            f"Content-Length: {size}", "Connection: close",
            *(f"{k}: {v}" for k, v in tus_headers(browser, token).items())]
    with socket.create_connection((host, int(port)), timeout=1800) as sock, \
            open(source, "rb") as f:
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode("latin-1"))
        sock.sendfile(f)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    status = int(answer.split(b" ", 2)[1])
    offset = re.search(rb"(?i)\r\nUpload-Offset: (\d+)", answer)
    return status, int(offset[1]) if offset else None


def upload(env, dossier_id, source, size):
    """The upload on a fresh one-worker gunicorn: seconds, the worker's memory and CPU."""
    server, base = start_server(env, workers=1, timeout=1800)
    try:
        [worker] = [int(pid) for pid in subprocess.run(
            ["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()]
        browser = Browser(base)
        browser.login(EMAIL)
        _, page = browser.get(f"/dossiers/{dossier_id}/berichten/nieuw")
        token = csrf_token(page)
        url = create_upload(base, browser, token, size, dossier_id)
        before = {"rss": status_kb(worker, "VmRSS"), "hwm": status_kb(worker, "VmHWM"),
                  "cpu": cpu_seconds(worker)}
        watch = Watch(worker)
        started = time.perf_counter()
        status, offset = patch_whole(base, browser, token, url, source, size)
        seconds = time.perf_counter() - started
        peak = watch.stop()
        after = {"rss": status_kb(worker, "VmRSS"), "hwm": status_kb(worker, "VmHWM"),
                 "cpu": cpu_seconds(worker)}
        if status != 204 or offset != size:
            raise RuntimeError(f"the PATCH: HTTP {status}, Upload-Offset {offset}")
    finally:
        stop_server(server)
    return {"seconds": seconds, "before": before, "after": after, "peak": peak,
            "token": url.rsplit("/", 1)[-1]}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=int, default=1024, help="size of the file (MB)")
    parser.add_argument("--block-kb", type=int,
                        help="TUS_BLOCK_BYTES in kB for this run (default: the app's)")
    parser.add_argument("--folder", help="where the file, its copy and the server's files "
                        "go (one file system; default: a new folder in the temporary one)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)  # not a line per migration
    size = args.mb * MB
    tmp = tempfile.mkdtemp(prefix="klp-bench-upload-", dir=args.folder)
    load_before = os.getloadavg()[0]
    try:
        source = os.path.join(tmp, "groot.pdf")
        digest = write_source(source, size)
        cp = [time_cp(source, os.path.join(tmp, "kopie.pdf")) for _ in range(2)]
        env, app, dossier_id = build(tmp, size)
        if args.block_kb:
            env["KLP_TUS_BLOCK_BYTES"] = str(args.block_kb * 1024)
        result = upload(env, dossier_id, source, size)
        with app.app_context(), Session(app.extensions["db_engine"]) as s:
            row = s.exec(select(Upload).where(Upload.token == result["token"])).one()
            stored = os.path.getsize(os.path.join(tmp, "files", "tus", row.token))
        app.extensions["db_engine"].dispose()
        if row.sha256 != digest or stored != size or row.finished_at is None:
            raise RuntimeError("the uploaded file is not the file sent")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    cp_rate = [args.mb / seconds for seconds in cp]
    up_rate = args.mb / result["seconds"]
    ratio = up_rate / cp_rate[1]
    before, after = result["before"], result["after"]
    peak_kb = max(result["peak"], after["hwm"])
    growth_mb = (peak_kb - before["rss"]) / 1024
    cpu = after["cpu"] - before["cpu"]
    print(f"### {args.mb} MB: cp, and a resumable upload (one PATCH) to one gunicorn sync "
          f"worker on loopback\n")
    print(markdown(["step", "seconds", "MB/s", "÷ cp (2nd)"], [
        ["cp, first", f"{cp[0]:.2f}", f"{cp_rate[0]:.0f}", f"{cp_rate[0] / cp_rate[1]:.2f}"],
        ["cp, second", f"{cp[1]:.2f}", f"{cp_rate[1]:.0f}", "1.00"],
        ["tus PATCH (written, hashed, checked)", f"{result['seconds']:.2f}", f"{up_rate:.0f}",
         f"{ratio:.2f}"]]))
    print()
    print(markdown(["worker", "MB"], [
        ["VmRSS before the PATCH", f"{before['rss'] / 1024:.0f}"],
        ["VmRSS after", f"{after['rss'] / 1024:.0f}"],
        ["peak (VmRSS polled every 20 ms, VmHWM)", f"{peak_kb / 1024:.0f}"],
        ["peak − before", f"{growth_mb:.0f}"]]))
    print(f"\nWorker CPU during the PATCH: {cpu:.2f} s ({args.mb / cpu:.0f} MB per CPU "
          f"second; wall {result['seconds']:.2f} s). SHA-256 of the upload = the file's: yes."
          f"\nLoad average (1 min) {load_before:.1f} at the start, {os.getloadavg()[0]:.1f} "
          f"at the end, {os.cpu_count()} cores.")
    passed = ratio >= MIN_RATIO and growth_mb <= MAX_GROWTH_MB
    print(f"\nUpload at {ratio:.0%} of cp (target ≥ {MIN_RATIO:.0%}); memory "
          f"{'flat' if growth_mb < FLAT_MB else 'NOT flat'} (+{growth_mb:.0f} MB, at most "
          f"{MAX_GROWTH_MB}): {'PASSED' if passed else 'FAILED'}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
