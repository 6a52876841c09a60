"""Views of the Berichten tab: the list, reading, writing (new, reply, draft), attachments."""
from flask import (
    abort,
    flash,
    redirect,
    request,
    url_for,
)
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import NotFound

from .. import quota, resumable, storage, uploads
from ..access import (
    get_attachment_for,
    get_dossier_for,
    get_draft_for,
    get_message_for,
    visible_messages,
)
from ..db import get_session
from ..forms import claim_form_key
from ..htmx import fragment, is_htmx
from ..models import Message
from ..portal.dossiers import render_dossier_tab, tab_counts, tab_page
from . import bp, drafts
from .forms import MessageForm, counted, upload_limits


@bp.before_request
@login_required
def _clients_only():
    if current_user.is_staff:
        abort(404)


@bp.app_template_filter("filesize")
def _filesize(size):
    if size < 1024 * 1024:
        return _("%(size)s kB", size=format_decimal(max(size / 1024, 0.1), "#,##0.#"))
    return _("%(size)s MB", size=format_decimal(size / (1024 * 1024), "#,##0.#"))


@bp.get("/dossiers/<int:dossier_id>/berichten")
def tab(dossier_id):
    """The Berichten tab: incoming ("Van") and outgoing ("Aan") messages, unread in bold."""
    db = get_session()
    dossier = get_dossier_for(db, current_user, dossier_id)
    counts = tab_counts(db, current_user, dossier)
    page = tab_page(counts, "berichten")
    rows = drafts.dossier_messages(db, current_user, dossier, page)
    unsent = drafts.own_drafts(db, current_user, dossier) if page.number == 1 else []
    return render_dossier_tab(db, dossier, "berichten", "messages/_list.html", counts=counts,
                              messages=rows, unsent=unsent, page=page,
                              names=drafts.names(db, [m for m, _read in rows]),
                              recipient=drafts.recipient(db, dossier))


@bp.get("/berichten/<int:message_id>")
def show(message_id):
    """One message, marked read on opening; the tab bar's unread counts follow."""
    db = get_session()
    message = get_message_for(db, current_user, message_id)
    if message.sent_at is None:
        return redirect(url_for("messages.draft", draft_id=message.id))
    if drafts.opened_here():  # not from a link or page on another site
        drafts.mark_read(db, current_user, message)
    dossier = get_dossier_for(db, current_user, message.dossier_id)
    return render_dossier_tab(db, dossier, "berichten", "messages/_message.html",
                              shown=shown(db, message, dossier))


@bp.route("/dossiers/<int:dossier_id>/berichten/nieuw", methods=["GET", "POST"])
def new(dossier_id):
    """Nieuw bericht: Onderwerp and Bericht, with attachments."""
    db = get_session()
    dossier = get_dossier_for(db, current_user, dossier_id)
    return compose(db, dossier)


@bp.route("/berichten/<int:message_id>/beantwoorden", methods=["GET", "POST"])
def reply(message_id):
    """Beantwoorden: a new message with the original shown under it."""
    db = get_session()
    original = get_message_for(db, current_user, message_id)
    if original.sent_at is None:
        abort(404)
    if drafts.opened_here():  # answering it means it was read
        drafts.mark_read(db, current_user, original)
    dossier = get_dossier_for(db, current_user, original.dossier_id)
    return compose(db, dossier, reply_to=original)


@bp.route("/concepten/<int:draft_id>", methods=["GET", "POST"])
def draft(draft_id):
    """A draft: what was typed and uploaded so far, to finish and send."""
    db = get_session()
    try:
        message = get_draft_for(db, current_user, draft_id)
    except NotFound:
        sent = db.exec(visible_messages(current_user).where(
            Message.id == draft_id, Message.sender_id == current_user.id,
            Message.sent_at.is_not(None))).first()
        if sent is None or request.method != "POST" or request.form.get("action") != "send":
            raise
        return sent_answer(sent.dossier_id)  # the second request of a double click
    dossier = get_dossier_for(db, current_user, message.dossier_id)
    original = (get_message_for(db, current_user, message.reply_to_id)
                if message.reply_to_id else None)
    return compose(db, dossier, draft=message, reply_to=original)


@bp.post("/concepten/<int:draft_id>/bijlagen/<int:document_id>/verwijderen")
def remove_attachment(draft_id, document_id):
    """The bin: take a file off a draft and delete it (keeping what was typed)."""
    db = get_session()
    message = get_draft_for(db, current_user, draft_id)
    document = get_attachment_for(db, current_user, message, document_id)
    form = MessageForm()
    if not is_htmx() and form.validate() and form.has_content():
        message.subject, message.body = form.subject.data, form.body.data
    keys = [drafts.remove_attachment(db, current_user, message, document)]
    db.commit()
    drafts.remove_files(keys)
    if is_htmx():
        return fragment("messages/_attachments.html", removed=document.filename,
                        **attachment_context(db, message))
    flash(_("“%(name)s” has been removed.", name=document.filename), "success")
    return redirect(url_for("messages.draft", draft_id=message.id))


