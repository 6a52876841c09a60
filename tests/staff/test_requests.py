"""Staff side of requests for documents ("Stukken opvragen"): asking, the request's page with
approve, reject, withdraw and adding items, the overview of open requests, the firm's list and
the reminder settings (Instellingen), and who may see which request and identity document."""
import re
from datetime import timedelta

import pytest
from helpers import HTMX, csrf_token, differences, html_of, login, snapshot, text_of
from sqlmodel import delete, select
from twostep_helpers import login_staff

from app import doc_requests
from app.demo import load_demo
from app.models import (
    CAT_PROVIDED,
    ITEM_APPROVED,
    ITEM_OPEN,
    ITEM_REJECTED,
    ITEM_SUBMITTED,
    AuditEvent,
    Document,
    DocumentRequest,
    Dossier,
    DossierStatus,
    FirmSettings,
    NotificationItem,
    RequestItem,
    StandardItem,
    utcnow,
)
from app.staff import access, request_forms

PASSPORT = {"title": "Kopie paspoort", "explanation": "Voor- en achterkant",
            "is_identity": True}


@pytest.fixture
def firm(session, make, staff):
    """Jan in a dossier of mr. Jansen, the firm's list of three documents, and a dossier of
    mr. Bakker with a client of its own."""
    class Firm:
        jan = make.user(email="jan@example.nl", name="Jan de Vries")
        kees = make.user(email="kees@example.nl", name="Kees Klant")
    Firm.dossier = make.dossier(clients=[Firm.jan], lawyer=staff.lawyer, number="2026-0042",
                                description="Aankoop woning")
    Firm.other = make.dossier(clients=[Firm.kees], lawyer=staff.other_lawyer,
                              number="2026-0099", description="Geheime zaak")
    Firm.standard = []
    for position, (title, explanation, identity) in enumerate([
            ("Kopie paspoort of ID-kaart", "Voor- en achterkant", True),
            ("Koopovereenkomst", "Getekend door beide partijen", False),
            ("Recente loonstrook", "", False)]):
        item = StandardItem(title=title, explanation=explanation, is_identity=identity,
                            position=position)
        session.add(item)
        Firm.standard.append(item)
    session.commit()
    return Firm


@pytest.fixture
def day(app):
    """Today in the firm's time zone, as the views count deadlines."""
    with app.app_context():
        return request_forms.today()


def new_url(dossier):
    return f"/kantoor/dossiers/{dossier.id}/stukken/opvragen"


def request_url(doc_request):
    return f"/kantoor/stukken/{doc_request.id}"


def item_url(doc_request, item, action):
    return f"/kantoor/stukken/{doc_request.id}/onderdelen/{item.id}/{action}"


def requests_of(session):
    session.expire_all()
    return session.exec(select(DocumentRequest)).all()


def items_of(session, doc_request):
    session.expire_all()
    return session.exec(select(RequestItem).where(RequestItem.request_id == doc_request.id)
                        .order_by(RequestItem.position)).all()


def form(browser, url, **fields):
    """The fields of a request form as a browser posts them (rows: three empty ones)."""
    data = {"csrf_token": csrf_token(browser), "rows": "3"}
    data.update(fields)
    return data


# ---- Stukken opvragen

def test_request_documents_from_the_list_and_typed(day, client, session, make, staff, firm,
                                                   as_staff):
    as_staff(staff.lawyer)
    page = html_of(client.get(new_url(firm.dossier)))
    assert "Stukken opvragen" in page and "Kopie paspoort of ID-kaart" in page
    # The dossier's one client is chosen already.
    assert re.search(rf'<option selected value="{firm.jan.id}">|<option value="{firm.jan.id}" '
                     r'selected', page)
    assert page.count('name="rows-') == 9  # three empty rows: title, explanation, identity
    deadline = (day + timedelta(days=14)).isoformat()
    response = client.post(new_url(firm.dossier), data=form(
        client, new_url(firm.dossier), client=str(firm.jan.id),
        standard=[str(firm.standard[1].id), str(firm.standard[0].id)],
        **{"rows-0-title": "Bankafschrift", "rows-0-explanation": "Van de laatste maand",
           "rows-2-title": "Taxatierapport", "rows-2-identity": "y"}, deadline=deadline))
    [doc_request] = requests_of(session)
    assert response.status_code == 303
    assert response.location == request_url(doc_request)
    assert (doc_request.dossier_id, doc_request.client_id, doc_request.sent_by_id) == (
        firm.dossier.id, firm.jan.id, staff.lawyer.id)
    assert doc_request.deadline.isoformat() == deadline
    # The list's documents first, in the list's order, then the typed ones.
    assert [(i.title, i.explanation, i.is_identity, i.state)
            for i in items_of(session, doc_request)] == [
        ("Kopie paspoort of ID-kaart", "Voor- en achterkant", True, ITEM_OPEN),
        ("Koopovereenkomst", "Getekend door beide partijen", False, ITEM_OPEN),
        ("Bankafschrift", "Van de laatste maand", False, ITEM_OPEN),
        ("Taxatierapport", "", True, ITEM_OPEN)]
    assert [n.user_id for n in session.exec(select(NotificationItem)).all()] == [firm.jan.id]
    [event] = make.events("request.sent")
    assert event.actor_id == staff.lawyer.id and event.dossier_id == firm.dossier.id
    page = text_of(client.get(response.location))
    assert "4 stukken zijn opgevraagd bij Jan de Vries" in page
    assert "0 van 4 aangeleverd" in page and "Nog aanleveren" in page
    assert "Bankafschrift" in page and "Van de laatste maand" in page


