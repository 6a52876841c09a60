"""Staff side: dossiers. The list with search and filters, creating and editing (unique
number, handling lawyer within the delegation rules), linking clients and companies, the
progress steps, the start page; htmx fragments and full pages; and the 404s for everyone who
may not see the dossier."""
import re
from datetime import timedelta

import pytest
from helpers import HTMX, events, find, login, post_form, text_of
from sqlmodel import select

from app.access import visible_dossier_ids
from app.models import (
    Dossier,
    DossierClient,
    DossierCompany,
    ProgressStep,
    utcnow,
)


def step_titles(session, dossier):
    session.expire_all()
    return [(s.title_nl, s.done_at is not None) for s in session.exec(
        select(ProgressStep).where(ProgressStep.dossier_id == dossier.id)
        .order_by(ProgressStep.position))]


def new_dossier(client, **data):
    return post_form(client, "/kantoor/dossiers/nieuw", {
        "number": "2026-0100", "description": "Huurgeschil", "status": "in_progress", **data})


# ---- creating and editing

def test_a_lawyer_creates_a_dossier_for_a_company(client, session, make, staff, as_staff):
    """From the client's page: the company is linked at once; the lawyer is preselected."""
    company = make.company("Bakkerij De Wit B.V.")
    as_staff(staff.lawyer)
    form = client.get(f"/kantoor/dossiers/nieuw?company={company.id}")
    html = form.get_data(as_text=True)
    assert "Het dossier wordt gedeeld met Bakkerij De Wit B.V." in text_of(form)
    assert re.search(rf'<option selected value="{staff.lawyer.id}">', html)
    # Statuses in their configured order.
    assert re.findall(r'<option[^>]*value="(\w+)"', html)[:3] == ["in_progress", "waiting",
                                                                 "closed"]
    response = new_dossier(client, lawyer=staff.lawyer.id, company=company.id)
    assert response.status_code == 302
    dossier = find(session, Dossier, Dossier.number == "2026-0100")
    assert response.headers["Location"] == f"/kantoor/dossiers/{dossier.id}"
    assert (dossier.description, dossier.status_code, dossier.lawyer_id) == (
        "Huurgeschil", "in_progress", staff.lawyer.id)
    assert session.get(DossierCompany, (dossier.id, company.id)) is not None
    [created] = events(session, "dossier.created")
    assert (created.actor_id, created.dossier_id) == (staff.lawyer.id, dossier.id)
    assert len(events(session, "dossier.company_linked")) == 1

    page = text_of(client.get(response.headers["Location"]))
    assert "Dossier 2026-0100 is aangemaakt." in page
    assert "Bakkerij De Wit B.V. (bedrijf: alle accounts)" in page
    assert "Behandelaar mr. Jansen" in page


def test_a_dossier_number_is_unique(client, session, make, staff, as_staff):
    """A number in use (in any case): a clear message and the form as typed."""
    make.dossier(number="2026-ABC", lawyer=staff.other_lawyer)
    as_staff(staff.lawyer)
    response = new_dossier(client, number="2026-abc", description="Mijn omschrijving",
                           lawyer=staff.lawyer.id)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Er is al een dossier met dit nummer." in html
    assert 'value="2026-abc"' in html and "Mijn omschrijving" in html
    session.expire_all()
    assert len(session.exec(select(Dossier)).all()) == 1

    own = make.dossier(number="2026-OWN", lawyer=staff.lawyer)
    response = post_form(client, f"/kantoor/dossiers/{own.id}/bewerken", {
        "number": "2026-ABC", "description": "x", "status": "closed",
        "lawyer": staff.lawyer.id})
    assert response.status_code == 400
    assert "Er is al een dossier met dit nummer." in response.get_data(as_text=True)
    assert find(session, Dossier, Dossier.number == "2026-OWN").status_code == "in_progress"


