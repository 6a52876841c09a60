"""Aan te leveren stukken, the client's side (issue 17, points 1-4, the client half of the
identity documents and of the races): Acties lists open requests beside questionnaires and
counts them; a request's page shows each item's state, reason and files; an upload per item
is saved at once (htmx: the item swapped; without: PRG), checked as attachments are, and
never leaves half a state, also when the firm withdraws or approves the item meanwhile or
two tabs upload at once (real parallel requests on gunicorn, SQLite and PostgreSQL)."""
import io
import os
import re
import threading
import time
from datetime import timedelta

import pytest
from helpers import csrf_token, documents, events, files_on_disk, html_of, login, text_of
from ops.server import Browser, threaded
from sqlmodel import Session
from twostep_helpers import login_staff

from app import doc_requests, filecheck, storage
from app.dates import local
from app.models import (
    CAT_PROVIDED,
    ITEM_APPROVED,
    ITEM_OPEN,
    ITEM_REJECTED,
    ITEM_SUBMITTED,
    Document,
    FirmSettings,
    RequestItem,
    utcnow,
)

PDF = b"%PDF-1.4 " + bytes(range(256)) * 8
PASSPORT = {"title": "Kopie paspoort", "explanation": "Voor- en achterkant",
            "is_identity": True}


def page_url(request):
    return f"/acties/stukken/{request.id}"


def item_url(request, item):
    return f"/acties/stukken/{request.id}/{item.id}"


def upload(client, request, item, files, htmx=False, form_key=None):
    """Post files ((name, bytes), ...) for an item, as the form does."""
    data = {"csrf_token": csrf_token(client),
            "files": [(io.BytesIO(content), name) for name, content in files]}
    if form_key:
        data["form_key"] = form_key
    return client.post(item_url(request, item), data=data, content_type="multipart/form-data",
                       headers={"HX-Request": "true"} if htmx else {})


def item_of(session, item):
    session.expire_all()
    return session.get(RequestItem, item.id)


def decide(app, session, staff, item, approve, reason=None):
    """The firm approves or rejects `item` as it is now."""
    with app.app_context():
        item = item_of(session, item)
        doc_requests.decide(session, staff, item, item.revision, approve, reason)
        session.commit()


def today(app):
    """The firm's date today."""
    with app.app_context():
        return local(utcnow()).date()


def stored_files(app):
    """The stored files (the temporary folder of uploads under way aside)."""
    root = app.config["UPLOAD_FOLDER"]
    return [path for path in files_on_disk(app)
            if os.path.relpath(path, root).split(os.sep)[0] != "tmp"]


@pytest.fixture
def request_of_jan(make, jan, dossier, lawyer):
    """Three items for Jan, the first an identity document."""
    return make.document_request(dossier, jan, by=lawyer,
                                 items=[PASSPORT, "Koopakte", "Loonstrook"])


# ---- Acties and the menu

def test_acties_lists_open_requests_beside_questionnaires(app, client, session, make, jan,
                                                         dossier, lawyer):
    make.assignment(jan, dossier, title="Intake koper")
    soon = make.document_request(dossier, jan, by=lawyer, items=["Koopakte", "Loonstrook"],
                                 deadline=today(app) + timedelta(days=5))
    late = make.document_request(dossier, jan, by=lawyer,
                                 items=[PASSPORT, "Huwelijkse voorwaarden", "Statuten"],
                                 deadline=today(app) - timedelta(days=2))
    make.hand_in(late.items[0], jan)
    make.hand_in(late.items[1], jan)
    decide(app, session, lawyer, late.items[1], False, "Onleesbaar")
    page = text_of(client.get("/acties"))
    assert "Acties 3" in page  # the menu counts both kinds
    rows = re.findall(r"<tr>.*?</tr>", html_of(client.get("/acties")), re.S)[1:]
    assert len(rows) == 3
    # The overdue request first, marked in words; then the next deadline; the questionnaire.
    first, second, third = (text_of(row) for row in rows)
    assert first.startswith(f"Aan te leveren stukken {dossier.number} 2 van 3 aangeleverd "
                            "1 afgekeurd: lever het opnieuw aan Te laat Uiterlijk")
    assert f'href="{page_url(late)}"' in rows[0]
    assert "Aanleveren stukken voor dossier" in first
    assert "0 van 2 aangeleverd" in second and "Te laat" not in second
    assert "Uiterlijk" in second and f'href="{page_url(soon)}"' in rows[1]
    assert third.startswith(f"Intake koper {dossier.number} Vragenlijst om in te vullen")
    home = text_of(client.get("/"))
    assert "Acties 3 vragenlijsten in te vullen en stukken aan te leveren" in home


