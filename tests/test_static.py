"""The vendored htmx file is the pinned one, and the pages load only our own assets."""
import hashlib
import pathlib
import re

STATIC = pathlib.Path(__file__).parent.parent / "app" / "static"


def test_vendored_htmx_matches_its_recorded_hash():
    readme = (STATIC / "js" / "README.md").read_text()
    name, digest = re.search(r"`(htmx-[\d.]+\.min\.js)`.*`([0-9a-f]{64})`", readme).groups()
    assert hashlib.sha256((STATIC / "js" / name).read_bytes()).hexdigest() == digest


def test_pages_load_the_pinned_htmx_and_nothing_external(client):
    page = client.get("/inloggen").get_data(as_text=True)
    assert "/static/js/htmx-2.0.11.min.js" in page
    assert not re.search(r'(src|href)="(https?:)?//', page)


def test_htmx_is_configured_for_a_strict_csp(client):
    page = client.get("/inloggen").get_data(as_text=True)
    assert '"allowEval": false' in page and '"includeIndicatorStyles": false' in page
    assert "<script>" not in page and " hx-on" not in page and "style=" not in page
