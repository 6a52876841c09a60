NL = {
    "Waiting…": "Wachten…",
    "%(percent)s %% — less than a minute left": "%(percent)s %% — nog minder dan een minuut",
    "%(percent)s %% — about %(minutes)s min left": "%(percent)s %% — nog ongeveer %(minutes)s min",
    "%(percent)s %% — about %(hours)s h %(minutes)s min left": "%(percent)s %% — nog ongeveer %(hours)s uur %(minutes)s min",
    "Connection lost, resuming…": "Verbinding verbroken, wordt hervat…",
    "Connection restored, uploading again": "Verbinding hersteld, het uploaden gaat verder",
    "Checking the file…": "Het bestand wordt gecontroleerd…",
    "Uploaded": "Geüpload",
    "“%(name)s” could not be uploaded. Try again, or reload the page.": "“%(name)s” kon niet worden geüpload. Probeer het opnieuw, of laad de pagina opnieuw.",
}