def test_a_request_leaves_acties_when_everything_is_approved(app, client, session, make, jan,
                                                            request_of_jan, lawyer):
    for item in request_of_jan.items[:2]:
        make.hand_in(item, jan)
        decide(app, session, lawyer, item, True)
    assert "Acties 1" in text_of(client.get("/acties"))
    with app.app_context():
        doc_requests.withdraw(session, lawyer, item_of(session, request_of_jan.items[2]))
        session.commit()
    page = text_of(client.get("/acties"))
    assert "Acties 0" in page and "Aan te leveren stukken" not in page
    assert "U hoeft niets (meer) in te vullen of aan te leveren. Als wij u een vragenlijst " \
           "sturen of om stukken vragen, verschijnt die hier" in page
    # Its page still opens, to read: every item approved, nothing to upload, the way back
    # is the dossier (where the files are).
    done = client.get(page_url(request_of_jan))
    assert done.status_code == 200
    said = text_of(done)
    assert "Wij hebben alle gevraagde stukken goedgekeurd" in said
    assert said.count("Goedgekeurd") == 2 and "Loonstrook" not in said  # withdrawn: gone
    assert "<form" not in html_of(done).split('id="main"')[1]
    assert f'href="/dossiers/{request_of_jan.dossier_id}/aangeleverd"' in html_of(done)


def test_empty_acties_in_english(client, make):
    user = make.user(email="sophie@example.nl", language="en")
    login(client, user.email)
    page = text_of(client.get("/acties"))
    assert "You have nothing to fill in or provide. When we send you a questionnaire or ask " \
           "you for documents" in page


# ---- a request's page

def test_the_page_shows_each_state_reason_and_file(app, client, session, make, jan, dossier,
                                                  request_of_jan, lawyer):
    passport, deed, payslip = request_of_jan.items
    make.hand_in(passport, jan, "paspoort-voor.pdf")
    make.hand_in(deed, jan, "akte.pdf")
    decide(app, session, lawyer, deed, False, "De laatste bladzijde ontbreekt.")
    response = client.get(page_url(request_of_jan))
    assert response.status_code == 200
    page = text_of(response)
    assert f"Dossier {dossier.number}" in page and "2 van 3 aangeleverd" in page
    assert ("Kopie paspoort Status: Aangeleverd, wacht op controle Voor- en achterkant "
            "Identiteitsbewijs — wordt na afloop bewaard volgens de wettelijke termijn en "
            "daarna verwijderd Uw bestanden: paspoort-voor.pdf") in page
    assert ("Koopakte Status: Afgekeurd Reden van het kantoor: De laatste bladzijde "
            "ontbreekt.") in page
    assert "Loonstrook Status: Nog aanleveren" in page
    html = html_of(response)
    # Every item that waits for files has its upload, with and without JavaScript.
    for item in (passport, deed, payslip):
        assert f'action="{item_url(request_of_jan, item)}"' in html
        assert f'<label for="files-{item.id}">Bestanden kiezen' in html
    assert html.count("Bladeren") == 3 and html.count('name="form_key"') == 3
    assert 'src="/static/js/requests.js' in html
    [passport_file] = [d for d in documents(session) if d.filename == "paspoort-voor.pdf"]
    assert f'href="/documenten/{passport_file.id}/download"' in html
    # Approved: no upload for it any more.
    decide(app, session, lawyer, passport, True)
    html = html_of(client.get(page_url(request_of_jan)))
    assert f'action="{item_url(request_of_jan, passport)}"' not in html
    assert "Goedgekeurd" in text_of(html)


