"""The request-only route: serves, documents and handles errors like any API route, and
refuses at registration an endpoint FastAPI would have to solve parameters for."""

from __future__ import annotations

from typing import Annotated

import pytest
from fastapi import APIRouter, Depends, FastAPI, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient

from app.routing import RequestOnlyRoute, RequestOnlyRouteError, request_only


def _app() -> FastAPI:
    router = APIRouter(prefix="/items", tags=["items"])

    @request_only(router, "/echo-length", methods=["POST"], summary="正文长度")
    async def echo_length(request: Request) -> Response:
        return Response(str(len(await request.body())).encode())

    @request_only(router, "/check", methods=["GET"])
    async def check(request: Request) -> Response:
        if "bad" in request.query_params:
            raise RequestValidationError([{"type": "x", "loc": ("query", "bad"), "msg": "m"}])
        return Response(b"ok")

    app = FastAPI()

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        return Response(b"invalid", status_code=422)

    app.include_router(router, prefix="/api")
    return app


def test_it_serves_reads_the_body_and_is_documented() -> None:
    app = _app()
    client = TestClient(app)
    assert client.post("/api/items/echo-length", content=b"12345").text == "5"
    assert client.get("/api/items/check").text == "ok"
    assert client.get("/api/items/echo-length").status_code == 405
    operation = app.openapi()["paths"]["/api/items/echo-length"]["post"]
    assert operation["summary"] == "正文长度"
    assert operation["tags"] == ["items"]


def test_errors_raised_by_the_endpoint_reach_the_app_handlers() -> None:
    assert TestClient(_app()).get("/api/items/check?bad=1").status_code == 422


def test_an_endpoint_with_declared_parameters_is_refused() -> None:
    router = APIRouter()

    async def with_query(request: Request, q: Annotated[str, Query()]) -> Response:
        return Response(q.encode())

    with pytest.raises(RequestOnlyRouteError, match="just the Request"):
        request_only(router, "/q", methods=["GET"])(with_query)


def test_an_endpoint_with_a_dependency_is_refused() -> None:
    router = APIRouter()

    async def dependency() -> int:
        return 1

    async def with_dependency(request: Request, n: Annotated[int, Depends(dependency)]) -> Response:
        return Response(str(n).encode())

    with pytest.raises(RequestOnlyRouteError):
        request_only(router, "/d", methods=["GET"])(with_dependency)
    router_with_dependency = APIRouter(dependencies=[Depends(dependency)])

    async def bare(request: Request) -> Response:
        return Response(b"")

    with pytest.raises(RequestOnlyRouteError):
        request_only(router_with_dependency, "/r", methods=["GET"])(bare)


def test_a_sync_endpoint_or_one_without_the_request_is_refused() -> None:
    router = APIRouter()

    def sync(request: Request) -> Response:
        return Response(b"")

    async def no_request() -> Response:
        return Response(b"")

    with pytest.raises(RequestOnlyRouteError, match="async"):
        request_only(router, "/s", methods=["GET"])(sync)
    with pytest.raises(RequestOnlyRouteError):
        request_only(router, "/n", methods=["GET"])(no_request)


def test_the_busiest_api_routes_use_it_and_are_included_without_dependencies(
    client: TestClient,
) -> None:
    contexts = {
        (context.path, method): context
        for context in iter_route_contexts(client.app.routes)  # type: ignore[attr-defined]
        for method in context.methods or ()
    }
    for path, method in [
        ("/api/v1/search", "GET"),
        ("/api/v1/suggest", "GET"),
        ("/api/v1/providers/nearby", "GET"),
        ("/api/v1/eligibility/evaluate", "POST"),
        ("/api/v1/eligibility/next-question", "POST"),
    ]:
        context = contexts[path, method]
        assert type(context.original_route) is RequestOnlyRoute, path
        # Dependencies added where a router is included would not run: none may be there.
        assert context.dependant.dependencies == [], path
