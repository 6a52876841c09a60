"""Issue 16, points 7, 8, 9 and 15: drafts that are not messages, empty states that help."""
NL = {
    # Berichten: a draft is shown to its writer only, apart from the messages (point 7).
    "Not sent": "Niet verzonden",
    ("Only you can see this message until you send it.",
     "Only you can see these messages until you send them."): (
        "Alleen u ziet dit bericht, totdat u het verstuurt.",
        "Alleen u ziet deze berichten, totdat u ze verstuurt."),
    "Last saved: %(when)s": "Laatst bewaard: %(when)s",
    "Only you can see this message. It has not been sent yet.":
        "Alleen u ziet dit bericht. Het is nog niet verstuurd.",
    # Empty states (point 15), client side.
    "You do not need to do anything: when we open a dossier for you, it will appear here, "
    "with everything we share with you about it.":
        "U hoeft niets te doen: zodra wij een dossier voor u openen, verschijnt het hier, met "
        "alles wat wij daarin met u delen.",
    "When we send you a questionnaire, it will appear here and the number next to Actions "
    "goes up. Until then there is nothing to do.":
        "Als wij u een vragenlijst sturen, verschijnt die hier en gaat het cijfer bij Acties "
        "omhoog. Tot die tijd hoeft u niets te doen.",
    "There are no letters or e-mails here yet.": "Hier staan nog geen brieven of e-mails.",
    "Letters and e-mails we publish in this dossier will appear here, for you to download.":
        "Brieven en e-mails die wij in dit dossier publiceren, verschijnen hier. U kunt ze "
        "dan downloaden.",
    "Other documents we publish in this dossier, such as a draft deed, a power of attorney "
    "or an invoice, will appear here.":
        "Overige documenten die wij in dit dossier publiceren, zoals een concept van de akte, "
        "een volmacht of een declaratie, verschijnen hier.",
    "You have not provided anything yet.": "U heeft nog niets aangeleverd.",
    "Documents you send us and questionnaires you fill in will appear here. To send us a "
    "document, write a message and add it as an attachment.":
        "Documenten die u ons stuurt en vragenlijsten die u invult, verschijnen hier. Wilt u "
        "ons een document sturen? Schrijf dan een bericht en voeg het toe als bijlage.",
    "Messages between you and us about this dossier will appear here. To ask us something or "
    "send us documents, choose New message.":
        "Berichten tussen u en ons over dit dossier verschijnen hier. Wilt u ons iets vragen "
        "of documenten sturen? Kies dan Nieuw bericht.",
    # Empty states, staff side.
    "Dossiers you handle, or handle on behalf of a lawyer who delegated to you, will appear "
    "here.":
        "Dossiers die u behandelt, of behandelt namens een behandelaar die aan u heeft "
        "gedelegeerd, verschijnen hier.",
    "The clients you create will appear here. Choose New client (person) or New company "
    "client above: the client gets an e-mail to set a password.":
        "De cliënten die u aanmaakt, verschijnen hier. Kies hierboven Nieuwe cliënt (persoon) "
        "of Nieuwe zakelijke cliënt (rechtspersoon): de cliënt krijgt een e-mail om een "
        "wachtwoord in te stellen.",
    "Messages that clients send in the dossiers you may see will appear here, new ones first.":
        "Berichten die cliënten sturen in de dossiers die u mag zien, verschijnen hier, de "
        "nieuwe bovenaan.",
    "Messages between the firm and the clients of this dossier will appear here. To write to "
    "the clients, use the form below.":
        "Berichten tussen het kantoor en de cliënten van dit dossier verschijnen hier. Wilt u "
        "de cliënten schrijven? Gebruik dan het formulier hieronder.",
}
