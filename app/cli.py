"""Command-line tasks: `flask --app wsgi <command>`."""
import os
import re
import sys
from urllib.parse import urlsplit

import click
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale
from sqlmodel import select
from werkzeug.serving import WSGIRequestHandler, run_simple

from . import addresses, doc_requests, firm, migrate, notifications, seal, security
from .api import keys
from .db import get_session
from .forms import has_control_characters
from .invitations import DuplicateEmail, create_company, create_user, send_invitation
from .models import KIND_STAFF, ROLE_ADMIN, STAFF_ROLES, ApiKey, User
from .outbox import deliver_pending
from .worker import start_sender_thread

db_cli = AppGroup("db", help="Create or upgrade the database schema.")


@db_cli.command("upgrade")
def db_upgrade():
    """Create or upgrade the database to the newest schema."""
    migrate.upgrade()
    click.echo("Database is up to date.")


@db_cli.command("revision")
@click.option("-m", "--message", required=True)
def db_revision(message):
    """Write a migration for what changed in app/models.py."""
    migrate.revision(message)


def _valid_email(email):
    """The address normalised, or a usage error saying why it cannot be one."""
    email = email.strip()
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as exc:
        raise click.UsageError(f"{email!r} is not a valid e-mail address: {exc}") from None
    problem = addresses.problem(email)  # what the staff form refuses too (non-ASCII before @)
    if problem is not None:
        with force_locale("en"):  # no request here to choose a language from
            raise click.UsageError(f"{email!r}: {problem}")
    return security.normalise_email(email)


def _plain_name(ctx, param, value):
    """A name without line breaks, control or bidi characters (as every form requires)."""
    if value is not None and has_control_characters(value):
        raise click.BadParameter("a name may not contain line breaks, tabs or other "
                                 "control characters")
    return value


@click.command("create-staff")
@click.option("--email", required=True)
@click.option("--name", required=True, callback=_plain_name)
@click.option("--role", type=click.Choice(STAFF_ROLES), default=ROLE_ADMIN)
@click.password_option()
def create_staff(email, name, role, password):
    """Create a staff member (by default an admin) with a password."""
    email = _valid_email(email)
    problems = security.password_problems(password, email)
    if problems:
        with force_locale("en"):  # no request here to choose a language from
            raise click.UsageError(" ".join(str(p) for p in problems))
    db = get_session()
    try:
        user = create_user(db, email=email, name=name, kind=KIND_STAFF, role=role)
    except DuplicateEmail:
        raise click.UsageError(f"{email} has an account already.") from None
    security.set_password(user, password)
    db.commit()
    click.echo(f"Created {role} {user.email}.")


@click.command("create-client")
@click.option("--email", required=True)
@click.option("--name", required=True, callback=_plain_name)
@click.option("--language", type=click.Choice(["nl", "en"]), default="nl")
@click.option("--company", help="Make this the main account of a new company client.",
              callback=_plain_name)
def create_client(email, name, language, company):
    """Create a client and send the invitation (mail 1)."""
    email = _valid_email(email)
    db = get_session()
    firm = create_company(db, name=company) if company else None
    try:
        user = create_user(db, email=email, name=name, language=language, company=firm,
                           company_main=firm is not None)
    except DuplicateEmail:
        raise click.UsageError(f"{email} has an account already.") from None
    send_invitation(db, user)
    db.commit()
    click.echo(f"Created client {user.email}; the invitation is in the outbox.")


@click.command("send-mail")
@click.option("--loop", is_flag=True, help="Keep delivering (for a systemd service).")
def send_mail(loop):
    """Deliver the queued mails (run from cron, or with --loop as a service)."""
    if loop:
        start_sender_thread(current_app._get_current_object()).join()
    notifications.send_due()
    sent, failed = deliver_pending()
    click.echo(f"{sent} sent, {failed} failed (retried later, or given up on: staff see "
               "those under Instellingen).")


@click.command("send-reminders")
def send_reminders():
    """Queue the due reminder mails of requests for documents (`send-mail --loop` does this
    hourly; with cron instead, run this hourly before `send-mail`)."""
    click.echo(f"Reminders queued: {doc_requests.send_reminders()}.")


