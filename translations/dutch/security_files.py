NL = {
    "A virus was found in the file.": "In het bestand is een virus gevonden.",
    "The content of the file is not a valid %(type)s file.": "De inhoud van het bestand is geen geldig %(type)s-bestand.",
    "The file cannot be checked for viruses right now. Try again later.": "Het bestand kan nu niet op virussen worden gecontroleerd. Probeer het later opnieuw.",
    "The file is a program; programs are not accepted, whatever their name.": "Het bestand is een programma; programma's worden niet geaccepteerd, welke naam ze ook hebben.",
    "The file is a web page or an SVG image, not a %(type)s file.": "Het bestand is een webpagina of een SVG-afbeelding, geen %(type)s-bestand.",
    "The file unpacks to far more data than it holds (a so-called zip bomb) and is refused as a precaution.": "Het bestand pakt uit tot veel meer gegevens dan het zelf bevat (een zogeheten zipbom) en wordt uit voorzorg geweigerd.",
    "“%(name)s” cannot be published. %(reason)s": "“%(name)s” kan niet worden gepubliceerd. %(reason)s",
    "“%(name)s” has not been added. %(reason)s": "“%(name)s” is niet toegevoegd. %(reason)s",
}
