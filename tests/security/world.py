"""Client A's world for the access matrix, the CSRF and the header walks: A's records, the
people who may not see them, and every rule of app.url_map filled with their ids."""
import itertools
import os
import secrets
from datetime import timedelta

import pytest
from helpers import csrf_token, login
from sqlmodel import select
from twostep_helpers import login_staff
from werkzeug.routing import AnyConverter

from app import approvals, security
from app.models import (
    CAT_ATTACHMENT,
    CAT_CORRESPONDENCE,
    CAT_DOCUMENT,
    CAT_PROVIDED,
    TOKEN_EMAIL,
    TOKEN_INVITE,
    TOKEN_PASSWORD,
    AccountInvitation,
    ApiKey,
    OneTimeToken,
    OutgoingMail,
    Passkey,
    ProgressStep,
    StandardItem,
    Upload,
    WebhookDelivery,
    WebhookEndpoint,
    utcnow,
)

SECRET = "GEHEIM"  # in every title, subject, body, answer and file of client A
NUMBERS = ("2026-7001", "2026-7002")  # A's dossier numbers
FILE_BYTES = b"%PDF-1.4 GEHEIM-INHOUD " + bytes(range(256)) * 8
DEFINITION = {"steps": [
    {"title": "Stap een", "questions": [
        {"id": "naam", "type": "text", "label": "Naam", "required": True}]},
    {"title": "Stap twee", "questions": [
        {"id": "toelichting", "type": "textarea", "label": "Toelichting"}]},
]}

# Rules with a URL argument that names no record of anyone: public by design.
PUBLIC_RULES = {
    "static": "the portal's own CSS, JavaScript and images",
    "auth.invitation": "the token in the URL is the credential (mail 1); tested in test_auth",
    "auth.set_password": "the token in the URL is the credential (mail 2); tested in "
                         "test_auth",
}
# Staff pages every staff member may open: they hold the firm's lists (clients,
# questionnaire definitions) or only what the viewer may see. GET only; see the docstring of
# tests/staff/test_role_matrix.py.
OPEN_TO_STAFF = {
    "staff.index": "the start page",
    "staff.dossiers": "lists only the dossiers the viewer may see",
    "staff.dossier_new": "any staff member who acts for a lawyer may start a dossier",
    "staff.clients": "the firm's client list (name and e-mail only) is open to all staff",
    "staff.client_new": "creating a client is open to all staff",
    "staff.company_new": "creating a company client is open to all staff",
    "staff.inbox": "lists only messages in dossiers the viewer may see",
    "staff.message_counter": "the character counter of the message form (no record)",
    "staff.questionnaires": "the firm's questionnaire definitions",
    "staff.create_questionnaire": "the firm's questionnaire definitions",
    "staff.questionnaire_builder": "a definition holds no client data",
    "staff.save_details": "a definition holds no client data",
    "staff.add_step": "a definition holds no client data",
    "staff.edit_step": "a definition holds no client data",
    "staff.move_step": "a definition holds no client data",
    "staff.delete_step": "a definition holds no client data",
    "staff.add_question": "a definition holds no client data",
    "staff.edit_question": "a definition holds no client data",
    "staff.move_question": "a definition holds no client data",
    "staff.delete_question": "a definition holds no client data",
    "staff.add_requested": "a definition holds no client data",
    "staff.edit_requested": "a definition holds no client data",
    "staff.delete_requested": "a definition holds no client data",
    "staff.preview": "a definition holds no client data",
    "staff.preview_step": "a definition holds no client data",
    "staff.preview_conditions": "a definition holds no client data",
    "staff.choose_dossier": "lists only the dossiers the viewer may send to",
    "staff.sent_questionnaires": "lists only questionnaires in dossiers the viewer may see",
    "staff.audit_log": "shows only events of dossiers the viewer may see, and their own",
    "staff.audit_log_export": "the same events as CSV",
    "staff.delegations": "shows the viewer's own delegations",
    "staff.requests_overview": "lists only requests in dossiers the viewer may see",
}
ADMIN_ONLY_PREFIXES = ("staff.settings", "staff.staff_account")


# ---- client A's world

class World:
    """Client A's records, the people who may not see them, and how to fill URLs."""


