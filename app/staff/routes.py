"""Views of the staff side."""
from flask import abort, render_template
from flask_login import current_user, login_required

from . import bp


@bp.before_request
@login_required
def _staff_only():
    # Clients never learn that staff URLs exist.
    if not current_user.is_staff:
        abort(404)


@bp.get("/")
def index():
    """The staff start page."""
    return render_template("staff/index.html")
