"""Home, the dossier list, a dossier's tabs, and downloads."""
import re
from datetime import timedelta

import pytest
from helpers import html_of, login, text_of
from sqlmodel import delete, select

from app.models import (
    CAT_ATTACHMENT,
    CAT_CORRESPONDENCE,
    CAT_DOCUMENT,
    CAT_PROVIDED,
    AuditEvent,
    DocumentDownload,
    DossierClient,
    MessageRead,
    ProgressStep,
    Questionnaire,
    QuestionnaireAssignment,
    QuestionnaireVersion,
    utcnow,
)


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


def test_home_counts_match_the_data(client, session, make, jan):
    make.dossier(clients=[jan])
    make.dossier(clients=[jan])
    d3 = make.dossier(clients=[jan], status="closed")
    make.dossier(clients=[make.user()])  # someone else's
    open_action(session, jan, d3)
    page = text_of(client.get("/"))
    assert re.search(r"Dossiers 2 in behandeling · 3 in totaal", page)
    assert re.search(r"Acties 1 vragenlijsten in te vullen", page)
    # The Acties count shows on every page.
    assert re.search(r"Acties\s+1", text_of(client.get("/mijn-gegevens")))


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


def menu_of(response):
    """The main menu of a page, as HTML."""
    return re.search(r'<nav\b[^>]*aria-label="Hoofdmenu".*?</nav>', html_of(response), re.S)[0]


def test_one_dossier_leads_home_not_round_in_a_circle(client, make, jan):
    dossier = make.dossier(clients=[jan])
    for url in (f"/dossiers/{dossier.id}", "/acties", "/mijn-gegevens"):
        response = client.get(url, follow_redirects=True)
        assert 'href="/dossiers"' not in menu_of(response) and 'href="/"' in menu_of(response)
    page = html_of(client.get(f"/dossiers/{dossier.id}"))
    assert '<p class="back"><a href="/">Home</a></p>' in page and 'href="/dossiers"' not in page
    # With a second dossier the list is worth a link again.
    make.dossier(clients=[jan])
    response = client.get(f"/dossiers/{dossier.id}")
    assert 'href="/dossiers"' in menu_of(response)
    assert '<p class="back"><a href="/dossiers">Dossiers</a></p>' in html_of(response)


def test_a_company_account_with_one_dossier_counts_it_once(app, make):
    company = make.company()
    extra = make.user(email="extra@bedrijf.nl", company=company)
    dossier = make.dossier(companies=[company], clients=[extra])  # linked twice over
    client = app.test_client()
    login(client, "extra@bedrijf.nl")
    assert client.get("/dossiers").location == f"/dossiers/{dossier.id}"
    assert 'href="/dossiers"' not in menu_of(client.get(f"/dossiers/{dossier.id}"))


def open_tab(response):
    """The slug of the dossier tab a page shows open."""
    links = [a for a in re.findall(r"<a\b[^>]*>", html_of(response))
             if 'id="tab-' in a and 'aria-current="page"' in a]
    assert len(links) == 1, links
    return re.search(r'id="tab-([a-z]+)"', links[0])[1]


def test_a_dossier_opens_on_the_first_tab_with_unread_items(client, session, make, jan):
    dossier = make.dossier(clients=[jan])
    url = f"/dossiers/{dossier.id}"
    letter = make.document(dossier, CAT_CORRESPONDENCE, title="Brief")
    session.add(DocumentDownload(document_id=letter.id, user_id=jan.id))
    session.commit()
    response = client.get(url)  # nothing unread: Correspondentie
    assert response.status_code == 200 and open_tab(response) == "correspondentie"
    invoice = make.document(dossier, CAT_DOCUMENT, title="Declaratie")
    make.message(dossier, make.staff())
    assert client.get(url).location == f"{url}/documenten"  # the first, in tab order
    assert open_tab(client.get(url, follow_redirects=True)) == "documenten"
    # A tab asked for is kept, unread items elsewhere or not.
    assert open_tab(client.get(f"{url}/correspondentie")) == "correspondentie"
    session.add(DocumentDownload(document_id=invoice.id, user_id=jan.id))
    session.commit()
    assert client.get(url).location == f"{url}/berichten"
    assert open_tab(client.get(url, follow_redirects=True)) == "berichten"
    # Unread letters again: Correspondentie comes first.
    make.document(dossier, CAT_CORRESPONDENCE, title="Brief 2")
    response = client.get(url)
    assert response.status_code == 200 and open_tab(response) == "correspondentie"


