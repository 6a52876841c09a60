"""Merge the Dutch wording of translations/dutch/*.py into the Dutch catalog.

Usage: python translations/fill_nl.py [FILE ...]   (default: every file in translations/dutch)
"""
import glob
import runpy
import sys

from babel.messages.pofile import read_po, write_po

PATH = "translations/nl/LC_MESSAGES/messages.po"

new = {}
for source in sys.argv[1:] or sorted(glob.glob("translations/dutch/*.py")):
    new.update(runpy.run_path(source)["NL"])
with open(PATH, "rb") as f:
    catalog = read_po(f, locale="nl")
for message in catalog:
    if message.id in new:
        message.string = new[message.id]
        message.flags.discard("fuzzy")
with open(PATH, "wb") as f:
    write_po(f, catalog, omit_header=False, sort_output=True, width=100)
missing = [m.id for m in catalog if m.id and not (all(m.string) if isinstance(m.string, tuple)
                                                 else m.string)]
print(f"{len(missing)} untranslated", *missing, sep="\n")
