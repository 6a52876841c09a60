"""Views of Mijn gegevens."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import audit
from ..db import get_session
from . import bp
from .forms import LanguageForm


@bp.before_request
@login_required
def _signed_in():
    pass


@bp.route("/mijn-gegevens", methods=["GET", "POST"])
def index():
    """Mijn gegevens: the user's details and language."""
    form = LanguageForm(language=current_user.language)
    if form.validate_on_submit():
        db = get_session()
        user = current_user._get_current_object()
        db.add(user)
        user.language = form.language.data
        audit.record(db, "account.language", actor=user, target=user, language=user.language)
        db.commit()
        flash(_("Your language has been saved. It takes effect after you log out."), "success")
        return redirect(url_for("account.index"))
    return render_template("account/index.html", form=form), 400 if form.errors else 200
