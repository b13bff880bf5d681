"""Generated SAMPLE provider documents, for benchmarks and demos only.

Every document is flagged ``sample: true``; names end in "（示例）", addresses are "示例地址",
and there are no phone numbers, so nothing here can be mistaken for (or ring) a real place.
Real providers arrive with the providers catalogue; this generator only gives search a
realistic volume of Chinese text across all 88 counties and their 乡镇/街道.
"""

from __future__ import annotations

import random
from collections import defaultdict

from app.catalogue.snapshot import Snapshot
from app.domain import PROVIDER_TYPES
from app.search.base import Document
from app.search.text import pinyin_tokens

# (type code, weight, name patterns); {t} township, {c} county, {n} a number.
_PATTERNS: list[tuple[str, int, tuple[str, ...]]] = [
    ("childcare", 12, ("{t}托育园", "{t}第{n}托育中心", "{c}普惠托育服务中心")),
    ("kindergarten", 14, ("{t}中心幼儿园", "{t}第{n}幼儿园", "{c}实验幼儿园")),
    ("elderly_station", 16, ("{t}养老服务站", "{t}居家养老服务中心", "{t}第{n}社区养老服务站")),
    ("day_care", 8, ("{t}老年人日间照料中心", "{t}日间照料站")),
    ("nursing_home", 6, ("{t}敬老院", "{c}社会福利院", "{c}第{n}养老院")),
    ("community_health", 8, ("{t}社区卫生服务中心", "{t}社区卫生服务站")),
    ("township_health", 8, ("{t}卫生院", "{t}中心卫生院")),
    ("hospital", 3, ("{c}人民医院", "{c}中医院", "{c}妇幼保健院")),
    ("legal_aid", 4, ("{c}法律援助中心", "{t}法律援助工作站")),
    ("employment", 4, ("{c}公共就业服务中心", "{t}就业服务站")),
    ("service_window", 7, ("{t}便民服务中心", "{t}党务政务服务中心")),
    ("veterans_station", 4, ("{t}退役军人服务站", "{c}退役军人服务中心")),
    ("culture_station", 4, ("{t}综合文化站", "{t}文化服务中心")),
    ("library", 1, ("{c}图书馆", "{t}农家书屋")),
    ("sports_venue", 1, ("{c}全民健身中心", "{t}体育活动中心")),
]


def sample_providers(snap: Snapshot, count: int, *, seed: int = 20261128) -> list[Document]:
    """``count`` sample provider documents spread over every county (deterministic)."""
    rng = random.Random(seed)
    townships: dict[str, list[str]] = defaultdict(list)
    counties = [r for r in snap.regions.values() if r.level == "county"]
    for region in snap.regions.values():
        if region.level == "township" and region.parent_code:
            townships[region.parent_code].append(region.code)
    types = [t for t, _, _ in _PATTERNS]
    weights = [w for _, w, _ in _PATTERNS]
    patterns = {t: p for t, _, p in _PATTERNS}
    documents: list[Document] = []
    for n in range(count):
        county = counties[n % len(counties)]
        city = snap.regions[county.parent_code] if county.parent_code else county
        options = townships.get(county.code) or [county.code]
        township = snap.regions[rng.choice(options)]
        kind = rng.choices(types, weights)[0]
        name = rng.choice(patterns[kind]).format(
            t=township.name if township.level == "township" else county.name,
            c=county.name,
            n=rng.randint(1, 9),
        )
        name = f"{name}（示例）"
        documents.append(
            {
                "id": f"sample-{n:06d}",
                "kind": "provider",
                "name": name,
                "type": kind,
                "type_name": PROVIDER_TYPES[kind],
                "address": f"{city.name}{county.name}{township.name}"
                f"示例地址{rng.randint(1, 300)}号",
                "county": county.code,
                "county_name": county.name,
                "regions": [c for c in ("520000", city.code, county.code, township.code) if c],
                "region_names": f"{city.name} {county.name} {township.name}",
                "pinyin": sorted(pinyin_tokens(name.removesuffix("（示例）"))),
                "rank": n,
                "sample": True,
            }
        )
    return documents
