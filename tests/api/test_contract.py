"""The contract: schemathesis generates calls from the served OpenAPI document and sends them
to a real HTTP server on loopback; no answer may be a 500 or differ from the document
(status, content type, headers, body schema). Each operation is tried with valid data on
records that exist, and with invalid data on any record."""
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]
EXAMPLES = 6  # per operation and kind of data: every route, in well under a minute


def _run(operation, mode, base_url, headers, path_parameters, failures):
    strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_parameters)

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def call(case):
        response = case.call(base_url=base_url, headers=headers)
        case.validate_response(response, checks=CHECKS)

    try:
        call()
    except Exception as exc:  # one failure per operation and mode is enough to report
        failures.append(f"{operation.label} [{mode.value}]: {str(exc)[:1500]}")


def test_every_operation_keeps_its_contract(server, records, api_for, staff):
    key = api_for(staff.admin).raw
    headers = {"Authorization": f"Bearer {key}"}
    schema = schemathesis.openapi.from_url(f"{server}/api/v1/openapi.json")
    failures, count = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        count += 1
        names = [p.name for p in operation.path_parameters]
        real = {name: records.get(name, 1) for name in names} or None
        _run(operation, GenerationMode.POSITIVE, server, headers, real, failures)
        _run(operation, GenerationMode.NEGATIVE, server, headers, None, failures)
    assert count > 0
    assert failures == [], "\n\n".join(failures)
