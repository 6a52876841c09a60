"""Bekijken: a PDF, JPEG or PNG shown in the browser (inline, sandboxed), on the client's and
the staff side; anything else, or a file whose bytes are no such thing, stays download-only.
A whole preview counts as a download (the firm wants to know the client has seen it)."""
import json
import re

import pytest
from flask_babel import force_locale
from helpers import events, html_of, login, text_of
from sample_files import DOCX, JPEG, PNG
from sqlmodel import select
from twostep_helpers import login_staff

from app import audit, security, storage, webhooks
from app.models import CAT_CORRESPONDENCE, CAT_DOCUMENT, DocumentDownload, WebhookDelivery

PDF = b"%PDF-1.4 " + bytes(range(256)) * 4
NAME = "Brief über € 100"
FILENAME_STAR = "filename*=UTF-8''Brief%20%C3%BCber%20%E2%82%AC%20100"
PAGE = b"<html><script>alert(document.cookie)</script></html>"
KINDS = {"pdf": ("application/pdf", PDF), "jpg": ("image/jpeg", JPEG),
         "png": ("image/png", PNG)}


@pytest.fixture
def as_lawyer(app, session, lawyer):
    """A test client of the dossier's lawyer, logged in."""
    client = app.test_client()
    login_staff(client, session, lawyer)
    return client


def stored(make, dossier, extension="pdf", data=None, content_type=None, **kw):
    """A document of `dossier` named "Brief über € 100.<extension>"."""
    kind_type, kind_data = KINDS.get(extension, ("application/octet-stream", b""))
    return make.document(dossier, kw.pop("category", CAT_CORRESPONDENCE), f"{NAME} titel",
                         f"{NAME}.{extension}", kind_data if data is None else data,
                         content_type or kind_type, **kw)


def preview_url(document, staff=False):
    return (f"/kantoor/documenten/{document.id}/bekijken" if staff
            else f"/documenten/{document.id}/bekijken")


def assert_shown(response, content_type, extension, data):
    """The answer of a preview: the file inline, under its RFC 6266 name, sandboxed."""
    assert response.status_code in (200, 206)
    assert response.headers["Content-Type"] == content_type
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("inline;") and "attachment" not in disposition
    assert f"{FILENAME_STAR}.{extension}" in disposition
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    # send_stored says "private, no-store"; app/security.py makes every answer "no-store".
    assert "no-store" in response.headers["Cache-Control"]
    csp = response.headers["Content-Security-Policy"]
    assert csp == storage.PREVIEW_CSP
    directives = [d.strip() for d in csp.split(";")]
    assert directives[0] == "sandbox"  # no allow-scripts, nor any other allow-*
    assert "default-src 'none'" in directives and "script-src" not in csp
    assert "unsafe-eval" not in csp and "allow-" not in csp
    assert response.data == data


def links_to(response, ending):
    """{href: visible text} of the links in a page whose address ends in `ending`."""
    found = re.findall(r'<a\b([^>]*)>(.*?)</a>', html_of(response), re.S)
    links = {}
    for attributes, inner in found:
        href = re.search(r'href="([^"]*)"', attributes).group(1)
        if href.endswith(ending):
            links[href] = (text_of(inner, unescape=True), attributes)
    return links


def mark_of(session, document, user):
    session.expire_all()
    mark = session.get(DocumentDownload, (document.id, user.id))
    return mark.count if mark else 0


# ---- the client's side

@pytest.mark.parametrize("extension", ["pdf", "jpg", "png"])
def test_a_pdf_or_image_is_shown_inline_in_a_sandbox(client, make, dossier, extension):
    content_type, data = KINDS[extension]
    document = stored(make, dossier, extension)
    assert_shown(client.get(preview_url(document)), content_type, extension, data)


def test_the_download_stays_an_attachment_under_the_portals_own_policy(client, make, dossier):
    document = stored(make, dossier)
    response = client.get(f"/documenten/{document.id}/download")
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Content-Security-Policy"] == security.CSP