def build_world(app, make, db):
    """Client A (person and company) with every kind of record, and the others."""
    w = World()
    w.app, w.db = app, db
    w.lawyer = make.staff(role="lawyer", email="lawyer@kantoor.test", name="mr. Handelend",
                          password=None)
    w.other_lawyer = make.staff(role="lawyer", email="andere@kantoor.test", name="mr. Ander")
    w.idle_secretary = make.staff(role="secretary", email="idle@kantoor.test",
                                  name="Ilse Idle")
    w.admin = make.staff(role="admin", email="admin@kantoor.test", name="Admin")
    w.jan = make.user(email="jan@a.test", name="Jan Matrix")
    company = make.company("Matrix Holding B.V.")
    w.anna = make.user(email="anna@c.test", name="Anna Main", company=company,
                       company_main=True)
    w.piet = make.user(email="piet@c.test", name="Piet Extra", company=company, password=None)
    w.rik = make.user(email="rik@c.test", name="Rik Verwijderd", company=company)
    # An addition still waiting for its first login (listed by its own id).
    w.waiting = AccountInvitation(company_id=company.id, added_by_id=w.anna.id,
                                  email="wacht@c.test", name="Wacht Nog")
    db.add(w.waiting)
    w.kees = make.user(email="kees@b.test", name="Kees Ander")
    other_company = make.company("Ander Bedrijf B.V.")
    w.bert = make.user(email="bert@d.test", name="Bert Ander", company=other_company,
                       company_main=True)
    make.dossier(clients=[w.kees], number="2026-8001", lawyer=w.other_lawyer)
    make.dossier(companies=[other_company], number="2026-8002", lawyer=w.other_lawyer)

    d1 = make.dossier(clients=[w.jan], number=NUMBERS[0], lawyer=w.lawyer,
                      description=f"{SECRET} dossier van Jan")
    d2 = make.dossier(companies=[company], number=NUMBERS[1], lawyer=w.lawyer,
                      description=f"{SECRET} dossier van het bedrijf")

    def stored(dossier, category, title, by):
        return make.document(dossier, category, f"{SECRET} {title}", "stuk.pdf", FILE_BYTES,
                             by=by)

    def message(dossier, sender, subject, attachments=(), sent=True, from_client=True):
        return make.message(dossier, sender, from_client, sent, f"{SECRET} {subject}",
                            f"{SECRET} tekst van {SECRET} {subject}", attachments)

    docs = {
        "correspondence": stored(d1, CAT_CORRESPONDENCE, "brief", w.lawyer),
        "document": stored(d1, CAT_DOCUMENT, "akte", w.lawyer),
        "provided": stored(d1, CAT_PROVIDED, "aangeleverd", w.jan),
        "attachment_in": stored(d1, CAT_ATTACHMENT, "bijlage in", w.lawyer),
        "attachment_out": stored(d1, CAT_PROVIDED, "bijlage uit", w.jan),
        "draft_attachment": stored(d1, CAT_ATTACHMENT, "conceptbijlage", w.jan),
        "pdf": stored(d1, CAT_PROVIDED, "vragenlijst", w.jan),
        "company": stored(d2, CAT_CORRESPONDENCE, "bedrijfsbrief", w.lawyer),
        "company_draft_attachment": stored(d2, CAT_ATTACHMENT, "bedrijfsconcept", w.anna),
    }
    from_firm = message(d1, w.lawyer, "van kantoor", [docs["attachment_in"]],
                        from_client=False)
    from_jan = message(d1, w.jan, "van Jan", [docs["attachment_out"]])
    draft = message(d1, w.jan, "concept", [docs["draft_attachment"]], sent=False)
    company_message = message(d2, w.lawyer, "aan bedrijf", from_client=False)
    company_draft = message(d2, w.anna, "bedrijfsconcept",
                            [docs["company_draft_attachment"]], sent=False)
    step = ProgressStep(dossier_id=d1.id, position=0, title_nl="Intake", title_en="Intake")
    db.add(step)
    version = make.version(DEFINITION, by=w.lawyer)
    open_one = make.assignment(w.jan, d1, version=version, by=w.lawyer,
                               answers={1: {"naam": f"{SECRET} Jan"}})
    completed = make.assignment(w.jan, d1, version=version, by=w.lawyer,
                                answers={1: {"naam": f"{SECRET} Jan"}, 2: {"toelichting": ""}},
                                pdf=docs["pdf"])
    company_open = make.assignment(w.anna, d2, version=version, by=w.lawyer,
                                   answers={1: {"naam": f"{SECRET} Anna"}})
    # Requests for documents (issue 17): Jan's with an identity document handed in, the
    # company's to Anna (her extra account Piet sees the dossier, not her request).
    jan_request = make.document_request(d1, w.jan, by=w.lawyer, items=[
        {"title": f"{SECRET} paspoort", "explanation": SECRET, "is_identity": True},
        {"title": f"{SECRET} koopakte"}])
    handed_in = make.hand_in(jan_request.items[0], w.jan, "paspoort.pdf", FILE_BYTES)
    company_request = make.document_request(d2, w.anna, by=w.lawyer,
                                            items=[f"{SECRET} statuten"])
    # Requests for approval (issue 18): Jan approved his (a decision with a receipt to
    # download); the company's waits for Anna (Piet sees the document, not the request).
    with app.test_request_context():
        jan_approval = approvals.new_approval(db, dossier=d1, client=w.jan, sent_by=w.lawyer,
                                              document=docs["document"],
                                              title=f"{SECRET} concept")
        db.flush()
        decision = approvals.decide(db, w.jan, jan_approval, jan_approval.versions[0].id,
                                    True, confirmed_with="password")
        company_approval = approvals.new_approval(
            db, dossier=d2, client=w.anna, sent_by=w.lawyer,
            document=stored(d2, CAT_DOCUMENT, "bedrijfsconcept", w.lawyer),
            title=f"{SECRET} bedrijfsconcept")
        db.commit()
        approvals.make_receipt(db, decision)  # as right after the approval
    standard = StandardItem(title="Uittreksel KvK")  # the firm's list (Instellingen)
    db.add(standard)
    # An API key and a webhook with a delivery (Instellingen, admin only); switched off,
    # so that what the tests do queues no deliveries of its own.
    api_key = ApiKey(name="Dossiersysteem", prefix="klp_matrix01", key_hash="0" * 64,
                     scopes="dossiers:read", acts_as_id=w.lawyer.id)
    endpoint = WebhookEndpoint(url="https://93.184.215.14/hook", events="message.received",
                               secret="whsec_matrix", active=False)
    db.add_all([api_key, endpoint])
    # A passkey of Jan's (issue 20); passkeys stay off for him, so he logs in as before.
    passkey = Passkey(user_id=w.jan.id, credential_id="matrix-credential",
                      public_key=b"not a key", name=f"{SECRET} telefoon")
    db.add(passkey)
    db.flush()
    delivery = WebhookDelivery(endpoint_id=endpoint.id, event_id="evt_matrix",
                               event_type="message.received", payload="{}")
    db.add(delivery)
    mail = OutgoingMail(recipient=w.jan.email, subject=f"{SECRET} mail", body_text=SECRET,
                        body_html=SECRET, attempts=1, failed_at=utcnow())  # given up on
    db.add(mail)
    # Resumable uploads (tus) of Jan's and Anna's: one under way, one finished, each with
    # its bytes in UPLOAD_FOLDER/tus.
    w.uploads = []
    for owner, dossier, finished in ((w.jan, d1, False), (w.jan, d1, True),
                                     (w.anna, d2, True)):
        upload = Upload(token=secrets.token_hex(16), user_id=owner.id,
                        target=f"message:{dossier.id}", filename=f"{SECRET}.pdf",
                        length=len(FILE_BYTES), sha256="0" * 64 if finished else None,
                        finished_at=utcnow() if finished else None,
                        expires_at=utcnow() + timedelta(hours=1))
        folder = os.path.join(app.config["UPLOAD_FOLDER"], "tus")
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, upload.token), "wb") as f:
            f.write(FILE_BYTES if finished else FILE_BYTES[:10])
        db.add(upload)
        w.uploads.append((owner, upload))
    email_token = security.issue_token(db, w.jan, TOKEN_EMAIL, 24)
    db.flush()
    link = db.exec(select(OneTimeToken).where(
        OneTimeToken.token_hash == security.sha256(email_token))).one()
    link.new_email = "jan.nieuw@a.test"
    # The public links (mail 1 and mail 2), for the tests that open every route.
    newcomer = make.user(email="nieuw@a.test", name="Nieuw", password=None)
    w.invite_token = security.issue_token(db, newcomer, TOKEN_INVITE, 24)
    w.password_token = security.issue_token(db, w.kees, TOKEN_PASSWORD, 1)
    db.commit()

    w.dossiers, w.docs, w.step = (d1, d2), docs, step
    w.draft, w.company_draft = draft, company_draft
    w.open_assignment, w.completed, w.company_assignment = open_one, completed, company_open
    w.from_firm, w.from_jan = from_firm, from_jan
    # Each URL argument: its candidates as (owner, value); owner None fits any owner.
    jan_docs = [d.id for key, d in docs.items() if not key.startswith("company")]
    w.values = {
        "dossier_id": [("jan", d1.id), ("anna", d2.id)],
        "document_id": [("jan", i) for i in jan_docs] + [("jan", handed_in.id)]
        + [("anna", docs["company"].id), ("anna", docs["company_draft_attachment"].id)],
        "message_id": [("jan", from_firm.id), ("jan", from_jan.id),
                       ("anna", company_message.id)],
        "draft_id": [("jan", draft.id), ("anna", company_draft.id)],
        "assignment_id": [("jan", open_one.id), ("jan", completed.id),
                          ("anna", company_open.id)],
        "request_id": [("jan", jan_request.id), ("anna", company_request.id)],
        "item_id": [("jan", item.id) for item in jan_request.items]
        + [("anna", company_request.items[0].id)],
        "approval_id": [("jan", jan_approval.id), ("anna", company_approval.id)],
        "decision_id": [("jan", decision.id)],
        "account_id": [("anna", w.piet.id)],
        "invitation_id": [("anna", w.waiting.id)],
        "token": [("jan", email_token)],
        "number": [(None, 1)],
        # The staff side's own arguments.
        "user_id": [(None, w.jan.id)],
        "step_id": [(None, step.id)],
        "questionnaire_id": [(None, version.questionnaire_id)],
        "question_id": [(None, "naam")],
        "code": [(None, "in_progress")],
        "mail_id": [(None, mail.id)],
        "standard_id": [(None, standard.id)],
        "key_id": [(None, api_key.id)],
        "endpoint_id": [(None, endpoint.id)],
        "delivery_id": [(None, delivery.id)],
        "passkey_id": [("jan", passkey.id)],
        "upload_token": [("jan" if owner is w.jan else "anna", upload.token)
                         for owner, upload in w.uploads],
    }
    return w


