NL = {
    # Instellingen → Niet verzonden e-mails (app/staff/mail.py, templates/staff/mail.html).
    "Undelivered e-mails": "Niet verzonden e-mails",
    "E-mails that the mail server did not accept. Each is tried again later, with longer "
    "waits in between. An e-mail that the mail server refuses for good, or that failed every "
    "attempt, is given up on and waits for you here.":
        "E-mails die de mailserver niet heeft aangenomen. Elke e-mail wordt later opnieuw "
        "geprobeerd, met steeds langere pauzes. Een e-mail die de mailserver definitief "
        "weigert, of waarvan elke poging is mislukt, wordt opgegeven en wacht hier op u.",
    "Given up": "Opgegeven",
    "Check the address or the mail settings, then try again. An e-mail you delete is never "
    "sent.":
        "Controleer het adres of de mailinstellingen en probeer het dan opnieuw. Een e-mail "
        "die u verwijdert, wordt nooit verzonden.",
    "Try all again": "Alle opnieuw proberen",
    "No e-mail has been given up on.": "Er is geen e-mail opgegeven.",
    "Waiting for another try": "Wacht op een nieuwe poging",
    "No e-mail is waiting for another try.": "Er wacht geen e-mail op een nieuwe poging.",
    "Recipient": "Ontvanger",
    "Queued at": "Klaargezet op",
    "Attempts": "Pogingen",
    "Given up at": "Opgegeven op",
    "Next try": "Volgende poging",
    "Last error": "Laatste foutmelding",
    "Try again": "Opnieuw proberen",
    "%(shown)s of %(total)s are shown.": "%(shown)s van %(total)s worden getoond.",
    "This e-mail has been sent in the meantime.": "Deze e-mail is inmiddels verzonden.",
    "The e-mail to %(email)s will be sent again shortly.":
        "De e-mail aan %(email)s wordt zo meteen opnieuw verzonden.",
    ("%(num)s e-mail will be sent again shortly.", "%(num)s e-mails will be sent again shortly."):
        ("%(num)s e-mail wordt zo meteen opnieuw verzonden.",
         "%(num)s e-mails worden zo meteen opnieuw verzonden."),
    "Only an e-mail that has been given up on can be deleted.":
        "Alleen een opgegeven e-mail kan worden verwijderd.",
    "The e-mail to %(email)s has been deleted.": "De e-mail aan %(email)s is verwijderd.",
    # The notice on the staff start page (admins).
    ("%(num)s e-mail could not be delivered.", "%(num)s e-mails could not be delivered."):
        ("%(num)s e-mail kon niet worden verzonden.",
         "%(num)s e-mails konden niet worden verzonden."),
    "See the undelivered e-mails": "Bekijk de niet verzonden e-mails",
    # The audit log.
    "Undelivered e-mail tried again": "Niet verzonden e-mail opnieuw geprobeerd",
    "Every undelivered e-mail tried again": "Alle niet verzonden e-mails opnieuw geprobeerd",
    "Undelivered e-mail deleted": "Niet verzonden e-mail verwijderd",
}
