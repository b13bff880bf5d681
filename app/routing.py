"""A leaner API route for endpoints that read the request themselves and return a Response.

FastAPI's request handler does work for every request that such an endpoint never needs:
it resolves the (empty) dependency graph, records endpoint context for error messages and
prepares response-model serialisation. On the busiest routes (search, suggest, nearby and
the eligibility POSTs, which already parse their query string or body in one call) that was
~30 µs a request, measured in-process on a bare app (a plain route 70 µs, this one 40 µs).

The route stays an :class:`~fastapi.routing.APIRoute`: it is matched, documented in the
OpenAPI and wrapped in FastAPI's request scope and exception handling exactly as before.
Only the handler is the endpoint itself, and the class refuses, at start-up, an endpoint
that declares anything FastAPI would have to solve. (Include its router without
``dependencies=``: those would not run. tests/api/test_request_only_route.py checks the app.)
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.routing import APIRoute

Endpoint = Callable[[Request], Coroutine[Any, Any, Response]]


class RequestOnlyRouteError(TypeError):
    """An endpoint registered as request-only declares parameters or dependencies."""


class RequestOnlyRoute(APIRoute):
    """An API route whose endpoint is ``async def endpoint(request: Request) -> Response``."""

    def get_route_handler(self) -> Endpoint:
        """The endpoint itself: nothing to solve, validate or serialise around it."""
        dependant = self.dependant
        declared = (
            dependant.path_params
            + dependant.query_params
            + dependant.header_params
            + dependant.cookie_params
            + dependant.body_params
        )
        if declared or dependant.dependencies or not dependant.request_param_name:
            raise RequestOnlyRouteError(
                f"{self.path}: a request-only endpoint takes just the Request "
                "(no declared parameters or dependencies)"
            )
        if not inspect.iscoroutinefunction(self.endpoint):
            raise RequestOnlyRouteError(f"{self.path}: a request-only endpoint must be async")
        endpoint: Endpoint = self.endpoint
        return endpoint


def request_only(
    router: APIRouter, path: str, *, methods: list[str], **options: Any
) -> Callable[[Endpoint], Endpoint]:
    """Register the decorated endpoint on ``router`` as a :class:`RequestOnlyRoute`.

    ``options`` are those of :meth:`fastapi.APIRouter.add_api_route` (summary, responses,
    openapi_extra…), so the operation is documented as any other.
    """

    def register(endpoint: Endpoint) -> Endpoint:
        router.add_api_route(
            path, endpoint, methods=methods, route_class_override=RequestOnlyRoute, **options
        )
        return endpoint

    return register
