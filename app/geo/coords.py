"""Coordinates done right for China: WGS-84, GCJ-02 and BD-09, distances, extents, map links.

Every function takes and returns ``(lat, lng)`` in decimal degrees, in that order, whatever
order the published formulas or the map apps' URLs use.

The three systems
    * **WGS-84**: what GPS receivers and most phones report (``wx.getLocation`` by default).
    * **GCJ-02** ("火星坐标"): the offset system every map published in China uses; 高德,
      腾讯 and WeChat's map components work in it. :func:`wgs84_to_gcj02` is the standard
      public algorithm (Krasovsky 1940 ellipsoid constants ``a = 6378245.0``,
      ``ee = 0.00669342162296594323``; points outside the rough China rectangle unchanged).
    * **BD-09**: Baidu's second offset on top of GCJ-02 (``x_pi = π·3000/180``).

The forward formulas are closed-form. Their inverses are not, so :func:`gcj02_to_wgs84` and
:func:`bd09_to_gcj02` solve them by fixed-point iteration until applying the forward formula
to the answer reproduces the input within ``1e-10`` degrees (about 0.01 mm), where the
one-step "subtract the offset" shortcut many libraries use is off by up to 2.4 m over Guizhou.
The tests check the round trips over a grid of Guizhou points and with hypothesis.

Storage decision: **one system, WGS-84** (:data:`STORAGE`).
    1. Distances must be true distances. Measured between GCJ-02 points they are off by up
       to 0.5 %: the offset's periodic terms change by a few hundred metres per degree, and
       its ``√|lng − 105|`` term has a kink on the 105°E meridian, which crosses Guizhou
       between 六盘水 and 毕节 (``tests/geo/test_coords.py`` measures up to 0.53 % over the
       province, 25 m on a 5 km radius). In WGS-84 the only error left is the sphere's,
       identical in both search backends.
    2. Exports speak WGS-84: GeoJSON (RFC 7946) requires it, and the Open Referral (HSDS)
       anchors the export follows assume it (``shared/reference/directory-anchors.md``).
    3. Nothing is lost on the way in or out. Sources in GCJ-02 (the reference divisions are
       Amap centres; 高德 and 腾讯 pickers and geocoders give GCJ-02) go through the exact
       iterative inverse, and :func:`from_storage` gives them back to within 1e-10°, so a
       six-decimal source value is reproduced digit for digit (tested). Phones send WGS-84
       (no conversion) or GCJ-02 (same inverse).
    4. Navigation links convert once per link: forward formulas, closed-form.

Distances use the haversine formula on a sphere of radius :data:`EARTH_RADIUS_M` =
6 371 000 m, the radius Meilisearch uses for ``_geoRadius`` and ``_geoDistance`` (its geo code
calls the ``geoutils`` crate's ``haversine_distance_to``, ``2.0 * 6371e3 * asin(...)``). Both
search backends must agree to the millimetre on which points lie inside a radius and in what
order, so this is the one radius everywhere (the IUGG mean radius, 6 371 008.8 m, differs by
1.4 ppm: 7 mm over 5 km, enough to flip a point on the boundary).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Final
from urllib.parse import quote

EARTH_RADIUS_M: Final = 6_371_000.0
"""Earth radius in metres, as Meilisearch uses it; the only radius used for distances."""

# Krasovsky 1940 ellipsoid, as used by the public GCJ-02 algorithm.
_KRASOVSKY_A: Final = 6378245.0
_KRASOVSKY_EE: Final = 0.00669342162296594323
_X_PI: Final = math.pi * 3000.0 / 180.0

# The rough China rectangle of the public algorithm (outside it GCJ-02 equals WGS-84).
_CHINA_MIN_LNG: Final = 72.004
_CHINA_MAX_LNG: Final = 137.8347
_CHINA_MIN_LAT: Final = 0.8293
_CHINA_MAX_LAT: Final = 55.8271

# Guizhou's extent, E103°36′–109°35′, N24°37′–29°13′ (shared/docs/reliability.md §9).
GUIZHOU_MIN_LNG: Final = 103 + 36 / 60
GUIZHOU_MAX_LNG: Final = 109 + 35 / 60
GUIZHOU_MIN_LAT: Final = 24 + 37 / 60
GUIZHOU_MAX_LAT: Final = 29 + 13 / 60

_INVERSE_TOLERANCE_DEG: Final = 1e-10
_INVERSE_MAX_STEPS: Final = 30
_BOX_PAD_DEG: Final = 1e-9

_Transform = Callable[[float, float], tuple[float, float]]


class CoordType(StrEnum):
    """A coordinate system a client may send or ask for (the API's ``coordtype``)."""

    WGS84 = "wgs84"
    GCJ02 = "gcj02"
    BD09 = "bd09"

    @property
    def label(self) -> str:
        """The Chinese name shown to people."""
        return _COORD_LABELS[self]


_COORD_LABELS: Final = {
    CoordType.WGS84: "WGS-84（GPS 原始坐标）",
    CoordType.GCJ02: "GCJ-02（高德、腾讯、微信）",
    CoordType.BD09: "BD-09（百度）",
}

STORAGE: Final = CoordType.WGS84
"""The one system coordinates are stored, indexed and compared in."""


class InvalidCoordinate(ValueError):
    """A latitude/longitude that is not a finite point on the globe; the message is Chinese."""


def validate_point(lat: float, lng: float) -> None:
    """Raise :class:`InvalidCoordinate` unless ``lat``/``lng`` are finite and in range."""
    if not (math.isfinite(lat) and math.isfinite(lng)):
        raise InvalidCoordinate("经纬度必须是有限的数字")
    if not -90.0 <= lat <= 90.0:
        raise InvalidCoordinate(f"纬度 {lat} 超出范围（-90 至 90）")
    if not -180.0 <= lng <= 180.0:
        raise InvalidCoordinate(f"经度 {lng} 超出范围（-180 至 180）")


def within_china(lat: float, lng: float) -> bool:
    """Whether the point lies in the rough China rectangle where the GCJ-02 offset applies."""
    return _CHINA_MIN_LNG <= lng <= _CHINA_MAX_LNG and _CHINA_MIN_LAT <= lat <= _CHINA_MAX_LAT


def in_guizhou(lat: float, lng: float) -> bool:
    """Whether the point lies in Guizhou's extent rectangle (a rough check, not the border).

    The extent is given to the arc-minute (≈ 1.8 km), coarser than the offsets between the
    systems here (under 0.6 km to GCJ-02, 1.2 km to BD-09), so any system will do.
    """
    return GUIZHOU_MIN_LAT <= lat <= GUIZHOU_MAX_LAT and GUIZHOU_MIN_LNG <= lng <= GUIZHOU_MAX_LNG


def _offset_lat(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _offset_lng(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def wgs84_to_gcj02(lat: float, lng: float) -> tuple[float, float]:
    """WGS-84 → GCJ-02 by the standard public algorithm; unchanged outside China."""
    if not within_china(lat, lng):
        return lat, lng
    d_lat = _offset_lat(lng - 105.0, lat - 35.0)
    d_lng = _offset_lng(lng - 105.0, lat - 35.0)
    rad_lat = lat / 180.0 * math.pi
    magic = 1.0 - _KRASOVSKY_EE * math.sin(rad_lat) ** 2
    sqrt_magic = math.sqrt(magic)
    d_lat = (d_lat * 180.0) / (
        (_KRASOVSKY_A * (1.0 - _KRASOVSKY_EE)) / (magic * sqrt_magic) * math.pi
    )
    d_lng = (d_lng * 180.0) / (_KRASOVSKY_A / sqrt_magic * math.cos(rad_lat) * math.pi)
    return lat + d_lat, lng + d_lng


def gcj02_to_bd09(lat: float, lng: float) -> tuple[float, float]:
    """GCJ-02 → BD-09 by Baidu's public formula (``x_pi = π·3000/180``)."""
    z = math.sqrt(lng * lng + lat * lat) + 0.00002 * math.sin(lat * _X_PI)
    theta = math.atan2(lat, lng) + 0.000003 * math.cos(lng * _X_PI)
    return z * math.sin(theta) + 0.006, z * math.cos(theta) + 0.0065


def _bd09_to_gcj02_first_guess(lat: float, lng: float) -> tuple[float, float]:
    x = lng - 0.0065
    y = lat - 0.006
    z = math.sqrt(x * x + y * y) - 0.00002 * math.sin(y * _X_PI)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * _X_PI)
    return z * math.sin(theta), z * math.cos(theta)


def _invert(
    forward: _Transform, lat: float, lng: float, guess: tuple[float, float]
) -> tuple[float, float]:
    """Solve ``forward(p) == (lat, lng)`` for ``p`` by fixed-point iteration from ``guess``.

    Each step moves the guess by the residual; the offsets change by well under 1 % per
    degree, so the error shrinks more than a hundredfold per step.
    """
    p_lat, p_lng = guess
    for _ in range(_INVERSE_MAX_STEPS):
        f_lat, f_lng = forward(p_lat, p_lng)
        r_lat, r_lng = f_lat - lat, f_lng - lng
        if abs(r_lat) < _INVERSE_TOLERANCE_DEG and abs(r_lng) < _INVERSE_TOLERANCE_DEG:
            break
        p_lat, p_lng = p_lat - r_lat, p_lng - r_lng
    return p_lat, p_lng


def gcj02_to_wgs84(lat: float, lng: float) -> tuple[float, float]:
    """GCJ-02 → WGS-84, the exact inverse of :func:`wgs84_to_gcj02` to within 1e-10°.

    Iterative (see :func:`_invert`); round trips agree to far better than 0.5 m. Outside
    China the point is returned unchanged, as the forward formula leaves it.
    """
    if not within_china(lat, lng):
        return lat, lng
    return _invert(wgs84_to_gcj02, lat, lng, (lat, lng))


def bd09_to_gcj02(lat: float, lng: float) -> tuple[float, float]:
    """BD-09 → GCJ-02: Baidu's one-step inverse refined until it inverts exactly (1e-10°)."""
    return _invert(gcj02_to_bd09, lat, lng, _bd09_to_gcj02_first_guess(lat, lng))


def wgs84_to_bd09(lat: float, lng: float) -> tuple[float, float]:
    """WGS-84 → BD-09, through GCJ-02."""
    return gcj02_to_bd09(*wgs84_to_gcj02(lat, lng))


def bd09_to_wgs84(lat: float, lng: float) -> tuple[float, float]:
    """BD-09 → WGS-84, through GCJ-02."""
    return gcj02_to_wgs84(*bd09_to_gcj02(lat, lng))


_TO_GCJ02: Final[dict[CoordType, _Transform]] = {
    CoordType.WGS84: wgs84_to_gcj02,
    CoordType.GCJ02: lambda lat, lng: (lat, lng),
    CoordType.BD09: bd09_to_gcj02,
}
_FROM_GCJ02: Final[dict[CoordType, _Transform]] = {
    CoordType.WGS84: gcj02_to_wgs84,
    CoordType.GCJ02: lambda lat, lng: (lat, lng),
    CoordType.BD09: gcj02_to_bd09,
}


def convert(lat: float, lng: float, source: CoordType, target: CoordType) -> tuple[float, float]:
    """Convert a point between any two of the three systems (through GCJ-02)."""
    if source == target:
        return lat, lng
    return _FROM_GCJ02[target](*_TO_GCJ02[source](lat, lng))


def to_storage(lat: float, lng: float, coordtype: CoordType) -> tuple[float, float]:
    """A point sent in ``coordtype``, in the storage system (:data:`STORAGE`)."""
    return convert(lat, lng, coordtype, STORAGE)


def from_storage(lat: float, lng: float, coordtype: CoordType) -> tuple[float, float]:
    """A stored point, in the system a client asked for."""
    return convert(lat, lng, STORAGE, coordtype)


def haversine_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres on the sphere of radius :data:`EARTH_RADIUS_M`."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi = phi2 - phi1
    d_lambda = math.radians(lng2 - lng1)
    h = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2.0 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, h)))


