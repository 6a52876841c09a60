"""deploy/ as written: Debian's nginx with deploy/nginx/klantenportaal.conf in front of a
real gunicorn with deploy/gunicorn.conf.py and the settings of deploy/config.py. A client
logs in over TLS, static files, a download and a sandboxed preview come from nginx itself
(X-Accel-Redirect), uploads go through up to the limit, past which the portal itself says
why, and a resumable upload reaches the app as it arrives, is cut off and resumed."""
import hashlib
import http.client
import io
import os
import re
import runpy
import shutil
import socket
import ssl
import subprocess
import time
import urllib.parse

import pytest
from helpers import PASSWORD, free_port, token_in
from sample_files import PDF
from sqlmodel import select
from tus_helpers import CHUNK, TUS, metadata, pdf_bytes
from tusclient.client import TusClient

from app import security, storage
from app.config import Default
from app.models import AuditEvent, Document, DocumentDownload, Upload
from bench.load import terminate

from .server import ROOT, Gunicorn

NGINX = "/usr/sbin/nginx"
DEPLOY = os.path.join(ROOT, "deploy")
SITE = os.path.join(DEPLOY, "nginx", "klantenportaal.conf")
MB = 1024 * 1024


def _missing(reason):
    """Skip on a developer's machine, but never let CI pass by skipping."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (the nginx tests must not skip in CI)", pytrace=False)
    pytest.skip(reason)


def site_text():
    with open(SITE) as f:
        return f.read()


def production_config():
    """The settings deploy/config.py sets."""
    values = runpy.run_path(os.path.join(DEPLOY, "config.py"))
    return {key: value for key, value in values.items() if key.isupper()}


def nginx_size(value):
    """An nginx size ("251m") in bytes."""
    units = {"k": 1024, "m": MB, "g": 1024 * MB}
    return int(value[:-1]) * units[value[-1]] if value[-1] in units else int(value)


def directive(text, name):
    """The values of every `name ...;` line of the site file."""
    return re.findall(rf"^[ \t]*{name}[ \t]+([^;{{\n]+);", text, flags=re.M)


# ---- the files agree with each other and with the app, without running anything

def test_the_deploy_files_agree_with_the_app():
    site, config = site_text(), production_config()
    gunicorn = runpy.run_path(os.path.join(DEPLOY, "gunicorn.conf.py"))
    assert config["DEBUG"] is False and config["TRUSTED_PROXIES"] == 1
    assert config["PUBLIC_BASE_URL"].startswith("https://")
    assert directive(site, "server") == [gunicorn["bind"]]  # the upstream
    # The server's limit, and that of /uploads/: a whole file of the largest the settings
    # accept (firm.upload_ceiling_mb) fits in one PATCH.
    assert directive(site, "client_max_body_size") == ["251m", "251m"]
    assert nginx_size("251m") == Default.MAX_CONTENT_LENGTH
    assert nginx_size("251m") >= (Default.MAX_CONTENT_LENGTH // MB - 1) * MB
    tus = re.search(r"location /uploads/ \{(.*?)\n    \}", site, flags=re.S)[1]
    assert "proxy_request_buffering off;" in tus and "proxy_http_version 1.1;" in tus
    # Inherited from the server: the proxy headers and the security headers.
    assert "proxy_set_header" not in tus and "add_header" not in tus
    assert directive(site, "proxy_read_timeout") == [f"{gunicorn['timeout']}s"]
    assert f"location ^~ {config['X_ACCEL_REDIRECT']} {{" in site
    assert f"alias {config['UPLOAD_FOLDER']}/;" in site
    assert "proxy_request_buffering on;" in site  # sync workers: see the comment there
    # The static files get the app's own Content-Security-Policy from nginx.
    assert f'add_header Content-Security-Policy "{security.CSP}" always;' in site
    # nginx's own pages get the same headers as the app's (issue 14, point 11).
    assert f'""      "{security.CSP}";' in site


def test_systemd_units_are_valid(tmp_path):
    """systemd-analyze reads every unit (with this checkout in place of /srv/klantenportaal)
    and complains about nothing: no unknown key, no missing program."""
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze not installed")
    folder = os.path.join(DEPLOY, "systemd")
    units = sorted(os.listdir(folder))
    assert {"klantenportaal.service", "klantenportaal-mail.service",
            "klantenportaal-backup.service", "klantenportaal-backup.timer"} <= set(units)
    for name in units:
        with open(os.path.join(folder, name)) as f:
            (tmp_path / name).write_text(f.read().replace("/srv/klantenportaal", ROOT))
    result = subprocess.run([analyze, "verify", "--man=no", *[str(tmp_path / n) for n in units]],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 0 and result.stderr == "", result.stderr


def test_static_urls_carry_the_hash_of_the_file(client):
    page = client.get("/inloggen").get_data(as_text=True)
    versions = dict(re.findall(r'/static/([\w./-]+)\?v=([0-9a-f]{12})"', page))
    assert {"css/portal.css", "js/htmx-2.0.11.min.js"} <= set(versions)
    assert len(set(versions.values())) == len(versions)  # one per file's content


# ---- nginx and gunicorn running

class Nginx:
    """Debian's nginx as this user, in `folder`, with a main nginx.conf like Debian's and
    the site file given."""

    def __init__(self, folder, site, port):
        self.folder = str(folder)
        for temp in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            os.makedirs(os.path.join(self.folder, temp), exist_ok=True)
        with open(os.path.join(self.folder, "klantenportaal.conf"), "w") as f:
            f.write(site)
        self.conf = os.path.join(self.folder, "nginx.conf")
        with open(self.conf, "w") as f:
            f.write(self.main_conf())
        self.error_log = os.path.join(self.folder, "error.log")
        command = [NGINX, "-p", self.folder + "/", "-c", self.conf, "-e", self.error_log]
        checked = subprocess.run([*command, "-t", "-q"], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stderr + self.log()
        self.process = subprocess.Popen(command)
        self._wait_until_up(port)

    def main_conf(self):
        # As root, nginx would run its workers as nobody, who cannot read the test's files.
        user = "user root;" if os.geteuid() == 0 else ""
        temps = "\n".join(f"    {name}_temp_path {self.folder}/{folder};" for name, folder in (
            ("client_body", "body"), ("proxy", "proxy"), ("fastcgi", "fastcgi"),
            ("uwsgi", "uwsgi"), ("scgi", "scgi")))
        return f"""daemon off;
{user}
worker_processes 1;
pid {self.folder}/nginx.pid;
events {{ worker_connections 128; }}
http {{
    # The settings of Debian's /etc/nginx/nginx.conf that the site file meets there.
    sendfile on;
    tcp_nopush on;
    types_hash_max_size 2048;
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    gzip on;
    access_log {self.folder}/access.log;
    error_log {self.folder}/error.log;
{temps}
    include {self.folder}/klantenportaal.conf;
}}
"""

    def _wait_until_up(self, port):
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx exited with {self.process.returncode}: {self.log()}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("nginx did not listen within 10 s: " + self.log())

    def log(self):
        try:
            with open(self.error_log) as f:
                return f.read()[-3000:]
        except FileNotFoundError:
            return ""

    def stop(self):
        terminate(self.process, 10)


def self_signed(folder):
    """A certificate for 127.0.0.1 and its key, made with openssl; returns their paths."""
    cert, key = os.path.join(folder, "cert.pem"), os.path.join(folder, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj",
                    "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", key, "-out", cert], check=True, capture_output=True)
    return cert, key


def for_the_test(site, ports, upstream, cert, key, upload_folder, access_log=None):
    """The site file with only its host name, ports, certificate and paths swapped."""
    access_log = access_log or os.path.join(os.path.dirname(upload_folder), "access.log")
    swaps = [
        ("/var/log/nginx/klantenportaal.access.log", access_log),
        ("listen 80;", f"listen 127.0.0.1:{ports[0]};"),
        ("listen [::]:80;", ""),  # not every test machine has IPv6 on loopback
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{ports[1]} ssl http2;"),
        ("listen [::]:443 ssl http2;", ""),
        ("server 127.0.0.1:8000;", f"server 127.0.0.1:{upstream};"),
        ("/etc/letsencrypt/live/portaal.example.nl/fullchain.pem", cert),
        ("/etc/letsencrypt/live/portaal.example.nl/privkey.pem", key),
        ("server_name portaal.example.nl;", "server_name 127.0.0.1;"),
        ("/srv/klantenportaal/app/static/", os.path.join(ROOT, "app", "static") + "/"),
        ("/var/lib/klantenportaal/files/", upload_folder.rstrip("/") + "/"),
    ]
    for old, new in swaps:
        assert old in site, f"the site file no longer has {old!r}"
        site = site.replace(old, new)
    directives = re.sub(r"#.*", "", site)
    assert "portaal.example.nl" not in directives and "/srv/" not in directives
    return site


class Browser:
    """Just enough of a browser over TLS: cookies, a Referer (Flask-WTF checks it over
    https), no redirects followed."""

    def __init__(self, port, cafile):
        self.port = port
        self.base = f"https://127.0.0.1:{port}"
        self.context = ssl.create_default_context(cafile=cafile)
        self.cookies = {}

    def connect(self):
        return http.client.HTTPSConnection("127.0.0.1", self.port, context=self.context,
                                           timeout=60)

    def headers(self, extra=None, referer=True):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if referer:
            headers["Referer"] = self.base + "/"
        return {**headers, **(extra or {})}

    def keep_cookies(self, response):
        for value in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name] = rest.split(";")[0]

    def request(self, method, path, body=None, headers=None, referer=True):
        connection = self.connect()
        try:
            connection.request(method, path, body=body, headers=self.headers(headers, referer))
            response = connection.getresponse()
            response.data = response.read()
        finally:
            connection.close()
        self.keep_cookies(response)
        return response

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post_form(self, path, fields, referer=True):
        body = urllib.parse.urlencode(fields)
        return self.request("POST", path, body=body, referer=referer, headers={
            "Content-Type": "application/x-www-form-urlencoded"})

    def token(self, path="/inloggen"):
        return token_in(self.get(path).data.decode())


@pytest.fixture(scope="module")
def deployed(tmp_path_factory, database_url, smtp_server):
    """nginx on two loopback ports (http, https) in front of gunicorn with two workers:
    one may be busy with the PATCH of a resumable upload, which nginx passes on as it
    arrives, while the other answers."""
    if not os.path.exists(NGINX):
        _missing("nginx not installed: apt-get install nginx")
    if shutil.which("openssl") is None:
        _missing("openssl not installed: apt-get install openssl")
    folder = tmp_path_factory.mktemp("nginx")
    uploads = str(folder / "files")
    ports = (free_port(), free_port())
    settings = {**production_config(),
                # The test's own: its database, folders, mail server and address.
                "DATABASE_URL": database_url, "UPLOAD_FOLDER": uploads,
                "OUTBOX_FOLDER": str(folder / "outbox"), "SECRET_KEY": "test-secret",
                "PUBLIC_BASE_URL": f"https://127.0.0.1:{ports[1]}",
                "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp_server.controller.port,
                "MAIL_USE_TLS": False, "MAIL_USERNAME": None,
                # One file may fill a whole message, so one upload can reach the limit.
                "MAX_FILE_MB": Default.MAX_MESSAGE_FILES_MB}
    cert, key = self_signed(str(folder))
    with Gunicorn(settings, workers=2, args=["-c", "deploy/gunicorn.conf.py"]) as gunicorn:
        site = for_the_test(site_text(), ports, gunicorn.port, cert, key, uploads)
        nginx = Nginx(folder, site, ports[1])
        try:
            yield type("Deployed", (), dict(gunicorn=gunicorn, nginx=nginx, ports=ports,
                                            cert=cert, uploads=uploads,
                                            access_log=str(folder / "access.log")))
        finally:
            nginx.stop()


@pytest.fixture
def app_config(app_config, request):
    """In the tests that use it, the test's app stores files where gunicorn and nginx look
    for them."""
    if "deployed" in request.fixturenames:
        app_config["UPLOAD_FOLDER"] = request.getfixturevalue("deployed").uploads
    return app_config


@pytest.fixture
def browser(deployed):
    return Browser(deployed.ports[1], deployed.cert)


@pytest.fixture
def jan(make):
    return make.user(email="jan@example.nl", name="Jan de Vries")


def log_in(browser, email):
    response = browser.post_form("/inloggen", {"email": email, "password": PASSWORD,
                                               "csrf_token": browser.token()})
    assert response.status == 302, response.data.decode()[-2000:]
    return response


def test_login_static_files_and_a_download_through_nginx(app, session, make, deployed,
                                                         browser, jan):
    dossier = make.dossier(clients=[jan])
    data = b"%PDF-1.4 " + os.urandom(300_000)
    document = make.document(dossier, filename="Akte über.pdf", data=data)
    # Plain http only redirects.
    plain = http.client.HTTPConnection("127.0.0.1", deployed.ports[0], timeout=10)
    plain.request("GET", "/inloggen")
    assert plain.getresponse().status == 301
    plain.close()

    # The app sees https through the proxy headers: Flask-WTF then insists on a Referer.
    assert browser.post_form("/inloggen", {"email": jan.email, "password": PASSWORD,
                                           "csrf_token": browser.token()},
                             referer=False).status == 400
    log_in(browser, jan.email)
    assert "__Host-session" in browser.cookies
    page = browser.get(f"/dossiers/{dossier.id}")
    assert page.status == 200 and "Akte über" in page.data.decode()

    # Static files: sent by nginx with the app's own headers, kept a year when versioned.
    css = re.search(r'href="(/static/css/portal\.css\?v=\w+)"', page.data.decode()).group(1)
    by_nginx = browser.get(css, headers={"Accept-Encoding": "gzip"})
    by_app = direct(deployed, css)
    assert by_nginx.status == 200 and by_nginx.getheader("Content-Encoding") == "gzip"
    assert "immutable" in by_nginx.getheader("Cache-Control")
    assert browser.get("/static/css/portal.css").getheader("Cache-Control") == "no-cache"
    for name in ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy",
                 "X-Frame-Options", "Strict-Transport-Security"):
        assert by_nginx.getheader(name) == by_app.getheader(name), name

    # The download: the app checks and counts, nginx sends the bytes.
    url = f"/documenten/{document.id}/download"
    handed = direct(deployed, url, browser.cookies)
    assert handed.data == b"" and handed.getheader("X-Accel-Redirect").startswith("/_protected/")
    response = browser.get(url, headers={"X-Forwarded-For": "203.0.113.9",
                                         "Accept-Encoding": "gzip"})
    assert response.status == 200 and response.data == data
    assert response.getheader("X-Accel-Redirect") is None
    assert response.getheader("Content-Encoding") is None
    assert response.getheader("Content-Type") == "application/pdf"
    assert "filename*=UTF-8''Akte%20%C3%BCber.pdf" in response.getheader("Content-Disposition")
    assert "no-store" in response.getheader("Cache-Control")
    for name in ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy",
                 "X-Frame-Options", "Strict-Transport-Security"):
        assert response.getheader(name) == handed.getheader(name), name
    # nginx's own ETag (mtime-size), not the app's SHA-256: nginx sent the file.
    assert re.fullmatch(r'"[0-9a-f]+-[0-9a-f]+"', response.getheader("ETag"))
    part = browser.get(url, headers={"Range": "bytes=100-199"})
    assert part.status == 206 and part.data == data[100:200]
    # Counted: the direct request and the whole download; the Range from byte 100 not.
    session.expire_all()
    assert session.get(DocumentDownload, (document.id, jan.id)).count == 2
    # The client's address is nginx's view of it; a forged header is not believed.
    ips = {e.ip for e in session.exec(select(AuditEvent).where(
        AuditEvent.action == "document.downloaded"))}
    assert ips == {"127.0.0.1"}
    # The files are not reachable from outside.
    key = handed.getheader("X-Accel-Redirect").removeprefix("/_protected/")
    assert browser.get(f"/_protected/{key}").status == 404


def direct(deployed, path, cookies=None):
    """A GET straight to gunicorn, past nginx."""
    connection = http.client.HTTPConnection("127.0.0.1", deployed.gunicorn.port, timeout=30)
    cookie = "; ".join(f"{k}={v}" for k, v in (cookies or {}).items())
    connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
    response = connection.getresponse()
    response.data = response.read()
    connection.close()
    return response


def multipart(fields, filename, size, boundary="klp-test-boundary"):
    """(body chunks, length) of a form with one file of `size` bytes (a PDF)."""
    head = b"".join(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                    f"{value}\r\n".encode() for name, value in fields.items())
    head += (f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
             f'filename="{filename}"\r\nContent-Type: application/pdf\r\n\r\n').encode()
    tail = f"\r\n--{boundary}--\r\n".encode()

    def chunks():
        yield head + b"%PDF-1.4\n"
        left = size - len(b"%PDF-1.4\n")
        block = bytes(MB)
        while left > 0:
            yield block[:min(left, MB)]
            left -= MB
        yield tail

    return chunks(), len(head) + size + len(tail)


def test_uploads_up_to_the_limit_through_nginx(app, session, make, browser, jan):
    dossier = make.dossier(clients=[jan])
    log_in(browser, jan.email)
    url = f"/dossiers/{dossier.id}/berichten/nieuw"
    fields = {"csrf_token": browser.token(url), "subject": "Stukken", "body": "Zie bijlage",
              "action": "upload"}
    content_type = {"Content-Type": "multipart/form-data; boundary=klp-test-boundary"}

    # The largest file a message takes: the request is within 1 MB of nginx's limit.
    size = Default.MAX_MESSAGE_FILES_MB * MB
    body, length = multipart(fields, "scan.pdf", size)
    assert Default.MAX_CONTENT_LENGTH - MB < length <= Default.MAX_CONTENT_LENGTH
    response = browser.request("POST", url, body=body,
                               headers={**content_type, "Content-Length": str(length)})
    assert response.status == 302, response.data.decode()[-2000:]
    stored = session.exec(select(Document)).one()
    assert stored.filename == "scan.pdf" and stored.size == size

    # One byte over: nginx reads none of it, and the portal answers in Dutch.
    connection = browser.connect()
    connection.putrequest("POST", url)
    over = {**browser.headers(content_type),
            "Content-Length": str(Default.MAX_CONTENT_LENGTH + 1)}
    for name, value in over.items():
        connection.putheader(name, value)
    connection.endheaders()
    refused = connection.getresponse()
    page = refused.read().decode()
    connection.close()
    assert refused.status == 413
    assert "Het bestand is te groot" in page and "nginx" not in page
    assert len(session.exec(select(Document)).all()) == 1


# ---- issue 14, point 11: nginx's own pages and its access log

APP_HEADERS = {"Content-Security-Policy": security.CSP, "X-Content-Type-Options": "nosniff",
               "Referrer-Policy": "same-origin", "X-Frame-Options": "DENY",
               "Strict-Transport-Security": "max-age=31536000; includeSubDomains"}


def test_nginx_error_pages_carry_the_security_headers(tmp_path):
    """gunicorn down: nginx's own 502 (also for an upload over the limit, whose 413 page
    the app would give) carries CSP, nosniff and the rest, once; so does the redirect to
    https."""
    if not os.path.exists(NGINX):
        _missing("nginx not installed: apt-get install nginx")
    ports = (free_port(), free_port())
    cert, key = self_signed(str(tmp_path))
    nobody = free_port()  # nothing listens there: gunicorn is "down"
    site = for_the_test(site_text(), ports, nobody, cert, key, str(tmp_path / "files"))
    nginx = Nginx(tmp_path, site, ports[1])
    try:
        browser = Browser(ports[1], cert)
        down = browser.get("/inloggen")
        assert down.status == 502
        connection = browser.connect()
        connection.putrequest("POST", "/inloggen")
        connection.putheader("Content-Length", str(Default.MAX_CONTENT_LENGTH + 1))
        connection.endheaders()
        too_large = connection.getresponse()
        too_large.read()
        connection.close()
        assert too_large.status in (413, 502)
        plain = http.client.HTTPConnection("127.0.0.1", ports[0], timeout=10)
        plain.request("GET", "/inloggen")
        redirect = plain.getresponse()
        redirect.read()
        plain.close()
        assert redirect.status == 301
        for response in (down, too_large, redirect):
            for name, value in APP_HEADERS.items():
                if response is redirect and name == "Strict-Transport-Security":
                    continue  # browsers ignore it over plain http
                assert response.headers.get_all(name) == [value], (response.status, name)
    finally:
        nginx.stop()


def test_app_answers_keep_their_own_headers_once(deployed, browser):
    """Through nginx an answer of the app has each header once: nginx adds nothing."""
    response = browser.get("/inloggen")
    assert response.status == 200
    for name, value in APP_HEADERS.items():
        assert response.headers.get_all(name) == [value], name


def test_access_log_has_no_tokens_of_mailed_links(deployed, browser):
    """The links of mails 1 and 2 and of the e-mail change carry a one-time token in the
    path: nginx's access log keeps neither it nor the Referer that carries it."""
    secrets = ["inv1tat10nT0ken", "passw0rdT0ken", "ema1lChangeT0ken"]
    paths = [f"/welkom/{secrets[0]}", f"/wachtwoord/{secrets[1]}?x=1",
             f"//mijn-gegevens/e-mailadres/{secrets[2]}"]
    for path in paths:
        browser.get(path)
    browser.get("/static/css/portal.css", headers={
        "Referer": f"{browser.base}/wachtwoord/{secrets[1]}"}, referer=False)
    plain = http.client.HTTPConnection("127.0.0.1", deployed.ports[0], timeout=10)
    plain.request("GET", f"/welkom/{secrets[0]}")
    plain.getresponse().read()
    plain.close()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        with open(deployed.access_log) as f:
            log = f.read()
        if log.count("[token]") >= 5:
            break
        time.sleep(0.1)
    assert log.count("[token]") >= 5, log
    assert "/welkom/[token]" in log and "/wachtwoord/[token]" in log
    assert "/mijn-gegevens/e-mailadres/[token]" in log
    assert "/static/css/portal.css" in log  # other requests are logged as they are
    for secret in secrets:
        assert secret not in log


