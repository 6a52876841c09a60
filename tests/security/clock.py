"""A controlled clock for the security tests: time moves only when a test says so."""
from datetime import timedelta

from app.models import utcnow

# The modules that read the time of login sessions and throttles.
MODULES = ("app.security", "app.account.profile", "app.auth.login")


class Clock:
    """Stands in for `utcnow` in MODULES; starts at the real time, then moves on command."""

    def __init__(self, monkeypatch):
        self.now = utcnow()
        for module in MODULES:
            monkeypatch.setattr(f"{module}.utcnow", self)

    def __call__(self):
        return self.now

    def advance(self, **delta):
        """Move the clock forward by a timedelta's keyword arguments (minutes=31)."""
        self.now += timedelta(**delta)
