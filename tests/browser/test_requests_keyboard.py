"""Aan te leveren stukken with the keyboard only (issue 17), in Chromium, in Dutch and in
English: no mouse, no clicks, no filling of fields the keyboard did not reach (Tab,
Shift+Tab, Enter and Space). The client reaches an item's Bladeren, opens the file chooser
with Enter (the next item's with Space), and the file goes up at once; the lawyer asks for
documents (one ticked on the firm's list, two typed, one of them in a row "Meer rijen"
added, a deadline) and then rejects one, first without a reason, and approves another. At
every stop the focus shows, and after every htmx swap it lands in what was swapped, so the
next Tab goes on from there instead of from the top of the page (on the client's side not
yet: test_after_an_upload_the_focus_stays_with_the_item says why)."""
import re
from datetime import timedelta

from playwright.sync_api import expect
from sqlmodel import select
from twostep_helpers import with_app

from app.models import DocumentRequest, RequestItem, StandardItem, utcnow
from app.staff.request_forms import today
from browser.helpers import Keyboard, labels, log_in, staff_log_in

TEXTS = labels("requests_keyboard")

# Where the focus is: inside which item (its id), and whether it is the item itself.
FOCUS_IN = """() => {
  const el = document.activeElement;
  const item = el && el.closest(".request-item");
  return {item: item ? item.id : null, itself: el === item, tag: el ? el.tagName : null};
}"""


def pdf(name):
    return {"name": name, "mimeType": "application/pdf", "buffer": b"%PDF-1.4 " + name.encode()}


def focus_in(page):
    return page.evaluate(FOCUS_IN)


def day_equal_to_month(after):
    """The first date after `after` whose day and month are the same number: typed into a
    date field it means the same in either order of its parts (the browser's locale)."""
    day = after + timedelta(days=1)
    while day.day != day.month:
        day += timedelta(days=1)
    return day


def test_client_hands_in_with_the_keyboard_only(page, live_server, app, session, make, t):
    lawyer = make.staff(email="jansen@kantoor.nl", name="mr. P. Jansen", password=None)
    client = make.user(email="anna@example.nl", name="Anna de Vries", language=t["lang"])
    client.first_login_at = utcnow()
    dossier = make.dossier(clients=[client], lawyer=lawyer, number="2026-0142",
                           description="Aankoop woning")
    request = make.document_request(dossier, client, by=lawyer, items=[
        {"title": "Koopakte", "explanation": "Getekend door beide partijen"},
        {"title": "Loonstrook"}])
    deed, payslip = request.items
    log_in(page, client, wait=True)
    page.goto(f"/acties/stukken/{request.id}")
    keys = Keyboard(page)
    deed_card, payslip_card = page.locator(f"#item-{deed.id}"), page.locator(f"#item-{payslip.id}")

    # Tab past the deed to the payslip's Bladeren, back to the deed's with Shift+Tab; the
    # file chooser with Enter: uploaded at once.
    keys.tab_to(payslip_card.get_by_role("button", name=t["browse"]))
    keys.tab_to(deed_card.get_by_role("button", name=t["browse"]), back=True)
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Enter")
    chooser.value.set_files([pdf("koopakte.pdf")])
    expect(deed_card).to_contain_text(t["one_provided"].format("Koopakte"))
    expect(deed_card).to_contain_text(t["handed_in"])
    expect(deed_card.get_by_role("link", name="koopakte.pdf")).to_be_visible()
    expect(page.locator("#request-status")).to_contain_text(t["progress"].format(1))
    keys.assert_visible(keys.focused())  # wherever it landed, it shows

    # On to the payslip's Bladeren, the chooser with Space this time.
    keys.tab_to(payslip_card.get_by_role("button", name=t["browse"]))
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files([pdf("loonstrook.pdf")])
    expect(payslip_card).to_contain_text(t["one_provided"].format("Loonstrook"))
    expect(page.locator("#request-status")).to_contain_text(t["progress"].format(2))
    keys.assert_visible(keys.focused())

    session.expire_all()
    assert [i.state for i in session.exec(select(RequestItem).order_by(RequestItem.position))] \
        == ["submitted", "submitted"]


def test_after_an_upload_the_focus_stays_with_the_item(page, live_server, app, session, make,
                                                       t):
    """The Bladeren pressed is swapped away with its item: the item swapped in takes the
    focus, so the next Tab goes on inside it (to the file just handed in), and the live
    region speaks of the item."""
    lawyer = make.staff(email="jansen@kantoor.nl", name="mr. P. Jansen", password=None)
    client = make.user(email="anna@example.nl", name="Anna de Vries", language=t["lang"])
    client.first_login_at = utcnow()
    dossier = make.dossier(clients=[client], lawyer=lawyer)
    request = make.document_request(dossier, client, by=lawyer, items=["Koopakte", "Loonstrook"])
    deed = request.items[0]
    log_in(page, client, wait=True)
    page.goto(f"/acties/stukken/{request.id}")
    keys = Keyboard(page)
    card = page.locator(f"#item-{deed.id}")
    keys.tab_to(card.get_by_role("button", name=t["browse"]))
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Enter")
    chooser.value.set_files([pdf("koopakte.pdf")])
    expect(card).to_contain_text(t["one_provided"].format("Koopakte"))
    expect(page.locator("#live-status")).to_contain_text("Koopakte")
    assert focus_in(page) == {"item": f"item-{deed.id}", "itself": True, "tag": "SECTION"}
    keys.assert_visible(keys.focused())
    keys.press("Tab")
    expect(card.get_by_role("link", name="koopakte.pdf")).to_be_focused()