def test_an_erased_identity_document_says_so(app, client, session, make, jan,
                                             request_of_jan, lawyer):
    passport = request_of_jan.items[0]
    document = make.hand_in(passport, jan)
    decide(app, session, lawyer, passport, True)
    session.delete(session.get(Document, document.id))
    item = item_of(session, passport)
    item.erased_at = utcnow()
    session.add(item)
    session.commit()
    page = text_of(client.get(page_url(request_of_jan)))
    assert "De bestanden die u voor dit stuk heeft aangeleverd, zijn op" in page
    assert "verwijderd, aan het eind van de wettelijke bewaartermijn." in page


def test_door_mij_aangeleverd_labels_files_with_their_item(client, make, jan, dossier,
                                                           request_of_jan):
    make.hand_in(request_of_jan.items[1], jan, "akte.pdf")
    for headers in ({}, {"HX-Request": "true"}):
        response = client.get(f"/dossiers/{dossier.id}/aangeleverd", headers=headers)
        assert "akte.pdf Aangeleverd voor: Koopakte" in text_of(response)
        assert f'href="{page_url(request_of_jan)}">Koopakte</a>' in html_of(response)


# ---- uploading

def test_upload_without_javascript_is_saved_at_once(app, client, session, jan, dossier,
                                                    request_of_jan):
    passport = request_of_jan.items[0]
    response = upload(client, request_of_jan, passport,
                      [("voorkant.pdf", PDF), ("achterkant.pdf", PDF)])
    assert response.status_code == 302 and response.location == page_url(request_of_jan)
    stored = documents(session)
    assert [d.filename for d in stored] == ["voorkant.pdf", "achterkant.pdf"]
    for document in stored:
        assert (document.dossier_id, document.category) == (dossier.id, CAT_PROVIDED)
        assert document.request_item_id == passport.id and document.identity
        assert document.uploaded_by_id == jan.id and document.size == len(PDF)
        with app.app_context(), open(storage.path_for(document.storage_key), "rb") as f:
            assert f.read() == PDF
    assert item_of(session, passport).state == ITEM_SUBMITTED
    assert {e.target_id for e in events(session, "request.file_handed_in")} == \
        {d.id for d in stored}
    page = text_of(client.get(response.location))
    assert "2 bestanden zijn aangeleverd voor “Kopie paspoort”." in page
    assert "1 van 3 aangeleverd" in page


def test_upload_with_htmx_swaps_the_item(session, client, jan, request_of_jan):
    deed = request_of_jan.items[1]
    response = upload(client, request_of_jan, deed, [("akte.pdf", PDF)], htmx=True)
    assert response.status_code == 200 and "HX-Request" in response.vary
    html = html_of(response)
    assert html.lstrip().startswith(f'<section class="request-item" id="item-{deed.id}"')
    assert "<html" not in html and "<h1" not in html
    assert "1 bestand is aangeleverd voor “Koopakte”." in text_of(html)
    assert "Aangeleverd, wacht op controle" in text_of(html)
    # The request's status comes along, swapped out of band.
    assert re.search(r'<p id="request-status" class="request-status" hx-swap-oob="true">\s*'
                     r'<span class="request-progress">1 van 3 aangeleverd', html)
    # A new form key: the next upload of this item is a new one.
    assert 'name="form_key"' in html
    assert [d.filename for d in documents(session)] == ["akte.pdf"]


@pytest.mark.parametrize("htmx", [False, True])
@pytest.mark.parametrize("files, said", [
    ([], "Kies één of meer bestanden om te uploaden."),
    ([("leeg.pdf", b"")], "“leeg.pdf” is leeg en is niet toegevoegd."),
    ([("virus.exe", b"MZ")], "“virus.exe” is niet toegevoegd: dit type bestand is niet "
                             "toegestaan."),
    ([("nep.pdf", b"MZ\x90\x00 geen pdf")], "“nep.pdf” is niet toegevoegd."),
])
def test_bad_input_keeps_nothing(app, client, session, jan, request_of_jan, files, said, htmx):
    item = request_of_jan.items[2]
    response = upload(client, request_of_jan, item, files, htmx=htmx)
    page = text_of(response if htmx else client.get(response.headers["Location"]))
    assert said in page
    if files:
        assert "Niet alles is bewaard" in page
    assert documents(session) == [] and stored_files(app) == []
    assert item_of(session, item).state == ITEM_OPEN


