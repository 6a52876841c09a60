"""Forms like the GOV.UK design system: every form, sent with mistakes, shows an error
summary first whose links lead to the fields, the same message beside each field, a
visible label on every input and "(verplicht)"/"(required)" on every required field."""
import io
from datetime import timedelta
from functools import partial

import lxml.html
import pytest
from helpers import login, post_form
from twostep_helpers import totp_code, with_app, with_sms

from app import security
from app.models import (
    TOKEN_PASSWORD,
    DossierStatus,
    utcnow,
)

MARK = {"nl": "(verplicht)", "en": "(required)"}
CONTROLS = "//input|//select|//textarea"
SKIPPED_TYPES = {"hidden", "submit", "button", "image", "reset"}

# One step with every question type, all required, so an empty Next shows every message.
EVERY_TYPE = {"steps": [{"title": "Alles", "questions": [
    {"id": kind, "type": kind, "label": f"Vraag {kind}", "required": True,
     **({"options": ["Een", "Twee"]} if kind in ("choice", "multichoice") else {})}
    for kind in ("text", "textarea", "number", "date", "email", "phone", "iban", "yesno",
                 "choice", "multichoice", "upload")]}]}


def _texts(doc, ids):
    """The text of the elements with these ids."""
    found = [doc.get_element_by_id(i, None) for i in ids]
    return " ".join(" ".join(e.text_content().split()) for e in found if e is not None)


def _label_of(doc, control):
    """The visible text that labels a control, with its required mark: its <label for>,
    its wrapping label or aria-labelledby ("" when there is none)."""
    if control.get("id"):
        labels = doc.xpath("//label[@for=$id]", id=control.get("id"))
        if labels:
            # The required mark stands beside the label, in the same line.
            line = labels[0].getparent()
            shown = line if "label-line" in (line.get("class") or "") else labels[0]
            return " ".join(shown.text_content().split())
    wrapping = control.xpath("ancestor::label")
    if wrapping:
        return " ".join(wrapping[0].text_content().split())
    if control.get("aria-labelledby"):
        return _texts(doc, control.get("aria-labelledby").split())
    return ""


def _legend_of(control):
    legend = control.xpath("ancestor::fieldset[1]/legend")
    return " ".join(legend[0].text_content().split()) if legend else ""


def check_form_page(html, lang, name):
    """Assert the GOV.UK form rules on one page rendered after a failed submit."""
    doc = lxml.html.fromstring(html)
    summary = doc.get_element_by_id("error-summary", None)
    assert summary is not None, f"{name}: no error summary"
    assert summary.get("tabindex") == "-1", f"{name}: the summary cannot take focus"
    order = {e: i for i, e in enumerate(doc.iter())}
    links = summary.xpath(".//a[starts-with(@href, '#')]")
    assert links, f"{name}: the summary links to no field"
    for link in links:
        target = doc.get_element_by_id(link.get("href")[1:], None)
        assert target is not None and target.tag in ("input", "select", "textarea"), \
            f"{name}: {link.get('href')} is not a field"
        # Read before the form it is about (a page with several forms has it above
        # the one that failed).
        form = target.xpath("ancestor::form[1]")
        assert form and order[summary] < order[form[0]], f"{name}: summary after the form"
        assert target.get("aria-invalid") == "true" or target.get("type") in (
            "radio", "checkbox"), f"{name}: {target.get('id')} lacks aria-invalid"
        group = target.xpath("ancestor::fieldset[@aria-describedby][1]")
        described = (target.get("aria-describedby") or "").split() + (
            group[0].get("aria-describedby").split() if group else [])
        beside = _texts(doc, [i for i in described if i.endswith("-error")])
        message = " ".join(link.text_content().split())
        # The questionnaire's summary puts the question before the message.
        assert beside and (message in beside or beside in message), \
            f"{name}: {target.get('id')} does not repeat {message!r} beside the field"
    labelled = 0
    for control in doc.xpath(CONTROLS):
        if control.get("type") in SKIPPED_TYPES or control.get("hidden") is not None:
            continue
        if control.xpath("ancestor::*[@hidden or self::dialog]"):
            continue
        label = _label_of(doc, control)
        assert label, f"{name}: {control.get('name')} has no visible label"
        labelled += 1
        grouped = control.get("type") in ("radio", "checkbox") and len(
            doc.xpath("//input[@name=$n]", n=control.get("name"))) > 1
        if grouped:
            assert _legend_of(control), f"{name}: {control.get('name')} has no legend"
        required = control.get("required") is not None or control.get(
            "aria-required") == "true"
        if required:
            where = _legend_of(control) if grouped else label
            assert where.endswith(MARK[lang]), \
                f"{name}: required {control.get('name')} is not marked: {where!r}"
            assert MARK["en" if lang == "nl" else "nl"] not in where
    return labelled


