"""Views of the staff side."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from . import bp


@bp.before_request
@login_required
def _staff_only():
    # Clients never learn that staff URLs exist.
    if not current_user.is_staff:
        abort(404)
    # Staff always use two-step verification: without it, they set it up first.
    if not current_user.two_step_enabled:
        target = url_for("account.twostep_overview")
        if request.headers.get("HX-Request"):
            return "", 204, {"HX-Redirect": target}
        flash(_("Set up two-step verification before you use the staff side."), "warning")
        return redirect(target)


@bp.get("/")
def index():
    """The staff start page."""
    return render_template("staff/index.html")
