"""Home, the dossier list, a dossier's tabs, and downloads."""
import re
from datetime import timedelta

import pytest
from conftest import login
from sqlmodel import select

from app.models import (
    CAT_ATTACHMENT,
    CAT_CORRESPONDENCE,
    CAT_DOCUMENT,
    CAT_PROVIDED,
    AuditEvent,
    Document,
    DocumentDownload,
    Message,
    MessageRead,
    ProgressStep,
    Questionnaire,
    QuestionnaireAssignment,
    QuestionnaireVersion,
    utcnow,
)
from app.storage import store_bytes


def add_document(app, session, dossier, category=CAT_CORRESPONDENCE, title="Brief",
                 filename="brief.pdf", data=b"%PDF-1.4 test", content_type="application/pdf",
                 by=None, **kw):
    with app.app_context():
        key, digest, size = store_bytes(data)
    document = Document(dossier_id=dossier.id, category=category, title=title,
                        filename=filename, content_type=content_type, size=size, sha256=digest,
                        storage_key=key, uploaded_by_id=by.id if by else None, **kw)
    session.add(document)
    session.commit()
    return document


def add_message(session, dossier, sender, from_client=False, sent=True, **kw):
    message = Message(dossier_id=dossier.id, sender_id=sender.id, from_client=from_client,
                      subject=kw.pop("subject", "Onderwerp"), body=kw.pop("body", "Tekst"),
                      sent_at=utcnow() if sent else None, **kw)
    session.add(message)
    session.commit()
    return message


def open_action(session, client_user, dossier):
    questionnaire = Questionnaire(title="Intake")
    session.add(questionnaire)
    session.flush()
    version = QuestionnaireVersion(questionnaire_id=questionnaire.id, title="Intake")
    session.add(version)
    session.flush()
    session.add(QuestionnaireAssignment(version_id=version.id, dossier_id=dossier.id,
                                        client_id=client_user.id))
    session.commit()


@pytest.fixture
def jan(client, make):
    user = make.user(email="jan@example.nl")
    login(client, "jan@example.nl")
    return user


def text(response):
    return " ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split())


def test_home_counts_match_the_data(client, session, make, jan):
    make.dossier(clients=[jan])
    make.dossier(clients=[jan])
    d3 = make.dossier(clients=[jan], status="closed")
    make.dossier(clients=[make.user()])  # someone else's
    open_action(session, jan, d3)
    page = text(client.get("/"))
    assert re.search(r"Dossiers 2 in behandeling · 3 in totaal", page)
    assert re.search(r"Acties 1 vragenlijsten in te vullen", page)
    # The Acties count shows on every page.
    assert re.search(r"Acties\s+1", text(client.get("/mijn-gegevens")))


def test_company_accounts_see_company_dossiers(app, client, make):
    company = make.company()
    main = make.user(email="main@bedrijf.nl", company=company, company_main=True)
    extra = make.user(email="extra@bedrijf.nl", company=company)
    dossier = make.dossier(companies=[company], number="2026-7777")
    make.dossier(clients=[main], number="2026-8888")
    login(client, "extra@bedrijf.nl")
    assert client.get("/dossiers").location == f"/dossiers/{dossier.id}"  # only one
    assert client.get(f"/dossiers/{dossier.id}").status_code == 200
    assert extra.id != main.id


def test_single_dossier_goes_straight_in(client, make, jan):
    dossier = make.dossier(clients=[jan])
    response = client.get("/dossiers")
    assert response.status_code == 302 and response.location == f"/dossiers/{dossier.id}"


def test_search_on_number_and_description(client, make, jan):
    make.dossier(clients=[jan], number="2026-0001", description="Aankoop woning")
    make.dossier(clients=[jan], number="2026-0002", description="Testament")
    make.dossier(clients=[jan], number="2025-0100", description="Huurgeschil")
    assert "Aankoop woning" in text(client.get("/dossiers"))
    page = text(client.get("/dossiers?q=testa"))
    assert "Testament" in page and "Aankoop" not in page and "1 dossier" in page
    page = text(client.get("/dossiers?q=2025-"))
    assert "Huurgeschil" in page and "Testament" not in page
    assert "Er zijn geen dossiers" in text(client.get("/dossiers?q=%25_%25"))


