"""Staff side: Ter goedkeuring. Publish a document for a client's approval, publish new
versions of it, follow what the client decided on each, and download the receipt of an
approval (and the sealed copy of the approved PDF). The logic is app/approvals.py."""
import os

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from sqlmodel import func, select
from wtforms import StringField, TextAreaField
from wtforms.validators import Length

from .. import approvals, audit, storage, uploads
from ..db import get_session
from ..documents import MAX_TITLE, store_files
from ..forms import FormKeyField, multi_line, require_button, single_line, strip
from ..messages.forms import upload_limits
from ..models import (
    APPROVAL_APPROVED,
    APPROVAL_OPEN,
    APPROVAL_REFUSED,
    APPROVAL_VOID,
    Approval,
    ApprovalVersion,
    Document,
    Dossier,
    User,
)
from ..notifications import dossier_clients
from . import bp
from .access import get_staff_approval, get_staff_dossier, on_behalf
from .approval_steps import approved_decision, overdue, publish_once, send_receipt
from .request_forms import RequestForm, today

# The states of each version, and of a request for approval, as staff read them: a
# version is void once a newer one is published, a request once the firm withdrew it.
STATES = {APPROVAL_OPEN: _l("Waiting for approval"), APPROVAL_APPROVED: _l("Approved"),
          APPROVAL_REFUSED: _l("Not approved"), APPROVAL_VOID: _l("Void: a newer version")}
REQUEST_STATES = {**STATES, APPROVAL_VOID: _l("Void: withdrawn by the firm")}


class ApprovalForm(RequestForm):
    """Ter goedkeuring publiceren: the file, its title and a note, besides the client and
    the deadline of RequestForm."""
    file = FileField(_l("File"))
    title = StringField(_l("Title (optional)"), filters=[single_line], validators=[
        Length(max=MAX_TITLE, message=_l("The title may be at most %(max)d characters "
                                         "long."))])
    note = TextAreaField(_l("Note to the client (optional)"), filters=[multi_line, strip],
                         validators=[Length(max=approvals.MAX_NOTE, message=_l(
                             "The note may be at most %(max)d characters long."))])


class VersionForm(FlaskForm):
    """A new version: only its file."""
    file = FileField(_l("File of the new version"))
    form_key = FormKeyField()  # a double click publishes once


# ---- a dossier's requests for approval

@bp.get("/dossiers/<int:dossier_id>/goedkeuring")
def dossier_approvals(dossier_id):
    """The requests for approval of one dossier, open ones first."""
    db = get_session()
    dossier = get_staff_dossier(db, current_user, dossier_id)
    found = db.exec(select(Approval).where(Approval.dossier_id == dossier.id)
                    .order_by(Approval.state != APPROVAL_OPEN, Approval.created_at.desc(),
                              Approval.id.desc())).all()
    clients = _names(db, {a.client_id for a in found})
    ids = [a.id for a in found]
    versions = dict(db.exec(select(ApprovalVersion.approval_id, func.max(ApprovalVersion.number))
                            .where(ApprovalVersion.approval_id.in_(ids))
                            .group_by(ApprovalVersion.approval_id)).all()) if ids else {}
    day = today()
    rows = [dict(approval=a, client=clients.get(a.client_id, ""), version=versions.get(a.id),
                 overdue=overdue(a, day)) for a in found]
    return render_template("staff/approvals.html", dossier=dossier, rows=rows,
                           states=REQUEST_STATES,
                           has_clients=bool(dossier_clients(db, dossier.id)))


@bp.route("/dossiers/<int:dossier_id>/goedkeuring/nieuw", methods=["GET", "POST"])
def approval_new(dossier_id):
    """Ter goedkeuring publiceren: one file goes into Documenten and to one client account
    of the dossier for approval, with an optional deadline and note."""
    db = get_session()
    dossier = get_staff_dossier(db, current_user, dossier_id)
    clients = sorted(dossier_clients(db, dossier.id), key=lambda u: (u.name.lower(), u.id))
    form = ApprovalForm(clients)
    if request.method == "GET":
        if len(clients) == 1:
            form.client.data = clients[0].id
        return _new_page(dossier, form)
    files = uploads.chosen_files([form.file.data])
    valid = form.validate_on_submit()
    if not files:
        form.file.errors = [*form.file.errors, _("Choose the file to publish for approval.")]
    if not valid or not files:
        return _new_page(dossier, form, status=400)
    db.commit()  # end the read transaction: no database lock is held during the disk work
    stored, problems = store_files(files, [form.title.data])
    if problems:
        return _new_page(dossier, form, problems=problems, status=400)
    client = form.chosen_client()

    def send(document):
        approval = approvals.new_approval(
            db, dossier=dossier, client=client, sent_by=current_user, document=document,
            title=document.title, note=form.note.data, deadline=form.deadline_date,
            detail=on_behalf(current_user, dossier))
        return url_for(".approval", approval_id=approval.id), approval

    target, approval = publish_once(db, current_user, dossier, stored, send,
                                    form.form_key.data)
    if approval is None:
        return redirect(target, 303)
    flash(_("“%(title)s” has been published in Documents and sent to %(name)s for approval. "
            "It is under Actions in the client portal, and the client gets an e-mail that "
            "there is something new.", title=approval.title, name=client.name), "success")
    return redirect(target, 303)


def _new_page(dossier, form, problems=(), status=200):
    """The form of Ter goedkeuring publiceren, as opened or with what is wrong."""
    return render_template("staff/approval_new.html", dossier=dossier, form=form,
                           problems=problems, today_iso=today().isoformat(),
                           dossier_part="staff.dossier_approvals", **upload_limits()), status


# ---- one request for approval: its versions and what the client decided

