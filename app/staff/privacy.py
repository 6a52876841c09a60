"""Staff side of data protection (AVG): a client's export and erasure, for admins only."""
from flask import flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import EmailField
from wtforms.validators import DataRequired

from .. import audit, privacy, privacy_export, security
from ..db import get_session
from ..forms import require_button
from ..models import utcnow
from . import bp
from .access import admin_only, get_staff_client


class EraseForm(FlaskForm):
    email = EmailField(_l("Type the client's e-mail address to confirm"), validators=[
        DataRequired(_l("Type the client's e-mail address to confirm."))])


def _page(db, client, form=None, status=200):
    """The data protection page of a client."""
    return render_template("staff/client_privacy.html", client=client,
                           check=privacy.erasable(db, client),
                           form=form or EraseForm(formdata=None),
                           erased=privacy.is_erased(client)), status


@bp.get("/clienten/<int:user_id>/avg")
@admin_only
def client_privacy(user_id):
    """Export a client's data, or see whether the client may be erased and erase them."""
    db = get_session()
    return _page(db, get_staff_client(db, current_user, user_id))


@bp.post("/clienten/<int:user_id>/avg/exporteren")
@admin_only
def client_export(user_id):
    """Everything about the client as one zip file (audited before it is sent)."""
    db = get_session()
    client = get_staff_client(db, current_user, user_id)
    require_button()
    archive, counts = privacy_export.export_client(db, client)
    audit.record(db, "client.exported", actor=current_user, target=client, **counts)
    try:
        db.commit()
    except BaseException:
        archive.close()
        raise
    name = f"client-{client.id}-{utcnow():%Y-%m-%d}.zip"  # no name or address in it
    response = send_file(archive, mimetype="application/zip", as_attachment=True,
                         download_name=name, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/clienten/<int:user_id>/avg/wissen")
@admin_only
def client_erase(user_id):
    """Erase the client after the retention period, confirmed with their e-mail address."""
    db = get_session()
    client = get_staff_client(db, current_user, user_id)
    form = EraseForm()
    if not form.validate_on_submit():
        return _page(db, client, form, 400)
    if security.normalise_email(form.email.data) != client.email:
        form.email.errors.append(_("This is not the e-mail address of this client."))
        return _page(db, client, form, 400)
    try:
        erased = privacy.erase_client(db, current_user, client)
    except privacy.NotErasable:
        db.rollback()
        form.form_errors.append(_("This client cannot be erased yet; the reasons are "
                                  "listed on this page."))
        return _page(db, client, form, 400)
    flash(ngettext("The client has been erased; %(num)s file has been removed.",
                   "The client has been erased; %(num)s files have been removed.",
                   erased.files), "success")
    return redirect(url_for("staff.clients"))