# ---- the rules and their URLs

def record_arguments(rule):
    """The arguments of a rule that name something (an <any(...)> choice names nothing)."""
    return sorted(name for name in rule.arguments
                  if not isinstance(rule._converters[name], AnyConverter))


def id_rules(app):
    """Every rule with a record argument, but the public ones and the API's (it takes no
    cookie; its own matrix is tests/api/test_api_access.py); sorted for stable output."""
    return [rule for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint))
            if record_arguments(rule) and rule.endpoint not in PUBLIC_RULES
            and not is_api(rule)]


def is_api(rule):
    """A route of the API (/api/v1): Bearer keys, no cookies, no CSRF."""
    return rule.endpoint.startswith("api.")


def get_rules(app):
    """Every rule that answers GET, but the API's (tests/api/: its own matrix, its headers in
    tests/api/test_keys_auth.py)."""
    return [rule for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint))
            if "GET" in rule.methods and not is_api(rule)]


def urls_of(rule, values):
    """[(url, owner)]: the rule filled with every combination of candidates that belongs to
    one owner (an <any(...)> argument takes each of its choices)."""
    choices = []
    for name in sorted(rule.arguments):
        converter = rule._converters[name]
        if isinstance(converter, AnyConverter):
            choices.append([(name, None, item) for item in sorted(converter.items)])
        elif name in values:
            choices.append([(name, owner, value) for owner, value in values[name]])
        else:
            pytest.fail(f"{rule.rule} ({rule.endpoint}): no value for URL argument <{name}>; "
                        "add candidates for it to build_world() in "
                        "tests/security/world.py")
    urls = []
    for combination in itertools.product(*choices):
        owners = {owner for _name, owner, _value in combination if owner is not None}
        if len(owners) > 1:
            continue
        args = {name: value for name, _owner, value in combination}
        urls.append((rule.build(args, append_unknown=False)[1], owners.pop() if owners else None))
    assert urls, f"{rule.rule}: no combination of candidates fits one owner"
    return urls


