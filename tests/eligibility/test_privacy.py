"""Nothing a user enters is stored, logged, put in a URL or echoed in errors (reliability §5).

Marker answers go through every eligibility endpoint and page; the app logs (caplog), the
uvicorn access log of a real server and every error body must not contain them, and the
database must not change.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.main import create_app
from app.models import metadata
from app.settings import Settings
from tests.eligibility.strategies import facts_of
from tests.support.processes import free_port

INCOME = 98765.43
AGE = 117
MARKERS = ("98765.43", "visual")
ANSWERS: dict[str, Any] = {
    "region": "520102",
    "household": {
        "facts": {"household.income_per_capita_monthly": INCOME},
        "members": [
            {
                "role": "applicant",
                "facts": {
                    "person.age": AGE,
                    "person.disability_cert": True,
                    "person.disability_grade": 2,
                    "person.disability_category": "visual",
                },
            }
        ],
    },
}
BAD = {
    **ANSWERS,
    "household": {
        **ANSWERS["household"],
        "facts": {"household.income_per_capita_monthly": -INCOME},
    },
}
FORM = {
    "region": "520102",
    "action": "next",
    "h.household.income_per_capita_monthly": str(INCOME),
    "m0.person.age": str(AGE),
    "m0.person.disability_category": "visual",
}


def _exercise(http: Any) -> list[Any]:
    """Send the markers through every route that takes answers; return the responses."""
    return [
        http.post("/api/v1/eligibility/evaluate", json=ANSWERS),
        http.post("/api/v1/eligibility/next-question", json=ANSWERS),
        http.post("/api/v1/eligibility/evaluate", json=BAD),
        http.get(f"/api/v1/eligibility/evaluate?income={INCOME}&category=visual"),
        http.get(f"/api/v1/eligibility/next-question?income={INCOME}"),
        http.post("/eligibility", data=FORM),
        http.post("/eligibility/household", data={**FORM, "count": "1", "action": "evaluate"}),
    ]


def _clean(text: str) -> bool:
    return not any(marker in text for marker in MARKERS)


def test_markers_stay_out_of_app_logs_and_errors(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    responses = _exercise(client)
    assert [r.status_code for r in responses] == [200, 200, 422, 405, 405, 200, 200]
    for response in responses[2:5]:
        assert _clean(response.text), response.text
    for record in caplog.records:
        if record.name.startswith(("httpx", "httpcore")):
            continue  # the test client logs its own requests, not the app
        assert _clean(record.getMessage()), record.getMessage()


def test_answers_are_echoed_only_inside_explanations(client: TestClient) -> None:
    data = client.post("/api/v1/eligibility/evaluate", json=ANSWERS).json()
    for result in data["results"]:
        stripped = {k: v for k, v in result.items() if k not in ("reasons", "hints", "members")}
        assert _clean(str(stripped))
        assert str(AGE) not in str(stripped)
    top = {k: v for k, v in data.items() if k != "results"}
    assert _clean(str(top))


def test_nothing_is_persisted(client: TestClient) -> None:
    """Row counts of every table (both databases) and, on SQLite, the data files' bytes."""
    settings: Settings = client.app.state.settings  # type: ignore[attr-defined]
    engine = client.app.state.engine  # type: ignore[attr-defined]

    def state() -> dict[str, str]:
        with engine.connect() as conn:
            counts = {
                table.name: str(conn.execute(select(func.count()).select_from(table)).scalar())
                for table in metadata.sorted_tables
            }
        if not settings.is_sqlite:
            return counts
        folder = Path(settings.database_url.removeprefix("sqlite:///")).parent
        files = {
            p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.iterdir())
            if p.is_file() and not p.name.endswith(("-shm", "-wal"))
        }
        return counts | files

    before = state()
    run_random_answers(client)
    _exercise(client)
    assert state() == before


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    members=st.lists(facts_of(person=True), min_size=1, max_size=3), hfacts=facts_of(person=False)
)
def _random_answers(
    client: TestClient, members: list[dict[str, Any]], hfacts: dict[str, Any]
) -> None:
    body = {
        "region": "520102",
        "household": {"facts": hfacts, "members": [{"role": "other", "facts": m} for m in members]},
    }
    response = client.post("/api/v1/eligibility/evaluate", json=body)
    assert response.status_code == 200, response.text


def run_random_answers(client: TestClient) -> None:
    _random_answers(client)


@pytest.fixture
def live_server(seeded_settings: Settings) -> Iterator[str]:
    """A real uvicorn server with its access log on (logged through the std logging tree)."""
    port = free_port()
    config = uvicorn.Config(
        create_app(seeded_settings),
        host="127.0.0.1",
        port=port,
        log_config=None,
        access_log=True,
        log_level="info",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def test_markers_stay_out_of_the_access_log(
    live_server: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="uvicorn.access")
    with httpx.Client(base_url=live_server) as http:
        responses = _exercise(http)
    assert [r.status_code for r in responses] == [200, 200, 422, 405, 405, 200, 200]
    lines = [r.getMessage() for r in caplog.records if r.name == "uvicorn.access"]
    assert any("/api/v1/eligibility/evaluate" in line for line in lines), "access log captured"
    for line in lines:
        assert _clean(line), line
        assert "?" not in line


def test_pages_keep_answers_out_of_urls(client: TestClient) -> None:
    page = client.post("/eligibility", data=FORM)
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    assert "set-cookie" not in page.headers
    for form in page.text.split("<form")[1:]:
        head = form.split(">", 1)[0]
        if 'action="/eligibility' in head:
            assert 'method="post"' in head
    assert "?income" not in page.text
