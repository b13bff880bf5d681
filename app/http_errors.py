"""Map failures to HTTP: one table for domain errors, Chinese messages, no echoed input.

JSON routes (under ``/api``) answer with the error envelope of the product brief; pages get a
friendly HTML error page. Validation messages never contain the submitted value (a privacy
rule: answers and coordinates must not travel back in errors or into logs).
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.errors import InvalidCursor, NotFound, QianfuError
from app.providers.nearby import NearbyInputError
from app.responses import json_response
from app.schemas import ErrorBody, ErrorDetail
from app.search.service import InvalidFilter, SearchDown, SearchInputError
from app.validation_messages import describe

log = logging.getLogger(__name__)

STATUS_BY_ERROR: dict[type[QianfuError], int] = {
    NotFound: 404,
    InvalidCursor: 400,
    SearchInputError: 422,
    NearbyInputError: 422,
    InvalidFilter: 400,
    SearchDown: 503,
}

HTTP_STATUS_CODES: dict[int, tuple[str, str]] = {
    400: ("bad_request", "请求无效"),
    404: ("not_found", "页面或资源不存在"),
    405: ("method_not_allowed", "不支持该请求方法"),
    406: ("not_acceptable", "不支持请求的内容类型"),
    413: ("payload_too_large", "请求内容过大"),
    415: ("unsupported_media_type", "不支持的内容类型"),
    429: ("too_many_requests", "请求过于频繁，请稍后再试"),
}


def _request_id(request: Request) -> str | None:
    value = request.scope.get("state", {}).get("request_id")
    return value if isinstance(value, str) else None


def wants_html(request: Request) -> bool:
    """Pages (anything outside ``/api``) get HTML errors; the API always gets JSON."""
    return not request.url.path.startswith("/api")


def error_response(
    request: Request, status: int, code: str, message: str, field: str | None = None
) -> Response:
    """The error envelope as JSON, or an HTML error page for page routes."""
    if wants_html(request):
        from app.pages.render import render_error

        return render_error(request, status, message)
    body = ErrorBody(
        error=ErrorDetail(code=code, message=message, field=field),
        request_id=_request_id(request),
    )
    return json_response(body, status_code=status, no_store=True)


def _validation_message(error: dict[str, Any]) -> tuple[str, str | None]:
    # Positions inside a list parameter (``type=…&type=…``) name the parameter, not the index.
    loc = [
        str(part)
        for part in error.get("loc", ())
        if part not in ("query", "path", "body") and not isinstance(part, int)
    ]
    field = loc[-1] if loc else None
    prefix = f"参数 {field} " if field else ""
    return f"{prefix}{describe(error)}", field


# Parameters with their own stable error code (the product brief's geo examples).
FIELD_CODES = {
    "lat": "invalid_coordinates",
    "lng": "invalid_coordinates",
    "coordtype": "invalid_coordtype",
    "radius_m": "invalid_radius",
}


async def _on_validation(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    first = errors[0] if errors else {}
    message, field = _validation_message(first)
    if first.get("type") == "missing":
        code = "missing_parameter"
    else:
        code = FIELD_CODES.get(field or "", "invalid_parameter")
    return error_response(request, 422, code, message, field)


async def _on_domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, QianfuError)
    status = next((code for kind, code in STATUS_BY_ERROR.items() if isinstance(exc, kind)), 400)
    response = error_response(request, status, exc.code, exc.message, exc.field)
    if status == 503:
        response.headers["Retry-After"] = "10"
    return response


async def _on_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    code, message = HTTP_STATUS_CODES.get(exc.status_code, ("http_error", "请求无法处理"))
    response = error_response(request, exc.status_code, code, message)
    for name, value in (exc.headers or {}).items():
        response.headers[name] = value
    return response


async def _on_unexpected(request: Request, exc: Exception) -> Response:
    # Not a catch-all that hides bugs: it logs the full traceback and answers a generic 500.
    log.error("unhandled error (request_id=%s)", _request_id(request), exc_info=exc)
    return error_response(request, 500, "internal_error", "服务器内部错误，请稍后再试")


def register_error_handlers(app: FastAPI) -> None:
    """Install the handlers on ``app``."""
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(QianfuError, _on_domain_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(Exception, _on_unexpected)
