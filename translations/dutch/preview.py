"""Dutch for showing a document in the browser (Bekijken, issue 21 point 4)."""
NL = {
    "Show": "Bekijken",
    "Document viewed in the browser": "Document bekeken in de browser",
}
