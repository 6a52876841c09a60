NL = {
    # The API's documents and messages (app/api/documents.py, app/api/messages.py)
    "Send one file per call.": "Stuur één bestand per verzoek.",
    "Only documents published in Correspondence or Documents can be withdrawn or published "
    "again.":
        "Alleen documenten die in Correspondentie of Documenten zijn gepubliceerd, kunnen "
        "worden ingetrokken of opnieuw worden gepubliceerd.",
    "Not a message of this dossier.": "Geen bericht van dit dossier.",
}