@pytest.mark.parametrize("data, message", [
    ({"number": ""}, "Vul het dossiernummer in."),
    ({"description": ""}, "Vul een omschrijving in."),
    ({"status": "bestaat-niet"}, "Kies een status."),
    ({"lawyer": ""}, "Kies de behandelaar."),
])
def test_bad_dossier_input_keeps_what_was_typed(client, session, staff, as_staff, data,
                                                message):
    as_staff(staff.admin)
    response = new_dossier(client, **{"lawyer": staff.lawyer.id, **data})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html
    assert "Huurgeschil" in html or data.get("description") == ""
    session.expire_all()
    assert session.exec(select(Dossier)).all() == []


@pytest.mark.parametrize("who, lawyer, allowed", [
    ("lawyer", "lawyer", True), ("lawyer", "other_lawyer", False),
    ("secretary", "lawyer", True), ("secretary", "other_lawyer", False),
    ("idle_secretary", "lawyer", False), ("admin", "other_lawyer", True)])
def test_only_for_a_lawyer_one_may_act_for(client, session, staff, as_staff, who, lawyer,
                                           allowed):
    """A lawyer only for themself, a secretary for its delegators, an admin for any."""
    as_staff(getattr(staff, who))
    response = new_dossier(client, lawyer=getattr(staff, lawyer).id)
    dossier = find(session, Dossier, Dossier.number == "2026-0100")
    if allowed:
        assert response.status_code == 302
        assert dossier.lawyer_id == getattr(staff, lawyer).id
        [created] = events(session, "dossier.created")
        if who == "secretary":
            assert created.detail["on_behalf_of"] == staff.lawyer.id
    else:
        assert response.status_code == 400
        assert dossier is None
        assert "U mag niet namens deze behandelaar werken." in response.get_data(as_text=True)


def test_edit_a_dossier(client, session, make, staff, as_staff):
    """Number, description, status and lawyer change; the change is audited on behalf of."""
    dossier = make.dossier(number="2026-0001", lawyer=staff.lawyer)
    as_staff(staff.secretary)
    form = client.get(f"/kantoor/dossiers/{dossier.id}/bewerken").get_data(as_text=True)
    assert 'value="2026-0001"' in form
    response = post_form(client, f"/kantoor/dossiers/{dossier.id}/bewerken", {
        "number": "2026-0001-A", "description": "Nieuwe omschrijving", "status": "closed",
        "lawyer": staff.lawyer.id})
    assert response.status_code == 302
    session.expire_all()
    dossier = session.get(Dossier, dossier.id)
    assert (dossier.number, dossier.description, dossier.status_code) == (
        "2026-0001-A", "Nieuwe omschrijving", "closed")
    [event] = events(session, "dossier.updated")
    assert event.detail["changed"]["status"] == ["in_progress", "closed"]
    assert event.detail["on_behalf_of"] == staff.lawyer.id
    # A secretary cannot hand the dossier to a lawyer it does not work for.
    response = post_form(client, f"/kantoor/dossiers/{dossier.id}/bewerken", {
        "number": "2026-0001-A", "description": "x", "status": "closed",
        "lawyer": staff.other_lawyer.id})
    assert response.status_code == 400
    session.expire_all()
    assert session.get(Dossier, dossier.id).lawyer_id == staff.lawyer.id


def test_an_idle_secretary_is_told_why_it_cannot_create(client, staff, as_staff):
    as_staff(staff.idle_secretary)
    page = text_of(client.get("/kantoor/dossiers/nieuw"))
    assert "Er is geen behandelaar namens wie u mag werken" in page


# ---- linking clients and companies

