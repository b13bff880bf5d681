"""Coordinate conversions, distances, extents and map links, against published reference values.

Reference values come from the test suites of two widely used conversion libraries and of the
``haversine`` package, each cited where used; everything else is a mathematical identity
(round trips, symmetry, spherical geometry).
"""

from __future__ import annotations

import math
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.geo.coords import (
    EARTH_RADIUS_M,
    GUIZHOU_MAX_LAT,
    GUIZHOU_MAX_LNG,
    GUIZHOU_MIN_LAT,
    GUIZHOU_MIN_LNG,
    STORAGE,
    CoordType,
    InvalidCoordinate,
    amap_marker_url,
    baidu_marker_url,
    bd09_to_gcj02,
    bd09_to_wgs84,
    bounding_box,
    convert,
    from_storage,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    haversine_m,
    in_guizhou,
    navigation_links,
    qq_marker_url,
    to_storage,
    validate_point,
    wgs84_to_bd09,
    wgs84_to_gcj02,
    within_china,
)
from tests.support.geodesy import destination

# --- Published reference points ------------------------------------------------------------

# wandergis/coordtransform, test/app.js (commit 242324636adb54f9d1ef571035dc61f0ac8f0e8c):
# inputs (lng, lat) = (116.404, 39.915); "//result" comments. Same public formulas, so the
# forward conversions must agree to the last few bits.
WANDERGIS_INPUT = (39.915, 116.404)  # (lat, lng)
WANDERGIS_WGS84_TO_GCJ02 = (39.91640428150164, 116.41024449916938)
WANDERGIS_GCJ02_TO_BD09 = (39.92133699351021, 116.41036949371029)
# Its inverses are the one-step approximations (input minus the offset at the input).
WANDERGIS_BD09_TO_GCJ02 = (39.90865673957631, 116.39762729119315)
WANDERGIS_GCJ02_TO_WGS84 = (39.91359571849836, 116.39775550083061)

# hujiulong/gcoord, test/fixtures/china-cities.json (commit
# fedbaa105f198d5afc23fec2d60c0a0df32ef663): the same place in three systems, seven decimals,
# (lng, lat) in the file; here (lat, lng). gcoord's own test/unit/transform.spec.ts asserts
# WGS84↔GCJ02 with toBeCloseTo(…, 4) (within 5e-5°) and GCJ02↔BD09 with toBeCloseTo(…, 5).
GCOORD_GUIZHOU = {
    "毕节市": {
        CoordType.WGS84: (27.2873271, 105.2884121),
        CoordType.GCJ02: (27.2839591, 105.2916458),
        CoordType.BD09: (27.2896767, 105.2982343),
    },
    "铜仁市": {
        CoordType.WGS84: (27.7347803, 109.1850122),
        CoordType.GCJ02: (27.7315202, 109.1896029),
        CoordType.BD09: (27.7378032, 109.1960427),
    },
}
# The fixture's WGS84/GCJ02 pairs differ from the public formula by about 5e-6° (≈ 0.5 m),
# inside gcoord's own 5e-5° tolerance; GCJ02/BD09 pairs agree to the seventh decimal.
WGS_GCJ_TOLERANCE_DEG = 1e-5
GCJ_BD_TOLERANCE_DEG = 1e-7

# hujiulong/gcoord, test/unit/crs/WGS84.spec.ts and GCJ02.spec.ts (commit
# 42ea29df479c739f9b39f9c8e939fb7ae39e5a3e): [123, 45] (lng, lat), eight decimals.
GCOORD_123_45_WGS84_TO_GCJ02 = (45.00197815, 123.00607541)
GCOORD_123_45_GCJ02_TO_BD09 = (45.00636899, 123.00636499)

