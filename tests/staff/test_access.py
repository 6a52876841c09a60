"""The staff side's gate and the rules of who sees which dossier."""
from helpers import login
from sqlmodel import select

from app.models import Document, DocumentRequest, Dossier
from app.staff.access import (
    identity_dossier_ids,
    lawyers_for,
    staff_documents,
    staff_dossier_ids,
    staff_requests,
)


def test_a_client_never_reaches_the_staff_side(client, make):
    """Clients get a 404 on staff URLs: they do not learn they exist."""
    make.user(email="klant@example.nl")
    login(client, "klant@example.nl")
    for url in ("/kantoor/", "/kantoor/dossiers", "/kantoor/clienten", "/kantoor/berichten",
                "/kantoor/vragenlijsten", "/kantoor/auditlog", "/kantoor/instellingen",
                "/kantoor/stukken", "/kantoor/instellingen/stukken"):
        assert client.get(url).status_code == 404, url


def test_staff_without_two_step_set_it_up_first(client, make):
    """Staff must turn on two-step verification before anything else."""
    make.staff(email="nieuw@kantoor.test")
    login(client, "nieuw@kantoor.test")
    response = client.get("/kantoor/dossiers")
    assert response.status_code == 302
    assert "/mijn-gegevens" in response.headers["Location"]


def test_who_sees_which_dossier(app, make, session, staff):
    """Admin all; a lawyer their own; a secretary those of the lawyers who delegated."""
    own = make.dossier(lawyer=staff.lawyer)
    other = make.dossier(lawyer=staff.other_lawyer)

    def seen(user):
        return set(session.exec(select(Dossier.id).where(Dossier.id.in_(
            staff_dossier_ids(user)))))

    assert seen(staff.admin) == {own.id, other.id}
    assert seen(staff.lawyer) == {own.id}
    assert seen(staff.other_lawyer) == {other.id}
    assert seen(staff.secretary) == {own.id}
    assert seen(staff.idle_secretary) == set()
    assert [u.id for u in lawyers_for(session, staff.secretary)] == [staff.lawyer.id]
    assert lawyers_for(session, staff.idle_secretary) == []
    assert {u.id for u in lawyers_for(session, staff.admin)} == {staff.lawyer.id,
                                                                  staff.other_lawyer.id}


def test_who_sees_which_request_and_identity_document(make, session, staff):
    """Requests follow the dossier; an identity document is for the handling lawyer, the
    secretaries acting for them and the admins (identity_dossier_ids), other documents of
    the dossier for all who see it."""
    jan, kees = make.user(email="jan@example.nl"), make.user(email="kees@example.nl")
    own = make.dossier(clients=[jan], lawyer=staff.lawyer)
    other = make.dossier(clients=[kees], lawyer=staff.other_lawyer)
    mine = make.document_request(own, jan, [{"title": "Paspoort", "is_identity": True},
                                            "Koopakte"], by=staff.lawyer)
    theirs = make.document_request(other, kees, ["Loonstrook"], by=staff.other_lawyer)
    passport = make.hand_in(mine.items[0], jan, "paspoort.pdf")
    deed = make.hand_in(mine.items[1], jan, "koopakte.pdf")

    def seen(user):
        return (set(session.exec(staff_requests(user).with_only_columns(DocumentRequest.id))),
                set(session.exec(select(Dossier.id).where(Dossier.id.in_(
                    identity_dossier_ids(user))))),
                set(session.exec(staff_documents(user).with_only_columns(Document.id))))

    assert seen(staff.admin) == ({mine.id, theirs.id}, {own.id, other.id},
                                 {passport.id, deed.id})
    assert seen(staff.lawyer) == ({mine.id}, {own.id}, {passport.id, deed.id})
    assert seen(staff.secretary) == ({mine.id}, {own.id}, {passport.id, deed.id})
    assert seen(staff.other_lawyer) == ({theirs.id}, {other.id}, set())
    assert seen(staff.idle_secretary) == (set(), set(), set())


def test_staff_log_in_with_their_second_step(client, staff, as_staff):
    """The fixture's login reaches the staff side."""
    as_staff(staff.lawyer)
    assert client.get("/kantoor/dossiers").status_code == 200
