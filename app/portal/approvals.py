"""Ter goedkeuring on the client's side: the page of a request for approval with every
version, "Akkoord" after confirming who is approving (the password, or a code of the
client's two-step method), "Niet akkoord" with comments that become a message in Berichten,
and the receipt of an approval. The logic is app/approvals.py."""
import logging
import os

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlmodel import select
from wtforms import HiddenField, IntegerField, PasswordField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError
from wtforms.widgets import HiddenInput

from .. import approvals, audit, passkeys, seal, sms, storage, twostep
from ..access import get_approval_for, open_approvals
from ..account.common import password_again, signed_in
from ..auth.login import check_code, check_passkey, retry_after
from ..dates import local
from ..db import one_or_404
from ..forms import multi_line, require_button, single_line, strip
from ..messages import drafts
from ..messages.forms import body_length
from ..models import (
    APPROVAL_OPEN,
    Approval,
    ApprovalDecision,
    ApprovalVersion,
    Document,
    Dossier,
    utcnow,
)
from ..security import PASSWORD_MAX_LENGTH
from . import bp

log = logging.getLogger(__name__)
EXPIRED_FORM = _l("This form has expired. Please open the page again.")


class PasswordConfirmForm(FlaskForm):
    """Akkoord geven by a client without two-step verification: the version shown and the
    password."""
    version_id = IntegerField(widget=HiddenInput(), validators=[InputRequired(EXPIRED_FORM)])
    password = PasswordField(_l("Your password"), validators=[
        DataRequired(_l("Enter your password.")), Length(max=PASSWORD_MAX_LENGTH)])


class PasskeyConfirmForm(FlaskForm):
    """Akkoord geven confirmed with a passkey: the version shown and the browser's answer
    (filled in by static/js/passkeys.js)."""
    version_id = IntegerField(widget=HiddenInput(), validators=[InputRequired(EXPIRED_FORM)])
    credential = HiddenField(validators=[
        DataRequired(_l("Your passkey was not used. Try again, or use another way.")),
        Length(max=20_000, message=_l("Your passkey could not be verified. Try again, or "
                                      "log in another way."))])


class CodeConfirmForm(FlaskForm):
    """Akkoord geven with two-step verification: the version shown and a code of the
    chosen method (app.auth.login.check_code reads `code`)."""
    version_id = IntegerField(widget=HiddenInput(), validators=[InputRequired(EXPIRED_FORM)])
    code = StringField(_l("Code"), filters=[single_line], validators=[
        DataRequired(_l("Enter the code.")), Length(max=40)])


class RefuseForm(FlaskForm):
    """Niet akkoord: the version shown and the client's comments, like a message."""
    version_id = IntegerField(widget=HiddenInput(), validators=[InputRequired(EXPIRED_FORM)])
    comments = TextAreaField(_l("Your comments"), filters=[multi_line, strip], validators=[
        DataRequired(_l("Enter your comments: what should be different?"))])

    def validate_comments(self, field):
        if body_length(field.data) > approvals.MAX_NOTE:
            raise ValidationError(_l("Your comments may be at most %(max)s characters long.",
                                     max=approvals.MAX_NOTE))


# ---- what the Acties list, the menu and the Documenten tab show

def open_approval_rows(db, user):
    """The requests for approval waiting for `user` (Acties): (approval, dossier number,
    overdue), the nearest deadline first, then the oldest."""
    rows = db.execute(open_approvals(user)
                      .join(Dossier, Dossier.id == Approval.dossier_id)
                      .add_columns(Dossier.number)
                      .order_by(Approval.deadline.is_(None), Approval.deadline,
                                Approval.created_at, Approval.id)).all()
    return [(approval, number, overdue(approval)) for approval, number in rows]


def awaiting_approval(db, user, dossier):
    """{document id: approval id} of the documents in `dossier` that wait for `user`'s
    approval (the Documenten tab marks them)."""
    waiting = open_approvals(user).where(Approval.dossier_id == dossier.id) \
        .with_only_columns(Approval.id)
    return dict(db.execute(select(ApprovalVersion.document_id, ApprovalVersion.approval_id)
                           .where(ApprovalVersion.approval_id.in_(waiting),
                                  ApprovalVersion.state == APPROVAL_OPEN)).all())


def overdue(approval):
    """True when an open request's deadline has passed."""
    return bool(approval.state == APPROVAL_OPEN and approval.deadline is not None
                and local(utcnow()).date() > approval.deadline)


def short_hash(sha256):
    """The start of a SHA-256 the client is shown, in groups of four: "3f2a 9c01 …"."""
    start = sha256[:approvals.SHORT_HASH]
    return " ".join(start[i:i + 4] for i in range(0, len(start), 4))


# ---- the page of a request for approval

