"""An optional virus scan of every upload by ClamAV's clamd (INSTREAM over its socket)."""
import socket

from flask import current_app

CHUNK_SIZE = 64 * 1024  # well below clamd's default StreamMaxLength and socket buffers
MAX_REPLY = 4096
PING_TIMEOUT = 2  # seconds: the staff start page asks, and must not wait long


class ScanError(Exception):
    """clamd could not be reached or gave no verdict."""


def configured():
    """True when a clamd socket or host is set."""
    config = current_app.config
    return bool(config.get("CLAMD_SOCKET") or config.get("CLAMD_HOST"))


def _connect(timeout=None):
    """A connected socket to clamd, with `timeout` or else the configured one."""
    config = current_app.config
    if timeout is None:
        timeout = config.get("CLAMD_TIMEOUT", 60)
    if config.get("CLAMD_SOCKET"):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        try:
            sock.connect(config["CLAMD_SOCKET"])
        except BaseException:
            sock.close()
            raise
        return sock
    return socket.create_connection((config["CLAMD_HOST"], int(config["CLAMD_PORT"])),
                                    timeout=timeout)


def available():
    """True when the configured clamd answers PING (within PING_TIMEOUT seconds)."""
    try:
        with _connect(PING_TIMEOUT) as sock:
            sock.sendall(b"zPING\0")
            return _read_reply(sock) == "PONG"
    except OSError:
        return False


def scan_file(path):
    """None when clamd finds the file at `path` clean, else the name of what it found.
    Raises ScanError when there is no verdict."""
    try:
        with _connect() as sock, open(path, "rb") as f:
            sock.sendall(b"zINSTREAM\0")
            while chunk := f.read(CHUNK_SIZE):
                sock.sendall(len(chunk).to_bytes(4, "big") + chunk)
            sock.sendall(b"\0\0\0\0")
            reply = _read_reply(sock)
    except OSError as error:  # refused, unreachable, timed out, or closed on us
        raise ScanError(f"clamd: {error.__class__.__name__}: {error}") from error
    return verdict(reply)


def _read_reply(sock):
    """clamd's answer up to its NUL (or until it closes)."""
    reply = b""
    while b"\0" not in reply and len(reply) < MAX_REPLY:
        data = sock.recv(MAX_REPLY)
        if not data:
            break
        reply += data
    return reply.split(b"\0", 1)[0].decode("utf-8", "replace").strip()


def verdict(reply):
    """None for "stream: OK", the signature for "stream: <signature> FOUND"; else
    ScanError (an ERROR line, an empty or a garbled answer)."""
    if reply == "stream: OK":
        return None
    if reply.startswith("stream: ") and reply.endswith(" FOUND"):
        return reply[len("stream: "):-len(" FOUND")].strip() or "unknown"
    raise ScanError(f"clamd gave no verdict: {reply[:200]!r}")
