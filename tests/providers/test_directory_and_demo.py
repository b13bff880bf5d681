"""The provider directory over real seed records, and demo mode's sample records, on both DBs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, col, func, select

from app.bootstrap import prepare_database
from app.catalogue.snapshot import SnapshotCache
from app.main import create_app
from app.models.provider import Location, ServiceAtLocation
from app.providers.sample import sample_providers
from app.providers.schema import ProviderEntry
from app.providers.store import ProviderImportError, store_providers
from app.settings import Settings
from tests.support.paging import walk_pages

SEED_PROVIDERS = yaml.safe_load(
    (Path(__file__).resolve().parents[2] / "seed" / "providers" / "public.yaml").read_text(
        encoding="utf-8"
    )
)["providers"]
PROVIDERS = "/api/v1/providers"


def _walk(client: TestClient, **params: Any) -> list[dict[str, Any]]:
    return walk_pages(client, PROVIDERS, page_size=7, max_pages=50, **params)


def test_every_seed_record_is_listed_once_with_its_flags(client: TestClient) -> None:
    items = _walk(client)
    ids = [item["id"] for item in items]
    assert sorted(ids) == sorted(p["id"] for p in SEED_PROVIDERS)
    assert ids == sorted(ids), "keyset paging in id order"
    assert client.get(PROVIDERS).json()["total"] == len(SEED_PROVIDERS)
    for item in items:
        assert item["sample"] is False
        assert item["verification"]["status"] in {"verified", "unverified"}
        assert item["location"] is None, "no public record came with coordinates"


def test_filters_narrow_the_list(client: TestClient) -> None:
    legal = _walk(client, type="legal_aid")
    assert legal
    assert {i["type"]["code"] for i in legal} == {"legal_aid"}
    assert len(legal) == sum(p["type"] == "legal_aid" for p in SEED_PROVIDERS)
    guiyang = _walk(client, region="520100")
    assert guiyang
    assert all(i["region"]["code"].startswith("5201") for i in guiyang)
    with_service = [p for p in SEED_PROVIDERS if p.get("services")]
    code = with_service[0]["services"][0]
    delivering = _walk(client, service=code)
    expected = {p["id"] for p in SEED_PROVIDERS if code in p.get("services", [])}
    assert {i["id"] for i in delivering} == expected
    assert all(code in i["services"] for i in delivering)


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({"region": "529999"}, 404, "region_not_found"),
        ({"service": "no-such-service"}, 404, "service_not_found"),
        ({"type": "spa"}, 422, "invalid_parameter"),
        ({"cursor": "bm90LW91cnM"}, 400, "invalid_cursor"),
        ({"limit": "500"}, 422, "invalid_parameter"),
        ({"coordtype": "utm"}, 422, "invalid_coordtype"),
    ],
)
def test_bad_list_parameters(
    client: TestClient, params: dict[str, str], status: int, code: str
) -> None:
    response = client.get(PROVIDERS, params=params)
    assert response.status_code == status
    assert response.json()["error"]["code"] == code


def test_a_record_without_coordinates_is_located_by_region_only(client: TestClient) -> None:
    record = SEED_PROVIDERS[0]
    body = client.get(f"{PROVIDERS}/{record['id']}").json()
    assert body["name"] == record["name"]
    assert body["location"] is None
    assert body["location_label"] == "位置待核实"
    assert body["navigation"] is None
    assert body["regions"][0]["code"] == record["region"]
    assert {s["id"] for s in body["sources"]} == set(record["sources"])
    assert body["verification"]["status"] == record["verification"]["status"]
    assert body["sample"] is False
    assert body["phone"] == record.get("phone")


def test_unknown_provider_is_404(client: TestClient) -> None:
    response = client.get(f"{PROVIDERS}/no-such-place")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "provider_not_found"


def test_nearby_never_places_records_without_coordinates(client: TestClient) -> None:
    body = client.get(
        f"{PROVIDERS}/nearby", params={"lat": 26.58, "lng": 106.71, "radius_m": 50000}
    ).json()
    assert body["items"] == []  # the shipped records are all "位置待核实"


def _count(engine: Engine, *where: Any) -> int:
    with Session(engine) as session:
        return int(session.exec(select(func.count()).select_from(Location).where(*where)).one())


def test_demo_mode_loads_flagged_samples_and_removes_them_after(
    empty_db: tuple[Settings, Engine],
) -> None:
    settings, engine = empty_db
    demo = settings.model_copy(update={"demo": True, "demo_providers": 120})
    prepare_database(demo, engine)
    assert _count(engine, col(Location.sample).is_(True)) == 120
    assert _count(engine, col(Location.sample).is_(False)) == len(SEED_PROVIDERS)
    with Session(engine) as session:
        samples = session.exec(select(Location).where(col(Location.sample).is_(True))).all()
        assert all(row.phone is None for row in samples)
        assert all(row.name.endswith("（示例）") for row in samples)
        assert all(row.verification == "sample" for row in samples)
        assert all(row.lat is not None for row in samples)
        counties = {row.county_code for row in samples}
    assert len(counties) == 88, "the generator covers every county"
    assert SnapshotCache(engine, 0).refresh().sample_providers == 120

    with TestClient(create_app(demo)) as app_client:
        listed = app_client.get(PROVIDERS, params={"sample": "true", "limit": 100}).json()
        assert listed["total"] == 120
        assert all(i["sample"] and i["phone"] is None for i in listed["items"])
        detail = app_client.get(f"{PROVIDERS}/{listed['items'][0]['id']}").json()
        assert detail["sample"] is True
        assert detail["verification"]["label"] == "示例数据"
        assert detail["navigation"] is None, "no directions to a place that does not exist"

    prepare_database(settings, engine)  # demo off again
    assert _count(engine, col(Location.sample).is_(True)) == 0
    assert _count(engine) == len(SEED_PROVIDERS)
    with Session(engine) as session:
        orphans = session.exec(
            select(func.count())
            .select_from(ServiceAtLocation)
            .where(col(ServiceAtLocation.location_id).like("sample-%"))
        ).one()
    assert orphans == 0
    assert SnapshotCache(engine, 0).refresh().sample_providers == 0


def test_a_bad_record_writes_nothing(empty_db: tuple[Settings, Engine]) -> None:
    settings, engine = empty_db
    prepare_database(settings, engine)
    snap = SnapshotCache(engine, 0).refresh()
    good = sample_providers(snap, 30)
    bad = ProviderEntry.model_validate(
        {**good[0].model_dump(), "id": "bad-one", "region": "529999"}
    )
    before = _count(engine)
    with pytest.raises(ProviderImportError) as caught:
        store_providers(engine, [*good, bad], origin="import")
    assert [(p.row, p.field) for p in caught.value.problems] == [(31, "region")]
    assert _count(engine) == before