def test_empty_lists_say_what_will_appear_and_what_to_do(client, make, jan):
    assert "U heeft nog geen dossiers. U hoeft niets te doen: zodra wij een dossier" in \
        text_of(client.get("/dossiers"))
    assert "U hoeft niets (meer) in te vullen of aan te leveren. Als wij u een vragenlijst " \
        "sturen of om stukken vragen" in text_of(client.get("/acties"))
    dossier = make.dossier(clients=[jan])
    url = f"/dossiers/{dossier.id}"
    for tab, said in (("correspondentie", "Hier staan nog geen brieven of e-mails. Brieven"),
                      ("documenten", "Hier staan nog geen documenten. Overige documenten"),
                      ("aangeleverd", "U heeft nog niets aangeleverd. Documenten die u")):
        for headers in ({}, {"HX-Request": "true"}):
            response = client.get(f"{url}/{tab}", headers=headers)
            assert said in text_of(response) and 'class="empty-state"' in html_of(response)
    # Door mij aangeleverd says how to hand something in, and leads there.
    assert f'href="{url}/berichten/nieuw">Nieuw bericht' in html_of(
        client.get(f"{url}/aangeleverd"))
    # A search without results is no empty state: the client has dossiers.
    make.dossier(clients=[jan])
    page = text_of(client.get("/dossiers?q=bestaat-niet"))
    assert "Er zijn geen dossiers die aan uw zoekopdracht voldoen." in page
    assert "U hoeft niets te doen" not in page


def test_search_on_number_and_description(client, make, jan):
    make.dossier(clients=[jan], number="2026-0001", description="Aankoop woning")
    make.dossier(clients=[jan], number="2026-0002", description="Testament")
    make.dossier(clients=[jan], number="2025-0100", description="Huurgeschil")
    assert "Aankoop woning" in text_of(client.get("/dossiers"))
    page = text_of(client.get("/dossiers?q=testa"))
    assert "Testament" in page and "Aankoop" not in page and "1 dossier" in page
    page = text_of(client.get("/dossiers?q=2025-"))
    assert "Huurgeschil" in page and "Testament" not in page
    assert "Er zijn geen dossiers" in text_of(client.get("/dossiers?q=%25_%25"))


def test_status_filter_only_when_several_statuses(client, make, jan):
    make.dossier(clients=[jan], description="Een")
    make.dossier(clients=[jan], description="Twee")
    assert "Toon alleen dossiers met status" not in text_of(client.get("/dossiers"))
    make.dossier(clients=[jan], description="Drie", status="closed")
    page = text_of(client.get("/dossiers"))
    assert "Toon alleen dossiers met status" in page
    assert "Een" in page and "Drie" in page  # all statuses by default
    page = text_of(client.get("/dossiers?status=closed"))
    assert "Drie" in page and "Een" not in page
    page = text_of(client.get("/dossiers?status=closed&status=in_progress"))
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
    first = text_of(client.get("/dossiers"))
    assert "Pagina 1 van 2" in first and "2026-0029" in first and "2026-0004" not in first
    second = text_of(client.get("/dossiers?page=2"))
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
    page = text_of(client.get(f"/dossiers/{dossier.id}"))
    assert "Voortgang (4/10)" in page and "Stap 9" in page


