"""The staff side on a phone (375x667, touch) and a desktop: no page scrolls sideways,
every touch target is at least 44x44 CSS px and a phone shows a page's title without
scrolling; on the desktop (1280 px) no table breaks a word ("Down|load", a file name)
over two lines. Full-page screenshots of both sizes (Dutch, and a few in English) are
saved under test-artifacts/screens/ for a person to look at."""
from sqlmodel import select

from app.models import User

from .layout_helpers import BROKEN_WORDS, DESKTOP, arrange_demo, check_pages, staff_log_in


def test_staff_pages_fit_a_phone(devices, app, session):
    phone, desktop = devices
    demo = arrange_demo(app, session)
    house, jan = demo["house"].id, demo["jan"].id
    for steps_ahead, page in enumerate((phone, desktop)):
        staff_log_in(page, session, demo["admin"], steps_ahead)
    broken = []

    def whole_words(page, name):
        """On the desktop: the words of its tables, each on one line."""
        if page.viewport_size == DESKTOP["viewport"]:
            broken.extend(f"{name}: {word}" for word in page.evaluate(BROKEN_WORDS, "main table"))

    problems = check_pages(phone, desktop, [
        ("kantoor-start", "/kantoor/"),
        ("kantoor-clienten", "/kantoor/clienten"),
        ("kantoor-client", f"/kantoor/clienten/{jan}"),
        ("kantoor-dossiers", "/kantoor/dossiers"),
        ("kantoor-dossier", f"/kantoor/dossiers/{house}"),
        ("kantoor-dossier-documenten", f"/kantoor/dossiers/{house}/documenten"),
        ("kantoor-berichten", "/kantoor/berichten"),
        ("kantoor-bericht", f"/kantoor/berichten/{demo['message'].id}"),
        ("kantoor-vragenlijsten", "/kantoor/vragenlijsten"),
        ("kantoor-instellingen", "/kantoor/instellingen"),
        ("kantoor-auditlog", "/kantoor/auditlog"),
    ], before=whole_words)

    # A few pages in English, as the lawyer who chose English sees them.
    lawyer = session.exec(select(User).where(User.email == "mr.jansen@kantoor.example.nl")).one()
    lawyer.language = "en"
    session.commit()
    for steps_ahead, page in enumerate((phone, desktop)):
        page.context.clear_cookies()
        staff_log_in(page, session, lawyer, steps_ahead)
    problems += check_pages(phone, desktop, [
        ("en-kantoor-start", "/kantoor/"),
        ("en-kantoor-dossier-documenten", f"/kantoor/dossiers/{house}/documenten"),
    ], before=whole_words)
    assert not broken, "words broken over two lines at 1280 px:\n" + "\n".join(broken)
    assert not problems, "layout problems on a 375 px phone:\n" + "\n".join(problems)
