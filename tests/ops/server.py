"""A real gunicorn serving the portal on loopback, on the test's database and folders."""
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request

from helpers import free_port

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
