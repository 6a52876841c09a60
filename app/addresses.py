"""E-mail addresses: which ones a form takes, and bringing stored ones to their one form.

The form itself (NFC, IDNA domain, lower case) is security.normalise_email.
"""
import logging

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from sqlalchemy import text
from wtforms.validators import ValidationError

from .security import normalise_email

log = logging.getLogger("klantenportaal")

INVALID = _l("Enter a valid e-mail address, like name@example.nl.")
# The portal sends plain SMTP: an address needing SMTPUTF8 is refused when typed, not
# accepted and then never delivered (docs/operations.md, "E-mail addresses").
NOT_ASCII = _l("E-mail addresses with accents or other special characters before the @ "
               "cannot be used, because many mail servers cannot deliver to them. Enter "
               "another address.")


def problem(address):
    """Why `address` cannot be used for an account or as a sender, or None when it can.

    Letters with accents in the domain are fine (sent as punycode); before the @ only ASCII.
    """
    if len((address or "").encode("utf-8", "surrogatepass")) > 254:
        # email_validator refuses these too, but only at its end, after a walk of the text
        # that takes half a second for a 600 kB field; the answer is the same.
        return INVALID
    try:
        validate_email(address or "", check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError:
        try:
            validate_email(address or "", check_deliverability=False, allow_smtputf8=True)
        except EmailNotValidError:
            return INVALID
        return NOT_ASCII
    return None


class EmailAddress:
    """WTForms validator of an address the portal stores or mails to: see problem()."""

    def __call__(self, form, field):
        message = problem(field.data)
        if message is not None:
            raise ValidationError(message)


def renormalise_stored(connection):
    """Bring every stored address to normalise_email's form (migration 0006); returns the
    addresses left as they were because another account already has their normal form.

    Takes a SQLAlchemy Connection (what a migration has); changes users, open e-mail
    change links and mails not yet sent. Of accounts that become one address, the one whose
    address is already normal, else the oldest, gets it; the others are logged for staff.
    """
    users = connection.execute(text('SELECT id, email FROM "user" ORDER BY id')).all()
    taken = {email for _id, email in users}
    clashes = []
    for user_id, email in users:
        normal = normalise_email(email)
        if normal == email:
            continue
        if normal in taken:
            clashes.append(email)
            log.warning("account %s keeps its address %r: another account has %r",
                        user_id, email, normal)
            continue
        connection.execute(text('UPDATE "user" SET email = :normal WHERE id = :id'),
                           {"normal": normal, "id": user_id})
        taken.discard(email)
        taken.add(normal)
    for table, column, pending in (
            ("onetimetoken", "new_email", "used_at IS NULL AND new_email IS NOT NULL"),
            ("outgoingmail", "recipient", "sent_at IS NULL")):
        rows = connection.execute(text(f"SELECT id, {column} FROM {table} WHERE {pending}"))
        for row_id, email in rows.all():
            if normalise_email(email) != email:
                connection.execute(text(f"UPDATE {table} SET {column} = :normal WHERE id = :id"),
                                   {"normal": normalise_email(email), "id": row_id})
    return clashes
