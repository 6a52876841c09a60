"""The role matrix: every staff URL, tried by people who may not see the records it names.

Each rule of app.url_map whose endpoint starts with "staff." is requested (GET, and POST when
the rule allows it, with a valid CSRF token) with its URL arguments filled with the ids of
another lawyer's dossier, its client, document, message, progress step and questionnaire.
Anonymous visitors are sent to the login page; a client of that very dossier, a secretary
without delegation and a lawyer of another dossier are refused (404, or 403) — and nothing in
the database changes. New routes are covered by themselves: an unknown URL argument fails the
test until it is added to ARGUMENTS below.

A few pages are open to every staff member because they list the firm's own things or only
what the viewer may see (OPEN_TO_STAFF, in tests/security/world.py). They may answer 200,
but must not show anything of the other lawyer's dossier nor its client's details (phone,
company); their POSTs (creating a client, a questionnaire) are open to all staff on purpose
and are tested in their own modules, so only their GET is tried here. The client list is
open, but a client's own page and resending its invitation are not: the other lawyer's
client is a 404 there.

Who may manage a client follows from the dossiers one sees, so a route that links a client
or company to a dossier changes who may manage it. Every staff POST is therefore also tried
on the staff member's OWN dossier with the other lawyer's client and company in every field
that names one: afterwards their pages are still a 404 and no link was made.
"""
import pytest
from helpers import csrf_token, differences, login, snapshot
from security.world import ADMIN_ONLY_PREFIXES, OPEN_TO_STAFF
from sqlmodel import select
from twostep_helpers import login_staff
from werkzeug.routing import AnyConverter

from app import approvals
from app.models import (
    CAT_CORRESPONDENCE,
    CAT_DOCUMENT,
    ApiKey,
    DossierClient,
    DossierCompany,
    OutgoingMail,
    ProgressStep,
    StandardItem,
    WebhookDelivery,
    WebhookEndpoint,
    utcnow,
)

OTHER_NUMBER = "2026-0999"
SECRET_WORDS = (OTHER_NUMBER, "Geheime koopakte", "Vertrouwelijk onderwerp",
                "Scheiding Bakker", "+31 6 12345678", "+31612345678", "Holding Geheim")


@pytest.fixture
def other(session, make, staff):
    """The other lawyer's dossier with everything in it, and the ids that fill URLs."""
    piet = make.user(email="piet@example.nl", name="Piet Bakker")
    piet.phone = "+31612345678"
    holding = make.company("Holding Geheim B.V.")
    kees = make.user(email="kees@example.nl", name="Kees Holding", company=holding,
                     company_main=True)
    dossier = make.dossier(clients=[piet], companies=[holding], lawyer=staff.other_lawyer,
                           number=OTHER_NUMBER, description="Scheiding Bakker")
    document = make.document(dossier, CAT_CORRESPONDENCE, "Geheime koopakte", "akte.pdf",
                             by=staff.other_lawyer)
    message = make.message(dossier, piet, from_client=True, subject="Vertrouwelijk onderwerp",
                           body="Alleen voor mr. Bakker")
    step = ProgressStep(dossier_id=dossier.id, position=0, title_nl="Intake", title_en="Intake")
    mail = OutgoingMail(recipient=piet.email, subject="Uw account", body_text="-",
                        body_html="-", attempts=1, failed_at=utcnow())  # given up on
    session.add_all([step, mail])
    session.commit()
    version = make.version({"steps": [{"title": "Stap", "questions": [
        {"id": "naam", "type": "text", "label": "Naam"}]}]}, by=staff.other_lawyer)
    assignment = make.assignment(piet, dossier, version=version, by=staff.other_lawyer)
    # A request for documents: a passport (identity document) handed in, a deed to provide.
    doc_request = make.document_request(dossier, piet, by=staff.other_lawyer, items=[
        {"title": "Paspoort", "is_identity": True}, "Geheime koopakte"])
    make.hand_in(doc_request.items[0], piet, "paspoort.pdf")
    standard = StandardItem(title="Uittreksel KvK")
    # An API key and a webhook with a delivery (Instellingen, admin only); switched off,
    # so that what the tests do queues no deliveries of its own.
    api_key = ApiKey(name="Dossiersysteem", prefix="klp_matrix01", key_hash="0" * 64,
                     scopes="dossiers:read", acts_as_id=staff.other_lawyer.id)
    endpoint = WebhookEndpoint(url="https://93.184.215.14/hook", events="message.received",
                               secret="whsec_matrix", active=False)
    session.add_all([standard, api_key, endpoint])
    session.flush()
    delivery = WebhookDelivery(endpoint_id=endpoint.id, event_id="evt_matrix",
                               event_type="message.received", payload="{}")
    session.add(delivery)
    session.commit()
    # A document for approval ("Ter goedkeuring"), approved by Piet.
    concept = make.document(dossier, CAT_DOCUMENT, "Geheime koopakte", "concept.pdf",
                            by=staff.other_lawyer)
    with make.app.test_request_context():
        approval = approvals.new_approval(session, dossier=dossier, client=piet,
                                          sent_by=staff.other_lawyer, document=concept,
                                          title="Geheime koopakte")
        decision = approvals.decide(session, piet, approval, approval.versions[0].id, True,
                                    confirmed_with="password")
        session.commit()
    return {
        "dossier_id": dossier.id, "document_id": document.id, "message_id": message.id,
        "assignment_id": assignment.id, "user_id": piet.id, "step_id": step.id,
        "questionnaire_id": version.questionnaire_id, "number": 1, "question_id": "naam",
        "code": "closed", "client": piet, "company_account": kees, "company_id": holding.id,
        "mail_id": mail.id, "request_id": doc_request.id,
        "item_id": doc_request.items[0].id, "standard_id": standard.id,
        "approval_id": approval.id, "decision_id": decision.id, "key_id": api_key.id,
        "endpoint_id": endpoint.id, "delivery_id": delivery.id,
    }


