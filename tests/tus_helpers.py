"""Helpers of the resumable upload tests (tus 1.0, app/tus.py): the test app served on
loopback, a requests session signed in to it whose cookies and CSRF token tuspy sends, and
the protocol's requests written by hand where a test needs them exact (a body cut off, a
body still on its way)."""
import base64
import hashlib
import io
import random
import socket
import threading
import time
import urllib.parse
from contextlib import contextmanager

import requests
from helpers import PASSWORD, token_in
from tusclient.client import TusClient
from twostep_helpers import totp_code
from werkzeug.serving import make_server

VERSION = "1.0.0"
TUS = {"Tus-Resumable": VERSION}
CHUNK = "application/offset+octet-stream"


@contextmanager
def serving(app):
    """The test app on a free loopback port, a thread per request; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True, name="tus-server")
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def metadata(filename, target):
    """The Upload-Metadata header naming `filename` and `target`."""
    return ",".join(f"{key} {base64.b64encode(value.encode()).decode()}"
                    for key, value in (("filename", filename), ("target", target)))


def token_of(url):
    """The upload's token: the last part of its URL."""
    return url.rstrip("/").rsplit("/", 1)[-1]


def pdf_bytes(size, seed=0):
    """`size` bytes that pass the PDF check: a PDF header, then bytes random by `seed`."""
    head = b"%PDF-1.7\n"
    return head + random.Random(seed).randbytes(size - len(head))


def sha256(data):
    return hashlib.sha256(data).hexdigest()


class Portal:
    """A requests session signed in to the portal at `base`: a client with their password,
    staff also with their authenticator code (`totp_secret`). Every tus request carries the
    session's cookie, its CSRF token (X-CSRFToken) and Tus-Resumable."""

    def __init__(self, base, user=None, totp_secret=None, language=None):
        self.base = base
        self.http = requests.Session()
        if language:
            self.http.headers["Accept-Language"] = language
        self.token = None
        if user is not None:
            self.log_in(user.email, totp_secret)

    def url(self, path):
        return path if path.startswith("http") else self.base + path

    def log_in(self, email, totp_secret=None):
        self.token = token_in(self.http.get(self.url("/inloggen")).text)
        answer = self.post("/inloggen", {"email": email, "password": PASSWORD})
        assert answer.status_code == 302, answer.text[-2000:]
        if totp_secret:
            self.token = token_in(self.http.get(self.url(answer.headers["Location"])).text)
            answer = self.post("/inloggen/verificatie/app", {"code": totp_code(totp_secret)})
            assert answer.status_code == 302, answer.text[-2000:]
        # Logging in starts a new session, with a new CSRF token.
        self.token = token_in(self.http.get(self.url("/")).text)

    def post(self, path, fields, **kw):
        """POST a form (fields: a dict or pairs) with the CSRF token; redirects not followed."""
        pairs = list(fields.items() if isinstance(fields, dict) else fields)
        return self.http.post(self.url(path), data=[("csrf_token", self.token), *pairs],
                              allow_redirects=False, **kw)

    def cookie(self):
        return "; ".join(f"{c.name}={c.value}" for c in self.http.cookies)

    def headers(self, **extra):
        """What a tus request of this session carries, with `extra` (None drops one)."""
        headers = {**TUS, "X-CSRFToken": self.token, "Cookie": self.cookie(), **extra}
        return {name: value for name, value in headers.items() if value is not None}

    # ---- tuspy, the real client

    def tus(self):
        """tuspy's client for /uploads/ with this session."""
        return TusClient(self.url("/uploads/"),
                         headers={"X-CSRFToken": self.token, "Cookie": self.cookie()})

    def uploader(self, data, filename="brief.pdf", target=None, url=None, **kw):
        """A tuspy Uploader of `data`; with `url` one that resumes there (it asks HEAD)."""
        values = {"filename": filename, "target": target} if target else {}
        return self.tus().uploader(file_stream=io.BytesIO(data), metadata=values,
                                   url=url and self.url(url), **kw)

    def upload(self, data, filename="brief.pdf", target=None):
        """Upload `data` whole with tuspy; returns the upload's URL."""
        uploader = self.uploader(data, filename, target)
        uploader.upload()
        assert uploader.offset == len(data)
        return uploader.url

    # ---- the protocol by hand

    def request(self, method, url, headers=None, **kw):
        return self.http.request(method, self.url(url), headers=self.headers(**(headers or {})),
                                 allow_redirects=False, **kw)

    def create(self, length, filename="brief.pdf", target=None, **headers):
        """POST /uploads/: the answer (201 with a Location, or the refusal)."""
        return self.request("POST", "/uploads/", {
            "Upload-Length": str(length), "Upload-Metadata": metadata(filename, target or ""),
            **headers})

    def patch(self, url, offset, data, **headers):
        return self.request("PATCH", url, {"Content-Type": CHUNK, "Upload-Offset": str(offset),
                                           **headers}, data=data)

    def head(self, url, **headers):
        return self.request("HEAD", url, headers)

    def offset(self, url):
        answer = self.head(url)
        assert answer.status_code == 200, answer.status_code
        return int(answer.headers["Upload-Offset"])

    def wait_for_offset(self, url, offset, seconds=10):
        """HEAD until the server stands at `offset` (a cut-off request may still be
        finishing); returns what it said last."""
        deadline = time.monotonic() + seconds
        while True:
            now = self.offset(url)
            if now == offset or time.monotonic() > deadline:
                return now
            time.sleep(0.02)

    def cut_off(self, url, offset, body, length):
        """Start a PATCH at `offset` announcing `length` bytes, send only `body` and close
        the connection, as a client that lost its network (raw: no client retries it).
        Sent again while the server still finishes the PATCH before (423)."""
        parts = urllib.parse.urlsplit(self.url(url))
        for _attempt in range(50):
            with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
                sock.sendall(patch_head(parts.path, parts.netloc, self.headers(), offset,
                                        length) + body)
                sock.shutdown(socket.SHUT_WR)
                try:
                    answer = sock.recv(4096)  # the server's answer, or its closing
                except OSError:
                    answer = b""
            if not answer.startswith(b"HTTP/1.1 423"):
                return
            time.sleep(0.05)


def patch_head(path, host, headers, offset, length):
    """The request line and headers of a PATCH of `length` bytes at `offset`."""
    lines = [f"PATCH {path} HTTP/1.1", f"Host: {host}", f"Content-Type: {CHUNK}",
             f"Upload-Offset: {offset}", f"Content-Length: {length}", "Connection: close",
             *(f"{name}: {value}" for name, value in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def tus_in_process(client, csrf, data, filename, target):
    """Create an upload with the Flask test `client` and send `data` in one PATCH: (the
    answer of the creation when refused, else of the PATCH; the upload's token or None)."""
    headers = {**TUS, "X-CSRFToken": csrf}
    created = client.post("/uploads/", headers={
        **headers, "Upload-Length": str(len(data)),
        "Upload-Metadata": metadata(filename, target)})
    if created.status_code != 201:
        return created, None
    url = created.headers["Location"]
    answer = client.patch(url, data=data, headers={**headers, "Content-Type": CHUNK,
                                                   "Upload-Offset": "0"})
    return answer, token_of(url)
