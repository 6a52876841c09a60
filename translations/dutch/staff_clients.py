NL = {
    # Start page and navigation of the staff side
    "Clients": "Cliënten",
    "Overview": "Overzicht",
    "Questionnaires": "Vragenlijsten",
    "Recently changed dossiers": "Recent gewijzigde dossiers",
    "Search clients, invite new ones": "Cliënten zoeken, nieuwe uitnodigen",
    "sent and not completed yet": "verstuurd en nog niet ingevuld",
    "unread messages from clients": "ongelezen berichten van cliënten",
    # Clients
    "%(name)s has been added. An invitation has been sent to %(email)s.":
        "%(name)s is toegevoegd. Er is een uitnodiging verstuurd naar %(email)s.",
    ("%(num)s client account", "%(num)s client accounts"):
        ("%(num)s cliëntaccount", "%(num)s cliëntaccounts"),
    "A deactivated account is logged out everywhere at once and cannot log in until it is "
    "reactivated.": "Een gedeactiveerd account wordt direct overal uitgelogd en kan pas weer "
                    "inloggen als het opnieuw is geactiveerd.",
    "A new invitation has been sent to %(email)s.":
        "Er is een nieuwe uitnodiging verstuurd naar %(email)s.",
    "Access to the portal": "Toegang tot het portaal",
    "Account": "Account",
    "Accounts of %(company)s": "Accounts van %(company)s",
    "Back to the clients": "Terug naar de cliënten",
    "Company": "Bedrijf",
    "Company name": "Bedrijfsnaam",
    "Create client and send invitation": "Cliënt aanmaken en uitnodiging versturen",
    "Deactivate account": "Account deactiveren",
    "Deactivated": "Gedeactiveerd",
    "Enter a valid phone number, like 020 1234567 or 06 12345678.":
        "Vul een geldig telefoonnummer in, zoals 020 1234567 of 06 12345678.",
    "Enter the name of the company.": "Vul de naam van het bedrijf in.",
    "Enter the name of the person who uses the main account.":
        "Vul de naam in van de persoon die het hoofdaccount gebruikt.",
    "Invitation": "Uitnodiging",
    "Name of the main account": "Naam van het hoofdaccount",
    "New client (person)": "Nieuwe cliënt (persoon)",
    "New company client": "Nieuwe zakelijke cliënt (rechtspersoon)",
    "No clients match your search.": "Er zijn geen cliënten die aan uw zoekopdracht voldoen.",
    "Not given": "Niet opgegeven",
    "Not invited": "Niet uitgenodigd",
    "Not yet": "Nog niet",
    "Password set": "Wachtwoord ingesteld",
    "Phone number": "Telefoonnummer",
    "Phone number (optional)": "Telefoonnummer (optioneel)",
    "Reactivate account": "Account opnieuw activeren",
    "Reactivating lets the client log in again with the existing password. Invitation and "
    "password links are not restored: if the client has no password yet, send the invitation "
    "again after reactivating.":
        "Na opnieuw activeren kan de cliënt weer inloggen met het bestaande wachtwoord. "
        "Uitnodigings- en wachtwoordlinks worden niet hersteld: heeft de cliënt nog geen "
        "wachtwoord, verstuur de uitnodiging dan opnieuw na het activeren.",
    "Search on name, e-mail address or company": "Zoeken op naam, e-mailadres of bedrijf",
    "Send the invitation again": "Uitnodiging opnieuw versturen",
    "The account of %(name)s has been deactivated. It has been logged out everywhere and can "
    "no longer log in.": "Het account van %(name)s is gedeactiveerd. Het is overal uitgelogd "
                         "en kan niet meer inloggen.",
    "The account of %(name)s is active again.": "Het account van %(name)s is weer actief.",
    "The client receives a new mail with a link to set a password; older invitation links "
    "stop working.": "De cliënt ontvangt een nieuwe e-mail met een link om een wachtwoord in "
                     "te stellen; eerdere uitnodigingslinks werken dan niet meer.",
    "The client receives an e-mail with a link to set up the account and a password.":
        "De cliënt ontvangt een e-mail met een link om het account en een wachtwoord in te "
        "stellen.",
    "The main account may add extra accounts for the company.":
        "Het hoofdaccount kan extra accounts voor het bedrijf toevoegen.",
    "There are no clients yet.": "Er zijn nog geen cliënten.",
    "This account is deactivated. Reactivate it before you send an invitation.":
        "Dit account is gedeactiveerd. Activeer het opnieuw voordat u een uitnodiging "
        "verstuurt.",
    "This account is deactivated: it cannot log in.":
        "Dit account is gedeactiveerd: het kan niet inloggen.",
    "You see no dossiers of this client.": "U ziet geen dossiers van deze cliënt.",
    "extra account": "extra account",
    "link expired": "link verlopen",
    "link used or no longer valid": "link gebruikt of niet meer geldig",
    "link valid until %(date)s": "link geldig tot %(date)s",
    "main account": "hoofdaccount",
    # Dossiers
    "%(name)s can now see this dossier.": "%(name)s kan dit dossier nu zien.",
    "Add a step": "Stap toevoegen",
    "Add step": "Stap toevoegen",
    "All lawyers": "Alle behandelaars",
    "All statuses": "Alle statussen",
    "Back to the dossier": "Terug naar het dossier",
    "Back to the dossiers": "Terug naar de dossiers",
    "Choose a status.": "Kies een status.",
    "Choose the handling lawyer.": "Kies de behandelaar.",
    "Details": "Gegevens",
    "Dossier %(number)s has been created.": "Dossier %(number)s is aangemaakt.",
    "Down": "Omlaag",
    "Edit dossier": "Dossier wijzigen",
    "Enter a description.": "Vul een omschrijving in.",
    "Enter the dossier number.": "Vul het dossiernummer in.",
    "Enter the title of the step in Dutch.": "Vul de Nederlandse titel van de stap in.",
    "Every account of %(name)s can now see this dossier.":
        "Alle accounts van %(name)s kunnen dit dossier nu zien.",
    "Handling lawyer": "Behandelaar",
    "Last changed": "Laatst gewijzigd",
    "Link": "Koppelen",
    "Link a client or company: search on name or e-mail address":
        "Cliënt of bedrijf koppelen: zoek op naam of e-mailadres",
    "Mark as done": "Markeer als afgerond",
    "Mark as not done": "Markeer als niet afgerond",
    "New dossier": "Nieuw dossier",
    "New dossier for %(name)s": "Nieuw dossier voor %(name)s",
    "No client can see this dossier yet.": "Nog geen enkele cliënt ziet dit dossier.",
    "No clients or companies match your search, or they are linked already.":
        "Er zijn geen cliënten of bedrijven die aan uw zoekopdracht voldoen, of ze zijn al "
        "gekoppeld.",
    "None": "Geen",
    "Rename": "Naam wijzigen",
    "Save": "Opslaan",
    "Search on dossier number, description or client":
        "Zoeken op dossiernummer, omschrijving of cliënt",
    "The dossier has been saved.": "Het dossier is opgeslagen.",
    "The dossier is shared with %(name)s.": "Het dossier wordt gedeeld met %(name)s.",
    "The link has been removed.": "De koppeling is verwijderd.",
    "There are no dossiers for you yet.": "Er zijn nog geen dossiers voor u.",
    "There is already a dossier with this number.": "Er is al een dossier met dit nummer.",
    "There is no lawyer you may act for, so you cannot create or change a dossier. Ask a "
    "lawyer to delegate to you, or an admin to add a lawyer.":
        "Er is geen behandelaar namens wie u mag werken, dus u kunt geen dossier aanmaken of "
        "wijzigen. Vraag een behandelaar om u te machtigen, of een beheerder om een "
        "behandelaar toe te voegen.",
    "Title in Dutch": "Titel in het Nederlands",
    "Title in English (optional)": "Titel in het Engels (optioneel)",
    "Unlink": "Ontkoppelen",
    "Up": "Omhoog",
    "You may not act for this lawyer. Choose a lawyer from the list.":
        "U mag niet namens deze behandelaar werken. Kies een behandelaar uit de lijst.",
    "company: every account": "bedrijf: alle accounts",
    "A name without a link belongs to a client of dossiers you do not handle: only the "
    "client's name and e-mail address are shown.":
        "Een naam zonder link hoort bij een cliënt van dossiers die u niet behandelt: alleen "
        "de naam en het e-mailadres van de cliënt worden getoond.",
}
