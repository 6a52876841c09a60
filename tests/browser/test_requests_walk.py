"""Aan te leveren stukken from start to end, in Chromium, in Dutch and in English (issue 17):
the lawyer asks for three documents (the passport, an identity document, from the firm's
list; two typed) with a deadline; the client, told by one mail that says nothing of the
case, drops two on their items and hands in the third on a second device with JavaScript
off; the lawyer rejects one with a reason; the client reads it and drops a new file; the
lawyer approves all three and the request leaves Acties. On a controlled clock, the reminder
mails go out three days before the deadline and the day after it, and not once everything
is handed in; the passport is erased five years after the dossier closed, not a day before.
"""
import re
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from helpers import age_notifications, labels_of_other_language
from playwright.sync_api import expect
from sqlmodel import select
from twostep_helpers import with_app

from app import notifications
from app.doc_requests import erase_identity_documents, send_reminders
from app.models import Document, DocumentRequest, Dossier, StandardItem
from app.staff.request_forms import today
from browser.helpers import drop_files, labels, log_in, speaks, staff_log_in

TEXTS = labels("requests_walk")
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
NAMES = ("Kantoor Test", "Anna de Vries", "mr. Jansen", "Aankoop woning",
         "Kopie paspoort of ID-kaart", "Koopakte", "Loonstrook", "Voor- en achterkant")
REASON = "De handtekening van de verkoper ontbreekt."


def at(day, hour=9):
    """A moment on `day`, in Amsterdam (the reminders count local days)."""
    return datetime.combine(day, time(hour), tzinfo=AMSTERDAM).astimezone(timezone.utc)


def mails_to(app, session, mailbox, email):
    """The notification mails due now, delivered: those to `email`."""
    age_notifications(session)
    notifications.send_due(app)
    return [mail for mail in mailbox.deliver(app) if mail["To"] == email]


def reminders(app, mailbox, *moments):
    """Run the background loop's reminder job at each moment; the reminder mails that went
    out, per moment."""
    sent = []
    for moment in moments:
        send_reminders(app, now=moment)
        sent.append(len(mailbox.deliver(app)))
    return sent