def staff_rules(app):
    """Every (rule, method) of the staff blueprint that may be requested."""
    pairs = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        if rule.endpoint.startswith("staff."):
            for method in ("GET", "POST"):
                if method in rule.methods:
                    pairs.append((rule, method))
    return pairs


def url_for_rule(rule, values):
    """The rule's URL with each argument filled in from `values`."""
    args = {}
    for name in rule.arguments:
        converter = rule._converters[name]
        if isinstance(converter, AnyConverter):
            args[name] = sorted(converter.items)[0]
        elif name in values:
            args[name] = values[name]
        else:
            pytest.fail(f"{rule.rule}: no value for URL argument <{name}>; add it to the "
                        "`other` fixture of tests/staff/test_role_matrix.py")
    return rule.build(args, append_unknown=False)[1]


def probe(client, rule, method, url):
    """Request one URL as a browser would: a POST carries the session's CSRF token."""
    if method == "GET":
        return client.get(url)
    return client.post(url, data={"csrf_token": csrf_token(client)})


def problems_of(who, client, app, other, open_ok):
    """Try every staff URL; return what was not refused as it should be."""
    problems = []
    for rule, method in staff_rules(app):
        url = url_for_rule(rule, other)
        if open_ok and rule.endpoint in OPEN_TO_STAFF:
            if method != "GET":
                continue
            response = client.get(url)
            body = response.get_data(as_text=True)
            if response.status_code >= 500:
                problems.append(f"{who} GET {url}: {response.status_code}")
            leaked = [word for word in SECRET_WORDS if word in body]
            if leaked:
                problems.append(f"{who} GET {url} ({rule.endpoint}) shows {leaked}")
            continue
        response = probe(client, rule, method, url)
        expected = {404} if rule.endpoint.startswith(ADMIN_ONLY_PREFIXES) else {403, 404}
        if response.status_code not in expected:
            problems.append(f"{who} {method} {url} ({rule.endpoint}): "
                            f"{response.status_code}, expected {sorted(expected)}")
    return problems


def test_every_staff_url_is_covered(app, other):
    """Each staff rule can be filled in, and the open list names only real endpoints."""
    endpoints = {rule.endpoint for rule, _method in staff_rules(app)}
    for rule, _method in staff_rules(app):
        url_for_rule(rule, other)
    assert {"staff.settings", "staff.audit_log", "staff.staff_accounts"} <= endpoints
    assert set(OPEN_TO_STAFF) - endpoints == set(), "open pages that no longer exist"


def test_anonymous_visitors_are_sent_to_the_login_page(app, session, other):
    """Without login, every staff URL redirects to /inloggen; nothing changes."""
    client = app.test_client()
    before = snapshot(session)
    problems = []
    for rule, method in staff_rules(app):
        url = url_for_rule(rule, other)
        response = probe(client, rule, method, url)
        if response.status_code != 302 or "/inloggen" not in response.headers["Location"]:
            problems.append(f"{method} {url}: {response.status_code}")
    assert problems == [], "\n".join(problems)
    assert differences(before, snapshot(session)) == {}


def test_a_client_of_the_dossier_reaches_no_staff_url(app, session, other):
    """Even the dossier's own client gets 404 on every staff URL; nothing changes."""
    client = app.test_client()
    assert login(client, other["client"].email).status_code == 302
    before = snapshot(session)
    problems = []
    for rule, method in staff_rules(app):
        url = url_for_rule(rule, other)
        response = probe(client, rule, method, url)
        if response.status_code != 404:
            problems.append(f"{method} {url}: {response.status_code}")
    assert problems == [], "\n".join(problems)
    assert differences(before, snapshot(session)) == {}


