NL = {
    # Zip bombs: archives inside archives.
    "The file holds archives within archives more than %(depth)s levels deep and is refused as a precaution.":
        "Het bestand bevat archieven in archieven, meer dan %(depth)s lagen diep, en wordt uit "
        "voorzorg geweigerd.",
    # At most so many files on one message.
    "You chose %(chosen)s files; a message may carry at most %(max)s files. No file has been added: choose fewer files, or send the rest in another message.":
        "U koos %(chosen)s bestanden; bij één bericht passen maximaal %(max)s bestanden. Er is "
        "geen bestand toegevoegd: kies minder bestanden, of stuur de rest in een ander bericht.",
    # A client's storage quota.
    "You have uploaded the maximum of %(max)s MB of files for today. The file has not been stored; try again tomorrow or contact the firm.":
        "U hebt vandaag het maximum van %(max)s MB aan bestanden geüpload. Het bestand is niet "
        "bewaard; probeer het morgen opnieuw of neem contact op met het kantoor.",
    "You have %(num)s unsent drafts, the most allowed. Send or delete one of them first; what you typed is still in the form below.":
        "U hebt %(num)s niet-verstuurde concepten, het maximum. Verstuur of verwijder er eerst "
        "één; wat u typte staat nog in het formulier hieronder.",
    "Files a client may upload in 24 hours (MB)":
        "Bestanden die een cliënt in 24 uur mag uploaden (MB)",
    "Unsent drafts a client may have at once": "Niet-verstuurde concepten per cliënt tegelijk",
    "Enter a whole number from 1 to %(max)s.": "Vul een geheel getal in van 1 tot en met %(max)s.",
    "Each client's storage quota: the files a client uploaded in the last 24 hours and that are still kept count.":
        "De opslagruimte per cliënt: de bestanden die een cliënt in de afgelopen 24 uur uploadde "
        "en die nog bewaard worden, tellen mee.",
    "A client with this many unsent drafts sends or deletes one before starting another.":
        "Een cliënt met zoveel niet-verstuurde concepten verstuurt of verwijdert er eerst één "
        "voordat hij een nieuw bericht begint.",
    "Empty: %(num)s, the default.": "Leeg: %(num)s, de standaardwaarde.",
    # A full disk (HTTP 507).
    "No storage space": "Geen opslagruimte",
    "There is no storage space left on the server right now, so nothing has been stored. Try again later; if it keeps happening, tell the firm.":
        "Er is op dit moment geen opslagruimte meer op de server, dus er is niets bewaard. "
        "Probeer het later opnieuw; blijft dit gebeuren, laat het kantoor het dan weten.",
    "There is no storage space left on the server right now, so nothing has been stored. Go back: what you typed is still in the form there. Try again later; if it keeps happening, tell the firm.":
        "Er is op dit moment geen opslagruimte meer op de server, dus er is niets bewaard. Ga "
        "terug: wat u typte staat daar nog in het formulier. Probeer het later opnieuw; blijft "
        "dit gebeuren, laat het kantoor het dan weten.",
    "There is no storage space left on the server right now, so your files have not been stored. What you typed is still in the form below; try again later.":
        "Er is op dit moment geen opslagruimte meer op de server, dus uw bestanden zijn niet "
        "bewaard. Wat u typte staat nog in het formulier hieronder; probeer het later opnieuw.",
    "There is no storage space left on the server right now, so the file has not been stored. Your other answers have been saved; try again later.":
        "Er is op dit moment geen opslagruimte meer op de server, dus het bestand is niet "
        "bewaard. Uw andere antwoorden zijn bewaard; probeer het later opnieuw.",
}