# ---- issue 21: resumable uploads and previews through nginx

def tus(csrf, **extra):
    """The headers of a tus request of the signed-in browser (the Referer comes with it)."""
    return {**TUS, "X-CSRFToken": csrf, **extra}


def offset_of(browser, csrf, url):
    answer = browser.request("HEAD", url, headers=tus(csrf))
    assert answer.status == 200, answer.status
    return int(answer.getheader("Upload-Offset"))


def settled_offset(browser, csrf, url, expected, seconds=10):
    """HEAD until the upload stands at `expected`, or has not moved for a second (a body
    cut off is still being written); returns where it stands."""
    deadline, last, since = time.monotonic() + seconds, None, time.monotonic()
    while time.monotonic() < deadline:
        now = offset_of(browser, csrf, url)
        if now == expected:
            return now
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since > 1:
            return now
        time.sleep(0.05)
    return last


def start_patch(browser, csrf, url, offset, length):
    """A PATCH at `offset` announcing `length` bytes, its headers sent: send the body
    with .send(), cut it off with .close()."""
    connection = browser.connect()
    connection.putrequest("PATCH", url)
    for name, value in browser.headers(tus(csrf, **{
            "Content-Type": CHUNK, "Upload-Offset": str(offset),
            "Content-Length": str(length)})).items():
        connection.putheader(name, value)
    connection.endheaders()
    return connection


