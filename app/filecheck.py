"""What an upload really is: its content checked against the type its name claims, and
scanned, before it gets its real name (`store`)."""
import errno
import os
import shutil
import struct
import tempfile
import zipfile
from itertools import pairwise

from flask import current_app
from flask_babel import lazy_gettext as _l

from . import storage, virusscan

HEAD_SIZE = 64 * 1024  # what is read of a text file to tell it is not binary
MB = 1024 * 1024
# Members smaller than this are never called a bomb for their ratio: tiny, very regular
# XML parts of real office files compress very well.
RATIO_GRACE_BYTES = 1 * MB
# Below this much unpacked in all, a container is never called a bomb for its overall ratio.
TOTAL_RATIO_GRACE_BYTES = 10 * MB
PEEK_SIZE = 4  # what is unpacked of a member to tell whether it is an archive itself
# A full disk (or quota) while a nested archive is unpacked is no fault of the file.
DISK_FULL = (errno.ENOSPC, errno.EDQUOT)

PDF = b"%PDF"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc, .xls, .msg; also encrypted docx/xlsx
ZIP = b"PK\x03\x04"
EMPTY_ZIP = b"PK\x05\x06"
LOCAL_HEADER_SIZE = 30  # a zip member's fixed local header, before its name
CENTRAL_HEADER_SIZE = 46  # its entry in the central directory, before name and extras
UTF8_FLAG = 0x800
RTF = b"{\\rtf"
PNG = b"\x89PNG\r\n\x1a\n"
JPEG = b"\xff\xd8\xff"
GIFS = (b"GIF87a", b"GIF89a")
TIFFS = (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")  # classic and BigTIFF
HEIC_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs",
               b"mif1", b"msf1"}
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")  # Excel's "Unicode text" is UTF-16 with a BOM
EXECUTABLES = (b"MZ", b"\x7fELF", b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf",
               b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe", b"\x00asm")
WEB_PAGES = (b"<!doctype", b"<html", b"<svg", b"<head", b"<body", b"<script", b"<iframe")
ODF_TYPES = {".odt": b"application/vnd.oasis.opendocument.text",
             ".ods": b"application/vnd.oasis.opendocument.spreadsheet"}
SIGNATURES = {
    "pdf": (PDF,), "ole2": (OLE2,),
    "doc": (OLE2, RTF),  # Word saves RTF under .doc too, and opens it
    "ooxml": (ZIP, OLE2),  # a password-protected Word or Excel file is an OLE2 container
    "odf": (ZIP,), "zip": (ZIP, EMPTY_ZIP), "png": (PNG,), "jpeg": (JPEG,), "gif": GIFS,
    "tiff": TIFFS,
}
# What each allowed extension must be. An extension an administrator adds to
# ALLOWED_UPLOAD_TYPES without an entry here is only checked not to be a program or a page.
KINDS = {
    ".pdf": "pdf", ".doc": "doc", ".xls": "ole2", ".msg": "ole2",
    ".docx": "ooxml", ".xlsx": "ooxml", ".odt": "odf", ".ods": "odf", ".zip": "zip",
    ".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg", ".gif": "gif", ".tif": "tiff",
    ".tiff": "tiff", ".heic": "heic", ".txt": "text", ".csv": "text", ".eml": "text",
    ".rtf": "rtf",
}


def reasons(type_name):
    """The sentence for each refusal, `type_name` the claimed type ("PDF", "DOCX")."""
    return {
        "program": _l("The file is a program; programs are not accepted, whatever their "
                      "name."),
        "web page": _l("The file is a web page or an SVG image, not a %(type)s file.",
                       type=type_name),
        "mismatch": _l("The content of the file is not a valid %(type)s file.",
                       type=type_name),
        "bomb": _l("The file unpacks to far more data than it holds (a so-called zip bomb) "
                   "and is refused as a precaution."),
        "nested": _l("The file holds archives within archives more than %(depth)s levels "
                     "deep and is refused as a precaution.",
                     depth=current_app.config["UPLOAD_ZIP_MAX_DEPTH"]),
        "virus": _l("A virus was found in the file."),
        "unscanned": _l("The file cannot be checked for viruses right now. Try again "
                        "later."),
        "gone": _l("The upload is no longer available; choose the file again."),
    }


class Refused(Exception):
    """An upload whose content is refused: `code` says why (for logs and tests), `reason`
    is the sentence for the user, translated when shown."""

    def __init__(self, code, extension=""):
        super().__init__(code)
        self.code = code
        self.reason = reasons(extension.lstrip(".").upper() or "?")[code]


def store(stream, filename, max_size):
    """Stream an upload to disk and check it (see `check`) before it gets its real name;
    returns (key, sha256, size). Raises storage.TooLarge or Refused, keeping nothing."""
    extension = os.path.splitext(filename)[1].lower()
    try:
        return storage.store_stream(stream, max_size,
                                    check=lambda path, size: check(path, extension, size))
    except Refused as refused:
        # The reason and the claimed type only: never the name or the content.
        current_app.logger.info("upload refused: %s (claimed %s)", refused.code,
                                extension or "no extension")
        raise


def check(path, extension, size=None):
    """The one check of every upload: the content of the file at `path` must be what
    `extension` claims, and a configured virus scanner must find nothing. Raises Refused.
    An empty file passes: the callers refuse it with their own message."""
    if size is None:
        size = os.path.getsize(path)
    if size == 0:
        return
    check_content(path, extension)
    if virusscan.configured():
        scan(path)


def check_content(path, extension):
    """Raise Refused unless the bytes of the file at `path` fit `extension`."""
    with open(path, "rb") as f:
        head = f.read(HEAD_SIZE)
    kind = KINDS.get(extension)
    program = head.startswith(EXECUTABLES)
    if program and kind != "text":  # a text may start with the letters "MZ"
        raise Refused("program", extension)
    if kind not in ("text", "rtf") and _looks_like_a_page(head):
        raise Refused("web page", extension)
    if kind is None:
        return
    if not _matches(kind, head):
        raise Refused("program" if program else "mismatch", extension)
    if kind in ("ooxml", "odf", "zip") and head.startswith(ZIP):
        check_zip(path, extension)


def _looks_like_a_page(head):
    """True when the bytes start like HTML or SVG (after a BOM and white space)."""
    start = head[:1024].lstrip(b"\xef\xbb\xbf").lstrip().lower()
    if start.startswith(WEB_PAGES):
        return True
    return start.startswith(b"<?xml") and b"<svg" in start


def _matches(kind, head):
    """True when `head` starts as a file of `kind` does."""
    if kind == "heic":
        return head[4:8] == b"ftyp" and head[8:12] in HEIC_BRANDS
    if kind == "rtf":
        return head.lstrip(b"\xef\xbb\xbf").startswith(RTF)
    if kind == "text":
        return _is_text(head)
    return head.startswith(SIGNATURES[kind])


def _is_text(head):
    """True for text: no NUL byte in the first bytes (unless UTF-16 with its BOM). Every
    program has NUL bytes in its header."""
    return head.startswith(UTF16_BOMS) or b"\0" not in head


def check_zip(path, extension):
    """Read the zip's central directory from disk and raise Refused when it is damaged,
    lacks the members its office format needs, or would unpack to too much (see
    `_check_archive`). Archives inside it (zips, docx, xlsx, odt...) are checked the same
    way, to UPLOAD_ZIP_MAX_DEPTH levels, all levels counting against one budget."""
    budget = _Budget(os.path.getsize(path))
    with open(path, "rb") as f:
        _check_archive(f, extension, budget, depth=0)


class _Budget:
    """What all levels of one upload may unpack to together: members, bytes, and bytes
    per uploaded byte (the overall ratio, which catches many small well-packed members)."""

    def __init__(self, upload_size):
        config = current_app.config
        self.members_left = config["UPLOAD_ZIP_MAX_MEMBERS"]
        self.max_total = config["UPLOAD_ZIP_MAX_UNPACKED_MB"] * MB
        self.max_ratio = config["UPLOAD_ZIP_MAX_RATIO"]
        self.max_depth = config["UPLOAD_ZIP_MAX_DEPTH"]
        self.upload_size = upload_size
        self.total = 0

    def add(self, members, extension):
        """Count `members` in; raise Refused when the upload now unpacks to too much."""
        for member in members:
            self.total += member.file_size
            if (member.file_size > RATIO_GRACE_BYTES
                    and member.file_size > self.max_ratio * max(member.compress_size, 1)):
                raise Refused("bomb", extension)
        if self.total > self.max_total or (
                self.total > TOTAL_RATIO_GRACE_BYTES
                and self.total > self.max_ratio * max(self.upload_size, 1)):
            raise Refused("bomb", extension)


def _check_archive(f, extension, budget, depth):
    """Check the zip in the open file `f` (an upload, or an archive unpacked from one at
    `depth`) against `budget`, then each archive among its members, one level deeper."""
    # Walked and counted before zipfile reads the directory: a million members, or an end
    # record that lies about their number, would fill the memory.
    count = zip_member_count(f, budget.members_left)
    if count is None:
        raise Refused("mismatch", extension)
    if count > budget.members_left:
        raise Refused("bomb", extension)
    budget.members_left -= count
    try:
        with zipfile.ZipFile(f) as archive:
            members = archive.infolist()
            budget.add(members, extension)  # every size is known before anything is unpacked
            if _overlapping(members):
                raise Refused("bomb", extension)
            if depth == 0:
                _check_office_members(archive, extension)
            for member in members:
                if _is_archive(archive, member):
                    if depth + 1 > budget.max_depth:
                        raise Refused("nested", extension)
                    _check_nested(archive, member, extension, budget, depth + 1)
    except OSError as error:
        if error.errno in DISK_FULL:
            raise
        raise Refused("mismatch", extension) from error
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError,
            ValueError) as error:
        raise Refused("mismatch", extension) from error


