"""Removing what was never sent: stale drafts with their files, and files without a row."""
import logging
import time
from datetime import timedelta

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlmodel import Session, select

from .. import resumable
from ..db import engine
from ..forms import forget_old_form_keys
from ..models import Message, utcnow
from ..ops import integrity
from . import drafts

# The background loop (app/worker.py) calls cleanup_if_due every few seconds; it runs at
# most this often.
CLEANUP_EVERY_SECONDS = 3600
clock = time.monotonic  # tests move it on
log = logging.getLogger("klantenportaal.cleanup")


def cleanup_drafts(db, max_age_hours=None, now=None):
    """Delete drafts older than `max_age_hours` with their attachments and files, the
    orphaned and temporary files of app/ops/integrity.py, and expired resumable uploads.
    Returns (drafts removed, files removed)."""
    hours = current_app.config["DRAFT_MAX_AGE_HOURS"] if max_age_hours is None else max_age_hours
    cutoff = (now or utcnow()) - timedelta(hours=hours)
    stale = db.exec(select(Message).where(Message.sent_at.is_(None),
                                               Message.created_at < cutoff)).all()
    keys = []
    for message in stale:
        keys += drafts.discard(db, message, action="draft.expired")
    forget_old_form_keys(db, now)  # the one-time keys of forms shown a day ago
    db.commit()
    drafts.remove_files(keys)
    # Files without a row (a crash between storing and committing) and temporary files
    # left over go once older than ORPHAN_GRACE_MINUTES: younger ones may be under way.
    orphans = integrity.remove_orphans(db, now=now.timestamp() if now else None)
    uploads = resumable.remove_expired(db, now)  # resumable uploads never finished or filed
    return len(stale), len(keys) + len(orphans) + uploads


def cleanup_if_due(app):
    """Run cleanup_drafts when this process has not done so for an hour (a step of the
    mail sender loop); returns its outcome, or None when it was not due."""
    state = app.extensions.setdefault("draft_cleanup", {"last": None})
    now = clock()
    if state["last"] is not None and now - state["last"] < CLEANUP_EVERY_SECONDS:
        return None
    state["last"] = now  # before running: a failure is tried again in an hour, not each round
    with app.app_context(), Session(engine(), expire_on_commit=False) as db:
        removed, files = cleanup_drafts(db)
    if removed or files:
        log.info("%s stale drafts and %s files removed", removed, files)
    return removed, files


@click.command("cleanup-drafts")
@with_appcontext
@click.option("--hours", type=float, default=None,
              help="Age in hours after which a draft goes (default: DRAFT_MAX_AGE_HOURS).")
def cleanup_drafts_command(hours):
    """Delete drafts never sent, with their attachments and files, after a day."""
    started = time.monotonic()
    with Session(engine(), expire_on_commit=False) as db:
        removed, files = cleanup_drafts(db, hours)
    click.echo(f"{removed} drafts and {files} files removed "
               f"in {time.monotonic() - started:.1f} s.")


def init_app(state):
    """Register the command with the app (from the blueprint's record_once)."""
    state.app.cli.add_command(cleanup_drafts_command)