# mapado/haversine, tests/geo_ressources.py (commit 8c9c62805955571ba8d297f4171b6e1905dd4497):
# LYON = (45.7597, 4.8422), PARIS = (48.8567, 2.3508), EXPECTED_LYON_PARIS[METERS]; the package
# uses the same mean radius, _AVG_EARTH_RADIUS_KM = 6371.0088 (haversine/haversine.py).
LYON = (45.7597, 4.8422)
PARIS = (48.8567, 2.3508)
LYON_PARIS_M = 392217.2595593981

# shared/reference/guizhou-divisions.json, code 520000 (贵州省): "Amap administrative centre,
# GCJ-02", github.com/Vonng/adcode data/adcode/520000.csv@b755d6e4ab.
GUIZHOU_CENTRE_GCJ02 = (26.600055, 106.70546)


def _close(actual: tuple[float, float], expected: tuple[float, float], tol: float) -> bool:
    return abs(actual[0] - expected[0]) <= tol and abs(actual[1] - expected[1]) <= tol


def test_wgs84_to_gcj02_matches_wandergis() -> None:
    assert _close(wgs84_to_gcj02(*WANDERGIS_INPUT), WANDERGIS_WGS84_TO_GCJ02, 1e-12)


def test_gcj02_to_bd09_matches_wandergis() -> None:
    assert _close(gcj02_to_bd09(*WANDERGIS_INPUT), WANDERGIS_GCJ02_TO_BD09, 1e-12)


def test_exact_inverses_stay_near_the_one_step_approximations() -> None:
    # The one-step inverses err by centimetres here; ours invert exactly (next tests).
    assert _close(bd09_to_gcj02(*WANDERGIS_INPUT), WANDERGIS_BD09_TO_GCJ02, 1e-6)
    assert _close(gcj02_to_wgs84(*WANDERGIS_INPUT), WANDERGIS_GCJ02_TO_WGS84, 1e-6)
    assert _close(gcj02_to_bd09(*bd09_to_gcj02(*WANDERGIS_INPUT)), WANDERGIS_INPUT, 1e-10)
    assert _close(wgs84_to_gcj02(*gcj02_to_wgs84(*WANDERGIS_INPUT)), WANDERGIS_INPUT, 1e-10)


def test_gcoord_unit_vectors() -> None:
    assert _close(wgs84_to_gcj02(45.0, 123.0), GCOORD_123_45_WGS84_TO_GCJ02, 1e-8)
    assert _close(gcj02_to_bd09(45.0, 123.0), GCOORD_123_45_GCJ02_TO_BD09, 1e-8)


@pytest.mark.parametrize("city", sorted(GCOORD_GUIZHOU))
def test_guizhou_reference_points(city: str) -> None:
    ref = GCOORD_GUIZHOU[city]
    wgs, gcj, bd = ref[CoordType.WGS84], ref[CoordType.GCJ02], ref[CoordType.BD09]
    assert all(in_guizhou(*p) for p in (wgs, gcj, bd))
    assert _close(wgs84_to_gcj02(*wgs), gcj, WGS_GCJ_TOLERANCE_DEG)
    assert _close(gcj02_to_wgs84(*gcj), wgs, WGS_GCJ_TOLERANCE_DEG)
    assert _close(gcj02_to_bd09(*gcj), bd, GCJ_BD_TOLERANCE_DEG)
    assert _close(bd09_to_gcj02(*bd), gcj, GCJ_BD_TOLERANCE_DEG)
    assert _close(wgs84_to_bd09(*wgs), bd, WGS_GCJ_TOLERANCE_DEG)
    assert _close(bd09_to_wgs84(*bd), wgs, WGS_GCJ_TOLERANCE_DEG)
    for source, point in ref.items():
        for target, expected in ref.items():
            offsets_only = {source, target} <= {CoordType.GCJ02, CoordType.BD09}
            tol = GCJ_BD_TOLERANCE_DEG if offsets_only else WGS_GCJ_TOLERANCE_DEG
            assert _close(convert(*point, source, target), expected, tol), (source, target)


# --- Outside China -------------------------------------------------------------------------


