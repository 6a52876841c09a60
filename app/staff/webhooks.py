"""Staff side, Instellingen (admin only): the webhooks, the firm's addresses that hear about
events in the portal, with their secret and their deliveries; sending is app/webhooks.py."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlmodel import select
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from .. import webhooks
from ..db import get_session, one_or_404
from ..forms import require_button, single_line
from ..models import WebhookDelivery, WebhookEndpoint
from . import bp
from .access import admin_only
from .questionnaire_forms import MultiCheckboxField

MAX_URL, MAX_DESCRIPTION = 2000, 200  # as WebhookEndpoint's columns
# What each state of a delivery is called on the page.
DELIVERY_STATES = {"delivered": _l("Delivered"), "failed": _l("Failed"),
                   "waiting": _l("Waiting")}


def delivery_state(delivery):
    """"delivered", "failed" (given up after the last retry) or "waiting"."""
    if delivery.delivered_at is not None:
        return "delivered"
    return "failed" if delivery.failed_at is not None else "waiting"


class WebhookForm(FlaskForm):
    url = StringField(_l("Address (URL)"), filters=[single_line], validators=[
        DataRequired(_l("Enter the address.")),
        Length(max=MAX_URL, message=_l("The address may be at most %(max)d characters "
                                       "long."))])
    events = MultiCheckboxField(_l("Events"))
    description = StringField(_l("Description (optional)"), filters=[single_line], validators=[
        Length(max=MAX_DESCRIPTION, message=_l("The description may be at most %(max)d "
                                               "characters long."))])
    active = BooleanField(_l("Active: send events to this address"), default=True)
    allow_private = BooleanField(_l("Allow a private address"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.events.choices = list(webhooks.EVENTS.items())

    def validate_events(self, field):
        if not field.data:
            raise ValidationError(_l("Choose at least one event."))

    def values(self):
        """What the form says, as create_endpoint and update_endpoint take it."""
        return dict(url=self.url.data, events=self.events.data,
                    description=self.description.data or "",
                    allow_private=self.allow_private.data)


def _endpoint_or_404(db, endpoint_id):
    return one_or_404(db, select(WebhookEndpoint).where(WebhookEndpoint.id == endpoint_id))


def _saved(db, form, save):
    """Run `save()` and commit; when the address or the events are refused, roll back, put
    the reason on the form and return False."""
    try:
        save()
    except webhooks.BadUrl as problem:
        form.url.errors.append(str(problem))
    except ValueError as problem:
        form.events.errors.append(str(problem))
    else:
        db.commit()
        return True
    db.rollback()
    return False


@bp.get("/instellingen/webhooks")
@admin_only
def settings_webhooks():
    """The endpoints, each with its events and how its last delivery went."""
    db = get_session()
    endpoints = db.exec(select(WebhookEndpoint).order_by(WebhookEndpoint.created_at,
                                                         WebhookEndpoint.id)).all()
    last = {endpoint.id: next(iter(webhooks.deliveries(db, endpoint, limit=1)), None)
            for endpoint in endpoints}
    return render_template("staff/webhooks.html", endpoints=endpoints, last=last,
                           events=webhooks.EVENTS, state=delivery_state,
                           states=DELIVERY_STATES)


@bp.route("/instellingen/webhooks/nieuw", methods=["GET", "POST"])
@admin_only
def settings_webhook_new():
    """Add an endpoint; its page then shows the secret to verify signatures with."""
    db = get_session()
    form = WebhookForm()
    made = []

    def save():
        made.append(webhooks.create_endpoint(db, **form.values(), actor=current_user))
        made[0].active = form.active.data

    if form.validate_on_submit() and _saved(db, form, save):
        flash(_("The webhook has been added. Give its secret to the receiving system."),
              "success")
        return redirect(url_for("staff.settings_webhook", endpoint_id=made[0].id), 303)
    return render_template("staff/webhook_form.html", form=form, endpoint=None), \
        400 if form.errors else 200


@bp.get("/instellingen/webhooks/<int:endpoint_id>")
@admin_only
def settings_webhook(endpoint_id):
    """One endpoint: its secret and its latest deliveries, newest first."""
    db = get_session()
    endpoint = _endpoint_or_404(db, endpoint_id)
    return render_template("staff/webhook.html", endpoint=endpoint,
                           deliveries=webhooks.deliveries(db, endpoint),
                           events=webhooks.EVENTS, state=delivery_state,
                           states=DELIVERY_STATES)


@bp.route("/instellingen/webhooks/<int:endpoint_id>/wijzigen", methods=["GET", "POST"])
@admin_only
def settings_webhook_edit(endpoint_id):
    """Change an endpoint's address, events, description, or switch it off."""
    db = get_session()
    endpoint = _endpoint_or_404(db, endpoint_id)
    form = WebhookForm(data=dict(url=endpoint.url, events=endpoint.events.split(),
                                 description=endpoint.description, active=endpoint.active,
                                 allow_private=endpoint.allow_private))
    if form.validate_on_submit() and _saved(db, form, lambda: webhooks.update_endpoint(
            db, endpoint, **form.values(), active=form.active.data, actor=current_user)):
        flash(_("The webhook has been saved."), "success")
        return redirect(url_for("staff.settings_webhook", endpoint_id=endpoint.id), 303)
    return render_template("staff/webhook_form.html", form=form, endpoint=endpoint), \
        400 if form.errors else 200


@bp.post("/instellingen/webhooks/<int:endpoint_id>/geheim")
@admin_only
def settings_webhook_secret(endpoint_id):
    """Give the endpoint a new secret; the old one no longer signs."""
    db = get_session()
    require_button()
    endpoint = _endpoint_or_404(db, endpoint_id)
    webhooks.rotate_secret(db, endpoint, actor=current_user)
    db.commit()
    flash(_("The webhook has a new secret. Give it to the receiving system: deliveries are "
            "signed with it from now on."), "success")
    return redirect(url_for("staff.settings_webhook", endpoint_id=endpoint.id), 303)


@bp.route("/instellingen/webhooks/<int:endpoint_id>/verwijderen", methods=["GET", "POST"])
@admin_only
def settings_webhook_delete(endpoint_id):
    """Ask to confirm, then delete the endpoint and its deliveries."""
    db = get_session()
    endpoint = _endpoint_or_404(db, endpoint_id)
    if request.method == "GET":
        return render_template("staff/webhook_delete.html", endpoint=endpoint)
    require_button()
    url = endpoint.url
    webhooks.delete_endpoint(db, endpoint, actor=current_user)
    db.commit()
    flash(_("The webhook to %(url)s has been deleted.", url=url), "success")
    return redirect(url_for("staff.settings_webhooks"), 303)


@bp.post("/instellingen/webhooks/<int:endpoint_id>/leveringen/<int:delivery_id>/opnieuw")
@admin_only
def settings_webhook_resend(endpoint_id, delivery_id):
    """Queue one delivery again now, with the same event id."""
    db = get_session()
    require_button()
    endpoint = _endpoint_or_404(db, endpoint_id)
    delivery = one_or_404(db, select(WebhookDelivery).where(
        WebhookDelivery.id == delivery_id, WebhookDelivery.endpoint_id == endpoint.id))
    webhooks.resend(db, delivery, actor=current_user)
    db.commit()
    flash(_("The event will be sent again shortly."), "success")
    return redirect(url_for("staff.settings_webhook", endpoint_id=endpoint.id), 303)
