"""The HSDS 3.0 export: table shape, a known seed record with its source, sample data left out.

Runs on SQLite and PostgreSQL over the shipped seed plus a few generated sample providers.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from typer.testing import CliRunner

from app.cli import HSDS_FILE_NAME
from app.cli import app as cli
from app.main import create_app
from app.providers.hsds import NAMESPACE, TABLES, hsds_id, stream_hsds
from app.settings import Settings, get_settings
from tests.conftest import DB_KINDS, SEED_DIR
from tests.providers.databases import seeded

EXPORT = "/api/v1/export/hsds"
SAMPLES = 12
# HSDS 3.0 required properties (schema/*.json "required", plus the tabular link columns).
REQUIRED = {
    "organizations": {"id", "name", "description"},
    "services": {"id", "name", "status", "organization_id"},
    "locations": {"id", "location_type"},
    "service_at_locations": {"id", "service_id", "location_id"},
    "phones": {"id", "number"},
    "schedules": {"id"},
    "addresses": {
        "id",
        "address_1",
        "city",
        "state_province",
        "postal_code",
        "country",
        "address_type",
    },
    "languages": {"id"},
    "accessibility": {"id"},
}
KNOWN = "gz-e1a1731072"  # 南明区法律援助中心, seed/providers/public.yaml
KNOWN_SOURCE = "prov-ref-4916a7cf"


@pytest.fixture(scope="module", params=DB_KINDS)
def export_db(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Settings, Engine]]:
    tmp = tmp_path_factory.mktemp(f"hsds-{request.param}")
    with seeded(request, tmp, SEED_DIR, demo=True, demo_providers=SAMPLES) as db:
        yield db


@pytest.fixture(scope="module")
def export_client(export_db: tuple[Settings, Engine]) -> Iterator[TestClient]:
    with TestClient(create_app(export_db[0])) as client:
        yield client


@pytest.fixture(scope="module")
def document(export_client: TestClient) -> dict[str, Any]:
    response = export_client.get(EXPORT)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    return body


def _by_native_id(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {row["x_qianfu"]["id"]: row for row in rows}


def test_every_table_is_there_with_hsds_required_keys(document: dict[str, Any]) -> None:
    assert document["hsds_version"] == "3.0"
    assert set(document) == {"hsds_version", "x_qianfu", *TABLES}
    for table, required in REQUIRED.items():
        for row in document[table]:
            assert required <= set(row), f"{table} row lacks {required - set(row)}"
            uuid.UUID(row["id"])  # HSDS ids are UUIDs
    for table in ("organizations", "services", "locations", "service_at_locations"):
        assert document[table], f"{table} is empty"
        ids = [row["id"] for row in document[table]]
        assert len(ids) == len(set(ids)), f"duplicate ids in {table}"
    statuses = {row["status"] for row in document["services"]}
    assert statuses <= {"active", "inactive", "defunct", "temporarily closed"}
    assert {row["location_type"] for row in document["locations"]} == {"physical"}


def test_rows_link_to_rows_that_are_exported(document: dict[str, Any]) -> None:
    ids = {table: {row["id"] for row in document[table]} for table in REQUIRED}
    for row in document["services"]:
        assert row["organization_id"] in ids["organizations"]
    for row in document["locations"]:
        assert row["organization_id"] in ids["organizations"]
    for row in document["service_at_locations"]:
        assert row["service_id"] in ids["services"]
        assert row["location_id"] in ids["locations"]
    for table in ("phones", "schedules", "addresses", "languages", "accessibility"):
        for row in document[table]:
            assert row["location_id"] in ids["locations"], table
    cited = {s for row in document["locations"] for s in row["x_qianfu"]["sources"]}
    assert cited == {source["id"] for source in document["x_qianfu_sources"]}


def test_a_known_seed_record_appears_with_its_source(document: dict[str, Any]) -> None:
    location = _by_native_id(document["locations"])[KNOWN]
    assert location["id"] == hsds_id("location", KNOWN)
    assert location["name"] == "南明区法律援助中心"
    assert (location["latitude"], location["longitude"]) == (None, None), "位置待核实 stays null"
    extras = location["x_qianfu"]
    assert extras["sources"] == [KNOWN_SOURCE]
    assert extras["sample"] is False
    assert extras["verification"] == {"status": "unverified", "checked_on": None, "note": None}
    assert extras["region_code"] == "520102"
    source = {s["id"]: s for s in document["x_qianfu_sources"]}[KNOWN_SOURCE]
    assert source["title"].startswith("LegalAidAgencyDTO.java")
    organization = next(o for o in document["organizations"] if o["x_qianfu"]["id"] == KNOWN)
    assert organization["id"] == location["organization_id"]
    assert organization["description"] is None, "unknown stays null"
    phones = [p for p in document["phones"] if p["location_id"] == location["id"]]
    assert [p["number"] for p in phones] == ["0851-85509808"]
    (address,) = [a for a in document["addresses"] if a["location_id"] == location["id"]]
    assert address["address_1"] == "贵州省贵阳市南明区油榨街青年路127号"
    assert (address["city"], address["region"], address["state_province"]) == (
        "贵阳市",
        "南明区",
        "贵州省",
    )
    assert (address["postal_code"], address["country"]) == (None, "CN")
    links = [s for s in document["service_at_locations"] if s["location_id"] == location["id"]]
    services = {s["id"]: s for s in document["services"]}
    assert [services[link["service_id"]]["x_qianfu"]["service_code"] for link in links] == [
        "legal-aid"
    ]
    assert services[links[0]["service_id"]]["organization_id"] == organization["id"]
    assert services[links[0]["service_id"]]["status"] == "active"


def test_sample_records_are_left_out_unless_asked_for(
    export_client: TestClient, document: dict[str, Any]
) -> None:
    assert document["x_qianfu"]["include_sample"] is False
    assert not any(row["x_qianfu"]["sample"] for row in document["locations"])
    assert not any(row["x_qianfu"]["sample"] for row in document["organizations"])
    assert "qianfu-sample-generator" not in {s["id"] for s in document["x_qianfu_sources"]}
    full = export_client.get(EXPORT, params={"include_sample": "true"}).json()
    samples = [row for row in full["locations"] if row["x_qianfu"]["sample"]]
    assert len(samples) == SAMPLES
    assert len(full["locations"]) == len(document["locations"]) + SAMPLES
    for row in samples:
        assert row["x_qianfu"]["verification"]["status"] == "sample"
        assert row["name"].endswith("（示例）")
    sample_ids = {row["id"] for row in samples}
    assert not [p for p in full["phones"] if p["location_id"] in sample_ids], "no sample phones"
    schedules = [s for s in full["schedules"] if s["location_id"] in sample_ids]
    assert schedules, "generated records have weekly hours"
    for schedule in schedules:
        assert schedule["freq"] == "WEEKLY"
        assert set(schedule["byday"].split(",")) <= {"MO", "TU", "WE", "TH", "FR", "SA", "SU"}
        assert schedule["opens_at"] < schedule["closes_at"]
        assert schedule["opens_at"].endswith("+08:00")
    assert "qianfu-sample-generator" in {s["id"] for s in full["x_qianfu_sources"]}


def test_ids_are_rfc4122_name_based_uuids() -> None:
    for keys in (("location", KNOWN), ("service", KNOWN, "legal-aid"), ("schedule", "a", "1", "2")):
        assert hsds_id(*keys) == str(uuid.uuid5(NAMESPACE, "/".join(keys)))


def test_ids_are_stable_and_the_body_is_streamed(
    export_db: tuple[Settings, Engine], document: dict[str, Any]
) -> None:
    _, engine = export_db
    chunks = list(stream_hsds(engine))
    assert len(chunks) > len(TABLES), "written table by table, not as one string"
    again = orjson.loads(b"".join(chunks))
    for table in TABLES:
        assert again[table] == document[table], table


def test_the_command_writes_the_same_document(
    export_db: tuple[Settings, Engine],
    document: dict[str, Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings, _ = export_db
    monkeypatch.setenv("QIANFU_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("QIANFU_DATA_DIR", str(settings.data_dir))
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["export-hsds", "--out", str(tmp_path / "out")])
        printed = CliRunner().invoke(cli, ["export-hsds", "--include-sample"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    written = orjson.loads((tmp_path / "out" / HSDS_FILE_NAME).read_bytes())
    assert {table: written[table] for table in TABLES} == {t: document[t] for t in TABLES}
    assert printed.exit_code == 0
    assert orjson.loads(printed.stdout_bytes)["x_qianfu"]["include_sample"] is True