def test_too_many_files_at_once_keep_nothing(app, client, session, jan, request_of_jan):
    app.config["MAX_FILES_PER_MESSAGE"] = 2
    response = upload(client, request_of_jan, request_of_jan.items[2],
                      [(f"stuk{n}.pdf", PDF) for n in range(3)], htmx=True)
    assert "U heeft 3 bestanden gekozen; u kunt er hoogstens 2 tegelijk uploaden." in \
        text_of(response)
    assert documents(session) == [] and stored_files(app) == []


def test_the_days_quota_keeps_nothing(app, client, session, jan, request_of_jan):
    session.add(FirmSettings(upload_mb_per_day=1))
    session.commit()
    big = b"%PDF-1.4 " + bytes(700 * 1024)
    assert upload(client, request_of_jan, request_of_jan.items[1],
                  [("akte.pdf", big)]).status_code == 302
    response = upload(client, request_of_jan, request_of_jan.items[2],
                      [("loonstrook.pdf", big)], htmx=True)
    assert "U hebt vandaag het maximum van 1 MB aan bestanden geüpload." in text_of(response)
    assert [d.filename for d in documents(session)] == ["akte.pdf"]
    assert len(stored_files(app)) == 1
    assert item_of(session, request_of_jan.items[2]).state == ITEM_OPEN


def test_a_rejected_item_takes_new_files(app, client, session, make, jan, request_of_jan,
                                         lawyer):
    payslip = request_of_jan.items[2]
    make.hand_in(payslip, jan, "oud.pdf")
    decide(app, session, lawyer, payslip, False, "Van vorig jaar")
    assert "Reden van het kantoor: Van vorig jaar" in text_of(client.get(
        page_url(request_of_jan)))
    response = upload(client, request_of_jan, payslip, [("nieuw.pdf", PDF)], htmx=True)
    assert "1 bestand is aangeleverd voor “Loonstrook”." in text_of(response)
    item = item_of(session, payslip)
    assert item.state == ITEM_SUBMITTED
    assert [d.filename for d in documents(session)] == ["oud.pdf", "nieuw.pdf"]


@pytest.mark.parametrize("how, said", [
    ("approve", "Dit stuk is al goedgekeurd; uw bestand is niet bewaard."),
    ("withdraw", "Het kantoor vraagt dit stuk niet meer; uw bestand is niet bewaard."),
])
def test_an_item_decided_before_the_upload_takes_no_files(app, client, session, make, jan,
                                                         request_of_jan, lawyer, how, said):
    item = request_of_jan.items[1]
    page = client.get(page_url(request_of_jan))  # the page is open ...
    assert page.status_code == 200
    if how == "approve":  # ... when the firm decides
        make.hand_in(item, jan, "eerder.pdf")
        decide(app, session, lawyer, item, True)
    else:
        with app.app_context():
            doc_requests.withdraw(session, lawyer, item_of(session, item))
            session.commit()
    before = len(stored_files(app))
    response = upload(client, request_of_jan, item, [("akte.pdf", PDF)], htmx=True)
    assert response.status_code == 200 and said in text_of(response)
    assert 'action="' not in html_of(response)  # no upload any more
    assert "akte.pdf" not in [d.filename for d in documents(session)]
    assert len(stored_files(app)) == before


