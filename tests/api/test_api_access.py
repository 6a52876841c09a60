"""The API's access matrix: every operation of the OpenAPI document, called without a key,
with a revoked or expired key, with a key that lacks its scope, and — for each operation on a
record — with keys of staff who may not see that record (the other lawyer, a secretary
without delegation). None of them may get anything but the refusal, and nothing changes."""
from datetime import timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from sqlalchemy import func
from sqlmodel import select

from app.api.keys import SCOPES
from app.models import ApiKey, AuditEvent, utcnow

# Operations on the firm's shared lists, which every staff member may read: no record of a
# dossier in their path (their own tests check what they show).
FIRM_WIDE = {"questionnaire_id"}


def audit_count(session):
    """Audit events, but the making of the keys the test itself uses."""
    return session.exec(select(func.count()).select_from(AuditEvent)
                        .where(AuditEvent.action != "api_key.created")).one()


def operations(app):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


def cases(operation, path_parameters, count=3):
    """A few valid calls of `operation` (bodies and queries as the document allows)."""
    found = []

    @settings(max_examples=count, deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=GenerationMode.POSITIVE,
                                      path_parameters=path_parameters))
    def collect(case):
        found.append(case)

    collect()
    return found


def call(case, raw=None):
    headers = {"Authorization": f"Bearer {raw}"} if raw else {}
    return case.call(headers=headers)


def scope_of(operation):
    return operation.definition.raw.get("x-scope")


def test_no_key_a_wrong_key_a_revoked_and_an_expired_key(app, records, api_for, staff,
                                                         session):
    revoked = api_for(staff.admin).raw
    expired = api_for(staff.admin, expires_at=utcnow() - timedelta(seconds=1)).raw
    row = session.exec(select(ApiKey).order_by(ApiKey.id)).first()
    row.revoked_at = utcnow()
    session.add(row)
    session.commit()
    before = audit_count(session)
    for operation in operations(app):
        params = {p.name: records.get(p.name, 1) for p in operation.path_parameters} or None
        for case in cases(operation, params, count=1):
            for raw in (None, "klp_" + "x" * 43, revoked, expired):
                response = call(case, raw)
                assert response.status_code == 401, (operation.label, raw, response.text)
                assert response.headers["content-type"] == ["application/problem+json"]
    assert audit_count(session) == before


def test_a_key_without_the_scope_is_refused(app, records, api_for, staff, session):
    before = audit_count(session)
    for operation in operations(app):
        scope = scope_of(operation)
        if scope is None:
            continue
        raw = api_for(staff.admin, scopes=[s for s in SCOPES if s != scope]).raw
        params = {p.name: records.get(p.name, 1) for p in operation.path_parameters} or None
        for case in cases(operation, params, count=2):
            response = call(case, raw)
            assert response.status_code == 403, (operation.label, response.text)
            assert response.json()["type"].endswith("#problem-scope")
    assert audit_count(session) == before


@pytest.mark.parametrize("who", ["other_lawyer", "idle_secretary"])
def test_staff_who_may_not_see_a_record_get_404(app, records, api_for, staff, session, who):
    raw = api_for(getattr(staff, who)).raw
    before = audit_count(session)
    tried = 0
    for operation in operations(app):
        names = {p.name for p in operation.path_parameters}
        if not names or names & FIRM_WIDE:
            continue
        params = {name: records[name] for name in names}
        for case in cases(operation, params):
            response = call(case, raw)
            tried += 1
            assert response.status_code == 404, (operation.label, case.body, response.text)
    assert audit_count(session) == before
    print(f"{tried} calls on records refused")