def test_staff_request_and_review_with_the_keyboard_only(page, live_server, app, session, make,
                                                         t):
    lawyer = make.staff(role="lawyer", email="jansen@kantoor.test", name="mr. Jansen",
                        language=t["lang"])
    with_app(session, lawyer)
    anna = make.user(email="anna@example.nl", name="Anna de Vries", language=t["lang"])
    dossier = make.dossier(clients=[anna], lawyer=lawyer, number="2026-0142",
                           description="Aankoop woning")
    for position, (title, identity) in enumerate([("Kopie paspoort of ID-kaart", True),
                                                  ("Recente loonstrook", False)]):
        session.add(StandardItem(title=title, is_identity=identity, position=position))
    session.commit()
    with app.app_context():
        deadline = day_equal_to_month(today() + timedelta(days=7))
    staff_log_in(page, lawyer)
    page.goto(f"/kantoor/dossiers/{dossier.id}/stukken")
    keys = Keyboard(page)

    # Stukken opvragen: a box of the firm's list with Space, a typed row.
    keys.activate(page.get_by_role("link", name=t["request_documents"]))
    expect(page.get_by_role("heading", level=2)).to_have_text(t["request_documents"])
    passport = page.get_by_role("checkbox", name="Kopie paspoort of ID-kaart")
    keys.activate(passport, key="Space")
    expect(passport).to_be_checked()
    expect(page.get_by_role("checkbox", name="Recente loonstrook")).not_to_be_checked()
    keys.type_into(page.locator("#rows-0-title"), "Koopakte")
    keys.type_into(page.locator("#rows-0-explanation"), "Getekend door beide partijen")

    # Meer rijen with Enter: htmx swaps the rows; the focus lands in the new rows, what was
    # typed stays, and the next Tabs reach the new fourth row.
    keys.activate(page.get_by_role("button", name=t["more_rows"]))
    expect(page.locator("#rows-5-title")).to_be_visible()
    expect(page.locator("#rows-0-title")).to_have_value("Koopakte")
    assert page.evaluate("document.activeElement.closest('#item-rows') !== null")
    keys.assert_visible(keys.focused())
    keys.type_into(page.locator("#rows-3-title"), "Bankafschrift")
    expect(passport).to_be_checked()

    # The deadline: its parts typed in a row; then Verzoek versturen with Enter.
    deadline_field = page.get_by_label(t["deadline"])
    keys.type_into(deadline_field, deadline.strftime("%d%m%Y"))
    expect(deadline_field).to_have_value(deadline.isoformat())
    keys.activate(page.get_by_role("button", name=t["send"]))
    expect(page.get_by_role("status")).to_contain_text(t["sent"])
    doc_request = session.exec(select(DocumentRequest)).one()
    assert doc_request.deadline == deadline
    items = session.exec(select(RequestItem).order_by(RequestItem.position)).all()
    assert [(i.title, i.explanation, i.is_identity) for i in items] == [
        ("Kopie paspoort of ID-kaart", "", True),
        ("Koopakte", "Getekend door beide partijen", False), ("Bankafschrift", "", False)]

    # Anna hands in all three; the lawyer opens the request again.
    for item in items:
        make.hand_in(item, anna, f"stuk-{item.position}.pdf")
    page.reload()
    passport_card, deed_card = (page.locator(f"#item-{item.id}") for item in items[:2])

    # Afkeuren without a reason: refused, and the focus goes to the reason's field.
    keys.activate(deed_card.get_by_role("button", name=re.compile(t["reject"])))
    expect(deed_card.locator(".error-message")).to_have_text(t["reason_needed"])
    reason = deed_card.get_by_label(t["reason"])
    expect(reason).to_be_focused()
    keys.assert_visible(keys.focused())
    page.keyboard.type(t["reason_text"])
    # One Tab from the reason reaches Afkeuren, right after it.
    keys.press("Tab")
    expect(deed_card.get_by_role("button", name=re.compile(t["reject"]))).to_be_focused()
    page.keyboard.press("Enter")
    expect(deed_card.locator(".item-state")).to_contain_text(t["rejected"])
    expect(deed_card).to_contain_text(t["reason_text"])
    # The message in the decided item has the focus, visibly.
    notice = deed_card.locator(".flash-success")
    expect(notice).to_contain_text(t["rejected_notice"])
    expect(notice).to_be_focused()
    keys.assert_visible(keys.focused())

    # Back up with Shift+Tab to the passport's Goedkeuren, Enter.
    keys.activate(passport_card.get_by_role("button", name=re.compile(t["approve"])), back=True)
    expect(passport_card.locator(".item-state")).to_contain_text(t["approved"])
    notice = passport_card.locator(".flash-success")
    expect(notice).to_contain_text(t["approved_notice"])
    expect(notice).to_be_focused()
    keys.assert_visible(keys.focused())
    # The next Tab goes on from the passport, not from the top of the page.
    keys.press("Tab")
    assert focus_in(page)["item"] == f"item-{items[0].id}"

    session.expire_all()
    assert [i.state for i in session.exec(select(RequestItem).order_by(RequestItem.position))] \
        == ["approved", "rejected", "submitted"]