@pytest.mark.parametrize("point", [LYON, PARIS, (-33.8688, 151.2093), (0.0, 0.0), (60.0, 100.0)])
def test_outside_china_gcj02_is_wgs84(point: tuple[float, float]) -> None:
    assert not within_china(*point)
    assert wgs84_to_gcj02(*point) == point
    assert gcj02_to_wgs84(*point) == point


def test_china_rectangle_edges() -> None:
    assert within_china(*WANDERGIS_INPUT)
    assert within_china(*GUIZHOU_CENTRE_GCJ02)
    assert not within_china(30.0, 72.0)
    assert not within_china(56.0, 120.0)


# --- Round trips ---------------------------------------------------------------------------


def _guizhou_grid(step: float = 0.2) -> list[tuple[float, float]]:
    points = []
    lat = GUIZHOU_MIN_LAT
    while lat <= GUIZHOU_MAX_LAT:
        lng = GUIZHOU_MIN_LNG
        while lng <= GUIZHOU_MAX_LNG:
            points.append((lat, lng))
            lng += step
        lat += step
    return points


GRID = _guizhou_grid()


def test_grid_covers_the_province() -> None:
    assert len(GRID) > 600
    assert all(in_guizhou(*p) for p in GRID)


def test_wgs_gcj_wgs_round_trip_on_guizhou_grid() -> None:
    worst = max(haversine_m(*p, *gcj02_to_wgs84(*wgs84_to_gcj02(*p))) for p in GRID)
    assert worst < 0.5  # the requirement
    assert worst < 0.001  # what the iterative inverse actually achieves (1e-10° ≈ 0.01 mm)


def test_gcj_wgs_gcj_round_trip_on_guizhou_grid() -> None:
    worst = max(haversine_m(*p, *wgs84_to_gcj02(*gcj02_to_wgs84(*p))) for p in GRID)
    assert worst < 0.001


def test_gcj_bd_round_trips_on_guizhou_grid() -> None:
    assert max(haversine_m(*p, *bd09_to_gcj02(*gcj02_to_bd09(*p))) for p in GRID) < 0.001
    assert max(haversine_m(*p, *gcj02_to_bd09(*bd09_to_gcj02(*p))) for p in GRID) < 0.001


def test_offsets_in_guizhou_are_hundreds_of_metres() -> None:
    # Sanity: the conversions do something, of the known order of magnitude.
    for p in GRID:
        assert 100 < haversine_m(*p, *wgs84_to_gcj02(*p)) < 1000
        assert 500 < haversine_m(*p, *gcj02_to_bd09(*p)) < 1500


china_lat = st.floats(min_value=18.0, max_value=53.0)
china_lng = st.floats(min_value=74.0, max_value=134.0)
guizhou_lat = st.floats(min_value=GUIZHOU_MIN_LAT, max_value=GUIZHOU_MAX_LAT)
guizhou_lng = st.floats(min_value=GUIZHOU_MIN_LNG, max_value=GUIZHOU_MAX_LNG)


@given(china_lat, china_lng)
def test_property_wgs_gcj_round_trip(lat: float, lng: float) -> None:
    assert haversine_m(lat, lng, *gcj02_to_wgs84(*wgs84_to_gcj02(lat, lng))) < 0.001


@given(china_lat, china_lng)
def test_property_gcj_bd_round_trip(lat: float, lng: float) -> None:
    assert haversine_m(lat, lng, *bd09_to_gcj02(*gcj02_to_bd09(lat, lng))) < 0.001
    assert haversine_m(lat, lng, *gcj02_to_bd09(*bd09_to_gcj02(lat, lng))) < 0.001


@given(china_lat, china_lng, st.sampled_from(CoordType), st.sampled_from(CoordType))
def test_property_convert_any_pair_round_trip(
    lat: float, lng: float, source: CoordType, target: CoordType
) -> None:
    there = convert(lat, lng, source, target)
    assert haversine_m(lat, lng, *convert(*there, target, source)) < 0.001


