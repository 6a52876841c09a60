"""Requests for documents on the staff side, in Chromium, in Dutch and in English: a lawyer asks
a client for three documents (an identity document from the firm's list, one more from the
list and one typed in a row added with "More rows") with a deadline; the client's files come
in (app.doc_requests.hand_in); the lawyer rejects one with a reason, approves all once it is
handed in again, and the request leaves the overview. Then the new pages on a phone and a
desktop: no sideways scrolling, big enough targets, screenshots under test-artifacts/screens/."""
import re
from datetime import timedelta

from helpers import labels_of_other_language
from playwright.sync_api import expect
from sqlmodel import select
from twostep_helpers import with_app

from app.models import (
    ITEM_APPROVED,
    DocumentRequest,
    RequestItem,
    StandardItem,
    User,
)
from app.staff.request_forms import today
from browser.helpers import heading, labels, speaks, staff_log_in

from .layout_helpers import BROKEN_WORDS, DESKTOP, arrange_demo, check_pages
from .layout_helpers import staff_log_in as staff_log_in_device

TEXTS = labels("staff_requests")
FIRM_NAMES = ("Kantoor Test",)  # not a label of either language


def test_lawyer_requests_reviews_and_approves(page, live_server, app, session, make, t):
    lang = t["lang"]
    foreign = labels_of_other_language(lang)
    lawyer = make.staff(role="lawyer", email="jansen@kantoor.test", name="mr. Jansen",
                        language=lang)
    with_app(session, lawyer)
    jan = make.user(email="jan@example.nl", name="Jan de Vries")
    dossier = make.dossier(clients=[jan], lawyer=lawyer, number="2026-0142",
                           description="Aankoop woning")
    for position, (title, identity) in enumerate([("Kopie paspoort of ID-kaart", True),
                                                  ("Koopovereenkomst", False),
                                                  ("Recente loonstrook", False)]):
        session.add(StandardItem(title=title, is_identity=identity, position=position))
    session.commit()
    with app.app_context():
        deadline = today() + timedelta(days=14)

    staff_log_in(page, lawyer)
    page.goto(f"/kantoor/dossiers/{dossier.id}")
    nav = page.get_by_role("navigation", name=t["dossier_parts"])
    nav.get_by_role("link", name=t["requested"]).click()
    page.get_by_role("link", name=t["request_documents"]).click()
    expect(page.get_by_role("heading", level=2)).to_have_text(t["request_documents"])
    speaks(page, lang, foreign, within="main", ignore=FIRM_NAMES)

    # Two from the list (the passport is an identity document), one typed in a fourth row.
    page.get_by_label("Kopie paspoort of ID-kaart").check()
    page.get_by_label("Koopovereenkomst").check()
    page.locator("#rows-0-title").fill("Bankafschrift")
    page.get_by_role("button", name=t["more_rows"]).click()  # htmx: the rows only
    expect(page.locator("#rows-5-title")).to_be_visible()
    expect(page.locator("#rows-0-title")).to_have_value("Bankafschrift")
    page.locator("#rows-0-title").fill("")
    page.locator("#rows-3-title").fill(t["typed"])
    page.locator("#rows-3-explanation").fill(t["typed_explanation"])
    page.get_by_label(t["deadline"]).fill(deadline.isoformat())
    page.get_by_role("button", name=t["send"]).click()
    expect(page.get_by_role("status")).to_contain_text(t["sent"])
    expect(page.locator(".request-progress")).to_contain_text(t["none_provided"])
    speaks(page, lang, foreign, within="main", ignore=FIRM_NAMES)
    doc_request = session.exec(select(DocumentRequest)).one()
    assert doc_request.deadline == deadline
    items = session.exec(select(RequestItem).order_by(RequestItem.position)).all()
    assert [(i.title, i.is_identity) for i in items] == [
        ("Kopie paspoort of ID-kaart", True), ("Koopovereenkomst", False), (t["typed"], False)]

    # The client hands in all three.
    for item in items:
        make.hand_in(item, jan, f"stuk-{item.position}.pdf")
    page.reload()
    expect(page.locator(".request-progress")).to_contain_text(t["all_provided"])
    cards = page.locator(".request-item")
    expect(cards.filter(has_text=t["waiting"])).to_have_count(3)
    expect(cards.nth(0)).to_contain_text(t["identity_note"])
    expect(cards.nth(0).get_by_role("link", name="stuk-0.pdf")).to_be_visible()

    # Reject the deed: without a reason first (refused), then with one.
    deed = cards.nth(1)
    deed.get_by_role("button", name=re.compile(t["reject"])).click()
    expect(deed.locator(".error-message")).to_have_text(t["reason_needed"])
    expect(deed.get_by_label(t["reason"])).to_be_focused()
    deed.get_by_label(t["reason"]).fill(t["reason_text"])
    deed.get_by_role("button", name=re.compile(t["reject"])).click()
    expect(deed).to_contain_text(t["rejected"])
    expect(deed).to_contain_text(t["reason_text"])
    speaks(page, lang, foreign, within="main", ignore=FIRM_NAMES)

    # The overview lists the request, with the two waiting for review.
    page.get_by_role("navigation", name=t["main_menu"]).get_by_role(
        "link", name=t["menu"]).click()
    expect(heading(page)).to_have_text(t["requested"])
    expect(page.get_by_role("table")).to_contain_text("Jan de Vries")
    expect(page.get_by_role("table")).to_contain_text(t["two_to_review"])
    speaks(page, lang, foreign, within="main", ignore=FIRM_NAMES)

    # Jan hands the deed in again; the lawyer approves all three.
    make.hand_in(session.get(RequestItem, items[1].id), jan, "koopovereenkomst-getekend.pdf")
    page.get_by_role("link", name=re.compile(t["open"])).click()
    for n in range(3):
        card = page.locator(".request-item").nth(n)
        card.get_by_role("button", name=re.compile(t["approve"])).click()
        expect(card.locator(".item-state")).to_contain_text(t["approved"])
    expect(page.locator("#request-items")).to_contain_text(t["done"])
    session.expire_all()
    assert {i.state for i in session.exec(select(RequestItem))} == {ITEM_APPROVED}
    page.get_by_role("navigation", name=t["main_menu"]).get_by_role(
        "link", name=t["menu"]).click()
    expect(page.locator("main")).to_contain_text(t["none_open"])
    expect(page.get_by_role("table")).to_have_count(0)