@pytest.mark.parametrize("how, said", [
    ("approve", "Dit stuk is al goedgekeurd; uw bestand is niet bewaard."),
    ("withdraw", "Het kantoor vraagt dit stuk niet meer; uw bestand is niet bewaard."),
])
def test_the_firm_deciding_while_the_file_streams(app, client, session, make, jan,
                                                  request_of_jan, lawyer, monkeypatch, how,
                                                  said):
    """The item is claimed after the file is on disk: the firm approving or withdrawing it
    in between (in its own transaction, which would wait for SQLite's write lock if the
    upload held it while streaming) leaves no row and no file of the upload."""
    item = request_of_jan.items[1]
    if how == "approve":
        make.hand_in(item, jan, "eerder.pdf")
    before = len(stored_files(app))
    store = filecheck.store

    def slow_store(stream, name, limit):
        found = store(stream, name, limit)
        with Session(app.extensions["db_engine"], expire_on_commit=False) as firm_db:
            late = firm_db.get(RequestItem, item.id)
            if how == "approve":
                doc_requests.decide(firm_db, lawyer, late, late.revision, True)
            else:
                doc_requests.withdraw(firm_db, lawyer, late)
            firm_db.commit()
        return found

    monkeypatch.setattr(filecheck, "store", slow_store)
    response = upload(client, request_of_jan, item, [("akte.pdf", PDF)])
    assert response.status_code == 302
    page = text_of(client.get(response.location))
    assert "Niet alles is bewaard voor “Koopakte”:" in page and said in page
    assert "akte.pdf" not in [d.filename for d in documents(session)]
    assert len(stored_files(app)) == before
    assert not events(session, "request.file_handed_in")[1:]


def test_a_double_click_hands_in_once(app, client, session, jan, request_of_jan):
    html = html_of(client.get(page_url(request_of_jan)))
    key = re.search(r'name="form_key" type="hidden" value="([^"]+)"', html)[1]
    item = request_of_jan.items[1]
    for _click in range(2):
        response = upload(client, request_of_jan, item, [("akte.pdf", PDF)], form_key=key)
        assert response.status_code == 302
    assert "1 bestand is aangeleverd voor “Koopakte”." in text_of(client.get(
        page_url(request_of_jan)))
    assert [d.filename for d in documents(session)] == ["akte.pdf"]
    assert len(stored_files(app)) == 1


# ---- who may

def test_nobody_else_reaches_a_request(app, client, session, make, jan, dossier, company,
                                       anna, lawyer, request_of_jan):
    """Another client, an extra account of the same company (who sees the company's
    dossier, not Anna's request) and staff get 404 for page and upload; nothing stored."""
    piet = make.user(email="piet@dewit.nl", company=company)
    company_dossier = make.dossier(companies=[company], lawyer=lawyer)
    annas = make.document_request(company_dossier, anna, by=lawyer, items=["Statuten"])
    kees = make.user(email="kees@example.nl")
    checks = [(kees, request_of_jan), (piet, annas), (jan, annas), (anna, request_of_jan)]
    for user, request in checks:
        other = app.test_client()
        assert login(other, user.email).status_code == 302
        assert other.get(page_url(request)).status_code == 404
        for htmx in (False, True):
            assert upload(other, request, request.items[0], [("x.pdf", PDF)],
                          htmx=htmx).status_code == 404
    # An item of another request under one's own request's URL.
    assert upload(client, request_of_jan, annas.items[0], [("x.pdf", PDF)]).status_code == 404
    assert client.get(page_url(request_of_jan) + "/" + str(annas.items[0].id)).status_code \
        == 405
    staff = app.test_client()
    login_staff(staff, session, lawyer)
    assert staff.get(page_url(request_of_jan)).status_code == 404
    assert upload(staff, request_of_jan, request_of_jan.items[0],
                  [("x.pdf", PDF)]).status_code == 404
    assert documents(session) == [] and stored_files(app) == []
    # Anna's extra account sees the company dossier and what Anna handed in (not her
    # identity documents), labelled with the item but without a way into her request.
    make.hand_in(annas.items[0], anna, "statuten.pdf")
    other = app.test_client()
    login(other, piet.email)
    tab = other.get(f"/dossiers/{company_dossier.id}/aangeleverd")
    assert "statuten.pdf Aangeleverd voor: Statuten" in text_of(tab)
    assert page_url(annas) not in html_of(tab)


# ---- races: real parallel requests (gunicorn, 4 workers of 4 threads)

@pytest.fixture(scope="module")
def server(database_url, tmp_path_factory):
    """(gunicorn, its upload folder) on the test database."""
    folder = tmp_path_factory.mktemp("gunicorn-requests")
    with threaded(database_url, folder) as gunicorn:
        yield gunicorn, folder / "files"


def on_disk(folder):
    """The storage keys of the files stored in `folder` (uploads under way aside)."""
    return {name for path, _dirs, names in os.walk(folder) if os.path.basename(path) != "tmp"
            for name in names}