def _approval_or_404(approval_id):
    """(db, user, approval, dossier, current version) of a request sent to the current
    client, else 404."""
    db, user = signed_in()
    approval = get_approval_for(db, user, approval_id)
    return db, user, approval, db.get(Dossier, approval.dossier_id), \
        approvals.current_version(db, approval)


@bp.get("/acties/goedkeuren/<int:approval_id>")
def approval(approval_id):
    """A request for approval: the firm's note, the current version to download and decide
    on, and every version with what became of it."""
    db, _user, approval, dossier, version = _approval_or_404(approval_id)
    history = approvals.history(db, approval)
    return render_template("portal/approval.html", approval=approval, dossier=dossier,
                           version=version, document=db.get(Document, version.document_id),
                           history=history,
                           decision=next(d for v, d in history if v.id == version.id),
                           overdue=overdue(approval))


def _waiting(approval, version, form=None):
    """None while `version` (the newest) waits for the client's decision and `form`, if
    given, was filled in for it; else the way back to the page saying why nothing is
    decided (a decision taken in another tab, or a newer version published meanwhile)."""
    if version.state != APPROVAL_OPEN:
        flash(_("There is no decision to take on this document now."), "info")
    elif form is not None and form.version_id.data not in (None, version.id):
        flash(NEWER, "error")
    else:
        return None
    return redirect(url_for("portal.approval", approval_id=approval.id), 303)


NEWER = _l("A newer version of this document has been published since you opened the page, "
           "so nothing has been decided. Look at the new version first.")


def _form_page(template, approval, dossier, version, form, status=200, **context):
    """The confirmation or the refusal page of `version`."""
    form.version_id.data = form.version_id.data or version.id
    return render_template(template, approval=approval, dossier=dossier, version=version,
                           form=form, short_hash=short_hash(version.sha256), **context), status


def _decided(db, user, approval, version_id, approved, refused):
    """After approvals.decide refused: when this very decision was taken meanwhile (the
    other request of a double click, or another tab), say it was; else why not. Back to the
    page either way."""
    taken = db.exec(select(ApprovalDecision).where(
        ApprovalDecision.version_id == version_id, ApprovalDecision.client_id == user.id,
        ApprovalDecision.approved.is_(approved))).first()
    if taken is None:
        flash(str(refused.message), "error")
    else:
        flash(_done(approval, taken), "success")
    return redirect(url_for("portal.approval", approval_id=approval.id), 303)


def _done(approval, decision):
    """What the client is told once they decided."""
    if decision.approved:
        return _("You have approved version %(num)s of “%(title)s”. Your receipt is ready "
                 "to download below.", num=decision.version, title=approval.title)
    return _("Your comments on version %(num)s of “%(title)s” have been sent to us; you find "
             "them under Messages in the dossier.", num=decision.version, title=approval.title)


# ---- Akkoord: confirm who is approving, then decide

@bp.route("/acties/goedkeuren/<int:approval_id>/akkoord", methods=["GET", "POST"])
def approval_confirm(approval_id):
    """Akkoord geven: the page shows exactly which file is approved (name, version, date,
    the start of its SHA-256) and asks for the password, or with two-step verification a
    code of the chosen method; the decision is bound to the version shown."""
    db, user, approval, dossier, version = _approval_or_404(approval_id)
    methods = twostep.methods_of(user) if user.two_step_enabled else []
    method = request.args.get("method", methods[0] if methods else "password")
    if methods and method not in methods:
        abort(404)
    if method == twostep.METHOD_PASSKEY:
        form = PasskeyConfirmForm()
    else:
        form = CodeConfirmForm() if methods else PasswordConfirmForm()
    back = _waiting(approval, version, form if request.method == "POST" else None)
    if back is not None:
        return back
    context = dict(method=method, methods=methods, digits=twostep.phone_ending(user.sms_phone))
    if request.method == "GET":
        return _form_page("portal/approval_confirm.html", approval, dossier, version, form,
                          **context)
    proved, status, wait = _confirm(db, user, form, method)
    if proved is None:
        page, status = _form_page("portal/approval_confirm.html", approval, dossier, version,
                                  form, status, **context)
        return page, status, retry_after(wait)
    try:
        decision = approvals.decide(db, user, approval, version.id, True, confirmed_with=proved)
    except approvals.Refused as refused:
        return _decided(db, user, approval, version.id, True, refused)
    if proved == twostep.KIND_RECOVERY:
        twostep.mail_change(db, user, "recovery_used")
    db.commit()
    later = False
    try:  # the receipt can be made later, on its first download: the approval stands
        approvals.make_receipt(db, decision)
    except seal.NoTimestamp:  # logged by seal
        db.rollback()
        later = True
    except Exception:
        db.rollback()
        log.exception("the receipt of approval decision %s could not be made", decision.id)
    if later:  # say so now rather than promise a receipt the next click cannot give
        flash(_("You have approved version %(num)s of “%(title)s”.", num=decision.version,
                title=approval.title), "success")
        flash(approvals.RECEIPT_LATER, "warning")
    else:
        flash(_done(approval, decision), "success")
    if proved == twostep.KIND_RECOVERY:
        flash(_("You have used your recovery code, which cannot be used again. Set up "
                "two-step verification again under My details."), "warning")
    return redirect(url_for("portal.approval", approval_id=approval.id), 303)