@pytest.mark.parametrize("who", ["idle_secretary", "lawyer", "secretary"])
def test_staff_without_rights_are_refused_everywhere(app, session, staff, other, who):
    """A secretary without delegation, a lawyer of another dossier and a secretary who works
    for that other lawyer's colleague: 404 (or 403) on every URL that names the other
    lawyer's records, admin pages included; the open pages do not show them; nothing
    changes."""
    client = app.test_client()
    login_staff(client, session, getattr(staff, who))
    before = snapshot(session)
    problems = problems_of(who, client, app, other, open_ok=True)
    assert problems == [], "\n".join(problems)
    assert differences(before, snapshot(session)) == {}


def test_the_admin_sees_the_other_dossier(app, session, staff, other):
    """The matrix is not refusing everyone: an admin opens the same dossier URLs."""
    client = app.test_client()
    login_staff(client, session, staff.admin)
    response = client.get(f"/kantoor/dossiers/{other['dossier_id']}")
    assert response.status_code == 200 and OTHER_NUMBER in response.get_data(as_text=True)
    assert client.get("/kantoor/instellingen").status_code == 200


def test_the_matrix_catches_a_leaky_route(app, session, staff, other):
    """A new staff route that forgets the access check is found without being listed."""
    from app.db import get_session
    from app.models import Dossier

    def leak(dossier_id):
        return get_session().get(Dossier, dossier_id).number

    app.add_url_rule("/kantoor/lek/<int:dossier_id>", endpoint="staff.leak", view_func=leak)
    client = app.test_client()
    login_staff(client, session, staff.lawyer)
    problems = problems_of("lawyer", client, app, other, open_ok=True)
    assert problems == [f"lawyer GET /kantoor/lek/{other['dossier_id']} (staff.leak): 200, "
                        "expected [403, 404]"]


@pytest.mark.parametrize("who", ["idle_secretary", "lawyer", "secretary"])
def test_the_other_lawyers_clients_are_a_404_outside_the_list(app, session, staff, other, who):
    """The client list shows the other lawyer's clients by name and e-mail only, without a
    link; their pages, invitations, accounts and "new dossier for" are a 404; nothing
    changes."""
    client = app.test_client()
    login_staff(client, session, getattr(staff, who))
    before = snapshot(session)
    listing = client.get("/kantoor/clienten").get_data(as_text=True)
    assert "Piet Bakker" in listing and "piet@example.nl" in listing
    assert "Kees Holding" in listing and "kees@example.nl" in listing
    assert "/kantoor/clienten/" + str(other["user_id"]) not in listing
    assert "Holding Geheim" not in listing
    # The company name finds nobody for those who may not open its accounts.
    assert "Kees Holding" not in client.get("/kantoor/clienten?q=holding+geheim").get_data(
        as_text=True)
    token = csrf_token(client)
    for account in (other["client"], other["company_account"]):
        assert client.get(f"/kantoor/clienten/{account.id}").status_code == 404
        for action in ("uitnodiging", "deactiveren", "activeren"):
            response = client.post(f"/kantoor/clienten/{account.id}/{action}",
                                   data={"csrf_token": token})
            assert response.status_code == 404, action
    for query in (f"client={other['user_id']}", f"company={other['company_id']}",
                  f"client={other['company_account'].id}"):
        assert client.get(f"/kantoor/dossiers/nieuw?{query}").status_code == 404, query
        response = client.post(f"/kantoor/dossiers/nieuw?{query}", data={
            "csrf_token": token, "number": "2026-NEW", "description": "Nieuw",
            "status": "in_progress", "lawyer": str(staff.lawyer.id),
            query.split("=")[0]: query.split("=")[1]})
        assert response.status_code == 404, query
    assert differences(before, snapshot(session)) == {}


def test_the_admin_and_the_handling_lawyer_open_the_client(app, session, staff, other):
    """Not everyone is refused: the admin and the other lawyer open Piet's page."""
    for who in ("admin", "other_lawyer"):
        client = app.test_client()
        login_staff(client, session, getattr(staff, who))
        page = client.get(f"/kantoor/clienten/{other['user_id']}").get_data(as_text=True)
        assert "+31 6 12345678" in page and OTHER_NUMBER in page, who
        listing = client.get("/kantoor/clienten").get_data(as_text=True)
        assert f'href="/kantoor/clienten/{other["user_id"]}"' in listing
        assert "Kees Holding" in client.get("/kantoor/clienten?q=holding+geheim").get_data(
            as_text=True)


def links_of(session, other):
    """The dossier links of the other lawyer's client, company account and company."""
    session.expire_all()
    users = (other["user_id"], other["company_account"].id)
    clients = session.exec(select(DossierClient.dossier_id, DossierClient.user_id)
                           .where(DossierClient.user_id.in_(users))).all()
    companies = session.exec(select(DossierCompany.dossier_id, DossierCompany.company_id)
                             .where(DossierCompany.company_id == other["company_id"])).all()
    session.rollback()
    return sorted(clients), sorted(companies)


