"""Fill the English catalog: the source strings are English, so msgstr = msgid.

Run by `make translate-update`; the Dutch catalog is translated by hand.
"""
from babel.messages.pofile import read_po, write_po

PATH = "translations/en/LC_MESSAGES/messages.po"

with open(PATH, "rb") as f:
    catalog = read_po(f, locale="en")
for message in catalog:
    if message.id and not message.string or (
            isinstance(message.id, tuple) and not all(message.string)):
        message.string = message.id
    message.flags.discard("fuzzy")
with open(PATH, "wb") as f:
    write_po(f, catalog, omit_header=False, sort_output=True, width=100)
