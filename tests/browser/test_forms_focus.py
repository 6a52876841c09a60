"""Forms in Chromium, as the GOV.UK design system has them: a failed submit puts focus on
the error summary (full page and htmx swap), a summary link puts it on the field, the
message counter speaks through live regions while focus stays in the text, and an htmx
tab swap keeps focus on the tab and says what changed."""
import pytest
from helpers import PASSWORD
from playwright.sync_api import expect

from browser.helpers import labels

TEXTS = labels("forms_focus")


@pytest.fixture
def arranged(session, make):
    """A client with one dossier and a questionnaire with one required question."""
    def arrange(lang):
        client = make.user(email="klant@example.nl", name="Klaas Klant", language=lang)
        dossier = make.dossier(clients=[client])
        assignment = make.assignment(client, dossier, {"steps": [
            {"title": "Gegevens", "questions": [
                {"id": "naam", "type": "text", "label": TEXTS[lang]["name"], "required": True},
                {"id": "soort", "type": "yesno", "label": "?", "required": True}]}]},
            title="Intake", introduction="")
        return dossier, assignment
    return arrange


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_focus_follows_the_errors_and_stays_while_typing(page, live_server, arranged, lang):
    t = TEXTS[lang]
    dossier, assignment = arranged(lang)
    page.context.add_cookies([{"name": "lang", "value": lang, "url": live_server}])

    # A failed submit (full page): focus on the summary; its link puts focus on the field.
    page.goto("/inloggen")
    expect(page.locator("label[for=email] + .required-mark")).to_have_text(t["mark"])
    page.get_by_role("button", name=t["login"], exact=True).click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    summary.get_by_role("link").first.click()
    expect(page.get_by_label(t["email"], exact=True)).to_be_focused()
    page.get_by_label(t["email"], exact=True).fill("klant@example.nl")
    page.locator("#password").fill(PASSWORD)
    page.get_by_role("button", name=t["login"], exact=True).click()
    expect(page.get_by_role("button", name=t["logout"])).to_be_visible()

    # The counter: spoken near the maximum only, focus stays in the text.
    page.goto(f"/dossiers/{dossier.id}/berichten/nieuw")
    body = page.get_by_label(t["message"], exact=True)
    status = page.locator("#body-counter-status")
    expect(status).to_have_attribute("aria-live", "polite")
    expect(page.locator("#body-counter-alert")).to_have_attribute("aria-live", "assertive")
    body.press_sequentially("Beste,")
    expect(page.locator("#body-counter")).to_contain_text(t["count"].format(6))
    expect(body).to_be_focused()
    expect(status).to_have_text("")  # far from the maximum: nothing said
    body.fill("x" * 2999)
    body.press_sequentially("y")
    expect(status).to_have_text(t["count"].format(3000))
    expect(body).to_be_focused()
    # The maximum: the manual's notice "Maximum bereikt" with its OK, a modal dialog that
    # takes the focus and gives it back to the text when closed (Escape or OK).
    body.fill("x" * 4000)
    notice = page.get_by_role("dialog", name=t["maximum"])
    expect(notice).to_be_visible()
    expect(notice).to_have_accessible_description(t["maximum_text"])
    expect(notice.get_by_role("button", name="OK")).to_be_focused()
    page.keyboard.press("Escape")
    expect(notice).to_be_hidden()
    expect(body).to_be_focused()
    body.fill("x" * 3999)
    expect(page.locator("#body-counter")).to_contain_text(t["count"].format(3999))
    body.press_sequentially("y")  # at the maximum again: said again
    expect(notice.get_by_role("button", name="OK")).to_be_focused()
    page.keyboard.press("Enter")
    expect(notice).to_be_hidden()
    expect(body).to_be_focused()
    expect(body).to_have_value("x" * 3999 + "y")

    # An htmx tab swap: focus stays on the tab, the live region says which one opened.
    page.goto(f"/dossiers/{dossier.id}")
    tab = page.locator("#tab-documenten")
    tab.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#tab-documenten")).to_have_attribute("aria-current", "page")
    expect(page.locator("#tab-documenten")).to_be_focused()
    expect(page.locator("#live-status")).to_contain_text(t["documents"])

    # An htmx swap that returns errors: focus on the summary; the link of a radio group
    # puts focus on its first option.
    page.goto(f"/vragenlijsten/{assignment.id}/stap/1")
    page.get_by_role("button", name=t["next"]).click()
    expect(summary).to_be_focused()
    expect(page.locator("#questionnaire legend")).to_contain_text(t["mark"])
    summary.get_by_role("link").nth(1).click()
    expect(page.locator("#q-soort")).to_be_focused()
    summary.get_by_role("link").first.click()
    expect(page.get_by_label(t["name"], exact=True)).to_be_focused()
