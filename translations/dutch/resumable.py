NL = {
    "The upload could not be started. Reload the page and try again.": "Het uploaden kon niet beginnen. Laad de pagina opnieuw en probeer het nog eens.",
    "You have too many uploads under way. Wait until they are done, or reload the page, and try again.": "U heeft te veel uploads tegelijk lopen. Wacht tot ze klaar zijn, of laad de pagina opnieuw, en probeer het nog eens.",
    "The upload is not where it was expected. It goes on from where the server stands.": "De upload staat niet waar hij werd verwacht. Hij gaat verder vanaf waar de server is.",
    "The upload sent more than the file holds.": "De upload stuurde meer dan het bestand bevat.",
    "The upload is no longer available; choose the file again.": "De upload is niet meer beschikbaar; kies het bestand opnieuw.",
}
