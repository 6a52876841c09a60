NL = {
    # How clients reach the firm: Instellingen, the footer before login, every mail.
    "How clients reach the firm": "Zo bereiken cliënten het kantoor",
    "Shown on the login page and at the bottom of every e-mail. Leave a field empty to leave "
    "it out.":
        "Staat op de inlogpagina en onderaan elke e-mail. Laat een veld leeg om het weg te "
        "laten.",
    "Like 020 1234567; a number abroad with its country code, like +32 2 123 45 67.":
        "Zoals 020 1234567; een nummer in het buitenland met landcode, zoals +32 2 123 45 67.",
    "E-mail address for clients": "E-mailadres voor cliënten",
    "Website": "Website",
    "Like www.kantoor.nl.": "Zoals www.kantoor.nl.",
    "Enter the address of a website, like www.kantoor.nl.":
        "Vul het adres van een website in, zoals www.kantoor.nl.",
    "The website address may be at most %(max)d characters long.":
        "Het adres van de website mag hoogstens %(max)d tekens lang zijn.",
    "Postal address": "Postadres",
    "Street and number on the first line, postcode and town on the next.":
        "Straat en huisnummer op de eerste regel, postcode en plaats op de volgende.",
    "The postal address may be at most %(max)d characters long.":
        "Het postadres mag hoogstens %(max)d tekens lang zijn.",
    "Welcome text on the login page": "Welkomsttekst op de inlogpagina",
    "Shown under the heading of the login page, at most 1,000 characters. An empty line "
    "starts a new paragraph.":
        "Staat onder de kop van de inlogpagina, hoogstens 1000 tekens. Een lege regel begint "
        "een nieuwe alinea.",
    "The welcome text may be at most %(max)d characters long.":
        "De welkomsttekst mag hoogstens %(max)d tekens lang zijn.",
    "Shown next to the firm's name at the top of every page, in the e-mails and on the PDFs, "
    "and as the icon of the portal in the browser.":
        "Staat naast de naam van het kantoor bovenaan elke pagina, in de e-mails en op de "
        "pdf's, en als pictogram van het portaal in de browser.",
    "Contact": "Contact",
    "Phone": "Telefoon",
}
