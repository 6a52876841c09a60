"""Fixtures of the staff-side tests: staff members of each role, logged in with their
second step (staff always use two-step verification)."""
import pytest
from conftest import login, post_form
from twostep_helpers import totp_code, with_app

from app.models import Delegation


def login_staff(client, session, user):
    """Log `user` in with password and authenticator code; returns the final response."""
    secret = user.totp_secret or with_app(session, user)
    response = login(client, user.email)
    assert response.status_code == 302, response.get_data(as_text=True)
    response = post_form(client, "/inloggen/verificatie/app", {"code": totp_code(secret)})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


@pytest.fixture
def staff(make, session):
    """The firm's staff: an admin, two lawyers, a secretary working for the first lawyer
    and one working for nobody yet."""
    class Staff:
        admin = make.staff(role="admin", email="admin@kantoor.test", name="Admin")
        lawyer = make.staff(role="lawyer", email="jansen@kantoor.test", name="mr. Jansen")
        other_lawyer = make.staff(role="lawyer", email="bakker@kantoor.test",
                                  name="mr. Bakker")
        secretary = make.staff(role="secretary", email="secr@kantoor.test", name="Els Secr")
        idle_secretary = make.staff(role="secretary", email="idle@kantoor.test",
                                    name="Ilse Idle")
    session.add(Delegation(lawyer_id=Staff.lawyer.id, secretary_id=Staff.secretary.id))
    session.commit()
    return Staff


@pytest.fixture
def as_staff(client, session):
    """Log the test client in as a staff member: `as_staff(user)`."""
    def log_in(user):
        login_staff(client, session, user)
        return client
    return log_in