def uploads_at_once(port, cookies, path, count, extra=None):
    """`count` uploads of a 1 MB PDF posted to `path` at the same moment from as many tabs
    (each with its page's form key), while `extra` runs too: the flash each tab then
    shows."""
    tabs = []
    for _n in range(count):
        tab = Browser(port)
        tab.cookies = dict(cookies)
        tab.request("GET", path.rsplit("/", 1)[0])
        tabs.append(tab)
    barrier = threading.Barrier(count + (1 if extra else 0))
    said = []

    def post(tab, n):
        barrier.wait()
        status, location = tab.request("POST", path, {"form_key": tab.form_key},
                                       [("files", f"stuk{n}.pdf", b"%PDF-1.4 " + bytes(2**20))])
        assert status == 302, (status, tab.page[:500])
        tab.request("GET", location)
        said.append(text_of(tab.page))

    threads = [threading.Thread(target=post, args=(tab, n)) for n, tab in enumerate(tabs)]
    if extra:
        threads.append(threading.Thread(target=lambda: (barrier.wait(), extra())))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return said


def no_half_state(session, folder, before):
    """Every document has its file, every file stored since `before` (on_disk) its
    document."""
    return {d.storage_key for d in documents(session)} == on_disk(folder) - before


def test_two_tabs_uploading_to_one_item_both_succeed(session, make, jan, request_of_jan,
                                                     server):
    gunicorn, folder = server
    browser = Browser(gunicorn.port)
    browser.log_in(jan.email)
    item = request_of_jan.items[1]
    before = on_disk(folder)
    said = uploads_at_once(gunicorn.port, browser.cookies, item_url(request_of_jan, item), 4)
    assert len(said) == 4
    assert all("1 bestand is aangeleverd voor “Koopakte”." in page for page in said)
    assert len(documents(session)) == 4 and no_half_state(session, folder, before)
    handed_in = item_of(session, item)
    assert handed_in.state == ITEM_SUBMITTED and handed_in.revision == 4


@pytest.mark.parametrize("how", ["withdraw", "approve"])
def test_the_firm_deciding_while_tabs_upload(app, session, make, jan, request_of_jan, lawyer,
                                             server, how):
    """Uploads and the firm's withdrawal (or approval) at the same moment: each tab is told
    whether its file was stored; a refused one left no file, a stored one its row."""
    gunicorn, folder = server
    browser = Browser(gunicorn.port)
    browser.log_in(jan.email)
    item = request_of_jan.items[1]
    before = on_disk(folder)

    def firm_decides():
        # As soon as the first file is in (the others are still streaming, or claiming).
        with app.app_context(), Session(app.extensions["db_engine"]) as firm_db:
            for _wait in range(600):
                late = firm_db.get(RequestItem, item.id)
                if late.state == ITEM_SUBMITTED:
                    break
                firm_db.rollback()
                firm_db.expire_all()
                time.sleep(0.01)
            for _attempt in range(20):
                try:
                    if how == "approve":
                        doc_requests.decide(firm_db, lawyer, late, late.revision, True)
                    else:
                        doc_requests.withdraw(firm_db, lawyer, late)
                    firm_db.commit()
                    return
                except doc_requests.Refused:  # a file came in meanwhile: look again
                    firm_db.rollback()
                    firm_db.refresh(late)

    said = uploads_at_once(gunicorn.port, browser.cookies, item_url(request_of_jan, item), 4,
                           firm_decides)
    stored = [page for page in said if "1 bestand is aangeleverd voor “Koopakte”." in page]
    refused = [page for page in said if "Niet alles is bewaard voor “Koopakte”:" in page]
    assert len(stored) + len(refused) == 4, said
    handed_in = [d for d in documents(session) if d.request_item_id == item.id]
    assert len(handed_in) == len(stored) and no_half_state(session, folder, before)
    late = item_of(session, item)
    if how == "approve":
        assert late.state == ITEM_APPROVED
    else:
        assert late.withdrawn_at is not None and late.state in (ITEM_OPEN, ITEM_SUBMITTED)
    assert late.state != ITEM_REJECTED
