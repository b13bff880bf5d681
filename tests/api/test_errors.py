"""Bad input gets a clear 4xx in the error envelope, in Chinese, without echoing the input."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

MARKER = "qfmarker"


@pytest.mark.parametrize(
    ("url", "status", "code", "field"),
    [
        ("/api/v1/services?region=12", 422, "invalid_parameter", "region"),
        (f"/api/v1/services?region={MARKER}", 422, "invalid_parameter", "region"),
        ("/api/v1/services?region=110101", 404, "region_not_found", "region"),
        ("/api/v1/services?region=520102999", 404, "region_not_found", "region"),
        ("/api/v1/services?limit=0", 422, "invalid_parameter", "limit"),
        ("/api/v1/services?limit=101", 422, "invalid_parameter", "limit"),
        ("/api/v1/services?limit=abc", 422, "invalid_parameter", "limit"),
        ("/api/v1/services?area=nowhere", 422, "invalid_parameter", "area"),
        ("/api/v1/services?category=23", 422, "invalid_parameter", "category"),
        ("/api/v1/services?tier=premium", 422, "invalid_parameter", "tier"),
        ("/api/v1/services?edition=2019", 422, "invalid_parameter", "edition"),
        ("/api/v1/services?life_event=no-such-event", 404, "life_event_not_found", "life_event"),
        ("/api/v1/services?as_of=2025-13-01", 422, "invalid_parameter", "as_of"),
        (f"/api/v1/services?cursor={MARKER}", 400, "invalid_cursor", "cursor"),
        ("/api/v1/services?cursor=%22%3B--", 422, "invalid_parameter", "cursor"),
        ("/api/v1/services/no-such-service", 404, "service_not_found", "code"),
        ("/api/v1/services/BAD_CODE", 422, "invalid_parameter", "code"),
        ("/api/v1/regions/5201", 422, "invalid_parameter", "code"),
        ("/api/v1/regions/529999", 404, "region_not_found", "code"),
        ("/api/v1/regions/529999/children", 404, "region_not_found", "code"),
        ("/api/v1/regions?parent=529999", 404, "region_not_found", "parent"),
        ("/api/v1/regions?level=village", 422, "invalid_parameter", "level"),
        ("/api/v1/categories?area=x", 422, "invalid_parameter", "area"),
        ("/api/v1/nothing-here", 404, "not_found", None),
    ],
)
def test_bad_input_gets_a_clear_4xx(
    client: TestClient, url: str, status: int, code: str, field: str | None
) -> None:
    response = client.get(url)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"error", "request_id"}
    assert body["error"]["code"] == code
    assert body["error"]["field"] == field
    message = body["error"]["message"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message), "message is in Chinese"
    assert MARKER not in response.text, "errors never echo the submitted value"
    assert body["request_id"] == response.headers["x-request-id"]


def test_wrong_method_is_405_with_allow(client: TestClient) -> None:
    response = client.post("/api/v1/services")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
    assert "GET" in response.headers["allow"]


def test_unexpected_errors_are_generic_500s(seeded_settings) -> None:  # type: ignore[no-untyped-def]
    from app.main import create_app

    app = create_app(seeded_settings)

    @app.get("/api/v1/boom")
    def boom() -> None:
        raise RuntimeError("secret internal detail")

    with TestClient(app, raise_server_exceptions=False) as test_client:
        response = test_client.get("/api/v1/boom")
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "internal_error"
    assert "secret" not in response.text


@pytest.mark.parametrize("value", ["0", "20250101", "2025-1-1", "1700000000", "2025-02-30"])
def test_as_of_accepts_only_real_iso_dates(client: TestClient, value: str) -> None:
    response = client.get("/api/v1/life-events", params={"as_of": value})
    assert response.status_code == 422
    assert response.json()["error"] == {
        "code": "invalid_parameter",
        "field": "as_of",
        "message": "参数 as_of 必须是 YYYY-MM-DD 格式的日期",
    }