@dataclass(frozen=True, slots=True)
class BoundingBox:
    """A latitude/longitude rectangle (degrees, bounds included)."""

    min_lat: float
    min_lng: float
    max_lat: float
    max_lng: float

    def contains(self, lat: float, lng: float) -> bool:
        """Whether the point lies in the box."""
        return self.min_lat <= lat <= self.max_lat and self.min_lng <= lng <= self.max_lng


def bounding_box(lat: float, lng: float, radius_m: float) -> BoundingBox:
    """The smallest lat/lng box holding every point within ``radius_m`` of the centre.

    A pre-filter for radius queries: everything :func:`haversine_m` puts within the radius is
    inside the box (corners are not, so filter again by distance). Exact on the sphere: the
    latitude span is ``r/R``; the longitude span is ``asin(sin(r/R) / cos φ)``, reached north
    of the centre's parallel. Each side is pushed out by 1e-9° (0.1 mm) so that rounding never
    drops a point lying exactly on the circle. Near a pole, or across the antimeridian, the
    box widens to all longitudes rather than wrap.
    """
    if radius_m < 0 or not math.isfinite(radius_m):
        raise ValueError("radius_m must be a finite, non-negative number of metres")
    angle = radius_m / EARTH_RADIUS_M
    d_lat = math.degrees(angle) + _BOX_PAD_DEG
    min_lat, max_lat = lat - d_lat, lat + d_lat
    if min_lat <= -90.0 or max_lat >= 90.0 or angle >= math.pi / 2:
        return BoundingBox(max(min_lat, -90.0), -180.0, min(max_lat, 90.0), 180.0)
    d_lng = math.degrees(math.asin(min(1.0, math.sin(angle) / math.cos(math.radians(lat)))))
    d_lng += _BOX_PAD_DEG
    min_lng, max_lng = lng - d_lng, lng + d_lng
    if min_lng < -180.0 or max_lng > 180.0:
        return BoundingBox(min_lat, -180.0, max_lat, 180.0)
    return BoundingBox(min_lat, min_lng, max_lat, max_lng)


