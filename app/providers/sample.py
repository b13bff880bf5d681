"""Generated SAMPLE providers, for demos (``qianfu serve --demo``) and benchmarks only.

Every record is flagged ``sample`` (the API and every page say "示例"/"演示数据"), names end in
"（示例）", addresses say "示例地址", and there are no phone numbers: a realistic-looking number
could ring a real person. Points are scattered around each county's seat, so distances look
plausible, but they are not places.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict

from app.catalogue.snapshot import Snapshot
from app.domain import VerificationStatus
from app.geo.coords import EARTH_RADIUS_M, CoordType
from app.providers.schema import Point, ProviderEntry
from app.seedfiles.schema import Verification

SAMPLE_SOURCE = "qianfu-sample-generator"
_VERIFICATION = Verification(
    status=VerificationStatus.SAMPLE, note="程序生成的演示数据，不代表真实机构"
)

_WINDOW: dict[str, object] = {
    d: ["09:00-12:00", "14:00-17:30"] for d in ("mon", "tue", "wed", "thu", "fri")
} | {"holidays": "closed"}
_CLINIC: dict[str, object] = {
    d: ["08:00-17:30"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
} | {"holidays": "open"}
_CARE: dict[str, object] = {d: ["07:30-18:00"] for d in ("mon", "tue", "wed", "thu", "fri")} | {
    "holidays": "closed"
}
_DAILY: dict[str, object] = {
    d: ["08:00-20:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
} | {"holidays": "open"}

# (type, weight, name patterns, hours, services it illustrates)
_KINDS: list[tuple[str, int, tuple[str, ...], dict[str, object], tuple[str, ...]]] = [
    ("childcare", 12, ("{t}托育园", "{t}第{n}托育中心", "{c}普惠托育服务中心"), _CARE,
     ("inclusive-childcare",)),
    ("kindergarten", 14, ("{t}中心幼儿园", "{t}第{n}幼儿园", "{c}实验幼儿园"), _CARE,
     ("inclusive-preschool-education", "preschool-child-financial-aid")),
    ("elderly_station", 16, ("{t}养老服务站", "{t}居家养老服务中心", "{t}第{n}社区养老服务站"),
     _DAILY, ("community-home-elderly-care",)),
    ("day_care", 8, ("{t}老年人日间照料中心", "{t}日间照料站"), _DAILY,
     ("community-home-elderly-care",)),
    ("nursing_home", 6, ("{t}敬老院", "{c}社会福利院", "{c}第{n}养老院"), _DAILY,
     ("extreme-poverty-support",)),
    ("community_health", 8, ("{t}社区卫生服务中心", "{t}社区卫生服务站"), _CLINIC,
     ("vaccination", "maternal-health-service", "resident-health-records")),
    ("township_health", 8, ("{t}卫生院", "{t}中心卫生院"), _CLINIC,
     ("vaccination", "maternal-health-service", "resident-health-records")),
    ("hospital", 3, ("{c}人民医院", "{c}中医院", "{c}妇幼保健院"), _DAILY, ()),
    ("legal_aid", 4, ("{c}法律援助中心", "{t}法律援助工作站"), _WINDOW, ("legal-aid",)),
    ("employment", 4, ("{c}公共就业服务中心", "{t}就业服务站"), _WINDOW,
     ("employment-information-service", "unemployment-insurance")),
    ("service_window", 7, ("{t}便民服务中心", "{t}党务政务服务中心"), _WINDOW,
     ("minimum-living-allowance", "temporary-assistance", "disability-two-subsidies")),
    ("veterans_station", 4, ("{t}退役军人服务站", "{c}退役军人服务中心"), _WINDOW,
     ("veteran-employment-entrepreneurship", "preferential-treatment-and-pensions")),
    ("culture_station", 4, ("{t}综合文化站", "{t}文化服务中心"), _WINDOW, ()),
    ("library", 1, ("{c}图书馆", "{t}农家书屋"), _DAILY, ("disability-culture-sports-services",)),
    ("sports_venue", 1, ("{c}全民健身中心", "{t}体育活动中心"), _DAILY, ()),
]  # fmt: skip
_MINORITY_LANGUAGES = ("苗语", "布依语", "侗语", "彝语", "水语")
SPREAD_M = 6000.0


def _offset(lat: float, lng: float, rng: random.Random) -> tuple[float, float]:
    """A point uniformly within ``SPREAD_M`` of (lat, lng)."""
    distance = SPREAD_M * math.sqrt(rng.random())
    bearing = rng.random() * 2 * math.pi
    dlat = math.degrees(distance * math.cos(bearing) / EARTH_RADIUS_M)
    dlng = math.degrees(
        distance * math.sin(bearing) / (EARTH_RADIUS_M * math.cos(math.radians(lat)))
    )
    return round(lat + dlat, 6), round(lng + dlng, 6)


def sample_providers(snap: Snapshot, count: int, *, seed: int = 20261128) -> list[ProviderEntry]:
    """``count`` sample providers spread over every county (deterministic for a seed)."""
    rng = random.Random(seed)
    townships: dict[str, list[str]] = defaultdict(list)
    for region in snap.regions.values():
        if region.level == "township" and region.parent_code:
            townships[region.parent_code].append(region.code)
    counties = sorted(
        (r for r in snap.regions.values() if r.level == "county"), key=lambda r: r.code
    )
    weights = [w for _, w, _, _, _ in _KINDS]
    services = set(snap.services)
    entries: list[ProviderEntry] = []
    for n in range(count):
        county = counties[n % len(counties)]
        seat = county if county.lat is not None else snap.regions[county.parent_code or "520000"]
        options = townships.get(county.code) or [county.code]
        township = snap.regions[rng.choice(options)]
        kind, _, patterns, hours, linked = rng.choices(_KINDS, weights)[0]
        place = township.name if township.level == "township" else county.name
        name = rng.choice(patterns).format(t=place, c=county.name, n=rng.randint(1, 9))
        assert seat.lat is not None
        assert seat.lng is not None
        lat, lng = _offset(seat.lat, seat.lng, rng)
        city = snap.regions[county.parent_code] if county.parent_code else county
        languages = ["普通话"] + ([rng.choice(_MINORITY_LANGUAGES)] if rng.random() < 0.1 else [])
        entries.append(
            ProviderEntry(
                id=f"sample-{n:06d}",
                name=f"{name}（示例）",
                type=kind,
                region=township.code,
                address=f"{city.name}{county.name}{township.name}示例地址{rng.randint(1, 300)}号",
                location=Point(lat=lat, lng=lng, coordtype=CoordType.GCJ02),
                hours=hours,
                inclusive=(rng.random() < 0.6) if kind in {"childcare", "kindergarten"} else None,
                accessibility=["无障碍通道"] if rng.random() < 0.3 else None,
                languages=languages,
                services=[s for s in linked if s in services],
                sources=[SAMPLE_SOURCE],
                verification=_VERIFICATION,
            )
        )
    return entries