def test_link_and_unlink_clients_and_companies(client, session, make, staff, as_staff):
    """Search, link a person and a company (the client then sees the dossier), unlink."""
    person = make.user(email="jan@example.nl", name="Jan Jansen")
    company = make.company("Jansen Bouw B.V.")
    make.user(email="oud@example.nl", name="Jan Oud").active = False
    session.commit()
    dossier = make.dossier(lawyer=staff.lawyer)
    as_staff(staff.lawyer)

    page = client.get(f"/kantoor/dossiers/{dossier.id}/koppelen?q=jansen")
    fragment = client.get(f"/kantoor/dossiers/{dossier.id}/koppelen?q=jansen", headers=HTMX)
    for response in (page, fragment):
        assert response.status_code == 200
        assert "HX-Request" in response.headers["Vary"]
        assert "Jan Jansen" in text_of(response) and "Jansen Bouw B.V." in text_of(response)
    assert "<html" in page.get_data(as_text=True)
    assert fragment.get_data(as_text=True).lstrip().startswith('<div id="pick-results"')
    assert "Jan Oud" not in text_of(client.get(f"/kantoor/dossiers/{dossier.id}/koppelen?q=jan"))

    # Without JavaScript: a redirect back to the overview.
    response = post_form(client, f"/kantoor/dossiers/{dossier.id}/koppelen",
                         {"user_id": person.id})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/kantoor/dossiers/{dossier.id}#clients"
    assert dossier.id in set(session.exec(visible_dossier_ids(person)))
    # With htmx: the clients part, with what happened.
    response = post_form(client, f"/kantoor/dossiers/{dossier.id}/koppelen",
                         {"company_id": company.id}, headers=HTMX)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<section id="clients"') and "<html" not in html
    assert "Alle accounts van Jansen Bouw B.V. kunnen dit dossier nu zien." in html
    assert session.get(DossierCompany, (dossier.id, company.id)) is not None
    # Linked ones are no longer offered.
    assert "Jan Jansen" not in text_of(
        client.get(f"/kantoor/dossiers/{dossier.id}/koppelen?q=jansen", headers=HTMX))

    response = post_form(client, f"/kantoor/dossiers/{dossier.id}/ontkoppelen",
                         {"user_id": person.id}, headers=HTMX)
    assert response.status_code == 200 and "De koppeling is verwijderd." in text_of(response)
    response = post_form(client, f"/kantoor/dossiers/{dossier.id}/ontkoppelen",
                         {"company_id": company.id})
    assert response.status_code == 302
    session.expire_all()
    assert session.get(DossierClient, (dossier.id, person.id)) is None
    assert session.get(DossierCompany, (dossier.id, company.id)) is None
    assert dossier.id not in set(session.exec(visible_dossier_ids(person)))
    assert [len(events(session, a)) for a in ("dossier.client_linked", "dossier.company_linked",
                                              "dossier.client_unlinked",
                                              "dossier.company_unlinked")] == [1, 1, 1, 1]


def test_a_staff_account_cannot_be_linked(client, make, staff, as_staff):
    dossier = make.dossier(lawyer=staff.lawyer)
    as_staff(staff.lawyer)
    response = post_form(client, f"/kantoor/dossiers/{dossier.id}/koppelen",
                         {"user_id": staff.other_lawyer.id})
    assert response.status_code == 404


# ---- progress steps

