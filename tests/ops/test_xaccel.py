"""Downloads handed to nginx (X_ACCEL_REDIRECT): the same headers, access checks and
download counting as when the app sends the file itself, only without the body."""
import io
import os
import stat

import pytest
from helpers import login
from sqlmodel import select
from twostep_helpers import login_staff

from app import storage
from app.models import AuditEvent, DocumentDownload

NAME = "Brief über € 100.pdf"
DATA = b"%PDF-1.4 " + bytes(range(256)) * 4
SAME_HEADERS = ("Content-Type", "Content-Disposition", "Cache-Control",
                "X-Content-Type-Options", "Content-Security-Policy")


@pytest.fixture
def document(make, dossier):
    return make.document(dossier, filename=NAME, data=DATA)


def accel(app, on=True):
    app.config["X_ACCEL_REDIRECT"] = "/_protected/" if on else None


def counted(session, document, user):
    """(this user's download count, audit events of downloads)."""
    session.expire_all()
    mark = session.get(DocumentDownload, (document.id, user.id))
    events = session.exec(select(AuditEvent).where(
        AuditEvent.action == "document.downloaded")).all()
    return (mark.count if mark else 0), len(events)


def test_portal_download_headers_are_the_same_in_both_modes(app, client, document):
    url = f"/documenten/{document.id}/download"
    itself = client.get(url)
    accel(app)
    handed = client.get(url)
    assert itself.data == DATA and "X-Accel-Redirect" not in itself.headers
    assert handed.status_code == 200 and handed.data == b""
    for name in SAME_HEADERS:
        assert handed.headers[name] == itself.headers[name], name
    assert "filename*=UTF-8''Brief%20%C3%BCber%20%E2%82%AC%20100.pdf" in \
        handed.headers["Content-Disposition"]
    assert "no-store" in handed.headers["Cache-Control"]
    # The path under UPLOAD_FOLDER, behind the prefix of nginx's internal location.
    target = handed.headers["X-Accel-Redirect"]
    assert target.startswith("/_protected/") and document.storage_key in target
    path = os.path.join(app.config["UPLOAD_FOLDER"], target.removeprefix("/_protected/"))
    with open(path, "rb") as f:
        assert f.read() == DATA


def test_only_a_download_from_the_first_byte_counts_when_nginx_sends_it(app, client, session,
                                                                       jan, document):
    accel(app)
    url = f"/documenten/{document.id}/download"
    # The app only names the file; nginx answers the Range itself.
    assert client.head(url).status_code == 200
    assert client.get(url, headers={"Range": "bytes=10-19"}).status_code == 200
    assert counted(session, document, jan) == (0, 0)
    assert client.get(url).headers["X-Accel-Redirect"]
    assert counted(session, document, jan) == (1, 1)
    client.get(url, headers={"Range": "bytes=0-99"})
    assert counted(session, document, jan) == (2, 2)


def test_access_is_checked_before_nginx_is_asked(app, client, session, make, document):
    accel(app)
    make.user(email="piet@example.nl")
    other = app.test_client()
    login(other, "piet@example.nl")
    response = other.get(f"/documenten/{document.id}/download")
    assert response.status_code == 404 and "X-Accel-Redirect" not in response.headers
    # A file gone from disk is a 404 too, not a redirect nginx would answer with its own.
    document.storage_key = "0" * 32
    session.commit()
    missing = client.get(f"/documenten/{document.id}/download")
    assert missing.status_code == 404 and "X-Accel-Redirect" not in missing.headers


def test_staff_download_headers_and_audit_in_both_modes(app, session, lawyer, document):
    client = app.test_client()
    login_staff(client, session, lawyer)
    url = f"/kantoor/documenten/{document.id}"
    itself = client.get(url)
    accel(app)
    handed = client.get(url, headers={"Range": "bytes=10-19"})
    assert itself.data == DATA and handed.data == b""
    for name in SAME_HEADERS:
        assert handed.headers[name] == itself.headers[name], name
    assert document.storage_key in handed.headers["X-Accel-Redirect"]
    # Staff downloads are audited on every request, as before; the client's mark is not.
    assert counted(session, document, lawyer) == (0, 2)


def test_uploads_are_readable_for_the_folders_group_only(app):
    with app.app_context():
        key, _digest, _size = storage.store_stream(io.BytesIO(b"%PDF-1.4 x"))
        mode = stat.S_IMODE(os.stat(storage.path_for(key)).st_mode)
    assert mode == 0o640
