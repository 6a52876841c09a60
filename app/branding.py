"""The firm's colour and logo at two public, cacheable URLs (`/firm/style.css`, `/firm/logo`),
and the icon browsers ask for (`/favicon.ico`): the logo, else the portal's own."""
from flask import Blueprint, abort, current_app, request, send_file, send_from_directory

from .firm import LOGO_TYPES, current, logo_file, readable_on

CACHE_FOREVER = "public, max-age=31536000, immutable"
DEFAULT_ICON = "favicon.ico"  # in app/static/, beside favicon.svg

bp = Blueprint("firm", __name__, url_prefix="/firm")


@bp.get("/style.css")
def stylesheet():
    """The firm's colour as a CSS custom property that portal.css uses."""
    firm = current()
    colour = firm.colour if readable_on(firm.colour) else None
    css = f":root {{ --firm-colour: {colour}; }}\n" if colour else "/* default colours */\n"
    response = current_app.response_class(css, mimetype="text/css")
    _cache(response)
    return response


@bp.get("/logo")
def logo():
    """The firm's logo (PNG or JPEG), or 404 when there is none."""
    response = _logo_response()
    if response is None:
        abort(404)
    _cache(response)
    return response


def favicon():
    """/favicon.ico, which browsers ask for when a page names no icon: the firm's logo, else
    the portal's icon (not cached, as every page outside /static/ and /firm/; pages name a
    versioned icon instead)."""
    return _logo_response() or send_from_directory(
        current_app.static_folder, DEFAULT_ICON, mimetype="image/vnd.microsoft.icon",
        max_age=0)


# At the root, outside this blueprint's /firm prefix: where browsers look for it.
bp.record_once(lambda state: state.app.add_url_rule("/favicon.ico", "favicon", favicon))


def _logo_response():
    """The logo's file (answering conditional requests), or None when there is none."""
    found = logo_file()
    if found is None:
        return None
    path, content_type = found
    try:
        return send_file(path, mimetype=content_type, max_age=0, conditional=True,
                         download_name=f"logo.{LOGO_TYPES[content_type]}")
    except FileNotFoundError:  # removed just now, by a new logo
        return None


def _cache(response):
    # A URL with the current version never changes, so browsers may keep it; without the
    # version (an old link) it must be checked every time.
    if request.args.get("v") == current().version:
        response.headers["Cache-Control"] = CACHE_FOREVER
    else:
        response.headers["Cache-Control"] = "no-cache"