def _is_archive(archive, member):
    """True when the member's first bytes are a zip's (whatever its name says). Encrypted
    members, and those packed by a method Python cannot unpack, cannot be looked into."""
    if member.is_dir() or member.file_size < len(ZIP) or member.flag_bits & 0x1:
        return False
    try:
        with archive.open(member) as data:
            return data.read(PEEK_SIZE) == ZIP
    except NotImplementedError:
        return False


def _check_nested(archive, member, extension, budget, depth):
    """Unpack one member that is an archive to an unnamed temporary file beside the uploads
    (its size is already counted in the budget, and zipfile stops at that size) and check
    it as an archive."""
    tmp_dir = os.path.join(current_app.config["UPLOAD_FOLDER"], storage.TMP_DIR)
    os.makedirs(tmp_dir, exist_ok=True)
    with tempfile.TemporaryFile(dir=tmp_dir) as unpacked:
        with archive.open(member) as data:
            shutil.copyfileobj(data, unpacked, storage.CHUNK_SIZE)
        _check_archive(unpacked, extension, budget, depth)


def _overlapping(members):
    """True when a member's data (at least its local header, name and compressed bytes)
    runs into the next member's."""
    spans = sorted((m.header_offset, m.header_offset + LOCAL_HEADER_SIZE
                    + len(m.orig_filename.encode("utf-8" if m.flag_bits & UTF8_FLAG
                                                 else "cp437", "replace"))
                    + m.compress_size) for m in members)
    return any(end > next_start for (_start, end), (next_start, _end) in pairwise(spans))


