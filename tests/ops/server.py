"""A real gunicorn serving the portal on loopback, on the test's database and folders, and a
browser session over http.client that sends real parallel requests (and files) to it."""
import http.client
import json
import os
import secrets
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections import Counter

from helpers import PASSWORD, free_port, hidden_value, token_in
from twostep_helpers import totp_code

from bench.load import terminate

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GUNICORN = os.path.join(os.path.dirname(sys.executable), "gunicorn")


class Gunicorn:
    """`gunicorn -w N wsgi:app` with the app's settings given as KLP_* variables.

    `settings` are config keys (DATABASE_URL, UPLOAD_FOLDER, ...); each becomes KLP_<key>,
    JSON-encoded unless it is a string, which is how create_app() reads them back.
    """

    def __init__(self, settings, workers=4, timeout=30, args=()):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        for key, value in settings.items():
            env[f"KLP_{key}"] = value if isinstance(value, str) else json.dumps(value)
        self.process = subprocess.Popen(
            [GUNICORN, "-w", str(workers), "-b", f"127.0.0.1:{self.port}",
             "--timeout", str(timeout), "--graceful-timeout", "5",
             "--log-level", "warning", *args, "wsgi:app"],
            cwd=ROOT, env=env)
        self._wait_until_up()

    def _wait_until_up(self, seconds=30):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}")
            try:
                urllib.request.urlopen(self.base + "/inloggen", timeout=5).read()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not answer within 30 s")

    def workers(self):
        """The process ids of the current workers (the master restarts killed ones)."""
        out = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True,
                             text=True).stdout
        return [int(pid) for pid in out.split()]

    def stop(self):
        terminate(self.process, 15)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def threaded(database_url, folder):
    """4 workers of 4 threads on `database_url`, with their files under `folder`: the server
    the race tests send their parallel requests to."""
    settings = {"DATABASE_URL": database_url, "SECRET_KEY": "test-secret",
                "UPLOAD_FOLDER": str(folder / "files"), "OUTBOX_FOLDER": str(folder / "outbox")}
    return Gunicorn(settings, workers=4, args=["--preload", "--threads", "4"])


class Browser:
    """One browser session over http.client: its cookies, CSRF token, and the page and form
    key of the last answer. Redirects are returned, not followed."""

    def __init__(self, port, timeout=60):
        self.port, self.timeout = port, timeout
        self.cookies = {}
        self.token = self.form_key = self.page = None

    def request(self, method, path, fields=None, files=None):
        """(status, Location) of one request, its body kept in `page`. `fields` ({name: value}
        or pairs) go with the CSRF token, as multipart/form-data when `files` is given (a
        list of (field, filename, data), perhaps empty). Raises OSError or HTTPException
        when the server's worker dies under it."""
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if fields is not None or files is not None:
            pairs = [("csrf_token", self.token),
                     *(fields.items() if isinstance(fields, dict) else fields or ())]
            if files is None:
                body = urllib.parse.urlencode(pairs)
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            else:
                body, headers["Content-Type"] = multipart(pairs, files)
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            self.page = response.read().decode()
        finally:
            conn.close()
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, value = cookie.split(";", 1)[0].partition("=")
            self.cookies[name] = value
        self.token = token_in(self.page) or self.token
        self.form_key = hidden_value(self.page, "form_key")
        return response.status, response.headers.get("Location", "")

    def log_in(self, email, password=PASSWORD, totp_secret=None):
        """Open the login page and send the password (and for `totp_secret` the
        authenticator code): each answer must be a redirect; returns where the last one
        leads (the second step's page when the account has a method on)."""
        self.request("GET", "/inloggen")
        status, location = self.request("POST", "/inloggen",
                                        {"email": email, "password": password})
        assert status == 302, (status, location)
        if totp_secret:
            self.request("GET", location)
            status, location = self.request("POST", "/inloggen/verificatie/app",
                                            {"code": totp_code(totp_secret)})
            assert status == 302, (status, location)
        return location

    def at_once(self, count, path, fields):
        """POST `fields` to `path` `count` times at the same moment, each with this session's
        cookies and token as the page left them: [(status, Location)]."""
        barrier, answers = threading.Barrier(count), []

        def post():
            other = Browser(self.port)
            other.cookies, other.token = dict(self.cookies), self.token
            barrier.wait()
            answers.append(other.request("POST", path, fields))

        threads = [threading.Thread(target=post) for _ in range(count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        return answers

    def statuses_at_once(self, count, path, fields):
        """at_once, counted by status: Counter({status: how many})."""
        return Counter(status for status, _location in self.at_once(count, path, fields))


def multipart(fields, files):
    """A multipart/form-data body of `fields` (pairs) and `files` ((field, filename, data)
    of PDFs), and its Content-Type."""
    boundary = "klp" + secrets.token_hex(8)
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
             f'{value}\r\n'.encode() for name, value in fields]
    for name, filename, data in files:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                     f'filename="{filename}"\r\nContent-Type: application/pdf\r\n\r\n'
                     .encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"
