"""The firm's colour and logo at two public, cacheable URLs (`/firm/style.css`, `/firm/logo`)."""
from flask import Blueprint, abort, current_app, request, send_file

from . import storage
from .firm import current, readable_on

LOGO_TYPES = {"image/png": "png", "image/jpeg": "jpg"}
CACHE_FOREVER = "public, max-age=31536000, immutable"

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
    firm = current()
    if not firm.logo_key or firm.logo_type not in LOGO_TYPES:
        abort(404)
    try:
        path = storage.path_for(firm.logo_key)
        response = send_file(path, mimetype=firm.logo_type, max_age=0, conditional=True,
                             download_name=f"logo.{LOGO_TYPES[firm.logo_type]}")
    except (FileNotFoundError, ValueError):
        abort(404)
    _cache(response)
    return response


def _cache(response):
    # A URL with the current version never changes, so browsers may keep it; without the
    # version (an old link) it must be checked every time.
    if request.args.get("v") == current().version:
        response.headers["Cache-Control"] = CACHE_FOREVER
    else:
        response.headers["Cache-Control"] = "no-cache"