@pytest.mark.parametrize("content_type", ["application/pdf", "image/png", "image/jpeg"])
def test_a_web_page_posing_as_a_pdf_or_image_is_never_shown(client, make, dossier, jan,
                                                           session, content_type):
    """Stored before app/filecheck.py, or by any other way round it: the bytes decide."""
    document = stored(make, dossier, "pdf", data=PAGE, content_type=content_type)
    for headers in ({}, {"Range": "bytes=0-99"}):
        response = client.get(preview_url(document), headers=headers)
        assert response.status_code == 404
        assert b"<script>" not in response.data
        assert "inline" not in response.headers.get("Content-Disposition", "")
    assert mark_of(session, document, jan) == 0 and events(session, "document.previewed") == []
    # The download is what it always was: an attachment, nosniff, the portal's own policy.
    response = client.get(f"/documenten/{document.id}/download")
    assert response.headers["Content-Disposition"].startswith("attachment;")


def test_other_files_are_download_only(client, make, dossier):
    """A .docx, or even a PDF's bytes under another type, has no Bekijken and no preview."""
    docx = stored(make, dossier, "docx", data=DOCX, content_type="application/vnd."
                  "openxmlformats-officedocument.wordprocessingml.document")
    html = stored(make, dossier, "html", data=PDF, content_type="text/html")
    pdf = stored(make, dossier, "pdf")
    for document in (docx, html):
        assert client.get(preview_url(document)).status_code == 404
    page = client.get(f"/dossiers/{dossier.id}/correspondentie")
    links = links_to(page, "/bekijken")
    assert list(links) == [preview_url(pdf)]
    assert len(links_to(page, "/download")) == 3
    # Its visible label, and the document's title for screen readers (as Download has).
    text, attributes = links[preview_url(pdf)]
    assert text == f"Bekijken {NAME} titel"
    assert "download" not in attributes and "target=" not in attributes


def test_a_file_gone_from_disk_is_a_404(client, make, dossier, session):
    document = stored(make, dossier)
    document.storage_key = "0" * 32
    session.add(document)
    session.commit()
    assert client.get(preview_url(document)).status_code == 404


def test_another_client_gets_a_404(app, make, dossier):
    document = stored(make, dossier)
    make.user(email="piet@example.nl")
    other = app.test_client()
    login(other, "piet@example.nl")
    response = other.get(preview_url(document))
    assert response.status_code == 404 and PDF not in response.data
    assert app.test_client().get(preview_url(document)).status_code == 302  # to log in


def test_a_whole_preview_counts_as_a_download(app, client, session, make, dossier, jan):
    """The first makes the mark (and the webhook event, once); a HEAD or a Range request
    that does not start at the first byte counts nothing, as for a download."""
    admin = make.staff(role="admin", email="beheer@kantoor.test", name="Beheer")
    with app.app_context():
        webhooks.create_endpoint(session, url="http://127.0.0.1:9/hook",
                                 events=["document.downloaded"], actor=admin,
                                 allow_private=True)
    session.commit()
    document = stored(make, dossier)
    url = preview_url(document)
    assert client.head(url).status_code == 200
    assert client.get(url, headers={"Range": "bytes=10-19"}).status_code == 206
    assert mark_of(session, document, jan) == 0
    assert client.get(url).status_code == 200
    assert mark_of(session, document, jan) == 1
    assert client.get(f"/documenten/{document.id}/download").status_code == 200
    assert client.get(url, headers={"Range": "bytes=0-99"}).status_code == 206
    assert mark_of(session, document, jan) == 3
    [previewed, _ranged] = events(session, "document.previewed")
    assert (previewed.actor_id, previewed.target_id) == (jan.id, document.id)
    assert previewed.dossier_id == dossier.id
    assert len(events(session, "document.downloaded")) == 1
    deliveries = session.exec(select(WebhookDelivery)).all()
    assert [json.loads(d.payload)["data"] for d in deliveries] == [
        {"document_id": document.id, "dossier_id": dossier.id, "client_id": jan.id}]
    # The client's list says it was downloaded, whichever way.
    page = html_of(client.get(f"/dossiers/{dossier.id}/correspondentie"))
    assert 'class="icon downloaded"' in page


def test_range_requests_are_answered(client, make, dossier):
    document = stored(make, dossier)
    response = client.get(preview_url(document), headers={"Range": "bytes=0-7"})
    assert response.status_code == 206 and response.data == b"%PDF-1.4"
    assert response.headers["Content-Range"] == f"bytes 0-7/{len(PDF)}"
    assert response.headers["Content-Disposition"].startswith("inline;")
    assert response.headers["Content-Security-Policy"] == storage.PREVIEW_CSP
    tail = client.get(preview_url(document), headers={"Range": "bytes=1000-"})
    assert tail.status_code == 206 and tail.data == PDF[1000:]


