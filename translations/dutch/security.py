"""Dutch wording of the security work: password rules, throttling messages."""
NL = {
    # Passwords: the rules of the manual, plus common passwords, the e-mail address and a maximum.
    "This password is one of the most commonly used passwords. Choose one that is harder to guess.":
        "Dit wachtwoord is een van de meest gebruikte wachtwoorden. Kies een wachtwoord dat moeilijker te raden is.",
    "The password may not contain your e-mail address or the part before the @.":
        "Het wachtwoord mag uw e-mailadres of het deel vóór de @ niet bevatten.",
    "The password may be at most %(num)s characters long.":
        "Het wachtwoord mag maximaal %(num)s tekens lang zijn.",

    # Throttling: a pause that grows with every further failure.
    ("Too many failed attempts. Wait %(num)s minute and try again.",
     "Too many failed attempts. Wait %(num)s minutes and try again."):
        ("Te veel mislukte pogingen. Wacht %(num)s minuut en probeer het dan opnieuw.",
         "Te veel mislukte pogingen. Wacht %(num)s minuten en probeer het dan opnieuw."),
    ("Too many requests. Wait %(num)s minute and try again.",
     "Too many requests. Wait %(num)s minutes and try again."):
        ("Te veel verzoeken. Wacht %(num)s minuut en probeer het dan opnieuw.",
         "Te veel verzoeken. Wacht %(num)s minuten en probeer het dan opnieuw."),
}
