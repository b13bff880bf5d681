"""Meilisearch down, hung or stopped mid-test: a clear 503, or the embedded fallback."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import Settings
from tests.support.meilisearch import start_meilisearch
from tests.support.processes import free_port
from tests.support.search_backends import backend_settings, index_everything

SEARCH = "/api/v1/search"


def _meili_at(base: Settings, url: str, **extra: object) -> Settings:
    return base.model_copy(
        update={
            "search_backend": "meilisearch",
            "meili_url": url,
            "meili_master_key": "irrelevant",
            "meili_timeout_seconds": 0.5,
            **extra,
        }
    )


def test_unreachable_meilisearch_is_a_clear_503(search_base_settings: Settings) -> None:
    settings = _meili_at(search_base_settings, f"http://127.0.0.1:{free_port()}")
    with TestClient(create_app(settings)) as client:
        response = client.get(SEARCH, params={"q": "低保"})
        assert response.status_code == 503
        assert response.json()["error"]["code"] == "search_unavailable"
        assert "搜索服务暂时不可用" in response.json()["error"]["message"]
        assert response.headers["retry-after"] == "10"
        ready = client.get("/api/v1/readyz")
        assert ready.status_code == 200, "the rest of the site still works"
        assert ready.json()["checks"]["search"]["status"] == "warn"
        assert client.get("/api/v1/services").status_code == 200


@pytest.fixture
def black_hole() -> Iterator[int]:
    """A port that accepts connections and never answers (a hung server)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
                held.append(conn)
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


def test_hung_meilisearch_times_out(search_base_settings: Settings, black_hole: int) -> None:
    settings = _meili_at(search_base_settings, f"http://127.0.0.1:{black_hole}")
    with TestClient(create_app(settings)) as client:
        started = time.monotonic()
        response = client.get(SEARCH, params={"q": "低保"})
        assert response.status_code == 503
        assert time.monotonic() - started < 3, "the request is cut by our timeout"


def test_fallback_to_embedded_when_meilisearch_stops(search_base_settings: Settings) -> None:
    server = start_meilisearch()
    try:
        settings = backend_settings(search_base_settings, "meilisearch", server).model_copy(
            update={"search_fallback": True}
        )
        index_everything(settings)
        with TestClient(create_app(settings)) as client:
            live = client.get(SEARCH, params={"q": "低保"}).json()
            assert live["backend"] == "meilisearch"
            assert live["degraded"] is False
            server.stop()  # the server goes away mid-test
            fallback = client.get(SEARCH, params={"q": "低保"})
            assert fallback.status_code == 200
            body = fallback.json()
            assert body["backend"] == "embedded"
            assert body["degraded"] is True
            assert body["items"][0]["code"] == "minimum-living-allowance"
            suggestions = client.get("/api/v1/suggest", params={"q": "法律"})
            assert suggestions.status_code == 200
            assert client.get("/api/v1/readyz").json()["checks"]["search"]["status"] == "warn"
    finally:
        server.stop()
