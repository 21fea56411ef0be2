"""Malformed query parameters and bodies: 400 or 422 with a message, never a 500
(issue 7, defect 7)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.services.access import Role
from tests.integration.submission_data import submission_data

OFFICER_URLS = [
    "/clientview/list/?_flt_0_surname=%00",
    "/clientview/list/?_flt_2_surname=a%00b",
    "/inbox/?form=%00",
    "/inbox/?form=hours%00worked",
    "/inbox/?page=9223372036854775808",
    "/clientview/list/?_flt_99_surname=x",
    "/caseview/list/?_flt_2_status=x",
    "/caseview/list/?_flt_9_status=x",
    "/caseview/show/1?_flt_9_nope=x",
    "/clientview/list/?_flt_-1_surname=x",
    "/clientview/list/?_flt_x_surname=x",
    "/caseview/list/?_flt_0_status=bogus",
    "/caseview/list/?_flt_0_function=%00",
    "/caseview/list/?_flt_0_start_date=99999999999999999999",
    "/caseview/list/?_flt_0_start_date=2024-13-45",
    "/hourslogview/list/?_flt_0_hours=99999999999999999999999",
    "/hourslogview/list/?_flt_0_hours=1e400",
    "/clientview/list/?_flt_2_surname=abc%5C",
    "/clientview/list/?_flt_0_surname=%5C",
    "/search/?q=abc%5C",
    "/search/?q=%5C",
    "/search/?q=%25_%5C",
    "/search/?q=010190-1234%5C",
    "/api/v1/client/?q=(filters:!((col:surname,opr:ct,value:%27abc%5C%27)))",
    "/clientview/list/?_flt_0_nosuchcolumn=x",
    "/api/v1/case/?q=(((",
    "/api/v1/case/?q=%00",
    "/api/v1/case/?q=(filters:!((col:number,opr:ct,value:'a%00b')))",
    "/api/v1/case/?q=(filters:!((col:number,opr:ct,value:'abc%5C')))",
    "/api/v1/case/?q=(filters:!((col:status,opr:eq,value:bogus)))",
    "/api/v1/case/?q=(filters:!((col:client,opr:rel_o_m,value:99999999999999999999)))",
    "/api/v1/case/?q=(filters:!((col:nope,opr:eq,value:1)))",
    # Found by the fuzzer on PostgreSQL: a relation filter whose value is not an id.
    "/api/v1/case/?q=(filters:!((col:client,opr:rel_o_m,value:'%5C')))",
    "/api/v1/case/?q=(filters:!((col:client,opr:rel_o_m,value:abc)))",
    "/api/v1/case/?q=(filters:!((col:client,opr:rel_o_m,value:'')))",
    "/caseview/list/?_flt_0_client=%5C",
    "/caseview/list/?_flt_0_client=abc",
    "/api/v1/client/?q=(filters:!((col:surname,opr:ct,value:0)))",
    "/api/v1/client/?q=(filters:!((col:surname,opr:sw,value:!(1,2))))",
    "/api/v1/case/?q=(page:99999999999999999999,page_size:10)",
    "/api/v1/case/99999999999999999999",
    "/api/v1/client/?q=(filters:!((col:surname,opr:sw,value:'%5C')))",
    "/api/v1/client/?q=(order_column:nope,order_direction:up)",
    "/caseview/show/99999999999999999999",
    "/clientview/show/%00",
]


@pytest.mark.parametrize("url", OFFICER_URLS)
def test_malformed_officer_and_api_parameters_never_500(
    login_as: Callable[[str], FlaskClient], url: str
) -> None:
    """Defect 7: malformed filters are a 200 (ignored or empty), 400, 404 or 422."""
    resp = login_as(Role.OFFICER).get(url)
    assert resp.status_code in (200, 400, 404, 422), (url, resp.status_code)
    if resp.status_code in (400, 422) and url.startswith("/api/"):
        assert resp.get_json()["message"]


@pytest.mark.parametrize("depth", [100, 3000, 100_000])
def test_deeply_nested_submission_is_refused(
    app: Flask, login_as: Callable[[str], FlaskClient], depth: int
) -> None:
    """Defect 7: a submission nested thousands deep is a 400 with a message."""
    c = login_as(submission_data(app).employer_user)
    body = '{"data": {"hours": ' + "[" * depth + "]" * depth + "}}"
    resp = c.post("/api/v1/forms/hours_worked/submissions", data=body,
                  content_type="application/json", headers={"Idempotency-Key": f"deep-{depth}"})
    assert resp.status_code in (400, 422), resp.status_code
    assert resp.get_json()["message"]


def test_nul_in_portal_form_field_is_refused(
    app: Flask, login_as: Callable[[str], FlaskClient]
) -> None:
    c = login_as(submission_data(app).client_user)
    resp = c.post("/portal/forms/change_of_residence", data={
        "plus.idempotency_key": "nul-test-1", "new_address": "Iela\x00 5", "change_date":
        "2026-05-17", "declared": "yes"})
    assert resp.status_code in (400, 422)
