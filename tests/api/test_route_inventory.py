"""Every route the app serves is exercised here; a new route without an entry fails the test."""

from __future__ import annotations

from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from starlette.routing import Mount

from app.main import create_app
from app.settings import Settings

# (method, path template) → a concrete request and the status it must answer.
EXERCISES: dict[tuple[str, str], tuple[str, int]] = {
    ("GET", "/api/v1/openapi.json"): ("/api/v1/openapi.json", 200),
    ("GET", "/api/v1"): ("/api/v1", 200),
    ("GET", "/api/v1/healthz"): ("/api/v1/healthz", 200),
    ("GET", "/api/v1/readyz"): ("/api/v1/readyz", 200),
    ("GET", "/api/v1/areas"): ("/api/v1/areas?region=520102", 200),
    ("GET", "/api/v1/categories"): ("/api/v1/categories?area=vulnerable", 200),
    ("GET", "/api/v1/life-events"): ("/api/v1/life-events", 200),
    ("GET", "/api/v1/services"): ("/api/v1/services?tier=basic&limit=5", 200),
    ("GET", "/api/v1/services/{code}"): (
        "/api/v1/services/preferential-treatment-and-pensions",
        200,
    ),
    ("GET", "/api/v1/regions"): ("/api/v1/regions?level=prefecture", 200),
    ("GET", "/api/v1/regions/{code}"): ("/api/v1/regions/520102", 200),
    ("GET", "/api/v1/regions/{code}/children"): ("/api/v1/regions/520102/children", 200),
    ("GET", "/api/v1/search"): ("/api/v1/search?q=%E4%BD%8E%E4%BF%9D", 200),
    ("GET", "/api/v1/suggest"): ("/api/v1/suggest?q=%E6%B3%95%E5%BE%8B", 200),
    ("GET", "/search"): ("/search?q=%E4%BD%8E%E4%BF%9D", 200),
    ("GET", "/api/v1/providers"): ("/api/v1/providers?type=legal_aid&region=520100", 200),
    ("GET", "/api/v1/providers/nearby"): (
        "/api/v1/providers/nearby?lat=26.58&lng=106.71&coordtype=gcj02&radius_m=5000",
        200,
    ),
    ("GET", "/api/v1/providers/{provider_id}"): ("/api/v1/providers/gz-02b97c5ed1", 200),
    ("POST", "/api/v1/providers/{provider_id}/corrections"): (
        "/api/v1/providers/gz-02b97c5ed1/corrections",
        201,
    ),
    ("GET", "/api/v1/editor/corrections"): ("/api/v1/editor/corrections", 403),  # no token set
    ("PATCH", "/api/v1/editor/corrections/{report_id}"): ("/api/v1/editor/corrections/1", 403),
    ("GET", "/api/v1/export/hsds"): ("/api/v1/export/hsds", 200),
    ("GET", "/providers/{provider_id}/correction"): ("/providers/gz-02b97c5ed1/correction", 200),
    ("POST", "/providers/{provider_id}/correction"): ("/providers/gz-02b97c5ed1/correction", 200),
    ("GET", "/"): ("/", 200),
    ("GET", "/areas/{code}"): ("/areas/veterans", 200),
    ("GET", "/services"): ("/services", 200),
    ("GET", "/services/{code}"): ("/services/preferential-treatment-and-pensions", 200),
    ("GET", "/life-events/{code}"): ("/life-events/veterans", 200),
    ("GET", "/regions"): ("/regions", 200),
    ("GET", "/regions/{code}"): ("/regions/520100", 200),
    ("GET", "/about"): ("/about", 200),
    ("GET", "/providers"): ("/providers?region=520102", 200),
    ("GET", "/providers/{provider_id}"): ("/providers/gz-02b97c5ed1", 200),
    ("GET", "/nearby"): ("/nearby?county=520102&township=520102016", 200),
    ("GET", "/preferences"): ("/preferences?elder=1&next=/about", 303),
    ("GET", "/api/v1/eligibility/facts"): ("/api/v1/eligibility/facts", 200),
    ("POST", "/api/v1/eligibility/evaluate"): ("/api/v1/eligibility/evaluate", 200),
    ("POST", "/api/v1/eligibility/next-question"): ("/api/v1/eligibility/next-question", 200),
    ("GET", "/eligibility"): ("/eligibility", 200),
    ("POST", "/eligibility"): ("/eligibility", 200),
    ("GET", "/eligibility/household"): ("/eligibility/household", 200),
    ("POST", "/eligibility/household"): ("/eligibility/household", 200),
}
# Request bodies of the POST routes: JSON for the API, form fields for the pages.
_ANSWERS = {"region": "520102", "household": {"members": [{"role": "applicant"}]}}
JSON_BODIES: dict[tuple[str, str], object] = {
    ("POST", "/api/v1/eligibility/evaluate"): _ANSWERS,
    ("POST", "/api/v1/eligibility/next-question"): _ANSWERS,
    ("POST", "/api/v1/providers/{provider_id}/corrections"): {
        "topic": "other",
        "message": "路由清单测试",
    },
    ("PATCH", "/api/v1/editor/corrections/{report_id}"): {"status": "resolved"},
}
FORM_BODIES: dict[tuple[str, str], dict[str, str]] = {
    ("POST", "/eligibility"): {"region": "520102", "action": "next"},
    ("POST", "/eligibility/household"): {"region": "520102", "count": "1"},
    ("POST", "/providers/{provider_id}/correction"): {"topic": "other", "message": "路由清单测试"},
}
MOUNTS = {"/static": ("/static/css/app.css", 200)}


def _served_routes(settings: Settings) -> tuple[set[tuple[str, str]], set[str]]:
    app = create_app(settings)
    routes: set[tuple[str, str]] = set()
    mounts: set[str] = set()
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        path = (
            context.path
            if hasattr(context, "path") and context.path
            else getattr(route, "path", "")
        )
        if isinstance(route, Mount):
            mounts.add(route.path)
            continue
        for method in getattr(route, "methods", None) or ():
            if method != "HEAD":
                routes.add((method, path))
    return routes, mounts


def test_every_route_has_an_exercise(seeded_settings: Settings) -> None:
    routes, mounts = _served_routes(seeded_settings)
    assert routes == set(EXERCISES), "add new routes to EXERCISES (and remove deleted ones)"
    assert mounts == set(MOUNTS)


def test_every_route_answers_as_expected(client: TestClient) -> None:
    for (method, template), (url, status) in {
        **EXERCISES,
        **{("GET", k): v for k, v in MOUNTS.items()},
    }.items():
        key = (method, template)
        response = client.request(
            method,
            url,
            json=JSON_BODIES.get(key),
            data=FORM_BODIES.get(key),
            follow_redirects=False,
        )
        assert response.status_code == status, f"{method} {template} → {response.status_code}"
        assert "x-request-id" in response.headers
        assert response.headers["x-content-type-options"] == "nosniff"