def test_status_filter_only_when_several_statuses(client, make, jan):
    make.dossier(clients=[jan], description="Een")
    make.dossier(clients=[jan], description="Twee")
    assert "Toon alleen dossiers met status" not in text(client.get("/dossiers"))
    make.dossier(clients=[jan], description="Drie", status="closed")
    page = text(client.get("/dossiers"))
    assert "Toon alleen dossiers met status" in page
    assert "Een" in page and "Drie" in page  # all statuses by default
    page = text(client.get("/dossiers?status=closed"))
    assert "Drie" in page and "Een" not in page
    page = text(client.get("/dossiers?status=closed&status=in_progress"))
    assert "Drie" in page and "Een" in page


def test_dossier_list_fragment_for_htmx(client, make, jan):
    make.dossier(clients=[jan], description="Een")
    make.dossier(clients=[jan], description="Twee")
    fragment = client.get("/dossiers?q=Een", headers={"HX-Request": "true"})
    html = fragment.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="dossier-results"') and "<html" not in html
    assert "HX-Request" in fragment.headers["Vary"]
    full = client.get("/dossiers?q=Een")
    assert "<html" in full.get_data(as_text=True) and "HX-Request" in full.headers["Vary"]


def test_dossier_list_paginates(client, make, jan):
    for n in range(30):
        make.dossier(clients=[jan], number=f"2026-{n:04d}")
    first = text(client.get("/dossiers"))
    assert "Pagina 1 van 2" in first and "2026-0029" in first and "2026-0004" not in first
    second = text(client.get("/dossiers?page=2"))
    assert "2026-0004" in second and "2026-0029" not in second


def test_progress_zero_of_zero(client, make, jan):
    dossier = make.dossier(clients=[jan])
    page = client.get(f"/dossiers/{dossier.id}").get_data(as_text=True)
    assert "Voortgang (0/0)" in page
    assert "<details" in page and "<details open" not in page  # collapsed by default


def test_progress_four_of_ten(client, session, make, jan):
    dossier = make.dossier(clients=[jan])
    for n in range(10):
        session.add(ProgressStep(dossier_id=dossier.id, position=n, title_nl=f"Stap {n}",
                                 done_at=utcnow() if n < 4 else None))
    session.commit()
    page = text(client.get(f"/dossiers/{dossier.id}"))
    assert "Voortgang (4/10)" in page and "Stap 9" in page


def test_tabs_show_counts_and_unread(app, client, session, make, jan):
    dossier = make.dossier(clients=[jan])
    lawyer = make.staff()
    add_document(app, session, dossier, CAT_CORRESPONDENCE, title="Brief 1")
    seen = add_document(app, session, dossier, CAT_CORRESPONDENCE, title="Brief 2")
    add_document(app, session, dossier, CAT_DOCUMENT, title="Declaratie")
    add_document(app, session, dossier, CAT_PROVIDED, title="Paspoort", by=jan)
    add_document(app, session, dossier, CAT_ATTACHMENT, title="Losse bijlage")  # not a tab
    add_document(app, session, dossier, CAT_DOCUMENT, title="Oud", withdrawn_at=utcnow())
    session.add(DocumentDownload(document_id=seen.id, user_id=jan.id))
    add_message(session, dossier, lawyer)
    read = add_message(session, dossier, lawyer)
    add_message(session, dossier, jan, from_client=True)
    add_message(session, dossier, lawyer, sent=False)  # someone's draft
    session.add(MessageRead(message_id=read.id, user_id=jan.id))
    session.commit()
    page = text(client.get(f"/dossiers/{dossier.id}"))
    assert "Correspondentie (2) 1 ongelezen" in page
    assert "Documenten (1) 1 ongelezen" in page
    assert "Door mij aangeleverd (1) Berichten" in page  # own upload is not unread
    assert "Berichten (3) 1 ongelezen" in page
    assert "Oud" not in text(client.get(f"/dossiers/{dossier.id}/documenten"))


@pytest.mark.parametrize("tab, title", [("correspondentie", "Brief"),
                                        ("documenten", "Concept akte"),
                                        ("aangeleverd", "Paspoort")])
