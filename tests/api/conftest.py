"""Fixtures of the API's tests: keys, a client that calls with one, a real server."""
import threading

import pytest
from werkzeug.serving import make_server

from app.api.keys import SCOPES, create_key


class Api:
    """Calls /api/v1 on the test client with a key: api.get("/dossiers")."""

    def __init__(self, client, raw):
        self.client, self.raw = client, raw

    def headers(self, extra=None):
        return {"Authorization": f"Bearer {self.raw}", **(extra or {})}

    def call(self, method, path, headers=None, **kwargs):
        return self.client.open("/api/v1" + path, method=method,
                                headers=self.headers(headers), **kwargs)

    def get(self, path, **kwargs):
        return self.call("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self.call("POST", path, **kwargs)

    def patch(self, path, **kwargs):
        return self.call("PATCH", path, **kwargs)

    def delete(self, path, **kwargs):
        return self.call("DELETE", path, **kwargs)


@pytest.fixture
def make_key(app, session):
    """make_key(acts_as, scopes=None, **fields) -> the key itself; all scopes by default."""
    def make(acts_as, scopes=None, name="Dossiersysteem", **fields):
        with app.test_request_context():
            row, raw = create_key(session, name=name, acts_as=acts_as,
                                  scopes=list(SCOPES) if scopes is None else scopes, **fields)
            session.commit()
        return raw
    return make


@pytest.fixture
def api_for(client, make_key):
    """api_for(staff_user, scopes=None, **fields): an Api calling with a new key."""
    return lambda user, scopes=None, **fields: Api(client, make_key(user, scopes, **fields))


@pytest.fixture
def api(api_for, staff):
    """An Api with every scope, acting for the firm's admin."""
    return api_for(staff.admin)


@pytest.fixture
def statements(app):
    """statements(call) -> how many SQL statements `call()` ran on the app's engine: a list
    call must run as many for 10 rows as for 100 (no query per row)."""
    from sqlalchemy import event

    engine = app.extensions["db_engine"]

    def count(call):
        seen = []
        listener = lambda *args: seen.append(1)  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            call()
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(seen)
    return count


@pytest.fixture
def server(app):
    """The app served over HTTP on a free loopback port: its base URL."""
    app.config["API_CALLS_PER_MINUTE"] = 100_000
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join()
