"""Error pages in the user's language, for pages and htmx fragments; they read no database."""
import logging
import sqlite3

from flask import current_app, g, request
from flask import session as cookie
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from . import firm, storage
from .htmx import is_htmx
from .storage import InsufficientStorage

log = logging.getLogger("klantenportaal.db")
# How long a browser or script should wait before trying again after a database outage.
RETRY_AFTER_SECONDS = 30
# SQLite's errors that say the database cannot be used right now; its other
# OperationalErrors ("no such table", a syntax error) are faults of the program: a 500.
SQLITE_OUTAGES = ("SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_READONLY", "SQLITE_CANTOPEN",
                  "SQLITE_IOERR", "SQLITE_NOTADB", "SQLITE_PROTOCOL")

TITLES = {
    400: _l("The request could not be processed"),
    403: _l("No access"),
    404: _l("Page not found"),
    405: _l("Not allowed"),
    413: _l("The file is too large"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong"),
    503: _l("The portal is temporarily unavailable"),
    507: _l("No storage space"),
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
    503: _l("The portal cannot reach its data right now. What was saved before is safe; "
            "what you sent just now has not been stored. Try again in a minute."),
    507: _l("There is no storage space left on the server right now, so nothing has been "
            "stored. Go back: what you typed is still in the form there. Try again later; if "
            "it keeps happening, tell the firm."),
}
# Codes Werkzeug has no exception of its own for: their handler is keyed by our class.
OWN_EXCEPTIONS = {507: InsufficientStorage}


def render_error(code, text=None):
    """An error page, or just its message for an htmx request, made without the database
    (no signed-in user, no Acties count, the firm's settings only if this request read them
    already) and without showing or taking a flash message."""
    if request.path.startswith("/api/"):  # the API answers with problem details
        from .api.problems import from_status
        return from_status(code, text)
    _flashes_as_they_came()
    template = "errors/_error.html" if is_htmx() else "errors/error.html"
    shown = g.get("firm") or firm.effective(None)  # effective(None): the configuration
    # jinja_env directly: render_template would run the context processors, which read the
    # signed-in user and the firm's settings from the database. The language is chosen as
    # on every page (app.select_locale: the session's or the cookie's), without it too.
    html = current_app.jinja_env.get_template(template).render(
        code=code, title=TITLES[code], text=text or TEXTS[code], firm=shown,
        firm_name=shown.name)
    return html, code


def _flashes_as_they_came():
    """Put back the flash messages this request came with: the error page shows none (so
    takes none), and one this failed request added is dropped, as it stored nothing."""
    came = current_app.session_interface.open_session(current_app, request)
    before = came.get("_flashes") if came is not None else None
    if cookie.get("_flashes") != before:
        if before:
            cookie["_flashes"] = before
        else:
            cookie.pop("_flashes", None)


def database_error(error):
    """503 with Retry-After when the database is down, locked or read-only; 507 when its
    disk is full; any other database error is the program's fault and stays a 500."""
    if storage.is_disk_full(error):
        return render_error(507)
    if not is_outage(error):
        raise error  # Flask logs it and answers with the 500 page
    log.warning("database unavailable: %s: %s", type(error.orig).__name__,
                str(error.orig).splitlines()[0] if str(error.orig) else "")
    result = render_error(503)
    if not isinstance(result, tuple):  # a problem of the API
        result.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return result
    html, code = result
    return html, code, {"Retry-After": str(RETRY_AFTER_SECONDS)}


def is_outage(error):
    """True for a database error that says the database cannot be used right now."""
    if error.connection_invalidated or isinstance(error, InterfaceError):
        return True
    if not isinstance(error, OperationalError):
        return False
    if not isinstance(error.orig, sqlite3.Error):  # PostgreSQL: server, connection, lock
        return True
    return (getattr(error.orig, "sqlite_errorname", None) or "").startswith(SQLITE_OUTAGES)


def csrf_error(_error):
    """A form sent with a missing or expired token: say how to recover."""
    # htmx does not swap 4xx answers; the client script shows this text instead.
    return render_error(400, _l("This form has expired or could not be verified. Reload the "
                                "page and try again; what you typed is still in the form if "
                                "you go back."))


def init_app(app):
    """Register a handler for every known error code."""
    for code in TITLES:
        app.register_error_handler(OWN_EXCEPTIONS.get(code, code),
                                   lambda e, code=code: render_error(code))
    app.register_error_handler(CSRFError, csrf_error)
    app.register_error_handler(DBAPIError, database_error)
