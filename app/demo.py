"""Demo data for `make run`: a firm's staff, clients, dossiers, documents and messages."""
import io
from datetime import timedelta

from xhtml2pdf import pisa

from . import approvals, doc_requests, firm, security
from .invitations import create_company, create_user, send_invitation
from .models import (
    CAT_CORRESPONDENCE,
    CAT_DOCUMENT,
    CAT_PROVIDED,
    KIND_STAFF,
    ROLE_ADMIN,
    ROLE_LAWYER,
    ROLE_SECRETARY,
    Delegation,
    Document,
    Dossier,
    DossierClient,
    DossierCompany,
    DossierStatus,
    FirmSettings,
    Message,
    ProgressStep,
    Questionnaire,
    QuestionnaireAssignment,
    QuestionnaireVersion,
    StandardItem,
    utcnow,
)
from .storage import store_bytes

PASSWORD = "Welkom2026"
DEMO_LOGINS = {
    "password": PASSWORD,
    "users": [
        ("jan@example.nl", "client with several dossiers"),
        ("anna@bakkerij-dewit.nl", "main account of company Bakkerij De Wit B.V."),
        ("piet@bakkerij-dewit.nl", "extra account of the same company"),
        ("sophie@example.nl", "client with one dossier (English)"),
        ("mr.jansen@kantoor.example.nl", "lawyer (staff side; SMS code in the log)"),
        ("secretariaat@kantoor.example.nl", "secretary for mr. Jansen (staff side; SMS code)"),
        ("admin@kantoor.example.nl", "admin (staff side; SMS code in the log)"),
        ("nieuw@example.nl", "invited: follow mail 1 in instance/outbox/"),
    ],
}

# Closed dossiers are kept 7 years (2557 days, leap days included) before their clients may
# be erased: the fiscal retention period (art. 52 AWR) that Dutch firms commonly apply to
# their files. Open dossiers are never erased. An admin changes this per status.
CLOSED_RETENTION_DAYS = 7 * 365 + 2
STATUSES = [
    ("in_progress", "In behandeling", "In progress", True, None),
    ("waiting", "Wacht op cliënt", "Waiting for client", False, None),
    ("closed", "Afgesloten", "Closed", False, CLOSED_RETENTION_DAYS),
]


def default_statuses(db):
    """The dossier statuses every installation starts with."""
    for position, (code, nl, en, in_progress, days) in enumerate(STATUSES):
        db.add(DossierStatus(code=code, label_nl=nl, label_en=en,
                                  in_progress=in_progress, position=position,
                                  retention_days=days, closed=days is not None))


def _pdf(title, text):
    """A small real PDF file."""
    out = io.BytesIO()
    pisa.CreatePDF(f"<h1>{title}</h1><p>{text}</p>", dest=out)
    return out.getvalue()


def _document(db, dossier, category, title, filename, by):
    data = _pdf(title, f"Dossier {dossier.number}: {dossier.description}")
    key, digest, size = store_bytes(data)
    document = Document(dossier_id=dossier.id, category=category, title=title,
                        filename=filename, content_type="application/pdf", size=size,
                        sha256=digest, storage_key=key, uploaded_by_id=by.id)
    db.add(document)
    return document


def _dossier(db, number, description, status, lawyer, steps=(), done=0):
    dossier = Dossier(number=number, description=description, status_code=status,
                      lawyer_id=lawyer.id)
    db.add(dossier)
    db.flush()
    for position, (nl, en) in enumerate(steps):
        db.add(ProgressStep(dossier_id=dossier.id, position=position, title_nl=nl,
                                 title_en=en, done_at=utcnow() if position < done else None))
    return dossier


def _with_password(user):
    security.set_password(user, PASSWORD)
    return user


def _staff(db, email, name, role, phone):
    """A staff member with SMS two-step on: the demo's texts land in instance/outbox/ and
    the log, so the staff side can be tried without a phone."""
    user = _with_password(create_user(db, email=email, name=name, kind=KIND_STAFF,
                                      role=role))
    user.sms_phone, user.sms_enabled = phone, True
    return user


