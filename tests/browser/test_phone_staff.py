"""The staff side on a phone (375x667, touch) and a desktop: no page scrolls sideways and
every touch target is at least 44x44 CSS px; full-page screenshots of both sizes are saved
under test-artifacts/screens/ for a person to look at."""

from .layout_helpers import arrange_demo, check_pages, staff_log_in


def test_staff_pages_fit_a_phone(devices, app, session):
    phone, desktop = devices
    demo = arrange_demo(app, session)
    house, jan = demo["house"].id, demo["jan"].id
    for steps_ahead, page in enumerate((phone, desktop)):
        staff_log_in(page, session, demo["admin"], steps_ahead)
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
    ])
    assert not problems, "layout problems on a 375 px phone:\n" + "\n".join(problems)
