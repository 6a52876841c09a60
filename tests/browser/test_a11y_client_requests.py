"""Accessibility audit of Aan te leveren stukken on the client side (issue 17), in Dutch and
English: axe-core (WCAG 2.1 A and AA) on Acties with a request beside a questionnaire, a
request's page with an item in each state (to provide, provided, approved, rejected with
the firm's reason, an identity document, one erased, one withdrawn and so not shown), the
item swapped in after a drop, a file refused in the browser and one refused by the server,
a file dropped on an item the firm withdrew meanwhile (refused: "no longer asked for"), the
page on a phone, a request that is done, and Door mij aangeleverd with the items' labels."""
from datetime import timedelta

from playwright.sync_api import expect
from sqlmodel import select

from app import doc_requests
from app.dates import local
from app.models import Document, RequestItem, utcnow
from browser.a11y import Audit
from browser.helpers import LOGGED_IN, drop_files, log_in


def arrange(app, session, make, lang):
    """A client with a questionnaire and a request overdue, its items in every state (one
    withdrawn, one still open that the test withdraws); and a second request, done."""
    lawyer = make.staff(email="jansen@kantoor.nl", name="mr. P. Jansen", password=None)
    client = make.user(email="klant@example.nl", name="Klaas Klant", language=lang)
    client.first_login_at = utcnow()
    house = make.dossier(clients=[client], lawyer=lawyer, number="2026-0105",
                         description="Aankoop woning")
    make.assignment(client, house)
    with app.app_context():
        yesterday = local(utcnow()).date() - timedelta(days=1)
    request = make.document_request(house, client, by=lawyer, deadline=yesterday, items=[
        {"title": "Kopie paspoort", "explanation": "Voor- en achterkant, goed leesbaar.",
         "is_identity": True},
        {"title": "Koopakte"}, {"title": "Loonstrook"}, {"title": "Jaaropgave"},
        {"title": "Kopie ID-kaart partner", "is_identity": True}, {"title": "Bankafschrift"},
        {"title": "Taxatierapport"}])
    passport, deed, payslip, statement, partner, bank, _valuation = request.items
    make.hand_in(passport, client, "paspoort.pdf")
    make.hand_in(deed, client, "koopakte.pdf")
    make.hand_in(payslip, client, "loonstrook-2019.pdf")
    make.hand_in(partner, client, "id-partner.pdf")
    with app.app_context():
        for item, approve, reason in ((deed, True, None),
                                      (payslip, False, "Deze loonstrook is van 2019; wij "
                                                       "hebben die van deze maand nodig."),
                                      (partner, True, None)):
            item = session.get(RequestItem, item.id)
            doc_requests.decide(session, lawyer, item, item.revision, approve, reason)
        doc_requests.withdraw(session, lawyer, session.get(RequestItem, bank.id))
        session.commit()
    # The partner's identity document, erased after the retention period.
    erased = session.get(RequestItem, partner.id)
    for document in session.exec(select(Document).where(
            Document.request_item_id == erased.id)).all():
        session.delete(document)
    erased.erased_at = utcnow()
    session.add(erased)
    session.commit()
    done = make.document_request(house, client, by=lawyer, items=["Volmacht"])
    make.hand_in(done.items[0], client, "volmacht.pdf")
    with app.app_context():
        item = session.get(RequestItem, done.items[0].id)
        doc_requests.decide(session, lawyer, item, item.revision, True)
        session.commit()
    return lawyer, client, house, request, done


def test_requests(page, live_server, app, session, make, lang):
    lawyer, client, house, request, done = arrange(app, session, make, lang)
    audit = Audit(page, lang)
    log_in(page, client.email)
    expect(page.get_by_role("button", name=LOGGED_IN)).to_be_visible()
    audit.visit("/acties", "Acties with a request overdue and a questionnaire")
    expect(page.locator("main table tr")).to_have_count(3)

    audit.visit(f"/acties/stukken/{request.id}", "request page, every state")
    deed_state = page.locator(f"#item-{request.items[1].id} .item-state")
    expect(deed_state).to_contain_text("Goedgekeurd" if lang == "nl" else "Approved")
    expect(page.locator(f"#item-{request.items[5].id}")).to_have_count(0)  # withdrawn

    # A file dropped on "Jaaropgave": uploaded at once, the item swapped by htmx.
    statement = page.locator(f"#item-{request.items[3].id}")
    drop_files(page, ["jaaropgave.pdf"], zone=f"#item-{request.items[3].id} [data-drop-zone]")
    expect(statement.locator(".item-files")).to_contain_text("jaaropgave.pdf")
    expect(statement.locator(".flash-success")).to_be_visible()
    audit.check("request page, an item swapped in after a drop")
    # Refused in the browser (type), and by the server (empty): said in the item.
    drop_files(page, ["programma.exe"], zone=f"#item-{request.items[3].id} [data-drop-zone]")
    expect(statement.locator("[data-errors] li")).to_have_count(1)
    audit.check("request page, a file refused in the browser")
    drop_files(page, {"leeg.pdf": ""}, zone=f"#item-{request.items[2].id} [data-drop-zone]")
    # Refused when its resumable upload is created (app/resumable.py): said in the item.
    expect(page.locator(f"#item-{request.items[2].id} [data-errors] li")).to_have_count(1)
    audit.check("request page, a file refused by the server")
    # Withdrawn by the firm while the page is open: the file dropped on it is not stored,
    # and the item says that the firm no longer asks for it.
    valuation = request.items[6]
    with app.app_context():
        doc_requests.withdraw(session, lawyer, session.get(RequestItem, valuation.id))
        session.commit()
    drop_files(page, ["taxatie.pdf"], zone=f"#item-{valuation.id} [data-drop-zone]")
    expect(page.locator(f"#item-{valuation.id}")).to_contain_text(
        "vraagt dit stuk niet meer" if lang == "nl" else "no longer asks for this document")
    audit.check("request page, a file refused: the item was withdrawn meanwhile")

    page.set_viewport_size({"width": 390, "height": 844})
    audit.visit(f"/acties/stukken/{request.id}", "phone: request page")
    audit.visit("/acties", "phone: Acties")
    page.set_viewport_size({"width": 1280, "height": 720})
    audit.visit(f"/acties/stukken/{done.id}", "a request that is done")
    audit.visit(f"/dossiers/{house.id}/aangeleverd", "Door mij aangeleverd with items")
    audit.assert_clean()