def test_a_secretary_requests_on_behalf_of_the_lawyer(client, session, make, staff, firm,
                                                      as_staff):
    as_staff(staff.secretary)
    response = client.post(new_url(firm.dossier), data=form(
        client, new_url(firm.dossier), client=str(firm.jan.id),
        standard=[str(firm.standard[2].id)]))
    assert response.status_code == 303
    [event] = make.events("request.sent")
    assert event.actor_id == staff.secretary.id
    assert event.detail["on_behalf_of"] == staff.lawyer.id


@pytest.mark.parametrize("fields, message, kept", [
    ({}, "Vink een stuk aan op de lijst, of typ er een.", []),
    ({"rows-1-explanation": "Alleen uitleg"}, "Vul een titel in voor stuk 2, of maak de rij "
     "leeg.", ["Alleen uitleg"]),
    ({"rows-0-identity": "y"}, "Vul een titel in voor stuk 1", []),
    ({"rows-0-title": "x" * 201}, "De titel van stuk 1 mag maximaal 200 tekens lang zijn.", []),
    ({"rows-0-title": "Loonstrook", "rows-0-explanation": "y" * 1001},
     "De toelichting bij stuk 1 mag maximaal 1000 tekens lang zijn.", ["Loonstrook"]),
    ({"rows-0-title": "Loonstrook", "deadline": "2020-01-01"},
     "De termijn kan niet in het verleden liggen.", ["Loonstrook", "2020-01-01"]),
    ({"rows-0-title": "Loonstrook", "deadline": "volgende week"},
     "Vul de termijn in als datum, zoals 31-12-2026, of laat het veld leeg.", ["Loonstrook"]),
    ({"rows-0-title": "Loonstrook", "client": ""}, "Kies de cliënt voor wie het verzoek is.",
     ["Loonstrook"]),
    ({"rows-0-title": "Loonstrook", "standard": ["999999"]},
     "Een stuk van de lijst is intussen verwijderd.", ["Loonstrook"]),
])
def test_problems_keep_what_was_typed_and_store_nothing(client, session, staff, firm, as_staff,
                                                        fields, message, kept):
    as_staff(staff.lawyer)
    before = snapshot(session)
    data = form(client, new_url(firm.dossier), client=str(firm.jan.id),
                standard=[str(firm.standard[1].id)] if "rows-0-identity" in fields else [],
                **{"rows-2-title": "Ook getypt"} if kept else {})
    data.update(fields)
    response = client.post(new_url(firm.dossier), data=data)
    assert response.status_code == 400
    page = text_of(response, unescape=True)
    assert "Er is een probleem" in page and message in page
    body = html_of(response)
    for value in kept + (["Ook getypt"] if kept else []):
        assert value in body, value
    if "rows-0-identity" in fields:
        assert 'id="rows-0-identity" name="rows-0-identity" value="y" checked' in body
        assert f'value="{firm.standard[1].id}" id="standard-{firm.standard[1].id}" checked' \
            in body
    assert differences(before, snapshot(session)) == {}
    assert requests_of(session) == []


def test_more_rows_keeps_what_was_typed(client, session, staff, firm, as_staff):
    as_staff(staff.lawyer)
    data = form(client, new_url(firm.dossier), client=str(firm.jan.id), more="1",
                standard=[str(firm.standard[0].id)], deadline="2099-01-31",
                **{"rows-0-title": "Bankafschrift", "rows-2-identity": "y"})
    page = client.post(new_url(firm.dossier), data=data)
    assert page.status_code == 200
    body = html_of(page)
    assert body.count('name="rows-') == 18 and 'name="rows" value="6"' in body
    assert 'value="Bankafschrift"' in body and 'value="2099-01-31"' in body
    assert 'id="rows-2-identity" name="rows-2-identity" value="y" checked' in body
    assert "Er is een probleem" not in body
    # htmx swaps only the rows, everything typed in them kept.
    swapped = client.post(new_url(firm.dossier), data={**data, "rows": "6"}, headers=HTMX)
    fragment = html_of(swapped)
    assert swapped.status_code == 200 and "HX-Request" in swapped.headers["Vary"]
    assert fragment.strip().startswith('<div id="item-rows">') and "<html" not in fragment
    assert fragment.count('name="rows-') == 27 and 'value="Bankafschrift"' in fragment
    assert requests_of(session) == []
    # At most 30 rows: then the button is gone.
    full = html_of(client.post(new_url(firm.dossier), data={**data, "rows": "30"}))
    assert full.count('name="rows-') == 90 and 'name="more"' not in full