def _firm_contact(db):
    """How clients reach the demo firm, and its welcome on the login page (Instellingen);
    its name stays the configuration's (FIRM_NAME)."""
    db.add(FirmSettings(
        id=firm.SETTINGS_ID, contact_phone="+31201234567",
        contact_email="info@kantoor.example.nl", contact_website="https://kantoor.example.nl",
        contact_address="Keizersgracht 123\n1015 CJ Amsterdam",
        welcome_text="Via dit portaal volgt u uw dossiers, leest en downloadt u wat wij u "
                     "sturen, levert u stukken aan en stelt u ons veilig uw vragen.\n\n"
                     "Heeft u nog geen wachtwoord, of bent u het vergeten? Kies dan "
                     "\u201cInstellen wachtwoord\u201d."))
    db.flush()
    firm.forget()  # mail 1 of the invitation below shows these details


def load_demo(db):
    """Fill an empty database with the demo firm."""
    default_statuses(db)
    _firm_contact(db)
    admin = _staff(db, "admin@kantoor.example.nl", "Beheerder", ROLE_ADMIN,
                   "+31612340001")
    lawyer = _staff(db, "mr.jansen@kantoor.example.nl", "mr. P. Jansen", ROLE_LAWYER,
                    "+31612340002")
    secretary = _staff(db, "secretariaat@kantoor.example.nl", "L. de Boer",
                       ROLE_SECRETARY, "+31612340003")
    db.add(Delegation(lawyer_id=lawyer.id, secretary_id=secretary.id))

    jan = _with_password(create_user(db, email="jan@example.nl", name="Jan de Vries"))
    sophie = _with_password(create_user(db, email="sophie@example.nl",
                                        name="Sophie Miller", language="en"))
    bakery = create_company(db, name="Bakkerij De Wit B.V.")
    anna = _with_password(create_user(db, email="anna@bakkerij-dewit.nl",
                                      name="Anna de Wit", company=bakery, company_main=True))
    _with_password(create_user(db, email="piet@bakkerij-dewit.nl", name="Piet de Wit",
                               company=bakery))
    newcomer = create_user(db, email="nieuw@example.nl", name="Nadia Nieuw")
    send_invitation(db, newcomer, actor=admin)

    steps = [("Intakegesprek", "Intake meeting"), ("Stukken ontvangen", "Documents received"),
             ("Concept akte opgesteld", "Draft deed prepared"),
             ("Akte besproken", "Deed discussed"), ("Akte gepasseerd", "Deed executed")]
    house = _dossier(db, "2026-0142", "Aankoop woning Dorpsstraat 12", "in_progress",
                     lawyer, steps, done=2)
    divorce = _dossier(db, "2026-0077", "Echtscheiding De Vries", "waiting", lawyer,
                       steps[:2], done=1)
    will = _dossier(db, "2025-0311", "Testament", "closed", lawyer)
    lease = _dossier(db, "2026-0201", "Huurgeschil bedrijfspand", "in_progress", lawyer,
                     steps[:3], done=1)
    estate = _dossier(db, "2026-0215", "Estate of R. Miller", "in_progress", lawyer)
    for dossier in (house, divorce, will):
        db.add(DossierClient(dossier_id=dossier.id, user_id=jan.id))
    db.add(DossierClient(dossier_id=estate.id, user_id=sophie.id))
    db.add(DossierCompany(dossier_id=lease.id, company_id=bakery.id))

    _document(db, house, CAT_CORRESPONDENCE, "Opdrachtbevestiging",
              "opdrachtbevestiging.pdf", lawyer)
    _document(db, house, CAT_DOCUMENT, "Concept akte van levering",
              "concept-akte-levering.pdf", lawyer)
    _document(db, house, CAT_DOCUMENT, "Declaratie", "declaratie-2026-03.pdf", lawyer)
    _document(db, house, CAT_PROVIDED, "Kopie legitimatiebewijs", "paspoort.pdf", jan)
    _document(db, lease, CAT_CORRESPONDENCE, "Brief aan verhuurder",
              "brief-verhuurder.pdf", lawyer)
    _document(db, estate, CAT_DOCUMENT, "Power of attorney", "volmacht.pdf", lawyer)

    sent = utcnow() - timedelta(days=2)
    db.add(Message(dossier_id=house.id, sender_id=lawyer.id, from_client=False,
                        subject="Concept akte", sent_at=sent,
                        body="Geachte heer De Vries,\n\nIn het dossier staat de concept akte "
                             "klaar. Wilt u deze doornemen?\n\nMet vriendelijke groet,\n"
                             "mr. P. Jansen"))
    db.add(Message(dossier_id=lease.id, sender_id=secretary.id,
                        on_behalf_of_id=lawyer.id, from_client=False, sent_at=sent,
                        subject="Huurovereenkomst",
                        body="Beste mevrouw De Wit,\n\nWilt u de huurovereenkomst aanleveren?"
                             "\n\nMet vriendelijke groet,\nL. de Boer"))

    questionnaire = Questionnaire(title="Intakeformulier koper", created_by_id=lawyer.id)
    db.add(questionnaire)
    db.flush()
    version = QuestionnaireVersion(
        questionnaire_id=questionnaire.id, version=1, title="Intakeformulier koper",
        introduction="Wij vragen u enkele gegevens voor de akte van levering.",
        definition={"steps": [
            {"title": "Persoonsgegevens", "questions": [
                {"id": "naam", "type": "text", "label": "Volledige naam", "required": True},
                {"id": "geboortedatum", "type": "date", "label": "Geboortedatum",
                 "required": True}]},
            {"title": "Burgerlijke staat", "questions": [
                {"id": "gehuwd", "type": "yesno", "label": "Bent u gehuwd?", "required": True},
                {"id": "partner", "type": "text", "label": "Naam partner",
                 "show_if": {"question": "gehuwd", "value": "yes"}}]},
        ]})
    db.add(version)
    db.flush()
    db.add(QuestionnaireAssignment(version_id=version.id, dossier_id=house.id,
                                        client_id=jan.id, sent_by_id=lawyer.id))
    _document_request(db, house, jan, lawyer, _standard_items(db))
    _approval(db, house, jan, lawyer)
    return {"admin": admin, "lawyer": lawyer, "jan": jan, "anna": anna}


