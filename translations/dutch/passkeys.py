NL = {
    # Passkeys (issue 20): Mijn gegevens → 2-staps verificatie → Passkeys, and the login.
    "A passkey has been added to your account. It can be used to log in.":
        "Aan uw account is een passkey toegevoegd. Daarmee kan worden ingelogd.",
    "A passkey has been removed from your account.":
        "Van uw account is een passkey verwijderd.",
    "Add a passkey": "Passkey toevoegen",
    "Added": "Toegevoegd",
    "Adding a passkey needs JavaScript, which is off in this browser. Every other way of "
    "logging in keeps working.":
        "Voor het toevoegen van een passkey is JavaScript nodig, en dat staat in deze "
        "browser uit. Alle andere manieren van inloggen blijven werken.",
    "Back to passkeys": "Terug naar passkeys",
    "Confirm with a passkey and remove": "Bevestigen met een passkey en verwijderen",
    "Give the passkey a name by which you recognise the device, for example “Phone” or "
    "“Laptop at work”. Your browser then asks you to make the passkey.":
        "Geef de passkey een naam waaraan u het apparaat herkent, bijvoorbeeld "
        "“Telefoon” of “Laptop op het werk”. Daarna vraagt uw browser u de passkey te "
        "maken.",
    "Give the passkey a name.": "Geef de passkey een naam.",
    "Log in with a passkey": "Inloggen met passkey",
    "Log in with your phone, your fingerprint, your face or a security key, without a code "
    "to type: a passkey works only on this website, so it cannot be phished. With a passkey "
    "you can also log in without your password.":
        "Log in met uw telefoon, uw vingerafdruk, uw gezicht of een beveiligingssleutel, "
        "zonder een code over te typen: een passkey werkt alleen op deze website en kan dus "
        "niet worden afgevangen. Met een passkey kunt u ook inloggen zonder uw wachtwoord.",
    "Login with a passkey failed": "Inloggen met passkey mislukt",
    "Make the passkey": "Passkey maken",
    "Manage passkeys": "Passkeys beheren",
    "Name of the passkey": "Naam van de passkey",
    "Not used yet": "Nog niet gebruikt",
    ("On: %(num)s passkey", "On: %(num)s passkeys"):
        ("Aan: %(num)s passkey", "Aan: %(num)s passkeys"),
    "On: log in with a passkey": "Aan: inloggen met een passkey",
    "To confirm that it is you who approves, use your passkey.":
        "Gebruik uw passkey, zodat vaststaat dat u het bent die goedkeurt.",
    "Confirm approval with my passkey": "Akkoord geven met mijn passkey",
    "passkey": "passkey",
    "Or confirm with a passkey": "Of bevestig met een passkey",
    "Passkey added": "Passkey toegevoegd",
    "Passkey removed": "Passkey verwijderd",
    "Passkeys": "Passkeys",
    "Passkeys need JavaScript, which is off in this browser. Use another way.":
        "Voor passkeys is JavaScript nodig, en dat staat in deze browser uit. Gebruik een "
        "andere manier.",
    "Passkeys work only at the address %(address)s of the portal. Open the portal there to "
    "add one.":
        "Passkeys werken alleen op het adres %(address)s van het portaal. Open het portaal "
        "daar om er een toe te voegen.",
    "Passkeys cannot be used at this address of the portal.":
        "Op dit adres van het portaal kunnen geen passkeys worden gebruikt.",
    "Passkeys work only at the address %(address)s of the portal.":
        "Passkeys werken alleen op het adres %(address)s van het portaal.",
    "Press the button. Your browser asks where to keep the passkey “%(name)s”: on this "
    "device, on your phone, or on a security key. Confirm with your fingerprint, face, PIN "
    "or screen lock.":
        "Druk op de knop. Uw browser vraagt waar de passkey “%(name)s” bewaard wordt: op dit "
        "apparaat, op uw telefoon of op een beveiligingssleutel. Bevestig met uw "
        "vingerafdruk, gezicht, pincode of schermvergrendeling.",
    "Remove passkey": "Passkey verwijderen",
    "Remove the passkey “%(name)s”": "Passkey “%(name)s” verwijderen",
    "Set up a passkey, SMS or the authenticator app first.":
        "Stel eerst een passkey, sms of de authenticator-app in.",
    "Something went wrong with the passkey. Try again, or use another way.":
        "Er ging iets mis met de passkey. Probeer het opnieuw, of gebruik een andere manier.",
    "Staff always use two-step verification. Set up another method first if you want to "
    "remove this passkey.":
        "Medewerkers gebruiken altijd 2-staps verificatie. Stel eerst een andere methode in "
        "als u deze passkey wilt verwijderen.",
    "The name may be at most 100 characters long.": "De naam mag hoogstens 100 tekens lang zijn.",
    "The passkey “%(name)s” has been removed.": "De passkey “%(name)s” is verwijderd.",
    "The passkey was not used. Try again, or use another way.":
        "De passkey is niet gebruikt. Probeer het opnieuw, of gebruik een andere manier.",
    "This browser cannot use passkeys here. Use another way.":
        "Deze browser kan hier geen passkeys gebruiken. Gebruik een andere manier.",
    "This passkey does not belong to your account. Use one of your own passkeys, or another "
    "way.":
        "Deze passkey hoort niet bij uw account. Gebruik een van uw eigen passkeys, of een "
        "andere manier.",
    "This device already holds a passkey for your account.":
        "Op dit apparaat staat al een passkey voor uw account.",
    "This passkey is not known for an account of this portal. Log in with your e-mail "
    "address and password.":
        "Deze passkey is niet bekend bij een account van dit portaal. Log in met uw "
        "e-mailadres en wachtwoord.",
    "This passkey request has expired. Try again.":
        "Dit verzoek om een passkey is verlopen. Probeer het opnieuw.",
    "Tip: set up more than one method, so that you can still log in if you cannot use one "
    "of them.":
        "Tip: stel meer dan één methode in, zodat u nog kunt inloggen als u er een niet kunt "
        "gebruiken.",
    "Use my passkey": "Mijn passkey gebruiken",
    "Use your passkey to log in: your browser asks for your phone, fingerprint, face, PIN or "
    "security key.":
        "Gebruik uw passkey om in te loggen: uw browser vraagt om uw telefoon, vingerafdruk, "
        "gezicht, pincode of beveiligingssleutel.",
    "With a passkey you log in with your phone, your fingerprint, your face, a PIN or a "
    "security key, without typing a code. A passkey works only on this website, so it "
    "cannot be phished.":
        "Met een passkey logt u in met uw telefoon, uw vingerafdruk, uw gezicht, een pincode "
        "of een beveiligingssleutel, zonder een code over te typen. Een passkey werkt alleen "
        "op deze website en kan dus niet worden afgevangen.",
    "You can no longer log in with this passkey once it is removed. Also remove it from the "
    "device itself (in its settings for passwords or passkeys).":
        "Na het verwijderen kunt u met deze passkey niet meer inloggen. Verwijder hem ook op "
        "het apparaat zelf (bij de instellingen voor wachtwoorden of passkeys).",
    "You have no passkeys yet.": "U heeft nog geen passkeys.",
    "Your browser or phone keeps the passkey; the portal keeps only a public key. If you "
    "lose the device, log in another way or with a backup code, and remove the passkey "
    "here.":
        "Uw browser of telefoon bewaart de passkey; het portaal bewaart alleen een openbare "
        "sleutel. Raakt u het apparaat kwijt, log dan op een andere manier of met een "
        "back-upcode in en verwijder de passkey hier.",
    "Your passkey “%(name)s” has been added. From now on you can log in with it.":
        "Uw passkey “%(name)s” is toegevoegd. U kunt er voortaan mee inloggen.",
    "Your passkey could not be verified. Try again, or log in another way.":
        "Uw passkey kon niet worden gecontroleerd. Probeer het opnieuw, of log op een andere "
        "manier in.",
    "Your passkey was not used. Try again, or use another way.":
        "Uw passkey is niet gebruikt. Probeer het opnieuw, of gebruik een andere manier.",
    "Your passkeys": "Uw passkeys",
}