def _approval_or_404(approval_id):
    """(db, approval, dossier) for a request for approval the staff member may see, else
    404."""
    db = get_session()
    approval = get_staff_approval(db, current_user, approval_id)
    return db, approval, db.get(Dossier, approval.dossier_id)


@bp.get("/goedkeuring/<int:approval_id>")
def approval(approval_id):
    """A request for approval: its state and note, and every version with who published it
    and what the client decided on it, with the evidence and the receipt."""
    db, approval, dossier = _approval_or_404(approval_id)
    return render_template("staff/approval.html", **_context(db, approval, dossier))


def _context(db, approval, dossier):
    """What the page of a request for approval shows."""
    history = approvals.history(db, approval)
    people = _names(db, {approval.client_id, approval.sent_by_id}
                    | {version.published_by_id for version, _decision in history})
    ids = [version.document_id for version, _decision in history]
    documents = {d.id: d for d in db.exec(select(Document).where(Document.id.in_(ids)))} \
        if ids else {}
    client = db.get(User, approval.client_id)
    return dict(approval=approval, dossier=dossier, dossier_part="staff.dossier_approvals",
                client=client, people=people, history=history, documents=documents,
                states=STATES, request_states=REQUEST_STATES,
                confirmation_label=approvals.confirmation_label, overdue=overdue(approval))


@bp.route("/goedkeuring/<int:approval_id>/nieuwe-versie", methods=["GET", "POST"])
def approval_version(approval_id):
    """Publish a new version: the file goes into Documenten, earlier versions become void
    (an approval of one too) and the client is asked again."""
    db, approval, dossier = _approval_or_404(approval_id)
    form = VersionForm()
    if request.method == "GET":
        return _version_page(db, approval, dossier, form)
    files = uploads.chosen_files([form.file.data])
    valid = form.validate_on_submit()
    if not files:
        form.file.errors = [*form.file.errors, _("Choose the file of the new version.")]
    if not valid or not files:
        return _version_page(db, approval, dossier, form, status=400)
    db.commit()  # no database lock during the disk work
    stored, problems = store_files(files, [approval.title])
    if problems:
        return _version_page(db, approval, dossier, form, problems=problems, status=400)
    def add_version(document):
        return url_for(".approval", approval_id=approval.id), approvals.new_version(
            db, current_user, approval, document, detail=on_behalf(current_user, dossier))

    target, version = publish_once(db, current_user, dossier, stored, add_version,
                                   form.form_key.data)
    if version is None:
        return redirect(target, 303)
    flash(_("Version %(num)s of “%(title)s” has been published. Earlier versions are void: "
            "the client is asked again and gets an e-mail that there is something new.",
            num=version.number, title=approval.title), "success")
    return redirect(target, 303)


def _version_page(db, approval, dossier, form, problems=(), status=200):
    """The form of a new version, as opened or with what is wrong."""
    return render_template(
        "staff/approval_version.html", approval=approval, dossier=dossier, form=form,
        problems=problems, current=approvals.current_version(db, approval), states=STATES,
        dossier_part="staff.dossier_approvals", **upload_limits()), status


@bp.route("/goedkeuring/<int:approval_id>/intrekken", methods=["GET", "POST"])
def approval_withdraw(approval_id):
    """Withdraw a request for approval after a confirmation: it is void, the client is no
    longer asked; decisions taken and their receipts stay."""
    db, approval, dossier = _approval_or_404(approval_id)
    back = url_for(".approval", approval_id=approval.id)
    if request.method == "GET":
        return render_template("staff/approval_withdraw.html", approval=approval,
                               dossier=dossier, back=back,
                               dossier_part="staff.dossier_approvals")
    require_button()
    if approvals.withdraw(db, current_user, approval, detail=on_behalf(current_user, dossier)):
        db.commit()
    flash(_("“%(title)s” has been withdrawn: the client is no longer asked to approve it.",
            title=approval.title), "success")
    return redirect(back, 303)


# ---- the receipt of an approval, and the sealed copy of the approved PDF

def _approved_or_404(approval_id, decision_id):
    """(db, approval, decision): an approval of a request the staff member may see, its
    receipt made if it was not yet; else 404."""
    db, approval, _dossier = _approval_or_404(approval_id)
    return db, approval, approved_decision(db, approval, decision_id)


@bp.get("/goedkeuring/<int:approval_id>/ontvangstbevestiging/<int:decision_id>")
def approval_receipt(approval_id, decision_id):
    """The receipt of an approval (a sealed PDF), as an attachment; audited."""
    db, approval, decision = _approved_or_404(approval_id, decision_id)
    return send_receipt(db, current_user, approval, decision)


@bp.get("/goedkeuring/<int:approval_id>/verzegeld/<int:decision_id>")
def approval_sealed(approval_id, decision_id):
    """The approved PDF with the firm's seal (when the firm seals approved documents), as
    an attachment; audited as a download of the approved document."""
    db, approval, decision = _approved_or_404(approval_id, decision_id)
    if not decision.sealed_key or not os.path.exists(storage.path_for(decision.sealed_key)):
        abort(404)
    version = db.get(ApprovalVersion, decision.version_id)
    audit.record(db, "document.downloaded", actor=current_user,
                 target=db.get(Document, version.document_id), dossier_id=approval.dossier_id,
                 staff=True, sealed=True)
    db.commit()
    stem, extension = os.path.splitext(decision.filename)
    sealed = _("sealed")
    return storage.send_stored(decision.sealed_key, content_type="application/pdf",
                               filename=f"{stem}-{sealed}{extension}", etag=False)


def _names(db, ids):
    """{user id: name} of the accounts `ids`."""
    ids = set(ids) - {None}
    return dict(db.exec(select(User.id, User.name).where(User.id.in_(ids))).all()) \
        if ids else {}