@pytest.mark.parametrize("who", ["idle_secretary", "lawyer", "secretary"])
def test_no_staff_post_hands_the_other_lawyers_client_over(app, session, make, staff, other,
                                                           who):
    """Every staff POST (admin pages aside), on a dossier of the staff member's own lawyer,
    with the other lawyer's client, company account or company in each field that names a
    client or company (linking, a new dossier for them): the other lawyer's client and its
    company stay a 404 for this staff member, and no link is made."""
    mine = make.dossier(lawyer=staff.lawyer, number="2026-0001", description="Eigen dossier")
    values = {**other, "dossier_id": mine.id}
    client = app.test_client()
    login_staff(client, session, getattr(staff, who))
    before = links_of(session, other)
    token = csrf_token(client)
    piet, kees = other["user_id"], other["company_account"].id
    fields = [{"user_id": piet}, {"user_id": kees}, {"company_id": other["company_id"]},
              {"client": piet}, {"client": kees}, {"company": other["company_id"]}]
    problems = []
    for rule, method in staff_rules(app):
        if method != "POST" or rule.endpoint.startswith(ADMIN_ONLY_PREFIXES):
            continue
        url = url_for_rule(rule, values)
        for n, field in enumerate(fields):
            response = client.post(url, data={
                "csrf_token": token, "number": f"2026-TAKE{n}", "description": "Overname",
                "status": "in_progress", "lawyer": str(staff.lawyer.id), **field})
            # Checked after each POST: a later one (unlinking) could undo what one did.
            if response.status_code >= 500 or links_of(session, other) != before:
                problems.append(f"{who} POST {url} {field}: {response.status_code}")
    assert problems == [], "\n".join(problems)
    for account in (piet, kees):
        assert client.get(f"/kantoor/clienten/{account}").status_code == 404
        assert client.get(f"/kantoor/dossiers/nieuw?client={account}").status_code == 404
    assert client.get(f"/kantoor/dossiers/nieuw?company={other['company_id']}"
                      ).status_code == 404


def test_a_lawyer_links_own_clients_and_an_admin_links_anyone(app, session, make, staff,
                                                              other):
    """Not everyone is refused: the lawyer links a client of their own other dossier; only
    the admin links the other lawyer's client (who then is the lawyer's to manage too)."""
    own = make.user(email="eigen@example.nl", name="Eigen Klant")
    make.dossier(clients=[own], lawyer=staff.lawyer)
    mine = make.dossier(lawyer=staff.lawyer, number="2026-0001")
    lawyer = app.test_client()
    login_staff(lawyer, session, staff.lawyer)
    token = csrf_token(lawyer)
    url = f"/kantoor/dossiers/{mine.id}/koppelen"
    assert lawyer.post(url, data={"csrf_token": token, "user_id": own.id}).status_code == 302
    htmx = {"HX-Request": "true"}  # only the search results
    found = lawyer.get(f"{url}?q=example", headers=htmx).get_data(as_text=True)
    assert "eigen@example.nl" not in found  # linked already
    assert "piet@example.nl" not in found and "alleen een beheerder koppelen" in found
    assert lawyer.post(url, data={"csrf_token": token,
                                  "user_id": other["user_id"]}).status_code == 404
    admin = app.test_client()
    login_staff(admin, session, staff.admin)
    assert admin.post(url, data={"csrf_token": csrf_token(admin),
                                 "user_id": other["user_id"]}).status_code == 302
    assert lawyer.get(f"/kantoor/clienten/{other['user_id']}").status_code == 200


def test_another_account_of_the_other_lawyers_company_is_not_a_way_in(app, session, make,
                                                                      staff):
    """A company whose main account is in the other lawyer's dossier: its other account,
    in no dossier itself, is not "in no dossier yet" — a 404, and it cannot be linked."""
    family = make.company("Familie Geheim B.V.")
    main = make.user(email="hoofd@familie.nl", company=family, company_main=True)
    loose = make.user(email="los@familie.nl", company=family)
    make.dossier(clients=[main], lawyer=staff.other_lawyer)
    mine = make.dossier(lawyer=staff.lawyer)
    lawyer = app.test_client()
    login_staff(lawyer, session, staff.lawyer)
    assert lawyer.get(f"/kantoor/clienten/{loose.id}").status_code == 404
    assert lawyer.get(f"/kantoor/dossiers/nieuw?company={family.id}").status_code == 404
    response = lawyer.post(f"/kantoor/dossiers/{mine.id}/koppelen",
                           data={"csrf_token": csrf_token(lawyer), "user_id": loose.id})
    assert response.status_code == 404
