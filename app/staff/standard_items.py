"""Staff side, Instellingen (admin only): requests for documents. The firm's reusable list
of documents that "Stukken opvragen" offers (title, explanation, identity document or not,
in order), the reminder mails before and after a deadline, and how long identity documents
are kept after a dossier closed. Effective values are read through app/firm.py."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlmodel import select
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from .. import audit, firm
from ..db import get_session, is_whole_number, one_or_404
from ..forms import multi_line, require_button, single_line, strip
from ..models import StandardItem, utcnow
from . import bp
from .access import admin_only
from .request_forms import MAX_EXPLANATION, MAX_TITLE, standard_items
from .settings import move_in, settings_row

MAX_REMINDER_DAYS = 365
# The Wwft keeps identity documents five years after the business relationship ended: a
# firm may keep them longer, never shorter.
MIN_RETENTION_YEARS, MAX_RETENTION_YEARS = 5, 100


class StandardItemForm(FlaskForm):
    title = StringField(_l("Title"), filters=[single_line], validators=[
        DataRequired(_l("Enter a title.")),
        Length(max=MAX_TITLE, message=_l("The title may be at most %(max)d characters long."))])
    explanation = TextAreaField(_l("Explanation for the client (optional)"),
                                filters=[multi_line, strip], validators=[Length(
                                    max=MAX_EXPLANATION, message=_l(
                                        "The explanation may be at most %(max)d characters "
                                        "long."))])
    is_identity = BooleanField(_l("Identity document (passport, ID card)"))


def whole_number(low, high, message):
    """A validator: a whole number from `low` to `high`, else `message`."""
    def check(form, field):
        text = (field.data or "").strip()
        if not is_whole_number(text) or not low <= int(text) <= high:
            raise ValidationError(message)
    return check


class RemindersForm(FlaskForm):
    remind_days_before = StringField(
        _l("Reminder before the deadline (days)"), filters=[single_line], validators=[
            whole_number(0, MAX_REMINDER_DAYS, _l("Enter a whole number of days from 0 to "
                                                  "%(max)s.", max=MAX_REMINDER_DAYS))])
    remind_every_days = StringField(
        _l("After the deadline, a reminder every (days)"), filters=[single_line], validators=[
            whole_number(0, MAX_REMINDER_DAYS, _l("Enter a whole number of days from 0 to "
                                                  "%(max)s.", max=MAX_REMINDER_DAYS))])
    identity_retention_years = StringField(
        _l("Keep identity documents after the dossier closed (years)"),
        filters=[single_line], validators=[whole_number(
            MIN_RETENTION_YEARS, MAX_RETENTION_YEARS,
            _l("Enter a whole number of years from %(min)s to %(max)s: the Wwft requires at "
               "least %(min)s.", min=MIN_RETENTION_YEARS, max=MAX_RETENTION_YEARS))])


# The fields of RemindersForm, named as FirmSettings' columns and app.firm.Firm's values.
REMINDER_FIELDS = ("remind_days_before", "remind_every_days", "identity_retention_years")


def _reminders_data():
    """The effective values as the form shows them."""
    current = firm.current()
    return {name: str(getattr(current, name)) for name in REMINDER_FIELDS}


def _page(db, form=None, reminders=None):
    """The settings page of requests for documents; 400 when a form has errors."""
    form = form or StandardItemForm(formdata=None)
    reminders = reminders or RemindersForm(formdata=None, data=_reminders_data())
    return render_template("staff/settings_items.html", items=standard_items(db), form=form,
                           reminders=reminders), 400 if form.errors or reminders.errors else 200


@bp.route("/instellingen/stukken", methods=["GET", "POST"])
@admin_only
def settings_items():
    """The firm's list of documents to request, a form to add one, and the reminder and
    retention settings."""
    db = get_session()
    form = StandardItemForm()
    if not form.validate_on_submit():
        return _page(db, form=form if request.method == "POST" else None)
    last = max((item.position for item in standard_items(db)), default=-1)
    item = StandardItem(title=form.title.data, explanation=form.explanation.data or "",
                        is_identity=form.is_identity.data, position=last + 1)
    db.add(item)
    db.flush()
    _record(db, "standard_item.added", item)
    db.commit()
    flash(_("“%(title)s” has been added to the list.", title=item.title), "success")
    return redirect(url_for("staff.settings_items"))


@bp.route("/instellingen/stukken/<int:standard_id>", methods=["GET", "POST"])
@admin_only
def settings_item(standard_id):
    """Change a document of the list (requests sent already keep their own copy)."""
    db = get_session()
    item = _item_or_404(db, standard_id)
    form = StandardItemForm(obj=item)
    if form.validate_on_submit():
        old = _values(item)
        form.populate_obj(item)
        item.explanation = item.explanation or ""
        if _values(item) != old:
            _record(db, "standard_item.changed", item, old=old)
        db.commit()
        flash(_("“%(title)s” has been saved.", title=item.title), "success")
        return redirect(url_for("staff.settings_items"))
    return render_template("staff/settings_item.html", item=item, form=form), \
        400 if form.errors else 200


@bp.post("/instellingen/stukken/<int:standard_id>/verplaatsen")
@admin_only
def settings_item_move(standard_id):
    """Move a document one place up or down in the list."""
    db = get_session()
    require_button()
    item = _item_or_404(db, standard_id)
    rows = move_in(list(standard_items(db)), item)
    if rows:
        audit.record(db, "standard_item.moved", actor=current_user, target=item,
                     order=[row.id for row in rows])
        db.commit()
        flash(_("The order has been saved."), "success")
    return redirect(url_for("staff.settings_items"))


@bp.post("/instellingen/stukken/<int:standard_id>/verwijderen")
@admin_only
def settings_item_delete(standard_id):
    """Delete a document from the list; requests sent already keep it."""
    db = get_session()
    require_button()
    item = _item_or_404(db, standard_id)
    _record(db, "standard_item.deleted", item)
    db.delete(item)
    db.commit()
    flash(_("“%(title)s” has been deleted from the list. Requests sent already still ask "
            "for it.", title=item.title), "success")
    return redirect(url_for("staff.settings_items"))


@bp.post("/instellingen/stukken/herinneringen")
@admin_only
def settings_reminders():
    """Save the reminder days and the retention period of identity documents."""
    db = get_session()
    reminders = RemindersForm()
    if not reminders.validate_on_submit():
        return _page(db, reminders=reminders)
    current = firm.current(db)
    row = settings_row(db)
    changes = {}
    for name in REMINDER_FIELDS:
        old, new = getattr(current, name), int(reminders[name].data)
        setattr(row, name, new)
        if old != new:
            changes[name] = [old, new]
    if changes:
        row.updated_at = utcnow()
        audit.record(db, "settings.changed", actor=current_user, target=row, changes=changes)
    db.commit()
    firm.forget()
    flash(_("The settings have been saved."), "success")
    return redirect(url_for("staff.settings_items", _anchor="reminders"))


def _item_or_404(db, standard_id):
    """A document of the firm's list, else 404."""
    return one_or_404(db, select(StandardItem).where(StandardItem.id == standard_id))


def _values(item):
    """What an audit event notes of a document of the list."""
    return {"title": item.title, "explanation": item.explanation,
            "is_identity": item.is_identity}


def _record(db, action, item, **detail):
    """Write `action` on a document of the list in the audit log."""
    audit.record(db, action, actor=current_user, target=item, **_values(item), **detail)
