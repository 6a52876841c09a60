"""Staff side: the firm's settings (admin only): name, colour, mail sender, upload limits, how
clients reach the firm, logo, and the list of dossier statuses. The effective values are read
through app/firm.py."""
import re
import unicodedata

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from sqlmodel import func, select
from wtforms import BooleanField, EmailField, StringField, TelField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from .. import audit, firm, phone, security, storage
from ..addresses import EmailAddress
from ..db import get_session, is_whole_number, one_or_404
from ..forms import email_field, multi_line, name_field, require_button, single_line
from ..models import Dossier, DossierStatus, FirmSettings, utcnow
from . import bp
from .access import admin_only

LOGO_MAX_BYTES = 512 * 1024
# A file is a PNG or a JPEG by its first bytes, whatever its name says. SVG is not accepted:
# it can carry script.
LOGO_MAGIC = ((b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"))
MIN_CONTRAST = 4.5  # WCAG AA for the white text of the header on the firm's colour


def whole_megabytes(form, field):
    """A whole number of megabytes from 1 up to what one request may carry."""
    ceiling = firm.upload_ceiling_mb()
    text = (field.data or "").strip()
    if not is_whole_number(text) or not 1 <= int(text) <= ceiling:
        raise ValidationError(_l("Enter a whole number of megabytes from 1 to %(max)s.",
                                 max=ceiling))


def country_codes(form, field):
    """Country codes such as "NL BE DE" (commas allowed), written back as "NL BE DE";
    empty means the configuration's list (SMS_COUNTRIES)."""
    codes = list(dict.fromkeys(re.split(r"[\s,;]+", (field.data or "").upper().strip())))
    codes = [code for code in codes if code]
    unknown = [code for code in codes if not phone.is_country(code)]
    if unknown:
        raise ValidationError(_l("Enter two-letter country codes separated by spaces, like "
                                 "NL BE DE. Not a country code: %(codes)s.",
                                 codes=" ".join(unknown)))
    field.data = " ".join(codes or current_app.config["SMS_COUNTRIES"])


MAX_QUOTA = 1_000_000  # a million megabytes or drafts; more is surely a typing error


def quota_number(form, field):
    """Empty (the configuration's value), or a whole number from 1 to MAX_QUOTA (a client's
    storage quota)."""
    text = (field.data or "").strip()
    if text and (not is_whole_number(text) or not 1 <= int(text) <= MAX_QUOTA):
        raise ValidationError(_l("Enter a whole number from 1 to %(max)s.", max=MAX_QUOTA))


def phone_number(form, field):
    """A phone number people can call (any country; without an extension)."""
    try:
        phone.normalise_phone(field.data)
    except phone.PhoneError as problem:
        raise ValidationError(phone.NO_EXTENSION if problem.reason == phone.EXTENSION else _l(
            "Enter a valid phone number, like 020 1234567 or 06 12345678.")) from None


def website(form, field):
    """A web address: www.kantoor.nl or https://www.kantoor.nl/contact."""
    if firm.website_url(field.data) is None:
        raise ValidationError(_l("Enter the address of a website, like www.kantoor.nl."))


class FirmForm(FlaskForm):
    name = name_field(_l("Name of the firm"), _l("Enter the name of the firm."))
    colour = StringField(_l("Colour of the bar at the top"), filters=[single_line],
                         validators=[Length(max=20)])
    mail_sender = email_field(_l("Sender address of e-mails"), _l("Enter the sender address."))
    max_file_mb = StringField(_l("Largest file (MB)"), filters=[single_line],
                              validators=[whole_megabytes])
    max_message_mb = StringField(_l("All attachments of one message together (MB)"),
                                 filters=[single_line], validators=[whole_megabytes])
    upload_mb_per_day = StringField(_l("Files a client may upload in 24 hours (MB)"),
                                    filters=[single_line], validators=[quota_number])
    max_open_drafts = StringField(_l("Unsent drafts a client may have at once"),
                                  filters=[single_line], validators=[quota_number])
    # A text area: the default list of some thirty codes does not fit on one line.
    sms_countries = TextAreaField(_l("Countries for codes by SMS"), filters=[single_line],
                                validators=[Length(max=300), country_codes])
    # How clients reach the firm: the login page, the footer before login, every mail.
    contact_phone = TelField(_l("Phone number"), filters=[single_line], validators=[
        Optional(), Length(max=40, message=_l("Enter a valid phone number, like 020 1234567 "
                                              "or 06 12345678.")), phone_number])
    contact_email = EmailField(_l("E-mail address for clients"), filters=[single_line],
                               validators=[Optional(), EmailAddress(), Length(max=254)])
    contact_website = StringField(_l("Website"), filters=[single_line], validators=[
        Optional(), Length(max=200, message=_l("The website address may be at most "
                                               "%(max)d characters long.")), website])
    contact_address = TextAreaField(_l("Postal address"), filters=[multi_line], validators=[
        Length(max=300, message=_l("The postal address may be at most %(max)d characters "
                                   "long."))])
    welcome_text = TextAreaField(_l("Welcome text on the login page"), filters=[multi_line],
                                 validators=[Length(max=1000, message=_l(
                                     "The welcome text may be at most %(max)d characters "
                                     "long."))])
    # Ter goedkeuring: the approved PDF gets the firm's seal too, not only the receipt.
    seal_approved_documents = BooleanField(_l("Also seal approved PDFs"))

    def validate_colour(self, field):
        if not field.data:
            return
        value = field.data.lower()
        value = value if value.startswith("#") else "#" + value
        if re.fullmatch(r"#[0-9a-f]{3}", value):
            value = "#" + "".join(c * 2 for c in value[1:])
        if not firm.is_hex_colour(value):
            raise ValidationError(_l("Enter the colour as a hex code, like #1d3a5f."))
        if firm.contrast_with_white(value) < MIN_CONTRAST:
            raise ValidationError(_l("This colour is too light: the white text on it would be "
                                     "hard to read. Choose a darker colour."))
        field.data = value

    def validate_max_message_mb(self, field):
        if (not self.max_file_mb.errors and not field.errors and self.max_file_mb.data
                and int(field.data) < int(self.max_file_mb.data)):
            raise ValidationError(_l("The attachments of one message together may not be "
                                     "smaller than the largest file."))


class LogoForm(FlaskForm):
    logo = FileField(_l("Logo (PNG or JPEG, at most 512 KB)"))


class StatusForm(FlaskForm):
    label_nl = StringField(_l("Name in Dutch"), filters=[single_line], validators=[
        DataRequired(_l("Enter the name in Dutch.")), Length(max=100)])
    label_en = StringField(_l("Name in English"), filters=[single_line], validators=[
        DataRequired(_l("Enter the name in English.")), Length(max=100)])


MAX_RETENTION_DAYS = 36500  # a hundred years; more is surely a typing error


def retention_days(form, field):
    """Empty (kept for ever), or a whole number of days from 0 to MAX_RETENTION_DAYS."""
    text = "" if field.data is None else str(field.data).strip()
    if not text:
        return
    if not is_whole_number(text) or int(text) > MAX_RETENTION_DAYS:
        raise ValidationError(_l("Enter a whole number of days from 0 to %(max)s, or leave "
                                 "it empty to keep dossiers with this status for ever.",
                                 max=MAX_RETENTION_DAYS))


class StatusEditForm(StatusForm):
    # AVG: how long a dossier keeps this status before its clients may be erased.
    retention_days = StringField(_l("Retention period in days"), filters=[single_line],
                                 validators=[retention_days])
    # Wwft: identity documents are erased a period after the dossier got a closed status.
    closed = BooleanField(_l("Closed: the retention period of identity documents runs from "
                             "this status"))


# ---- the firm: name, colour, sender, limits, logo

@bp.route("/instellingen", methods=["GET", "POST"])
@admin_only
def settings():
    """The firm's settings: name, colour, mail sender and upload limits."""
    db = get_session()
    form = FirmForm(data=_firm_data(db))
    if form.validate_on_submit():
        changes = save_firm(db, form)
        if changes:
            audit.record(db, "settings.changed", actor=current_user, target=settings_row(db),
                         changes=changes)
        db.commit()
        firm.forget()
        flash(_("The settings have been saved."), "success")
        return redirect(url_for("staff.settings"))
    return _page(form=form)


def _page(form=None, logo_form=None, status=None):
    """The settings page with its two forms; 400 when one of them has errors."""
    form = form or FirmForm(formdata=None, data=_firm_data())
    logo_form = logo_form or LogoForm(formdata=None)
    failed = form.errors or logo_form.errors
    return render_template(
        "staff/settings.html", form=form, logo_form=logo_form, firm_now=firm.current(),
        ceiling=firm.upload_ceiling_mb(), logo_max_kb=LOGO_MAX_BYTES // 1024,
    ), status or (400 if failed else 200)


def _firm_data(db=None):
    """The effective settings as the form shows them."""
    current = firm.current(db)
    return dict(name=current.name, colour=current.colour or "",
                mail_sender=current.sender_address,
                max_file_mb=_number(current.max_file_mb),
                max_message_mb=_number(current.max_message_mb),
                upload_mb_per_day=str(current.upload_mb_per_day),
                max_open_drafts=str(current.max_open_drafts),
                sms_countries=" ".join(current.sms_countries),
                contact_phone=current.phone_text or "", contact_email=current.email or "",
                contact_website=current.website or "", contact_address=current.address or "",
                welcome_text=current.welcome_text or "",
                seal_approved_documents=current.seal_approved_documents)


def _number(value):
    """A limit as the form shows it: 100, not 100.0."""
    return str(int(value)) if float(value).is_integer() else str(value)


def settings_row(db):
    """The FirmSettings row, made on first use."""
    row = db.get(FirmSettings, firm.SETTINGS_ID)
    if row is None:
        row = FirmSettings(id=firm.SETTINGS_ID)
        db.add(row)
        db.flush()
    return row


def save_firm(db, form):
    """Store the form's values; returns what changed as {field: [old, new]}."""
    current = firm.current(db)
    row = settings_row(db)
    new = dict(name=form.name.data, colour=form.colour.data or None,
               mail_sender=security.normalise_email(form.mail_sender.data),
               max_file_mb=int(form.max_file_mb.data),
               max_message_mb=int(form.max_message_mb.data),
               upload_mb_per_day=int(form.upload_mb_per_day.data or 0) or None,
               max_open_drafts=int(form.max_open_drafts.data or 0) or None,
               sms_countries=form.sms_countries.data,
               seal_approved_documents=bool(form.seal_approved_documents.data),
               **contact_values(form))
    old = dict(name=current.name, colour=current.colour, mail_sender=current.sender_address,
               max_file_mb=current.max_file_mb, max_message_mb=current.max_message_mb,
               upload_mb_per_day=current.upload_mb_per_day,
               max_open_drafts=current.max_open_drafts,
               sms_countries=" ".join(current.sms_countries),
               contact_phone=current.phone, contact_email=current.email,
               contact_website=current.website, contact_address=current.address,
               welcome_text=current.welcome_text,
               seal_approved_documents=current.seal_approved_documents)
    for key, value in new.items():
        setattr(row, key, value)
    row.updated_at = utcnow()
    return {key: [old[key], value] for key, value in new.items() if old[key] != value}


def contact_values(form):
    """The contact details of a valid form as they are stored; None for an empty field."""
    data = {name: form[name].data or "" for name in (
        "contact_phone", "contact_email", "contact_website", "contact_address", "welcome_text")}
    address = "\n".join(line.strip() for line in data["contact_address"].splitlines()
                        if line.strip())
    return dict(
        contact_phone=phone.normalise_phone(data["contact_phone"]) if data["contact_phone"]
        else None,
        contact_email=security.normalise_email(data["contact_email"])
        if data["contact_email"] else None,
        contact_website=firm.website_url(data["contact_website"]) if data["contact_website"]
        else None,
        contact_address=address or None,
        welcome_text=data["welcome_text"].strip() or None)


@bp.post("/instellingen/logo")
@admin_only
def settings_logo():
    """Replace the logo with an uploaded PNG or JPEG."""
    db = get_session()
    form = LogoForm()
    if not form.validate_on_submit():
        return _page(logo_form=form)
    data, content_type, problem = read_logo(form.logo.data)
    if problem:
        form.logo.errors.append(problem)
        return _page(logo_form=form)
    key, _digest, size = storage.store_bytes(data)
    row = settings_row(db)
    old_key = row.logo_key
    row.logo_key, row.logo_type, row.updated_at = key, content_type, utcnow()
    audit.record(db, "settings.logo_changed", actor=current_user, target=row,
                 content_type=content_type, size=size)
    try:
        db.commit()
    except BaseException:
        storage.remove(key)
        raise
    if old_key:
        storage.remove(old_key)  # only once the new logo is committed
    firm.forget()
    flash(_("The logo has been saved."), "success")
    return redirect(url_for("staff.settings"))


def read_logo(upload):
    """(bytes, content type, None) for an acceptable logo, else (None, None, a message)."""
    if upload is None or not getattr(upload, "filename", ""):
        return None, None, _("Choose a file.")
    data = upload.stream.read(LOGO_MAX_BYTES + 1)
    if len(data) > LOGO_MAX_BYTES:
        return None, None, _("The logo is larger than %(max)s KB. Choose a smaller file.",
                             max=LOGO_MAX_BYTES // 1024)
    for magic, content_type in LOGO_MAGIC:
        if data.startswith(magic):
            return data, content_type, None
    return None, None, _("The logo must be a PNG or JPEG image.")


@bp.post("/instellingen/logo/verwijderen")
@admin_only
def settings_logo_remove():
    """Remove the logo: the portal shows the firm's name only."""
    db = get_session()
    require_button()
    row = settings_row(db)
    old_key = row.logo_key
    if old_key:
        row.logo_key, row.logo_type, row.updated_at = None, None, utcnow()
        audit.record(db, "settings.logo_removed", actor=current_user, target=row)
    db.commit()
    if old_key:
        storage.remove(old_key)
    firm.forget()
    flash(_("The logo has been removed."), "success")
    return redirect(url_for("staff.settings"))


# ---- dossier statuses

def statuses(db):
    """The dossier statuses in their order."""
    return db.exec(select(DossierStatus).order_by(DossierStatus.position,
                                                  DossierStatus.code)).all()


def status_use(db):
    """How many dossiers have each status: {code: count}."""
    rows = db.exec(select(Dossier.status_code, func.count()).group_by(Dossier.status_code))
    return dict(rows.all())


def get_status(db, code):
    """The status with this code, else 404."""
    return one_or_404(db, select(DossierStatus).where(DossierStatus.code == code))


def _posted_status(code):
    """For a button on one status: the database session and the status (400 without a
    valid button, 404 without the status)."""
    db = get_session()
    require_button()
    return db, get_status(db, code)


def new_code(db, label):
    """A code for a new status made from its name: "wacht-op-stukken", unique."""
    ascii_text = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:30] or "status"
    code, n = base, 1
    while db.get(DossierStatus, code) is not None:
        n += 1
        code = f"{base}-{n}"
    return code


def label_taken(db, form, keep=None):
    """Add an error to the form when another status has the same name; True if so."""
    taken = False
    for status in statuses(db):
        if status.code == keep:
            continue
        if status.label_nl.casefold() == form.label_nl.data.casefold():
            form.label_nl.errors.append(_("There is already a status with this name."))
            taken = True
        if status.label_en.casefold() == form.label_en.data.casefold():
            form.label_en.errors.append(_("There is already a status with this name."))
            taken = True
    return taken


@bp.route("/instellingen/statussen", methods=["GET", "POST"])
@admin_only
def settings_statuses():
    """The dossier statuses: their order, which one is "in progress", and a form to add one."""
    db = get_session()
    form = StatusForm()
    if form.validate_on_submit() and not label_taken(db, form):
        rows = statuses(db)
        status = DossierStatus(code=new_code(db, form.label_en.data or form.label_nl.data),
                               label_nl=form.label_nl.data, label_en=form.label_en.data,
                               in_progress=not rows,
                               position=max((s.position for s in rows), default=-1) + 1)
        db.add(status)
        _record(db, "status.added", status)
        db.commit()
        flash(_("The status “%(name)s” has been added.", name=_label(status)), "success")
        return redirect(url_for("staff.settings_statuses"))
    return render_template("staff/settings_statuses.html", form=form, statuses=statuses(db),
                           use=status_use(db)), \
        400 if form.errors else 200


@bp.route("/instellingen/statussen/<code>", methods=["GET", "POST"])
@admin_only
def settings_status(code):
    """Rename a status (Dutch and English), set its retention period and whether it closes a
    dossier, or see why it cannot be deleted."""
    db = get_session()
    status = get_status(db, code)
    form = StatusEditForm(obj=status)
    if form.validate_on_submit() and not label_taken(db, form, keep=status.code):
        old = [status.label_nl, status.label_en]
        status.label_nl, status.label_en = form.label_nl.data, form.label_en.data
        if old != [status.label_nl, status.label_en]:
            audit.record(db, "status.renamed", actor=current_user, code=status.code,
                         old=old, new=[status.label_nl, status.label_en])
        days = int(form.retention_days.data) if form.retention_days.data else None
        if days != status.retention_days:
            audit.record(db, "status.retention", actor=current_user, code=status.code,
                         old=status.retention_days, new=days)
            status.retention_days = days
        if form.closed.data != status.closed:
            audit.record(db, "status.closed", actor=current_user, code=status.code,
                         old=status.closed, new=form.closed.data)
            status.closed = form.closed.data
        db.commit()
        flash(_("The status has been saved."), "success")
        return redirect(url_for("staff.settings_statuses"))
    return render_template("staff/settings_status.html", form=form, status=status,
                           used=status_use(db).get(status.code, 0)), \
        400 if form.errors else 200


def move_in(rows, moved):
    """Move `moved` one place up or down in `rows` (each with a position) as the posted
    "direction" says, renumbering them all so equal positions never stay ambiguous; the
    rows in their new order, or None at the end of the list."""
    index = rows.index(moved)
    other = index - 1 if request.form.get("direction") == "up" else index + 1
    if not 0 <= other < len(rows):
        return None
    rows[index], rows[other] = rows[other], rows[index]
    for position, row in enumerate(rows):
        row.position = position
    return rows


@bp.post("/instellingen/statussen/<code>/verplaatsen")
@admin_only
def settings_status_move(code):
    """Move a status one place up or down in the list."""
    db, status = _posted_status(code)
    rows = move_in(list(statuses(db)), status)
    if rows:
        audit.record(db, "status.moved", actor=current_user, code=status.code,
                     order=[row.code for row in rows])
        db.commit()
        flash(_("The order has been saved."), "success")
    return redirect(url_for("staff.settings_statuses"))


@bp.post("/instellingen/statussen/<code>/in-behandeling")
@admin_only
def settings_status_in_progress(code):
    """Make this status the one that counts as "in progress" (exactly one does)."""
    db, status = _posted_status(code)
    for row in statuses(db):
        row.in_progress = row.code == status.code
    audit.record(db, "status.in_progress", actor=current_user, code=status.code)
    db.commit()
    flash(_("“%(name)s” is now the status of dossiers in progress.", name=_label(status)),
          "success")
    return redirect(url_for("staff.settings_statuses"))


@bp.post("/instellingen/statussen/<code>/verwijderen")
@admin_only
def settings_status_delete(code):
    """Delete a status that no dossier has and that is not the "in progress" one."""
    db, status = _posted_status(code)
    used = status_use(db).get(status.code, 0)
    if used:
        flash(ngettext("“%(name)s” cannot be deleted: %(num)s dossier has this status. "
                       "Give it another status first.",
                       "“%(name)s” cannot be deleted: %(num)s dossiers have this status. "
                       "Give them another status first.", used, name=_label(status)), "error")
    elif status.in_progress:
        flash(_("“%(name)s” cannot be deleted: it is the status of dossiers in progress. "
                "Mark another status as in progress first.", name=_label(status)), "error")
    else:
        db.delete(status)
        _record(db, "status.deleted", status)
        db.commit()
        flash(_("The status “%(name)s” has been deleted.", name=_label(status)), "success")
    return redirect(url_for("staff.settings_statuses"))


def _record(db, action, status):
    """Write `action` on a status in the audit log, with its code and both names."""
    audit.record(db, action, actor=current_user, code=status.code, label_nl=status.label_nl,
                 label_en=status.label_en)


def _label(status):
    """The status's name in the language of the page."""
    return status.label_en if str(get_locale()) == "en" else status.label_nl