@bp.post("/concepten/<int:draft_id>/verwijderen")
def discard(draft_id):
    """Delete a draft with its attachments."""
    db = get_session()
    message = get_draft_for(db, current_user, draft_id)
    keys = drafts.discard(db, message, actor=current_user)
    db.commit()
    drafts.remove_files(keys)
    flash(_("The draft has been deleted."), "success")
    return redirect(url_for("messages.tab", dossier_id=message.dossier_id))


@bp.route("/dossiers/<int:dossier_id>/berichten/teller", methods=["GET", "POST"])
def counter(dossier_id):
    """The live counter "N van 4000 tekens"; a direct load gets the form it belongs to."""
    db = get_session()
    dossier = get_dossier_for(db, current_user, dossier_id)
    form = MessageForm()
    if not is_htmx():
        return compose_page(db, dossier, form)
    return fragment("messages/_counter.html", **counted(form.body.data))


# ---- helpers of the views above

def compose(db, dossier, draft=None, reply_to=None):
    """Show the message form, or handle it: keep the draft, store uploads, send."""
    if request.method == "GET":
        return compose_page(db, dossier, MessageForm(**typed_so_far(draft, reply_to)), draft,
                            reply_to)
    form = MessageForm()
    files = (uploads.chosen_files(form.files.data or [])
             + resumable.chosen(db, current_user, f"message:{dossier.id}"))
    sending = form.action == "send"
    valid = form.validate_on_submit()
    if not valid and files and set(form.errors) <= {"subject", "body"}:
        return keep_refused(db, dossier, form, files, draft, reply_to, sending)
    if not valid or not (draft or form.has_content() or files):
        if sending:  # too long, or nothing typed at all: nothing worth a draft yet
            form.ready_to_send()
        return compose_page(db, dossier, form, draft, reply_to,
                            status=400 if form.errors else 200)
    created = draft is None
    try:
        # What was typed is safe before the slow part, and no lock is held during it.
        draft = save_typed(db, dossier, draft, reply_to, form.subject.data, form.body.data)
        if created and not sending:  # a new draft: made once, whatever the clicks
            earlier = claimed_elsewhere(db, form, draft_url(draft), draft)
            if earlier is not None:
                return redirect(earlier)
            db.commit()
        problems = store(db, draft, files)
    except (quota.Exceeded, storage.InsufficientStorage) as refused:
        return storage_refused(db, dossier, form, draft, reply_to, refused)
    if sending and not problems and form.ready_to_send():
        tab_url = url_for("messages.tab", dossier_id=dossier.id)
        if claimed_elsewhere(db, form, tab_url, draft if created else None) is not None:
            return sent_answer(dossier.id)  # the other request of a double click sent it
        if drafts.send(db, current_user, draft):
            db.commit()
        else:  # the other request of a double click sent it
            db.rollback()
        return sent_answer(dossier.id)
    if sending and not problems:  # Onderwerp or Bericht missing; the files are kept
        if created:
            earlier = claimed_elsewhere(db, form, draft_url(draft), draft)
            if earlier is not None:
                return redirect(earlier)
            db.commit()
        return compose_page(db, dossier, form, draft, reply_to, status=400)
    flash_outcome(sending, files, problems)
    return redirect(url_for("messages.draft", draft_id=draft.id))


def draft_url(draft):
    """The page of a draft."""
    return url_for("messages.draft", draft_id=draft.id)


def claimed_elsewhere(db, form, result, own_draft=None):
    """Claim the form's one-time key (app/forms.py), noting `result`; not committed. When
    the other request of a double click claimed it first, this request's own new draft
    goes (with its files) and the answer is where that one led; else None."""
    earlier = claim_form_key(db, current_user, form.form_key.data, result)
    if earlier is None:
        return None
    db.rollback()
    if own_draft is not None:
        keys = drafts.discard(db, own_draft, actor=current_user)
        db.commit()
        drafts.remove_files(keys)
    return earlier


def sent_answer(dossier_id):
    """After Versturen: back to the Berichten tab, saying the message was sent."""
    flash(_("Your message has been sent."), "success")
    return redirect(url_for("messages.tab", dossier_id=dossier_id))


