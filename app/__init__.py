"""The client portal's application factory."""
import functools
import hashlib
import logging
import os
import secrets

from flask import Flask, abort, current_app, g, request
from flask import session as cookie
from flask_babel import get_locale
from werkzeug.routing import IntegerConverter
from werkzeug.utils import safe_join

from . import dates, db
from .audit import configure_logging
from .config import Default
from .extensions import babel, csrf, mail
from .storage import UploadRequest


def create_app(test_config=None):
    """Create and configure the app: defaults, instance/config.py, then test_config."""
    app = Flask(__name__, instance_relative_config=True)
    app.url_map.converters["int"] = IdConverter
    # Uploads spool to a file in UPLOAD_FOLDER/tmp, never whole in memory (app/storage.py).
    app.request_class = UploadRequest
    app.config.from_object(Default)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("KLP")
    else:
        app.config.from_mapping(test_config)
    os.makedirs(app.instance_path, exist_ok=True)
    _fill_in_paths(app)
    configure_logging()  # one line per record: typed CR/LF cannot forge one (app/audit.py)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)

    db.init_app(app)
    app.before_request(_refuse_nul_bytes)
    csrf.init_app(app)
    mail.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    dates.init_app(app)  # the filters `date` and `datetime`, after Flask-Babel's
    app.jinja_env.globals["get_locale"] = get_locale
    from . import passkeys
    app.jinja_env.globals.update(passkeys_usable=passkeys.usable_here,
                                 passkey_address=passkeys.public_address)
    app.url_defaults(version_static_urls)
    from . import security
    security.init_app(app)

    from .account import bp as account_bp
    from .auth import bp as auth_bp
    from .messages import bp as messages_bp
    from .portal import bp as portal_bp
    from .questionnaires import bp as questionnaires_bp
    from .staff import bp as staff_bp
    app.register_blueprint(auth_bp)
    app.register_blueprint(portal_bp)
    app.register_blueprint(messages_bp)
    app.register_blueprint(account_bp)
    app.register_blueprint(questionnaires_bp)
    app.register_blueprint(staff_bp, url_prefix="/kantoor")
    from .branding import bp as firm_bp
    app.register_blueprint(firm_bp)
    from .tus import bp as tus_bp
    app.register_blueprint(tus_bp)

    from . import api, cli, errors, stats, worker
    api.init_app(app)
    stats.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    worker.init_app(app)
    return app


class IdConverter(IntegerConverter):
    """<int:...> in a route: a number past the INTEGER columns (db.INTEGER_MAX) is a 404,
    not an error of the database (a 500)."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", db.INTEGER_MAX)
        super().__init__(url_map, *args, **kwargs)


def version_static_urls(endpoint, values):
    """/static/ URLs carry ?v=<hash of the file>: a changed file gets a new URL, so nginx
    may let browsers keep them for a year (deploy/nginx/klantenportaal.conf)."""
    if endpoint == "static" and "filename" in values:
        values.setdefault("v", _static_hash(current_app.static_folder, values["filename"]))


@functools.cache
def _static_hash(folder, filename):
    """The first 12 hex digits of a static file's SHA-256 (None when it does not exist)."""
    try:
        with open(safe_join(folder, filename), "rb") as f:
            return hashlib.sha256(f.read()).hexdigest()[:12]
    except (OSError, TypeError):  # TypeError: safe_join refused the name (None)
        return None


def _refuse_nul_bytes():
    """400 for a NUL byte in the path, a query parameter or a form field: no browser sends
    one, and PostgreSQL refuses it in text (a 500 otherwise)."""
    texts = [request.path]
    for values in (request.args, request.form):
        texts += [f"{key}{value}" for key, value in values.items(multi=True)]
    if any("\x00" in text for text in texts):
        abort(400)


def _fill_in_paths(app):
    """Derive the settings that default to places in the instance folder."""
    cfg = app.config
    if not cfg.get("SECRET_KEY"):
        cfg["SECRET_KEY"] = _instance_secret(app)
    cfg["UPLOAD_FOLDER"] = cfg.get("UPLOAD_FOLDER") or os.path.join(app.instance_path, "files")
    cfg["OUTBOX_FOLDER"] = cfg.get("OUTBOX_FOLDER") or os.path.join(app.instance_path, "outbox")
    if cfg.get("SESSION_COOKIE_SECURE") is None:
        cfg["SESSION_COOKIE_SECURE"] = cfg["PUBLIC_BASE_URL"].startswith("https://")
    if cfg["SESSION_COOKIE_SECURE"]:
        # The __Host- prefix pins the cookie to this host, path / and HTTPS.
        cfg.setdefault("SESSION_COOKIE_NAME", "__Host-session")
        if cfg["SESSION_COOKIE_NAME"] == "session":
            cfg["SESSION_COOKIE_NAME"] = "__Host-session"
    for key in ("UPLOAD_FOLDER", "OUTBOX_FOLDER"):
        os.makedirs(cfg[key], exist_ok=True)


def _instance_secret(app):
    """A random secret key kept in instance/secret_key, made on first start."""
    path = os.path.join(app.instance_path, "secret_key")
    if not os.path.exists(path):
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
    with open(path) as f:
        return f.read().strip()


def select_locale():
    """The language fixed at login for a signed-in user, else the one picked on the login page."""
    from flask import current_app

    languages = current_app.config["LANGUAGES"]
    if request.path.startswith("/api/") and request.endpoint != "api.reference":
        # The API reads no cookies: Accept-Language, else English.
        return request.accept_languages.best_match(languages) or "en"
    for choice in (getattr(g, "force_locale", None), cookie.get("lang"),
                   request.cookies.get("lang")):
        if choice in languages:
            return choice
    return current_app.config["BABEL_DEFAULT_LOCALE"]
