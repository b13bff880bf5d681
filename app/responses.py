"""JSON responses: pydantic models serialised once by pydantic-core (with ETag caching for
catalogue reads), and plain dicts built on a hot path serialised once by orjson."""

from __future__ import annotations

import hashlib

import orjson
from fastapi import Request, Response
from pydantic import BaseModel

from app.schemas import ErrorBody

JSON_MEDIA_TYPE = "application/json"

# Error responses every catalogue route may give, for the OpenAPI document.
ERROR_RESPONSES: dict[int | str, dict[str, object]] = {
    400: {"model": ErrorBody, "description": "请求参数无效（如分页游标）"},
    404: {"model": ErrorBody, "description": "代码不存在"},
    422: {"model": ErrorBody, "description": "参数格式或取值不合法"},
}
CACHED_RESPONSES: dict[int | str, dict[str, object]] = {
    304: {"description": "内容未变（If-None-Match 与 ETag 一致）"},
    **ERROR_RESPONSES,
}


def _etag(body: bytes) -> str:
    return 'W/"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'


def _matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    candidates = {tag.strip() for tag in if_none_match.split(",")}
    weak_body = etag.removeprefix("W/")
    return "*" in candidates or etag in candidates or weak_body in candidates


def cached_json(request: Request, payload: BaseModel, *, max_age: int) -> Response:
    """Serialise ``payload``; answer 304 when the client already has this exact body."""
    body = payload.__pydantic_serializer__.to_json(payload)
    etag = _etag(body)
    headers = {"ETag": etag, "Cache-Control": f"public, max-age={max_age}"}
    if _matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    return Response(content=body, media_type=JSON_MEDIA_TYPE, headers=headers)


def json_response(
    payload: BaseModel, *, status_code: int = 200, no_store: bool = False
) -> Response:
    """Serialise ``payload`` without caching headers (health checks, errors)."""
    headers = {"Cache-Control": "no-store"} if no_store else None
    return Response(
        content=payload.__pydantic_serializer__.to_json(payload),
        media_type=JSON_MEDIA_TYPE,
        status_code=status_code,
        headers=headers,
    )


def orjson_response(body: object, *, cache_control: str = "no-store") -> Response:
    """A plain dict or list as JSON bytes (no model validation, no jsonable_encoder pass)."""
    return Response(
        orjson.dumps(body), media_type=JSON_MEDIA_TYPE, headers={"Cache-Control": cache_control}
    )