def test_a_double_click_sends_one_request(client, session, staff, firm, as_staff):
    as_staff(staff.lawyer)
    key = re.search(r'name="form_key" type="hidden" value="([^"]+)"|'
                    r'type="hidden" value="([^"]+)" name="form_key"|'
                    r'id="form_key" name="form_key" type="hidden" value="([^"]+)"',
                    html_of(client.get(new_url(firm.dossier))))
    key = next(group for group in key.groups() if group)
    data = form(client, new_url(firm.dossier), client=str(firm.jan.id), form_key=key,
                standard=[str(firm.standard[1].id)])
    first = client.post(new_url(firm.dossier), data=data)
    second = client.post(new_url(firm.dossier), data=data)
    [doc_request] = requests_of(session)
    assert first.location == second.location == request_url(doc_request)
    assert len(items_of(session, doc_request)) == 1


def test_the_clients_of_a_company_dossier(client, session, make, staff, as_staff):
    company = make.company("Bakkerij De Wit B.V.")
    anna = make.user(email="anna@dewit.nl", name="Anna de Wit", company=company,
                     company_main=True)
    make.user(email="piet@dewit.nl", name="Piet de Wit", company=company)
    dossier = make.dossier(companies=[company], lawyer=staff.lawyer)
    empty = make.dossier(lawyer=staff.lawyer)
    as_staff(staff.lawyer)
    page = text_of(client.get(new_url(dossier)))
    assert "Anna de Wit (anna@dewit.nl), Bakkerij De Wit B.V." in page
    assert "Piet de Wit (piet@dewit.nl), Bakkerij De Wit B.V." in page
    assert "Kies een cliënt" in page  # two accounts: none chosen for the user
    response = client.post(new_url(dossier), data=form(
        client, new_url(dossier), client=str(anna.id), **{"rows-0-title": "Jaarrekening"}))
    assert response.status_code == 303
    assert requests_of(session)[0].client_id == anna.id
    assert "Koppel eerst een cliënt aan het dossier." in text_of(client.get(new_url(empty)))
    assert "Koppel eerst een cliënt aan het dossier." in text_of(
        client.get(f"/kantoor/dossiers/{empty.id}/stukken"))


# ---- the request's page: approve, reject, withdraw, add

@pytest.fixture
def asked(day, make, staff, firm):
    """A request to Jan of three documents (the first an identity document), a deadline in a
    week; Jan handed in the second."""
    doc_request = make.document_request(
        firm.dossier, firm.jan, [PASSPORT, {"title": "Koopovereenkomst"},
                                 {"title": "Loonstrook", "explanation": "Van deze maand"}],
        by=staff.lawyer, deadline=day + timedelta(days=7))
    passport, deed, payslip = doc_request.items
    make.hand_in(deed, firm.jan, "koopovereenkomst.pdf")
    return doc_request


def test_the_request_page(day, client, session, make, staff, firm, asked, as_staff):
    as_staff(staff.lawyer)
    passport, deed, payslip = items_of(session, asked)
    make.hand_in(passport, firm.jan, "paspoort-voor.pdf", b"%PDF-1.4 voor")
    page = client.get(request_url(asked))
    body, text = html_of(page), text_of(page)
    assert page.status_code == 200
    assert "Verzoek aan Jan de Vries" in text and "2 van 3 aangeleverd" in text
    assert "2 wachten op uw controle" in text
    assert text.count("Aangeleverd, wacht op controle") == 2 and "Nog aanleveren" in text
    assert "Van deze maand" in text and "Identiteitsbewijs: alleen te zien" in text
    for document in session.exec(select(Document)).all():
        assert f'href="/kantoor/documenten/{document.id}"' in body
    assert "paspoort-voor.pdf" in text and "koopovereenkomst.pdf" in text
    assert "Te laat" not in text
    assert f'name="revision" value="{deed.revision}"' in body
    # Past its deadline, the request says so; made from a questionnaire, it says that too.
    asked.deadline = day - timedelta(days=1)
    assignment = make.assignment(firm.jan, firm.dossier, title="Intake koper")
    asked.assignment_id = assignment.id
    session.add(asked)
    session.commit()
    text = text_of(client.get(request_url(asked)))
    assert "Te laat" in text
    assert "Gemaakt uit de antwoorden op de vragenlijst Intake koper" in text


