"""What the staff's dossier views do, as plain functions: the list's search, creating and
changing a dossier, linking clients and companies, and the progress steps."""
from flask_babel import get_locale
from sqlmodel import func, or_, select

from .. import audit
from ..db import as_record_id, like, one_or_404
from ..models import (
    KIND_CLIENT,
    Company,
    Dossier,
    DossierClient,
    DossierCompany,
    DossierStatus,
    ProgressStep,
    User,
    utcnow,
)
from ..pages import paginate
from .access import (
    get_linkable,
    manageable_company_ids,
    on_behalf,
    openable_client_ids,
    staff_dossiers,
)

# How many clients and companies the "link" search shows at most.
PICK_LIMIT = 10


def status_label(status):
    """A status in the language of the page."""
    return status.label_en if get_locale().language == "en" else status.label_nl


def all_statuses(db):
    """Every dossier status, in the configured order."""
    return db.exec(select(DossierStatus).order_by(DossierStatus.position,
                                                  DossierStatus.code)).all()


def dossier_search(user, q="", status=None, lawyer_id=None):
    """A select of the dossiers `user` may see, matching number, description or a linked
    client's or company's name, a status and a handling lawyer."""
    query = staff_dossiers(user)
    q = (q or "").strip()[:100]
    if q:
        pattern = like(q)
        people = (select(DossierClient.dossier_id).join(User, User.id == DossierClient.user_id)
                  .where(or_(User.name.ilike(pattern, escape="\\"),
                             User.email.ilike(pattern, escape="\\"))))
        companies = (select(DossierCompany.dossier_id)
                     .join(Company, Company.id == DossierCompany.company_id)
                     .where(Company.name.ilike(pattern, escape="\\")))
        query = query.where(or_(Dossier.number.ilike(pattern, escape="\\"),
                                Dossier.description.ilike(pattern, escape="\\"),
                                Dossier.id.in_(people), Dossier.id.in_(companies)))
    if status:
        query = query.where(Dossier.status_code == status)
    if lawyer_id:
        query = query.where(Dossier.lawyer_id == lawyer_id)
    return query


def search_staff_dossiers(db, user, q="", status=None, lawyer_id=None, page=1, size=25):
    """One page of dossier_search(...), most recently changed first."""
    return paginate(db, dossier_search(user, q, status, lawyer_id),
                    (Dossier.updated_at.desc(), Dossier.id.desc()), page, size)


def linked_parties(db, dossier_ids):
    """{dossier id: ([client users], [companies])} for these dossiers."""
    found = {i: ([], []) for i in dossier_ids}
    if not dossier_ids:
        return found
    for dossier_id, user in db.execute(
            select(DossierClient.dossier_id, User)
            .join(User, User.id == DossierClient.user_id)
            .where(DossierClient.dossier_id.in_(dossier_ids)).order_by(User.name)).all():
        found[dossier_id][0].append(user)
    for dossier_id, company in db.execute(
            select(DossierCompany.dossier_id, Company)
            .join(Company, Company.id == DossierCompany.company_id)
            .where(DossierCompany.dossier_id.in_(dossier_ids)).order_by(Company.name)).all():
        found[dossier_id][1].append(company)
    return found


def names_by_id(db, ids):
    """{user id: name} for these users (the handling lawyers of a list)."""
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return dict(db.execute(select(User.id, User.name).where(User.id.in_(ids))).all())


def number_taken(db, number, dossier_id=None):
    """True when another dossier has this number already."""
    query = select(Dossier.id).where(func.lower(Dossier.number) == number.lower())
    if dossier_id is not None:
        query = query.where(Dossier.id != dossier_id)
    return db.exec(query).first() is not None


def prefilled_party(db, user, form):
    """(client user, company) the new dossier is shared with from the start, if any; 404
    for a client or company `user` may not link (app/staff/access.get_linkable)."""
    client = company = None
    client_id, company_id = as_record_id(form.client.data), as_record_id(form.company.data)
    if client_id is not None:
        client = get_linkable(db, user, client_id=client_id)
    if company_id is not None:
        company = get_linkable(db, user, company_id=company_id)
    return client, company


def create_dossier(db, actor, *, number, description, status, lawyer_id, client=None,
                   company=None):
    """Add a dossier, shared with `client` and/or `company` when given."""
    dossier = Dossier(number=number, description=description, status_code=status,
                      lawyer_id=lawyer_id)
    db.add(dossier)
    db.flush()
    audit.record(db, "dossier.created", actor=actor, target=dossier, dossier_id=dossier.id,
                 number=number, lawyer_id=lawyer_id, **on_behalf(actor, dossier))
    for party in (client, company):
        if party is not None:
            link(db, actor, dossier, party)
    return dossier


def update_dossier(db, actor, dossier, *, number, description, status, lawyer_id):
    """Change a dossier's number, description, status and handling lawyer."""
    before = {"number": dossier.number, "description": dossier.description,
              "status": dossier.status_code, "lawyer_id": dossier.lawyer_id}
    dossier.number, dossier.description = number, description
    dossier.status_code, dossier.lawyer_id = status, lawyer_id
    after = {"number": number, "description": description, "status": status,
             "lawyer_id": lawyer_id}
    changed = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if changed:
        dossier.updated_at = utcnow()
        if "status" in changed:
            dossier.status_changed_at = dossier.updated_at  # the retention period counts from here
        audit.record(db, "dossier.updated", actor=actor, target=dossier, dossier_id=dossier.id,
                     changed=changed, **on_behalf(actor, dossier))
    return changed


