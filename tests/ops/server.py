"""A real gunicorn serving the portal on loopback, on the test's database and folders, and a
browser session over http.client that sends real parallel requests to it."""
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections import Counter

from helpers import free_port

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GUNICORN = os.path.join(os.path.dirname(sys.executable), "gunicorn")
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
FORM_KEY = re.compile(r'name="form_key" type="hidden" value="([^"]+)"')


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
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

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
    """One browser session over http.client: its cookies, CSRF token and the form key of
    the last page shown."""

    def __init__(self, port):
        self.port = port
        self.cookies = {}
        self.token = self.form_key = None

    def request(self, method, path, fields=None):
        """(status, Location) of one request; keeps cookies, CSRF token and form key."""
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if fields is not None:
            body = urllib.parse.urlencode({"csrf_token": self.token, **fields})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            content = response.read().decode()
        finally:
            conn.close()
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, value = cookie.split(";", 1)[0].partition("=")
            self.cookies[name] = value
        if match := TOKEN.search(content):
            self.token = match[1]
        self.form_key = (match := FORM_KEY.search(content)) and match[1]
        return response.status, response.headers.get("Location", "")

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
