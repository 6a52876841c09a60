"""Staff side, Instellingen (admin only): the API keys. A new key is shown once, on the page
that answers its form; the key itself is in app/api/keys.py."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlmodel import select
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from ..api import keys
from ..db import as_record_id, get_session, one_or_404
from ..forms import plain_name, require_button, single_line
from ..models import KIND_STAFF, ApiKey, User
from . import bp
from .access import admin_only
from .questionnaire_forms import MultiCheckboxField
from .request_forms import parse_date, today

# What each state of a key is called on the page.
STATES = {"active": _l("Active"), "revoked": _l("Revoked"), "expired": _l("Expired")}


def networks(form, field):
    """IP addresses or networks, as app.api.keys.parse_networks reads them."""
    try:
        keys.parse_networks(field.data)
    except keys.BadKey as problem:
        raise ValidationError(str(problem)) from None


class ApiKeyForm(FlaskForm):
    name = StringField(_l("Name"), filters=[single_line], validators=[
        plain_name, DataRequired(_l("Enter a name.")),
        Length(max=keys.MAX_NAME, message=_l("The name may be at most %(max)d characters long."))])
    acts_as = SelectField(_l("Acts for"), coerce=as_record_id)
    scopes = MultiCheckboxField(_l("What the key may do"))
    expires = StringField(_l("Expires on (optional)"), filters=[single_line])
    allowed_ips = TextAreaField(_l("Allowed IP addresses (optional)"), filters=[single_line],
                                validators=[Length(max=1000), networks])

    def __init__(self, accounts, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.acts_as.choices = [(user.id, f"{user.name} ({user.email})") for user in accounts]
        self.scopes.choices = [(scope, f"{label} ({scope})")
                               for scope, label in keys.SCOPES.items()]
        self.expiry = None

    def validate_scopes(self, field):
        if not field.data:
            raise ValidationError(_l("Choose at least one scope."))

    def validate_expires(self, field):
        if not field.data:
            return
        day = parse_date(field.data)
        if day is None:
            raise ValidationError(_l("Enter the date as 31-12-2026, or leave it empty."))
        try:
            self.expiry = keys.expires_at(day)
        except keys.BadKey as problem:
            raise ValidationError(str(problem)) from None


def staff_accounts(db):
    """The active staff accounts a key may act for, by name."""
    return db.exec(select(User).where(User.kind == KIND_STAFF, User.active)
                   .order_by(User.name, User.id)).all()


@bp.get("/instellingen/api-sleutels")
@admin_only
def settings_api_keys():
    """The API keys, newest first, with their state and last use."""
    db = get_session()
    rows = db.exec(select(ApiKey, User).join(User, User.id == ApiKey.acts_as_id)
                   .order_by(ApiKey.created_at.desc(), ApiKey.id.desc())).all()
    return render_template("staff/api_keys.html", rows=rows, state=keys.state,
                           states=STATES)


@bp.route("/instellingen/api-sleutels/nieuw", methods=["GET", "POST"])
@admin_only
def settings_api_key_new():
    """Make a key; the answer shows it, once (it is stored only as a hash)."""
    db = get_session()
    accounts = staff_accounts(db)
    form = ApiKeyForm(accounts)
    if request.method == "GET":
        form.acts_as.data = current_user.id
    if form.validate_on_submit():
        acts_as = next(user for user in accounts if user.id == form.acts_as.data)
        try:
            row, raw = keys.create_key(db, name=form.name.data, scopes=form.scopes.data,
                                       acts_as=acts_as, created_by=current_user,
                                       expires_at=form.expiry,
                                       allowed_ips=form.allowed_ips.data or "")
        except keys.BadKey as problem:
            db.rollback()
            form.form_errors.append(str(problem))
        else:
            db.commit()
            return render_template("staff/api_key_created.html", row=row, raw=raw,
                                   acts_as=acts_as)
    return render_template("staff/api_key_new.html", form=form,
                           today_iso=today().isoformat()), 400 if (
        form.errors or form.form_errors) else 200


@bp.route("/instellingen/api-sleutels/<int:key_id>/intrekken", methods=["GET", "POST"])
@admin_only
def settings_api_key_revoke(key_id):
    """Ask to confirm, then switch the key off at once."""
    db = get_session()
    row = one_or_404(db, select(ApiKey).where(ApiKey.id == key_id))
    if request.method == "GET":
        return render_template("staff/api_key_revoke.html", row=row,
                               active=keys.state(row) == "active")
    require_button()
    keys.revoke(db, row, actor=current_user)
    db.commit()
    flash(_("The API key “%(name)s” has been revoked: it no longer works.", name=row.name),
          "success")
    return redirect(url_for("staff.settings_api_keys"), 303)
