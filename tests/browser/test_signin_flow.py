"""Signing in as chapter 1 of the manuals, walked in Chromium: invitation, set password,
forgot password and login, in Dutch and in English."""
import re

import pytest
from helpers import PASSWORD, labels_of_other_language, link_in
from playwright.sync_api import expect
from twostep_helpers import totp_code, with_app

from app.models import utcnow
from browser.helpers import heading, labels, log_in, speaks

# What a person reads on the screens and in the mails, per language.
TEXTS = labels("signin_flow")
# Labels that only the other language uses: none may show on a page of `lang`.
FOREIGN = {
    "nl": ["Log out", "Set password", "My details", "E-mail address", "Password", "Send",
           "Check your e-mail", "Please set your password", "Set up your account"],
    "en": ["Instellen wachtwoord", "Uitloggen", "Mijn gegevens", "E-mailadres", "Wachtwoord",
           "Verstuur", "Inloggen", "Controleer uw e-mail", "Uw account instellen"],
}


def walk_invitation(page, live_server, app, session, make, mailbox, t):
    """Mail 1 → e-mail address → mail 2 → a bad, then a good password → mail 3 → log out
    → log in again; `t` holds the texts of the language the client reads."""
    user = make.user(email="nieuw@example.nl", name="Anna de Vries", password=None,
                     language=t["lang"])
    make.invite(user)
    [mail1] = mailbox.deliver(app)
    assert mail1["To"] == "nieuw@example.nl"
    assert mail1["Subject"] == t["mail1"]

    # Mail 1's link asks for the e-mail address.
    page.goto(link_in(mail1, "/welkom/", live_server))
    expect(heading(page)).to_have_text(t["setup"])
    speaks(page, t["lang"], FOREIGN[t["lang"]])
    page.get_by_label(t["email"]).fill("nieuw@example.nl")
    page.get_by_role("button", name=t["send"]).click()
    expect(heading(page)).to_have_text(t["check"])
    speaks(page, t["lang"], FOREIGN[t["lang"]])

    [mail2] = mailbox.deliver(app)
    assert mail2["To"] == "nieuw@example.nl"
    assert mail2["Subject"] == t["mail2"]
    link2 = link_in(mail2, "/wachtwoord/", live_server)

    # Mail 2's link: the rule is on screen, and read out with the field, before typing.
    page.goto(link2)
    expect(heading(page)).to_have_text(t["please_set"])
    expect(page.get_by_text(t["rule"])).to_be_visible()
    password = page.get_by_label(t["password"], exact=True)
    # The manual's rule, then what else is refused (issue 16, point 11), before typing.
    expect(password).to_have_accessible_description(f'{t["rule"]} {t["rule_also"]}')
    speaks(page, t["lang"], FOREIGN[t["lang"]])

    # A bad password: a clear message, and nothing changes.
    password.fill("kort")
    page.get_by_label(t["repeat"]).fill("kort")
    page.get_by_role("button", name=t["set_password"]).click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text(t["problem"])
    for problem in ("too_short", "no_capital", "no_digit"):
        expect(summary).to_contain_text(t[problem])
    expect(summary).to_be_focused()
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(password).to_have_value("")
    expect(page).to_have_url(link2)
    expect(heading(page)).to_have_text(t["please_set"])
    speaks(page, t["lang"], FOREIGN[t["lang"]])
    assert mailbox.deliver(app) == []
    session.refresh(user)
    assert user.password_hash is None

    # A good password: logged in, and the first time lands on Mijn gegevens.
    password.fill(t["new_password"])
    page.get_by_label(t["repeat"]).fill(t["new_password"])
    page.get_by_role("button", name=t["set_password"]).click()
    expect(page).to_have_url(live_server + "/mijn-gegevens")
    expect(heading(page)).to_have_text(t["my_details"])
    expect(page.get_by_role("status")).to_contain_text(t["password_set"])
    speaks(page, t["lang"], FOREIGN[t["lang"]])

    [mail3] = mailbox.deliver(app)
    assert mail3["To"] == "nieuw@example.nl"
    assert mail3["Subject"] == t["mail3"]

    page.get_by_role("button", name=t["log_out"]).click()
    expect(page).to_have_url(live_server + "/inloggen")
    expect(page.get_by_role("status")).to_contain_text(t["logged_out"])
    expect(page.get_by_role("button", name=t["log_out"])).to_have_count(0)
    speaks(page, t["lang"], FOREIGN[t["lang"]])

    # Logging in again lands on Home with its three tiles.
    log_in(page, "nieuw@example.nl", t["new_password"])
    expect(page).to_have_url(live_server + "/")
    expect(heading(page)).to_have_text("Home")
    expect(page.locator(".tiles .tile-title")).to_have_text(t["tiles"])
    speaks(page, t["lang"], FOREIGN[t["lang"]])


