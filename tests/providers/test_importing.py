"""Registry imports: CSV/JSON in an explicit encoding, every problem listed, all-or-nothing.

Parsing is checked without a database; writing runs on SQLite and PostgreSQL through the
``qianfu import-providers`` command, comparing row counts before and after.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func
from sqlmodel import Session, select
from typer.testing import CliRunner

from app.cli import app as cli
from app.main import create_app
from app.models.provider import Location, LocationSource, Organization, ServiceAtLocation
from app.providers.importing import (
    ImportEncoding,
    ImportFormat,
    ImportRefused,
    decode,
    import_providers,
    parse_csv,
    parse_json,
    read_providers,
)
from app.settings import Settings, get_settings
from tests.conftest import DB_KINDS
from tests.providers.databases import seeded

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "providers"
UTF8_CSV = FIXTURES / "registry-utf8.csv"
GBK_CSV = FIXTURES / "registry-gbk.csv"
UPDATE_JSON = FIXTURES / "registry-update.json"
BAD_ROW_CSV = FIXTURES / "registry-bad-row.csv"
HEADER = "id,name,type,region,phone,services,sources,verification\n"
TAIL = ",legal-aid,qianfu-test-fixture,unverified\n"
GOOD = "test-import-x,导入测试站（测试）,legal_aid,520102," + TAIL
runner = CliRunner()


def _problems(text: str) -> list[str]:
    with pytest.raises(ImportRefused) as refused:
        parse_csv(text)
    return [str(p) for p in refused.value.problems]


# --- Parsing (no database) ----------------------------------------------------------------


def test_utf8_csv_maps_every_column() -> None:
    records = read_providers(UTF8_CSV)
    assert [(r.line, r.entry.id) for r in records] == [(2, "test-import-a"), (3, "test-import-b")]
    first, second = (r.entry for r in records)
    assert first.languages == ["普通话", "苗语"], "full-width ；separates items too"
    assert first.accessibility == ["无障碍通道", "无障碍卫生间"]
    assert first.location is not None
    assert (first.location.lat, first.location.lng, first.location.coordtype.value) == (
        26.57,
        106.71,
        "gcj02",
    )
    assert first.location.note == "测试坐标（非真实）"
    assert first.hours == {"mon": ["09:00-17:00"], "tue": ["09:00-17:00"], "holidays": "closed"}
    assert (first.inclusive, first.capacity, first.vacancies) == (True, 40, 5)
    assert first.services == ["inclusive-childcare"]
    assert first.sources == ["qianfu-test-fixture"]
    assert second.location is None
    assert second.note == "位置待核实"
    assert second.hours is None
    assert second.hours_text == "工作日 9:00-17:00"
    assert second.address is None, "an empty cell is unknown, not an empty string"


def test_gbk_csv_reads_the_same_records_when_declared() -> None:
    assert GBK_CSV.read_bytes() != UTF8_CSV.read_bytes()
    gbk = read_providers(GBK_CSV, encoding=ImportEncoding.GBK)
    gb18030 = read_providers(GBK_CSV, encoding=ImportEncoding.GB18030)
    utf8 = read_providers(UTF8_CSV)
    assert [r.entry for r in gbk] == [r.entry for r in utf8] == [r.entry for r in gb18030]


def test_a_utf8_byte_order_mark_is_dropped(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + UTF8_CSV.read_bytes())
    assert [r.entry for r in read_providers(path)] == [r.entry for r in read_providers(UTF8_CSV)]


def test_a_gbk_file_read_as_utf8_is_refused_with_its_line() -> None:
    with pytest.raises(ImportRefused) as refused:
        read_providers(GBK_CSV)
    (problem,) = refused.value.problems
    assert problem.line == 2, "the header is ASCII; the first Chinese text is on line 2"
    assert str(problem).startswith("第2行：")
    assert "utf-8" in problem.message
    assert "--encoding" in problem.message
    assert "不会猜测" in problem.message


def test_a_utf8_file_declared_gbk_is_refused_not_read_as_mojibake() -> None:
    # "贵州" in UTF-8 happens to be valid GBK bytes (it would read as "璐靛窞").
    data = "id,name\n\n贵州\n".encode()
    assert data.decode("gbk")  # decodes without error: the check must not rely on that
    with pytest.raises(ImportRefused) as refused:
        decode(data, ImportEncoding.GBK)
    (problem,) = refused.value.problems
    assert problem.line == 3
    assert "UTF-8" in problem.message
    assert "--encoding utf-8" in problem.message
    with pytest.raises(ImportRefused, match="处问题"):
        decode(b"\xef\xbb\xbf" + data, ImportEncoding.GB18030)
    assert decode("id\n贵州\n".encode("gbk"), ImportEncoding.GBK) == "id\n贵州\n"


def test_a_personal_mobile_number_is_refused_without_echoing_it() -> None:
    row = "test-import-m,导入测试站（测试）,legal_aid,520102,138 0013 8000" + TAIL
    problems = _problems(HEADER + GOOD + row)
    assert problems == ["第3行 phone：不能导入个人手机号码，只收机构的固定电话"]
    for number in ("+86 13800138000", "86-138-0013-8000", "13800138000"):
        assert _problems(HEADER + row.replace("138 0013 8000", number))[0].startswith(
            "第2行 phone：不能导入个人手机号码"
        )
    landline = parse_csv(HEADER + row.replace("138 0013 8000", "0851-12345"))
    assert landline[0].entry.phone == "0851-12345"


def test_sample_verification_is_refused_in_imports() -> None:
    problems = _problems(HEADER + GOOD.replace("unverified", "sample"))
    assert problems == ["第2行 verification：导入的记录不能标为 sample（示例数据只由程序生成）"]


def test_every_problem_is_listed_with_line_field_and_reason() -> None:
    header = "id,name,type,region,lat,lng,coordtype,hours,inclusive,sources,verification\n"
    rows = [
        "test-import-1,导入测试一（测试）,no_such_type,520102,,,,,,qianfu-test-fixture,unverified",
        "test-import-2,导入测试二（测试）,legal_aid,999999,26.5,106.7,,,,qianfu-test-fixture,unverified",
        'test-import-3,导入测试三（测试）,legal_aid,520102,,,,"{bad",也许,qianfu-test-fixture,unverified',
        "test-import-4,导入测试四（测试）,legal_aid,520102,,,,,,,verified",
        "test-import-5,导入测试五（测试）,legal_aid,520102,,,,,,qianfu-test-fixture,unverified",
    ]
    problems = _problems(header + "\n".join(rows) + "\n")
    assert problems == [
        "第2行 type：未知的办理点类型 no_such_type",
        "第3行 lat/lng/coordtype：纬度、经度和坐标系（wgs84、gcj02 或 bd09）必须一起填写",
        "第3行 region：格式不正确",
        "第4行 inclusive：必须是 是/否 或 true/false",
        "第4行 hours：不是有效的 JSON（每周开放时间）",
        "第5行 sources：缺少必填项",
        "第5行 verification：verified 记录必须写明核对日期 checked_on",
    ]


def test_columns_are_checked_before_any_row() -> None:
    problems = _problems("id,name,type,region,website,name\n")
    assert problems == [
        "第1行：未知的列 website",
        "第1行：列 name 重复",
        "第1行：缺少必需的列 sources",
        "第1行：缺少必需的列 verification",
    ]
    assert _problems(HEADER + "only,two\n") == ["第2行：有 2 列，表头有 8 列"]
    assert _problems("") == ["文件：文件是空的"]
    assert _problems(HEADER) == ["文件：文件里没有记录"]


def test_json_takes_a_list_or_a_providers_object() -> None:
    wrapped = parse_json(UPDATE_JSON.read_text(encoding="utf-8"))
    bare = parse_json(json.dumps(json.loads(UPDATE_JSON.read_text(encoding="utf-8"))["providers"]))
    assert [r.entry for r in wrapped] == [r.entry for r in bare]
    assert [r.line for r in wrapped] == [1, 2]
    with pytest.raises(ImportRefused) as refused:
        parse_json('[{"id": "test-import-j"}, 3]')
    messages = [str(p) for p in refused.value.problems]
    assert "第1条 name：缺少必填项" in messages
    assert "第2条：必须是一个对象（键: 值）" in messages
    with pytest.raises(ImportRefused) as refused:
        parse_json('{"providers": [\n  {"id": }\n]}')
    assert [str(p) for p in refused.value.problems] == ["第2行：JSON 格式错误"]


def test_the_format_comes_from_the_option_or_the_extension(tmp_path: Path) -> None:
    odd = tmp_path / "registry.txt"
    odd.write_bytes(UTF8_CSV.read_bytes())
    with pytest.raises(ImportRefused, match="处问题"):
        read_providers(odd)
    assert len(read_providers(odd, ImportFormat.CSV)) == 2


# --- Writing, on both databases -----------------------------------------------------------


@pytest.fixture(scope="module", params=DB_KINDS)
def import_db(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    overlay_seed_dir: Path,
) -> Iterator[tuple[Settings, Engine]]:
    tmp = tmp_path_factory.mktemp(f"import-{request.param}")
    with seeded(request, tmp, overlay_seed_dir) as db:
        yield db


@pytest.fixture
def cli_env(
    import_db: tuple[Settings, Engine], monkeypatch: pytest.MonkeyPatch
) -> Iterator[Settings]:
    settings, _ = import_db
    monkeypatch.setenv("QIANFU_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("QIANFU_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("QIANFU_SEED_DIR", str(settings.seed_dir))
    get_settings.cache_clear()
    yield settings
    get_settings.cache_clear()


def _counts(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        return {
            model.__name__: session.exec(select(func.count()).select_from(model)).one()
            for model in (Location, Organization, ServiceAtLocation, LocationSource)
        }


def _import(*args: str) -> tuple[int, str]:
    result = runner.invoke(cli, ["import-providers", *args])
    return result.exit_code, result.output


def test_a_bad_row_among_good_ones_writes_nothing(
    import_db: tuple[Settings, Engine], cli_env: Settings
) -> None:
    _, engine = import_db
    before = _counts(engine)
    code, output = _import(str(BAD_ROW_CSV))
    assert code == 1
    assert "第3行 region：地区代码 520199 不存在" in output
    assert "共 1 处问题，未写入任何记录" in output
    assert _counts(engine) == before
    # The same holds when the refusal comes from the parser rather than the database.
    code, output = _import(str(GBK_CSV))
    assert code == 1
    assert _counts(engine) == before


def test_import_then_reimport_updates_in_place(
    import_db: tuple[Settings, Engine], cli_env: Settings
) -> None:
    settings, engine = import_db
    code, output = _import(str(GBK_CSV), "--encoding", "gbk")
    assert code == 0, output
    assert "已导入 2 条办理点" in output
    after_first = _counts(engine)
    code, output = _import(str(UPDATE_JSON))
    assert code == 0, output
    assert "已导入 2 条办理点：新增 0 条，更新 2 条" in output
    assert _counts(engine) == after_first, "same ids: rows replaced, none added"
    with Session(engine) as session:
        a = session.get(Location, "test-import-a")
        b = session.get(Location, "test-import-b")
        assert a is not None
        assert b is not None
        assert (a.name, a.address, a.origin) == (
            "导入测试托育园（测试，已更名）",
            "测试地址2号（非真实）",
            "import",
        )
        assert (a.lat, a.languages) == (None, None), "fields the new record lacks are cleared"
        assert (b.verification, str(b.verified_on)) == ("verified", "2026-11-20")
    with TestClient(create_app(settings)) as client:
        detail = client.get("/api/v1/providers/test-import-a").json()
        assert detail["name"] == "导入测试托育园（测试，已更名）"
        assert [s["id"] for s in detail["sources"]] == ["qianfu-test-fixture"]


def test_a_dry_run_checks_against_the_database_and_writes_nothing(
    import_db: tuple[Settings, Engine], cli_env: Settings
) -> None:
    _, engine = import_db
    before = _counts(engine)
    code, output = _import(str(UTF8_CSV), "--dry-run")
    assert code == 0, output
    assert "校验通过（未写入）：2 条" in output
    code, output = _import(str(BAD_ROW_CSV), "--dry-run")
    assert code == 1
    assert "第3行 region：地区代码 520199 不存在" in output
    assert _counts(engine) == before


def test_imports_cannot_overwrite_seed_records_or_cite_unknown_sources(
    import_db: tuple[Settings, Engine],
) -> None:
    _, engine = import_db
    before = _counts(engine)
    text = (
        HEADER
        + GOOD.replace("test-import-x", "gz-e1a1731072")
        + GOOD.replace("test-import-x", "test-import-y").replace(
            "qianfu-test-fixture", "no-such-source"
        )
    )
    with pytest.raises(ImportRefused) as refused:
        import_providers(engine, parse_csv(text))
    assert [str(p) for p in refused.value.problems] == [
        "第2行 id：编号 gz-e1a1731072 已被种子数据使用，导入不能覆盖",
        "第3行 sources：来源 no-such-source 未登记"
        "（请先把来源加入 seed/sources/ 并运行 qianfu seed）",
    ]
    assert _counts(engine) == before


def test_the_command_refuses_an_unseeded_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QIANFU_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("QIANFU_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    try:
        code, output = _import(str(UTF8_CSV))
    finally:
        get_settings.cache_clear()
    assert code == 1
    assert "请先运行 qianfu seed" in output
