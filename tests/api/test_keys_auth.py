"""Keys: Bearer only, never a cookie; revoked, expired and foreign keys are refused; the
throttle; problem details for every error."""
from datetime import timedelta

from sqlmodel import select
from twostep_helpers import login_staff

from app.models import ApiKey, utcnow


def test_me_with_a_key(api, staff):
    answer = api.get("/me")
    assert answer.status_code == 200
    assert answer.json["acts_as_id"] == staff.admin.id
    assert "dossiers:read" in answer.json["scopes"]


def test_no_key_is_401_problem(client, staff):
    answer = client.get("/api/v1/me")
    assert answer.status_code == 401
    assert answer.mimetype == "application/problem+json"
    assert answer.json["type"].endswith("#problem-unauthorized")
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_session_cookie_is_not_a_key(client, staff, session):
    login_staff(client, session, staff.admin)
    assert client.get("/kantoor/").status_code == 200  # logged in on the staff side
    assert client.get("/api/v1/me").status_code == 401


def test_unknown_revoked_and_expired_keys(api_for, client, staff, session):
    assert client.get("/api/v1/me", headers={
        "Authorization": "Bearer klp_nothing"}).status_code == 401
    revoked = api_for(staff.admin)
    expired = api_for(staff.admin, expires_at=utcnow() - timedelta(minutes=1))
    first = session.exec(select(ApiKey).order_by(ApiKey.id)).first()
    first.revoked_at = utcnow()
    session.add(first)
    session.commit()
    assert "revoked" in revoked.get("/me").json["detail"]
    assert "expired" in expired.get("/me").json["detail"]


def test_a_deactivated_account_stops_its_keys(api, staff, session):
    staff.admin.active = False
    session.add(staff.admin)
    session.commit()
    assert api.get("/me").status_code == 401


def test_allowed_networks(api_for, staff):
    assert api_for(staff.admin, allowed_ips="192.0.2.0/24").get("/me").status_code == 403
    assert api_for(staff.admin, allowed_ips="127.0.0.0/8").get("/me").status_code == 200


def test_throttled_per_key(app, api_for, staff):
    app.config["API_CALLS_PER_MINUTE"] = 3
    first, second = api_for(staff.admin), api_for(staff.admin)
    codes = [first.get("/me").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert "Retry-After" in first.get("/me").headers
    assert second.get("/me").status_code == 200  # another key has its own count


def test_unknown_route_and_method_are_problems(api):
    answer = api.get("/nothing-here")
    assert answer.status_code == 404 and answer.mimetype == "application/problem+json"
    answer = api.delete("/me")
    assert answer.status_code == 405 and answer.mimetype == "application/problem+json"


def test_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"] == "3.1.0"
    assert "/api/v1/me" in spec["paths"]


def test_problem_in_dutch(client):
    answer = client.get("/api/v1/me", headers={"Accept-Language": "nl"})
    assert answer.json["title"] != "No valid API key"