# --- Navigation links --------------------------------------------------------------------
# No API keys: each app's public URI API identifies the caller by an app name only.

APP_NAME: Final = "qianfu"
_BAIDU_SRC: Final = f"webapp.{APP_NAME}.{APP_NAME}"  # Baidu's rule: webapp.companyName.appName
_DECIMALS: Final = 6  # 0.1 m; Baidu's marker takes at most six decimals


def _clean(text: str) -> str:
    """Collapse whitespace and control characters, which no map app displays usefully."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def _q(value: str) -> str:
    """Percent-encode a free-text parameter value completely (UTF-8)."""
    return quote(value, safe="")


def _fmt(value: float) -> str:
    return f"{value:.{_DECIMALS}f}"


def amap_marker_url(lat: float, lng: float, name: str, coordtype: CoordType = STORAGE) -> str:
    """A 高德地图 marker link (web page; on phones it offers the app).

    高德 URI API, 单点标注 (https://lbs.amap.com/api/uri-api/guide/mobile-web/point):
    ``https://uri.amap.com/marker?position=lon,lat&name=…&src=…&coordinate=gaode&callnative=0``;
    ``coordinate=gaode`` means GCJ-02, which we send after converting.
    """
    g_lat, g_lng = convert(lat, lng, coordtype, CoordType.GCJ02)
    return (
        "https://uri.amap.com/marker"
        f"?position={_fmt(g_lng)},{_fmt(g_lat)}&name={_q(_clean(name))}"
        f"&src={APP_NAME}&coordinate=gaode&callnative=0"
    )


_QQ_SEPARATORS: Final = str.maketrans(";:|", "；：｜")


def _qq_attr(text: str) -> str:
    """A 腾讯 marker attribute value: its ``;`` ``:`` ``|`` separators become full-width."""
    return _clean(text).translate(_QQ_SEPARATORS)


def qq_marker_url(
    lat: float,
    lng: float,
    name: str,
    address: str | None = None,
    coordtype: CoordType = STORAGE,
) -> str:
    """A 腾讯地图 marker link.

    腾讯位置服务 URI API, 自定义标注 (https://lbs.qq.com/webApi/uriV1/uriGuide/uriWebMarker):
    ``https://apis.map.qq.com/uri/v1/marker?marker=coord:lat,lng;title:…;addr:…&referer=…``;
    ``coord_type=2`` (the default) is 腾讯坐标, i.e. GCJ-02, which we send after converting.
    ``title`` and ``addr`` are both documented as required: ``addr`` falls back to the name.
    """
    g_lat, g_lng = convert(lat, lng, coordtype, CoordType.GCJ02)
    marker = (
        f"coord:{_fmt(g_lat)},{_fmt(g_lng)};title:{_qq_attr(name)};addr:{_qq_attr(address or name)}"
    )
    return (
        "https://apis.map.qq.com/uri/v1/marker"
        f"?marker={quote(marker, safe=':;,')}&coord_type=2&referer={APP_NAME}"
    )


def baidu_marker_url(
    lat: float,
    lng: float,
    name: str,
    address: str | None = None,
    coordtype: CoordType = STORAGE,
) -> str:
    """A 百度地图 marker link, with BD-09 coordinates and ``coord_type=bd09ll`` said explicitly.

    百度地图 URI API (Web), 标注 (https://lbsyun.baidu.com/index.php?title=uri/api/web):
    ``https://api.map.baidu.com/marker?location=lat,lng&title=…&content=…&output=html&src=…``;
    ``coord_type`` defaults to ``bd09ll`` (百度经纬度坐标) and ``src`` follows the rule
    ``webapp.companyName.appName``. ``content`` is documented as required: it falls back to
    the name.
    """
    b_lat, b_lng = convert(lat, lng, coordtype, CoordType.BD09)
    return (
        "https://api.map.baidu.com/marker"
        f"?location={_fmt(b_lat)},{_fmt(b_lng)}&title={_q(_clean(name))}"
        f"&content={_q(_clean(address or name))}&output=html&coord_type=bd09ll&src={_BAIDU_SRC}"
    )


@dataclass(frozen=True, slots=True)
class NavigationLinks:
    """Marker links for the three map apps people in China use."""

    amap: str
    qq: str
    baidu: str


def navigation_links(
    lat: float,
    lng: float,
    name: str,
    address: str | None = None,
    coordtype: CoordType = STORAGE,
) -> NavigationLinks:
    """The 高德, 腾讯 and 百度 links for one point (given in ``coordtype``, stored by default)."""
    return NavigationLinks(
        amap=amap_marker_url(lat, lng, name, coordtype),
        qq=qq_marker_url(lat, lng, name, address, coordtype),
        baidu=baidu_marker_url(lat, lng, name, address, coordtype),
    )
