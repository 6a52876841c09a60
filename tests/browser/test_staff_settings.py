"""The firm's settings walked in Chromium, in Dutch and in English: an admin adds a secretary
and lets it act for a lawyer, then changes the firm's name, colour and contact details (a bad
website refused first); the header changes at once (through /firm/style.css, no inline style)
and the client's login page shows the name, the welcome text and how to reach the firm."""
import re

from helpers import labels_of_other_language
from playwright.sync_api import expect
from twostep_helpers import totp_code, with_app

from browser.helpers import OWN_NAMES, labels, log_in, speaks

TEXTS = labels("staff_settings")
# Language names are written in their own language on purpose; firm names are no labels.
FIRM_NAMES = ("Kantoor Test", "Advocaten De Vries")  # not labels of either language


def expect_header_colour(page, colour):
    """The header's background, waited for: the firm's stylesheet may still be loading."""
    expect(page.locator(".site-header")).to_have_css("background-color", colour)


DEFAULT_COLOUR, FIRM_COLOUR = "rgb(29, 58, 95)", "rgb(122, 31, 43)"  # #1d3a5f, #7a1f2b


def test_admin_sets_up_staff_and_the_firm(page, live_server, app, session, make, mailbox, t):
    lang = t["lang"]
    foreign = [p for p in labels_of_other_language(lang) if p not in OWN_NAMES]
    admin = make.staff(role="admin", email="beheer@kantoor.test", name="Anne Beheer",
                       language=lang)
    make.staff(role="lawyer", email="jansen@kantoor.test", name="mr. Jansen")
    secret = with_app(session, admin)

    log_in(page, admin, language=lang)
    page.get_by_label(t["code"], exact=True).fill(totp_code(secret))
    page.get_by_role("button", name=t["log_in"], exact=True).click()
    expect(page).to_have_url(live_server + "/kantoor/")
    expect_header_colour(page, DEFAULT_COLOUR)

    # A secretary: mail 1 goes out.
    page.locator(".site-header nav").get_by_role("link", name=t["settings"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t["settings"])
    speaks(page, lang, foreign, ignore=FIRM_NAMES)
    page.locator(".section-nav").get_by_role("link", name=t["staff"], exact=True).click()
    page.get_by_label(t["name"], exact=True).fill("Sanne Smit")
    page.get_by_label(t["email"]).fill("sanne@kantoor.example.nl")
    page.get_by_label(t["secretary"], exact=True).check()
    page.locator(f'input[name="language"][value="{lang}"]').check()
    page.get_by_role("button", name=t["add"]).click()
    expect(page.get_by_role("status")).to_contain_text(t["added"])
    expect(page.get_by_role("table")).to_contain_text("Sanne Smit")
    speaks(page, lang, foreign, ignore=FIRM_NAMES)
    [mail] = mailbox.deliver(app)
    assert mail["To"] == "sanne@kantoor.example.nl"

    # She may act for mr. Jansen.
    page.locator(".section-nav").get_by_role("link", name=t["delegations"]).click()
    page.get_by_label(t["lawyer"], exact=True).select_option(label="mr. Jansen")
    page.get_by_label(t["secretary"], exact=True).select_option(
        label="Sanne Smit (sanne@kantoor.example.nl)")
    page.get_by_role("button", name=t["grant"]).click()
    expect(page.get_by_role("status")).to_contain_text(t["granted"])
    row = page.get_by_role("table").get_by_role("row").nth(1)
    expect(row).to_contain_text("mr. Jansen")
    expect(row).to_contain_text("Sanne Smit")
    speaks(page, lang, foreign, ignore=FIRM_NAMES)

    # The firm's name, colour and contact details: a website that is none is refused with
    # everything typed kept; then the header changes at once.
    page.locator(".section-nav").get_by_role("link", name=t["firm"], exact=True).click()
    page.get_by_label(t["firm_name"]).fill("Advocaten De Vries")
    page.get_by_label(t["colour"]).fill("#7a1f2b")
    page.get_by_label(t["phone"], exact=True).fill("020 123 4567")
    page.get_by_label(t["website"], exact=True).fill("javascript:alert(1)")
    page.get_by_label(t["postal_address"]).fill("Herengracht 1\n1015 BA Amsterdam")
    page.get_by_label(t["welcome_text"]).fill("Welkom bij Advocaten De Vries.")
    page.get_by_role("button", name=t["save"]).click()
    expect(page.get_by_role("alert")).to_contain_text(t["website_refused"])
    expect(page.get_by_label(t["phone"], exact=True)).to_have_value("020 123 4567")
    expect(page.get_by_label(t["postal_address"])).to_have_value(
        "Herengracht 1\n1015 BA Amsterdam")
    speaks(page, lang, foreign, ignore=FIRM_NAMES)
    page.get_by_label(t["website"], exact=True).fill("www.devries.example")
    page.get_by_role("button", name=t["save"]).click()
    expect(page.get_by_role("status")).to_contain_text(t["saved"])
    expect(page.locator(".site-header .firm")).to_have_text("Advocaten De Vries")
    expect_header_colour(page, FIRM_COLOUR)
    assert page.locator("[style]").count() == 0
    speaks(page, lang, foreign, ignore=FIRM_NAMES)

    # A client who opens the portal sees the new name and colour.
    page.get_by_role("button", name=t["log_out"]).click()
    page.goto("/inloggen")
    expect(page.get_by_role("heading", level=1)).to_have_text(t["welcome"])
    expect(page.locator(".welcome-text")).to_have_text("Welkom bij Advocaten De Vries.")
    footer = page.get_by_role("contentinfo")
    expect(footer.get_by_role("heading", level=2)).to_have_text(t["contact"])
    expect(footer).to_contain_text(t["phone_line"])
    expect(footer).to_contain_text("Herengracht 1")
    expect(footer.get_by_role("link", name="+31 20 123 4567")).to_have_attribute(
        "href", "tel:+31201234567")
    expect(footer.get_by_role("link", name="www.devries.example")).to_have_attribute(
        "href", "https://www.devries.example")
    expect(page.locator(".site-header .firm")).to_have_text("Advocaten De Vries")
    expect_header_colour(page, FIRM_COLOUR)
    assert re.search("Advocaten De Vries$", page.title())