def test_tabs_show_counts_and_unread(app, client, session, make, jan):
    dossier = make.dossier(clients=[jan])
    lawyer = make.staff()
    make.document(dossier, CAT_CORRESPONDENCE, title="Brief 1")
    seen = make.document(dossier, CAT_CORRESPONDENCE, title="Brief 2")
    make.document(dossier, CAT_DOCUMENT, title="Declaratie")
    make.document(dossier, CAT_PROVIDED, title="Paspoort", by=jan)
    make.document(dossier, CAT_ATTACHMENT, title="Losse bijlage")  # not a tab
    make.document(dossier, CAT_DOCUMENT, title="Oud", withdrawn_at=utcnow())
    session.add(DocumentDownload(document_id=seen.id, user_id=jan.id))
    make.message(dossier, lawyer)
    read = make.message(dossier, lawyer)
    make.message(dossier, jan, from_client=True)
    make.message(dossier, lawyer, sent=False)  # someone's draft
    draft = make.message(dossier, jan, from_client=True, sent=False)  # own draft: no message
    make.document(dossier, CAT_ATTACHMENT, title="Concept bijlage", by=jan, message=draft)
    session.add(MessageRead(message_id=read.id, user_id=jan.id))
    session.commit()
    page = text_of(client.get(f"/dossiers/{dossier.id}/correspondentie"))
    assert "Correspondentie (2) 1 ongelezen" in page
    assert "Documenten (1) 1 ongelezen" in page
    # Own upload and own sent message; neither is unread.
    assert "Door mij aangeleverd (2) Berichten" in page
    assert "Berichten (3) 1 ongelezen" in page
    assert "Oud" not in text_of(client.get(f"/dossiers/{dossier.id}/documenten"))


@pytest.mark.parametrize("tab, title", [("correspondentie", "Brief"),
                                        ("documenten", "Concept akte"),
                                        ("aangeleverd", "Paspoort")])
def test_tab_fragment_and_full_page(app, client, session, make, jan, tab, title):
    dossier = make.dossier(clients=[jan])
    make.document(dossier, CAT_CORRESPONDENCE, title="Brief")
    make.document(dossier, CAT_DOCUMENT, title="Concept akte")
    make.document(dossier, CAT_PROVIDED, title="Paspoort", by=jan)
    url = f"/dossiers/{dossier.id}/{tab}"
    full = client.get(url)
    assert "<html" in full.get_data(as_text=True) and "Voortgang" in text_of(full)
    assert title in text_of(full) and "HX-Request" in full.headers["Vary"]
    fragment = client.get(url, headers={"HX-Request": "true"})
    html = fragment.get_data(as_text=True)
    assert "<html" not in html and html.lstrip().startswith('<div id="dossier-tabs"')
    assert title in html and 'aria-current="page"' in html
    restore = client.get(url, headers={"HX-Request": "true",
                                       "HX-History-Restore-Request": "true"})
    assert "<html" in restore.get_data(as_text=True)


def test_document_row_shows_icon_date_and_downloaded_mark(app, client, session, make, jan):
    dossier = make.dossier(clients=[jan])
    make.document(dossier, filename="a.docx", title="Memo",
                 content_type="application/vnd.openxmlformats-officedocument"
                              ".wordprocessingml.document")
    page = client.get(f"/dossiers/{dossier.id}").get_data(as_text=True)
    assert "doc-icon-word" in page and "Nog niet gedownload" in page


