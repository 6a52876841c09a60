"""Issue 16, points 3, 4 and 6: backup codes at the end of every first two-step set-up (to
download and print), the "Maximum bereikt" notice with its OK, one language per page."""
NL = {
    # Point 3: the codes of a set-up, shown once, to download or print.
    "Your recovery code and backup codes": "Uw herstelcode en back-upcodes",
    "I have saved my codes": "Ik heb mijn codes bewaard",
    "These codes are shown only this once.": "Deze codes worden alleen deze ene keer getoond.",
    "Two-step verification for the client portal of %(firm)s":
        "2-staps verificatie voor het klantenportaal van %(firm)s",
    "Recovery code": "Herstelcode",
    "recovery-code": "herstelcode",
    "recovery-code-and-backup-codes": "herstelcode-en-back-upcodes",
    # Point 4: the manual's notice, with its button.
    "OK": "OK",
}
