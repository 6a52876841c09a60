"""Issue 14 (helper G): answers too long to store, and names with control characters."""
NL = {
    "Your answers have not been saved: an answer is too long. Shorten it and try again.":
        "Uw antwoorden zijn niet opgeslagen: een antwoord is te lang. Maak het korter en "
        "probeer het opnieuw.",
    "A name may not contain line breaks, tabs or other invisible control characters.":
        "Een naam mag geen regeleinden, tabs of andere onzichtbare stuurtekens bevatten.",
}
