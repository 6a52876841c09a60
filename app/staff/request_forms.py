"""The forms of "Stukken opvragen": the client, the deadline, and the items, ticked on the
firm's list or typed in rows. The rows are plain fields (rows-N-title, ...): their number
grows with "More rows", and what was typed is kept through every round trip."""
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlmodel import select
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, ValidationError

from ..dates import local
from ..db import as_record_id
from ..forms import FormKeyField, multi_line, single_line, strip
from ..models import StandardItem, utcnow

ROWS_STEP = 3  # the empty rows a form starts with, and how many "More rows" adds
MAX_ROWS = 30  # typed rows in one form
MAX_ITEMS = 50  # items added at once, ticked and typed together
MAX_TITLE, MAX_EXPLANATION = 200, 1000  # as RequestItem's columns
DATE_PATTERNS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y")  # the date input's, and typed by hand


def today():
    """Today in the firm's time zone (a deadline is a day there)."""
    return local(utcnow()).date()


def parse_date(text):
    """A date as the date input sends it (2026-12-31) or as typed by hand (31-12-2026),
    else None."""
    for pattern in DATE_PATTERNS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def standard_items(db):
    """The firm's reusable list, in its order."""
    return db.exec(select(StandardItem).order_by(StandardItem.position,
                                                 StandardItem.id)).all()


class ItemsForm(FlaskForm):
    """The CSRF token and the one-time key of a form that adds items; the items themselves
    are read by Items."""
    form_key = FormKeyField()  # a double click sends the request once


class RequestForm(ItemsForm):
    """A new request: who it is for and by when, besides its items."""
    client = SelectField(_l("Client"), coerce=as_record_id, validate_choice=False,
                         validators=[DataRequired(_l("Choose the client the request is for."))])
    deadline = StringField(_l("Deadline (optional)"), filters=[single_line])

    def __init__(self, clients, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.clients = clients
        # With one client it is chosen already; with more, the choice is the user's.
        placeholder = [] if len(clients) == 1 else [("", _("Choose a client"))]
        self.client.choices = placeholder + [(user.id, client_label(user)) for user in clients]
        self.deadline_date = None

    def validate_client(self, field):
        if field.data not in {user.id for user in self.clients}:
            raise ValidationError(_l("Choose the client the request is for."))

    def validate_deadline(self, field):
        if not field.data:
            return
        day = parse_date(field.data)
        if day is None:
            raise ValidationError(_l("Enter the deadline as a date, like 31-12-2026, or "
                                     "leave it empty."))
        problem = deadline_problem(day)
        if problem:
            raise ValidationError(problem)
        self.deadline_date = day

    def chosen_client(self):
        """The client account chosen (after validation)."""
        return next(user for user in self.clients if user.id == self.client.data)


def deadline_problem(day):
    """What is wrong with `day` as a deadline, or None."""
    return _l("The deadline cannot be in the past.") if day < today() else None


def client_label(user):
    """A client account as the form lists it, with its company if it has one."""
    if user.company_id:
        return _("%(name)s (%(email)s), %(company)s", name=user.name, email=user.email,
                 company=user.company.name)
    return _("%(name)s (%(email)s)", name=user.name, email=user.email)


@dataclass
class Row:
    """One typed item: its place in the form, what was typed, its problems per field."""

    number: int
    title: str = ""
    explanation: str = ""
    is_identity: bool = False
    errors: dict = field(default_factory=dict)

    @property
    def empty(self):
        return not (self.title or self.explanation or self.is_identity)

    def anchor(self, name):
        """The id of one of the row's fields."""
        return f"rows-{self.number}-{name}"


class Items:
    """The items a form asks for: ticked on the firm's list (`chosen`, ids) and typed in
    `rows`, with their problems."""

    def __init__(self, standard, formdata=None):
        self.standard = standard
        self.chosen = set()
        self.rows = [Row(n) for n in range(ROWS_STEP)]
        self.problem = None  # about the items as a whole
        if formdata is not None:
            self.chosen = {number for number in map(as_record_id, formdata.getlist("standard"))
                           if number is not None}
            count = as_record_id(formdata.get("rows", "")) or ROWS_STEP
            self.rows = [_row(formdata, n) for n in range(min(max(count, 1), MAX_ROWS))]

    @property
    def full(self):
        """True when no more rows may be added."""
        return len(self.rows) >= MAX_ROWS

    def more(self):
        """ROWS_STEP more empty rows, up to MAX_ROWS."""
        start = len(self.rows)
        self.rows += [Row(n) for n in range(start, min(start + ROWS_STEP, MAX_ROWS))]

    def check(self):
        """The items as app.doc_requests takes them (ticked first, in the list's order, then
        typed), or None with the problems noted on the rows and in `problem`."""
        known = {item.id: item for item in self.standard}
        if self.chosen - set(known):
            self.chosen &= set(known)
            self.problem = _("An item of the list has been deleted meanwhile. Check what is "
                             "ticked and send again.")
        items = [{"title": item.title, "explanation": item.explanation,
                  "is_identity": item.is_identity}
                 for item in self.standard if item.id in self.chosen]
        for row in self.rows:
            if row.empty:
                continue
            if not row.title:
                row.errors["title"] = _("Enter a title for item %(num)s, or empty the row.",
                                        num=row.number + 1)
            elif len(row.title) > MAX_TITLE:
                row.errors["title"] = _("The title of item %(num)s may be at most %(max)s "
                                        "characters long.", num=row.number + 1, max=MAX_TITLE)
            if len(row.explanation) > MAX_EXPLANATION:
                row.errors["explanation"] = _(
                    "The explanation of item %(num)s may be at most %(max)s characters long.",
                    num=row.number + 1, max=MAX_EXPLANATION)
            if not row.errors:
                items.append({"title": row.title, "explanation": row.explanation,
                              "is_identity": row.is_identity})
        if self.problem is None and not items and not self.errors():
            self.problem = _("Tick a document on the list, or type one.")
        elif len(items) > MAX_ITEMS:
            self.problem = _("Ask for at most %(max)s documents at once.", max=MAX_ITEMS)
        return None if self.problem or self.errors() else items

    def errors(self):
        """[(field id, message)] of the rows' problems, in the order of the form."""
        return [(row.anchor(name), message) for row in self.rows
                for name, message in row.errors.items()]


def _row(formdata, number):
    """Row `number` as posted."""
    prefix = f"rows-{number}-"
    return Row(number, title=single_line(formdata.get(prefix + "title", "")),
               explanation=strip(multi_line(formdata.get(prefix + "explanation", ""))),
               is_identity=bool(formdata.get(prefix + "identity")))
