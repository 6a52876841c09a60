NL = {
    # Ter goedkeuring on the staff side (app/staff/approvals.py, staff/approval*.html)
    "For approval": "Ter goedkeuring",
    "For approval: %(title)s": "Ter goedkeuring: %(title)s",
    "Publish for approval": "Ter goedkeuring publiceren",
    "No document has been published for approval in this dossier yet.":
        "Er is in dit dossier nog geen document ter goedkeuring gepubliceerd.",
    "Waiting for approval": "Wacht op goedkeuring",
    "Not approved": "Niet akkoord",
    "Void: a newer version": "Vervallen: nieuwere versie",
    "File": "Bestand",
    "Title (optional)": "Titel (optioneel)",
    "The title may be at most %(max)d characters long.":
        "De titel mag maximaal %(max)d tekens lang zijn.",
    "Note to the client (optional)": "Notitie voor de cliënt (optioneel)",
    "The note may be at most %(max)d characters long.":
        "De notitie mag maximaal %(max)d tekens lang zijn.",
    "File of the new version": "Bestand van de nieuwe versie",
    "Choose the file to publish for approval.":
        "Kies het bestand dat u ter goedkeuring publiceert.",
    "Choose the file of the new version.": "Kies het bestand van de nieuwe versie.",
    "“%(title)s” has been published in Documents and sent to %(name)s for approval. It is "
    "under Actions in the client portal, and the client gets an e-mail that there is "
    "something new.":
        "“%(title)s” is gepubliceerd in Documenten en ter goedkeuring gestuurd aan %(name)s. "
        "Het staat onder Acties in het klantenportaal en de cliënt krijgt een e-mail dat er "
        "iets nieuws is.",
    "Version %(num)s of “%(title)s” has been published. Earlier versions are void: the "
    "client is asked again and gets an e-mail that there is something new.":
        "Versie %(num)s van “%(title)s” is gepubliceerd. Eerdere versies zijn vervallen: de "
        "cliënt wordt opnieuw om goedkeuring gevraagd en krijgt een e-mail dat er iets "
        "nieuws is.",
    "sealed": "verzegeld",
    "The file is published under Documents, where every client of the dossier sees it. The "
    "client you choose is asked to approve it or to send comments: it is under Actions in "
    "the client portal, and the client gets an e-mail that there is something new.":
        "Het bestand wordt gepubliceerd onder Documenten, waar iedere cliënt van het dossier "
        "het ziet. De cliënt die u kiest, wordt gevraagd het goed te keuren of opmerkingen te "
        "sturen: het staat onder Acties in het klantenportaal en de cliënt krijgt een e-mail "
        "dat er iets nieuws is.",
    "Choose the file again.": "Kies het bestand opnieuw.",
    "Only this client account is asked for approval.":
        "Alleen dit cliëntaccount wordt om goedkeuring gevraagd.",
    "Empty: the file's name without its extension.":
        "Leeg: de naam van het bestand zonder extensie.",
    "The client sees it.": "De cliënt ziet deze.",
    "The client reads it with the document, for example what to look at. At most 4000 "
    "characters.":
        "De cliënt leest deze bij het document, bijvoorbeeld waarop te letten. Maximaal "
        "4.000 tekens.",
    "Note to the client": "Notitie voor de cliënt",
    "Publish a new version": "Nieuwe versie publiceren",
    "Versions": "Versies",
    "Size": "Grootte",
    "Version %(num)s": "Versie %(num)s",
    "Published on": "Gepubliceerd op",
    "Not approved by": "Niet akkoord door",
    "Decided on": "Beslist op",
    "Browser": "Browser",
    "SHA-256 of the approved file": "SHA-256 van het goedgekeurde bestand",
    "Comments": "Opmerkingen",
    "Read the comments in Messages": "Lees de opmerkingen in Berichten",
    "Now": "Nu",
    "Void: a newer version has been published since.":
        "Vervallen: er is sindsdien een nieuwere versie gepubliceerd.",
    "Decision": "Beslissing",
    "None: a newer version was published before the client decided.":
        "Geen: er is een nieuwere versie gepubliceerd voordat de cliënt besliste.",
    "Waiting for the client.": "Wacht op de cliënt.",
    "Download receipt": "Ontvangstbevestiging downloaden",
    "of version %(num)s": "van versie %(num)s",
    "Download sealed copy": "Verzegelde kopie downloaden",
    "Back to “%(title)s”": "Terug naar “%(title)s”",
    "Publish a new version of “%(title)s”": "Nieuwe versie van “%(title)s” publiceren",
    "Now: version %(num)s, %(file)s (%(state)s).":
        "Nu: versie %(num)s, %(file)s (%(state)s).",
    "The new file is published under Documents; earlier versions stay there. Every earlier "
    "version becomes void, also one the client approved, and the client is asked again.":
        "Het nieuwe bestand wordt gepubliceerd onder Documenten; eerdere versies blijven daar "
        "staan. Elke eerdere versie vervalt, ook een die de cliënt heeft goedgekeurd, en de "
        "cliënt wordt opnieuw om goedkeuring gevraagd.",
    "Publish new version": "Nieuwe versie publiceren",
    # The audit log and the firm's settings
    "Receipt of an approval downloaded": "Ontvangstbevestiging van een goedkeuring gedownload",
    "Also seal approved PDFs": "Goedgekeurde pdf's ook verzegelen",
    "The receipt of an approval always carries the firm's electronic seal. With this on, a "
    "sealed copy of the approved PDF is kept too, so any later change to it shows in a PDF "
    "reader. Other files are bound by their SHA-256 on the receipt.":
        "De ontvangstbevestiging van een goedkeuring draagt altijd het elektronisch zegel van "
        "het kantoor. Met deze instelling aan wordt ook een verzegelde kopie van de "
        "goedgekeurde pdf bewaard, zodat elke latere wijziging zichtbaar is in een pdf-lezer. "
        "Andere bestanden zijn gebonden door hun SHA-256 op de ontvangstbevestiging.",
}
