"""A resident's location never reaches a log file: grep a real server's access log.

Runs ``qianfu serve --demo --workers 2`` as a subprocess with uvicorn's own logging set-up
(the configuration production uses), sends nearby queries with distinctive coordinates and
reads everything the server printed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx

from tests.support.processes import free_port, wait_for_http

REPO = Path(__file__).resolve().parents[1]
# Distinctive digits: if any of these strings shows up in the log, a location leaked.
LAT, LNG = "26.5912345", "106.7187654"
GCJ_LAT, GCJ_LNG = "26.5887766", "106.7233445"


def _wait_ready(base_url: str, process: subprocess.Popen[bytes]) -> None:
    wait_for_http(f"{base_url}/api/v1/readyz", process, what="server", timeout=120, interval=0.3)


def test_nearby_coordinates_stay_out_of_the_access_log(tmp_path: Path) -> None:
    port = free_port()
    log_path = tmp_path / "server.log"
    env = {
        **os.environ,
        "QIANFU_DATA_DIR": str(tmp_path / "data"),
        "QIANFU_DATABASE_URL": "",
        "QIANFU_LOG_LEVEL": "info",
        "QIANFU_DEMO_PROVIDERS": "200",
        "QIANFU_SEARCH_BACKEND": "embedded",
    }
    command = [sys.executable, "-c", "from app.cli import app; app()", "serve", "--demo"]
    command += ["--port", str(port), "--workers", "2"]
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            command, cwd=REPO, env=env, stdout=log_file, stderr=subprocess.STDOUT
        )
        base_url = f"http://127.0.0.1:{port}"
        try:
            _wait_ready(base_url, process)
            with httpx.Client(base_url=base_url) as http:
                ok = http.get(
                    "/api/v1/providers/nearby", params={"lat": LAT, "lng": LNG, "limit": 3}
                )
                assert ok.status_code == 200
                assert len(ok.json()["items"]) == 3
                converted = http.get(
                    "/api/v1/providers/nearby",
                    params={"lat": GCJ_LAT, "lng": GCJ_LNG, "coordtype": "gcj02"},
                )
                assert converted.status_code == 200
                refused = http.get(
                    "/api/v1/providers/nearby", params={"lat": "95.1234567", "lng": LNG}
                )
                assert refused.status_code == 422
                page = http.get("/nearby", params={"lat": LAT, "lng": LNG})
                assert page.status_code in {200, 404}  # the page may not exist in every build
                listed = http.get("/api/v1/providers", params={"region": "520102"})
                assert listed.status_code == 200
        finally:
            process.terminate()
            process.wait(timeout=30)
    log = log_path.read_text(encoding="utf-8", errors="replace")
    assert "/api/v1/providers/nearby" in log, "the access log was captured"
    assert "/api/v1/providers?region=520102" in log, "other routes keep their query string"
    for secret in (LAT, LNG, GCJ_LAT, GCJ_LNG, "95.1234567", "26.59123", "106.71876"):
        assert secret not in log, f"{secret} leaked into the server log"
    nearby_lines = [line for line in log.splitlines() if "/providers/nearby" in line]
    assert nearby_lines
    assert all("?" not in line and "127.0.0.1" not in line for line in nearby_lines)
