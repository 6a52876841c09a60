"""Dutch for issue 14, points 12-14 (helper E): the 503 of a database outage."""
NL = {
    "The portal is temporarily unavailable": "Het portaal is tijdelijk niet beschikbaar",
    "The portal cannot reach its data right now. What was saved before is safe; what you "
    "sent just now has not been stored. Try again in a minute.":
        "Het portaal kan zijn gegevens nu niet bereiken. Wat eerder is opgeslagen, is veilig; "
        "wat u zojuist verstuurde, is niet opgeslagen. Probeer het over een minuut opnieuw.",
}
