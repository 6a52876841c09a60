NL = {
    # Staff side: requests for documents ("Stukken opvragen"), the overview and a dossier's.
    "Requested documents": "Opgevraagde stukken",
    "Document requests": "Stukken",  # the staff menu: short
    "Request documents": "Stukken opvragen",
    "Every open request for documents in the dossiers you may see; overdue ones first. A "
    "request is done, and leaves this list, when every document has been approved.":
        "Alle openstaande verzoeken om stukken in de dossiers die u mag zien; die over de "
        "termijn staan bovenaan. Een verzoek is afgerond, en verdwijnt uit deze lijst, als elk "
        "stuk is goedgekeurd.",
    ("%(num)s open request", "%(num)s open requests"):
        ("%(num)s openstaand verzoek", "%(num)s openstaande verzoeken"),
    "There are no open requests for documents.": "Er staan geen verzoeken om stukken open.",
    "Ask a client for documents on the dossier's page, under Requested documents; the request "
    "is listed here until every document has been approved.":
        "Vraag een cliënt om stukken op de pagina van het dossier, onder Opgevraagde stukken; "
        "het verzoek staat hier tot elk stuk is goedgekeurd.",
    "Provided": "Aangeleverd",
    "To review": "Te controleren",
    ("%(num)s to review", "%(num)s to review"): ("%(num)s te controleren", "%(num)s te controleren"),
    "Deadline": "Termijn",
    "No deadline": "Geen termijn",
    "Done on %(date)s": "Afgerond op %(date)s",
    "the request to %(name)s of %(date)s": "het verzoek aan %(name)s van %(date)s",
    "No documents have been requested in this dossier yet.":
        "In dit dossier zijn nog geen stukken opgevraagd.",
    # Stukken opvragen: the form (staff/request_new.html, request_add.html, _request_rows.html).
    "The client finds the request under Actions in the client portal and gets an e-mail that "
    "there is something new. You can add or withdraw documents later.":
        "De cliënt vindt het verzoek onder Acties in het klantenportaal en krijgt een e-mail dat "
        "er iets nieuws is. U kunt later stukken toevoegen of intrekken.",
    "Choose the client the request is for.": "Kies de cliënt voor wie het verzoek is.",
    "From the firm's list": "Uit de lijst van het kantoor",
    "Identity document": "Identiteitsbewijs",
    "The firm's list of documents is empty: type the documents below.":
        "De lijst met stukken van het kantoor is leeg: typ de stukken hieronder.",
    "Fill the list under Settings": "Vul de lijst onder Instellingen",
    "Or type the documents": "Of typ de stukken",
    "A title, and what the client should know to find or make it. Leave rows you do not need "
    "empty.":
        "Een titel, en wat de cliënt moet weten om het stuk te vinden of te maken. Laat rijen "
        "die u niet nodig heeft leeg.",
    ("An identity document is seen only by the handling lawyer, the secretaries acting for "
     "them and the admins, and is erased %(num)s year after the dossier was closed.",
     "An identity document is seen only by the handling lawyer, the secretaries acting for "
     "them and the admins, and is erased %(num)s years after the dossier was closed."):
        ("Een identiteitsbewijs is alleen te zien voor de behandelaar, het secretariaat dat "
         "namens hem of haar werkt en de beheerders, en wordt %(num)s jaar na het afsluiten "
         "van het dossier verwijderd.",
         "Een identiteitsbewijs is alleen te zien voor de behandelaar, het secretariaat dat "
         "namens hem of haar werkt en de beheerders, en wordt %(num)s jaar na het afsluiten "
         "van het dossier verwijderd."),
    "Document %(num)s": "Stuk %(num)s",
    "Explanation (optional)": "Toelichting (optioneel)",
    "Identity document (passport, ID card)": "Identiteitsbewijs (paspoort, ID-kaart)",
    "More rows": "Meer rijen",
    "No more rows: send these first, then add more documents to the request.":
        "Meer rijen kan niet: verstuur deze eerst en voeg daarna stukken toe aan het verzoek.",
    "Deadline (optional)": "Termijn (optioneel)",
    "The client sees it. A reminder mail goes out before and after it, as set under Settings.":
        "De cliënt ziet deze datum. Ervoor en erna gaat een herinnering per e-mail, zoals "
        "ingesteld onder Instellingen.",
    "Send request": "Verzoek versturen",
    "Enter the deadline as a date, like 31-12-2026, or leave it empty.":
        "Vul de termijn in als datum, zoals 31-12-2026, of laat het veld leeg.",
    "The deadline cannot be in the past.": "De termijn kan niet in het verleden liggen.",
    "An item of the list has been deleted meanwhile. Check what is ticked and send again.":
        "Een stuk van de lijst is intussen verwijderd. Controleer wat is aangevinkt en verstuur "
        "opnieuw.",
    "Enter a title for item %(num)s, or empty the row.":
        "Vul een titel in voor stuk %(num)s, of maak de rij leeg.",
    "The title of item %(num)s may be at most %(max)s characters long.":
        "De titel van stuk %(num)s mag maximaal %(max)s tekens lang zijn.",
    "The explanation of item %(num)s may be at most %(max)s characters long.":
        "De toelichting bij stuk %(num)s mag maximaal %(max)s tekens lang zijn.",
    "Tick a document on the list, or type one.": "Vink een stuk aan op de lijst, of typ er een.",
    "Ask for at most %(max)s documents at once.": "Vraag maximaal %(max)s stukken tegelijk.",
    ("%(num)s document has been asked of %(name)s. It is under Actions in the client portal, "
     "and the client gets an e-mail that there is something new.",
     "%(num)s documents have been asked of %(name)s. They are under Actions in the client "
     "portal, and the client gets an e-mail that there is something new."):
        ("%(num)s stuk is opgevraagd bij %(name)s. Het staat onder Acties in het "
         "klantenportaal, en de cliënt krijgt een e-mail dat er iets nieuws is.",
         "%(num)s stukken zijn opgevraagd bij %(name)s. Ze staan onder Acties in het "
         "klantenportaal, en de cliënt krijgt een e-mail dat er iets nieuws is."),
    "Add documents": "Stukken toevoegen",
    "Add documents to the request to %(name)s": "Stukken toevoegen aan het verzoek aan %(name)s",
    "Back to the request": "Terug naar het verzoek",
    "The client finds them in the same request under Actions and gets an e-mail that there is "
    "something new.":
        "De cliënt vindt ze in hetzelfde verzoek onder Acties en krijgt een e-mail dat er iets "
        "nieuws is.",
    ("%(num)s document has been added to the request. The client gets an e-mail that there is "
     "something new.",
     "%(num)s documents have been added to the request. The client gets an e-mail that there "
     "is something new."):
        ("%(num)s stuk is aan het verzoek toegevoegd. De cliënt krijgt een e-mail dat er iets "
         "nieuws is.",
         "%(num)s stukken zijn aan het verzoek toegevoegd. De cliënt krijgt een e-mail dat er "
         "iets nieuws is."),
    # A request's page (staff/request.html, _request_items.html, request_withdraw.html).
    "Request to %(name)s": "Verzoek aan %(name)s",
    "Back to the requested documents": "Terug naar de opgevraagde stukken",
    "Made from the answers to the questionnaire": "Gemaakt uit de antwoorden op de vragenlijst",
    ("%(num)s waiting for your review", "%(num)s waiting for your review"):
        ("%(num)s wacht op uw controle", "%(num)s wachten op uw controle"),
    "Every document was approved on %(date)s: the request is done.":
        "Elk stuk is goedgekeurd op %(date)s: het verzoek is afgerond.",
    "on %(date)s, by %(name)s": "op %(date)s, door %(name)s",
    "Reason given to the client:": "Reden voor de cliënt:",
    "Identity document: seen only by the handling lawyer, the secretaries acting for them and "
    "the admins; erased after the legal retention period once the dossier is closed.":
        "Identiteitsbewijs: alleen te zien voor de behandelaar, het secretariaat dat namens hem "
        "of haar werkt en de beheerders; wordt na het afsluiten van het dossier verwijderd "
        "volgens de wettelijke bewaartermijn.",
    "%(size)s, handed in on %(date)s": "%(size)s, aangeleverd op %(date)s",
    "Its files were erased on %(date)s, after the retention period.":
        "De bestanden zijn op %(date)s verwijderd, na de bewaartermijn.",
    "No files handed in yet.": "Nog geen bestanden aangeleverd.",
    "Approve": "Goedkeuren",
    "Reject": "Afkeuren",
    "Reason for rejecting (the client reads it)": "Reden van afkeuren (de cliënt leest deze)",
    ("%(num)s withdrawn document", "%(num)s withdrawn documents"):
        ("%(num)s ingetrokken stuk", "%(num)s ingetrokken stukken"),
    "withdrawn on %(date)s": "ingetrokken op %(date)s",
    "Enter the reason for the rejection: the client reads it.":
        "Vul de reden van het afkeuren in: de cliënt leest deze.",
    "The reason may be at most %(max)s characters long.":
        "De reden mag maximaal %(max)s tekens lang zijn.",
    "“%(title)s” has been approved.": "“%(title)s” is goedgekeurd.",
    "“%(title)s” has been rejected. The client sees your reason and can hand in a new file.":
        "“%(title)s” is afgekeurd. De cliënt ziet uw reden en kan een nieuw bestand aanleveren.",
    "Every document has been approved: the request is done and has left the client's Actions.":
        "Elk stuk is goedgekeurd: het verzoek is afgerond en staat niet meer onder de Acties "
        "van de cliënt.",
    "This document changed while you were looking at it (a new file, or it was withdrawn). "
    "Look at it again and decide once more.":
        "Dit stuk is veranderd terwijl u ernaar keek (een nieuw bestand, of het is ingetrokken). "
        "Bekijk het opnieuw en beslis nog een keer.",
    "This document was approved or withdrawn meanwhile; nothing has been changed.":
        "Dit stuk is intussen goedgekeurd of ingetrokken; er is niets veranderd.",
    "Withdraw “%(title)s”": "“%(title)s” intrekken",
    "Withdraw “%(title)s”?": "“%(title)s” intrekken?",
    "The client is no longer asked for this document. Files already handed in for it stay in "
    "the dossier, under Provided by the client.":
        "De cliënt wordt niet meer om dit stuk gevraagd. Bestanden die er al voor zijn "
        "aangeleverd, blijven in het dossier staan, onder Aangeleverd door de cliënt.",
    "Withdraw document": "Stuk intrekken",
    "“%(title)s” has been withdrawn: the client is no longer asked for it.":
        "“%(title)s” is ingetrokken: de cliënt wordt er niet meer om gevraagd.",
    # Instellingen: the firm's list, reminders and retention (staff/settings_items.html).
    "The documents staff can tick when they request documents from a client, in this order. A "
    "request keeps its own copy: changing or deleting a document here does not change "
    "requests sent already.":
        "De stukken die medewerkers kunnen aanvinken als zij een cliënt om stukken vragen, in "
        "deze volgorde. Een verzoek houdt een eigen kopie: een stuk hier wijzigen of "
        "verwijderen verandert verzoeken die al zijn verstuurd niet.",
    "Explanation for the client": "Toelichting voor de cliënt",
    "Explanation for the client (optional)": "Toelichting voor de cliënt (optioneel)",
    "The list is empty. Staff can still type the documents they request.":
        "De lijst is leeg. Medewerkers kunnen de stukken die zij opvragen ook zelf typen.",
    "Edit": "Wijzigen",
    "Add a document": "Stuk toevoegen",
    "Add document": "Stuk toevoegen",
    "What the client reads under the title: what to hand in, and how.":
        "Wat de cliënt onder de titel leest: wat aan te leveren, en hoe.",
    "An identity document is seen only by the handling lawyer, the secretaries acting for them "
    "and the admins, and erased after the retention period below.":
        "Een identiteitsbewijs is alleen te zien voor de behandelaar, het secretariaat dat "
        "namens hem of haar werkt en de beheerders, en wordt na de bewaartermijn hieronder "
        "verwijderd.",
    "The title may be at most %(max)d characters long.":
        "De titel mag maximaal %(max)d tekens lang zijn.",
    "The explanation may be at most %(max)d characters long.":
        "De toelichting mag maximaal %(max)d tekens lang zijn.",
    "“%(title)s” has been added to the list.": "“%(title)s” is aan de lijst toegevoegd.",
    "“%(title)s” has been saved.": "“%(title)s” is opgeslagen.",
    "“%(title)s” has been deleted from the list. Requests sent already still ask for it.":
        "“%(title)s” is van de lijst verwijderd. Verzoeken die al zijn verstuurd, vragen er "
        "nog wel om.",
    "Edit document": "Stuk wijzigen",
    "Delete from the list": "Van de lijst verwijderen",
    "Requests sent already keep this document.":
        "Verzoeken die al zijn verstuurd, houden dit stuk.",
    "Delete document": "Stuk verwijderen",
    "Reminders and retention": "Herinneringen en bewaartermijn",
    "Reminder before the deadline (days)": "Herinnering vóór de termijn (dagen)",
    "A reminder mail this many days before the deadline of a request, while something is "
    "still to be handed in. 0: none.":
        "Een herinnering per e-mail zoveel dagen vóór de termijn van een verzoek, zolang er "
        "nog iets moet worden aangeleverd. 0: geen.",
    "After the deadline, a reminder every (days)": "Na de termijn, een herinnering elke (dagen)",
    "Once the deadline has passed, a reminder the day after it and then every this many days. "
    "0: none.":
        "Als de termijn is verstreken, een herinnering de dag erna en daarna elke zoveel dagen. "
        "0: geen.",
    "Keep identity documents after the dossier closed (years)":
        "Identiteitsbewijzen bewaren na het afsluiten van het dossier (jaren)",
    "Identity documents are erased, file and all, this many years after their dossier got a "
    "status marked as closed (Dossier statuses). The Wwft requires at least 5 years.":
        "Identiteitsbewijzen worden, met bestand en al, zoveel jaar verwijderd nadat hun "
        "dossier een status kreeg die als afgesloten is gemarkeerd (Dossierstatussen). De Wwft "
        "vraagt minstens 5 jaar.",
    "Enter a whole number of days from 0 to %(max)s.":
        "Vul een heel aantal dagen in van 0 tot en met %(max)s.",
    "Enter a whole number of years from %(min)s to %(max)s: the Wwft requires at least "
    "%(min)s.":
        "Vul een heel aantal jaren in van %(min)s tot en met %(max)s: de Wwft vraagt minstens "
        "%(min)s.",
    # Dossier statuses: the closed mark.
    "Closed": "Afgesloten",
    "Closed: the retention period of identity documents runs from this status":
        "Afgesloten: de bewaartermijn van identiteitsbewijzen loopt vanaf deze status",
    "Identity documents handed in for a dossier are erased a number of years (Settings, "
    "Requested documents) after it got a status marked as closed.":
        "Identiteitsbewijzen die voor een dossier zijn aangeleverd, worden een aantal jaren "
        "(Instellingen, Opgevraagde stukken) nadat het een als afgesloten gemarkeerde status "
        "kreeg verwijderd.",
}