@click.command("erase-identity-documents")
def erase_identity_documents():
    """Erase the identity documents whose retention period after their dossier closed has
    passed (`send-mail --loop` does this hourly; with cron instead, run this daily)."""
    click.echo(f"Identity documents erased: {doc_requests.erase_identity_documents()}.")


@click.command("seal-demo")
def seal_demo():
    """Make a self-signed demo seal (instance/seal.p12) when no seal is configured, so
    approval receipts are sealed in the demo; no PDF reader trusts it (docs/seal.md)."""
    cfg = current_app.config
    if cfg.get("SEAL_KEY_FILE") or cfg.get("SEAL_PASSWORD"):
        click.echo("A seal is configured: no demo seal made.")
        return
    path = os.path.join(current_app.instance_path, cfg["SEAL_PKCS12_FILE"])
    with current_app.app_context():
        name = firm.current().name
    if seal.make_demo_seal(path, name):
        click.echo(f"Demo seal made: {path} (self-signed: for trying the portal only).")


@click.command("seal-verify")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--trust", type=click.Path(exists=True, dir_okay=False),
              help="The certificate (PEM or DER) of the root to trust; default: the top of "
                   "the configured seal's chain.")
def seal_verify(path, trust):
    """Check the seals of a PDF (a receipt, or a sealed document): exit 0 when every seal
    is intact and trusted."""
    from pyhanko.keys import load_cert_from_pemder
    roots = [load_cert_from_pemder(trust)] if trust else seal.own_roots()
    with open(path, "rb") as f:
        data = f.read()
    found = seal.check(data, roots)
    if not found:
        raise click.ClickException("No seal found in this file.")
    for number, ((intact, trusted), stamp) in enumerate(
            zip(found, seal.timestamps(data, roots), strict=True), start=1):
        when = "no timestamp" if stamp is None else (
            "timestamp " + ("intact" if stamp[0] else "BROKEN") + ", "
            + ("trusted" if stamp[1] else "from an authority not trusted here"))
        click.echo(f"Seal {number}: {'intact' if intact else 'CHANGED OR BROKEN'}, "
                   f"{'trusted' if trusted else 'NOT TRUSTED'}; {when}")
    if not all(intact and trusted for intact, trusted in found):
        raise SystemExit(1)


@click.command("demo")
def demo():
    """Load the demo data once (does nothing when there are users already)."""
    from .demo import load_demo

    db = get_session()
    if db.exec(select(User)).first() is not None:
        click.echo("Demo data is present already.")
        return
    load_demo(db)
    db.commit()
    click.echo("Demo data loaded.")


api_key_cli = AppGroup("api-key", help="Make, list and revoke keys of the API.")


@api_key_cli.command("create")
@click.option("--name", required=True, callback=_plain_name, help="Which system uses it.")
@click.option("--acts-as", "acts_as", required=True, help="E-mail of the staff account.")
@click.option("--scope", "scopes", multiple=True, required=True,
              type=click.Choice(list(keys.SCOPES)))
@click.option("--expires", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="The last day the key works.")
@click.option("--allowed-ips", default="", help='Networks, like "192.0.2.0/24 2001:db8::/32".')
def api_key_create(name, acts_as, scopes, expires, allowed_ips):
    """Make a key and print it, once: it is stored only as a hash."""
    from .api.keys import MAX_NAME, expires_at

    if len(name.strip()) > MAX_NAME:
        raise click.BadParameter(f"at most {MAX_NAME} characters", param_hint="--name")
    db = get_session()
    user = db.exec(select(User).where(User.email == security.normalise_email(acts_as))).first()
    try:
        row, raw = keys.create_key(
            db, name=name, scopes=scopes, acts_as=user, allowed_ips=allowed_ips,
            expires_at=expires_at(expires.date()) if expires else None)
    except keys.BadKey as problem:
        with force_locale("en"):  # no request here to choose a language from
            raise click.UsageError(str(problem)) from None
    db.commit()
    click.echo(f"Created API key {row.prefix} ({row.name}), acting for {user.email}.")
    click.echo("Copy it now, it will not be shown again:")
    click.echo(raw)