def refused(client, url, data, **kw):
    """POST a form with mistakes: it must be refused with the form shown again (no redirect,
    no crash); returns the HTML."""
    response = post_form(client, url, data, **kw)
    assert 200 <= response.status_code < 300 or 400 <= response.status_code < 500, (
        url, response.status_code)
    return response.get_data(as_text=True)


# ---- the client side

def client_pages(app, client, session, make, lang):
    """Each client-side form sent with mistakes, as (name, html)."""
    post = partial(refused, client)

    yield "login", post("/inloggen", {"email": "", "password": ""})
    yield "forgot password", post("/wachtwoord-instellen", {"email": "geen"})
    anna = make.user(email="anna@example.nl", password=None, language=lang)
    yield "first login", post(f"/welkom/{make.invite(anna)}", {"email": ""})
    raw = security.issue_token(session, anna, TOKEN_PASSWORD, 24)
    session.commit()
    yield "set password", post(f"/wachtwoord/{raw}", {"password": "kort", "confirm": "x"})

    piet = make.user(email="piet@example.nl", language=lang)
    with_app(session, piet)
    with_sms(session, piet)
    login(client, piet.email)
    yield "two-step: app", post("/inloggen/verificatie/app", {"code": ""})
    yield "two-step: sms", post("/inloggen/verificatie/sms", {"code": "12"})
    yield "two-step: backup code", post("/inloggen/verificatie/code", {"code": ""})
    post_form(client, "/inloggen/verificatie/app", {"code": totp_code(piet.totp_secret)})

    base = "/mijn-gegevens"
    yield "language", post(base, {"language": "xx"})
    yield "name", post(f"{base}/naam", {"name": ""})
    yield "e-mail address", post(f"{base}/e-mailadres", {"email": "geen", "password": ""})
    yield "turn off sms", post(f"{base}/2-staps-verificatie/uitzetten/sms", {"password": ""})
    yield "sms number", post(f"{base}/2-staps-verificatie/sms", {"phone": "", "password": ""})

    company = make.company()
    bram = make.user(email="bram@example.nl", language=lang, company=company,
                     company_main=True)
    dossier = make.dossier(clients=[bram], companies=[company])
    client.post("/uitloggen", data={"csrf_token": ""})
    client.delete_cookie("session")
    login(client, bram.email)
    yield "sms setup", post(f"{base}/2-staps-verificatie/sms",
                            {"phone": "12", "password": ""})
    yield "app setup", post(f"{base}/2-staps-verificatie/app", {"code": ""})
    yield "extra account", post(f"{base}/accounts", {"name": "", "email": "x"})
    url = f"/dossiers/{dossier.id}/berichten/nieuw"
    yield "new message", post(url, {"subject": "", "body": "", "action": "send"})
    assignment = make.assignment(bram, dossier, EVERY_TYPE, title="Alle soorten vragen",
                                 introduction="")
    step = f"/vragenlijsten/{assignment.id}/stap/1"
    page = client.get(step).get_data(as_text=True)
    revision = lxml.html.fromstring(page).xpath("//input[@name='revision']/@value")[0]
    yield "questionnaire step", post(step, {"revision": revision, "action": "next"})
    yield "questionnaire step (htmx)", post(step, {"revision": revision, "action": "next"},
                                            headers={"HX-Request": "true"})


# ---- the staff side

