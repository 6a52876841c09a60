"""Error pages in the user's language, for pages and for htmx fragments."""
from flask import render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError

from .db import get_session

TITLES = {
    400: _l("The request could not be processed"),
    403: _l("No access"),
    404: _l("Page not found"),
    405: _l("Not allowed"),
    413: _l("The file is too large"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong"),
}
TEXTS = {
    400: _l("Something in the request was not right. Go back and try again."),
    403: _l("You do not have access to this page."),
    404: _l("This page does not exist, or you do not have access to it."),
    405: _l("This action is not possible here."),
    413: _l("The file you sent is larger than allowed. Choose a smaller file."),
    429: _l("Wait a moment and try again."),
    500: _l("An unexpected error occurred. Your input has not been lost if it was saved; "
            "try again in a moment."),
}


def render_error(code):
    """An error page, or just its message for an htmx request."""
    if code == 500:
        # A database error leaves the transaction aborted (PostgreSQL refuses every further
        # statement in it); the page's own queries (user, Acties count) would fail as well.
        get_session().rollback()
    template = "errors/_error.html" if request.headers.get("HX-Request") else "errors/error.html"
    return render_template(template, code=code, title=TITLES[code], text=TEXTS[code]), code


def csrf_error(_error):
    """A form sent with a missing or expired token: say how to recover."""
    text = _l("This form has expired or could not be verified. Reload the page and try "
              "again; what you typed is still in the form if you go back.")
    template = "errors/_error.html" if request.headers.get("HX-Request") else "errors/error.html"
    # htmx does not swap 4xx answers; the client script shows this text instead.
    return render_template(template, code=400, title=TITLES[400], text=text), 400


def init_app(app):
    """Register a handler for every known error code."""
    for code in TITLES:
        app.register_error_handler(code, lambda e, code=code: render_error(code))
    app.register_error_handler(CSRFError, csrf_error)
