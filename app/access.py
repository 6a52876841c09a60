"""Access control in one place: which records a user may see, fetched with the check."""
from flask import abort
from sqlmodel import or_, select

from .models import Dossier, DossierClient, DossierCompany


def visible_dossiers(user):
    """A select of the dossiers a client may see: their own and their company's."""
    if user.is_staff:
        # The staff side (its own issue) narrows this by role and delegation.
        return select(Dossier).where(Dossier.id.is_(None))
    own = select(DossierClient.dossier_id).where(DossierClient.user_id == user.id)
    conditions = [Dossier.id.in_(own)]
    if user.company_id is not None:
        company = select(DossierCompany.dossier_id).where(
            DossierCompany.company_id == user.company_id)
        conditions.append(Dossier.id.in_(company))
    return select(Dossier).where(or_(*conditions))


def get_dossier_for(session, user, dossier_id):
    """The dossier if `user` may see it, else 404 (never 403: do not confirm it exists)."""
    dossier = session.exec(visible_dossiers(user).where(Dossier.id == dossier_id)).first()
    if dossier is None:
        abort(404)
    return dossier