def keep_refused(db, dossier, form, files, draft, reply_to, sending):
    """A text or subject too long, sent with files (no JavaScript): keep the files on the
    draft and give everything typed back with the message, so nothing is lost."""
    try:
        draft = save_typed(db, dossier, draft, reply_to,
                           (form.subject.data or "")[:drafts.MAX_SUBJECT], form.body.data)
        problems = store(db, draft, files)
    except (quota.Exceeded, storage.InsufficientStorage) as refused:
        return storage_refused(db, dossier, form, draft, reply_to, refused)
    flash_outcome(False, files, problems)
    if sending:
        form.ready_to_send()
        flash(_("Your message has not been sent yet."), "error")
    return compose_page(db, dossier, form, draft, reply_to, status=400)


def save_typed(db, dossier, draft, reply_to, subject, body):
    """Keep what was typed in the draft (a new one when `draft` is None) and commit. Raises
    quota.Exceeded (too many drafts) or storage.InsufficientStorage (the database's disk is
    full), saving nothing."""
    try:
        draft = drafts.save_draft(db, current_user, dossier, draft, reply_to, subject, body)
        db.commit()
    except DBAPIError as error:
        db.rollback()
        if storage.is_disk_full(error):
            raise storage.InsufficientStorage() from error
        raise
    except quota.Exceeded:
        db.rollback()
        raise
    return draft


def storage_refused(db, dossier, form, draft, reply_to, refused):
    """The form again with everything typed, saying why nothing (more) was stored: the
    client's quota (400), or a full disk (507, "Insufficient Storage")."""
    db.rollback()
    if isinstance(refused, quota.Exceeded):
        flash(refused.message, "error")
    else:
        flash(_("There is no storage space left on the server right now, so your files have "
                "not been stored. What you typed is still in the form below; try again "
                "later."), "error")
    if form.action == "send":
        flash(_("Your message has not been sent yet."), "error")
    return compose_page(db, dossier, form, draft, reply_to,
                        status=400 if isinstance(refused, quota.Exceeded) else 507)


def typed_so_far(draft, reply_to):
    """The form's first values: the draft's, or "Re: <subject>" for a reply."""
    if draft is not None:
        return {"subject": draft.subject, "body": draft.body}
    return {"subject": drafts.reply_subject(reply_to.subject) if reply_to else ""}


def flash_outcome(sending, files, problems):
    """Say what became of the uploads, and that a message with a refused file waits."""
    for problem in problems:
        flash(problem, "error")
    if sending:
        flash(_("Your message has not been sent yet."), "error")
    elif files and len(problems) < len(files):
        flash(ngettext("%(num)s file has been added.", "%(num)s files have been added.",
                       len(files) - len(problems)), "success")
    elif not files:
        flash(_("Your draft has been saved."), "success")


def store(db, draft, files):
    """Stream the uploads to disk, then commit their rows; returns the problems."""
    if not files:
        return []
    count, used = drafts.attached_size(db, draft)
    room = quota.room(db, current_user)
    db.commit()  # end the read transaction before the slow disk work
    documents, problems = uploads.store_uploads(db, current_user, draft, files, used, room,
                                                count)
    try:
        db.commit()
    except Exception as error:
        db.rollback()
        drafts.remove_files([d.storage_key for d in documents])
        if storage.is_disk_full(error):
            raise storage.InsufficientStorage() from error
        raise
    return problems


def compose_page(db, dossier, form, draft=None, reply_to=None, status=200):
    """The message form in the dossier's Berichten tab."""
    if draft is not None:
        action = url_for("messages.draft", draft_id=draft.id)
    elif reply_to is not None:
        action = url_for("messages.reply", message_id=reply_to.id)
    else:
        action = url_for("messages.new", dossier_id=dossier.id)
    context = dict(form=form, action=action, recipient=drafts.recipient(db, dossier),
                   counter_url=url_for("messages.counter", dossier_id=dossier.id),
                   original=shown(db, reply_to, dossier) if reply_to else None, keeps_drafts=True,
                   **counted(form.body.data), **attachment_context(db, draft), **upload_limits())
    response = render_dossier_tab(db, dossier, "berichten", "messages/_compose.html", **context)
    response.status_code = status
    return response


def attachment_context(db, draft):
    """The files on a draft, and how much of the per-message room they use."""
    files = drafts.attachments(db, current_user, draft) if draft is not None else []
    return dict(draft=draft, attachments=files, used=sum(d.size for d in files))


def shown(db, message, dossier):
    """What a message shows the client (drafts.shown)."""
    return drafts.shown(db, message, dossier, visible_messages(current_user),
                        lambda m: drafts.attachments(db, current_user, m))