# --- Storage ---------------------------------------------------------------------------------


def test_storage_is_wgs84() -> None:
    assert STORAGE is CoordType.WGS84
    assert [c.value for c in CoordType] == ["wgs84", "gcj02", "bd09"]
    assert CoordType("gcj02") is CoordType.GCJ02
    with pytest.raises(ValueError, match="gcj"):
        CoordType("gcj")


def test_to_and_from_storage() -> None:
    wgs = GCOORD_GUIZHOU["毕节市"][CoordType.WGS84]
    assert to_storage(*wgs, CoordType.WGS84) == wgs
    assert from_storage(*wgs, CoordType.WGS84) == wgs
    assert to_storage(*WANDERGIS_INPUT, CoordType.GCJ02) == gcj02_to_wgs84(*WANDERGIS_INPUT)
    assert from_storage(*WANDERGIS_INPUT, CoordType.BD09) == wgs84_to_bd09(*WANDERGIS_INPUT)


def _six(point: tuple[float, float]) -> tuple[str, str]:
    return f"{point[0]:.6f}", f"{point[1]:.6f}"


def test_six_decimal_gcj02_source_survives_storage() -> None:
    stored = to_storage(*GUIZHOU_CENTRE_GCJ02, CoordType.GCJ02)
    assert _six(from_storage(*stored, CoordType.GCJ02)) == ("26.600055", "106.705460")


@given(
    st.integers(min_value=round(GUIZHOU_MIN_LAT * 1e6), max_value=round(GUIZHOU_MAX_LAT * 1e6)),
    st.integers(min_value=round(GUIZHOU_MIN_LNG * 1e6), max_value=round(GUIZHOU_MAX_LNG * 1e6)),
    st.sampled_from([CoordType.GCJ02, CoordType.BD09]),
)
def test_property_six_decimal_sources_survive_storage(
    lat_micro: int, lng_micro: int, coordtype: CoordType
) -> None:
    source = (lat_micro / 1e6, lng_micro / 1e6)
    back = from_storage(*to_storage(*source, coordtype), coordtype)
    assert _six(back) == _six(source)


# --- Distances -----------------------------------------------------------------------------


def test_haversine_matches_the_haversine_package() -> None:
    # The package's figure is for its radius (6371.0088 km); great-circle distance scales with
    # the radius, so ours is that figure times 6371000 / 6371008.8.
    expected = LYON_PARIS_M * EARTH_RADIUS_M / 6_371_008.8
    assert haversine_m(*LYON, *PARIS) == pytest.approx(expected, rel=1e-12)


def test_haversine_identities() -> None:
    assert EARTH_RADIUS_M == 6_371_000.0  # Meilisearch's radius (geoutils crate)
    assert haversine_m(*LYON, *LYON) == 0.0
    assert haversine_m(*LYON, *PARIS) == haversine_m(*PARIS, *LYON)
    quarter_meridian = math.pi / 2 * EARTH_RADIUS_M
    assert haversine_m(0.0, 0.0, 90.0, 0.0) == pytest.approx(quarter_meridian, rel=1e-12)
    assert haversine_m(0.0, 0.0, 0.0, 180.0) == pytest.approx(2 * quarter_meridian, rel=1e-12)
    one_degree = EARTH_RADIUS_M * math.pi / 180
    assert haversine_m(26.0, 106.0, 27.0, 106.0) == pytest.approx(one_degree, rel=1e-9)


def test_gcj02_distances_would_be_off_by_half_a_percent() -> None:
    """The measurement behind the storage decision (module docstring, point 1)."""
    worst = 0.0
    for lat in (25.0, 26.0, 27.0, 28.0, 29.0):
        for lng in (104.99, 104.999, 105.0, 105.001, 106.3, 107.5, 108.2):
            for d_lat, d_lng in ((0.0, 0.01), (0.01, 0.0), (0.007, 0.007), (0.0, 0.003)):
                far = (lat + d_lat, lng + d_lng)
                true = haversine_m(lat, lng, *far)
                gcj = haversine_m(*wgs84_to_gcj02(lat, lng), *wgs84_to_gcj02(*far))
                worst = max(worst, abs(gcj - true) / true)
    assert 0.004 < worst < 0.006


