"""Fixtures of the API's tests: keys, a client that calls with one, a real server."""
import threading

import pytest
from werkzeug.serving import make_server

from app import approvals
from app.api.keys import SCOPES, create_key
from app.models import CAT_DOCUMENT


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


@pytest.fixture
def case(make, staff):
    """Jan in a dossier of mr. Jansen: (jan, dossier)."""
    jan = make.user(email="jan@example.nl", name="Jan de Vries")
    return jan, make.dossier(clients=[jan], lawyer=staff.lawyer)


@pytest.fixture
def records(app, make, session, staff):
    """mr. Jansen's dossier with one of everything: {path parameter: id}."""
    jan = make.user(email="jan@example.nl", name="Jan de Vries")
    company = make.company("Bakkerij De Wit B.V.")
    anna = make.user(email="anna@dewit.nl", name="Anna", company=company, company_main=True)
    dossier = make.dossier(clients=[jan], companies=[company], lawyer=staff.lawyer)
    make.steps(dossier, 2, done=1)
    document = make.document(dossier, category=CAT_DOCUMENT, title="Concept")
    message = make.message(dossier, jan, from_client=True)
    assignment = make.assignment(jan, dossier)
    request = make.document_request(dossier, jan, by=staff.lawyer)
    with app.test_request_context():
        approval = approvals.new_approval(session, dossier=dossier, client=jan,
                                          sent_by=staff.lawyer, document=document,
                                          title="Concept akte")
        session.flush()
        decision = approvals.decide(session, jan, approval, approval.versions[0].id, True,
                                    confirmed_with="password")
        session.commit()
    return {"client_id": jan.id, "company_id": company.id, "dossier_id": dossier.id,
            "step_id": dossier.steps[0].id, "document_id": document.id,
            "message_id": message.id, "assignment_id": assignment.id,
            "request_id": request.id, "item_id": request.items[0].id,
            "approval_id": approval.id, "version_id": approval.versions[0].id,
            "decision_id": decision.id, "account_id": anna.id}