def test_request_hand_in_review_remind_and_erase(page, browser, live_server, app, session,
                                                  make, mailbox, t):
    lang = t["lang"]
    foreign = labels_of_other_language(lang)
    lawyer = make.staff(role="lawyer", email="jansen@kantoor.test", name="mr. Jansen",
                        language=lang)
    with_app(session, lawyer)
    anna = make.user(email="anna@example.nl", name="Anna de Vries", language=lang)
    dossier = make.dossier(clients=[anna], lawyer=lawyer, number="2026-0142",
                           description="Aankoop woning")
    session.add(StandardItem(title="Kopie paspoort of ID-kaart", is_identity=True,
                             explanation="Voor- en achterkant", position=0))
    session.commit()
    with app.app_context():
        deadline = today() + timedelta(days=10)

    # The lawyer asks for three documents, with a deadline.
    staff_log_in(page, lawyer)
    page.goto(f"/kantoor/dossiers/{dossier.id}/stukken")
    page.get_by_role("link", name=t["request_documents"]).click()
    page.get_by_label("Kopie paspoort of ID-kaart").check()
    page.locator("#rows-0-title").fill("Koopakte")
    page.locator("#rows-0-explanation").fill("Getekend door beide partijen")
    page.locator("#rows-1-title").fill("Loonstrook")
    page.get_by_label(t["deadline"]).fill(deadline.isoformat())
    page.get_by_role("button", name=t["send"]).click()
    expect(page.get_by_role("status")).to_contain_text(t["sent"])
    speaks(page, lang, foreign, within="main", ignore=NAMES)
    request = session.exec(select(DocumentRequest)).one()
    passport, deed, payslip = (f"#item-{item.id}" for item in request.items)

    # One mail to Anna, saying that there is something, not what.
    [mail] = mails_to(app, session, mailbox, anna.email)
    text = mail.get_body(("plain",)).get_content()
    assert t["mail_says"] in text
    for secret in ("2026-0142", "Aankoop woning", "paspoort", "Koopakte", "Loonstrook"):
        assert secret not in mail.as_string()
    portal_link = re.search(r"https?://\S+", text).group(0)

    # The reminder three days before the deadline, once, while nothing is handed in.
    assert reminders(app, mailbox, at(deadline - timedelta(days=4)),
                     at(deadline - timedelta(days=3)), at(deadline - timedelta(days=3), 15),
                     at(deadline - timedelta(days=2))) == [0, 1, 0, 0]

    # Anna follows the link and drops two files on their items.
    client = browser.new_context(base_url=live_server, locale="nl-NL")
    client.set_default_timeout(10000)
    anna_page = client.new_page()
    log_in(anna_page, anna, wait=True)
    anna_page.goto(portal_link)
    anna_page.get_by_role("navigation").get_by_role(
        "link", name=re.compile(rf"^{t['actions']}")).click()
    row = anna_page.locator("main tr", has_text=t["to_provide_title"])
    expect(row).to_contain_text("2026-0142")
    expect(row).to_contain_text(t["progress"].format(0))
    row.get_by_role("link", name=re.compile(rf"^{t['provide']}")).click()
    expect(anna_page.locator(passport)).to_contain_text(t["identity"])
    speaks(anna_page, lang, foreign, ignore=NAMES + ("Getekend door beide partijen",))
    drop_files(anna_page, ["paspoort.pdf"], zone=f"{passport} [data-drop-zone]")
    expect(anna_page.locator(passport)).to_contain_text(t["waiting"])
    drop_files(anna_page, ["koopakte.pdf"], zone=f"{deed} [data-drop-zone]")
    expect(anna_page.locator(deed)).to_contain_text(t["waiting"])
    expect(anna_page.locator("#request-status")).to_contain_text(t["progress"].format(2))

    # The payslip next week, on her laptop, with JavaScript off.
    laptop = browser.new_context(base_url=live_server, java_script_enabled=False)
    laptop.set_default_timeout(10000)
    other = laptop.new_page()
    log_in(other, anna)
    other.goto(f"/acties/stukken/{request.id}")
    other.get_by_label(t["choose"].format("Loonstrook")).set_input_files([{
        "name": "loonstrook.pdf", "mimeType": "application/pdf",
        "buffer": b"%PDF-1.4 loonstrook"}])
    other.locator(payslip).get_by_role("button", name=t["upload"]).click()
    expect(other.locator("#request-status")).to_contain_text(t["progress"].format(3))
    laptop.close()

    # The lawyer rejects the deed, with a reason; Anna is told by mail and reads it.
    page.reload()
    card = page.locator(deed)
    card.get_by_label(t["reason"]).fill(REASON)
    card.get_by_role("button", name=re.compile(t["reject"])).click()
    expect(card.locator(".item-state")).to_contain_text(t["rejected"])
    assert len(mails_to(app, session, mailbox, anna.email)) == 1
    anna_page.goto(f"/acties/stukken/{request.id}")
    expect(anna_page.locator(deed)).to_contain_text(t["rejected"])
    expect(anna_page.locator(deed)).to_contain_text(REASON)

    # Past the deadline with the deed still due: a reminder the day after it, not twice.
    assert reminders(app, mailbox, at(deadline), at(deadline + timedelta(days=1)),
                     at(deadline + timedelta(days=2))) == [0, 1, 0]

    # Anna drops the signed deed; then nothing is due, so no more reminders.
    drop_files(anna_page, ["koopakte-getekend.pdf"], zone=f"{deed} [data-drop-zone]")
    expect(anna_page.locator(deed)).to_contain_text(t["waiting"])
    expect(anna_page.locator(deed)).to_contain_text("koopakte-getekend.pdf")
    assert reminders(app, mailbox, at(deadline + timedelta(days=8))) == [0]

    # The lawyer approves all three; the request leaves Acties.
    page.reload()
    for selector in (passport, deed, payslip):
        page.locator(selector).get_by_role("button", name=re.compile(t["approve"])).click()
        expect(page.locator(selector).locator(".item-state")).to_contain_text(t["approved"])
    speaks(page, lang, foreign, within="main", ignore=NAMES + ("paspoort.pdf",))
    anna_page.goto("/acties")
    expect(anna_page.locator(".empty-state")).to_contain_text(t["nothing_to_do"])
    expect(anna_page.locator("main tr", has_text=t["to_provide_title"])).to_have_count(0)

    # The dossier closes; five years on, the passport goes, not a day before.
    closed_at = datetime(2027, 6, 1, 10, tzinfo=timezone.utc)
    row = session.get(Dossier, dossier.id)
    row.status_code, row.status_changed_at = "closed", closed_at
    session.commit()
    assert erase_identity_documents(app, now=closed_at + timedelta(days=5 * 365)) == 0
    assert erase_identity_documents(app, now=closed_at + timedelta(days=5 * 365 + 2)) == 1
    session.expire_all()
    assert sorted(d.filename for d in session.exec(select(Document))) == [
        "koopakte-getekend.pdf", "koopakte.pdf", "loonstrook.pdf"]
    anna_page.goto(f"/acties/stukken/{request.id}")
    expect(anna_page.locator(passport)).to_contain_text(t["erased"])
    expect(anna_page.locator(passport).get_by_role("link")).to_have_count(0)
    page.goto("/kantoor/auditlog")
    expect(page.locator("main")).to_contain_text(t["erased_event"])
    client.close()
