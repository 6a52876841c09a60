NL = {
    # Instellingen → API-sleutels (app/staff/api_keys.py, templates/staff/api_key*.html)
    "API keys": "API-sleutels",
    "New API key": "Nieuwe API-sleutel",
    "Back to the API keys": "Terug naar de API-sleutels",
    "A key lets another system of the firm (a case management system, say) use the "
    "portal's API. It acts for one staff account, whose rights apply, and may do only what "
    "its scopes allow.":
        "Met een sleutel gebruikt een ander systeem van het kantoor (bijvoorbeeld het "
        "dossiersysteem) de API van het portaal. De sleutel handelt namens één "
        "medewerkersaccount, waarvan de rechten gelden, en mag alleen wat zijn "
        "bevoegdheden toestaan.",
    "About the API": "Over de API",
    "Key starts with": "Sleutel begint met",
    "Scopes": "Bevoegdheden",
    "Acts for": "Namens",
    "Created": "Aangemaakt",
    "Expires": "Verloopt",
    "Last used": "Laatst gebruikt",
    "from %(ip)s": "vanaf %(ip)s",
    "Revoked": "Ingetrokken",
    "Expired": "Verlopen",
    "There are no API keys yet.": "Er zijn nog geen API-sleutels.",
    "What the key may do": "Wat de sleutel mag",
    "Expires on (optional)": "Verloopt op (optioneel)",
    "Allowed IP addresses (optional)": "Toegestane IP-adressen (optioneel)",
    "Allowed IP addresses": "Toegestane IP-adressen",
    "The name may be at most %(max)d characters long.":
        "De naam mag hoogstens %(max)d tekens lang zijn.",
    "Enter the date as 31-12-2026, or leave it empty.":
        "Vul de datum in als 31-12-2026, of laat het veld leeg.",
    "The expiry date cannot be in the past.": "De vervaldatum kan niet in het verleden liggen.",
    "Make key": "Sleutel maken",
    "Which system uses it, so you recognise it in the audit log: “Integration: name”.":
        "Welk systeem hem gebruikt, zodat u hem herkent in het auditlog: "
        "„Koppeling: naam”.",
    "The key may see and do what this staff account may, never more. What it does is "
    "logged in the audit log on behalf of this account.":
        "De sleutel mag zien en doen wat dit medewerkersaccount mag, nooit meer. Wat hij "
        "doet, staat in het auditlog namens dit account.",
    "Choose only what the system needs.": "Kies alleen wat het systeem nodig heeft.",
    "The key stops working at the end of this day. Leave it empty for a key that does not "
    "expire.":
        "De sleutel werkt niet meer na het einde van deze dag. Laat het veld leeg voor een "
        "sleutel die niet verloopt.",
    "Only calls from these addresses are accepted, like 192.0.2.10 or 192.0.2.0/24; "
    "separate them with spaces. Leave it empty to accept calls from anywhere.":
        "Alleen aanroepen vanaf deze adressen worden geaccepteerd, zoals 192.0.2.10 of "
        "192.0.2.0/24; scheid ze met spaties. Laat het veld leeg om aanroepen vanaf elk "
        "adres te accepteren.",
    "Your new API key": "Uw nieuwe API-sleutel",
    "Copy the key now: it will not be shown again.":
        "Kopieer de sleutel nu: hij wordt niet nog eens getoond.",
    "The portal keeps only a fingerprint of it. If the key is lost, revoke it and make a "
    "new one.":
        "Het portaal bewaart alleen een vingerafdruk ervan. Raakt de sleutel kwijt, trek "
        "hem dan in en maak een nieuwe.",
    "API key “%(name)s”": "API-sleutel „%(name)s”",
    "The system sends it with every call, in the header “Authorization: Bearer” followed "
    "by the key.":
        "Het systeem stuurt hem mee met elke aanroep, in de header „Authorization: Bearer”, "
        "gevolgd door de sleutel.",
    "I have copied the key": "Ik heb de sleutel gekopieerd",
    "Revoke the API key “%(name)s”?": "API-sleutel „%(name)s” intrekken?",
    "This key no longer works already.": "Deze sleutel werkt al niet meer.",
    "The key stops working at once: every call the system makes with it is refused. This "
    "cannot be undone; the system then needs a new key.":
        "De sleutel werkt meteen niet meer: elke aanroep die het systeem ermee doet, wordt "
        "geweigerd. Dit kan niet ongedaan worden gemaakt; het systeem heeft dan een nieuwe "
        "sleutel nodig.",
    "Revoke key": "Sleutel intrekken",
    "The API key “%(name)s” has been revoked: it no longer works.":
        "De API-sleutel „%(name)s” is ingetrokken: hij werkt niet meer.",

    # Instellingen → Webhooks (app/staff/webhooks.py, templates/staff/webhook*.html)
    "Webhooks": "Webhooks",
    "Webhook": "Webhook",
    "New webhook": "Nieuwe webhook",
    "Add webhook": "Webhook toevoegen",
    "Edit webhook": "Webhook wijzigen",
    "Delete webhook": "Webhook verwijderen",
    "Back to the webhooks": "Terug naar de webhooks",
    "Back to the webhook": "Terug naar de webhook",
    "A webhook tells another system of the firm about events in the portal (a client "
    "completed a questionnaire, say): the portal sends each event to the webhook's address, "
    "signed with its secret, and tries again later if the address does not answer.":
        "Een webhook meldt een ander systeem van het kantoor wat er in het portaal gebeurt "
        "(bijvoorbeeld dat een cliënt een vragenlijst heeft ingevuld): het portaal stuurt "
        "elke gebeurtenis naar het adres van de webhook, ondertekend met het geheim, en "
        "probeert het later opnieuw als het adres niet antwoordt.",
    "Address": "Adres",
    "Address (URL)": "Adres (URL)",
    "Events": "Gebeurtenissen",
    "Last delivery": "Laatste verzending",
    "None yet": "Nog geen",
    "There are no webhooks yet.": "Er zijn nog geen webhooks.",
    "Delivered": "Afgeleverd",
    "Failed": "Mislukt",
    "Waiting": "Wacht",
    "Enter the address.": "Vul het adres in.",
    "The address may be at most %(max)d characters long.":
        "Het adres mag hoogstens %(max)d tekens lang zijn.",
    "Description (optional)": "Omschrijving (optioneel)",
    "The description may be at most %(max)d characters long.":
        "De omschrijving mag hoogstens %(max)d tekens lang zijn.",
    "Active: send events to this address": "Actief: gebeurtenissen naar dit adres sturen",
    "Allow a private address": "Privé-adres toestaan",
    "Where the receiving system listens, like https://dms.kantoor.nl/portaal/events.":
        "Waar het ontvangende systeem luistert, zoals "
        "https://dms.kantoor.nl/portaal/events.",
    "The events sent to this address.": "De gebeurtenissen die naar dit adres gaan.",
    "For yourself: which system this is.": "Voor uzelf: welk systeem dit is.",
    "Normally the portal refuses an address in the firm's own network or on the server "
    "itself (localhost, 10.x.x.x, 192.168.x.x and the like): whoever can add a webhook "
    "could otherwise make the portal send requests to systems that are not meant to be "
    "reachable from outside. Allow it only for a system of the firm's own that you know.":
        "Normaal weigert het portaal een adres in het eigen netwerk van het kantoor of op "
        "de server zelf (localhost, 10.x.x.x, 192.168.x.x en dergelijke): wie een webhook "
        "kan toevoegen, zou het portaal anders verzoeken kunnen laten sturen naar systemen "
        "die niet van buitenaf bereikbaar horen te zijn. Sta het alleen toe voor een eigen "
        "systeem van het kantoor dat u kent.",
    "Private address allowed": "Privé-adres toegestaan",
    "Secret": "Geheim",
    "Signing secret": "Ondertekeningsgeheim",
    "The receiving system checks the signature of each delivery with this secret "
    "(Standard Webhooks: the headers webhook-id, webhook-timestamp and webhook-signature). "
    "Keep it as secret as a password.":
        "Het ontvangende systeem controleert met dit geheim de handtekening van elke "
        "verzending (Standard Webhooks: de headers webhook-id, webhook-timestamp en "
        "webhook-signature). Houd het even geheim als een wachtwoord.",
    "A new secret takes effect at once: deliveries signed with it fail the receiving "
    "system's check until it has the new secret too.":
        "Een nieuw geheim geldt meteen: verzendingen die ermee zijn ondertekend, slagen "
        "pas voor de controle van het ontvangende systeem als dat het nieuwe geheim ook "
        "heeft.",
    "New secret": "Nieuw geheim",
    "Deliveries": "Verzendingen",
    "Event": "Gebeurtenis",
    "Event id": "Gebeurtenis-id",
    "Last answer": "Laatste antwoord",
    "No event has been sent to this address yet.":
        "Er is nog geen gebeurtenis naar dit adres gestuurd.",
    "Next try: %(when)s": "Volgende poging: %(when)s",
    "HTTP %(status)s": "HTTP %(status)s",
    "Send again": "Opnieuw versturen",
    "The 50 latest deliveries are shown.": "De 50 laatste verzendingen worden getoond.",
    "Delete the webhook?": "Webhook verwijderen?",
    "No event is sent to %(url)s any more, and its deliveries are deleted with it. This "
    "cannot be undone.":
        "Er gaan geen gebeurtenissen meer naar %(url)s, en de verzendingen worden mee "
        "verwijderd. Dit kan niet ongedaan worden gemaakt.",
    "The webhook has been added. Give its secret to the receiving system.":
        "De webhook is toegevoegd. Geef het geheim aan het ontvangende systeem.",
    "The webhook has been saved.": "De webhook is opgeslagen.",
    "The webhook has a new secret. Give it to the receiving system: deliveries are signed "
    "with it from now on.":
        "De webhook heeft een nieuw geheim. Geef het aan het ontvangende systeem: "
        "verzendingen worden er vanaf nu mee ondertekend.",
    "The webhook to %(url)s has been deleted.": "De webhook naar %(url)s is verwijderd.",
    "The event will be sent again shortly.": "De gebeurtenis wordt zo meteen opnieuw verstuurd.",

    # The audit log: what a key did (app/staff/audit_log.py)
    "Integration: %(name)s": "Koppeling: %(name)s",
    "API key": "API-sleutel",
}