def values_for(world, rule):
    """The candidates of the matrix, with the right token for each link route."""
    values = dict(world.values)
    if rule.endpoint == "auth.invitation":
        values["token"] = [(None, world.invite_token)]
    elif rule.endpoint == "auth.set_password":
        values["token"] = [(None, world.password_token)]
    values["filename"] = [(None, "css/portal.css")]
    return values


def every_url(world, rule):
    """[(url, owner)]: the rule filled with every record of the world (owner None: a rule
    without arguments, or a record of nobody in particular)."""
    if not rule.arguments:
        return [(rule.build({}, append_unknown=False)[1], None)]
    return urls_of(rule, values_for(world, rule))


# ---- the people

def who_may(rule, owner=None):
    """Who may use a rule: the staff side's admin, the company's main account for its extra
    accounts, the record's owner, or anyone for the public pages."""
    if rule.endpoint.startswith("staff."):
        return "admin"
    if rule.endpoint.startswith("account.account"):
        return "anna"
    if rule.endpoint == "auth.logout":
        return "jan"
    if rule.endpoint.startswith(("auth.", "firm.")) or rule.endpoint == "static":
        return "anonymous"
    return owner or "jan"


class People:
    """A logged-in test client per person, made when first asked for."""

    def __init__(self, world):
        self.world, self.clients = world, {}

    def __getitem__(self, who):
        if who not in self.clients:
            client = self.world.app.test_client()
            if who == "admin":
                login_staff(client, self.world.db, self.world.admin)
            elif who != "anonymous":
                assert login(client, getattr(self.world, who).email).status_code == 302
            else:
                csrf_token(client)  # a session with a token of its own, as a browser has
            self.clients[who] = client
        return self.clients[who]
