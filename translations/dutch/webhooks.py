"""Dutch wording of the webhooks (app/webhooks.py): events, refused addresses, audit."""
NL = {
    "Client activated the account": "Cliënt heeft het account geactiveerd",
    "Document downloaded by the client (first time)":
        "Document gedownload door de cliënt (eerste keer)",
    "Message received from a client": "Bericht ontvangen van een cliënt",
    "Requested document handed in": "Opgevraagd document aangeleverd",
    "Webhook created": "Webhook aangemaakt",
    "Webhook changed": "Webhook gewijzigd",
    "Webhook deleted": "Webhook verwijderd",
    "Webhook secret replaced": "Geheime sleutel van webhook vervangen",
    "Webhook event sent again": "Webhookgebeurtenis opnieuw verstuurd",
    "Enter a web address that starts with https:// or http://.":
        "Vul een webadres in dat begint met https:// of http://.",
    "Leave the user name and password out of the web address.":
        "Laat de gebruikersnaam en het wachtwoord weg uit het webadres.",
    "The host %(host)s cannot be found.": "De server %(host)s is niet te vinden.",
    "%(host)s is on a local or private network; only an address on the internet is allowed.":
        "%(host)s staat in een lokaal of privénetwerk; alleen een adres op internet is "
        "toegestaan.",
    "Unknown event: %(event)s": "Onbekende gebeurtenis: %(event)s",
    "Choose at least one event.": "Kies ten minste één gebeurtenis.",
}
