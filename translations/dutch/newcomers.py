"""Issue 16: what a new client and a new lawyer run into."""
NL = {
    "A very common password, or one that contains your e-mail address, is not accepted either.":
        "Een veelgebruikt wachtwoord, of een wachtwoord waarin uw e-mailadres staat, wordt ook "
        "niet geaccepteerd.",
    "This code has already been used. Wait for the next code in your authenticator app and "
    "enter that one.":
        "Deze code is al gebruikt. Wacht op de volgende code in uw authenticator-app en vul "
        "die in.",
}
