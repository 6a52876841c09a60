NL = {
    # Ter goedkeuring (app/approvals.py, the receipt, the notification mails)
    "This version is no longer waiting for your decision: a newer version has been "
    "published, or a decision was taken already. Look at the page again.":
        "Deze versie wacht niet meer op uw beslissing: er is een nieuwere versie gepubliceerd, "
        "of er is al een beslissing genomen. Bekijk de pagina opnieuw.",
    "Receipt of an approval in the client portal":
        "Ontvangstbevestiging van een goedkeuring in het klantenportaal",
    "Approved in the client portal": "Goedgekeurd in het klantenportaal",
    # The README of a client's data export (staff/client_privacy_export.txt)
    ("%(num)s document sent to you for approval, with every version and what you decided",
     "%(num)s documents sent to you for approval, with every version and what you decided"):
        ("%(num)s document ter goedkeuring aan u, met elke versie en wat u besliste",
         "%(num)s documenten ter goedkeuring aan u, met elke versie en wat u besliste"),
    "the receipts of your approvals, sealed by the firm":
        "de ontvangstbevestigingen van uw goedkeuringen, verzegeld door het kantoor",
    # The audit log
    "Document for approval": "Document ter goedkeuring",
    "Document sent for approval": "Document ter goedkeuring verstuurd",
    "New version sent for approval": "Nieuwe versie ter goedkeuring verstuurd",
    "Document approved by the client": "Document goedgekeurd door de cliënt",
    "Document not approved by the client": "Document niet goedgekeurd door de cliënt",
    "password": "wachtwoord",
    "authenticator app code": "code uit de authenticator-app",
    "SMS code": "sms-code",
    "recovery code": "herstelcode",
    "backup code": "back-upcode",
    "receipt": "ontvangstbevestiging",
    "Receipt of an approval": "Ontvangstbevestiging goedkeuring",
    "In the client portal of %(firm)s, %(name)s approved the document below. The approval "
    "is bound to this exact file by its SHA-256 fingerprint: any other file, or a changed "
    "one, has another fingerprint.":
        "In het klantenportaal van %(firm)s heeft %(name)s het onderstaande document "
        "goedgekeurd. De goedkeuring is gebonden aan precies dit bestand door de SHA-256-"
        "vingerafdruk: elk ander of gewijzigd bestand heeft een andere vingerafdruk.",
    "File name": "Bestandsnaam",
    "Version": "Versie",
    "SHA-256 of the file": "SHA-256 van het bestand",
    "Approved by": "Goedgekeurd door",
    "Approved on": "Goedgekeurd op",
    "From the address": "Vanaf het adres",
    "Identity confirmed with": "Identiteit bevestigd met",
    "Reference": "Kenmerk",
    "This receipt is sealed with the electronic seal of %(firm)s. A PDF reader shows "
    "whether the seal is valid and whether the receipt was changed after it was sealed.":
        "Deze ontvangstbevestiging is voorzien van het elektronisch zegel van %(firm)s. Een "
        "pdf-lezer laat zien of het zegel geldig is en of de ontvangstbevestiging na het "
        "verzegelen is gewijzigd.",
    ("%(num)s document waiting for your approval", "%(num)s documents waiting for your "
     "approval"):
        ("%(num)s document wacht op uw goedkeuring", "%(num)s documenten wachten op uw "
         "goedkeuring"),
    ("%(num)s decision of a client on a document for approval", "%(num)s decisions of "
     "clients on documents for approval"):
        ("%(num)s beslissing van een cliënt over een document ter goedkeuring",
         "%(num)s beslissingen van cliënten over documenten ter goedkeuring"),
    # Withdrawing a request for approval (staff/approval_withdraw.html, portal/approval.html)
    "Request for approval withdrawn": "Verzoek om goedkeuring ingetrokken",
    "Void: withdrawn by the firm": "Vervallen: ingetrokken door het kantoor",
    "Withdraw request": "Verzoek intrekken",
    "Back to the request for approval": "Terug naar het verzoek om goedkeuring",
    "Withdraw the request for approval of “%(title)s”?":
        "Het verzoek om goedkeuring van “%(title)s” intrekken?",
    "The client is no longer asked to approve it, and sees that the firm withdrew it. The "
    "document stays in Documenten; decisions taken and their receipts stay too. Publishing "
    "a new version asks the client again.":
        "De cliënt wordt niet meer om goedkeuring gevraagd en ziet dat het kantoor het verzoek "
        "heeft ingetrokken. Het document blijft in Documenten staan; genomen beslissingen en "
        "hun ontvangstbevestigingen blijven ook. Een nieuwe versie publiceren vraagt de "
        "cliënt opnieuw.",
    "“%(title)s” has been withdrawn: the client is no longer asked to approve it.":
        "“%(title)s” is ingetrokken: de cliënt wordt niet meer om goedkeuring gevraagd.",
    "The firm has withdrawn this request for approval: you do not need to do anything.":
        "Het kantoor heeft dit verzoek om goedkeuring ingetrokken: u hoeft niets te doen.",
}
