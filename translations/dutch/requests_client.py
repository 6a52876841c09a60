NL = {
    # Acties (portal/actions.html) and Home: requests for documents beside questionnaires.
    "questionnaires to fill in and documents to provide":
        "vragenlijsten in te vullen en stukken aan te leveren",
    "Documents to provide": "Aan te leveren stukken",
    "Provide": "Aanleveren",
    "documents for dossier %(number)s": "stukken voor dossier %(number)s",
    "Questionnaire to fill in": "Vragenlijst om in te vullen",
    "You have nothing to fill in or provide.": "U hoeft niets (meer) in te vullen of aan te leveren.",
    "When we send you a questionnaire or ask you for documents, it will appear here and the "
    "number next to Actions goes up. Until then there is nothing to do.":
        "Als wij u een vragenlijst sturen of om stukken vragen, verschijnt die hier en gaat het "
        "cijfer bij Acties omhoog. Tot die tijd hoeft u niets te doen.",
    # A request's status (portal/_request_status.html).
    "%(done)s of %(total)s provided": "%(done)s van %(total)s aangeleverd",
    ("%(num)s rejected: please provide it again", "%(num)s rejected: please provide them again"):
        ("%(num)s afgekeurd: lever het opnieuw aan", "%(num)s afgekeurd: lever ze opnieuw aan"),
    "Overdue": "Te laat",
    "Due by %(date)s": "Uiterlijk %(date)s",
    # A request's page (portal/request.html, portal/_request_item.html).
    "Back to Actions": "Terug naar Acties",
    "Back to the dossier": "Terug naar het dossier",
    "We have approved every document we asked for: there is nothing more to provide.":
        "Wij hebben alle gevraagde stukken goedgekeurd: u hoeft niets meer aan te leveren.",
    "Your files stay under “%(tab)s” in the dossier.":
        "Uw bestanden blijven in het dossier onder “%(tab)s” staan.",
    "Upload each document under its own heading. Every upload is saved at once: you may "
    "provide some documents today and the rest later, also from another device. We check "
    "each document and tell you if something is missing.":
        "Upload elk stuk onder het eigen kopje. Elke upload wordt meteen bewaard: u kunt een "
        "deel van de stukken vandaag aanleveren en de rest later, ook vanaf een ander apparaat. "
        "Wij controleren elk stuk en laten het u weten als er iets ontbreekt.",
    "max. %(size)s MB per file": "max. %(size)s MB per bestand",
    "No longer needed": "Niet meer nodig",
    "Approved": "Goedgekeurd",
    "Rejected": "Afgekeurd",
    "Provided, waiting for review": "Aangeleverd, wacht op controle",
    "To provide": "Nog aanleveren",
    "Reason given by the firm": "Reden van het kantoor",
    "The firm no longer asks for this document.": "Het kantoor vraagt dit stuk niet meer.",
    "Identity document — kept after the end for the legal retention period, and then erased":
        "Identiteitsbewijs — wordt na afloop bewaard volgens de wettelijke termijn en daarna "
        "verwijderd",
    "The files you provided for this document were erased on %(date)s, at the end of the "
    "legal retention period.":
        "De bestanden die u voor dit stuk heeft aangeleverd, zijn op %(date)s verwijderd, aan "
        "het eind van de wettelijke bewaartermijn.",
    "Your files:": "Uw bestanden:",
    "Not everything has been stored": "Niet alles is bewaard",
    "Uploading…": "Bezig met uploaden…",
    "What you choose or drop here is uploaded at once.":
        "Wat u hier kiest of neerzet, wordt meteen geüpload.",
    # Uploading for an item (app/portal/requests.py, app/doc_requests.py, app/uploads.py).
    "This form has expired. Please upload the files again.":
        "Dit formulier is verlopen. Upload de bestanden opnieuw.",
    "Choose one or more files to upload.": "Kies één of meer bestanden om te uploaden.",
    "The firm no longer asks for this document; your file has not been stored.":
        "Het kantoor vraagt dit stuk niet meer; uw bestand is niet bewaard.",
    "This document has already been approved; your file has not been stored.":
        "Dit stuk is al goedgekeurd; uw bestand is niet bewaard.",
    "There is no storage space left on the server right now, so your files have not been "
    "stored. Try again later.":
        "Er is op dit moment geen opslagruimte meer op de server, daarom zijn uw bestanden niet "
        "bewaard. Probeer het later opnieuw.",
    ("%(num)s file has been provided for “%(title)s”.",
     "%(num)s files have been provided for “%(title)s”."):
        ("%(num)s bestand is aangeleverd voor “%(title)s”.",
         "%(num)s bestanden zijn aangeleverd voor “%(title)s”."),
    "Not everything has been stored for “%(title)s”:": "Niet alles is bewaard voor “%(title)s”:",
    "You chose %(chosen)s files; you can upload at most %(max)s files at once. No file has "
    "been added: choose fewer files, and upload the rest afterwards.":
        "U heeft %(chosen)s bestanden gekozen; u kunt er hoogstens %(max)s tegelijk uploaden. "
        "Er is geen bestand toegevoegd: kies minder bestanden en upload de rest daarna.",
    # Door mij aangeleverd (portal/_documents.html): the item a file was handed in for.
    "Provided for": "Aangeleverd voor",
}
