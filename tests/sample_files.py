"""Small but real files of each allowed type, for tests that upload: the app checks an
upload's content against its extension (app/filecheck.py); zip bombs and the refusals."""
import io
import zipfile
from functools import cache

MB = 1024 * 1024


def zipped(members, compression=zipfile.ZIP_DEFLATED):
    """The bytes of a zip file holding `members` ({name: bytes or str}), in that order."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, data in members.items():
            # An ODF's mimetype comes first and stored, as the standard asks.
            archive.writestr(name, data, zipfile.ZIP_STORED if name == "mimetype" else None)
    return out.getvalue()


PDF = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
       b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n"
       b"%%EOF\n")
CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.'
                 'openxmlformats.org/package/2006/content-types"/>')
DOCX = zipped({"[Content_Types].xml": CONTENT_TYPES,
               "word/document.xml": "<w:document>Concept akte</w:document>"})
XLSX = zipped({"[Content_Types].xml": CONTENT_TYPES, "xl/workbook.xml": "<workbook/>"})
ODT = zipped({"mimetype": "application/vnd.oasis.opendocument.text",
              "content.xml": "<office:document-content/>"})
ODS = zipped({"mimetype": "application/vnd.oasis.opendocument.spreadsheet",
              "content.xml": "<office:document-content/>"})
ZIP = zipped({"scans/een.txt": "een", "scans/twee.txt": "twee"})
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504  # .doc, .xls, .msg
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
GIF = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"
TIFF = b"II*\x00\x08\x00\x00\x00\x00\x00"
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"
RTF = b"{\\rtf1\\ansi Geachte heer,\\par}"
TXT = "Aantekeningen bij het gesprek: € 100, café.\n".encode()
CSV = "naam;bedrag\nJan;100,50\n".encode()
EML = b"From: jan@example.nl\r\nSubject: Akte\r\n\r\nZie bijlage.\r\n"

# One acceptable sample per allowed extension.
SAMPLES = {
    ".pdf": PDF, ".doc": OLE2, ".docx": DOCX, ".odt": ODT, ".rtf": RTF, ".txt": TXT,
    ".xls": OLE2, ".xlsx": XLSX, ".ods": ODS, ".csv": CSV, ".jpg": JPEG, ".jpeg": JPEG,
    ".png": PNG, ".gif": GIF, ".heic": HEIC, ".tif": TIFF, ".tiff": TIFF, ".eml": EML,
    ".msg": OLE2, ".zip": ZIP,
}


@cache
def bomb(extension=".zip", unpacked_mb=64):
    """A zip container with one member of `unpacked_mb` MB of zeros: about 65 kB packed,
    a ratio near 1000. As .docx it holds [Content_Types].xml like a real one."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        if extension == ".docx":
            archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        with archive.open("word/document.xml" if extension == ".docx" else "leeg.bin",
                          "w") as member:
            for _ in range(unpacked_mb):
                member.write(bytes(MB))
    return out.getvalue()


REASONS = {  # why a file is refused: (Dutch, English)
    "program": ("Het bestand is een programma; programma's worden niet geaccepteerd, welke "
                "naam ze ook hebben.",
                "The file is a program; programs are not accepted, whatever their name."),
    "web page": ("Het bestand is een webpagina of een SVG-afbeelding, geen PDF-bestand.",
                 "The file is a web page or an SVG image, not a PDF file."),
    "bomb": ("Het bestand pakt uit tot veel meer gegevens dan het zelf bevat (een zogeheten "
             "zipbom) en wordt uit voorzorg geweigerd.",
             "The file unpacks to far more data than it holds (a so-called zip bomb) and is "
             "refused as a precaution."),
    "virus": ("In het bestand is een virus gevonden.", "A virus was found in the file."),
    "unscanned": ("Het bestand kan nu niet op virussen worden gecontroleerd. Probeer het later "
                  "opnieuw.",
                  "The file cannot be checked for viruses right now. Try again later."),
}
