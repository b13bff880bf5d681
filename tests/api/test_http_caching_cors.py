"""ETag/Cache-Control on catalogue reads, and CORS only for configured origins."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from app.main import create_app
from app.settings import Settings
from tests.conftest import make_settings


def test_catalogue_reads_carry_etag_and_answer_304(client: TestClient) -> None:
    first = client.get("/api/v1/services?limit=5")
    etag = first.headers["etag"]
    assert etag.startswith('W/"')
    assert first.headers["cache-control"] == "public, max-age=300"
    again = client.get("/api/v1/services?limit=5", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    other = client.get("/api/v1/services?limit=6", headers={"If-None-Match": etag})
    assert other.status_code == 200
    assert other.headers["etag"] != etag


def test_errors_and_health_are_not_cached(client: TestClient) -> None:
    assert client.get("/api/v1/services/no-such").headers["cache-control"] == "no-store"
    assert client.get("/api/v1/readyz").headers["cache-control"] == "no-store"


def test_no_cors_headers_by_default(client: TestClient) -> None:
    response = client.get("/api/v1/areas", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in response.headers


def _cors_client(tmp_path: Path, seeded_settings: Settings, origins: list[str]) -> TestClient:
    settings = make_settings(seeded_settings.database_url, tmp_path, cors_origins=origins)
    return TestClient(create_app(settings))


def test_cors_allows_only_listed_origins(tmp_path: Path, seeded_settings: Settings) -> None:
    with _cors_client(tmp_path, seeded_settings, ["https://mp.example.cn"]) as c:
        ok = c.get("/api/v1/areas", headers={"Origin": "https://mp.example.cn"})
        assert ok.headers["access-control-allow-origin"] == "https://mp.example.cn"
        assert "access-control-allow-credentials" not in ok.headers
        for origin in ("https://evil.example", "null"):
            denied = c.get("/api/v1/areas", headers={"Origin": origin})
            assert "access-control-allow-origin" not in denied.headers


def test_cors_wildcard_never_allows_credentials(tmp_path: Path, seeded_settings: Settings) -> None:
    with _cors_client(tmp_path, seeded_settings, ["*"]) as c:
        response = c.get("/api/v1/areas", headers={"Origin": "https://any.example"})
        assert response.headers["access-control-allow-origin"] == "*"
        assert "access-control-allow-credentials" not in response.headers


@pytest.mark.parametrize("origin", ["null", "ftp://x.example", "mp.example.cn"])
def test_cors_setting_rejects_bad_origins(origin: str) -> None:
    with pytest.raises(ValidationError):
        Settings(cors_origins=[origin])
