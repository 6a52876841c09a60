NL = {
    "There is something new for you in the client portal": "Er staat iets nieuws voor u klaar in het klantenportaal",
    "There is something new for you in the client portal of %(firm)s:": "Er staat iets nieuws voor u klaar in het klantenportaal van %(firm)s:",
    ("%(num)s new document", "%(num)s new documents"): ("%(num)s nieuw document", "%(num)s nieuwe documenten"),
    ("%(num)s new message", "%(num)s new messages"): ("%(num)s nieuw bericht", "%(num)s nieuwe berichten"),
    ("%(num)s new questionnaire to fill in", "%(num)s new questionnaires to fill in"): ("%(num)s nieuwe vragenlijst om in te vullen", "%(num)s nieuwe vragenlijsten om in te vullen"),
    "Log in to see it:": "Log in om het te bekijken:",
    "You can switch these e-mails off under My details.": "U kunt deze e-mails uitzetten onder Mijn gegevens.",
}