def test_download_headers_mark_and_audit(app, client, session, make, jan):
    dossier = make.dossier(clients=[jan])
    document = make.document(dossier, filename="Brief über € 100.pdf",
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
    page = text_of(client.get(f"/dossiers/{dossier.id}"))
    assert "Correspondentie (1) Documenten" in page  # no longer unread
    assert "Gedownload op" in page


def test_download_range_request(app, client, session, make, jan):
    dossier = make.dossier(clients=[jan])
    document = make.document(dossier, data=bytes(range(256)) * 4)
    response = client.get(f"/documenten/{document.id}/download",
                          headers={"Range": "bytes=10-19"})
    assert response.status_code == 206
    assert response.data == bytes(range(10, 20))
    assert response.headers["Content-Range"] == "bytes 10-19/1024"


def test_download_of_missing_file_is_404_not_500(app, client, session, make, jan):
    dossier = make.dossier(clients=[jan])
    document = make.document(dossier)
    document.storage_key = "0" * 32
    session.commit()
    assert client.get(f"/documenten/{document.id}/download").status_code == 404


def test_another_client_gets_404_everywhere(app, make, session):
    owner = make.user(email="owner@example.nl")
    dossier = make.dossier(clients=[owner])
    document = make.document(dossier)
    attachment = make.document(dossier, CAT_ATTACHMENT)
    withdrawn = make.document(dossier, withdrawn_at=utcnow() - timedelta(1))
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


# ---- pages of the lists

def test_a_page_past_the_end_never_crashes(app, client, make, jan):
    dossier = make.dossier(clients=[jan])
    # One dossier: straight in, whatever page was asked for.
    for page in ("2", "99", str(10 ** 30), "-3", "x"):
        response = client.get(f"/dossiers?page={page}")
        assert response.status_code == 302, page
        assert response.location == f"/dossiers/{dossier.id}"


def test_a_page_past_the_end_shows_the_last_page(app, client, make, jan):
    app.config["PAGE_SIZE"] = 10
    for n in range(12):
        make.dossier(clients=[jan], number=f"2026-{n:04d}")
    for page in ("3", "99", str(10 ** 30)):  # past the last page, and past SQLite's integers
        response = client.get(f"/dossiers?page={page}")
        assert response.status_code == 200, page
        shown = text_of(response)
        assert "Pagina 2 van 2" in shown and "2026-0000" in shown and "2026-0011" not in shown
        assert "U heeft nog geen dossiers" not in shown
    for page in ("0", "-5", "een"):
        assert "Pagina 1 van 2" in text_of(client.get(f"/dossiers?page={page}"))
    # A search with no results, on any page, says so.
    shown = text_of(client.get(f"/dossiers?q=zzz&page={10 ** 30}"))
    assert "Er zijn geen dossiers die aan uw zoekopdracht voldoen." in shown


def test_dossier_list_page_links_keep_search_and_work_with_htmx(app, client, make, jan):
    app.config["PAGE_SIZE"] = 2
    make.dossier(clients=[jan], description="Huur een", status="closed")
    for n in range(5):
        make.dossier(clients=[jan], description=f"Huur {n}")
    html = client.get("/dossiers?q=huur&status=in_progress").get_data(as_text=True)
    assert "Pagina 1 van 3" in text_of(html)
    link = re.search(r'<a href="([^"]+)" rel="next" hx-get="([^"]+)" '
                     r'hx-target="#dossier-results" hx-swap="outerHTML"\s+hx-push-url="true">',
                     html)
    assert link and link[1] == link[2] == "/dossiers?q=huur&amp;status=in_progress&amp;page=2"
    fragment = client.get("/dossiers?q=huur&status=in_progress&page=2",
                          headers={"HX-Request": "true"}).get_data(as_text=True)
    assert fragment.lstrip().startswith("{") is False and "<html" not in fragment
    assert "Pagina 2 van 3" in text_of(fragment)
    assert 'rel="prev"' in fragment and 'href="/dossiers?q=huur&amp;status=in_progress"' \
        in fragment  # page 1 has no page=


def test_document_tabs_paginate(app, client, session, make, jan):
    app.config["PAGE_SIZE"] = 3
    dossier = make.dossier(clients=[jan])
    now = utcnow()
    for n in range(7):
        make.document(dossier, CAT_DOCUMENT, title=f"Stuk {n}",
                     created_at=now - timedelta(days=n))
    url = f"/dossiers/{dossier.id}/documenten"
    first = text_of(client.get(url))
    assert "Documenten (7) 7 ongelezen" in first  # the count is of the whole tab
    assert "Stuk 0" in first and "Stuk 2" in first and "Stuk 3" not in first
    assert "Pagina 1 van 3" in first
    html = client.get(url).get_data(as_text=True)
    assert (f'<a href="{url}?page=2" rel="next" hx-get="{url}?page=2" '
            'hx-target="#dossier-tabs" hx-swap="outerHTML"') in html
    last = text_of(client.get(url + "?page=3"))
    assert "Stuk 6" in last and "Stuk 5" not in last and "Pagina 3 van 3" in last
    assert "Stuk 6" in text_of(client.get(url + f"?page={10 ** 30}"))
    fragment = client.get(url + "?page=2", headers={"HX-Request": "true"})
    html = fragment.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="dossier-tabs"') and "Voortgang" not in html
    assert "Stuk 3" in html and "Stuk 5" in html and "Stuk 2" not in html
    assert "HX-Request" in fragment.headers["Vary"]
    # A short tab has no page links.
    assert "Pagina" not in text_of(client.get(f"/dossiers/{dossier.id}/correspondentie"))


def test_berichten_paginate_with_drafts_apart_on_the_first_page(app, client, session, make,
                                                                jan):
    app.config["PAGE_SIZE"] = 2
    dossier = make.dossier(clients=[jan])
    lawyer = make.staff()
    for n in range(5):
        make.message(dossier, lawyer, subject=f"Bericht {n}",
                    sent_at=utcnow() - timedelta(hours=10 - n))
    make.message(dossier, jan, from_client=True, sent=False, subject="Mijn concept")
    url = f"/dossiers/{dossier.id}/berichten"
    first = text_of(client.get(url))
    assert "Berichten (5) 5 ongelezen" in first  # the draft is no message
    assert "Niet verzonden Mijn concept" in first
    assert "Bericht 4" in first and "Bericht 3" in first and "Bericht 2" not in first
    assert "Pagina 1 van 3" in first
    second = client.get(url + "?page=2").get_data(as_text=True)
    assert "Bericht 2" in second and "Bericht 1" in second and "Mijn concept" not in second
    assert f'hx-get="{url}?page=3" hx-target="#dossier-tabs"' in second
    assert "Bericht 0" in text_of(client.get(url + "?page=3"))
    assert "Bericht 0" in text_of(client.get(url + "?page=40"))


# ---- Door mij aangeleverd: what the client sent

def test_sent_messages_are_rows_of_door_mij_aangeleverd(app, client, session, make, jan):
    dossier = make.dossier(clients=[jan])
    lawyer = make.staff()
    now = utcnow()
    make.document(dossier, CAT_PROVIDED, title="Paspoort", by=jan,
                 created_at=now - timedelta(days=2))
    sent = make.message(dossier, jan, from_client=True, subject="Vraag over de akte",
                       sent_at=now - timedelta(days=1))
    make.message(dossier, jan, from_client=True, sent=False, subject="Nog een concept")
    make.message(dossier, lawyer, subject="Van het kantoor")
    response = client.get(f"/dossiers/{dossier.id}/aangeleverd")
    page = text_of(response)
    assert "Door mij aangeleverd (2) Berichten" in page  # the message counts, not unread
    assert "Vraag over de akte" in page and "Paspoort" in page
    assert page.index("Vraag over de akte") < page.index("Paspoort")  # newest first
    assert "Nog een concept" not in page and "Van het kantoor" not in page
    html = response.get_data(as_text=True)
    assert ('<svg class="icon doc-icon doc-icon-message" role="img" focusable="false">'
            "<title>Bericht</title>") in html
    assert (f'href="/berichten/{sent.id}" hx-get="/berichten/{sent.id}" '
            'hx-target="#dossier-tabs"') in html
    assert client.get(f"/berichten/{sent.id}").status_code == 200


def test_door_mij_aangeleverd_pages_mix_files_and_messages(app, client, session, make, jan):
    app.config["PAGE_SIZE"] = 2
    dossier = make.dossier(clients=[jan])
    now = utcnow()
    for n in range(3):
        make.document(dossier, CAT_PROVIDED, title=f"Stuk {n}", by=jan,
                     created_at=now - timedelta(hours=2 * n))
        make.message(dossier, jan, from_client=True, subject=f"Bericht {n}",
                    sent_at=now - timedelta(hours=2 * n + 1))
    url = f"/dossiers/{dossier.id}/aangeleverd"
    pages = [text_of(client.get(f"{url}?page={n}")) for n in (1, 2, 3)]
    assert "Door mij aangeleverd (6)" in pages[0] and "Pagina 1 van 3" in pages[0]
    order = ["Stuk 0", "Bericht 0", "Stuk 1", "Bericht 1", "Stuk 2", "Bericht 2"]
    for n, shown in enumerate(pages):
        on_page = [title for title in order if title in shown]
        assert on_page == order[2 * n:2 * n + 2]


# ---- Acties: the count and the list agree

def test_acties_count_follows_dossier_access(client, session, make, jan):
    dossier = make.dossier(clients=[jan])
    other = make.dossier(clients=[jan])
    open_action(session, jan, dossier)
    open_action(session, jan, other)
    acties = text_of(client.get("/acties"))
    assert re.search(r"Acties\s+2", acties)
    assert dossier.number in acties and other.number in acties
    # The firm takes the client off one dossier: its questionnaire goes from list and count.
    session.exec(delete(DossierClient).where(DossierClient.dossier_id == dossier.id))
    session.commit()
    acties = text_of(client.get("/acties"))
    assert re.search(r"Acties\s+1", acties)
    assert other.number in acties and dossier.number not in acties
    assert re.search(r"Acties 1 vragenlijsten in te vullen", text_of(client.get("/")))
    session.exec(delete(DossierClient).where(DossierClient.dossier_id == other.id))
    session.commit()
    acties = text_of(client.get("/acties"))
    assert re.search(r"Acties\s+0", acties) and other.number not in acties


# ---- downloads that count

def test_only_a_download_from_the_first_byte_counts(app, client, session, make, jan):
    dossier = make.dossier(clients=[jan])
    document = make.document(dossier, data=bytes(range(256)) * 4)
    url = f"/documenten/{document.id}/download"

    def counted():
        session.expire_all()
        mark = session.get(DocumentDownload, (document.id, jan.id))
        events = session.exec(select(AuditEvent).where(
            AuditEvent.action == "document.downloaded")).all()
        return (mark.count if mark else 0), len(events)

    # A HEAD, a resumed download and a seek (a PDF viewer) do not count.
    head = client.head(url)
    assert head.status_code == 200 and head.headers["Content-Length"] == "1024"
    assert client.get(url, headers={"Range": "bytes=10-19"}).status_code == 206
    assert client.get(url, headers={"Range": "bytes=-100"}).status_code == 206
    assert counted() == (0, 0)
    assert "Correspondentie (1) 1 ongelezen" in text_of(client.get(f"/dossiers/{dossier.id}"))
    # The whole file, or a Range from byte 0, does.
    assert client.get(url).status_code == 200
    assert counted() == (1, 1)
    response = client.get(url, headers={"Range": "bytes=0-99"})
    assert response.status_code == 206 and response.data == bytes(range(100))
    assert counted() == (2, 2)
    assert client.get(url, headers={"Range": "bytes=512-"}).status_code == 206
    assert counted() == (2, 2)
    assert "Correspondentie (1) Documenten" in text_of(client.get(f"/dossiers/{dossier.id}"))
