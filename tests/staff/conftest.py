"""Fixtures of the staff-side tests: a staff member logged in with their second step (staff
always use two-step verification); the firm's staff themselves are tests/conftest.py's."""
import pytest
from twostep_helpers import login_staff


@pytest.fixture
def as_staff(client, session):
    """Log the test client in as a staff member: `as_staff(user)`."""
    def log_in(user):
        login_staff(client, session, user)
        return client
    return log_in