def _confirm(db, user, form, method):
    """(how the client proved it is them, or None; status; pause in seconds): the password,
    or a two-step code, counted and paused like the login's."""
    if method == "password":
        if not form.validate_on_submit():
            return None, 400, 0
        if password_again(db, user, form.password):
            return "password", 200, 0
        return None, 400, 0
    if method == twostep.METHOD_PASSKEY:
        return check_passkey(db, user, form, passkeys.CONFIRM)

    def verify(code):
        if method == twostep.METHOD_SMS:
            return twostep.check_sms_code(db, user, twostep.SMS_APPROVAL, user.sms_phone, code) \
                or twostep.METHOD_SMS
        return twostep.verify_login(db, user, method, code)

    return check_code(db, user, form, method, verify)


@bp.post("/acties/goedkeuren/<int:approval_id>/akkoord/sms")
def approval_sms(approval_id):
    """Send a code by SMS to confirm an approval (the client's verified number)."""
    db, user, approval, _dossier, version = _approval_or_404(approval_id)
    if not user.sms_enabled:
        abort(404)
    require_button()
    back = _waiting(approval, version)
    if back is not None:
        return back
    try:
        refused = twostep.send_sms_code(db, user, twostep.SMS_APPROVAL, user.sms_phone)
    except sms.SmsError:
        flash(_("The SMS could not be sent. Try again in a moment, or confirm another way."),
              "error")
    else:
        if refused == twostep.DAY:
            flash(_("Too many text messages have been sent today. Try again tomorrow, or "
                    "confirm another way."), "error")
        elif refused:
            flash(_("Too many text messages have been sent. Wait an hour, or confirm another "
                    "way."), "error")
        else:
            flash(_("We have sent a code by SMS to your mobile number ending in %(digits)s.",
                    digits=twostep.phone_ending(user.sms_phone)), "info")
    return redirect(url_for("portal.approval_confirm", approval_id=approval.id,
                            method=twostep.METHOD_SMS), 303)


# ---- Niet akkoord: comments, sent as a message in Berichten

@bp.route("/acties/goedkeuren/<int:approval_id>/niet-akkoord", methods=["GET", "POST"])
def approval_refuse(approval_id):
    """Niet akkoord / opmerkingen: the comments become a message from the client in the
    dossier's Berichten, in the same transaction as the decision on the version shown."""
    db, user, approval, dossier, version = _approval_or_404(approval_id)
    form = RefuseForm()
    back = _waiting(approval, version, form if request.method == "POST" else None)
    if back is not None:
        return back
    if request.method == "GET" or not form.validate_on_submit():
        return _form_page("portal/approval_refuse.html", approval, dossier, version, form,
                          400 if request.method == "POST" else 200,
                          maximum=approvals.MAX_NOTE)
    message = drafts.new_message(user, dossier)
    message.subject = _("Not approved: %(title)s (version %(num)s)", title=approval.title,
                        num=version.number)[:drafts.MAX_SUBJECT]
    message.body = form.comments.data
    db.add(message)
    db.flush()
    drafts.send(db, user, message)
    try:
        decision = approvals.decide(db, user, approval, version.id, False, message=message)
    except approvals.Refused as refused:  # rolled back: the message is gone too
        return _decided(db, user, approval, version.id, False, refused)
    db.commit()
    flash(_done(approval, decision), "success")
    return redirect(url_for("portal.approval", approval_id=approval.id), 303)


# ---- the receipt

@bp.get("/acties/goedkeuren/<int:approval_id>/ontvangstbevestiging/<int:decision_id>")
def approval_receipt(approval_id, decision_id):
    """The receipt of the client's own approval (a sealed PDF), as an attachment; made now
    when making it right after the approval failed (a 503 while that cannot be done)."""
    db, user, approval, _dossier, _version = _approval_or_404(approval_id)
    decision = approvals.receipt_made(db, one_or_404(db, select(ApprovalDecision).where(
        ApprovalDecision.id == decision_id, ApprovalDecision.approval_id == approval.id,
        ApprovalDecision.client_id == user.id, ApprovalDecision.approved.is_(True))))
    if not os.path.exists(storage.path_for(decision.receipt_key)):
        abort(404)
    audit.record(db, "approval.receipt_downloaded", actor=user, target=approval,
                 dossier_id=approval.dossier_id, version=decision.version)
    db.commit()
    return storage.send_stored(decision.receipt_key, content_type="application/pdf",
                               filename=approvals.receipt_name(approval, decision),
                               etag=decision.receipt_sha256)