def staff_pages(app, client, session, make, lang):
    """Each staff-side form sent with mistakes, as (name, html)."""
    post = partial(refused, client)

    admin = make.staff(role="admin", email="admin@kantoor.test", name="Admin", language=lang)
    lawyer = make.staff(role="lawyer", email="jansen@kantoor.test", name="mr. Jansen",
                        language=lang)
    make.staff(role="secretary", email="secr@kantoor.test", name="Els", language=lang)
    klant = make.user(email="klant@example.nl", name="Klaas Klant", language=lang)
    dossier = make.dossier(clients=[klant], lawyer=lawyer, status="closed")
    with_app(session, admin)
    login(client, admin.email)
    post_form(client, "/inloggen/verificatie/app", {"code": totp_code(admin.totp_secret)})

    yield "new client", post("/kantoor/clienten/nieuw", {"name": "", "email": "x"})
    yield "new company client", post("/kantoor/clienten/nieuw-bedrijf",
                                     {"company_name": "", "name": "", "email": ""})
    yield "new dossier", post("/kantoor/dossiers/nieuw", {"number": "", "description": ""})
    yield "edit dossier", post(f"/kantoor/dossiers/{dossier.id}/bewerken",
                               {"number": "", "description": ""})
    yield "progress step", post(f"/kantoor/dossiers/{dossier.id}/stappen", {"title_nl": ""})
    yield "publish documents", post(f"/kantoor/dossiers/{dossier.id}/documenten",
                                    {"category": "zzz"})
    yield "message to clients", post(f"/kantoor/dossiers/{dossier.id}/berichten",
                                     {"subject": "", "body": ""})
    yield "new questionnaire", post("/kantoor/vragenlijsten", {"title": ""})
    version = make.version({"steps": [
        {"title": "Stap", "questions": [{"id": "a", "type": "text", "label": "A"}]}]})
    builder = f"/kantoor/vragenlijsten/{version.questionnaire_id}"
    yield "questionnaire details", post(f"{builder}/gegevens", {"title": ""})
    yield "questionnaire step", post(f"{builder}/stappen", {"title": ""})
    yield "edit questionnaire step", post(f"{builder}/stappen/1", {"title": ""})
    yield "new question", post(f"{builder}/stappen/1/vragen", {"label": "", "type": "text"})
    yield "send questionnaire", post(f"/kantoor/dossiers/{dossier.id}/vragenlijsten",
                                     {"questionnaire": "999999", "client": "999999"})
    yield "firm settings", post("/kantoor/instellingen", {
        "name": "", "mail_sender": "geen", "max_file_mb": "", "max_message_mb": "x"})
    yield "logo", post("/kantoor/instellingen/logo",
                       {"logo": (io.BytesIO(b"geen plaatje"), "logo.png")})
    yield "new status", post("/kantoor/instellingen/statussen",
                             {"label_nl": "", "label_en": ""})
    yield "edit status", post("/kantoor/instellingen/statussen/closed",
                              {"label_nl": "", "label_en": "", "retention_days": "7 jaar"})
    yield "new staff member", post("/kantoor/medewerkers", {"name": "", "email": ""})
    yield "staff role", post(f"/kantoor/medewerkers/{lawyer.id}/rol", {"role": "baas"})
    yield "delegation", post("/kantoor/delegaties",
                             {"lawyer_id": "999999", "secretary_id": "999999"})
    session.get(DossierStatus, "closed").retention_days = 30
    dossier.status_changed_at = utcnow() - timedelta(days=60)
    session.commit()
    yield "erase client", post(f"/kantoor/clienten/{klant.id}/avg/wissen",
                               {"email": "iemand@anders.nl"})


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("pages, count", [(client_pages, 18), (staff_pages, 21)],
                         ids=["client", "staff"])
def test_every_form_follows_the_rules(app, client, session, make, lang, pages, count):
    """Each form of the client side, then of the staff side, sent with mistakes."""
    client.set_cookie("lang", lang)
    names = []
    for name, html in pages(app, client, session, make, lang):
        check_form_page(html, lang, name)
        names.append(name)
    assert len(names) == count


def test_the_checker_catches_a_missing_label_and_a_broken_link():
    """The rules above would notice a bad form."""
    good = ('<main><h1>T</h1><div id="error-summary" tabindex="-1"><a href="#a">Fout</a>'
            '</div><form><div class="label-line"><label for="a">Naam</label> '
            '<span>(verplicht)</span></div>'
            '<p class="error-message" id="a-error">Fout</p><input id="a" name="a" required '
            'aria-invalid="true" aria-describedby="a-error"></form></main>')
    assert check_form_page(good, "nl", "good") == 1
    for bad in (good.replace('<label for="a">', "<label>"),
                good.replace('href="#a"', 'href="#b"'),
                good.replace("(verplicht)", ""),
                good.replace('id="a-error"', 'id="x"')):
        with pytest.raises(AssertionError):
            check_form_page(bad, "nl", "bad")
