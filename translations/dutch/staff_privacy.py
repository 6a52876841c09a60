NL = {
    # Gegevensbescherming (AVG): the staff page of one client.
    "Data protection (GDPR)": "Gegevensbescherming (AVG)",
    "Export the client's data, or erase the client": "Gegevens exporteren of cliënt wissen",
    "Back to %(name)s": "Terug naar %(name)s",
    "Export data": "Gegevens exporteren",
    "One zip file with everything the portal keeps about this client: the account, the "
    "dossiers the client can see with their documents, the messages with their attachments, "
    "the questionnaires with the answers, and the recorded events about the client. The "
    "overview in it is in the client's language. Passwords and two-step secrets are never in "
    "it.":
        "Eén zipbestand met alles wat het portaal over deze cliënt bewaart: het account, de "
        "dossiers die de cliënt ziet met hun documenten, de berichten met hun bijlagen, de "
        "vragenlijsten met de antwoorden en de vastgelegde gebeurtenissen over de cliënt. Het "
        "overzicht erin is in de taal van de cliënt. Wachtwoorden en geheimen van de "
        "2-staps verificatie staan er nooit in.",
    "Erase client": "Cliënt wissen",
    "This client has been erased.": "Deze cliënt is gewist.",
    "Erasing cannot be undone. Dossiers only this client can see are emptied: their documents, "
    "messages, questionnaires and progress steps are deleted and their files removed; the "
    "dossier number stays for the audit log. Dossiers shared with other clients or a company "
    "keep their content; only the client's access and the questionnaires sent to the client "
    "go. The account keeps no name, e-mail address, phone number, password or two-step "
    "setting. The audit log is kept as it is.":
        "Wissen kan niet ongedaan worden gemaakt. Dossiers die alleen deze cliënt ziet, worden "
        "leeggemaakt: hun documenten, berichten, vragenlijsten en voortgangsstappen worden "
        "verwijderd en hun bestanden gewist; het dossiernummer blijft voor de auditlog. "
        "Dossiers die ook met andere cliënten of een bedrijf gedeeld zijn, houden hun inhoud; "
        "alleen de toegang van de cliënt en de aan de cliënt gestuurde vragenlijsten "
        "verdwijnen. Het account houdt geen naam, e-mailadres, telefoonnummer, wachtwoord of "
        "2-staps verificatie. De auditlog blijft zoals hij is.",
    "Retention period": "Bewaartermijn",
    "May be erased from": "Mag worden gewist vanaf",
    ("%(num)s day", "%(num)s days"): ("%(num)s dag", "%(num)s dagen"),
    "Kept for ever": "Altijd bewaren",
    "The client can see no dossier.": "De cliënt ziet geen enkel dossier.",
    "The retention period of every dossier of this client has passed: the client may be "
    "erased.":
        "De bewaartermijn van elk dossier van deze cliënt is verstreken: de cliënt mag worden "
        "gewist.",
    "Type the client's e-mail address to confirm": "Typ ter bevestiging het e-mailadres van de "
                                                   "cliënt",
    "Type the client's e-mail address to confirm.": "Typ ter bevestiging het e-mailadres van "
                                                    "de cliënt.",
    "Type %(email)s: that is how you confirm that this is the client to erase.":
        "Typ %(email)s: zo bevestigt u dat dit de cliënt is die gewist moet worden.",
    "This client cannot be erased yet:": "Deze cliënt kan nog niet worden gewist:",
    "This is the main account of a company that still has other active accounts. Delete or "
    "erase those accounts first.":
        "Dit is het hoofdaccount van een bedrijf dat nog andere actieve accounts heeft. "
        "Verwijder of wis die accounts eerst.",
    "A dossier has a status without a retention period: dossiers with that status are kept "
    "for ever. Give the dossier another status, or give the status a retention period under "
    "Settings, Dossier statuses.":
        "Een dossier heeft een status zonder bewaartermijn: dossiers met die status worden "
        "altijd bewaard. Geef het dossier een andere status, of geef de status een "
        "bewaartermijn onder Instellingen, Dossierstatussen.",
    "The retention period has not passed yet: the client may be erased from %(date)s.":
        "De bewaartermijn is nog niet verstreken: de cliënt mag worden gewist vanaf %(date)s.",
    "This is not the e-mail address of this client.":
        "Dit is niet het e-mailadres van deze cliënt.",
    "This client cannot be erased yet; the reasons are listed on this page.":
        "Deze cliënt kan nog niet worden gewist; de redenen staan op deze pagina.",
    ("The client has been erased; %(num)s file has been removed.",
     "The client has been erased; %(num)s files have been removed."):
        ("De cliënt is gewist; %(num)s bestand is verwijderd.",
         "De cliënt is gewist; %(num)s bestanden zijn verwijderd."),

    # The audit log.
    "Client's data exported": "Gegevens van cliënt geëxporteerd",
    "Client erased": "Cliënt gewist",
    "Dossier emptied: its only client was erased": "Dossier leeggemaakt: de enige cliënt is "
                                                   "gewist",
    "Retention period of a dossier status changed": "Bewaartermijn van een dossierstatus "
                                                    "gewijzigd",

    # The retention period of a status (Instellingen, Dossierstatussen).
    "Edit status": "Status wijzigen",
    "Retention period in days": "Bewaartermijn in dagen",
    "How long a dossier keeps this status before its clients may be erased (AVG), counted "
    "from the day it got the status; 7 years is 2557 days. Leave it empty to keep dossiers "
    "with this status for ever.":
        "Hoe lang een dossier deze status heeft voordat de cliënten ervan gewist mogen worden "
        "(AVG), gerekend vanaf de dag dat het de status kreeg; 7 jaar is 2557 dagen. Laat het "
        "leeg om dossiers met deze status altijd te bewaren.",
    "Enter a whole number of days from 0 to %(max)s, or leave it empty to keep dossiers with "
    "this status for ever.":
        "Vul een heel aantal dagen in van 0 tot en met %(max)s, of laat het leeg om dossiers "
        "met deze status altijd te bewaren.",
    "The status has been saved.": "De status is opgeslagen.",

    # The export (README.txt and messages.txt), in the client's language.
    "%(sender)s on behalf of %(lawyer)s": "%(sender)s namens %(lawyer)s",
    "Draft, not sent": "Concept, niet verstuurd",
    "Attachment": "Bijlage",
    "you": "u",
    "Your personal data at %(firm)s": "Uw persoonsgegevens bij %(firm)s",
    "This archive holds everything the client portal of %(firm)s keeps about %(name)s "
    "(%(email)s), as it was on %(date)s.":
        "Dit archief bevat alles wat het klantenportaal van %(firm)s bewaart over %(name)s "
        "(%(email)s), zoals het was op %(date)s.",
    "Contents": "Inhoud",
    "this overview": "dit overzicht",
    "your account: name, e-mail address, phone number, language, notification and two-step "
    "settings, login sessions":
        "uw account: naam, e-mailadres, telefoonnummer, taal, instellingen voor meldingen en "
        "2-staps verificatie, inlogsessies",
    ("%(num)s dossier you can see, with its progress and its documents",
     "%(num)s dossiers you can see, with their progress and their documents"):
        ("%(num)s dossier dat u ziet, met de voortgang en de documenten",
         "%(num)s dossiers die u ziet, met hun voortgang en hun documenten"),
    ("%(num)s document, in a folder per dossier and per tab",
     "%(num)s documents, in a folder per dossier and per tab"):
        ("%(num)s document, in een map per dossier en per tabblad",
         "%(num)s documenten, in een map per dossier en per tabblad"),
    ("%(num)s message, with its attachments", "%(num)s messages, with their attachments"):
        ("%(num)s bericht, met de bijlagen", "%(num)s berichten, met hun bijlagen"),
    "the same messages, to read": "dezelfde berichten, om te lezen",
    ("%(num)s questionnaire sent to you, with your answers",
     "%(num)s questionnaires sent to you, with your answers"):
        ("%(num)s vragenlijst die u is gestuurd, met uw antwoorden",
         "%(num)s vragenlijsten die u zijn gestuurd, met uw antwoorden"),
    "the PDFs of completed questionnaires that are not in a dossier folder":
        "de pdf's van ingevulde vragenlijsten die niet in een dossiermap staan",
    ("%(num)s recorded event: what you did in the portal, and what was done to your account",
     "%(num)s recorded events: what you did in the portal, and what was done to your account"):
        ("%(num)s vastgelegde gebeurtenis: wat u in het portaal deed, en wat er met uw "
         "account is gedaan",
         "%(num)s vastgelegde gebeurtenissen: wat u in het portaal deed, en wat er met uw "
         "account is gedaan"),
    "The .json files can be opened with any text editor. Times in them are in UTC.":
        "De .json-bestanden zijn met elke teksteditor te openen. De tijden erin zijn in UTC.",
    "Passwords, two-step verification secrets and recovery codes are stored in a form nobody "
    "can read back; they are not in this archive.":
        "Wachtwoorden, geheimen van de 2-staps verificatie en herstelcodes worden opgeslagen "
        "in een vorm die niemand kan teruglezen; ze staan niet in dit archief.",
    ("%(num)s file could not be found on the portal's disk; it is listed with file_missing "
     "set to true.",
     "%(num)s files could not be found on the portal's disk; they are listed with "
     "file_missing set to true."):
        ("%(num)s bestand is niet gevonden op de schijf van het portaal; het staat in de lijst "
         "met file_missing op true.",
         "%(num)s bestanden zijn niet gevonden op de schijf van het portaal; ze staan in de "
         "lijst met file_missing op true."),
}