# What shares a dossier with a client account or a company: (the link's model, its column
# of the account's or company's id, the audit actions of linking and unlinking).
LINKS = {User: (DossierClient, "user_id", "dossier.client_linked", "dossier.client_unlinked"),
         Company: (DossierCompany, "company_id", "dossier.company_linked",
                   "dossier.company_unlinked")}


def link(db, actor, dossier, party):
    """Share the dossier with a client account, or with every account of a company
    (nothing happens when it already is)."""
    model, column, linked, _unlinked = LINKS[type(party)]
    if db.get(model, (dossier.id, party.id)) is None:
        db.add(model(dossier_id=dossier.id, **{column: party.id}))
        _touched(db, actor, dossier, linked, party)


def unlink(db, actor, dossier, party):
    """Stop sharing the dossier with a client account or a company; True when it was."""
    model, _column, _linked, unlinked = LINKS[type(party)]
    row = db.get(model, (dossier.id, party.id))
    if row is None:
        return False
    db.delete(row)
    _touched(db, actor, dossier, unlinked, party)
    return True


def pick_candidates(db, user, dossier, q):
    """Clients and companies whose name (or e-mail) matches `q`, that `user` may link and
    that are not linked yet: ([users], [companies]), at most PICK_LIMIT each."""
    q = (q or "").strip()[:100]
    if not q:
        return [], []
    pattern = like(q)
    linked_users = select(DossierClient.user_id).where(DossierClient.dossier_id == dossier.id)
    linked_companies = select(DossierCompany.company_id).where(
        DossierCompany.dossier_id == dossier.id)
    users = db.exec(select(User).where(
        User.kind == KIND_CLIENT, User.active, User.id.not_in(linked_users),
        User.id.in_(openable_client_ids(user)),
        or_(User.name.ilike(pattern, escape="\\"), User.email.ilike(pattern, escape="\\")))
        .order_by(User.name, User.id).limit(PICK_LIMIT)).all()
    companies = db.exec(select(Company).where(
        Company.id.not_in(linked_companies), Company.id.in_(manageable_company_ids(user)),
        Company.name.ilike(pattern, escape="\\"))
        .order_by(Company.name, Company.id).limit(PICK_LIMIT)).all()
    return users, companies


def steps_of(db, dossier):
    """The dossier's progress steps in their order."""
    return db.exec(select(ProgressStep).where(ProgressStep.dossier_id == dossier.id)
                   .order_by(ProgressStep.position, ProgressStep.id)).all()


def get_step(db, dossier, step_id):
    """A progress step of this dossier, else 404."""
    return one_or_404(db, select(ProgressStep).where(ProgressStep.id == step_id,
                                                     ProgressStep.dossier_id == dossier.id))


def _renumber(steps):
    """Positions 0..n-1 in the list's order."""
    for position, step in enumerate(steps):
        step.position = position


def add_step(db, actor, dossier, *, title_nl, title_en=""):
    """Add a step at the end of the progress list."""
    steps = steps_of(db, dossier)
    step = ProgressStep(dossier_id=dossier.id, position=len(steps), title_nl=title_nl,
                        title_en=title_en or "")
    db.add(step)
    db.flush()
    _renumber(steps + [step])
    _touched(db, actor, dossier, "step.added", step, title=title_nl)
    return step


def rename_step(db, actor, dossier, step, *, title_nl, title_en=""):
    """Change a step's titles."""
    before = [step.title_nl, step.title_en]
    step.title_nl, step.title_en = title_nl, title_en or ""
    if before != [step.title_nl, step.title_en]:
        _touched(db, actor, dossier, "step.renamed", step, before=before,
                 after=[step.title_nl, step.title_en])


def move_step(db, actor, dossier, step, offset):
    """Move a step one place up (-1) or down (+1); at either end nothing changes."""
    steps = steps_of(db, dossier)
    index = next(i for i, s in enumerate(steps) if s.id == step.id)
    if 0 <= index + offset < len(steps):
        place_step(db, actor, dossier, step, index + offset, steps)


def place_step(db, actor, dossier, step, position, steps=None):
    """Move a step to `position` (0 is the first; past the end: the last place)."""
    steps = steps if steps is not None else steps_of(db, dossier)
    others = [s for s in steps if s.id != step.id]
    position = max(0, min(position, len(others)))
    moved = others[:position] + [step] + others[position:]
    if [s.id for s in moved] != [s.id for s in steps]:
        _renumber(moved)
        _touched(db, actor, dossier, "step.moved", step, position=position + 1)


def toggle_step(db, actor, dossier, step):
    """Mark a step done, or not done again."""
    step.done_at = None if step.done_at else utcnow()
    _touched(db, actor, dossier, "step.done" if step.done_at else "step.undone", step)


def delete_step(db, actor, dossier, step):
    """Remove a step and close the gap it leaves."""
    title = step.title_nl
    db.delete(step)
    db.flush()
    _renumber(steps_of(db, dossier))
    _touched(db, actor, dossier, "step.deleted", step, title=title)


def _touched(db, actor, dossier, action, target, **detail):
    """Note a change of the dossier's progress list or of who sees it (`target`: the step,
    client account or company): the dossier's time and an audit event."""
    dossier.updated_at = utcnow()
    audit.record(db, action, actor=actor, target=target, dossier_id=dossier.id, **detail,
                 **on_behalf(actor, dossier))