@api_key_cli.command("list")
def api_key_list():
    """Every key: prefix, id, state, name, who it acts for, scopes, last use."""
    db = get_session()
    rows = db.exec(select(ApiKey, User).join(User, User.id == ApiKey.acts_as_id)
                   .order_by(ApiKey.id)).all()
    for row, user in rows:
        used = row.last_used_at.isoformat(timespec="seconds") if row.last_used_at else "never"
        expires = row.expires_at.isoformat(timespec="seconds") if row.expires_at else "never"
        click.echo(f"{row.prefix}  id={row.id}  {keys.state(row):8} {row.name!r} "
                   f"acts-as={user.email} scopes={row.scopes.replace(' ', ',')} "
                   f"expires={expires} last-used={used}"
                   + (f" from {row.last_used_ip}" if row.last_used_ip else ""))
    if not rows:
        click.echo("No API keys.")


@api_key_cli.command("revoke")
@click.argument("key")
def api_key_revoke(key):
    """Switch a key off at once, named by its prefix (klp_…) or its id."""
    db = get_session()
    condition = ApiKey.prefix == key.rstrip("…")
    if key.isdigit() and len(key) < 10:
        condition = condition | (ApiKey.id == int(key))
    row = db.exec(select(ApiKey).where(condition)).first()
    if row is None:
        raise click.UsageError(f"No API key {key!r}: see `api-key list`.")
    was = keys.state(row)
    keys.revoke(db, row)
    db.commit()
    click.echo(f"API key {row.prefix} ({row.name}) is revoked." if was != "revoked"
               else f"API key {row.prefix} ({row.name}) was revoked already.")


def serve_port(app):
    """The port to serve on without --port: $PORT, else PUBLIC_BASE_URL's own, else 5000."""
    if os.environ.get("PORT"):
        return int(os.environ["PORT"])
    try:
        return urlsplit(app.config["PUBLIC_BASE_URL"]).port or 5000
    except ValueError:  # a malformed port in the setting; the dev server still starts
        return 5000


ANSI_CODES = re.compile(r"\x1b\[[0-9;]*m")


class RequestHandler(WSGIRequestHandler):
    """The development server's handler, without the Server header naming Werkzeug and its
    version (and Python's) to every visitor."""

    def send_header(self, keyword, value):
        """Send every header but Server."""
        if keyword.lower() != "server":
            super().send_header(keyword, value)

    def log(self, type, message, *args):
        """Werkzeug colours a request's line by its status with terminal escape codes, also
        when the log goes to a file or a pipe, where they show as "^[[33m": only on a
        terminal."""
        if not sys.stderr.isatty():
            args = tuple(ANSI_CODES.sub("", arg) if isinstance(arg, str) else arg for arg in args)
        super().log(type, message, *args)


@click.command("serve")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=None, type=int)
def serve(host, port):
    """Serve the portal with the development server and the mail sender thread."""
    from .demo import DEMO_LOGINS

    app = current_app._get_current_object()
    port = port or serve_port(app)
    start_sender_thread(app)
    # Loopback is named "localhost": browsers offer passkeys for a host name only.
    shown = "localhost" if host == "127.0.0.1" else host
    click.echo(f"\n  Klantenportaal: http://{shown}:{port}/\n")
    click.echo("  Demo logins (password for all: %s):" % DEMO_LOGINS["password"])
    for email, what in DEMO_LOGINS["users"]:
        click.echo(f"    {email:32} {what}")
    click.echo(f"  Mails are written to {app.config['OUTBOX_FOLDER']}/ (.eml files).\n")
    # app.run() refuses to start inside a `flask` command, so call Werkzeug directly.
    run_simple(host, port, app, threaded=True, use_reloader=False, use_debugger=False,
               request_handler=RequestHandler)


def init_app(app):
    """Register the commands."""
    app.cli.add_command(db_cli)
    app.cli.add_command(api_key_cli)
    from .ops import backup, dbcopy, integrity, restore

    for command in (create_staff, create_client, send_mail, send_reminders,
                    erase_identity_documents, seal_demo, seal_verify, demo, serve):
        app.cli.add_command(command)
    for module in (integrity, backup, restore, dbcopy):
        for command in module.commands:
            app.cli.add_command(command)
