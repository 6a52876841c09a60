NL = {
    # Ter goedkeuring on the client's side (app/portal/approvals.py, portal/approval*.html,
    # the Acties rows and the mark in Documenten)
    "To approve": "Goedkeuren",
    "Waiting for your approval": "Wacht op uw goedkeuring",
    "For approval: %(title)s": "Ter goedkeuring: %(title)s",
    "Note from the firm": "Notitie van het kantoor",
    "version %(num)s": "versie %(num)s",
    "published on %(date)s": "gepubliceerd op %(date)s",
    "Read the document first. Then tell us whether you agree with it, or what should be "
    "different.":
        "Lees eerst het document. Laat ons daarna weten of u ermee akkoord gaat, of wat er "
        "anders moet.",
    "I approve": "Akkoord",
    "Not approved / comments": "Niet akkoord / opmerkingen",
    "Approved on %(date)s.": "Goedgekeurd op %(date)s.",
    "Download receipt": "Ontvangstbevestiging downloaden",
    "You did not approve this version on %(date)s. We will look at your comments.":
        "U bent op %(date)s niet akkoord gegaan met deze versie. Wij kijken naar uw "
        "opmerkingen.",
    "Read your comments in Messages": "Lees uw opmerkingen in Berichten",
    "History": "Geschiedenis",
    "Version %(num)s": "Versie %(num)s",
    "Approved on %(date)s": "Goedgekeurd op %(date)s",
    "Not approved on %(date)s": "Niet akkoord op %(date)s",
    "Waiting for your decision": "Wacht op uw beslissing",
    "Void: there is a newer version": "Vervallen: er is een nieuwere versie",
    "of version %(num)s": "van versie %(num)s",
    "SHA-256 (start)": "SHA-256 (begin)",
    "Published on": "Gepubliceerd op",
    # Akkoord geven
    "Approve “%(title)s”": "“%(title)s” goedkeuren",
    "Back to the document": "Terug naar het document",
    "You approve this file:": "U keurt dit bestand goed:",
    "To confirm that it is you who approves, enter your password.":
        "Vul uw wachtwoord in, zodat vaststaat dat u het bent die goedkeurt.",
    "To confirm that it is you who approves, enter the 6-digit code that your authenticator "
    "app shows for %(firm)s.":
        "Vul de code van 6 cijfers in die uw authenticator-app voor %(firm)s toont, zodat "
        "vaststaat dat u het bent die goedkeurt.",
    "To confirm that it is you who approves, have a code sent by SMS to your mobile number "
    "ending in %(digits)s and enter it.":
        "Laat een code per sms sturen naar uw mobiele nummer dat eindigt op %(digits)s en vul "
        "die in, zodat vaststaat dat u het bent die goedkeurt.",
    "To confirm that it is you who approves, enter your recovery code or one of your backup "
    "codes. Each code works only once.":
        "Vul uw herstelcode of een van uw back-upcodes in, zodat vaststaat dat u het bent die "
        "goedkeurt. Elke code werkt maar één keer.",
    "Confirm approval": "Akkoord geven",
    "Confirm another way": "Op een andere manier bevestigen",
    "Use a code by SMS": "Een code per sms gebruiken",
    "This form has expired. Please open the page again.":
        "Dit formulier is verlopen. Open de pagina opnieuw.",
    "There is no decision to take on this document now.":
        "Over dit document hoeft u nu niets te beslissen.",
    "A newer version of this document has been published since you opened the page, so "
    "nothing has been decided. Look at the new version first.":
        "Sinds u de pagina opende, is er een nieuwere versie van dit document gepubliceerd. "
        "Er is dus niets beslist. Bekijk eerst de nieuwe versie.",
    "You have approved version %(num)s of “%(title)s”. Your receipt is ready to download "
    "below.":
        "U heeft versie %(num)s van “%(title)s” goedgekeurd. Uw ontvangstbevestiging kunt u "
        "hieronder downloaden.",
    "You have used your recovery code, which cannot be used again. Set up two-step "
    "verification again under My details.":
        "U heeft uw herstelcode gebruikt; die werkt geen tweede keer. Stel de 2-staps "
        "verificatie opnieuw in onder Mijn gegevens.",
    "The SMS could not be sent. Try again in a moment, or confirm another way.":
        "Het sms-bericht kon niet worden verstuurd. Probeer het zo opnieuw, of bevestig op "
        "een andere manier.",
    "Too many text messages have been sent today. Try again tomorrow, or confirm another "
    "way.":
        "Er zijn vandaag te veel sms-berichten gestuurd. Probeer het morgen opnieuw, of "
        "bevestig op een andere manier.",
    "Too many text messages have been sent. Wait an hour, or confirm another way.":
        "Er zijn te veel sms-berichten gestuurd. Wacht een uur, of bevestig op een andere "
        "manier.",
    # Niet akkoord / opmerkingen
    "Not approved: “%(title)s”": "Niet akkoord: “%(title)s”",
    "You do not approve this file:": "U gaat niet akkoord met dit bestand:",
    "Your comments": "Uw opmerkingen",
    "What should be different? Your comments are sent to us as a message in this dossier "
    "(at most %(max)s characters).":
        "Wat moet er anders? Uw opmerkingen worden als bericht in dit dossier naar ons "
        "verstuurd (maximaal %(max)s tekens).",
    "Send comments": "Versturen",
    "Enter your comments: what should be different?":
        "Vul uw opmerkingen in: wat moet er anders?",
    "Your comments may be at most %(max)s characters long.":
        "Uw opmerkingen mogen maximaal %(max)s tekens lang zijn.",
    "Not approved: %(title)s (version %(num)s)": "Niet akkoord: %(title)s (versie %(num)s)",
    "Your comments on version %(num)s of “%(title)s” have been sent to us; you find them "
    "under Messages in the dossier.":
        "Uw opmerkingen over versie %(num)s van “%(title)s” zijn naar ons verstuurd; u vindt "
        "ze onder Berichten in het dossier.",
}
