"""One geo contract for both backends: ``GET /api/v1/providers/nearby`` on embedded and Meilisearch.

Each backend must return exactly what a brute-force reference computes from the database:
the same providers in the same order (nearest first, one earth radius, ties by id), the same
integer distances, filters applied alike, and "open now" from one pinned clock.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient

from app.bootstrap import prepare_database
from app.catalogue.snapshot import Snapshot, SnapshotCache
from app.db import make_engine
from app.domain import VerificationStatus
from app.geo.coords import CoordType, from_storage, haversine_m, to_storage
from app.main import create_app
from app.providers.documents import provider_documents
from app.providers.hits import hit_json, hit_out
from app.providers.nearby import NearbyParams, find_nearby
from app.providers.opening import (
    opening_state,
    opening_state_at,
    opening_state_by_key,
    schedule_key,
    shanghai_minute,
)
from app.providers.sample import SAMPLE_SOURCE
from app.providers.schema import Point, ProviderEntry
from app.providers.store import store_providers
from app.search.base import Document
from app.seedfiles.schema import Verification
from app.settings import Settings
from tests.conftest import make_settings
from tests.search.conftest import BACKENDS
from tests.support.geodesy import destination
from tests.support.search_backends import backend_settings, index_everything

NEARBY = "/api/v1/providers/nearby"
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
WORKDAY_MORNING = dt.datetime(2026, 10, 12, 10, 0, tzinfo=SHANGHAI)  # a Monday
MAKEUP_SATURDAY = dt.datetime(2026, 10, 10, 10, 0, tzinfo=SHANGHAI)  # 调休 working Saturday
NATIONAL_DAY = dt.datetime(2026, 10, 1, 10, 0, tzinfo=SHANGHAI)  # statutory holiday
SUNDAY_EVENING = dt.datetime(2026, 10, 11, 21, 0, tzinfo=SHANGHAI)
CLOCKS = [WORKDAY_MORNING, MAKEUP_SATURDAY, NATIONAL_DAY, SUNDAY_EVENING]

TIE_POINT = (26.5830, 106.7130)  # WGS-84, in 贵阳 (three providers share it exactly)
_SAMPLE = Verification(status=VerificationStatus.SAMPLE, note="测试用示例")
_OFFICE: dict[str, object] = {
    d: ["09:00-12:00", "14:00-17:30"] for d in ("mon", "tue", "wed", "thu", "fri")
} | {"holidays": "closed"}


def _entry(pid: str, point: tuple[float, float] | None, **extra: Any) -> ProviderEntry:
    return ProviderEntry(
        id=pid,
        name=f"测试办理点{pid[-1]}（示例）",
        type="legal_aid",
        region="520103",
        location=Point(lat=point[0], lng=point[1], coordtype=CoordType.WGS84) if point else None,
        hours=_OFFICE,
        sources=[SAMPLE_SOURCE],
        verification=_SAMPLE,
        **extra,
    )


# Thirty providers on a 3 km ring, each 0.2 m farther than the last, at scattered bearings and
# with ids out of distance order, >14 km from any sample: a limit or radius that cuts the ring
# must cut it where the reference does (a backend's own distance may disagree by a metre).
RING_CENTRE = (25.6, 106.2)  # WGS-84, in 黔南 (罗甸/紫云 area), 21 km from the nearest seat
RING = [
    _entry(
        f"geo-ring-{(k * 7) % 30:02d}",
        destination(*RING_CENTRE, k * 2.399963, 3000.0 + 0.2 * k),
    )
    for k in range(30)
]
# Twenty-four providers inside one whole metre (1000.00 to 1000.46 m), the nearest with the
# largest id: a backend that ranks by whole metres, then id, sees the farthest ones first.
CLUSTER_CENTRE = (26.3, 104.9)  # WGS-84, between 水城 and 普安, 31 km from the nearest seat
CLUSTER = [
    _entry(f"geo-metre-{23 - k:02d}", destination(*CLUSTER_CENTRE, k * 0.7, 1000.0 + 0.02 * k))
    for k in range(24)
]
EXTRA_PROVIDERS = [
    _entry("geo-tie-c", TIE_POINT),
    _entry("geo-tie-a", TIE_POINT, languages=["普通话", "苗语"]),
    _entry("geo-tie-b", TIE_POINT, accessibility=["无障碍通道"]),
    _entry("geo-nowhere-x", None),  # no point: listed by region, never in distance results
    *RING,
    *CLUSTER,
]


@pytest.fixture(scope="module")
def geo_base(tmp_path_factory: pytest.TempPathFactory, overlay_seed_dir: Path) -> Settings:
    """A catalogue with 400 generated providers plus the hand-made ones above."""
    tmp = tmp_path_factory.mktemp("geo-db")
    settings = make_settings(
        f"sqlite:///{tmp / 'qianfu.db'}",
        tmp,
        seed_dir=overlay_seed_dir,
        demo=True,
        demo_providers=400,
    )
    engine = make_engine(settings)
    try:
        prepare_database(settings, engine)
        store_providers(engine, EXTRA_PROVIDERS, origin="import")
    finally:
        engine.dispose()
    return settings


@pytest.fixture(scope="module")
def reference(geo_base: Settings) -> tuple[Snapshot, list[Document]]:
    """The catalogue snapshot and every provider document, straight from the database."""
    engine = make_engine(geo_base)
    try:
        snap = SnapshotCache(engine, 0).refresh()
        return snap, provider_documents(engine, snap)
    finally:
        engine.dispose()


@pytest.fixture(scope="module", params=BACKENDS)
def geo_client(request: pytest.FixtureRequest, geo_base: Settings) -> Iterator[TestClient]:
    meili = request.getfixturevalue("meili_server") if request.param == "meilisearch" else None
    settings = backend_settings(geo_base, request.param, meili)
    index_everything(settings)
    app = create_app(settings)
    app.state.clock = lambda: WORKDAY_MORNING
    with TestClient(app) as client:
        yield client


def _pin(client: TestClient, moment: dt.datetime) -> None:
    app: Any = client.app
    app.state.clock = lambda: moment


def _expected(
    docs: list[Document],
    lat: float,
    lng: float,
    *,
    radius_m: float | None = None,
    limit: int = 20,
    keep: Any = None,
    open_at: dt.datetime | None = None,
) -> list[tuple[str, int]]:
    """Brute force over every document: haversine, filter, sort by (distance, id)."""
    rows = []
    for doc in docs:
        if doc["lat"] is None or (keep is not None and not keep(doc)):
            continue
        distance = haversine_m(lat, lng, doc["lat"], doc["lng"])
        if radius_m is not None and distance > radius_m:
            continue
        if open_at is not None and not _open(doc, open_at):
            continue
        rows.append((distance, doc["id"]))
    rows.sort()
    return [(pid, round(distance)) for distance, pid in rows[:limit]]


def _open(doc: Document, moment: dt.datetime) -> bool:
    return opening_state(doc["hours"], doc["status"], moment).open_now is True


def _got(client: TestClient, **params: Any) -> list[tuple[str, int]]:
    response = client.get(NEARBY, params=params)
    assert response.status_code == 200, response.text
    return [(item["id"], item["distance_m"]) for item in response.json()["items"]]


def _points(snap: Snapshot, count: int = 25) -> list[tuple[float, float]]:
    """Deterministic WGS-84 points around county seats (where the sample providers are)."""
    rng = random.Random(7)
    seats = sorted(
        (r for r in snap.regions.values() if r.level == "county" and r.lat is not None),
        key=lambda r: r.code,
    )
    points = []
    for county in rng.sample(seats, count):
        assert county.lat is not None
        assert county.lng is not None
        lat, lng = to_storage(county.lat, county.lng, CoordType.GCJ02)
        lat += rng.uniform(-0.03, 0.03)
        lng += rng.uniform(-0.03, 0.03)
        points.append((round(lat, 6), round(lng, 6)))
    return points


def test_radius_and_nearest_match_the_reference(
    geo_client: TestClient, reference: tuple[Snapshot, list[Document]]
) -> None:
    snap, docs = reference
    compared = 0
    for lat, lng in _points(snap):
        expected = _expected(docs, lat, lng, radius_m=5000, limit=100)
        assert _got(geo_client, lat=lat, lng=lng, radius_m=5000, limit=100) == expected
        nearest = _expected(docs, lat, lng, limit=20)
        assert _got(geo_client, lat=lat, lng=lng, limit=20) == nearest
        assert len(nearest) == 20
        compared += len(expected)
    assert compared > 50, "the points must actually have providers around them"


@pytest.mark.parametrize(
    ("params", "keep"),
    [
        ({"type": "kindergarten"}, lambda d: d["type"] == "kindergarten"),
        (
            {"type": ["childcare", "kindergarten"]},
            lambda d: d["type"] in {"childcare", "kindergarten"},
        ),
        ({"service": "legal-aid"}, lambda d: "legal-aid" in d["services"]),
        ({"inclusive": "true"}, lambda d: d["inclusive"] is True),
        ({"accessible": "true"}, lambda d: d["accessible"] is True),
        ({"language": "苗语"}, lambda d: "苗语" in d["languages"]),
        ({"region": "520100"}, lambda d: "520100" in d["regions"]),
    ],
)
def test_filters_match_the_reference(
    geo_client: TestClient,
    reference: tuple[Snapshot, list[Document]],
    params: dict[str, Any],
    keep: Any,
) -> None:
    snap, docs = reference
    for lat, lng in [*_points(snap, 6), TIE_POINT]:
        expected = _expected(docs, lat, lng, radius_m=20_000, limit=50, keep=keep)
        assert _got(geo_client, lat=lat, lng=lng, radius_m=20_000, limit=50, **params) == expected
        expected = _expected(docs, lat, lng, limit=10, keep=keep)
        assert _got(geo_client, lat=lat, lng=lng, limit=10, **params) == expected


@pytest.mark.parametrize("limit", [1, 7, 13, 20, 29])
def test_a_limit_inside_a_ring_of_near_ties_cuts_where_the_reference_does(
    geo_client: TestClient, reference: tuple[Snapshot, list[Document]], limit: int
) -> None:
    _, docs = reference
    lat, lng = RING_CENTRE
    expected = _expected(docs, lat, lng, limit=limit)
    assert [pid for pid, _ in expected] == [f"geo-ring-{(k * 7) % 30:02d}" for k in range(limit)], (
        "the ring is what the reference sees"
    )
    assert _got(geo_client, lat=lat, lng=lng, limit=limit) == expected
    assert _got(geo_client, lat=lat, lng=lng, limit=limit, radius_m=4000) == expected


@pytest.mark.parametrize("radius_m", [3000.1, 3001.1, 3002.3, 3005.7])
def test_a_radius_through_a_ring_of_near_ties_cuts_where_the_reference_does(
    geo_client: TestClient, reference: tuple[Snapshot, list[Document]], radius_m: float
) -> None:
    _, docs = reference
    lat, lng = RING_CENTRE
    expected = _expected(docs, lat, lng, radius_m=radius_m, limit=50)
    assert len(expected) == int((radius_m - 3000.0) / 0.2) + 1
    assert _got(geo_client, lat=lat, lng=lng, radius_m=radius_m, limit=50) == expected


@pytest.mark.parametrize("limit", [1, 5, 20])
def test_providers_within_one_metre_are_still_ranked_by_distance(
    geo_client: TestClient, reference: tuple[Snapshot, list[Document]], limit: int
) -> None:
    _, docs = reference
    lat, lng = CLUSTER_CENTRE
    expected = _expected(docs, lat, lng, limit=limit)
    assert {pid for pid, _ in expected} <= {entry.id for entry in CLUSTER}
    assert expected[0][0] == "geo-metre-23", "the nearest has the largest id"
    assert _got(geo_client, lat=lat, lng=lng, limit=limit) == expected
    assert _got(geo_client, lat=lat, lng=lng, limit=limit, radius_m=1000.3) == _expected(
        docs, lat, lng, limit=limit, radius_m=1000.3
    )


def test_equal_distances_are_ordered_by_id(geo_client: TestClient) -> None:
    lat, lng = TIE_POINT
    got = _got(geo_client, lat=lat, lng=lng, radius_m=10)
    assert got == [("geo-tie-a", 0), ("geo-tie-b", 0), ("geo-tie-c", 0)]
    assert [pid for pid, _ in _got(geo_client, lat=lat, lng=lng, limit=3)] == [
        "geo-tie-a",
        "geo-tie-b",
        "geo-tie-c",
    ]


@pytest.mark.parametrize("moment", CLOCKS, ids=lambda m: m.strftime("%Y-%m-%d-%H%M"))
def test_open_now_uses_the_pinned_clock(
    geo_client: TestClient, reference: tuple[Snapshot, list[Document]], moment: dt.datetime
) -> None:
    snap, docs = reference
    _pin(geo_client, moment)
    try:
        for lat, lng in [*_points(snap, 5), TIE_POINT]:
            expected = _expected(docs, lat, lng, limit=15, open_at=moment)
            assert _got(geo_client, lat=lat, lng=lng, limit=15, open_now="true") == expected
            body = geo_client.get(NEARBY, params={"lat": lat, "lng": lng, "limit": 5}).json()
            assert body["as_of"].startswith(moment.strftime("%Y-%m-%dT%H:%M"))
    finally:
        _pin(geo_client, WORKDAY_MORNING)


def test_office_hours_follow_the_official_calendar(geo_client: TestClient) -> None:
    """The tie providers keep office hours: open on a 调休 Saturday, closed on 国庆."""
    lat, lng = TIE_POINT
    expectations = {
        WORKDAY_MORNING: True,
        MAKEUP_SATURDAY: True,
        NATIONAL_DAY: False,
        SUNDAY_EVENING: False,
    }
    for moment, is_open in expectations.items():
        _pin(geo_client, moment)
        try:
            items = geo_client.get(NEARBY, params={"lat": lat, "lng": lng, "radius_m": 1}).json()[
                "items"
            ]
        finally:
            _pin(geo_client, WORKDAY_MORNING)
        assert [i["open_now"] for i in items] == [is_open] * 3, moment
    _pin(geo_client, NATIONAL_DAY)
    try:
        item = geo_client.get(NEARBY, params={"lat": lat, "lng": lng, "radius_m": 1}).json()[
            "items"
        ][0]
    finally:
        _pin(geo_client, WORKDAY_MORNING)
    assert item["opens_at"] == "2026-10-08T09:00+08:00", "first working day after 国庆"
    assert "国庆" in item["hours_label"] or "开放" in item["hours_label"]


def test_coordinate_systems_in_and_out(geo_client: TestClient) -> None:
    lat, lng = TIE_POINT
    for system in (CoordType.GCJ02, CoordType.BD09):
        q_lat, q_lng = from_storage(lat, lng, system)
        body = geo_client.get(
            NEARBY,
            params={"lat": q_lat, "lng": q_lng, "coordtype": system.value, "radius_m": 5},
        ).json()
        assert [i["id"] for i in body["items"]] == ["geo-tie-a", "geo-tie-b", "geo-tie-c"]
        assert all(i["distance_m"] == 0 for i in body["items"])
        location = body["items"][0]["location"]
        assert location["coordtype"] == system.value
        assert math.isclose(location["lat"], q_lat, abs_tol=2e-6)
        assert math.isclose(location["lng"], q_lng, abs_tol=2e-6)
        assert body["coordtype"] == system.value


def test_providers_without_a_point_never_appear(geo_client: TestClient) -> None:
    lat, lng = TIE_POINT
    ids = [pid for pid, _ in _got(geo_client, lat=lat, lng=lng, limit=100, type="legal_aid")]
    assert "geo-nowhere-x" not in ids
    listed = geo_client.get("/api/v1/providers", params={"region": "520103", "limit": 100})
    assert "geo-nowhere-x" in {i["id"] for i in listed.json()["items"]}


def test_every_hit_carries_the_sample_flag(geo_client: TestClient) -> None:
    lat, lng = TIE_POINT
    body = geo_client.get(NEARBY, params={"lat": lat, "lng": lng, "limit": 30}).json()
    assert body["contains_sample"] is True
    for item in body["items"]:
        assert item["sample"] is True
        assert item["verification"]["status"] == "sample"
        assert item["phone"] is None


def test_a_point_outside_guizhou_is_answered_and_explained(geo_client: TestClient) -> None:
    beijing = {"lat": 39.9042, "lng": 116.4074}
    near = geo_client.get(NEARBY, params={**beijing, "radius_m": 5000}).json()
    assert near["items"] == []
    assert near["in_guizhou"] is False
    assert "贵州" in near["note"]
    far = geo_client.get(NEARBY, params={**beijing, "limit": 3}).json()
    assert len(far["items"]) == 3
    assert all(item["distance_m"] > 1_000_000 for item in far["items"])
    inside = geo_client.get(NEARBY, params={"lat": TIE_POINT[0], "lng": TIE_POINT[1]}).json()
    assert inside["in_guizhou"] is True
    assert inside["note"] is None


@pytest.mark.parametrize(
    ("params", "status", "code", "field"),
    [
        ({"lat": "91.2345678", "lng": "106.7654321"}, 422, "invalid_coordinates", "lat"),
        ({"lat": "-90.5432109", "lng": "106.7654321"}, 422, "invalid_coordinates", "lat"),
        ({"lat": "26.5432109", "lng": "180.0123456"}, 422, "invalid_coordinates", "lng"),
        ({"lat": "NaN", "lng": "106.7654321"}, 422, "invalid_coordinates", "lat"),
        ({"lat": "26.5432109", "lng": "Infinity"}, 422, "invalid_coordinates", "lng"),
        ({"lat": "26.5432109", "lng": "-inf"}, 422, "invalid_coordinates", "lng"),
        ({"lat": "北纬26.5432109", "lng": "106.7654321"}, 422, "invalid_coordinates", "lat"),
        ({"lat": None}, 422, "missing_parameter", "lat"),
        ({"coordtype": "wgs-84"}, 422, "invalid_coordtype", "coordtype"),
        ({"radius_m": "0"}, 422, "invalid_radius", "radius_m"),
        ({"radius_m": "-5"}, 422, "invalid_radius", "radius_m"),
        ({"radius_m": "50001"}, 422, "invalid_radius", "radius_m"),
        ({"radius_m": "nan"}, 422, "invalid_radius", "radius_m"),
        ({"limit": "0"}, 422, "invalid_parameter", "limit"),
        ({"limit": "101"}, 422, "invalid_parameter", "limit"),
        ({"type": "spa"}, 422, "invalid_parameter", "type"),
        ({"region": "529999"}, 404, "region_not_found", "region"),
        ({"region": "52"}, 422, "invalid_parameter", "region"),
        ({"service": "no-such-service"}, 404, "service_not_found", "service"),
        ({"open_now": "perhaps"}, 422, "invalid_parameter", "open_now"),
    ],
)
def test_bad_input_is_a_clear_4xx_without_echo(
    geo_client: TestClient, params: dict[str, str | None], status: int, code: str, field: str
) -> None:
    merged = {"lat": "26.5831234", "lng": "106.7131234", **params}
    query = {k: v for k, v in merged.items() if v is not None}
    response = geo_client.get(NEARBY, params=query)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert (error["code"], error["field"]) == (code, field)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in error["message"])
    for value in (query.get("lat"), query.get("lng")):  # distinctive strings, not "91"
        echoed = value is not None and len(value) >= 7 and value in response.text
        assert not echoed, "coordinates are never echoed"
    assert response.headers["cache-control"] == "no-store"


def _variants(doc: Document) -> list[Document]:
    """The document and the shapes real records take that the samples may not."""
    return [
        doc,
        {**doc, "status": "temporarily_closed"},
        {**doc, "status": "closed", "hours": None},
        {**doc, "address": "", "services": [], "inclusive": None, "sample": False},
        {**doc, "verification": "verified", "verified_on": "2026-09-30"},
    ]


def test_pre_serialised_results_are_byte_for_byte_the_dictionaries(
    reference: tuple[Snapshot, list[Document]],
) -> None:
    """The API writes each hit from cached JSON runs (``hit_json``); the pages use dictionaries
    (``hit_out``). Both must give the same bytes for every document, system and clock — with
    no memo (Meilisearch), a cold memo and a warm one (the embedded index)."""
    _, docs = reference
    memo: dict[str, Any] = {}
    compared = 0
    for moment in CLOCKS:
        minute = shanghai_minute(moment)
        for doc in docs:
            for variant in _variants(doc):
                state = opening_state_at(
                    variant.get("hours"), variant.get("status", "open"), minute
                )
                by_key = opening_state_by_key(
                    schedule_key(variant.get("hours")), variant.get("status", "open"), minute
                )
                assert by_key == state
                for system in CoordType:
                    expected = orjson.dumps(hit_out(variant, 1234.5, system, minute, state))
                    for scratch in (None, memo if variant is doc else None):
                        got = orjson.dumps(hit_json(variant, 1234.5, system, state, scratch))
                        assert got == expected, (variant["id"], system, moment)
                        compared += 1
    assert memo, "the memo was filled"
    assert compared > 10_000


def test_the_api_answers_exactly_what_the_pages_are_given(
    geo_client: TestClient, reference: tuple[Snapshot, list[Document]]
) -> None:
    """Same query, same clock: the API's bytes are ``orjson.dumps`` of the pages' dictionary."""
    snap, _ = reference
    app: Any = geo_client.app
    portal: Any = geo_client.portal
    for lat, lng in [*_points(snap, 6), TIE_POINT, RING_CENTRE]:
        extras: list[tuple[CoordType, dict[str, Any]]] = [
            (CoordType.WGS84, {"radius_m": 5000.0}),
            (CoordType.GCJ02, {"limit": 30}),
            (CoordType.BD09, {"limit": 10, "open_now": True}),
        ]
        for system, extra in extras:
            q_lat, q_lng = from_storage(lat, lng, system)
            params = NearbyParams(lat=q_lat, lng=q_lng, coordtype=system, **extra)
            query = {"lat": q_lat, "lng": q_lng, "coordtype": system.value, **extra}
            response = geo_client.get(NEARBY, params=query)
            assert response.status_code == 200
            body = portal.call(find_nearby, app.state.search, snap, params, WORKDAY_MORNING)
            assert response.json()["items"], (lat, lng, system)
            assert response.content == orjson.dumps(body)


def test_pre_serialised_points_keep_the_sign_of_zero() -> None:
    """0.0 and -0.0 are equal keys to a cache; the JSON must still say which one it was."""
    minute = shanghai_minute(WORKDAY_MORNING)
    base: Document = {
        "id": "zero",
        "name": "零点",
        "type": "legal_aid",
        "type_name": "法律援助中心",
        "county": "520103",
        "county_name": "云岩区",
        "status": "closed",
    }
    state = opening_state_at(None, "closed", minute)
    for lat, lng in [(0.0, 0.0), (-0.0, -0.0), (0.0, -0.0), (26.5, -0.0)]:
        doc = {**base, "lat": lat, "lng": lng}
        for system in CoordType:
            expected = orjson.dumps(hit_out(doc, 0.0, system, minute, state))
            assert orjson.dumps(hit_json(doc, 0.0, system, state, None)) == expected