def _check_office_members(archive, extension):
    """A docx/xlsx names its parts in [Content_Types].xml; an odt/ods starts with its
    `mimetype` member."""
    names = set(archive.namelist())
    if extension in (".docx", ".xlsx") and "[Content_Types].xml" not in names:
        raise Refused("mismatch", extension)
    if extension in ODF_TYPES:
        if "mimetype" not in names or archive.getinfo("mimetype").file_size > 100:
            raise Refused("mismatch", extension)
        if archive.read("mimetype").strip() != ODF_TYPES[extension]:
            raise Refused("mismatch", extension)


def zip_member_count(f, limit):
    """How many members the central directory of the zip file `f` holds, walked entry by
    entry (counting stops past `limit`); None when there is no valid directory."""
    directory = _zip_directory(f)
    if directory is None:
        return None
    offset, size = directory
    f.seek(offset)
    count = walked = 0
    while walked < size and count <= limit:
        header = f.read(CENTRAL_HEADER_SIZE)
        if len(header) < CENTRAL_HEADER_SIZE or not header.startswith(b"PK\x01\x02"):
            return None
        skip = sum(struct.unpack("<HHH", header[28:34]))  # name, extra field, comment
        f.seek(skip, os.SEEK_CUR)
        walked += CENTRAL_HEADER_SIZE + skip
        count += 1
    return count


def _zip_directory(f):
    """(offset, size) of the central directory, from the end record (zip64 too), or None
    when there is no end record: not a zip, or a damaged one."""
    f.seek(0, os.SEEK_END)
    file_size = f.tell()
    tail_size = min(file_size, 22 + 65535)  # the end record, after at most 64 kB comment
    f.seek(file_size - tail_size)
    tail = f.read(tail_size)
    at = tail.rfind(EMPTY_ZIP)
    if at < 0 or len(tail) < at + 22:
        return None
    count, size, offset = struct.unpack("<HII", tail[at + 10:at + 20])
    if count == 0xFFFF or 0xFFFFFFFF in (size, offset):
        if at < 20 or tail[at - 20:at - 16] != b"PK\x06\x07":
            return None
        f.seek(struct.unpack("<Q", tail[at - 12:at - 4])[0])
        record = f.read(56)
        if len(record) < 56 or not record.startswith(b"PK\x06\x06"):
            return None
        size, offset = struct.unpack("<QQ", record[40:56])
    if offset + size > file_size:
        return None
    return offset, size


def scan(path):
    """Raise Refused when clamd finds something, or cannot be asked."""
    try:
        found = virusscan.scan_file(path)
    except virusscan.ScanError as error:
        current_app.logger.error("upload refused: virus scanner unavailable (%s)", error)
        raise Refused("unscanned") from error
    if found is not None:
        current_app.logger.warning("upload refused: virus scanner found %s", found)
        raise Refused("virus")