def test_reject_with_a_reason_then_approve(client, session, make, staff, firm, asked,
                                           as_staff):
    as_staff(staff.lawyer)
    _passport, deed, _payslip = items_of(session, asked)
    token = csrf_token(client)
    # Without a reason: refused, nothing changes.
    response = client.post(item_url(asked, deed, "afkeuren"), data={
        "csrf_token": token, "revision": str(deed.revision), "reason": "  "})
    assert response.status_code == 400
    assert "Vul de reden van het afkeuren in: de cliënt leest deze." in text_of(response)
    assert items_of(session, asked)[1].state == ITEM_SUBMITTED
    before = len(session.exec(select(NotificationItem)).all())
    response = client.post(item_url(asked, deed, "afkeuren"), data={
        "csrf_token": token, "revision": str(deed.revision),
        "reason": "De handtekening van de verkoper ontbreekt."})
    assert response.status_code == 303
    assert response.location.endswith(f"{request_url(asked)}#item-{deed.id}")
    deed = items_of(session, asked)[1]
    assert (deed.state, deed.reason, deed.decided_by_id) == (
        ITEM_REJECTED, "De handtekening van de verkoper ontbreekt.", staff.lawyer.id)
    notified = session.exec(select(NotificationItem)).all()[before:]
    assert [(n.user_id, n.kind) for n in notified] == [(firm.jan.id, "request")]
    page = text_of(client.get(request_url(asked)))
    assert "“Koopovereenkomst” is afgekeurd." in page and "Afgekeurd" in page
    assert "De handtekening van de verkoper ontbreekt." in page
    # Jan hands in again; the lawyer approves.
    make.hand_in(deed, firm.jan, "koopovereenkomst-getekend.pdf")
    deed = items_of(session, asked)[1]
    response = client.post(item_url(asked, deed, "goedkeuren"), data={
        "csrf_token": token, "revision": str(deed.revision)})
    assert response.status_code == 303
    assert items_of(session, asked)[1].state == ITEM_APPROVED
    assert "“Koopovereenkomst” is goedgekeurd." in text_of(client.get(request_url(asked)))
    assert [e.detail["reason"] for e in make.events("request.item_rejected")] == [
        "De handtekening van de verkoper ontbreekt."]


def test_decisions_with_htmx(client, session, make, staff, firm, asked, as_staff):
    as_staff(staff.lawyer)
    passport, deed, payslip = items_of(session, asked)
    token = csrf_token(client)
    # A rejection without a reason: the items part with the problem, still a 200 to swap.
    response = client.post(item_url(asked, deed, "afkeuren"), headers=HTMX, data={
        "csrf_token": token, "revision": str(deed.revision), "reason": ""})
    body = html_of(response)
    assert response.status_code == 200 and body.strip().startswith('<div id="request-items"')
    assert "HX-Request" in response.headers["Vary"]
    assert "Vul de reden van het afkeuren in" in body and "autofocus" in body
    # The last approval ends the request: it says so, and the request leaves the overview.
    make.hand_in(passport, firm.jan, "paspoort.pdf")
    make.hand_in(payslip, firm.jan, "loonstrook.pdf")
    for item in items_of(session, asked):
        response = client.post(item_url(asked, item, "goedkeuren"), headers=HTMX, data={
            "csrf_token": token, "revision": str(item.revision)})
        assert response.status_code == 200
    text = text_of(response, unescape=True)
    assert "“Loonstrook” is goedgekeurd." in text
    assert "het verzoek is afgerond en staat niet meer onder de Acties van de cliënt" in text
    session.expire_all()
    assert session.get(DocumentRequest, asked.id).completed_at is not None
    assert "Jan de Vries" not in text_of(client.get("/kantoor/stukken"))


@pytest.mark.parametrize("htmx", [False, True])
def test_a_decision_on_what_changed_meanwhile_is_refused(client, session, make, staff, firm,
                                                         asked, as_staff, htmx):
    """The lawyer looked at the deed (revision shown); Jan hands in another file in the
    meantime: approving what was seen is refused, the item stays as Jan left it."""
    as_staff(staff.lawyer)
    _passport, deed, _payslip = items_of(session, asked)
    seen = deed.revision
    make.hand_in(deed, firm.jan, "koopovereenkomst-v2.pdf")
    response = client.post(item_url(asked, deed, "goedkeuren"),
                           headers=HTMX if htmx else {},
                           data={"csrf_token": csrf_token(client), "revision": str(seen)})
    message = "Dit stuk is veranderd terwijl u ernaar keek"
    if htmx:
        assert response.status_code == 200 and message in text_of(response)
    else:
        assert response.status_code == 303
        assert message in text_of(client.get(response.location))
    assert items_of(session, asked)[1].state == ITEM_SUBMITTED
    assert make.events("request.item_approved") == []


