"""The eligibility API on both databases: shapes, statuses, headers, service conditions."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from app.eligibility.api_models import (
    EvaluateResponse,
    FactsResponse,
    NextQuestionResponse,
    ServiceConditions,
)

EVALUATE = "/api/v1/eligibility/evaluate"
NEXT = "/api/v1/eligibility/next-question"


def household(**person: Any) -> dict[str, Any]:
    return {
        "region": "520102",
        "as_of": "2026-11-28",
        "household": {"facts": {}, "members": [{"role": "applicant", "facts": person}]},
    }


FAMILY = {
    "region": "520102",
    "as_of": "2026-11-28",
    "household": {
        "facts": {"household.is_dibao": False, "household.disaster_affected": False},
        "members": [
            {
                "role": "applicant",
                "facts": {
                    "person.age": 36,
                    "person.employment": "employee",
                    "person.hukou_region": "520102",
                },
            },
            {"role": "spouse", "facts": {"person.age": 34, "person.employment": "employee"}},
            {
                "role": "parent",
                "facts": {
                    "person.age": 70,
                    "person.employment": "retired",
                    "person.in_employee_pension": True,
                    "person.reached_retirement_age": True,
                    "person.pension_contribution_years": 30,
                },
            },
            {"role": "child", "facts": {"person.age": 2}},
        ],
    },
}


def test_facts_vocabulary(client: TestClient) -> None:
    response = client.get("/api/v1/eligibility/facts")
    assert response.status_code == 200
    body = FactsResponse.model_validate_json(response.content)
    ids = {f.id for f in body.facts}
    assert {"person.age", "person.hukou_region", "household.is_dibao"} <= ids
    assert all(f.question for f in body.facts)
    assert {s.code for s in body.services} >= {"minimum-living-allowance", "legal-aid"}
    assert response.headers["etag"]
    assert (
        client.get(
            "/api/v1/eligibility/facts", headers={"If-None-Match": response.headers["etag"]}
        ).status_code
        == 304
    )


def test_evaluate_a_household(client: TestClient) -> None:
    response = client.post(EVALUATE, json=FAMILY)
    assert response.status_code == 200
    body = EvaluateResponse.model_validate_json(response.content)
    by_code = {r.service: r for r in body.results}
    assert by_code["employee-basic-pension"].status == "eligible"
    pension_members = {m.member: m.status for m in by_code["employee-basic-pension"].members}
    assert pension_members == {0: "eligible", 1: "eligible", 2: "eligible", 3: "unknown"}
    assert by_code["minimum-living-allowance"].status == "unknown"
    assert by_code["minimum-living-allowance"].missing_parameters == [
        "social_assistance.dibao_standard"
    ]
    assert by_code["disaster-victim-assistance"].status == "not_eligible"
    assert body.disclaimer == "结果仅供参考，以主管部门审核认定为准"
    assert body.ruleset_version.startswith("sha256:")
    assert body.region.code == "520102"
    assert sum(body.summary.model_dump().values()) == len(body.results)


def test_evaluate_headers_privacy(client: TestClient) -> None:
    response = client.post(EVALUATE, json=FAMILY)
    assert response.headers["cache-control"] == "no-store"
    assert "etag" not in response.headers
    assert "set-cookie" not in response.headers
    assert response.headers["content-type"] == "application/json"


def test_service_filter_and_default_date(client: TestClient) -> None:
    body = household(**{"person.age": 59})
    body["services"] = ["elderly-welfare-subsidy", "elderly-welfare-subsidy"]
    del body["as_of"]
    data = client.post(EVALUATE, json=body).json()
    assert [r["service"] for r in data["results"]] == ["elderly-welfare-subsidy"]
    assert data["results"][0]["status"] == "not_eligible"
    assert data["results"][0]["hints"]


def test_next_question(client: TestClient) -> None:
    response = client.post(NEXT, json=household())
    assert response.status_code == 200
    body = NextQuestionResponse.model_validate_json(response.content)
    assert not body.done
    assert body.question is not None
    assert body.question.sensitivity != "high"
    assert body.question.why
    assert response.headers["cache-control"] == "no-store"


def test_next_question_done(client: TestClient) -> None:
    body = household()
    body["services"] = ["radio-listening"]
    data = client.post(NEXT, json=body).json()
    assert data["done"] is True
    assert data["question"] is None


def test_get_on_post_routes_is_405(client: TestClient) -> None:
    for url in (EVALUATE, NEXT):
        response = client.get(url)
        assert response.status_code == 405
        assert "POST" in response.headers["allow"]
        assert response.json()["error"]["code"] == "method_not_allowed"


def test_service_detail_lists_conditions(client: TestClient) -> None:
    data = client.get("/api/v1/services/extreme-poverty-support?region=520102").json()
    conditions = ServiceConditions.model_validate(data["eligibility"])
    texts = [line.text for line in conditions.conditions]
    assert "60周岁以上的老年人" in texts
    assert any("标准待核实" in t for t in texts)
    assert conditions.region_basis == "hukou"
    no_rules = client.get("/api/v1/services/vaccination").json()
    assert no_rules["eligibility"] is None


def test_dated_conditions_follow_as_of(client: TestClient) -> None:
    old = client.get("/api/v1/services/special-groups-centralized-support?as_of=2023-01-01").json()
    new = client.get("/api/v1/services/special-groups-centralized-support?as_of=2025-01-01").json()
    assert old["eligibility"]["version"] == "national@-"
    assert new["eligibility"]["version"] == "national@2024-10-01"