def test_invitation_flow_in_dutch(page, live_server, app, session, make, mailbox):
    """A fresh browser speaks Dutch without being asked."""
    walk_invitation(page, live_server, app, session, make, mailbox, TEXTS["nl"])


def test_invitation_flow_in_english(page, live_server, app, session, make, mailbox):
    """An English client who picked English on the login page reads English throughout."""
    page.goto("/inloggen")
    expect(heading(page)).to_have_text(TEXTS["nl"]["welcome"])  # as the manual's screenshot
    speaks(page, "nl", FOREIGN["nl"])
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("button", name="Log in", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="English")).to_have_attribute("aria-current", "true")
    expect(heading(page)).to_have_text(TEXTS["en"]["welcome"])
    speaks(page, "en", FOREIGN["en"])
    walk_invitation(page, live_server, app, session, make, mailbox, TEXTS["en"])


def test_english_invitation_link_opens_in_english(page, live_server, app, make, mailbox):
    """An English client who opens mail 1 straight away, in a browser that never chose a
    language, reads every page before and after the login in English (issue 16, point 6)."""
    user = make.user(email="new@example.com", password=None, language="en")
    make.invite(user)
    [mail1] = mailbox.deliver(app)
    assert mail1["Subject"] == TEXTS["en"]["mail1"]
    link1 = link_in(mail1, "/welkom/", live_server)
    page.goto(link1)
    expect(heading(page)).to_have_text(TEXTS["en"]["setup"], timeout=1000)
    walk_before_login(page, "en", [
        ("invitation", lambda: None),
        ("link sent", lambda: (page.get_by_label("E-mail address").fill("new@example.com"),
                               page.get_by_role("button", name="Send").click())),
        ("set password", lambda: page.goto(link_in(mailbox.deliver(app)[0], "/wachtwoord/"))),
        ("logged in", lambda: set_password(page, "en")),
        ("logged out", lambda: (page.get_by_role("button", name="Log out").click(),
                                expect(page.get_by_role("status")).to_have_text(
                                    TEXTS["en"]["logged_out"]))),
        ("used link", lambda: page.goto(link1)),
        ("forgot password", lambda: page.goto("/wachtwoord-instellen")),
    ])


def set_password(page, lang, password="Nieuw2026x"):
    """Fill in "Set password" with a good password and press its button."""
    t = TEXTS[lang]
    page.get_by_label(t["password"], exact=True).fill(password)
    page.get_by_label(t["repeat"]).fill(password)
    page.get_by_role("button", name=t["set_password"]).click()


def only_foreign(lang):
    """The other language's phrases, less single words that `lang` uses too ("Open")."""
    own = {word for phrase in labels_of_other_language("nl" if lang == "en" else "en")
           for word in phrase.split()}
    return [p for p in labels_of_other_language(lang) if " " in p or p not in own]


def walk_before_login(page, lang, steps):
    """Take each (name, step) in turn; after each, the page speaks `lang` only: no phrase
    of the other language's catalog shows (and its own heading is there)."""
    foreign = only_foreign(lang)
    for name, step in steps:
        step()
        expect(heading(page), name).to_be_visible()
        speaks(page, lang, foreign, ignore=("Kantoor Test",))


