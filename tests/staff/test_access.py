"""The staff side's gate and the rules of who sees which dossier."""
from helpers import login
from sqlmodel import select

from app.models import Dossier
from app.staff.access import lawyers_for, staff_dossier_ids


def test_a_client_never_reaches_the_staff_side(client, make):
    """Clients get a 404 on staff URLs: they do not learn they exist."""
    make.user(email="klant@example.nl")
    login(client, "klant@example.nl")
    for url in ("/kantoor/", "/kantoor/dossiers", "/kantoor/clienten", "/kantoor/berichten",
                "/kantoor/vragenlijsten", "/kantoor/auditlog", "/kantoor/instellingen"):
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


def test_staff_log_in_with_their_second_step(client, staff, as_staff):
    """The fixture's login reaches the staff side."""
    as_staff(staff.lawyer)
    assert client.get("/kantoor/dossiers").status_code == 200