def test_progress_steps_without_javascript(client, session, make, staff, as_staff):
    """Add, rename, reorder, mark done and delete with plain forms and redirects."""
    dossier = make.dossier(lawyer=staff.lawyer)
    as_staff(staff.lawyer)
    base = f"/kantoor/dossiers/{dossier.id}/stappen"
    for title in ("Intake", "Dagvaarding", "Zitting"):
        response = post_form(client, base, {"new-title_nl": title, "new-title_en": ""})
        assert response.status_code == 302
        assert response.headers["Location"] == f"/kantoor/dossiers/{dossier.id}#steps"
    assert step_titles(session, dossier) == [("Intake", False), ("Dagvaarding", False),
                                             ("Zitting", False)]
    ids = {s.title_nl: s.id for s in session.exec(select(ProgressStep))}

    # Rename: the form is a page of its own, filled in.
    form = client.get(f"{base}/{ids['Dagvaarding']}")
    assert form.status_code == 200 and 'value="Dagvaarding"' in form.get_data(as_text=True)
    assert post_form(client, f"{base}/{ids['Dagvaarding']}", {
        "step-title_nl": "Dagvaarding betekend", "step-title_en": "Writ served"}
    ).status_code == 302
    assert post_form(client, f"{base}/{ids['Zitting']}/omhoog", {}).status_code == 302
    assert post_form(client, f"{base}/{ids['Intake']}/omhoog", {}).status_code == 302  # no-op
    assert post_form(client, f"{base}/{ids['Intake']}/gereed", {}).status_code == 302
    assert step_titles(session, dossier) == [("Intake", True), ("Zitting", False),
                                             ("Dagvaarding betekend", False)]
    assert session.get(ProgressStep, ids["Dagvaarding"]).title_en == "Writ served"
    assert post_form(client, f"{base}/{ids['Intake']}/omlaag", {}).status_code == 302
    assert post_form(client, f"{base}/{ids['Intake']}/gereed", {}).status_code == 302
    assert post_form(client, f"{base}/{ids['Zitting']}/verwijderen", {}).status_code == 302
    assert step_titles(session, dossier) == [("Intake", False), ("Dagvaarding betekend", False)]
    assert [s.position for s in session.exec(select(ProgressStep).order_by(
        ProgressStep.position))] == [0, 1]
    page = text_of(client.get(f"/kantoor/dossiers/{dossier.id}"))
    assert "Voortgang (0/2)" in page
    assert [len(events(session, a)) for a in ("step.added", "step.renamed", "step.moved",
                                              "step.done", "step.undone", "step.deleted")] \
        == [3, 1, 2, 1, 1, 1]


def test_progress_steps_with_htmx(client, session, make, staff, as_staff):
    """Each button answers htmx with the list alone, which carries its own buttons."""
    dossier = make.dossier(lawyer=staff.lawyer)
    as_staff(staff.secretary)
    base = f"/kantoor/dossiers/{dossier.id}/stappen"

    def fragment(response):
        assert response.status_code == 200
        assert "HX-Request" in response.headers["Vary"]
        html = response.get_data(as_text=True)
        assert html.lstrip().startswith('<section id="steps"') and "<html" not in html
        return html

    fragment(post_form(client, base, {"new-title_nl": "Intake"}, headers=HTMX))
    html = fragment(post_form(client, base, {"new-title_nl": "Akte"}, headers=HTMX))
    assert "Voortgang (0/2)" in " ".join(re.sub(r"<[^>]+>", " ", html).split())
    [first, second] = session.exec(select(ProgressStep).order_by(ProgressStep.position)).all()
    html = fragment(post_form(client, f"{base}/{second.id}/omhoog", {}, headers=HTMX))
    assert html.index("Akte") < html.index("Intake")
    html = fragment(post_form(client, f"{base}/{first.id}/gereed", {}, headers=HTMX))
    assert "Voortgang (1/2)" in " ".join(re.sub(r"<[^>]+>", " ", html).split())
    html = fragment(client.get(f"{base}/{first.id}", headers=HTMX))
    assert 'value="Intake"' in html
    html = fragment(client.get(base, headers=HTMX))
    assert 'value="Intake"' not in html
    fragment(post_form(client, f"{base}/{first.id}", {"step-title_nl": "Intakegesprek"},
                       headers=HTMX))
    fragment(post_form(client, f"{base}/{second.id}/verwijderen", {}, headers=HTMX))
    assert step_titles(session, dossier) == [("Intakegesprek", True)]
    assert all(e.detail.get("on_behalf_of") == staff.lawyer.id
               for e in events(session, "step.added"))
    # The list URL loaded directly is the whole overview page.
    page = client.get(base)
    assert page.status_code == 200 and "<html" in page.get_data(as_text=True)


def test_a_step_without_dutch_title_keeps_what_was_typed(client, session, make, staff,
                                                         as_staff):
    dossier = make.dossier(lawyer=staff.lawyer)
    as_staff(staff.lawyer)
    base = f"/kantoor/dossiers/{dossier.id}/stappen"
    full = post_form(client, base, {"new-title_nl": " ", "new-title_en": "Hearing"})
    assert full.status_code == 400
    part = post_form(client, base, {"new-title_nl": "", "new-title_en": "Hearing"},
                     headers=HTMX)
    assert part.status_code == 200  # htmx swaps only 2xx answers
    for response in (full, part):
        html = response.get_data(as_text=True)
        assert "Vul de Nederlandse titel van de stap in." in html
        assert 'value="Hearing"' in html
    assert step_titles(session, dossier) == []


