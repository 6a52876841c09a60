NL = {
    "The virus scanner cannot be reached: uploads are refused until it is back.": "De virusscanner is niet bereikbaar: uploads worden geweigerd tot hij weer werkt.",
}
