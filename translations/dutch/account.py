NL = {
    # Mijn gegevens: the page and its sections.
    "Sections of My details": "Onderdelen van Mijn gegevens",
    "Back to My details": "Terug naar Mijn gegevens",
    "Notifications": "Notificaties",
    "Send me an e-mail when": "Stuur mij een e-mail als",
    "New documents have been made available": "er nieuwe documenten zijn klaargezet",
    "Questionnaires have been sent to me": "er vragenlijsten zijn toegezonden",
    "Messages have been sent to me": "er berichten zijn gestuurd",
    "The e-mail only says that there is something new, never what it is about.":
        "De e-mail meldt alleen dát er iets nieuws is, nooit waar het over gaat.",
    "Save notifications": "Notificaties opslaan",
    "Your notification settings have been saved.": "Uw notificaties zijn opgeslagen.",
    "Accounts": "Accounts",
    "Additional accounts": "Extra accounts",
    "As a company you can add extra accounts to the main account, so that colleagues can "
    "also follow the company's dossiers.":
        "Als bedrijf kunt u aan het hoofdaccount extra accounts toevoegen, zodat ook "
        "collega's de dossiers van het bedrijf kunnen volgen.",
    ("%(num)s extra account", "%(num)s extra accounts"):
        ("%(num)s extra account", "%(num)s extra accounts"),

    # 2-staps verificatie.
    "Two-step verification": "2-staps verificatie",
    "As extra security for logging in to the client portal you can set up two-step "
    "verification.":
        "Als extra beveiliging voor het inloggen op het klantenportaal kunt u 2-staps "
        "verificatie instellen.",
    "As extra security for logging in to the client portal you can set up two-step "
    "verification. After your password, you then also enter a code.":
        "Als extra beveiliging voor het inloggen op het klantenportaal kunt u 2-staps "
        "verificatie instellen. Na uw wachtwoord vult u dan ook een code in.",
    "Two-step verification is off.": "2-staps verificatie staat uit.",
    "Set up two-step verification": "2-staps verificatie instellen",
    "Manage two-step verification": "2-staps verificatie beheren",
    "Back to two-step verification": "Terug naar 2-staps verificatie",
    "On": "Aan",
    "Off": "Uit",
    "On: a code by SMS to %(phone)s": "Aan: een code per sms naar %(phone)s",
    "On: a code from your authenticator app": "Aan: een code uit uw authenticator-app",
    ("%(num)s unused backup code", "%(num)s unused backup codes"):
        ("%(num)s ongebruikte back-upcode", "%(num)s ongebruikte back-upcodes"),
    "Staff always use two-step verification. Set up at least one method to use the staff "
    "side.":
        "Medewerkers gebruiken altijd 2-staps verificatie. Stel minimaal één methode in om "
        "de kantoorkant te gebruiken.",
    "Set up two-step verification before you use the staff side.":
        "Stel 2-staps verificatie in voordat u de kantoorkant gebruikt.",
    "Staff always use two-step verification. Set up the other method first if you want to "
    "turn this one off.":
        "Medewerkers gebruiken altijd 2-staps verificatie. Stel eerst de andere methode in "
        "als u deze wilt uitzetten.",
    "Set up two-step verification first.": "Stel eerst 2-staps verificatie in.",

    # SMS and the recovery code.
    "Code by SMS": "Code per sms",
    "After entering your mobile number you receive an SMS with a code. After entering the "
    "code you get a recovery code. You need this recovery code when your mobile number is "
    "not available and you want to log in.":
        "Na het ingeven van uw mobiele nummer ontvangt u een sms-bericht met een code. Na "
        "het ingeven van de code krijgt u een herstelcode. Deze herstelcode heeft u nodig "
        "als uw mobiele nummer niet beschikbaar is en u wilt inloggen.",
    "Set up SMS": "Sms instellen",
    "Set up SMS again": "Sms opnieuw instellen",
    "Change mobile number": "Mobiel nummer wijzigen",
    "Turn off SMS": "Sms uitzetten",
    "You have no recovery code. Set up SMS again to get a new one.":
        "U heeft geen herstelcode. Stel sms opnieuw in om een nieuwe te krijgen.",
    "Enter your mobile number. You then receive an SMS with a code.":
        "Vul uw mobiele nummer in. U ontvangt vervolgens een sms-bericht met een code.",
    "Mobile number": "Mobiel nummer",
    "Enter your mobile number.": "Vul uw mobiele nummer in.",
    "Enter a valid mobile number, like 06 12345678 or +32 470 12 34 56.":
        "Vul een geldig mobiel nummer in, zoals 06 12345678 of +32 470 12 34 56.",
    "A Dutch number like 06 12345678, or a number from another country starting with +.":
        "Een Nederlands nummer zoals 06 12345678, of een buitenlands nummer dat begint "
        "met +.",
    "To change your mobile number, enter your password again.":
        "Vul uw wachtwoord opnieuw in om uw mobiele nummer te wijzigen.",
    "Your password": "Uw wachtwoord",
    "The password is not correct.": "Het wachtwoord is onjuist.",
    "Send code": "Verstuur code",
    "We have sent a code by SMS to %(phone)s.":
        "We hebben een code per sms gestuurd naar %(phone)s.",
    "Enter the code": "Vul de code in",
    "We have sent an SMS with a 6-digit code to %(phone)s. Enter the code below.":
        "We hebben een sms-bericht met een code van 6 cijfers gestuurd naar %(phone)s. "
        "Vul de code hieronder in.",
    "Code": "Code",
    "Enter the code.": "Vul de code in.",
    "Confirm": "Bevestigen",
    "Send a new code": "Stuur een nieuwe code",
    "Use another mobile number": "Een ander mobiel nummer gebruiken",
    "This code is not correct. Enter the code from the last SMS.":
        "Deze code is onjuist. Vul de code uit het laatste sms-bericht in.",
    "This code has expired. Have a new code sent to you.":
        "Deze code is verlopen. Laat u een nieuwe code sturen.",
    "The SMS could not be sent. Try again in a moment.":
        "Het sms-bericht kon niet worden verstuurd. Probeer het zo opnieuw.",
    "The SMS could not be sent. Try again in a moment, or log in another way.":
        "Het sms-bericht kon niet worden verstuurd. Probeer het zo opnieuw, of log op een "
        "andere manier in.",
    "Too many text messages have been sent to you or to this number. Wait an hour and try "
    "again.":
        "Er zijn te veel sms-berichten naar u of naar dit nummer gestuurd. Wacht een uur en "
        "probeer het opnieuw.",
    "Too many text messages have been sent. Wait an hour, or log in another way.":
        "Er zijn te veel sms-berichten gestuurd. Wacht een uur, of log op een andere manier "
        "in.",
    "%(code)s is your code for the client portal of %(firm)s. It is valid for %(minutes)s "
    "minutes. Never share this code with anyone.":
        "%(code)s is uw code voor het klantenportaal van %(firm)s. De code is %(minutes)s "
        "minuten geldig. Deel deze code nooit met iemand.",
    "Your recovery code": "Uw herstelcode",
    "Two-step verification by SMS is on.": "2-staps verificatie per sms staat aan.",
    "You need this recovery code when your mobile number is not available and you want to "
    "log in to the client portal. Write it down or save it, and keep it in a safe place.":
        "Deze herstelcode heeft u nodig als uw mobiele nummer niet beschikbaar is en u wilt "
        "inloggen op het klantenportaal. Schrijf de code op of sla hem op, en bewaar hem op "
        "een veilige plek.",
    "This code is shown only this once and works only once. After using it, set up "
    "two-step verification again.":
        "Deze code wordt alleen nu getoond en werkt maar één keer. Stel na gebruik 2-staps "
        "verificatie opnieuw in.",
    "I have saved my recovery code": "Ik heb mijn herstelcode bewaard",

    # The authenticator app.
    "Authenticator app": "Authenticator-app",
    "An app on your phone, such as Google Authenticator or Microsoft Authenticator, shows "
    "a new code every 30 seconds. It also works without mobile reception.":
        "Een app op uw telefoon, zoals Google Authenticator of Microsoft Authenticator, "
        "toont elke 30 seconden een nieuwe code. Dat werkt ook zonder mobiel bereik.",
    "Set up the authenticator app": "Authenticator-app instellen",
    "Turn off the authenticator app": "Authenticator-app uitzetten",
    "Install an authenticator app on your phone, such as Google Authenticator or Microsoft "
    "Authenticator, if you do not have one yet.":
        "Installeer een authenticator-app op uw telefoon, zoals Google Authenticator of "
        "Microsoft Authenticator, als u die nog niet heeft.",
    "In the app, add an account and scan this QR code.":
        "Voeg in de app een account toe en scan deze QR-code.",
    "QR code for your authenticator app": "QR-code voor uw authenticator-app",
    "Cannot scan the code? Then enter this key in the app:":
        "Lukt het scannen niet? Vul dan deze sleutel in de app in:",
    "Enter the 6-digit code that the app now shows, to confirm.":
        "Vul ter bevestiging de code van 6 cijfers in die de app nu toont.",
    "This code is not correct. Enter the code that your authenticator app shows now.":
        "Deze code is onjuist. Vul de code in die uw authenticator-app nu toont.",
    "Your authenticator app has been set up. From now on you log in with a code from the "
    "app.":
        "Uw authenticator-app is ingesteld. Vanaf nu logt u in met een code uit de app.",
    "Your authenticator app has already been set up.":
        "Uw authenticator-app is al ingesteld.",

    # Backup codes.
    "Backup codes": "Back-upcodes",
    "Your backup codes": "Uw back-upcodes",
    "Ten codes that you can each use once instead of a code from your phone, for example "
    "when you have lost it. Keep them in a safe place, for example on your computer.":
        "Tien codes die u elk één keer kunt gebruiken in plaats van een code van uw "
        "telefoon, bijvoorbeeld als u die kwijt bent. Bewaar ze op een veilige plek, "
        "bijvoorbeeld op uw computer.",
    "New codes replace the codes you have now.":
        "Nieuwe codes vervangen de codes die u nu heeft.",
    "Make new backup codes": "Nieuwe back-upcodes maken",
    "Each of these codes works once, instead of a code from your phone. Keep them in a "
    "safe place, for example on your computer. You need them if you lose your mobile "
    "phone, for example.":
        "Elk van deze codes werkt één keer, in plaats van een code van uw telefoon. Bewaar "
        "ze op een veilige plek, bijvoorbeeld op uw computer. U heeft ze nodig als u "
        "bijvoorbeeld uw mobiele telefoon verliest.",
    "These codes are shown only this once. Any earlier backup codes no longer work.":
        "Deze codes worden alleen nu getoond. Eerdere back-upcodes werken niet meer.",
    "Download as text file": "Downloaden als tekstbestand",
    "I have saved my backup codes": "Ik heb mijn back-upcodes bewaard",
    "Backup codes for the client portal of %(firm)s":
        "Back-upcodes voor het klantenportaal van %(firm)s",
    "Each code works once, instead of a code from your phone. Keep this file in a safe "
    "place.":
        "Elke code werkt één keer, in plaats van een code van uw telefoon. Bewaar dit "
        "bestand op een veilige plek.",
    "backup-codes": "back-upcodes",

    # Turning a method off.
    "Turn off": "Uitzetten",
    "Cancel": "Annuleer",
    "For your security, enter your password again.":
        "Vul voor uw veiligheid uw wachtwoord opnieuw in.",
    "This is your only method: two-step verification will be off, and your recovery and "
    "backup codes stop working.":
        "Dit is uw enige methode: 2-staps verificatie gaat uit, en uw herstelcode en "
        "back-upcodes werken niet meer.",
    "Two-step verification by SMS has been turned off.":
        "2-staps verificatie per sms is uitgezet.",
    "Two-step verification with the authenticator app has been turned off.":
        "2-staps verificatie met de authenticator-app is uitgezet.",

    # The second step of logging in.
    "Open the authenticator app on your phone and enter the 6-digit code it shows for "
    "%(firm)s.":
        "Open de authenticator-app op uw telefoon en vul de code van 6 cijfers in die de "
        "app voor %(firm)s toont.",
    "Enter the 6-digit code from the SMS we sent to your mobile number ending in "
    "%(digits)s.":
        "Vul de code van 6 cijfers in uit het sms-bericht dat we naar uw mobiele nummer "
        "eindigend op %(digits)s hebben gestuurd.",
    "Enter your recovery code or one of your backup codes. Each code works only once.":
        "Vul uw herstelcode of een van uw back-upcodes in. Elke code werkt maar één keer.",
    "Log in another way": "Op een andere manier inloggen",
    "Use the code from my authenticator app": "De code uit mijn authenticator-app gebruiken",
    "Send me a code by SMS": "Stuur mij een code per sms",
    "Use a recovery code or backup code": "Een herstelcode of back-upcode gebruiken",
    "Start again with my e-mail address and password":
        "Opnieuw beginnen met mijn e-mailadres en wachtwoord",
    "We have sent a code by SMS to your mobile number ending in %(digits)s.":
        "We hebben een code per sms gestuurd naar uw mobiele nummer eindigend op "
        "%(digits)s.",
    "This recovery or backup code is not correct, or it has been used before.":
        "Deze herstelcode of back-upcode is onjuist, of is al eerder gebruikt.",
    "Your login has expired. Please log in again.":
        "Uw inlogpoging is verlopen. Log opnieuw in.",
    "You have logged in with your recovery code, which cannot be used again. Set up "
    "two-step verification again now.":
        "U bent ingelogd met uw herstelcode; die kan niet nog eens worden gebruikt. Stel nu "
        "opnieuw 2-staps verificatie in.",
    ("You have logged in with a backup code. You have %(num)s backup code left.",
     "You have logged in with a backup code. You have %(num)s backup codes left."):
        ("U bent ingelogd met een back-upcode. U heeft nog %(num)s back-upcode over.",
         "U bent ingelogd met een back-upcode. U heeft nog %(num)s back-upcodes over."),

    # The mail about a changed two-step setting.
    "The security settings of your account have changed":
        "De beveiligingsinstellingen van uw account zijn gewijzigd",
    "Two-step verification by SMS has been turned on for your account.":
        "2-staps verificatie per sms is aangezet voor uw account.",
    "The mobile number for two-step verification of your account has been changed.":
        "Het mobiele nummer voor de 2-staps verificatie van uw account is gewijzigd.",
    "Two-step verification by SMS has been turned off for your account.":
        "2-staps verificatie per sms is uitgezet voor uw account.",
    "An authenticator app has been set up for two-step verification of your account.":
        "Er is een authenticator-app ingesteld voor de 2-staps verificatie van uw account.",
    "The authenticator app has been turned off for two-step verification of your account.":
        "De authenticator-app is uitgezet voor de 2-staps verificatie van uw account.",
    "New backup codes have been made for your account; the earlier ones no longer work.":
        "Er zijn nieuwe back-upcodes gemaakt voor uw account; de eerdere werken niet meer.",
    "Your recovery code has been used to log in to your account. Set up two-step "
    "verification again to get a new one.":
        "Uw herstelcode is gebruikt om in te loggen op uw account. Stel 2-staps verificatie "
        "opnieuw in om een nieuwe te krijgen.",

    # Accounts | Extra accounts.
    "Extra accounts of %(company)s see the company's dossiers, just like the main account.":
        "Extra accounts van %(company)s zien de dossiers van het bedrijf, net als het "
        "hoofdaccount.",
    "Status": "Status",
    "Actions": "Acties",
    "Active": "Actief",
    "Invited": "Uitgenodigd",
    "View": "Inzien",
    "Delete": "Verwijderen",
    "There are no extra accounts yet.": "Er zijn nog geen extra accounts.",
    "Add an extra account": "Extra account toevoegen",
    "The new account receives an e-mail with a link to set up the account and a password.":
        "Het nieuwe account ontvangt een e-mail met een link om het account en een "
        "wachtwoord in te stellen.",
    "Enter a name.": "Vul een naam in.",
    "Enter the e-mail address.": "Vul het e-mailadres in.",
    "Language of the portal and its e-mails": "Taal van het portaal en de e-mails",
    "Choose a language.": "Kies een taal.",
    "Add account": "Account toevoegen",
    "There is already an account with this e-mail address.":
        "Er is al een account met dit e-mailadres.",
    "The account of %(name)s has been added. An e-mail has been sent to %(email)s to set "
    "up the account.":
        "Het account van %(name)s is toegevoegd. Er is een e-mail gestuurd naar %(email)s "
        "om het account in te stellen.",
    "Back to the extra accounts": "Terug naar de extra accounts",
    "Added on": "Toegevoegd op",
    "Invited, has not logged in yet": "Uitgenodigd, nog niet ingelogd",
    "Last login": "Laatst ingelogd",
    "Never": "Nooit",
    "Delete account": "Account verwijderen",
    "Delete the account of %(name)s?": "Het account van %(name)s verwijderen?",
    "%(name)s (%(email)s) can no longer log in, from the moment you delete the account. "
    "This cannot be undone; you can add the account again later.":
        "%(name)s (%(email)s) kan niet meer inloggen vanaf het moment dat u het account "
        "verwijdert. Dit kan niet ongedaan worden gemaakt; u kunt het account later wel "
        "opnieuw toevoegen.",
    "The account of %(name)s has been deleted.": "Het account van %(name)s is verwijderd.",

    # Profiel: name and e-mail address.
    "Profile": "Profiel",
    "Change name": "Naam wijzigen",
    "The client portal and its e-mails address you by this name.":
        "Met deze naam spreken het klantenportaal en de e-mails u aan.",
    "Enter your name.": "Vul uw naam in.",
    "The name may be at most 200 characters long.":
        "De naam mag hoogstens 200 tekens lang zijn.",
    "Save name": "Naam opslaan",
    "Your name has been saved.": "Uw naam is opgeslagen.",
    "Change e-mail address": "E-mailadres wijzigen",
    "Your e-mail address now is %(email)s.": "Uw e-mailadres is nu %(email)s.",
    "We send a link to the new address. Your e-mail address changes only once you open that "
    "link; until then you log in and receive e-mails at your current address.":
        "We sturen een link naar het nieuwe adres. Uw e-mailadres verandert pas als u die "
        "link opent; tot dan logt u in en ontvangt u e-mails op uw huidige adres.",
    "A link has already been sent to %(email)s and has not been opened yet. A new request "
    "replaces it.":
        "Er is al een link gestuurd naar %(email)s die nog niet is geopend. Een nieuwe "
        "aanvraag vervangt die.",
    "New e-mail address": "Nieuw e-mailadres",
    "Enter the new e-mail address.": "Vul het nieuwe e-mailadres in.",
    "The e-mail address may be at most 254 characters long.":
        "Het e-mailadres mag hoogstens 254 tekens lang zijn.",
    "Send confirmation link": "Bevestigingslink versturen",
    "This is already your e-mail address.": "Dit is al uw e-mailadres.",
    "This e-mail address cannot be used. Choose another address.":
        "Dit e-mailadres kan niet worden gebruikt. Kies een ander adres.",
    "You have asked for too many links. Wait an hour and try again.":
        "U heeft te veel links aangevraagd. Wacht een uur en probeer het opnieuw.",
    "We have sent a link to %(email)s. Your e-mail address changes once you open that link.":
        "We hebben een link gestuurd naar %(email)s. Uw e-mailadres verandert zodra u die "
        "link opent.",
    "Waiting for confirmation: we have sent a link to %(email)s. Your e-mail address "
    "changes once you open that link.":
        "Wacht op bevestiging: we hebben een link gestuurd naar %(email)s. Uw e-mailadres "
        "verandert zodra u die link opent.",
    "Confirm your new e-mail address": "Bevestig uw nieuwe e-mailadres",
    "From now on you log in with %(new)s and receive the e-mails of the client portal "
    "there, instead of at %(old)s.":
        "Vanaf nu logt u in met %(new)s en ontvangt u de e-mails van het klantenportaal "
        "daar, in plaats van op %(old)s.",
    "Confirm e-mail address": "E-mailadres bevestigen",
    "Your e-mail address has been changed to %(email)s. A notice has been sent to %(old)s.":
        "Uw e-mailadres is gewijzigd in %(email)s. Er is een melding gestuurd naar %(old)s.",
    "Your e-mail address has not been changed. You can ask for a new link.":
        "Uw e-mailadres is niet gewijzigd. U kunt een nieuwe link aanvragen.",
    "Confirm your new e-mail address for the client portal":
        "Bevestig uw nieuwe e-mailadres voor het klantenportaal",
    "You have asked to use this e-mail address for your account at the client portal of "
    "%(firm)s. Open the link below to confirm it.":
        "U heeft gevraagd dit e-mailadres te gebruiken voor uw account op het "
        "klantenportaal van %(firm)s. Open de link hieronder om dat te bevestigen.",
    "Did you not ask for this? Then you can ignore this e-mail; nothing changes.":
        "Heeft u hier niet om gevraagd? Dan kunt u deze e-mail negeren; er verandert niets.",
    "The e-mail address of your account has been changed":
        "Het e-mailadres van uw account is gewijzigd",
    "The e-mail address of your account at the client portal has been changed. From now on "
    "you log in with the new address, and the e-mails of the client portal go there.":
        "Het e-mailadres van uw account op het klantenportaal is gewijzigd. Vanaf nu logt u "
        "in met het nieuwe adres, en gaan de e-mails van het klantenportaal daarheen.",

    # Inlogactiviteit: recent logins and open sessions.
    "Login activity": "Inlogactiviteit",
    "See when and from where your account was logged in, and log out on other devices.":
        "Bekijk wanneer en van waar er op uw account is ingelogd, en log uit op andere "
        "apparaten.",
    ("%(num)s open session, this one included.", "%(num)s open sessions, this one included."):
        ("%(num)s open sessie, deze meegeteld.", "%(num)s open sessies, deze meegeteld."),
    "View login activity": "Inlogactiviteit bekijken",
    "Check that you recognise every login. Do you see one that was not you? Log out "
    "everywhere else, change your password via Set password, and contact us.":
        "Controleer of u elke keer dat er is ingelogd herkent. Ziet u er een die u niet was? "
        "Log overal anders uit, wijzig uw wachtwoord via Instellen wachtwoord en neem "
        "contact met ons op.",
    "Where you are logged in now": "Waar u nu bent ingelogd",
    "Browser": "Browser",
    "IP address": "IP-adres",
    "Logged in at": "Ingelogd op",
    "Last active": "Laatst actief",
    "this browser": "deze browser",
    "Every other browser and device is logged out at once; this one stays logged in.":
        "Elke andere browser en elk ander apparaat wordt meteen uitgelogd; deze blijft "
        "ingelogd.",
    "Log out everywhere else": "Overal anders uitloggen",
    "You have been logged out everywhere else.": "U bent overal anders uitgelogd.",
    "You were not logged in anywhere else.": "U was nergens anders ingelogd.",
    "Recent logins": "Recente inlogmomenten",
    "Time": "Tijdstip",
    "No logins have been recorded yet.": "Er zijn nog geen inlogmomenten vastgelegd.",
    "%(browser)s on %(system)s": "%(browser)s op %(system)s",
    "Unknown browser": "Onbekende browser",

    # Backup codes: a reload does not replace them.
    "Your backup codes have not been replaced, because new ones were made after this page "
    "was opened. Make new backup codes only if you have lost the ones you have.":
        "Uw back-upcodes zijn niet vervangen, omdat er nieuwe zijn gemaakt nadat deze pagina "
        "werd geopend. Maak alleen nieuwe back-upcodes als u de codes die u heeft kwijt bent.",
}