# ---- the list and the start page

@pytest.fixture
def app_config(app_config):
    app_config["PAGE_SIZE"] = 2
    return app_config


def test_the_dossier_list_search_and_filters(client, session, make, staff, as_staff):
    """Search on number, description and client name; filter on status and lawyer;
    paginated; htmx gets the results alone."""
    jan = make.user(email="jan@example.nl", name="Jan Jansen")
    company = make.company("Bakkerij De Wit B.V.")
    make.dossier(number="2026-0001", description="Huurzaak", clients=[jan], lawyer=staff.lawyer)
    make.dossier(number="2026-0002", description="Testament", companies=[company],
                 lawyer=staff.lawyer, status="closed")
    make.dossier(number="2026-0003", description="Arbeidszaak", lawyer=staff.other_lawyer)
    as_staff(staff.admin)

    def numbers(**args):
        html = client.get("/kantoor/dossiers", query_string={"page": 1, **args}).get_data(
            as_text=True)
        return sorted(re.findall(r'href="/kantoor/dossiers/\d+">([^<]+)</a>', html))

    assert numbers(q="0002") == ["2026-0002"]
    assert numbers(q="huur") == ["2026-0001"]
    assert numbers(q="jansen") == ["2026-0001"]
    assert numbers(q="de wit") == ["2026-0002"]
    assert numbers(status="closed") == ["2026-0002"]
    assert numbers(lawyer=staff.other_lawyer.id) == ["2026-0003"]
    assert len(numbers()) == 2  # two per page here
    assert "Pagina 1 van 2" in text_of(client.get("/kantoor/dossiers"))
    fragment = client.get("/kantoor/dossiers?q=huur", headers=HTMX)
    assert fragment.get_data(as_text=True).lstrip().startswith('<div id="dossier-results"')
    assert "HX-Request" in fragment.headers["Vary"]
    # A lawyer sees only their own.
    assert post_form(client, "/uitloggen", {}).status_code == 302
    as_staff(staff.other_lawyer)
    assert numbers() == ["2026-0003"]


def test_the_start_page_counts(app, client, session, make, staff, as_staff):
    """Dossiers, unread client messages and open questionnaires in the staff member's own
    dossiers only."""
    person = make.user(email="jan@example.nl")
    own = make.dossier(clients=[person], lawyer=staff.lawyer)
    other = make.dossier(clients=[person], lawyer=staff.other_lawyer, status="closed")
    for dossier in (own, own, other):
        make.message(dossier, person, from_client=True, subject="Vraag", body="...")
    make.assignment(person, own)
    as_staff(staff.secretary)
    page = text_of(client.get("/kantoor/"))
    assert "Dossiers 1 in behandeling · 1 in totaal" in page
    assert "Berichten 2 ongelezen berichten van cliënten" in page
    assert "Vragenlijsten 1 verstuurd en nog niet ingevuld" in page
    assert own.number in page and other.number not in page


# ---- who gets a 404

def dossier_urls(dossier, step):
    """Every GET and POST URL of a dossier and its step, with a form that would change it."""
    base = f"/kantoor/dossiers/{dossier.id}"
    gets = [base, f"{base}/bewerken", f"{base}/koppelen?q=a", f"{base}/stappen",
            f"{base}/stappen/{step.id}"]
    posts = [(f"{base}/bewerken", {"number": "X", "description": "X", "status": "closed"}),
             (f"{base}/koppelen", {"user_id": "{client}"}),
             (f"{base}/ontkoppelen", {"user_id": "{client}"}),
             (f"{base}/stappen", {"new-title_nl": "Nieuw"}),
             (f"{base}/stappen/{step.id}", {"step-title_nl": "Anders"}),
             (f"{base}/stappen/{step.id}/omhoog", {}),
             (f"{base}/stappen/{step.id}/omlaag", {}),
             (f"{base}/stappen/{step.id}/gereed", {}),
             (f"{base}/stappen/{step.id}/verwijderen", {})]
    return gets, posts


