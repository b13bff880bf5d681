"""“信息有误？” reports: form and API, nothing personal stored, rate limits, the editors' queue.

Everything that writes runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from limits.storage import MemoryStorage
from sqlalchemy import Engine, inspect
from sqlmodel import Session, col, select

from app.deps import CHINA_TZ
from app.main import create_app
from app.models.provider import CorrectionReport
from app.providers.corrections import ReportLimiter, ReportLimitExceeded, redact
from app.seeding import seed_database
from app.settings import Settings
from tests.conftest import DB_KINDS, SEED_DIR
from tests.providers.databases import seeded

PROVIDER = "gz-e1a1731072"  # 南明区法律援助中心
OTHER = "gz-795b25e947"  # 云岩区法律援助中心
TOKEN = "editor-secret-令牌".encode().hex()
PINNED = dt.datetime(2026, 11, 28, 10, 30, tzinfo=CHINA_TZ)
EDITOR = "/api/v1/editor/corrections"


def _api(provider: str) -> str:
    return f"/api/v1/providers/{provider}/corrections"


@pytest.fixture(scope="module", params=DB_KINDS)
def reports_db(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Settings, Engine]]:
    tmp = tmp_path_factory.mktemp(f"corrections-{request.param}")
    with seeded(request, tmp, SEED_DIR) as db:
        yield db


def _client(settings: Settings, **overrides: Any) -> TestClient:
    app = create_app(settings.model_copy(update=overrides))
    app.state.clock = lambda: PINNED
    return TestClient(app)


@pytest.fixture(scope="module")
def client(reports_db: tuple[Settings, Engine]) -> Iterator[TestClient]:
    """An app with an editor token and a limit no test reaches."""
    with _client(reports_db[0], editor_token=TOKEN, correction_reports_per_hour=1000) as c:
        yield c


def _auth(token: str = TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _stored(engine: Engine, report_id: int) -> CorrectionReport:
    with Session(engine) as session:
        row = session.get(CorrectionReport, report_id)
        assert row is not None
        return row


def _count(engine: Engine) -> int:
    with Session(engine) as session:
        return len(session.exec(select(col(CorrectionReport.id))).all())


# --- Submitting ---------------------------------------------------------------------------


def test_a_report_is_stored_with_nothing_about_the_sender(
    reports_db: tuple[Settings, Engine], client: TestClient
) -> None:
    _, engine = reports_db
    response = client.post(_api(PROVIDER), json={"topic": "phone", "message": "  电话打不通  "})
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "new"
    row = _stored(engine, body["id"])
    assert (row.location_id, row.topic, row.message, row.status) == (
        PROVIDER,
        "phone",
        "电话打不通",
        "new",
    )
    created = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=dt.UTC)
    assert created == PINNED
    columns = {c["name"] for c in inspect(engine).get_columns("correction_report")}
    assert columns == {"id", "location_id", "topic", "message", "created_at", "status"}


def test_personal_numbers_typed_into_the_message_are_blanked() -> None:
    text = "请打 138-0013-8000 或 +86 13900139000；身份证 52010219900101123X。电话 0851-85509808"
    assert redact(text) == "请打 ［已隐去］ 或 ［已隐去］；身份证 ［已隐去］。电话 0851-85509808"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"topic": "weather", "message": "不对"}, "topic"),
        ({"topic": "hours", "message": ""}, "message"),
        ({"topic": "hours", "message": "   "}, "message"),
        ({"topic": "hours", "message": "长" * 501}, "message"),
        ({"topic": "hours"}, "message"),
        ({"topic": "hours", "message": "不对", "name": "张三"}, "name"),
        ({"topic": "hours", "message": "不对", "phone": "13800138000"}, "phone"),
    ],
)
def test_bad_reports_get_422_without_echo(
    reports_db: tuple[Settings, Engine], client: TestClient, body: dict[str, Any], field: str
) -> None:
    _, engine = reports_db
    before = _count(engine)
    response = client.post(_api(PROVIDER), json=body)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["field"] == field
    for value in body.values():
        if value.strip():
            assert value not in response.text
    assert _count(engine) == before


def test_a_report_about_an_unknown_provider_is_404(client: TestClient) -> None:
    response = client.post(_api("no-such-provider"), json={"topic": "other", "message": "?"})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "provider_not_found"
    assert client.get("/providers/no-such-provider/correction").status_code == 404


def test_the_limit_answers_429_with_retry_after_for_api_and_form(
    reports_db: tuple[Settings, Engine],
) -> None:
    settings, engine = reports_db
    with _client(settings, correction_reports_per_hour=2) as limited:
        report = {"topic": "address", "message": "已搬迁"}
        assert limited.post(_api(PROVIDER), json=report).status_code == 201
        assert limited.post(f"/providers/{OTHER}/correction", data=report).status_code == 200
        before = _count(engine)
        refused = limited.post(_api(PROVIDER), json=report)
        assert refused.status_code == 429
        assert 1 <= int(refused.headers["Retry-After"]) <= 3600
        assert refused.json()["error"]["code"] == "too_many_reports"
        assert refused.json()["error"]["message"] == "提交太频繁，请稍后再试"
        page = limited.post(f"/providers/{PROVIDER}/correction", data=report)
        assert page.status_code == 429
        assert "text/html" in page.headers["content-type"]
        assert "Retry-After" in page.headers
        assert _count(engine) == before, "a refused report is not stored"
        app = limited.app
    # Another client address has its own allowance.
    other = TestClient(app, client=("203.0.113.7", 40000))
    with other:
        assert other.post(_api(PROVIDER), json=report).status_code == 201


def test_the_limiter_never_holds_a_raw_address() -> None:
    limiter = ReportLimiter(1)
    limiter.hit("198.51.100.23")
    with pytest.raises(ReportLimitExceeded):
        limiter.hit("198.51.100.23")
    storage = limiter._limiter.storage
    assert isinstance(storage, MemoryStorage)
    keys = " ".join([*storage.events, *storage.storage, *storage.expirations])
    assert keys
    assert "198.51.100.23" not in keys
    assert "198" not in keys.replace(limiter._key("198.51.100.23"), "")


# --- The form page ------------------------------------------------------------------------


def test_the_form_asks_only_a_topic_and_a_description(client: TestClient) -> None:
    response = client.get(f"/providers/{PROVIDER}/correction")
    assert response.status_code == 200
    soup = BeautifulSoup(response.text, "html.parser")
    form = soup.find("form", attrs={"method": "post"})
    assert form["action"] == f"/providers/{PROVIDER}/correction"
    names = {field["name"] for field in form.find_all(["input", "textarea", "select"])}
    assert names == {"topic", "message"}, "no name, phone or ID fields"
    labels = [label.get_text(strip=True) for label in form.find_all("label") if label.input]
    assert labels == ["地址", "电话", "开放时间", "已关闭或搬迁", "服务内容", "其他"]
    assert form.find("textarea")["maxlength"] == "500"
    assert "不要" in soup.get_text()
    assert "个人信息" in soup.get_text()
    assert "南明区法律援助中心" in soup.get_text()


def test_the_form_thanks_or_shows_what_is_missing(
    reports_db: tuple[Settings, Engine], client: TestClient
) -> None:
    _, engine = reports_db
    before = _count(engine)
    missing = client.post(f"/providers/{PROVIDER}/correction", data={"message": "周六不开门"})
    assert missing.status_code == 422
    assert "请选择哪里有误" in missing.text
    assert "周六不开门" in missing.text, "what was typed is kept in the form"
    assert missing.headers["Cache-Control"] == "no-store"
    empty = client.post(f"/providers/{PROVIDER}/correction", data={"topic": "hours"})
    assert empty.status_code == 422
    assert "请填写具体说明" in empty.text
    assert _count(engine) == before
    thanks = client.post(
        f"/providers/{PROVIDER}/correction", data={"topic": "hours", "message": "周六不开门"}
    )
    assert thanks.status_code == 200
    assert "谢谢" in thanks.text
    assert _count(engine) == before + 1


# --- The editors' queue -------------------------------------------------------------------


def test_editor_endpoints_are_off_without_a_token(reports_db: tuple[Settings, Engine]) -> None:
    with _client(reports_db[0], editor_token="") as off:
        for headers in ({}, _auth(""), _auth("anything")):
            response = off.get(EDITOR, headers=headers)
            assert response.status_code == 403
            assert response.json()["error"] == {
                "code": "editor_disabled",
                "message": "编辑接口未启用",
                "field": None,
            }


@pytest.mark.parametrize(
    "headers",
    [{}, _auth("wrong"), _auth(TOKEN + "x"), {"Authorization": f"Basic {TOKEN}"}, _auth("令牌")],
)
def test_a_missing_or_wrong_token_is_401(client: TestClient, headers: dict[str, str]) -> None:
    encoded = {k: v.encode() for k, v in headers.items()}  # raw UTF-8 bytes for the non-ASCII case
    response = client.get(EDITOR, headers=encoded)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert response.json()["error"]["code"] == "unauthorized"


def test_editors_page_through_reports_oldest_first(
    reports_db: tuple[Settings, Engine], client: TestClient
) -> None:
    _, engine = reports_db
    made = [
        client.post(_api(OTHER), json={"topic": topic, "message": f"第{n}条"}).json()["id"]
        for n, topic in enumerate(("hours", "closed_or_moved", "services"))
    ]
    seen: list[dict[str, Any]] = []
    cursor = None
    for _ in range(100):
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = client.get(EDITOR, params=params, headers=_auth())
        assert page.status_code == 200
        assert page.headers["Cache-Control"] == "no-store"
        body = page.json()
        seen.extend(body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            break
    ids = [item["id"] for item in seen]
    assert ids == sorted(ids)
    assert body["total"] == len(seen)
    assert set(made) <= set(ids)
    item = next(i for i in seen if i["id"] == made[1])
    assert item == {
        "id": made[1],
        "provider": {"id": OTHER, "name": "云岩区法律援助中心", "url": f"/providers/{OTHER}"},
        "topic": {"code": "closed_or_moved", "name": "已关闭或搬迁"},
        "message": "第1条",
        "created_at": "2026-11-28T02:30:00Z",
        "status": "new",
    }
    with Session(engine) as session:
        row = session.get(CorrectionReport, made[2])
        assert row is not None
        row.status = "resolved"
        session.add(row)
        session.commit()
    new = client.get(EDITOR, params={"limit": 100}, headers=_auth()).json()
    resolved = client.get(EDITOR, params={"status": "resolved"}, headers=_auth()).json()
    every = client.get(EDITOR, params={"status": "all", "limit": 100}, headers=_auth()).json()
    assert made[2] not in [i["id"] for i in new["items"]]
    assert made[2] in [i["id"] for i in resolved["items"]]
    assert every["total"] == new["total"] + resolved["total"]
    bad = client.get(EDITOR, params={"cursor": "bm90LWEtbnVtYmVy"}, headers=_auth())
    assert bad.status_code == 400
    assert bad.json()["error"]["code"] == "invalid_cursor"
    assert client.get(EDITOR, params={"status": "open"}, headers=_auth()).status_code == 422


def _new_report(client: TestClient, topic: str, message: str) -> int:
    """Submit a report about OTHER; its id."""
    response = client.post(_api(OTHER), json={"topic": topic, "message": message})
    assert response.status_code == 201, response.text
    report_id: int = response.json()["id"]
    return report_id


def test_editors_move_a_report_through_the_queue(
    reports_db: tuple[Settings, Engine], client: TestClient
) -> None:
    _, engine = reports_db
    report_id = _new_report(client, "hours", "周六也开门")
    url = f"{EDITOR}/{report_id}"
    before = _stored(engine, report_id)

    changed = client.patch(url, json={"status": "dismissed"}, headers=_auth())
    assert changed.status_code == 200, changed.text
    assert changed.headers["Cache-Control"] == "no-store"
    body = changed.json()
    assert body["id"] == report_id
    assert body["status"] == "dismissed"
    assert body["message"] == "周六也开门"
    assert body["provider"]["name"] == "云岩区法律援助中心"
    after = _stored(engine, report_id)
    assert after.status == "dismissed"
    assert (after.message, after.topic, after.created_at) == (
        before.message,
        before.topic,
        before.created_at,
    ), "only the status changes"
    queue = client.get(EDITOR, params={"limit": 100}, headers=_auth()).json()
    assert report_id not in [item["id"] for item in queue["items"]]
    dismissed = client.get(EDITOR, params={"status": "dismissed"}, headers=_auth()).json()
    assert report_id in [item["id"] for item in dismissed["items"]]

    back = client.patch(url, json={"status": "new"}, headers=_auth())
    assert back.status_code == 200
    assert _stored(engine, report_id).status == "new"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"status": "done"}, 422, "invalid_parameter"),
        ({"status": "resolved", "note": "x"}, 422, "invalid_parameter"),
        ({}, 422, "missing_parameter"),
    ],
)
def test_a_bad_status_change_is_422_and_changes_nothing(
    reports_db: tuple[Settings, Engine],
    client: TestClient,
    body: dict[str, str],
    status: int,
    code: str,
) -> None:
    _, engine = reports_db
    report_id = _new_report(client, "other", "状态测试")
    response = client.patch(f"{EDITOR}/{report_id}", json=body, headers=_auth())
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert _stored(engine, report_id).status == "new"


def test_a_status_change_that_is_not_utf8_json_is_400_and_documented(
    reports_db: tuple[Settings, Engine], client: TestClient
) -> None:
    _, engine = reports_db
    report_id = _new_report(client, "other", "编码测试")
    headers = {**_auth(), "Content-Type": "application/json"}
    response = client.patch(f"{EDITOR}/{report_id}", content=b"\xff\xfe{", headers=headers)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"
    assert _stored(engine, report_id).status == "new"
    operation = client.get("/api/v1/openapi.json").json()["paths"][
        "/api/v1/editor/corrections/{report_id}"
    ]["patch"]
    assert "400" in operation["responses"]


def test_a_status_change_needs_the_token_and_a_known_report(
    reports_db: tuple[Settings, Engine], client: TestClient
) -> None:
    _, engine = reports_db
    report_id = _new_report(client, "other", "令牌测试")
    denied = client.patch(f"{EDITOR}/{report_id}", json={"status": "resolved"})
    assert denied.status_code == 401
    assert _stored(engine, report_id).status == "new"
    wrong = client.patch(
        f"{EDITOR}/{report_id}", json={"status": "resolved"}, headers=_auth("wrong")
    )
    assert wrong.status_code == 401
    missing = client.patch(f"{EDITOR}/2147483647", json={"status": "resolved"}, headers=_auth())
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "report_not_found"
    for bad_id in ("0", "2147483648", "abc"):
        response = client.patch(f"{EDITOR}/{bad_id}", json={"status": "resolved"}, headers=_auth())
        assert response.status_code == 422, bad_id
    with _client(reports_db[0], editor_token="") as off:
        assert off.patch(f"{EDITOR}/{report_id}", json={"status": "resolved"}).status_code == 403


def test_reports_outlive_a_seed_reload_of_their_provider(
    reports_db: tuple[Settings, Engine], client: TestClient
) -> None:
    settings, engine = reports_db
    report_id = client.post(_api(PROVIDER), json={"topic": "other", "message": "重载前"}).json()[
        "id"
    ]
    seed_database(engine, settings.seed_dir)  # deletes and re-inserts every seed location
    listed = client.get(EDITOR, params={"status": "all", "limit": 100}, headers=_auth()).json()
    item = next(i for i in listed["items"] if i["id"] == report_id)
    assert item["provider"]["name"] == "南明区法律援助中心"