@pytest.mark.parametrize("before, after", [("nl", "en"), ("en", "nl")])
def test_every_page_before_login_speaks_the_language_chosen(page, live_server, app, session,
                                                            make, mailbox, before, after):
    """The login page's switch and the language of Mijn gegevens (after logging out) are
    followed by every page before the login: login, second step, the logout message, set
    password and its mail link, link problems (issue 16, point 6)."""
    b, a = TEXTS[before], TEXTS[after]
    user = make.user(email="klant@example.nl", language=before)
    user.first_login_at = utcnow()
    secret = with_app(session, user)

    def log_in_with_code(t, steps_ahead=0):
        page.get_by_label(t["code"]).fill(totp_code(secret, steps_ahead))
        page.get_by_role("button", name=t["log_in"], exact=True).click()
        expect(page.get_by_role("button", name=t["log_out"])).to_be_visible()

    def choose_language():
        page.goto("/mijn-gegevens")
        page.get_by_label("English" if after == "en" else "Nederlands").check()
        page.get_by_role("button", name=b["save_language"]).click()
        expect(page.get_by_role("status")).to_contain_text(b["language_saved"])

    def log_out():
        page.get_by_role("button", name=b["log_out"]).click()
        expect(page.get_by_role("status")).to_have_text(a["logged_out"])

    def forgot_password():
        page.get_by_role("link", name=a["set_password"]).click()
        page.get_by_label(a["email"]).fill("klant@example.nl")
        page.get_by_role("button", name=a["send"]).click()
        expect(heading(page)).to_have_text(a["check"])

    page.goto("/inloggen")
    if before == "en":  # the login page's own switch, from the Dutch a browser starts in
        page.get_by_role("button", name="English").click()
    walk_before_login(page, before, [
        ("login", lambda: None),
        ("second step", lambda: log_in(page, "klant@example.nl", start=page.url)),
        ("logged in", lambda: log_in_with_code(b)),
    ])
    choose_language()
    walk_before_login(page, after, [
        ("logged out", log_out),
        ("link sent", forgot_password),
        ("set password", lambda: page.goto(link_in(mailbox.deliver(app)[-1], "/wachtwoord/"))),
        ("second step", lambda: set_password(page, after)),
        ("bad link", lambda: page.goto("/wachtwoord/not-a-link")),
        ("login", lambda: page.goto("/inloggen")),
    ])
    log_in(page, "klant@example.nl", "Nieuw2026x")
    log_in_with_code(a, steps_ahead=1)
    speaks(page, after, only_foreign(after), ignore=("Kantoor Test",))


def test_forgot_password(page, live_server, app, session, make, mailbox):
    """"Instellen wachtwoord" on the login page → mail 2 → new password → Home."""
    user = make.user(email="klant@example.nl")
    user.first_login_at = utcnow()  # has logged in before, so no Mijn gegevens detour
    session.commit()

    page.goto("/inloggen")
    page.get_by_role("link", name="Instellen wachtwoord").click()
    expect(page).to_have_url(live_server + "/wachtwoord-instellen")
    expect(heading(page)).to_have_text("Instellen wachtwoord")
    page.get_by_label("E-mailadres").fill("klant@example.nl")
    page.get_by_role("button", name="Verstuur").click()
    expect(heading(page)).to_have_text("Controleer uw e-mail")

    [mail2] = mailbox.deliver(app)
    assert mail2["To"] == "klant@example.nl"
    assert mail2["Subject"] == TEXTS["nl"]["mail2"]
    page.goto(link_in(mail2, "/wachtwoord/", live_server))
    expect(heading(page)).to_have_text("Stel uw wachtwoord in a.u.b.")
    page.get_by_label("Wachtwoord", exact=True).fill("Nieuw2026x")
    page.get_by_label("Herhaal wachtwoord").fill("Nieuw2026x")
    page.get_by_role("button", name="Instellen wachtwoord").click()

    expect(page).to_have_url(live_server + "/")
    expect(heading(page)).to_have_text("Home")
    expect(page.get_by_role("status")).to_contain_text(TEXTS["nl"]["password_set"])
    expect(page.locator(".tiles .tile-title")).to_have_text(TEXTS["nl"]["tiles"])
    speaks(page, "nl", FOREIGN["nl"])
    [mail3] = mailbox.deliver(app)
    assert mail3["Subject"] == TEXTS["nl"]["mail3"]

    # The new password is the one that works now.
    page.get_by_role("button", name="Uitloggen").click()
    log_in(page, "klant@example.nl", PASSWORD)
    expect(page.get_by_role("alert")).to_contain_text(
        "Het e-mailadres of het wachtwoord is onjuist.")
    log_in(page, "klant@example.nl", "Nieuw2026x")
    expect(page).to_have_url(live_server + "/")
    expect(heading(page)).to_have_text("Home")


