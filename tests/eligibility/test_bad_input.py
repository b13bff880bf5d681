"""Bad input gets a clear 4xx with a stable code and a Chinese message, never echoing values."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

EVALUATE = "/api/v1/eligibility/evaluate"
MARKER = 73519


def body(person: dict[str, Any] | None = None, **top: Any) -> dict[str, Any]:
    return {
        "region": "520102",
        "household": {"members": [{"role": "applicant", "facts": person or {}}]},
        **top,
    }


CASES: list[tuple[str, Any, int, str, str | None]] = [
    (
        "unknown fact",
        body({"person.shoe_size": MARKER}),
        422,
        "unknown_fact",
        "household.members[0].facts",
    ),
    ("unknown top-level field", body(name="张三"), 422, "unknown_field", None),
    (
        "id card with answers",
        body({"person.id_card": "52010219700101001X"}),
        422,
        "unknown_fact",
        "household.members[0].facts",
    ),
    (
        "age as text",
        body({"person.age": "70"}),
        422,
        "invalid_answer",
        "household.members[0].facts.person.age",
    ),
    (
        "age as bool",
        body({"person.age": True}),
        422,
        "invalid_answer",
        "household.members[0].facts.person.age",
    ),
    (
        "negative age",
        body({"person.age": -1}),
        422,
        "invalid_answer",
        "household.members[0].facts.person.age",
    ),
    (
        "absurd age",
        body({"person.age": 200}),
        422,
        "invalid_answer",
        "household.members[0].facts.person.age",
    ),
    (
        "negative income",
        {
            "region": "520102",
            "household": {
                "facts": {"household.income_per_capita_monthly": -5},
                "members": [{"role": "applicant"}],
            },
        },
        422,
        "invalid_answer",
        "household.facts.household.income_per_capita_monthly",
    ),
    (
        "absurd income",
        {
            "region": "520102",
            "household": {
                "facts": {"household.income_per_capita_monthly": 1e12},
                "members": [{"role": "applicant"}],
            },
        },
        422,
        "invalid_answer",
        "household.facts.household.income_per_capita_monthly",
    ),
    (
        "unknown option",
        body({"person.employment": "astronaut"}),
        422,
        "invalid_answer",
        "household.members[0].facts.person.employment",
    ),
    (
        "bool as string",
        body({"person.disability_cert": "yes"}),
        422,
        "invalid_answer",
        "household.members[0].facts.person.disability_cert",
    ),
    ("malformed region", body(region="52-0102"), 422, "invalid_parameter", "region"),
    ("region outside Guizhou", body(region="110101"), 422, "invalid_parameter", "region"),
    ("unknown region", body(region="529999"), 404, "region_not_found", "region"),
    (
        "unknown 户籍 region",
        body({"person.hukou_region": "529999"}),
        404,
        "region_not_found",
        "person.hukou_region",
    ),
    (
        "malformed 户籍 region",
        body({"person.hukou_region": "Beijing"}),
        422,
        "invalid_answer",
        "household.members[0].facts.person.hukou_region",
    ),
    (
        "no members",
        {"region": "520102", "household": {"members": []}},
        422,
        "invalid_parameter",
        "household.members",
    ),
    (
        "oversize household",
        {"region": "520102", "household": {"members": [{"role": "other"}] * 21}},
        422,
        "too_many_members",
        "household.members",
    ),
    (
        "unknown role",
        {"region": "520102", "household": {"members": [{"role": "cousin"}]}},
        422,
        "invalid_parameter",
        "household.members[0].role",
    ),
    ("missing household", {"region": "520102"}, 422, "missing_field", "household"),
    (
        "unknown service",
        body(services=["no-such-service"]),
        422,
        "invalid_parameter",
        "services[0]",
    ),
    ("as_of not a date", body(as_of="28/11/2026"), 422, "invalid_parameter", "as_of"),
    ("as_of a number", body(as_of=0), 422, "invalid_parameter", "as_of"),
]


@pytest.mark.parametrize(
    ("name", "payload", "status", "code", "field"), CASES, ids=[c[0] for c in CASES]
)
def test_bad_input(
    client: TestClient, name: str, payload: Any, status: int, code: str, field: str | None
) -> None:
    response = client.post(EVALUATE, json=payload)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code
    assert error["field"] == field
    assert any("\u4e00" <= ch <= "\u9fff" for ch in error["message"]), "message is Chinese"
    text = response.text
    for secret in (
        str(MARKER),
        "张三",
        "52010219700101001X",
        "astronaut",
        "Beijing",
        "529999",
        "110101",
    ):
        assert secret not in text
    assert response.headers["cache-control"] == "no-store"


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_rejected(client: TestClient, literal: str) -> None:
    raw = (
        '{"region": "520102", "household": {"facts": {"household.income_per_capita_monthly": '
        + literal
        + '}, "members": [{"role": "applicant"}]}}'
    )
    response = client.post(EVALUATE, content=raw, headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.json()["error"]["code"] in ("invalid_answer", "invalid_json")
    assert literal not in response.text


def test_not_json(client: TestClient) -> None:
    response = client.post(EVALUATE, content=b"{nope", headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_json"
    array = client.post(EVALUATE, json=[1, 2])
    assert array.status_code == 422


def test_wrong_content_type_is_415(client: TestClient) -> None:
    response = client.post(
        EVALUATE, content=json.dumps(body()), headers={"content-type": "text/plain"}
    )
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"
    form = client.post(EVALUATE, data={"region": "520102"})
    assert form.status_code == 415


def test_oversize_body_is_413(client: TestClient) -> None:
    padding = {
        "region": "520102",
        "household": {"members": [{"role": "applicant"}]},
        "x": "a" * 70_000,
    }
    response = client.post(EVALUATE, json=padding)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"
