NL = {
    # Documents asked for from a questionnaire's answers: the builder's checks
    "This document is no longer asked for.": "Dit stuk wordt niet meer opgevraagd.",
    "The document “%(title)s” is asked for depending on the answer to “%(question)s”. Remove that document first.":
        "Het stuk “%(title)s” wordt opgevraagd afhankelijk van het antwoord op “%(question)s”. Verwijder eerst dat stuk.",
    "The document “%(title)s” is asked for when the answer to this question is “%(value)s”. Keep that answer possible, or change that document first.":
        "Het stuk “%(title)s” wordt opgevraagd bij het antwoord “%(value)s” op deze vraag. Laat dat antwoord mogelijk, of pas eerst dat stuk aan.",
    "A document can only be asked for depending on the answer to a yes/no or choice question of this questionnaire.":
        "Een stuk kan alleen worden opgevraagd afhankelijk van het antwoord op een ja/nee-vraag of keuzevraag van deze vragenlijst.",
    "“%(question)s” already asks for “%(title)s”. Change that document instead: it can be asked for on several answers.":
        "Bij “%(question)s” wordt “%(title)s” al opgevraagd. Pas dat stuk aan: het kan bij meerdere antwoorden worden opgevraagd.",
    # The form
    "Ask for it when the answer is": "Opvragen als het antwoord is",
    "From the firm's list": "Uit de lijst van het kantoor",
    "Or type the title of the document": "Of typ de titel van het stuk",
    "The explanation may be at most 1000 characters long.": "De toelichting mag hoogstens 1000 tekens lang zijn.",
    "This is an identity document": "Dit is een identiteitsbewijs",
    "None: I type the document below": "Geen: ik typ het stuk hieronder",
    "%(title)s (identity document)": "%(title)s (identiteitsbewijs)",
    "Choose the answer, or answers, that ask for this document.":
        "Kies het antwoord of de antwoorden waarbij dit stuk wordt opgevraagd.",
    "This document is no longer on the firm's list. Choose another one, or type the document below.":
        "Dit stuk staat niet meer op de lijst van het kantoor. Kies een ander stuk, of typ het stuk hieronder.",
    "Choose a document from the firm's list, or type one yourself below, not both.":
        "Kies een stuk uit de lijst van het kantoor, of typ er hieronder zelf een, niet allebei.",
    "Choose a document from the firm's list, or type its title.":
        "Kies een stuk uit de lijst van het kantoor, of typ de titel ervan.",
    # The views
    "The document has been added. The client is asked for it on completing the questionnaire with that answer.":
        "Het stuk is toegevoegd. De cliënt wordt erom gevraagd bij het voltooien van de vragenlijst met dat antwoord.",
    "The document has been saved.": "Het stuk is opgeslagen.",
    "The document is no longer asked for.": "Het stuk wordt niet meer opgevraagd.",
    # The builder
    "Asks for “%(title)s” if the answer is “%(value)s”": "Vraagt om “%(title)s” als het antwoord “%(value)s” is",
    "Ask for a document": "Stuk opvragen",
    "depending on the answer to “%(question)s”": "afhankelijk van het antwoord op “%(question)s”",
    "When the client completes the questionnaire, the documents that their answers ask for are requested under Actions, as Documents to provide. To ask for a document, choose “Ask for a document” at a yes/no or choice question.":
        "Als de cliënt de vragenlijst voltooit, worden de stukken waar de antwoorden om vragen opgevraagd onder Acties, als Aan te leveren stukken. Om een stuk op te vragen kiest u “Stuk opvragen” bij een ja/nee-vraag of keuzevraag.",
    "No documents are asked for yet.": "Er worden nog geen stukken opgevraagd.",
    "identity document": "identiteitsbewijs",
    "Asked for only if %(condition)s": "Alleen opgevraagd als %(condition)s",
    "Always asked for": "Altijd opgevraagd",
    "Remove": "Verwijderen",
    "Change requested document": "Opgevraagd stuk wijzigen",
    "Depending on the answer to “%(question)s”: when the client completes the questionnaire with one of the answers you tick, they are asked for this document under Actions.":
        "Afhankelijk van het antwoord op “%(question)s”: voltooit de cliënt de vragenlijst met een van de antwoorden die u aanvinkt, dan wordt dit stuk opgevraagd onder Acties.",
    "Always asked for when the client completes the questionnaire.":
        "Altijd opgevraagd als de cliënt de vragenlijst voltooit.",
    "This question already asks for": "Bij deze vraag worden al opgevraagd",
    "if the answer is “%(value)s”": "als het antwoord “%(value)s” is",
    "Another document": "Nog een stuk",
    "Tick several answers to ask for the document on each of them.":
        "Vink meerdere antwoorden aan om het stuk bij elk daarvan op te vragen.",
    "Which document": "Welk stuk",
    "The list is kept by an administrator under Settings.":
        "De lijst wordt door een beheerder bijgehouden onder Instellingen.",
    "For example: “A copy of the front and back of your passport or identity card.”":
        "Bijvoorbeeld: “Een kopie van de voor- en achterkant van uw paspoort of ID-kaart.”",
    "Save document": "Stuk opslaan",
    # The preview's summary
    "With these answers, completing the questionnaire asks the client for these documents (Documents to provide, under Actions):":
        "Met deze antwoorden worden bij het voltooien deze stukken bij de cliënt opgevraagd (Aan te leveren stukken, onder Acties):",
    "With these answers, completing the questionnaire asks the client for no documents.":
        "Met deze antwoorden worden bij het voltooien geen stukken bij de cliënt opgevraagd.",
    # The client's screen after completing
    ("Based on your answers, we now ask you for this document:",
     "Based on your answers, we now ask you for these %(num)d documents:"): (
        "Op basis van uw antwoorden vragen wij u nu om dit stuk:",
        "Op basis van uw antwoorden vragen wij u nu om deze %(num)d stukken:"),
    "You hand in documents under Actions, now or later.":
        "U levert stukken aan onder Acties, nu of later.",
    "Go to Actions": "Naar Acties",
}