def test_a_resumable_upload_through_nginx_is_not_buffered_and_resumes(
        app, session, make, deployed, browser, jan, monkeypatch):
    dossier = make.dossier(clients=[jan])
    log_in(browser, jan.email)
    csrf = browser.token(f"/dossiers/{dossier.id}/berichten/nieuw")
    data = pdf_bytes(24 * MB + 321, 9)
    created = browser.request("POST", "/uploads/", headers=tus(csrf, **{
        "Upload-Length": str(len(data)),
        "Upload-Metadata": metadata("bouwdossier.pdf", f"message:{dossier.id}")}))
    assert created.status == 201, created.data
    url = created.getheader("Location")

    # The first bytes reach the app while the rest of the body is still to come: nginx
    # does not wait for the whole request (with buffering, HEAD would say 0 until then).
    # The PATCH holds one of gunicorn's two workers meanwhile; the other answers HEAD.
    patch = start_patch(browser, csrf, url, 0, len(data))
    patch.send(data[:6 * MB])
    deadline = time.monotonic() + 10
    while offset_of(browser, csrf, url) == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    arrived = offset_of(browser, csrf, url)
    assert arrived > 0
    # Then the connection drops in the middle: what reached the app stays (nginx drops
    # what it had read but not yet passed on), and HEAD says how far that is.
    sent = 10 * MB + 777
    patch.send(data[6 * MB:sent])
    patch.close()
    stood = settled_offset(browser, csrf, url, sent)
    assert arrived <= stood <= sent
    with open(os.path.join(deployed.uploads, "tus", url.rsplit("/", 1)[-1]), "rb") as f:
        assert f.read() == data[:stood]

    # tuspy goes on from where HEAD says, through nginx.
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", deployed.cert)
    client = TusClient(browser.base + "/uploads/", headers={
        "Cookie": browser.headers()["Cookie"], "Referer": browser.base + "/",
        "X-CSRFToken": csrf})
    uploader = client.uploader(file_stream=io.BytesIO(data), url=browser.base + url,
                               chunk_size=8 * MB)
    assert uploader.offset == stood
    uploader.upload()
    assert offset_of(browser, csrf, url) == len(data)
    token = url.rsplit("/", 1)[-1]
    session.expire_all()
    assert session.exec(select(Upload).where(Upload.token == token)).one().sha256 == \
        hashlib.sha256(data).hexdigest()

    # Filed by the message form, and downloaded whole.
    answer = browser.post_form(f"/dossiers/{dossier.id}/berichten/nieuw", {
        "csrf_token": csrf, "subject": "Bouwdossier", "body": "", "action": "upload",
        "tus": token})
    assert answer.status == 302, answer.data.decode()[-2000:]
    document = session.exec(select(Document)).one()
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    assert browser.get(f"/documenten/{document.id}/download").data == data


