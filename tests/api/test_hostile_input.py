"""Input no integration sends, kept as regressions: JSON nested past the parser's depth,
bytes that are not UTF-8, a NUL in a text field, a number of 5,000 digits."""
import pytest


@pytest.mark.parametrize("body", [
    "[" * 100_000 + "]" * 100_000,  # RecursionError in the JSON parser: was a 500
    b'{"name": "\xff\xfe"}',
    "{" * 10,
])
def test_broken_json_is_a_400_problem(api, staff, body):
    answer = api.post("/clients", data=body, content_type="application/json")
    assert answer.status_code == 400
    assert answer.json["type"].endswith("#problem-bad-request")


def test_a_nul_in_a_field_is_refused(api, staff):
    answer = api.post("/clients", json={"name": "Jan\x00", "email": "jan@example.nl",
                                        "language": "nl"})
    assert answer.status_code in (400, 422)
    assert answer.mimetype == "application/problem+json"


def test_a_number_past_any_limit_is_422(api, staff):
    answer = api.get("/dossiers?limit=" + "9" * 5000)
    assert answer.status_code == 422
    assert answer.json["errors"][0]["field"] == "limit"


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00%2B01:00", "9999-12-31T23:59:59-01:00"])
def test_a_moment_utc_cannot_hold_is_422(api, staff, moment):
    """Was a 500: the database column holds UTC, and these fall outside years 1 to 9999."""
    answer = api.get(f"/dossiers?updated_since={moment}")
    assert answer.status_code == 422
    assert answer.json["errors"][0]["field"] == "updated_since"
