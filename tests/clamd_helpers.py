"""A real ClamAV clamd for tests: Debian's daemon on a Unix socket in a folder of its own,
loaded with a signature database the tests write for the EICAR test file (the official
databases cannot be downloaded here)."""
import hashlib
import os
import shutil
import socket
import subprocess
import tempfile
import time

from helpers import skip_unless_ci

CLAMD = "/usr/sbin/clamd"
START_TIMEOUT = 30  # seconds; the two-signature database loads in well under one
# The names clamd reports: our own signatures are "unofficial", so it adds that.
WHOLE_FILE = "KLP.Test.EICAR"  # the MD5 of the test file (.hdb)
ANYWHERE = "KLP.Test.EICAR-Inside"  # its bytes anywhere in a file, a PDF or a zip (.ndb)
FOUND = (f"{WHOLE_FILE}.UNOFFICIAL", f"{ANYWHERE}.UNOFFICIAL")


def eicar():
    """The EICAR anti-virus test file, put together at run time: no file of the repository
    holds it whole, or a scanner on a developer's machine would quarantine this one."""
    parts = ("X5O!P%@AP[4\\PZX54(P^)7CC)7}$", "EICAR-STANDARD-", "ANTIVIRUS-", "TEST-FILE!",
             "$H+H*")
    return "".join(parts).encode("ascii")


def missing(reason):
    """Skip on a developer's machine, but never let CI pass by skipping."""
    skip_unless_ci(reason, "the real clamd tests")


def ping(path, timeout=1.0):
    """True when a clamd answers PING on the Unix socket at `path`."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(timeout)
            sock.connect(path)
            sock.sendall(b"zPING\0")
            return sock.recv(64).rstrip(b"\0") == b"PONG"
    except OSError:
        return False


class Clamd:
    """One clamd process with a configuration, database, socket and log of its own in a
    new temporary folder: start(), then `socket`; stop() ends it, close() removes the
    folder. The configuration names no user and no TCP port: it runs as whoever runs the
    tests, reachable only through its socket."""

    def __init__(self):
        self.folder = tempfile.mkdtemp(prefix="klp-clamd-")  # short: a socket path is <108
        self.socket = os.path.join(self.folder, "clamd.sock")
        self.log = os.path.join(self.folder, "clamd.log")
        self.output = os.path.join(self.folder, "clamd.out")
        self.config = os.path.join(self.folder, "clamd.conf")
        self.process = None
        database = os.path.join(self.folder, "db")
        os.mkdir(database)
        test_file = eicar()
        with open(os.path.join(database, "klp.hdb"), "w") as f:
            f.write(f"{hashlib.md5(test_file).hexdigest()}:{len(test_file)}:{WHOLE_FILE}\n")
        with open(os.path.join(database, "klp.ndb"), "w") as f:
            f.write(f"{ANYWHERE}:0:*:{test_file.hex()}\n")
        with open(self.config, "w") as f:
            f.write(f"LocalSocket {self.socket}\nFixStaleSocket yes\nForeground yes\n"
                    f"DatabaseDirectory {database}\nTemporaryDirectory {self.folder}\n"
                    f"LogFile {self.log}\nLogTime yes\nSelfCheck 0\n"
                    # The largest upload of the tests, with room: as MAX_FILE_MB in use.
                    "StreamMaxLength 200M\n")

    def start(self):
        """Run clamd and wait until it answers PING (at most START_TIMEOUT seconds)."""
        # Its output goes to a file: a pipe nobody reads would stop it once full.
        with open(self.output, "ab") as output:
            self.process = subprocess.Popen([CLAMD, f"--config-file={self.config}"],
                                            stdin=subprocess.DEVNULL, stdout=output,
                                            stderr=subprocess.STDOUT)
        deadline = time.monotonic() + START_TIMEOUT
        while not ping(self.socket, timeout=0.5):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"clamd did not start in {START_TIMEOUT} s:\n"
                                   f"{self.tail(self.output)}{self.tail(self.log)}")
            time.sleep(0.05)
        return self

    def stop(self):
        """End clamd (SIGTERM, then SIGKILL after 10 seconds) and wait for it."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def close(self):
        """Stop clamd and remove its folder."""
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    @staticmethod
    def tail(path, lines=20):
        """The last lines of clamd's output or log, for a failure's message."""
        try:
            with open(path, errors="replace") as f:
                return "".join(f.readlines()[-lines:])
        except OSError:
            return ""


def start_clamd():
    """A started Clamd, or a skip (a failure in CI) when clamd is not installed."""
    if not os.access(CLAMD, os.X_OK):
        missing(f"{CLAMD} not installed: apt-get install clamav-daemon")
    clamd = Clamd()
    try:
        return clamd.start()
    except BaseException:
        clamd.close()
        raise