def test_missing_revision_is_a_bad_request(client, session, staff, firm, asked, as_staff):
    as_staff(staff.lawyer)
    deed = items_of(session, asked)[1]
    for revision in ("", "abc", None):
        data = {"csrf_token": csrf_token(client)}
        if revision is not None:
            data["revision"] = revision
        assert client.post(item_url(asked, deed, "goedkeuren"), data=data).status_code == 400
    # Without a CSRF token: 400 too, and nothing changes.
    assert client.post(item_url(asked, deed, "goedkeuren"),
                       data={"revision": str(deed.revision)}).status_code == 400
    assert items_of(session, asked)[1].state == ITEM_SUBMITTED


def test_withdraw_an_item_after_a_confirmation(client, session, make, staff, firm, asked,
                                               as_staff):
    as_staff(staff.lawyer)
    passport, deed, payslip = items_of(session, asked)
    page = text_of(client.get(item_url(asked, deed, "intrekken")), unescape=True)
    assert "“Koopovereenkomst” intrekken?" in page and "Stuk intrekken" in page
    assert items_of(session, asked)[1].withdrawn_at is None  # asking changes nothing
    token = csrf_token(client)
    response = client.post(item_url(asked, deed, "intrekken"), data={"csrf_token": token})
    assert response.status_code == 303 and response.location == request_url(asked)
    assert items_of(session, asked)[1].withdrawn_at is not None
    page = text_of(client.get(request_url(asked)), unescape=True)
    assert "“Koopovereenkomst” is ingetrokken" in page
    assert "0 van 2 aangeleverd" in page and "1 ingetrokken stuk" in page
    assert "koopovereenkomst.pdf" in page  # its file stays in the dossier
    # Again (a second tab): refused with a message, nothing changes.
    response = client.post(item_url(asked, deed, "intrekken"), data={"csrf_token": token})
    assert "intussen goedgekeurd of ingetrokken" in text_of(client.get(response.location))
    assert len(make.events("request.item_withdrawn")) == 1
    # An approved item cannot be withdrawn either.
    make.hand_in(payslip, firm.jan)
    payslip = items_of(session, asked)[2]
    doc_requests.decide(session, staff.lawyer, payslip, payslip.revision, True)
    session.commit()
    assert "Intrekken</a>" not in html_of(client.get(request_url(asked))).split(
        'id="item-' + str(payslip.id))[1].split("</li>")[0]
    response = client.post(item_url(asked, payslip, "intrekken"), data={"csrf_token": token})
    assert "intussen goedgekeurd of ingetrokken" in text_of(client.get(response.location))


def test_add_items_to_a_request(client, session, make, staff, firm, asked, as_staff):
    as_staff(staff.lawyer)
    url = f"/kantoor/stukken/{asked.id}/toevoegen"
    page = text_of(client.get(url))
    assert "Stukken toevoegen aan het verzoek aan Jan de Vries" in page
    response = client.post(url, data=form(client, url))
    assert response.status_code == 400
    assert "Vink een stuk aan op de lijst, of typ er een." in text_of(response)
    response = client.post(url, data=form(client, url, standard=[str(firm.standard[2].id)],
                                          **{"rows-0-title": "Hypotheekofferte"}))
    assert response.status_code == 303 and response.location == request_url(asked)
    assert [i.title for i in items_of(session, asked)][3:] == ["Recente loonstrook",
                                                               "Hypotheekofferte"]
    assert "2 stukken zijn aan het verzoek toegevoegd." in text_of(
        client.get(response.location))
    [event] = make.events("request.items_added")
    assert event.detail["items"] == ["Recente loonstrook", "Hypotheekofferte"]
    # "More rows" here too.
    more = html_of(client.post(url, data=form(client, url, more="1",
                                              **{"rows-1-title": "Bouwtekening"})))
    assert more.count('name="rows-') == 18 and 'value="Bouwtekening"' in more


# ---- the overview and the dossier's requests

