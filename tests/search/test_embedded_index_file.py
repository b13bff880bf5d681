"""The embedded backend and its index file: gone is a clear 503, back is served again."""

from __future__ import annotations

import shutil
from pathlib import Path

from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import Settings
from tests.support.search_backends import index_everything

NEARBY = "/api/v1/providers/nearby"
POINT = {"lat": 26.58, "lng": 106.71, "radius_m": 50_000}


def test_a_missing_index_file_is_a_clear_503_until_it_is_back(
    search_base_settings: Settings, tmp_path: Path
) -> None:
    settings = search_base_settings.model_copy(update={"data_dir": tmp_path})
    index_everything(settings)
    path = settings.search_index_path
    with TestClient(create_app(settings)) as client:
        assert client.get("/api/v1/search", params={"q": "低保"}).json()["total"] > 0
        assert client.get(NEARBY, params=POINT).json()["total"] > 0
        moved = shutil.move(path, tmp_path / "elsewhere")
        for response in (
            client.get("/api/v1/search", params={"q": "低保"}),
            client.get(NEARBY, params=POINT),
        ):
            assert response.status_code == 503
            assert response.json()["error"]["code"] == "search_unavailable"
        shutil.move(moved, path)
        assert client.get("/api/v1/search", params={"q": "低保"}).json()["total"] > 0
        assert client.get(NEARBY, params=POINT).json()["total"] > 0
