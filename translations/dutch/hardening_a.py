"""Dutch wording of issue 14, points 1, 3 and 4 (helper A)."""
NL = {
    # Staff: linking a client to a dossier (point 3).
    "A client of a dossier you do not see can only be linked by an admin.":
        "Een cliënt van een dossier dat u niet ziet, kan alleen een beheerder koppelen.",
    # Staff: reactivating an account (point 1).
    "The account of %(name)s is active again. An invitation has been sent to %(email)s to "
    "set a new password.":
        "Het account van %(name)s is weer actief. Er is een uitnodiging gestuurd naar "
        "%(email)s om een nieuw wachtwoord in te stellen.",
    "A deactivated account is logged out everywhere at once, loses its password and two-step "
    "verification, and cannot log in until it is reactivated.":
        "Een gedeactiveerd account wordt direct overal uitgelogd, verliest zijn wachtwoord en "
        "2-staps verificatie, en kan pas weer inloggen als het opnieuw is geactiveerd.",
    "Reactivating starts the account anew: the client receives the invitation (mail 1) and "
    "sets a new password and two-step verification; the old password, two-step settings and "
    "links do not come back.":
        "Weer activeren begint het account opnieuw: de cliënt ontvangt de uitnodiging "
        "(mail 1) en stelt een nieuw wachtwoord en 2-staps verificatie in; het oude wachtwoord, de "
        "2-staps instellingen en links komen niet terug.",
    # Accounts | Extra accounts (points 1 and 4).
    "You have added %(num)s accounts today, the most there may be in a day. Try again "
    "tomorrow.":
        "U hebt vandaag %(num)s accounts toegevoegd, het maximum per dag. Probeer het "
        "morgen opnieuw.",
    "%(name)s has been added to the list. An e-mail to set up the account is sent to "
    "%(email)s, unless that address cannot be given an account.":
        "%(name)s is aan de lijst toegevoegd. Er gaat een e-mail om het account in te "
        "stellen naar %(email)s, tenzij dat adres geen account kan krijgen.",
    "An address that already has an account with us, or was switched off by us, gets no "
    "e-mail; ask us if it should be added.":
        "Een adres dat al een account bij ons heeft, of dat wij hebben uitgeschakeld, krijgt "
        "geen e-mail; vraag het ons als het toegevoegd moet worden.",
    # Audit log labels (point 4).
    "Extra account added (by address)": "Extra account toegevoegd (op e-mailadres)",
    "Extra account withdrawn before its first login":
        "Extra account ingetrokken vóór de eerste keer inloggen",
    # E-mails: the greeting when the name may not be shown (point 4).
    "Dear Sir or Madam,": "Geachte heer, mevrouw,",
}