def test_the_overview_of_open_requests(day, app, client, session, make, staff, firm, asked,
                                       as_staff):
    late = make.document_request(firm.dossier, firm.jan, ["Taxatierapport"], by=staff.lawyer,
                                 deadline=day + timedelta(days=1))
    late.deadline = day - timedelta(days=3)  # overdue
    session.add(late)
    make.document_request(firm.dossier, firm.jan, ["Zonder termijn"], by=staff.lawyer)
    done = make.document_request(firm.dossier, firm.jan, ["Klaar"], by=staff.lawyer)
    done.completed_at = utcnow()
    session.add(done)
    make.document_request(firm.other, firm.kees, ["Van een ander"], by=staff.other_lawyer)
    session.commit()
    for who in (staff.lawyer, staff.secretary, staff.admin):
        browser = app.test_client()
        login_staff(browser, session, who)
        page = browser.get("/kantoor/stukken")
        text, body = text_of(page), html_of(page)
        assert page.status_code == 200
        links = re.findall(r'href="/kantoor/stukken/(\d+)"', body)
        expected = [late.id, asked.id] + [r.id for r in requests_of(session)
                                          if r.deadline is None and r.completed_at is None
                                          and r.dossier_id == firm.dossier.id]
        if who is staff.admin:
            assert len(links) == 4 and "2026-0099" in text
        else:
            assert [int(x) for x in links] == expected and "2026-0099" not in text
        assert text.index("Te laat") < text.index("1 van 3 aangeleverd")
        assert "1 te controleren" in text and "Geen termijn" in text
    as_staff(staff.idle_secretary)
    assert "Er staan geen verzoeken om stukken open." in text_of(client.get("/kantoor/stukken"))


def test_the_dossier_lists_its_requests(client, session, make, staff, firm, asked, as_staff):
    done = make.document_request(firm.dossier, firm.jan, ["Klaar"], by=staff.lawyer)
    done.completed_at = utcnow()
    session.add(done)
    session.commit()
    as_staff(staff.lawyer)
    text = text_of(client.get(f"/kantoor/dossiers/{firm.dossier.id}/stukken"))
    assert "Opgevraagde stukken" in text and "Stukken opvragen" in text
    assert "1 van 3 aangeleverd" in text and "Afgerond op" in text
    assert "Opgevraagde stukken" in text_of(client.get(f"/kantoor/dossiers/{firm.dossier.id}"))


# ---- who may see what

def staff_urls(doc_request, item):
    """Every staff URL of a request and its item: (method, url)."""
    return [("GET", request_url(doc_request)),
            ("GET", f"/kantoor/stukken/{doc_request.id}/toevoegen"),
            ("POST", f"/kantoor/stukken/{doc_request.id}/toevoegen"),
            ("GET", item_url(doc_request, item, "intrekken")),
            ("POST", item_url(doc_request, item, "intrekken")),
            ("POST", item_url(doc_request, item, "goedkeuren")),
            ("POST", item_url(doc_request, item, "afkeuren")),
            ("GET", f"/kantoor/dossiers/{doc_request.dossier_id}/stukken"),
            ("GET", f"/kantoor/dossiers/{doc_request.dossier_id}/stukken/opvragen"),
            ("POST", f"/kantoor/dossiers/{doc_request.dossier_id}/stukken/opvragen")]


@pytest.mark.parametrize("who", ["other_lawyer", "idle_secretary", "client", "kees"])
def test_others_get_a_404_everywhere(app, client, session, make, staff, firm, asked, who):
    if who == "client":
        login(client, firm.jan.email)  # the request's own client: no staff URL at all
    elif who == "kees":
        login(client, firm.kees.email)
    else:
        login_staff(client, session, getattr(staff, who))
    deed = items_of(session, asked)[1]
    before = snapshot(session)
    token = csrf_token(client)
    for method, url in staff_urls(asked, deed):
        for headers in ({}, HTMX):
            if method == "GET":
                response = client.get(url, headers=headers)
            else:
                response = client.post(url, headers=headers, data={
                    "csrf_token": token, "revision": str(deed.revision), "reason": "Nee",
                    "client": str(firm.jan.id), "rows-0-title": "Overname", "rows": "3"})
            assert response.status_code == 404, (method, url, headers)
            assert "Koopovereenkomst" not in response.get_data(as_text=True)
    assert differences(before, snapshot(session)) == {}
    if who != "client":
        assert "2026-0042" not in response.get_data(as_text=True)


def test_an_item_of_another_request_is_a_404(client, session, make, staff, firm, asked,
                                             as_staff):
    """The item must belong to the request in the URL."""
    other = make.document_request(firm.dossier, firm.jan, ["Ander stuk"], by=staff.lawyer)
    as_staff(staff.lawyer)
    [foreign] = items_of(session, other)
    token = csrf_token(client)
    assert client.get(item_url(asked, foreign, "intrekken")).status_code == 404
    assert client.post(item_url(asked, foreign, "goedkeuren"), data={
        "csrf_token": token, "revision": "0"}).status_code == 404


# ---- identity documents

