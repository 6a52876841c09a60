"""Dutch wording of issue 14, helper b: SMS limits and countries, the password before a
two-step set-up, and phone numbers with an extension."""
NL = {
    "Enter the number without an extension (such as “ext 12” or “x12”).":
        "Vul het nummer in zonder toestelnummer (zoals “ext 12” of “x12”).",
    "We cannot send text messages to mobile numbers of this country (%(country)s). Use a "
    "number from another country, or the authenticator app.":
        "Wij kunnen geen sms-berichten sturen naar mobiele nummers uit dit land "
        "(%(country)s). Gebruik een nummer uit een ander land, of de authenticator-app.",
    "Too many text messages have been sent to you or to this number today. Try again "
    "tomorrow, or set up the authenticator app.":
        "Er zijn vandaag te veel sms-berichten naar u of naar dit nummer gestuurd. Probeer "
        "het morgen opnieuw, of stel de authenticator-app in.",
    "Too many text messages have been sent today. Try again tomorrow, or log in another "
    "way.":
        "Er zijn vandaag te veel sms-berichten gestuurd. Probeer het morgen opnieuw, of log "
        "op een andere manier in.",
    "Enter your password to see the QR code for your app.":
        "Vul uw wachtwoord in om de QR-code voor uw app te zien.",
    "Countries for codes by SMS": "Landen voor codes per sms",
    "Enter two-letter country codes separated by spaces, like NL BE DE. Not a country "
    "code: %(codes)s.":
        "Vul landcodes van twee letters in, gescheiden door spaties, zoals NL BE DE. Geen "
        "landcode: %(codes)s.",
    "Codes for two-step verification are sent by SMS only to mobile numbers of these "
    "countries (against fraud with expensive numbers). Two-letter codes separated by "
    "spaces, like NL BE DE. Empty: the Netherlands and the other countries of the EU and "
    "the EEA.":
        "Codes voor 2-staps verificatie gaan per sms alleen naar mobiele nummers uit deze "
        "landen (tegen fraude met dure nummers). Landcodes van twee letters, gescheiden door "
        "spaties, zoals NL BE DE. Leeg: Nederland en de andere landen van de EU en de EER.",
}
