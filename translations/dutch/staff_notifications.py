NL = {
    # The staff's notification mail (app/notifications.py, email/staff_notification.*)
    "There is something new from clients in the client portal": "Er is iets nieuws van cliënten in het klantenportaal",
    "There is something new from clients in the client portal of %(firm)s:": "Er is iets nieuws van cliënten in het klantenportaal van %(firm)s:",
    ("%(num)s new message from a client", "%(num)s new messages from clients"): ("%(num)s nieuw bericht van een cliënt", "%(num)s nieuwe berichten van cliënten"),
    ("%(num)s completed questionnaire", "%(num)s completed questionnaires"): ("%(num)s ingevulde vragenlijst", "%(num)s ingevulde vragenlijsten"),
    "Log in to the staff side to see it:": "Log in op het medewerkersdeel van het portaal om het te bekijken:",
    "Go to the staff side": "Naar het medewerkersdeel van het portaal",
    # Mijn gegevens of a staff member: "Stuur mij een e-mail als ..."
    "A client has completed a questionnaire": "een cliënt een vragenlijst heeft ingevuld",
    "A client has sent a message": "een cliënt een bericht heeft gestuurd",
    # The "new" count of the staff menu and inbox
    "%(num)s new": "%(num)s nieuw",
    "No new messages": "Geen nieuwe berichten",
    "New": "Nieuw",
}