def test_an_identity_document_download_is_audited(app, client, session, make, staff, firm, asked,
                                                  as_staff):
    passport = items_of(session, asked)[0]
    document = make.hand_in(passport, firm.jan, "paspoort.pdf", b"%PDF-1.4 paspoort")
    assert (document.identity, document.category) == (True, CAT_PROVIDED)
    for who in (staff.lawyer, staff.secretary, staff.admin):
        browser = app.test_client()
        login_staff(browser, session, who)
        response = browser.get(f"/kantoor/documenten/{document.id}")
        assert response.status_code == 200 and response.data == b"%PDF-1.4 paspoort"
    events = [e for e in make.events("document.downloaded") if e.target_id == document.id]
    assert [(e.actor_id, e.detail["identity"], e.detail["staff"]) for e in events] == [
        (staff.lawyer.id, True, True), (staff.secretary.id, True, True),
        (staff.admin.id, True, True)]
    assert events[1].detail["on_behalf_of"] == staff.lawyer.id


def test_an_identity_document_is_a_404_for_staff_outside_the_rule(
        app, client, session, make, staff, firm, asked, as_staff, monkeypatch):
    """Should the staff's view of dossiers ever widen (every lawyer sees every dossier), an
    identity document stays for the handling lawyer, the admins and the secretaries acting
    for the lawyer: another lawyer then sees the request, but not the passport (404 on its
    download and its decisions), while the deed is there."""
    passport = items_of(session, asked)[0]
    scan = make.hand_in(passport, firm.jan, "paspoort.pdf")
    contract = session.exec(select(Document).where(
        Document.filename == "koopovereenkomst.pdf")).one()
    monkeypatch.setattr(access, "staff_dossier_ids", lambda user: select(Dossier.id))
    as_staff(staff.other_lawyer)
    assert client.get(f"/kantoor/documenten/{contract.id}").status_code == 200
    assert client.get(f"/kantoor/documenten/{scan.id}").status_code == 404
    page = html_of(client.get(request_url(asked)))
    assert "koopovereenkomst.pdf" in page and "paspoort.pdf" not in page
    assert f"/kantoor/documenten/{scan.id}" not in page
    token = csrf_token(client)
    passport = items_of(session, asked)[0]
    for action in ("goedkeuren", "afkeuren"):
        assert client.post(item_url(asked, passport, action), data={
            "csrf_token": token, "revision": str(passport.revision),
            "reason": "Onleesbaar"}).status_code == 404
    assert client.get(item_url(asked, passport, "intrekken")).status_code == 404
    assert "paspoort.pdf" not in html_of(
        client.get(f"/kantoor/dossiers/{firm.dossier.id}/documenten"))
    assert items_of(session, asked)[0].state == ITEM_SUBMITTED


# ---- Instellingen: the firm's list, reminders, retention, the closed status

def test_the_firms_list(client, session, make, staff, firm, as_staff):
    as_staff(staff.admin)
    url = "/kantoor/instellingen/stukken"
    page = text_of(client.get(url))
    assert "Kopie paspoort of ID-kaart" in page and "Herinneringen en bewaartermijn" in page
    token = csrf_token(client)
    response = client.post(url, data={"csrf_token": token, "title": " ",
                                      "explanation": "Van de notaris"})
    assert response.status_code == 400
    assert "Vul een titel in." in text_of(response) and "Van de notaris" in text_of(response)
    response = client.post(url, data={"csrf_token": token, "title": "Uittreksel KvK",
                                      "explanation": "Niet ouder dan een maand"})
    assert response.status_code == 302
    session.expire_all()
    titles = [s.title for s in session.exec(select(StandardItem).order_by(
        StandardItem.position)).all()]
    assert titles[-1] == "Uittreksel KvK"
    added = session.exec(select(StandardItem).where(StandardItem.title == "Uittreksel KvK")
                         ).one()
    # Edit: the title and the identity mark.
    edit = f"{url}/{added.id}"
    assert "Stuk wijzigen" in text_of(client.get(edit))
    assert client.post(edit, data={"csrf_token": token, "title": "x" * 201}).status_code == 400
    response = client.post(edit, data={"csrf_token": token, "title": "Uittreksel KvK",
                                       "explanation": "", "is_identity": "y"})
    assert response.status_code == 302
    session.expire_all()
    added = session.get(StandardItem, added.id)
    assert (added.explanation, added.is_identity) == ("", True)
    # Up one place, then delete; requests sent already keep their copy.
    client.post(f"{edit}/verplaatsen", data={"csrf_token": token, "direction": "up"})
    session.expire_all()
    assert [s.title for s in session.exec(select(StandardItem).order_by(
        StandardItem.position)).all()][-2:] == ["Uittreksel KvK", "Recente loonstrook"]
    sent = make.document_request(firm.dossier, firm.jan, [{"title": "Uittreksel KvK"}],
                                 by=staff.lawyer)
    added_id = added.id
    response = client.post(f"{edit}/verwijderen", data={"csrf_token": token})
    assert response.status_code == 302
    session.expire_all()
    assert session.get(StandardItem, added_id) is None
    assert items_of(session, sent)[0].title == "Uittreksel KvK"
    assert [e.action for e in session.exec(select(AuditEvent).where(
        AuditEvent.action.like("standard_item.%")).order_by(AuditEvent.id)).all()] == [
        "standard_item.added", "standard_item.changed", "standard_item.moved",
        "standard_item.deleted"]


