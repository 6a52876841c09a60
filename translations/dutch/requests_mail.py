NL = {
    # The notification mails (email/notification.*, email/staff_notification.*): a count only.
    ("%(num)s new or changed request for documents", "%(num)s new or changed requests for documents"):
        ("%(num)s nieuw of gewijzigd verzoek om stukken aan te leveren",
         "%(num)s nieuwe of gewijzigde verzoeken om stukken aan te leveren"),
    ("%(num)s document handed in by a client", "%(num)s documents handed in by clients"):
        ("%(num)s aangeleverd stuk van een cliënt", "%(num)s aangeleverde stukken van cliënten"),
    # The reminder of a request for documents (email/request_reminder.*, app/doc_requests.py)
    "A reminder: documents to hand in, in the client portal":
        "Herinnering: stukken aanleveren in het klantenportaal",
    "%(firm)s asks you to hand in documents in the client portal; the date by which they are "
    "needed is near.":
        "%(firm)s vraagt u stukken aan te leveren in het klantenportaal; de datum waarop ze "
        "nodig zijn, komt dichtbij.",
    "%(firm)s is still waiting for documents from you in the client portal; the date by which "
    "they were needed has passed.":
        "%(firm)s wacht nog op stukken van u in het klantenportaal; de datum waarop ze nodig "
        "waren, is voorbij.",
    "Log in and hand them in under Actions:": "Log in en lever ze aan onder Acties:",
    "Hand in documents under Actions": "Stukken aanleveren onder Acties",
    "Have you handed everything in meanwhile? Then you can ignore this e-mail.":
        "Heeft u inmiddels alles aangeleverd? Dan kunt u deze e-mail negeren.",
    # Mijn gegevens, "Stuur mij een e-mail als ...": the switch for actions covers requests.
    "Questionnaires or requests for documents have been sent to me (reminders too)":
        "er vragenlijsten of verzoeken om stukken zijn toegezonden (ook herinneringen)",
    "A client has completed a questionnaire or handed in documents":
        "een cliënt een vragenlijst heeft ingevuld of stukken heeft aangeleverd",
    # The audit log (app/audit.py, app/staff/audit_log.py)
    "Documents requested": "Stukken opgevraagd",
    "Documents added to a request": "Stukken toegevoegd aan een verzoek",
    "Document handed in": "Stuk aangeleverd",
    "Handed-in document approved": "Aangeleverd stuk goedgekeurd",
    "Handed-in document rejected": "Aangeleverd stuk afgekeurd",
    "Requested document withdrawn": "Opgevraagd stuk ingetrokken",
    "Request for documents completed": "Verzoek om stukken afgerond",
    "Identity document erased after the retention period":
        "Identiteitsbewijs verwijderd na de bewaartermijn",
    "Document added to the firm's list": "Stuk toegevoegd aan de lijst van het kantoor",
    "Document on the firm's list changed": "Stuk op de lijst van het kantoor gewijzigd",
    "Firm's list of documents reordered": "Lijst van stukken van het kantoor hergeordend",
    "Document deleted from the firm's list": "Stuk verwijderd van de lijst van het kantoor",
    "Dossier status marked closed or open": "Dossierstatus als afgesloten of open gemarkeerd",
    "Request for documents": "Verzoek om stukken",
    "Requested document": "Opgevraagd stuk",
    # The README of a client's data export (staff/client_privacy_export.txt)
    ("%(num)s request for documents sent to you, with what was asked and the files you handed "
     "in", "%(num)s requests for documents sent to you, with what was asked and the files you "
     "handed in"):
        ("%(num)s verzoek om stukken aan u, met wat gevraagd is en de bestanden die u "
         "aanleverde",
         "%(num)s verzoeken om stukken aan u, met wat gevraagd is en de bestanden die u "
         "aanleverde"),
    "the files you handed in that are not in a dossier folder":
        "de aangeleverde bestanden die niet in een dossiermap staan",
}
