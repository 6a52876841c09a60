"""Printing (the print stylesheet): the questionnaire summary, its print page and a message
thread print as content only, black on white, without menu, tabs, buttons or forms. The
print-emulated pages are screenshot and printed to PDF under test-artifacts/print/."""
import pytest
from playwright.sync_api import expect

from .layout_helpers import (
    ARTIFACTS,
    DESKTOP,
    LONG_FILE_NAME,
    WEB_ADDRESS,
    arrange_demo,
    client_log_in,
    device_pages,
    fill_questionnaire,
)


@pytest.fixture
def page(browser, live_server):
    """A desktop page; fails the test on a script error."""
    with device_pages(browser, live_server, DESKTOP) as (page,):
        yield page


def print_out(page, name):
    """The page as printed: a screenshot of the print media and a PDF (A4)."""
    folder = ARTIFACTS / "print"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
    page.pdf(path=str(folder / f"{name}.pdf"), format="A4", print_background=True)


def expect_only_content(page):
    """Menu, Acties badge, skip link, buttons and forms are off the paper; black on white."""
    for hidden in ("header nav", ".badge", ".skip-link", "main form", "main .button",
                   ".tabs", ".back"):
        for element in page.locator(hidden).all():
            expect(element).to_be_hidden()
    expect(page.locator("body")).to_have_css("background-color", "rgb(255, 255, 255)")
    expect(page.locator("main h1")).to_have_css("color", "rgb(0, 0, 0)")
    # The firm's name heads the paper, once.
    expect(page.locator(".firm:visible, .print-firm:visible")).to_have_text("Kantoor Test")


def test_questionnaire_summary_and_message_print_cleanly(page, app, session):
    demo = arrange_demo(app, session)
    assignment = demo["assignment"].id
    client_log_in(page)
    fill_questionnaire(page, assignment)
    page.emulate_media(media="print")

    # The summary before completing, and the page its "Printen" opens.
    expect(page.get_by_text("Marie de Vries-Jansen")).to_be_visible()
    expect(page.get_by_role("heading", name="Persoonsgegevens")).to_be_visible()
    expect(page.get_by_role("button", name="Voltooien")).to_be_hidden()
    expect(page.get_by_role("link", name="Printen")).to_be_hidden()
    expect(page.get_by_role("link", name="Wijzigen Persoonsgegevens")).to_be_hidden()
    expect(page.get_by_text("Controleer uw antwoorden.")).to_be_hidden()  # for the screen
    expect_only_content(page)
    print_out(page, "vragenlijst-overzicht")
    page.goto(f"/vragenlijsten/{assignment}/afdrukken")
    expect(page.get_by_text("Marie de Vries-Jansen")).to_be_visible()
    expect(page.get_by_text("Terug naar de vragenlijst")).to_be_hidden()
    expect_only_content(page)
    print_out(page, "vragenlijst-afdrukken")

    # A reply, with the original under it: text, attachment and the web address in full.
    page.goto(f"/berichten/{demo['reply'].id}")
    expect(page.get_by_role("heading", name="Re: Concept akte")).to_be_visible()
    expect(page.get_by_text("Ik heb de concept akte gelezen")).to_be_visible()
    expect(page.get_by_role("link", name=LONG_FILE_NAME, exact=True)).to_be_visible()
    expect(page.get_by_text("In het dossier staat de concept akte klaar")).to_be_visible()
    expect(page.get_by_role("link", name="Beantwoorden")).to_have_count(0)
    expect(page.get_by_text("Voortgang")).to_be_hidden()
    expect(page.locator(".message-body").first).to_contain_text(WEB_ADDRESS)
    expect_only_content(page)
    print_out(page, "bericht")

    # On screen nothing of this is hidden.
    page.emulate_media(media="screen")
    expect(page.locator("header nav")).to_be_visible()
    expect(page.locator(".tabs")).to_be_visible()