@pytest.mark.parametrize("fields, message", [
    ({"remind_days_before": "-1"}, "Vul een heel aantal dagen in van 0 tot en met 365."),
    ({"remind_every_days": "zeven"}, "Vul een heel aantal dagen in van 0 tot en met 365."),
    ({"identity_retention_years": "4"},
     "Vul een heel aantal jaren in van 5 tot en met 100: de Wwft vraagt minstens 5."),
    ({"identity_retention_years": ""},
     "Vul een heel aantal jaren in van 5 tot en met 100: de Wwft vraagt minstens 5."),
])
def test_reminder_settings_are_checked(client, session, staff, as_staff, fields, message):
    as_staff(staff.admin)
    data = {"csrf_token": csrf_token(client), "remind_days_before": "2",
            "remind_every_days": "5", "identity_retention_years": "7", **fields}
    before = snapshot(session)
    response = client.post("/kantoor/instellingen/stukken/herinneringen", data=data)
    assert response.status_code == 400
    assert message in text_of(response)
    for value in data.values():
        if value and value != data["csrf_token"]:
            assert f'value="{value}"' in html_of(response)
    assert differences(before, snapshot(session)) == {}


def test_reminder_settings_are_saved(app, client, session, staff, as_staff):
    as_staff(staff.admin)
    page = html_of(client.get("/kantoor/instellingen/stukken"))
    assert 'value="3"' in page and 'value="7"' in page and 'value="5"' in page  # defaults
    response = client.post("/kantoor/instellingen/stukken/herinneringen", data={
        "csrf_token": csrf_token(client), "remind_days_before": "0",
        "remind_every_days": "14", "identity_retention_years": "10"})
    assert response.status_code == 302
    session.expire_all()
    row = session.get(FirmSettings, 1)
    assert (row.remind_days_before, row.remind_every_days, row.identity_retention_years) == (
        0, 14, 10)
    [event] = session.exec(select(AuditEvent).where(AuditEvent.action == "settings.changed"))
    assert event.detail["changes"] == {"remind_days_before": [3, 0],
                                       "remind_every_days": [7, 14],
                                       "identity_retention_years": [5, 10]}
    assert 'value="0"' in html_of(client.get("/kantoor/instellingen/stukken"))


def test_a_status_is_marked_closed(client, session, staff, as_staff):
    as_staff(staff.admin)
    url = "/kantoor/instellingen/statussen/waiting"
    session.merge(DossierStatus(code="waiting", label_nl="Wacht", label_en="Waiting",
                                position=5))
    session.commit()
    page = text_of(client.get(url))
    assert "Afgesloten: de bewaartermijn van identiteitsbewijzen loopt vanaf deze status" in page
    response = client.post(url, data={"csrf_token": csrf_token(client), "label_nl": "Wacht",
                                      "label_en": "Waiting", "retention_days": "",
                                      "closed": "y"})
    assert response.status_code == 302
    session.expire_all()
    assert session.get(DossierStatus, "waiting").closed
    [event] = session.exec(select(AuditEvent).where(AuditEvent.action == "status.closed"))
    assert (event.detail["old"], event.detail["new"]) == (False, True)
    client.post(url, data={"csrf_token": csrf_token(client), "label_nl": "Wacht",
                           "label_en": "Waiting", "retention_days": ""})
    session.expire_all()
    assert not session.get(DossierStatus, "waiting").closed


# ---- the demo

def test_the_demo_has_a_list_and_an_open_request(day, app, session):
    session.exec(delete(DossierStatus))
    with app.app_context():
        load_demo(session)
    session.commit()
    titles = [s.title for s in session.exec(select(StandardItem).order_by(
        StandardItem.position)).all()]
    assert len(titles) == 6 and titles[0] == "Kopie paspoort of ID-kaart"
    assert session.exec(select(StandardItem).where(StandardItem.is_identity)).one().title == \
        titles[0]
    [doc_request] = session.exec(select(DocumentRequest)).all()
    assert doc_request.completed_at is None and doc_request.deadline > day
    assert {i.state for i in doc_request.items} == {ITEM_OPEN, ITEM_SUBMITTED}