def test_nginx_sends_it_with_the_same_headers(app, client, make, dossier, jan, session):
    document = stored(make, dossier)
    itself = client.get(preview_url(document))
    app.config["X_ACCEL_REDIRECT"] = "/_protected/"
    handed = client.get(preview_url(document))
    assert handed.status_code == 200 and handed.data == b""
    for name in ("Content-Type", "Content-Disposition", "Cache-Control",
                 "X-Content-Type-Options", "Content-Security-Policy"):
        assert handed.headers[name] == itself.headers[name], name
    assert handed.headers["X-Accel-Redirect"].endswith("/" + document.storage_key)
    assert mark_of(session, document, jan) == 2
    # The bytes are checked in this mode too: nginx is never asked for a web page.
    page = stored(make, dossier, "pdf", data=PAGE)
    response = client.get(preview_url(page))
    assert response.status_code == 404 and "X-Accel-Redirect" not in response.headers


# ---- the staff side

def test_staff_see_it_inline_too_audited_without_a_mark(as_lawyer, session, make, dossier,
                                                       jan, lawyer):
    document = stored(make, dossier, "png", category=CAT_DOCUMENT)
    assert_shown(as_lawyer.get(preview_url(document, staff=True)), "image/png", "png", PNG)
    [event] = events(session, "document.previewed")
    assert (event.actor_id, event.target_id, event.dossier_id) == (
        lawyer.id, document.id, dossier.id)
    assert event.detail["staff"] is True
    assert mark_of(session, document, jan) == 0


def test_staff_get_a_404_for_a_page_posing_as_a_pdf_and_for_other_files(as_lawyer, make,
                                                                       dossier):
    page = stored(make, dossier, "pdf", data=PAGE)
    docx = stored(make, dossier, "docx", data=DOCX, content_type="application/vnd."
                  "openxmlformats-officedocument.wordprocessingml.document")
    for document in (page, docx):
        response = as_lawyer.get(preview_url(document, staff=True))
        assert response.status_code == 404 and b"<script>" not in response.data


def test_the_staff_list_has_bekijken_where_it_applies(as_lawyer, make, dossier):
    pdf = stored(make, dossier, "pdf")
    stored(make, dossier, "docx", data=DOCX, content_type="application/vnd."
           "openxmlformats-officedocument.wordprocessingml.document")
    links = links_to(as_lawyer.get(f"/kantoor/dossiers/{dossier.id}/documenten"), "/bekijken")
    assert list(links) == [preview_url(pdf, staff=True)]
    assert links[preview_url(pdf, staff=True)][0] == f"Bekijken {NAME} titel"


def test_another_lawyer_gets_a_404(app, session, make, dossier):
    document = stored(make, dossier)
    other = make.staff(email="bakker@kantoor.nl", name="mr. Bakker")
    client = app.test_client()
    login_staff(client, session, other)
    assert client.get(preview_url(document, staff=True)).status_code == 404


def test_the_audit_log_names_a_preview(app):
    with app.test_request_context(), force_locale("nl"):
        assert audit.action_label("document.previewed") == "Document bekeken in de browser"


def test_a_messages_pdf_or_image_attachment_has_bekijken_on_both_sides(
        app, client, as_lawyer, make, dossier, jan, lawyer):
    """Under a message, a PDF or image attachment opens in the browser too (the side's own
    preview route); a .docx stays download-only."""
    message = make.message(dossier, lawyer, subject="Met bijlagen")
    pdf = stored(make, dossier, "png", category="attachment", message=message)
    stored(make, dossier, "docx", data=DOCX, category="attachment", message=message,
           content_type="application/vnd.openxmlformats-officedocument."
                        "wordprocessingml.document")
    page = client.get(f"/berichten/{message.id}")
    links = links_to(page, "/bekijken")
    assert list(links) == [preview_url(pdf)]
    assert links[preview_url(pdf)][0] == f"Bekijken {NAME}.png"
    assert_shown(client.get(preview_url(pdf)), "image/png", "png", PNG)
    staff_page = as_lawyer.get(f"/kantoor/berichten/{message.id}")
    assert list(links_to(staff_page, "/bekijken")) == [preview_url(pdf, staff=True)]
