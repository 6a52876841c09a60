NL = {
    "(required)": "(verplicht)",
    "The page has been updated.": "De pagina is bijgewerkt.",
}