# The firm's reusable list for "Stukken opvragen" (Instellingen): title, explanation, identity.
STANDARD_ITEMS = [
    ("Kopie paspoort of ID-kaart", "Een scan of foto van de voor- en achterkant, goed "
     "leesbaar. Uw BSN mag u afschermen.", True),
    ("Koopovereenkomst", "De door koper en verkoper getekende koopovereenkomst, met alle "
     "bijlagen.", False),
    ("Recente loonstrook", "Uw loonstrook van de laatste maand.", False),
    ("Statuten van de vennootschap", "De statuten zoals die nu gelden.", False),
    ("Uittreksel KvK", "Een uittreksel uit het Handelsregister, niet ouder dan een maand.",
     False),
    ("Huwelijkse voorwaarden", "De akte van huwelijkse voorwaarden, als u die heeft.", False),
]


def _standard_items(db):
    items = [StandardItem(title=title, explanation=explanation, is_identity=identity,
                          position=position)
             for position, (title, explanation, identity) in enumerate(STANDARD_ITEMS)]
    db.add_all(items)
    return items


def _document_request(db, dossier, client, lawyer, standard):
    """An open request for three documents of the list, due in ten days; the purchase
    agreement is handed in and waits for the lawyer's check."""
    items = [{"title": s.title, "explanation": s.explanation, "is_identity": s.is_identity}
             for s in standard[:3]]
    request = doc_requests.new_request(db, dossier=dossier, client=client, sent_by=lawyer,
                                       items=items, deadline=utcnow().date() + timedelta(10))
    document = _document(db, dossier, CAT_PROVIDED, "Koopovereenkomst",
                         "koopovereenkomst.pdf", client)
    doc_requests.hand_in(db, client, request.items[1], [document])


def _approval(db, dossier, client, lawyer):
    """A power of attorney for the transfer, waiting for the client's approval (Ter
    goedkeuring), due in fourteen days."""
    document = _document(db, dossier, CAT_DOCUMENT, "Volmacht levering",
                         "volmacht-levering.pdf", lawyer)
    db.flush()
    approvals.new_approval(db, dossier=dossier, client=client, sent_by=lawyer,
                           document=document, title="Volmacht levering",
                           note="Wilt u de volmacht lezen en laten weten of u akkoord bent? "
                                "Wij hebben hem nodig voor de levering.",
                           deadline=utcnow().date() + timedelta(14))
