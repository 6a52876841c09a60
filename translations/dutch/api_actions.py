NL = {
    # The API's questionnaires, requests for documents and approvals (app/api/)
    "No questionnaire has this id.": "Er is geen vragenlijst met dit id.",
    "The questionnaire has not been completed yet.": "De vragenlijst is nog niet ingevuld.",
    "Give a title or a standard_item_id, not both.":
        "Geef een titel of een standard_item_id, niet allebei.",
    "No item of the firm's list has this id.":
        "Er staat geen stuk met dit id op de lijst van het kantoor.",
}
