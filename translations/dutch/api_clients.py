NL = {
    # The API's clients, companies and dossiers (app/api/clients.py, app/api/dossiers.py)
    "No company with this id that you may manage.":
        "Er is geen bedrijf met dit id dat u mag beheren.",
    "This company has a main account already.": "Dit bedrijf heeft al een hoofdaccount.",
    "Only an account of a company can be its main account.":
        "Alleen een account van een bedrijf kan het hoofdaccount zijn.",
    "No client account with this id that you may link.":
        "Er is geen cliëntaccount met dit id dat u mag koppelen.",
    "No company with this id that you may link.":
        "Er is geen bedrijf met dit id dat u mag koppelen.",
}