def test_wrong_password_keeps_the_email(page, live_server, make):
    """A wrong password: one message for both cases, the address stays, nobody logs in."""
    make.user(email="klant@example.nl")
    log_in(page, "klant@example.nl", "Fout12345")

    expect(page).to_have_url(live_server + "/inloggen")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Het e-mailadres of het wachtwoord is onjuist.")
    expect(alert).to_be_focused()
    expect(page.get_by_label("E-mailadres")).to_have_value("klant@example.nl")
    expect(page.get_by_label("Wachtwoord", exact=True)).to_have_value("")
    expect(page.get_by_role("button", name="Uitloggen")).to_have_count(0)
    speaks(page, "nl", FOREIGN["nl"])


def test_forgot_password_with_two_step_asks_the_code(page, live_server, app, session, make,
                                                     mailbox):
    """A password link proves the mailbox only: with two-step on, the code is still asked."""
    user = make.user(email="klant@example.nl")
    user.first_login_at = utcnow()
    secret = with_app(session, user)

    page.goto("/wachtwoord-instellen")
    page.get_by_label("E-mailadres").fill("klant@example.nl")
    page.get_by_role("button", name="Verstuur").click()
    expect(heading(page)).to_have_text("Controleer uw e-mail")
    [mail2] = mailbox.deliver(app)
    page.goto(link_in(mail2, "/wachtwoord/", live_server))
    page.get_by_label("Wachtwoord", exact=True).fill("Nieuw2026x")
    page.get_by_label("Herhaal wachtwoord").fill("Nieuw2026x")
    page.get_by_role("button", name="Instellen wachtwoord").click()

    expect(page).to_have_url(live_server + "/inloggen/verificatie/app")
    expect(heading(page)).to_have_text("2-staps verificatie")
    expect(page.get_by_role("status")).to_contain_text(
        "Uw wachtwoord is ingesteld. Voltooi de 2-staps verificatie om in te loggen.")
    expect(page.get_by_role("button", name="Uitloggen")).to_have_count(0)
    [mail3] = mailbox.deliver(app)
    assert mail3["Subject"] == TEXTS["nl"]["mail3"]
    page.goto("/")  # not logged in yet
    expect(page).to_have_url(re.compile(r"/inloggen"))

    page.goto("/inloggen/verificatie/app")
    page.get_by_label("Code").fill(totp_code(secret))
    page.get_by_role("button", name="Inloggen", exact=True).click()
    expect(page).to_have_url(live_server + "/")
    expect(heading(page)).to_have_text("Home")


@pytest.mark.parametrize("t, message", [
    (TEXTS["nl"], "Het portaal is niet bereikbaar. Controleer uw internetverbinding en probeer "
            "het opnieuw."),
    (TEXTS["en"], "The portal could not be reached. Check your internet connection and try "
              "again."),
])
def test_network_error_is_told_in_the_users_language(page, live_server, make, t, message):
    """An htmx request that never reaches the server says so, in the page's language."""
    make.user(email="klant@example.nl", language=t["lang"], password=PASSWORD)
    log_in(page, "klant@example.nl", PASSWORD)  # the login page speaks Dutch first
    expect(page.get_by_role("button", name=t["log_out"])).to_be_visible()
    page.goto("/dossiers")
    box = page.locator("#htmx-error")
    expect(box).to_be_hidden()
    page.route(re.compile(r"/dossiers\?"), lambda route: route.abort("internetdisconnected"))
    page.locator("#q").fill("2026")
    expect(box).to_be_visible()
    expect(box).to_have_text(message)
