"""No OpenTelemetry span leaves the app: FastAPI's would carry a nearby query's coordinates.

A recording tracer provider stands in for one an operator might install process-wide; a
plain FastAPI app shows the provider would be used, ours shows it is not.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from fastapi import FastAPI, Response
from fastapi.testclient import TestClient
from opentelemetry import trace

LAT, LNG = "26.5912345", "106.7187654"


class RecordingTracer(trace.NoOpTracer):
    """A tracer that keeps the attributes of every span started through it."""

    def __init__(self, spans: list[dict[str, Any]]) -> None:
        self.spans = spans

    def start_span(self, name: str, *args: Any, **kwargs: Any) -> trace.Span:
        self.spans.append(dict(kwargs.get("attributes") or {}))
        return super().start_span(name, *args, **kwargs)


class RecordingProvider(trace.TracerProvider):
    """A configured (not deferred, not no-op) provider handing out recording tracers."""

    def __init__(self) -> None:
        self.spans: list[dict[str, Any]] = []

    def get_tracer(
        self,
        instrumenting_module_name: str,
        instrumenting_library_version: str | None = None,
        schema_url: str | None = None,
        attributes: Any = None,
    ) -> trace.Tracer:
        return RecordingTracer(self.spans)


@pytest.fixture
def provider(monkeypatch: pytest.MonkeyPatch) -> RecordingProvider:
    recording = RecordingProvider()
    monkeypatch.setattr(trace, "get_tracer_provider", lambda: recording)
    return recording


def _queries(spans: Sequence[dict[str, Any]]) -> list[str]:
    return [str(span.get("url.query", "")) for span in spans]


def test_a_plain_fastapi_app_would_trace_the_query_string(provider: RecordingProvider) -> None:
    plain = FastAPI()

    @plain.get("/nearby")
    async def nearby() -> Response:
        return Response(b"ok")

    with TestClient(plain) as client:
        assert client.get("/nearby", params={"lat": LAT, "lng": LNG}).status_code == 200
    assert any(LAT in query for query in _queries(provider.spans))


def test_our_app_starts_no_span_for_a_nearby_query(
    client: TestClient, provider: RecordingProvider
) -> None:
    response = client.get("/api/v1/providers/nearby", params={"lat": LAT, "lng": LNG})
    assert response.status_code == 200
    assert provider.spans == []
