"""Staff side: the inbox of client messages, reading, replying and writing to a dossier's
clients, as oneself or on behalf of a lawyer ("namens")."""
from flask import (
    abort,
    flash,
    has_request_context,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import case
from sqlmodel import and_, func, select
from wtforms import SelectField, ValidationError
from wtforms.fields.choices import SelectChoice

from .. import resumable, uploads
from ..db import get_session, is_whole_number
from ..forms import claim_form_key
from ..htmx import fragment, is_htmx, page_or_fragment
from ..messages import drafts
from ..messages.forms import MessageForm, counted, upload_limits
from ..models import (
    ROLE_ADMIN,
    ROLE_SECRETARY,
    Document,
    Dossier,
    Message,
    MessageAttachment,
    MessageRead,
    User,
)
from ..pages import Page, asked_page, page_size
from . import bp
from .access import (
    get_staff_dossier,
    get_staff_message,
    staff_documents,
)
from .unseen import client_messages, unread_count

MYSELF = 0  # the sender choice of an admin writing in their own name


def _sender_id(value):
    # Not int: a tampered value must give our own message, not WTForms' English.
    return int(value) if is_whole_number(value) else None


class StaffMessageForm(MessageForm):
    sender = SelectField(_l("Send on behalf of"), coerce=_sender_id, validate_choice=False)

    def validate_sender(self, field):
        # Only the choices of this dossier (sender_choices): a value posted by hand is refused.
        if field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(_l("You may not write on behalf of this person in this "
                                     "dossier. Choose a sender from the list."))


@bp.app_context_processor
def _new_messages_badge():
    # The "new" count beside Berichten in the staff menu, on every staff page.
    if has_request_context() and current_user.is_authenticated and current_user.is_staff:
        return {"staff_unread": unread_count(get_session(), current_user)}
    return {}


@bp.get("/berichten")
def inbox():
    """Client messages across the dossiers this staff member may see, unread first."""
    db = get_session()
    query = inbox_query(current_user)
    listed = query.subquery()
    total, unread = db.execute(select(
        func.count(), func.sum(case((listed.c.read_at.is_(None), 1), else_=0)))).one()
    page = Page.clamped(asked_page(), page_size(), total)
    rows = db.execute(query.order_by(case((MessageRead.read_at.is_(None), 0), else_=1),
                                     Message.sent_at.desc(), Message.id.desc())
                      .offset(page.offset).limit(page.size)).all()
    return page_or_fragment("staff/inbox.html", "staff/_inbox.html", rows=rows, page=page,
                            unread=int(unread or 0))


@bp.route("/dossiers/<int:dossier_id>/berichten", methods=["GET", "POST"])
def dossier_messages(dossier_id):
    """The dossier's messages, newest first, and the form for a new message to its clients."""
    db = get_session()
    dossier = get_staff_dossier(db, current_user, dossier_id)
    form = message_form(db, dossier)
    if request.method == "GET":
        return thread_page(db, dossier, form)
    problems = send_from(db, dossier, form)
    if problems is None:
        return redirect(url_for("staff.dossier_messages", dossier_id=dossier.id))
    return thread_page(db, dossier, form, problems=problems, status=400)


@bp.get("/berichten/<int:message_id>")
def message(message_id):
    """One message with its attachments; opening a client's message marks it read for
    this staff member."""
    db = get_session()
    found = sent_message(db, message_id)
    dossier = get_staff_dossier(db, current_user, found.dossier_id)
    if found.from_client and drafts.opened_here():  # not from a link on another site
        drafts.mark_read(db, current_user, found)
    return render_template("staff/message.html", dossier=dossier,
                           shown=shown(db, found, dossier))


@bp.route("/berichten/<int:message_id>/beantwoorden", methods=["GET", "POST"])
def reply(message_id):
    """Beantwoorden: a message to the dossier's clients with the original under it."""
    db = get_session()
    original = sent_message(db, message_id)
    dossier = get_staff_dossier(db, current_user, original.dossier_id)
    if original.from_client and drafts.opened_here():  # answering it means it was read
        drafts.mark_read(db, current_user, original)
    form = message_form(db, dossier, subject=drafts.reply_subject(original.subject))
    problems = []
    if request.method == "POST":
        problems = send_from(db, dossier, form, reply_to=original)
        if problems is None:
            return redirect(url_for("staff.dossier_messages", dossier_id=dossier.id))
    response = make_response(render_template(
        "staff/message_reply.html", dossier=dossier, problems=problems,
        original=shown(db, original, dossier),
        **compose_context(form, dossier, url_for("staff.reply", message_id=original.id))))
    response.status_code = 400 if problems or form.errors else 200
    return response


@bp.post("/berichten/teller")
def message_counter():
    """The live counter "N van 4000 tekens" under a staff member's message text."""
    if not is_htmx():
        return redirect(url_for("staff.inbox"))
    return fragment("messages/_counter.html", **counted(MessageForm().body.data))


# ---- helpers of the views above

def inbox_query(user):
    """A select of (message, dossier number, sender name, read by `user` at) for every
    message a client sent in a dossier `user` may see."""
    return (client_messages(user)
            .join(Dossier, Dossier.id == Message.dossier_id)
            .join(User, User.id == Message.sender_id)
            .outerjoin(MessageRead, and_(MessageRead.message_id == Message.id,
                                         MessageRead.user_id == user.id))
            .add_columns(Dossier.number, User.name, MessageRead.read_at))


def sent_message(db, message_id):
    """A sent message in a dossier the staff member may see, else 404 (drafts included)."""
    found = get_staff_message(db, current_user, message_id)
    if found.sent_at is None:
        abort(404)
    return found


def sender_choices(db, user, dossier):
    """Whom a staff member may write as in `dossier`: a lawyer only as themself (no choice);
    a secretary on behalf of the dossier's handling lawyer, if that lawyer delegated to
    them; an admin as themself or on behalf of the dossier's handling lawyer."""
    choices = [SelectChoice(lawyer.id, lawyer.name)
               for lawyer in drafts.on_behalf_choices(db, user, dossier)]
    if user.role == ROLE_ADMIN:
        choices.insert(0, SelectChoice(MYSELF, _("Myself (%(name)s)", name=user.name)))
    return choices


def message_form(db, dossier, subject=""):
    """The message form; the sender choice is there for a secretary and an admin. A sender
    posted by a lawyer (who has no choice) was added by hand: 404, nothing sent."""
    if current_user.role not in (ROLE_ADMIN, ROLE_SECRETARY):
        if request.method == "POST" and request.form.get("sender"):
            abort(404)
        form = StaffMessageForm(subject=subject)
        del form.sender
        return form
    # A secretary whose lawyer no longer acts has no choice at all: the form says so.
    choices = sender_choices(db, current_user, dossier)
    values = [choice.value for choice in choices]
    default = dossier.lawyer_id if dossier.lawyer_id in values else (
        values[0] if values else None)
    form = StaffMessageForm(subject=subject, sender=default)
    form.sender.choices = choices
    return form


def send_from(db, dossier, form, reply_to=None):
    """Check the form, store its files and send the message in one go: a draft that
    drafts.send sends (as a client's) in the same transaction. Returns None when sent, else
    the problems with the files (nothing is kept then, the text stays in the form)."""
    files = (uploads.chosen_files(form.files.data or [])
             + resumable.chosen(db, current_user, f"message:{dossier.id}"))
    valid = form.validate_on_submit()
    if not form.ready_to_send() or not valid:  # both: every missing field is named at once
        return [_("Choose the files again: they have not been kept.")] if files else []
    db.commit()  # end the read transaction: no database lock is held during the disk work
    message = drafts.new_message(current_user, dossier, reply_to,
                                 on_behalf_of=form.sender.data if "sender" in form else None)
    message.subject, message.body = form.subject.data, form.body.data
    # Claimed in the sending transaction: of the two requests of a double click, the second
    # waits there for the first and then sends nothing.
    problems = drafts.send_with_files(db, current_user, message, files, claim=lambda: (
        claim_form_key(db, current_user, form.form_key.data, url_for(
            "staff.dossier_messages", dossier_id=dossier.id)) is None))
    if problems:
        return [*problems, _("Choose the files again: they have not been kept.")]
    flash(_("Your message has been sent."), "success")
    return None


def compose_context(form, dossier, action):
    """What the message form (messages/_compose_form.html) needs on the staff side."""
    return dict(form=form, action=action, sender=current_user.name,
                recipient=_("the clients of dossier %(number)s", number=dossier.number),
                counter_url=url_for("staff.message_counter"),
                **counted(form.body.data), **upload_limits())


def thread_page(db, dossier, form, problems=(), status=200):
    """The dossier's messages (one page) with the "Nieuw bericht" form."""
    query = (select(Message, MessageRead.read_at)
             .outerjoin(MessageRead, and_(MessageRead.message_id == Message.id,
                                          MessageRead.user_id == current_user.id))
             .where(Message.dossier_id == dossier.id, Message.sent_at.is_not(None)))
    total = db.exec(select(func.count()).select_from(query.subquery())).one()
    page = Page.clamped(asked_page(), page_size(), total)
    rows = db.execute(query.order_by(Message.sent_at.desc(), Message.id.desc())
                      .offset(page.offset).limit(page.size)).all()
    # The page links swap only the list; a direct load gets the whole page.
    template = ("staff/_messages_list.html" if is_htmx() and request.method == "GET"
                else "staff/messages.html")
    response = fragment(
        template, dossier=dossier, rows=rows, page=page, problems=problems,
        names=drafts.names(db, [m for m, _read in rows]),
        **compose_context(form, dossier, url_for("staff.dossier_messages",
                                                 dossier_id=dossier.id)))
    response.status_code = status
    return response


def attachments(db, message):
    """The files attached to a sent message, in the order added."""
    return db.exec(staff_documents(current_user)
                   .join(MessageAttachment, MessageAttachment.document_id == Document.id)
                   .where(MessageAttachment.message_id == message.id)
                   .order_by(Document.created_at, Document.id)).all()


def shown(db, message, dossier):
    """What a message shows a staff member (drafts.shown)."""
    sent = select(Message).where(Message.dossier_id == dossier.id, Message.sent_at.is_not(None))
    return drafts.shown(db, message, dossier, sent, lambda m: attachments(db, m))