# --- Bounding boxes --------------------------------------------------------------------------


@given(
    guizhou_lat,
    guizhou_lng,
    st.floats(min_value=0.0, max_value=2 * math.pi),
    st.floats(min_value=1.0, max_value=200_000.0),
    st.floats(min_value=0.0, max_value=1.0),
)
def test_property_every_point_within_radius_is_in_the_box(
    lat: float, lng: float, bearing: float, radius_m: float, fraction: float
) -> None:
    point = destination(lat, lng, bearing, radius_m * fraction)
    assert haversine_m(lat, lng, *point) == pytest.approx(radius_m * fraction, abs=1e-6)
    box = bounding_box(lat, lng, radius_m)
    assert box.contains(*point)


def test_bounding_box_is_tight() -> None:
    box = bounding_box(26.6, 106.7, 5000.0)
    assert haversine_m(26.6, 106.7, box.max_lat, 106.7) == pytest.approx(5000.0, abs=1e-3)
    assert haversine_m(26.6, 106.7, box.min_lat, 106.7) == pytest.approx(5000.0, abs=1e-3)
    # The widest longitude is reached north of the parallel, at exactly the radius.
    east = max(
        (destination(26.6, 106.7, math.radians(b / 1000), 5000.0) for b in range(85000, 90001)),
        key=lambda p: p[1],
    )
    assert east[0] > 26.6
    assert east[1] <= box.max_lng
    assert east[1] == pytest.approx(box.max_lng, abs=2e-9)
    assert not box.contains(box.max_lat + 1e-8, 106.7)


def test_bounding_box_near_pole_and_antimeridian() -> None:
    assert bounding_box(89.99, 10.0, 5000.0).min_lng == -180.0
    assert bounding_box(0.0, 179.99, 5000.0).max_lng == 180.0
    assert bounding_box(0.0, 179.99, 5000.0).min_lng == -180.0
    with pytest.raises(ValueError, match="radius_m"):
        bounding_box(26.6, 106.7, -1.0)
    with pytest.raises(ValueError, match="radius_m"):
        bounding_box(26.6, 106.7, math.nan)


# --- Extents and validation ------------------------------------------------------------------


def test_in_guizhou() -> None:
    assert in_guizhou(*GUIZHOU_CENTRE_GCJ02)
    assert in_guizhou(GUIZHOU_MIN_LAT, GUIZHOU_MIN_LNG)
    assert in_guizhou(GUIZHOU_MAX_LAT, GUIZHOU_MAX_LNG)
    assert not in_guizhou(GUIZHOU_MIN_LAT - 0.01, 106.0)
    assert not in_guizhou(27.0, GUIZHOU_MAX_LNG + 0.01)
    assert not in_guizhou(*WANDERGIS_INPUT)
    assert pytest.approx((103.6, 109 + 35 / 60)) == (GUIZHOU_MIN_LNG, GUIZHOU_MAX_LNG)
    assert pytest.approx((24 + 37 / 60, 29 + 13 / 60)) == (GUIZHOU_MIN_LAT, GUIZHOU_MAX_LAT)


@pytest.mark.parametrize(
    ("lat", "lng", "message"),
    [
        (math.nan, 106.0, "有限"),
        (26.0, math.inf, "有限"),
        (-math.inf, 106.0, "有限"),
        (90.5, 106.0, "纬度"),
        (-91.0, 106.0, "纬度"),
        (26.0, 180.5, "经度"),
        (26.0, -200.0, "经度"),
    ],
)
def test_validate_point_rejects(lat: float, lng: float, message: str) -> None:
    with pytest.raises(InvalidCoordinate, match=message):
        validate_point(lat, lng)


