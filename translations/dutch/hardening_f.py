"""Dutch wording of issue 14 points 15 and 17 (e-mail addresses, slow mail servers)."""

NL = {
    "E-mail addresses with accents or other special characters before the @ cannot be "
    "used, because many mail servers cannot deliver to them. Enter another address.":
        "E-mailadressen met accenten of andere bijzondere tekens vóór de @ kunnen niet "
        "worden gebruikt, omdat veel mailservers er niet naar kunnen bezorgen. Vul een ander "
        "adres in.",
}
