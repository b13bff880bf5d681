"""Request ids and security headers: added to every response, never duplicated."""

from __future__ import annotations

from fastapi import FastAPI, Response
from fastapi.testclient import TestClient

from app.middleware import SECURITY_HEADERS, RequestContextMiddleware


def _client() -> TestClient:
    app = FastAPI()
    app.add_middleware(RequestContextMiddleware)

    @app.get("/plain")
    async def plain() -> Response:
        return Response(b"ok")

    @app.get("/own")
    async def own() -> Response:
        # A route with its own framing policy and a made-up request id.
        return Response(b"ok", headers={"X-Frame-Options": "SAMEORIGIN", "X-Request-ID": "x"})

    return TestClient(app)


def test_every_response_gets_an_id_and_the_security_headers() -> None:
    client = _client()
    first, second = client.get("/plain"), client.get("/plain")
    for response in (first, second):
        for name, value in SECURITY_HEADERS.items():
            assert response.headers[name] == value
        assert len(response.headers["x-request-id"]) == 32
        assert int(response.headers["x-request-id"], 16) >= 0
    assert first.headers["x-request-id"] != second.headers["x-request-id"]


def test_a_route_keeps_its_own_security_header_but_not_its_own_request_id() -> None:
    response = _client().get("/own")
    assert response.headers.get_list("x-frame-options") == ["SAMEORIGIN"]
    ids = response.headers.get_list("x-request-id")
    assert len(ids) == 1
    assert ids[0] != "x"
