"""Dutch for the gaps of Ter goedkeuring closed after the audit (issue 18): the receipt
while the timestamping service does not answer."""
NL = {
    "You have approved version %(num)s of “%(title)s”.":
        "U heeft versie %(num)s van “%(title)s” goedgekeurd.",
    "The receipt cannot be made right now": "De ontvangstbevestiging kan nu niet worden gemaakt",
    "The receipt cannot be made right now: the timestamping service that vouches for the "
    "moment of sealing does not answer. The approval itself has been recorded and is safe. "
    "Try again in a few minutes.":
        "De ontvangstbevestiging kan nu niet worden gemaakt: de tijdstempeldienst die het "
        "moment van verzegelen bevestigt, antwoordt niet. De goedkeuring zelf is vastgelegd "
        "en blijft bewaard. Probeer het over een paar minuten opnieuw.",
}
