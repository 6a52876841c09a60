NL = {
    # Instellingen: the firm.
    "Settings": "Instellingen",
    "Parts of the settings": "Onderdelen van de instellingen",
    "Firm details": "Kantoorgegevens",
    "Firm settings": "Kantoorinstellingen",
    "More settings": "Meer instellingen",
    "Name of the firm": "Naam van het kantoor",
    "Enter the name of the firm.": "Vul de naam van het kantoor in.",
    "Shown in the portal, in its e-mails and on the PDFs.":
        "Staat in het portaal, in de e-mails en op de pdf's.",
    "Colour of the bar at the top": "Kleur van de balk bovenaan",
    "A hex code like #1d3a5f, for the bar at the top of every page. Leave it empty for the "
    "portal's own colour.":
        "Een hexcode zoals #1d3a5f, voor de balk bovenaan elke pagina. Laat het leeg voor de "
        "eigen kleur van het portaal.",
    "Enter the colour as a hex code, like #1d3a5f.": "Vul de kleur in als hexcode, zoals #1d3a5f.",
    "This colour is too light: the white text on it would be hard to read. Choose a darker "
    "colour.":
        "Deze kleur is te licht: de witte tekst erop is dan slecht leesbaar. Kies een donkerdere "
        "kleur.",
    "Sender address of e-mails": "Afzenderadres van e-mails",
    "Enter the sender address.": "Vul het afzenderadres in.",
    "The address the portal's e-mails come from, with the firm's name. Your mail server must "
    "be allowed to send for it.":
        "Het adres waarvan de e-mails van het portaal komen, met de naam van het kantoor. Uw "
        "mailserver moet voor dit adres mogen versturen.",
    "Largest file (MB)": "Grootste bestand (MB)",
    "For attachments and other uploads of clients.":
        "Voor bijlagen en andere bestanden die cliënten aanleveren.",
    "All attachments of one message together (MB)": "Alle bijlagen van één bericht samen (MB)",
    "At most %(max)s MB: what the server accepts in one request.":
        "Ten hoogste %(max)s MB: wat de server in één verzoek aanneemt.",
    "Enter a whole number of megabytes from 1 to %(max)s.":
        "Vul een heel aantal megabytes in van 1 tot en met %(max)s.",
    "The attachments of one message together may not be smaller than the largest file.":
        "De bijlagen van één bericht samen mogen niet kleiner zijn dan het grootste bestand.",
    "Save settings": "Instellingen opslaan",
    "The settings have been saved.": "De instellingen zijn opgeslagen.",

    # The logo.
    "Logo": "Logo",
    "Logo (PNG or JPEG, at most 512 KB)": "Logo (PNG of JPEG, ten hoogste 512 KB)",
    "The current logo": "Het huidige logo",
    "There is no logo: the portal shows the firm's name only.":
        "Er is geen logo: het portaal toont alleen de naam van het kantoor.",
    "Upload logo": "Logo uploaden",
    "Remove logo": "Logo verwijderen",
    "Choose a file.": "Kies een bestand.",
    "The logo is larger than %(max)s KB. Choose a smaller file.":
        "Het logo is groter dan %(max)s KB. Kies een kleiner bestand.",
    "The logo must be a PNG or JPEG image.": "Het logo moet een PNG- of JPEG-afbeelding zijn.",
    "The logo has been saved.": "Het logo is opgeslagen.",
    "The logo has been removed.": "Het logo is verwijderd.",

    # Dossier statuses.
    "Dossier statuses": "Dossierstatussen",
    "Clients see the status of each dossier, in this order. Exactly one status counts as in "
    "progress: the home page counts the dossiers that have it.":
        "Cliënten zien de status van elk dossier, in deze volgorde. Precies één status geldt als "
        "in behandeling: de startpagina telt de dossiers met die status.",
    "Dutch name": "Nederlandse naam",
    "English name": "Engelse naam",
    "In progress": "In behandeling",
    "Make this the status in progress": "Maak dit de status in behandeling",
    "Rename": "Wijzigen",
    "Up": "Omhoog",
    "Down": "Omlaag",
    "Add a status": "Status toevoegen",
    "Add status": "Status toevoegen",
    "Name in Dutch": "Naam in het Nederlands",
    "Name in English": "Naam in het Engels",
    "Enter the name in Dutch.": "Vul de naam in het Nederlands in.",
    "Enter the name in English.": "Vul de naam in het Engels in.",
    "There is already a status with this name.": "Er is al een status met deze naam.",
    "The status “%(name)s” has been added.": "De status “%(name)s” is toegevoegd.",
    "Rename status": "Status wijzigen",
    "Back to the dossier statuses": "Terug naar de dossierstatussen",
    "The status has been renamed.": "De status is gewijzigd.",
    "The order has been saved.": "De volgorde is opgeslagen.",
    "“%(name)s” is now the status of dossiers in progress.":
        "“%(name)s” is nu de status van dossiers in behandeling.",
    "Delete status": "Status verwijderen",
    "No dossier has this status, so it can be deleted.":
        "Geen enkel dossier heeft deze status, dus hij kan worden verwijderd.",
    ("This status cannot be deleted: %(num)s dossier has it. Give it another status first.",
     "This status cannot be deleted: %(num)s dossiers have it. Give them another status first."):
        ("Deze status kan niet worden verwijderd: %(num)s dossier heeft deze status. Geef het "
         "eerst een andere status.",
         "Deze status kan niet worden verwijderd: %(num)s dossiers hebben deze status. Geef ze "
         "eerst een andere status."),
    "This status cannot be deleted: it is the status of dossiers in progress. Mark another "
    "status as in progress first.":
        "Deze status kan niet worden verwijderd: het is de status van dossiers in behandeling. "
        "Maak eerst een andere status de status in behandeling.",
    ("“%(name)s” cannot be deleted: %(num)s dossier has this status. Give it another status "
     "first.",
     "“%(name)s” cannot be deleted: %(num)s dossiers have this status. Give them another status "
     "first."):
        ("“%(name)s” kan niet worden verwijderd: %(num)s dossier heeft deze status. Geef het "
         "eerst een andere status.",
         "“%(name)s” kan niet worden verwijderd: %(num)s dossiers hebben deze status. Geef ze "
         "eerst een andere status."),
    "“%(name)s” cannot be deleted: it is the status of dossiers in progress. Mark another "
    "status as in progress first.":
        "“%(name)s” kan niet worden verwijderd: het is de status van dossiers in behandeling. "
        "Maak eerst een andere status de status in behandeling.",
    "The status “%(name)s” has been deleted.": "De status “%(name)s” is verwijderd.",

    # Staff accounts.
    "Staff": "Medewerkers",
    "Staff accounts": "Medewerkers",
    "Admin": "Beheerder",
    "Lawyer or notary": "Advocaat of notaris",
    "Secretary": "Secretariaat",
    "Role": "Rol",
    "Choose a role.": "Kies een rol.",
    "Add a staff member": "Medewerker toevoegen",
    "Add staff member": "Medewerker toevoegen",
    "The new staff member receives an e-mail with a link to set up the account and a "
    "password. Before anything else they set up two-step verification.":
        "De nieuwe medewerker ontvangt een e-mail met een link om het account en een wachtwoord "
        "in te stellen. Daarna stelt hij of zij eerst 2-staps verificatie in.",
    "Deactivated": "Gedeactiveerd",
    "Back to the staff accounts": "Terug naar de medewerkers",
    "Handling lawyer of": "Behandelaar van",
    "Manage delegations": "Delegaties beheren",
    "Change role": "Rol wijzigen",
    "Save role": "Rol opslaan",
    "Access": "Toegang",
    "Deactivating ends every session of this account at once; the account can be reactivated "
    "later.":
        "Deactiveren beëindigt meteen elke sessie van dit account; het account kan later weer "
        "worden geactiveerd.",
    "Deactivate account": "Account deactiveren",
    "Reactivate account": "Account weer activeren",
    "Send the invitation again": "Uitnodiging opnieuw versturen",
    "This is your own account: another admin can change its role or deactivate it.":
        "Dit is uw eigen account: een andere beheerder kan de rol wijzigen of het account "
        "deactiveren.",
    "You cannot change your own role.": "U kunt uw eigen rol niet wijzigen.",
    "%(name)s still handles dossiers. Give those dossiers another handling lawyer first.":
        "%(name)s behandelt nog dossiers. Geef die dossiers eerst een andere behandelaar.",
    "The role of %(name)s is now: %(role)s.": "De rol van %(name)s is nu: %(role)s.",
    "You cannot deactivate your own account.": "U kunt uw eigen account niet deactiveren.",
    "The account of %(name)s has been deactivated: they can no longer log in.":
        "Het account van %(name)s is gedeactiveerd: inloggen kan niet meer.",
    ("They still handle %(num)s dossier: give it another handling lawyer.",
     "They still handle %(num)s dossiers: give those another handling lawyer."):
        ("Er staat nog %(num)s dossier op deze naam: geef het een andere behandelaar.",
         "Er staan nog %(num)s dossiers op deze naam: geef ze een andere behandelaar."),
    "The account of %(name)s has been reactivated.":
        "Het account van %(name)s is weer geactiveerd.",
    "The invitation has been sent again to %(email)s.":
        "De uitnodiging is opnieuw verstuurd naar %(email)s.",

    # Delegations.
    "Delegations": "Delegaties",
    "Delegations: which secretary acts for which lawyer":
        "Delegaties: welk secretariaat namens welke behandelaar werkt",
    "A secretary with a delegation sees the dossiers of that lawyer and acts on their "
    "behalf: clients see “on behalf of” with the lawyer's name.":
        "Een secretariaat met een delegatie ziet de dossiers van die behandelaar en werkt namens "
        "hem of haar: cliënten zien “namens” met de naam van de behandelaar.",
    "Since": "Sinds",
    "Revoke": "Intrekken",
    "%(secretary)s acts on behalf of %(lawyer)s": "%(secretary)s werkt namens %(lawyer)s",
    "You do not act on behalf of any lawyer yet. A lawyer grants this to you.":
        "U werkt nog namens geen enkele behandelaar. Een behandelaar verleent u die toegang.",
    "There are no delegations yet.": "Er zijn nog geen delegaties.",
    "Grant a delegation": "Secretariaat toegang verlenen",
    "Grant delegation": "Toegang verlenen",
    "Your secretary must first have an account of their own.":
        "Uw secretarieel medewerker dient eerst zelf een account te hebben.",
    "Only active secretaries can be chosen.": "Alleen actieve secretariaatsmedewerkers zijn te kiezen.",
    "There are no secretaries yet: an admin adds them under Settings, Staff accounts.":
        "Er is nog geen secretariaat: een beheerder voegt medewerkers toe onder Instellingen, "
        "Medewerkers.",
    "%(secretary)s may now act on behalf of %(lawyer)s.":
        "%(secretary)s mag nu namens %(lawyer)s werken.",
    "This secretary already acts on behalf of this lawyer.":
        "Dit secretariaat werkt al namens deze behandelaar.",
    "%(secretary)s no longer acts on behalf of %(lawyer)s.":
        "%(secretary)s werkt niet meer namens %(lawyer)s.",

    # The audit log.
    "Audit log": "Auditlog",
    "Every event in the portal: who saw, downloaded, uploaded, sent and changed what, and when.":
        "Alles wat er in het portaal gebeurt: wie wat heeft bekeken, gedownload, geüpload, "
        "verstuurd en gewijzigd, en wanneer.",
    "The events about the dossiers you may see, and your own.":
        "De gebeurtenissen in de dossiers die u mag zien, en uw eigen handelingen.",
    "Filter the audit log": "Auditlog filteren",
    "Person (name or e-mail)": "Persoon (naam of e-mailadres)",
    "Dossier number": "Dossiernummer",
    "From": "Van",
    "To and including": "Tot en met",
    "Filter": "Filteren",
    "Clear the filter": "Filter wissen",
    ("%(num)s event", "%(num)s events"): ("%(num)s gebeurtenis", "%(num)s gebeurtenissen"),
    "Export as CSV": "Exporteren als CSV",
    "When": "Wanneer",
    "Who": "Wie",
    "Action": "Actie",
    "Action code": "Actiecode",
    "Details": "Details",
    "Target": "Onderwerp",
    "IP address": "IP-adres",
    "On behalf of": "Namens",
    "on behalf of %(name)s": "namens %(name)s",
    "Enter a date like 24-11-2026.": "Vul een datum in zoals 24-11-2026.",
    "The end date is before the start date.": "De einddatum ligt vóór de begindatum.",
    "There are more than %(max)s events to export. Narrow the filter down, for instance to a "
    "shorter period.":
        "Er zijn meer dan %(max)s gebeurtenissen om te exporteren. Maak het filter nauwer, "
        "bijvoorbeeld met een kortere periode.",
    "Account": "Account",
    "Company": "Bedrijf",
    "Progress step": "Voortgangsstap",
    "Dossier status": "Dossierstatus",

    # Audit log: the actions.
    "Logged in": "Ingelogd",
    "Login failed": "Inloggen mislukt",
    "Password accepted, second step asked": "Wachtwoord juist, tweede stap gevraagd",
    "Wrong two-step code": "Verkeerde code voor 2-staps verificatie",
    "Logged out": "Uitgelogd",
    "Invitation sent": "Uitnodiging verstuurd",
    "Invitation confirmed": "Uitnodiging bevestigd",
    "Password link requested": "Wachtwoordlink aangevraagd",
    "Password set": "Wachtwoord ingesteld",
    "Account created": "Account aangemaakt",
    "Account deactivated": "Account gedeactiveerd",
    "Account reactivated": "Account weer geactiveerd",
    "Company client created": "Bedrijf als cliënt aangemaakt",
    "Extra account deleted": "Extra account verwijderd",
    "Language changed": "Taal gewijzigd",
    "Notifications changed": "Notificaties gewijzigd",
    "Password asked again: wrong": "Wachtwoord opnieuw gevraagd: onjuist",
    "Authenticator app turned on": "Authenticator-app aangezet",
    "Authenticator app turned off": "Authenticator-app uitgezet",
    "SMS codes turned on": "Sms-codes aangezet",
    "SMS codes turned off": "Sms-codes uitgezet",
    "New backup codes made": "Nieuwe back-upcodes gemaakt",
    "Dossier created": "Dossier aangemaakt",
    "Dossier changed": "Dossier gewijzigd",
    "Client linked to dossier": "Cliënt aan dossier gekoppeld",
    "Client unlinked from dossier": "Cliënt van dossier ontkoppeld",
    "Company linked to dossier": "Bedrijf aan dossier gekoppeld",
    "Company unlinked from dossier": "Bedrijf van dossier ontkoppeld",
    "Document published": "Document gepubliceerd",
    "Document withdrawn": "Document ingetrokken",
    "Document downloaded": "Document gedownload",
    "Document uploaded": "Document aangeleverd",
    "Attachment uploaded": "Bijlage toegevoegd",
    "Attachment removed": "Bijlage verwijderd",
    "Message sent": "Bericht verstuurd",
    "Message read": "Bericht gelezen",
    "Draft deleted": "Concept verwijderd",
    "Questionnaire created": "Vragenlijst aangemaakt",
    "Questionnaire changed": "Vragenlijst gewijzigd",
    "Questionnaire sent": "Vragenlijst verstuurd",
    "Questionnaire completed": "Vragenlijst ingevuld",
    "Firm settings changed": "Kantoorinstellingen gewijzigd",
    "Logo changed": "Logo gewijzigd",
    "Logo removed": "Logo verwijderd",
    "Dossier status added": "Dossierstatus toegevoegd",
    "Dossier status renamed": "Dossierstatus gewijzigd",
    "Dossier statuses reordered": "Volgorde van dossierstatussen gewijzigd",
    "Status in progress chosen": "Status in behandeling gekozen",
    "Dossier status deleted": "Dossierstatus verwijderd",
    "Role changed": "Rol gewijzigd",
    "Staff account deactivated": "Medewerker gedeactiveerd",
    "Staff account reactivated": "Medewerker weer geactiveerd",
    "Delegation granted": "Delegatie verleend",
    "Delegation revoked": "Delegatie ingetrokken",
    "Audit log exported": "Auditlog geëxporteerd",
    # Audit actions added with the confidentiality fixes (issue 6 audit)
    "Name changed": "Naam gewijzigd",
    "E-mail address change requested": "Wijziging e-mailadres aangevraagd",
    "E-mail address changed": "E-mailadres gewijzigd",
    "Logged out on other devices": "Uitgelogd op andere apparaten",
    "Mobile number for SMS codes changed": "Mobiel nummer voor sms-codes gewijzigd",
    "Dossier viewed": "Dossier bekeken",
    "Progress step added": "Voortgangsstap toegevoegd",
    "Progress step renamed": "Voortgangsstap hernoemd",
    "Progress step moved": "Voortgangsstap verplaatst",
    "Progress step marked done": "Voortgangsstap afgerond",
    "Progress step marked not done": "Voortgangsstap niet meer afgerond",
    "Progress step deleted": "Voortgangsstap verwijderd",
    "Old draft removed": "Oud concept opgeruimd",
    "Questionnaire answers viewed": "Antwoorden vragenlijst bekeken",
}