def test_validate_point_accepts_bounds() -> None:
    for lat, lng in ((90.0, 180.0), (-90.0, -180.0), (0.0, 0.0), GUIZHOU_CENTRE_GCJ02):
        validate_point(lat, lng)


# --- Navigation links ------------------------------------------------------------------------

NAME = "南明区 法律援助中心 & 工作站#1 100%"
BIJIE = GCOORD_GUIZHOU["毕节市"]


def _query(url: str) -> dict[str, str]:
    parts = urlsplit(url)
    assert " " not in url
    assert "#" not in url
    return {k: v[0] for k, v in parse_qs(parts.query, strict_parsing=True).items()}


def _pair(text: str) -> tuple[float, float]:
    a, b = text.split(",")
    return float(a), float(b)


def test_amap_link_uses_gcj02_lng_lat() -> None:
    url = amap_marker_url(*BIJIE[CoordType.WGS84], NAME)
    assert url.startswith("https://uri.amap.com/marker?")
    q = _query(url)
    lng, lat = _pair(q["position"])
    assert _close((lat, lng), wgs84_to_gcj02(*BIJIE[CoordType.WGS84]), 5e-7)
    assert _close((lat, lng), BIJIE[CoordType.GCJ02], WGS_GCJ_TOLERANCE_DEG)
    assert q["name"] == NAME
    assert q["coordinate"] == "gaode"
    assert q["src"] == "qianfu"


def test_qq_link_uses_gcj02_lat_lng_and_keeps_its_separators() -> None:
    url = qq_marker_url(*BIJIE[CoordType.WGS84], "窗口;A:B|C", address="毕节市 某路1号")
    assert url.startswith("https://apis.map.qq.com/uri/v1/marker?")
    q = _query(url)
    attrs = dict(item.split(":", 1) for item in q["marker"].split(";"))
    assert set(attrs) == {"coord", "title", "addr"}
    assert _close(_pair(attrs["coord"]), wgs84_to_gcj02(*BIJIE[CoordType.WGS84]), 5e-7)
    assert attrs["title"] == "窗口；A：B｜C"
    assert attrs["addr"] == "毕节市 某路1号"
    assert q["coord_type"] == "2"
    assert q["referer"] == "qianfu"


def test_baidu_link_uses_bd09_lat_lng() -> None:
    url = baidu_marker_url(*BIJIE[CoordType.WGS84], NAME)
    assert url.startswith("https://api.map.baidu.com/marker?")
    q = _query(url)
    assert _close(_pair(q["location"]), wgs84_to_bd09(*BIJIE[CoordType.WGS84]), 5e-7)
    assert _close(_pair(q["location"]), BIJIE[CoordType.BD09], WGS_GCJ_TOLERANCE_DEG)
    assert q["title"] == NAME
    assert q["content"] == NAME
    assert q["coord_type"] == "bd09ll"
    assert q["output"] == "html"
    assert q["src"] == "webapp.qianfu.qianfu"


def test_links_accept_points_in_any_system() -> None:
    for coordtype, point in BIJIE.items():
        links = navigation_links(*point, "毕节", coordtype=coordtype)
        amap_lng, amap_lat = _pair(_query(links.amap)["position"])
        assert _close((amap_lat, amap_lng), BIJIE[CoordType.GCJ02], WGS_GCJ_TOLERANCE_DEG)
        baidu = _pair(_query(links.baidu)["location"])
        assert _close(baidu, BIJIE[CoordType.BD09], WGS_GCJ_TOLERANCE_DEG)
        assert links.qq.startswith("https://apis.map.qq.com/")


def test_link_names_lose_control_characters() -> None:
    q = _query(amap_marker_url(26.6, 106.7, "  社区\n服务\t中心\x00 "))
    assert q["name"] == "社区 服务 中心"