def test_request_pages_fit_a_phone(devices, app, session):
    phone, desktop = devices
    demo = arrange_demo(app, session)
    house = demo["house"].id
    doc_request = session.exec(select(DocumentRequest)).one()
    item = doc_request.items[1]
    standard = session.exec(select(StandardItem)).first()
    for steps_ahead, page in enumerate((phone, desktop)):
        staff_log_in_device(page, session, demo["admin"], steps_ahead)
    broken = []

    def whole_words(page, name):
        """On the desktop: the words of its tables, each on one line."""
        if page.viewport_size == DESKTOP["viewport"]:
            broken.extend(f"{name}: {word}"
                          for word in page.evaluate(BROKEN_WORDS, "main table"))

    pages = [
        ("kantoor-stukken", "/kantoor/stukken"),
        ("kantoor-dossier-stukken", f"/kantoor/dossiers/{house}/stukken"),
        ("kantoor-stukken-opvragen", f"/kantoor/dossiers/{house}/stukken/opvragen"),
        ("kantoor-verzoek", f"/kantoor/stukken/{doc_request.id}"),
        ("kantoor-verzoek-toevoegen", f"/kantoor/stukken/{doc_request.id}/toevoegen"),
        ("kantoor-verzoek-intrekken",
         f"/kantoor/stukken/{doc_request.id}/onderdelen/{item.id}/intrekken"),
        ("kantoor-instellingen-stukken", "/kantoor/instellingen/stukken"),
        ("kantoor-instellingen-stuk", f"/kantoor/instellingen/stukken/{standard.id}"),
        ("kantoor-instellingen-status", "/kantoor/instellingen/statussen/closed"),
    ]
    problems = check_pages(phone, desktop, pages, before=whole_words)
    # The pages of a dossier in English, as the lawyer who chose English sees them.
    lawyer = session.exec(select(User).where(User.email == "mr.jansen@kantoor.example.nl")).one()
    lawyer.language = "en"
    session.commit()
    for steps_ahead, page in enumerate((phone, desktop)):
        page.context.clear_cookies()
        staff_log_in_device(page, session, lawyer, steps_ahead)
    problems += check_pages(phone, desktop, [("en-" + name, url) for name, url in pages[:5]],
                            before=whole_words)
    assert not broken, "words broken over two lines at 1280 px:\n" + "\n".join(broken)
    assert not problems, "layout problems on a 375 px phone:\n" + "\n".join(problems)