def test_tab_fragment_and_full_page(app, client, session, make, jan, tab, title):
    dossier = make.dossier(clients=[jan])
    add_document(app, session, dossier, CAT_CORRESPONDENCE, title="Brief")
    add_document(app, session, dossier, CAT_DOCUMENT, title="Concept akte")
    add_document(app, session, dossier, CAT_PROVIDED, title="Paspoort", by=jan)
    url = f"/dossiers/{dossier.id}/{tab}"
    full = client.get(url)
    assert "<html" in full.get_data(as_text=True) and "Voortgang" in text(full)
    assert title in text(full) and "HX-Request" in full.headers["Vary"]
    fragment = client.get(url, headers={"HX-Request": "true"})
    html = fragment.get_data(as_text=True)
    assert "<html" not in html and html.lstrip().startswith('<div id="dossier-tabs"')
    assert title in html and 'aria-current="page"' in html
    restore = client.get(url, headers={"HX-Request": "true",
                                       "HX-History-Restore-Request": "true"})
    assert "<html" in restore.get_data(as_text=True)


def test_document_row_shows_icon_date_and_downloaded_mark(app, client, session, make, jan):
    dossier = make.dossier(clients=[jan])
    add_document(app, session, dossier, filename="a.docx", title="Memo",
                 content_type="application/vnd.openxmlformats-officedocument"
                              ".wordprocessingml.document")
    page = client.get(f"/dossiers/{dossier.id}").get_data(as_text=True)
    assert "doc-icon-word" in page and "Nog niet gedownload" in page


def test_download_headers_mark_and_audit(app, client, session, make, jan):
    dossier = make.dossier(clients=[jan])
    document = add_document(app, session, dossier, filename="Brief über € 100.pdf",
                            data=b"%PDF-1.4 " + b"x" * 1000)
    response = client.get(f"/documenten/{document.id}/download")
    assert response.status_code == 200
    assert response.data.startswith(b"%PDF-1.4 x")
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''Brief%20%C3%BCber%20%E2%82%AC%20100.pdf" in disposition
    assert "no-store" in response.headers["Cache-Control"]
    mark = session.exec(select(DocumentDownload)).one()
    assert mark.user_id == jan.id and mark.count == 1
    assert session.exec(select(AuditEvent).where(
        AuditEvent.action == "document.downloaded")).one().target_id == document.id
    page = text(client.get(f"/dossiers/{dossier.id}"))
    assert "Correspondentie (1) Documenten" in page  # no longer unread
    assert "Gedownload op" in page


def test_download_range_request(app, client, session, make, jan):
    dossier = make.dossier(clients=[jan])
    document = add_document(app, session, dossier, data=bytes(range(256)) * 4)
    response = client.get(f"/documenten/{document.id}/download",
                          headers={"Range": "bytes=10-19"})
    assert response.status_code == 206
    assert response.data == bytes(range(10, 20))
    assert response.headers["Content-Range"] == "bytes 10-19/1024"


def test_download_of_missing_file_is_404_not_500(app, client, session, make, jan):
    dossier = make.dossier(clients=[jan])
    document = add_document(app, session, dossier)
    document.storage_key = "0" * 32
    session.commit()
    assert client.get(f"/documenten/{document.id}/download").status_code == 404


def test_another_client_gets_404_everywhere(app, make, session):
    owner = make.user(email="owner@example.nl")
    dossier = make.dossier(clients=[owner])
    document = add_document(app, session, dossier)
    attachment = add_document(app, session, dossier, CAT_ATTACHMENT)
    withdrawn = add_document(app, session, dossier, withdrawn_at=utcnow() - timedelta(1))
    company = make.company()
    make.user(email="other@example.nl")
    make.user(email="company@example.nl", company=company, company_main=True)
    make.dossier(companies=[company])
    for email in ("other@example.nl", "company@example.nl"):
        client = app.test_client()
        login(client, email)
        urls = [f"/dossiers/{dossier.id}"] + [
            f"/dossiers/{dossier.id}/{tab}"
            for tab in ("correspondentie", "documenten", "aangeleverd", "berichten")] + [
            f"/documenten/{d.id}/download" for d in (document, attachment, withdrawn)]
        for url in urls:
            for headers in ({}, {"HX-Request": "true"}, {"Range": "bytes=0-1"}):
                response = client.get(url, headers=headers)
                assert response.status_code == 404, (email, url, headers)
                assert b"%PDF" not in response.data
            assert client.head(url).status_code == 404
    # The owner may not fetch a withdrawn document or an attachment outside a message.
    client = app.test_client()
    login(client, "owner@example.nl")
    assert client.get(f"/documenten/{withdrawn.id}/download").status_code == 404
    assert client.get(f"/documenten/{attachment.id}/download").status_code == 404
    assert client.get(f"/documenten/{document.id}/download").status_code == 200