@pytest.mark.parametrize("who", ["other_lawyer", "idle_secretary", "client"])
def test_others_get_404_on_every_dossier_url(client, session, make, staff, as_staff, who):
    """Nothing of a dossier shows or changes for who may not see it."""
    person = make.user(email="klant@example.nl")
    dossier = make.dossier(number="2026-0001", lawyer=staff.lawyer, clients=[person])
    step = ProgressStep(dossier_id=dossier.id, title_nl="Intake")
    session.add(step)
    session.commit()
    if who == "client":
        login(client, "klant@example.nl")
    else:
        as_staff(getattr(staff, who))
        lawyer = staff.other_lawyer.id if who == "other_lawyer" else staff.lawyer.id
    gets, posts = dossier_urls(dossier, step)
    for url in gets:
        assert client.get(url).status_code == 404, url
        assert client.get(url, headers=HTMX).status_code == 404, url
    for url, data in posts:
        data = {k: (person.id if v == "{client}" else v) for k, v in data.items()}
        if who != "client":
            data.setdefault("lawyer", lawyer)
        assert post_form(client, url, data).status_code == 404, url
    if who == "client":
        for url in ("/kantoor/dossiers", "/kantoor/dossiers/nieuw", "/kantoor/"):
            assert client.get(url).status_code == 404
        assert post_form(client, "/kantoor/dossiers/nieuw", {
            "number": "9", "description": "x", "status": "closed"}).status_code == 404
    else:
        assert str(dossier.number) not in text_of(client.get("/kantoor/dossiers"))
    session.expire_all()
    assert session.get(Dossier, dossier.id).number == "2026-0001"
    assert session.get(Dossier, dossier.id).status_code == "in_progress"
    assert step_titles(session, dossier) == [("Intake", False)]
    assert session.get(DossierClient, (dossier.id, person.id)) is not None
    assert len(session.exec(select(Dossier)).all()) == 1


def test_opening_a_dossier_is_audited_once_per_ten_minutes(client, session, make, staff,
                                                            as_staff, monkeypatch):
    """"dossier.viewed" with who, the dossier and the IP: once per staff member and dossier
    in ten minutes (a decision, to keep the log readable), and again after that; parts of
    the page fetched by htmx are not views; a refused visitor leaves no view."""
    dossier = make.dossier(number="2026-0001", lawyer=staff.lawyer)
    as_staff(staff.secretary)
    for _ in range(3):
        assert client.get(f"/kantoor/dossiers/{dossier.id}").status_code == 200
    client.get(f"/kantoor/dossiers/{dossier.id}/stappen", headers=HTMX)
    [viewed] = events(session, "dossier.viewed")
    assert (viewed.actor_id, viewed.dossier_id, viewed.target_type, viewed.target_id,
            viewed.ip) == (staff.secretary.id, dossier.id, "dossier", dossier.id, "127.0.0.1")

    import app.audit
    later = utcnow() + timedelta(minutes=11)
    monkeypatch.setattr(app.audit, "utcnow", lambda: later)
    client.get(f"/kantoor/dossiers/{dossier.id}")
    assert len(events(session, "dossier.viewed")) == 2
    monkeypatch.undo()

    post_form(client, "/uitloggen", {})
    as_staff(staff.other_lawyer)
    assert client.get(f"/kantoor/dossiers/{dossier.id}").status_code == 404
    post_form(client, "/uitloggen", {})
    as_staff(staff.lawyer)  # another staff member: a view of their own
    client.get(f"/kantoor/dossiers/{dossier.id}")
    assert [e.actor_id for e in events(session, "dossier.viewed")] == [
        staff.secretary.id, staff.secretary.id, staff.lawyer.id]
    log = text_of(client.get("/kantoor/auditlog?dossier=2026-0001"))
    assert "Dossier bekeken" in log