def test_a_patch_over_the_limit_is_answered_by_the_app(app, session, make, deployed,
                                                       browser, jan):
    """nginx reads none of it; the portal says why, in the user's language."""
    dossier = make.dossier(clients=[jan])
    log_in(browser, jan.email)
    csrf = browser.token(f"/dossiers/{dossier.id}/berichten/nieuw")
    created = browser.request("POST", "/uploads/", headers=tus(csrf, **{
        "Upload-Length": "1000", "Upload-Metadata": metadata("a.pdf", f"message:{dossier.id}")}))
    url = created.getheader("Location")
    patch = start_patch(browser, csrf, url, 0, Default.MAX_CONTENT_LENGTH + 1)
    refused = patch.getresponse()
    assert refused.status == 413
    assert refused.read().decode() == "De upload stuurde meer dan het bestand bevat."
    patch.close()
    assert offset_of(browser, csrf, url) == 0


def test_a_preview_through_nginx_keeps_its_sandbox(app, session, make, deployed, browser,
                                                   jan):
    dossier = make.dossier(clients=[jan])
    data = PDF + os.urandom(100_000)
    document = make.document(dossier, filename="Akte über.pdf", data=data)
    posing = make.document(dossier, filename="nep.pdf", data=b"<html><script>1</script>")
    log_in(browser, jan.email)
    url = f"/documenten/{document.id}/bekijken"
    handed = direct(deployed, url, browser.cookies)
    assert handed.getheader("X-Accel-Redirect").startswith("/_protected/")
    response = browser.get(url)
    assert response.status == 200 and response.data == data
    assert response.getheader("X-Accel-Redirect") is None
    assert response.headers.get_all("Content-Security-Policy") == [storage.PREVIEW_CSP]
    assert response.getheader("Content-Disposition").startswith("inline;")
    assert "filename*=UTF-8''Akte%20%C3%BCber.pdf" in response.getheader("Content-Disposition")
    assert response.getheader("Content-Type") == "application/pdf"
    assert response.headers.get_all("X-Content-Type-Options") == ["nosniff"]
    assert "no-store" in response.getheader("Cache-Control")
    for name in ("Content-Disposition", "Referrer-Policy", "X-Frame-Options",
                 "Strict-Transport-Security"):
        assert response.getheader(name) == handed.getheader(name), name
    # The download of the same file stays an attachment under the app's usual policy.
    download = browser.get(f"/documenten/{document.id}/download")
    assert download.getheader("Content-Disposition").startswith("attachment;")
    assert download.getheader("Content-Security-Policy") == security.CSP
    # An HTML file posing as a PDF is never shown.
    refused = browser.get(f"/documenten/{posing.id}/bekijken")
    assert refused.status == 404 and b"<script>1" not in refused.data
