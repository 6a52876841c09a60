"""htmx requests: whether one wants a fragment, the fragment or page that answers it, and
the redirect that htmx follows."""
from flask import make_response, render_template, request

# The status of every HX-Redirect answer: htmx follows the header whatever the status.
REDIRECT_STATUS = 200


def is_htmx():
    """True for an htmx request that wants a fragment (a history restore wants the page)."""
    return (request.headers.get("HX-Request") == "true"
            and request.headers.get("HX-History-Restore-Request") != "true")


def fragment(template, **context):
    """`template` rendered as the answer; caches keep it apart from the page at its URL."""
    response = make_response(render_template(template, **context))
    response.vary.add("HX-Request")
    return response


def page_or_fragment(page_template, fragment_template, **context):
    """The full page, or only its fragment for htmx; caches keep the two apart."""
    return fragment(fragment_template if is_htmx() else page_template, **context)


def hx_redirect(url):
    """An empty answer that sends htmx (the whole page) to `url`."""
    return make_response("", REDIRECT_STATUS, {"HX-Redirect": url})
