"""Staff side: the e-mails that could not be delivered (admin only): the given-up and the
waiting mails, tried again or deleted here; delivery itself is in app/outbox.py."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlmodel import func, select

from .. import audit, outbox
from ..db import get_session, one_or_404
from ..forms import require_button
from ..models import OutgoingMail
from . import bp
from .access import admin_only

LIST_MAX = 200  # rows per list; a longer list says how many more there are


def given_up():
    """A select of the mails that were given up on and not sent since."""
    return select(OutgoingMail).where(OutgoingMail.failed_at.is_not(None),
                                      OutgoingMail.sent_at.is_(None))


def waiting():
    """A select of the mails that failed at least once and wait for another try."""
    return select(OutgoingMail).where(OutgoingMail.failed_at.is_(None),
                                      OutgoingMail.sent_at.is_(None), OutgoingMail.attempts > 0)


def _count(db, query):
    return db.exec(select(func.count()).select_from(query.subquery())).one()


def get_mail(db, mail_id):
    """The queued mail with this id, else 404."""
    return one_or_404(db, select(OutgoingMail).where(OutgoingMail.id == mail_id))


def _posted_mail(mail_id):
    """For a button on one mail: the database session and the mail (400 without a valid
    button, 404 without the mail)."""
    db = get_session()
    require_button()
    return db, get_mail(db, mail_id)


def _to_list(message, category="success"):
    """Back to the lists of mails, saying `message`."""
    flash(message, category)
    return redirect(url_for("staff.settings_mail"))


@bp.get("/instellingen/e-mail")
@admin_only
def settings_mail():
    """The mails given up on, newest first, and the mails waiting for another try."""
    db = get_session()
    failed = db.exec(given_up().order_by(OutgoingMail.failed_at.desc(),
                                         OutgoingMail.id.desc()).limit(LIST_MAX)).all()
    retrying = db.exec(waiting().order_by(OutgoingMail.created_at,
                                          OutgoingMail.id).limit(LIST_MAX)).all()
    return render_template("staff/mail.html", failed=failed, waiting=retrying,
                           failed_total=_count(db, given_up()),
                           waiting_total=_count(db, waiting()))


@bp.post("/instellingen/e-mail/<int:mail_id>/opnieuw")
@admin_only
def settings_mail_retry(mail_id):
    """Try one mail again now, with a fresh count of attempts."""
    db, row = _posted_mail(mail_id)
    if row.sent_at is not None:
        return _to_list(_("This e-mail has been sent in the meantime."))
    audit.record(db, "mail.retried", actor=current_user, target=row, recipient=row.recipient,
                 subject=row.subject, attempts=row.attempts, last_error=row.last_error)
    outbox.retry(db, row)
    db.commit()
    return _to_list(_("The e-mail to %(email)s will be sent again shortly.",
                      email=row.recipient))


@bp.post("/instellingen/e-mail/opnieuw")
@admin_only
def settings_mail_retry_all():
    """Try every mail that was given up on again (after the mail settings were fixed)."""
    db = get_session()
    require_button()
    rows = db.exec(given_up()).all()
    for row in rows:
        outbox.retry(db, row)
    if rows:
        audit.record(db, "mail.retried_all", actor=current_user, count=len(rows))
    db.commit()
    return _to_list(ngettext("%(num)s e-mail will be sent again shortly.",
                             "%(num)s e-mails will be sent again shortly.", len(rows)))


@bp.post("/instellingen/e-mail/<int:mail_id>/verwijderen")
@admin_only
def settings_mail_delete(mail_id):
    """Delete a mail that was given up on: nobody will try it again."""
    db, row = _posted_mail(mail_id)
    if row.failed_at is None or row.sent_at is not None:
        return _to_list(_("Only an e-mail that has been given up on can be deleted."), "error")
    audit.record(db, "mail.deleted", actor=current_user, target=row, recipient=row.recipient,
                 subject=row.subject, last_error=row.last_error)
    db.delete(row)
    db.commit()
    return _to_list(_("The e-mail to %(email)s has been deleted.", email=row.recipient))
