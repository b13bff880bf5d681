"""Eligibility under load: ``python -m bench.eligibility [--seconds 10] [--connections 32]``.

The pinned request: a 4-person household in 南明区 (520102) — two working adults, a
70-year-old and a 2-year-old, about 8 answers each — evaluated against every service with
rules. Two measures:

1. in-process, single thread: the engine alone, and the whole request path without HTTP
   (parse and validate the JSON body, evaluate, build and serialise the response);
2. ``qianfu serve --workers 2`` on a scratch SQLite database, driven by wrk with 32
   connections from the same machine: ``POST /api/v1/eligibility/evaluate``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import statistics
import time
from collections.abc import Callable
from typing import Any

import orjson

from app.eligibility.evaluate import evaluate
from app.eligibility.loader import load_ruleset, seed_regions
from app.eligibility.present import evaluation_json
from app.eligibility.request import build_request_types, to_household
from bench.common import REPO, machine, report, run_wrk, scratch_data_dir, serve

HOME = "520102"
_ADULT = {
    "person.employment": "employee",
    "person.hukou_region": HOME,
    "person.hukou_type": "urban",
    "person.in_employee_pension": True,
    "person.in_employee_medical": True,
    "person.disability_cert": False,
    "person.military_related": False,
}
PINNED: dict[str, Any] = {
    "region": HOME,
    "as_of": "2026-11-28",
    "household": {
        "facts": {
            "household.is_dibao": False,
            "household.disaster_affected": False,
            "household.sudden_hardship": False,
            "household.planning_pregnancy": False,
            "household.dilapidated_house": False,
            "household.owns_local_housing": True,
        },
        "members": [
            {
                "role": "applicant",
                "facts": {**_ADULT, "person.age": 38, "person.legal_need": False},
            },
            {"role": "spouse", "facts": {**_ADULT, "person.age": 36}},
            {
                "role": "parent",
                "facts": {
                    "person.age": 70,
                    "person.employment": "retired",
                    "person.hukou_region": HOME,
                    "person.hukou_type": "urban",
                    "person.in_employee_pension": True,
                    "person.reached_retirement_age": True,
                    "person.pension_contribution_years": 30,
                    "person.long_term_care": False,
                },
            },
            {
                "role": "child",
                "facts": {
                    "person.age": 2,
                    "person.employment": "other",
                    "person.hukou_region": HOME,
                    "person.hukou_type": "urban",
                    "person.disability_cert": False,
                    "person.in_resident_pension": False,
                    "person.military_related": False,
                    "person.legal_need": False,
                },
            },
        ],
    },
}


def _percentiles(fn: Callable[[], object], runs: int) -> dict[str, float]:
    for _ in range(200):
        fn()
    gc.collect()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {
        "p50_ms": round(statistics.median(times), 3),
        "p90_ms": round(times[int(runs * 0.9)], 3),
        "p99_ms": round(times[int(runs * 0.99)], 3),
    }


def in_process(runs: int) -> dict[str, Any]:
    """Single-thread timings of the engine and of the whole request path (no HTTP)."""
    root = REPO / "seed"
    ruleset, regions = load_ruleset(root), seed_regions(root)
    types = build_request_types(ruleset)
    body = json.dumps(PINNED).encode()
    household = to_household(types.parse(body), regions, dt.date(2026, 11, 28))

    def engine() -> object:
        return evaluate(ruleset, regions, household)

    def full() -> bytes:
        parsed = to_household(types.parse(body), regions, dt.date(2026, 11, 28))
        return orjson.dumps(evaluation_json(evaluate(ruleset, regions, parsed)))

    size = len(full())
    return {
        "services": len(ruleset.services),
        "members": len(household.members),
        "facts": sum(len(m.facts) for m in household.members) + len(household.facts),
        "response_bytes": size,
        "engine": _percentiles(engine, runs),
        "request_path": _percentiles(full, runs),
    }


def main() -> None:
    """Measure in-process and under load; print and write ``reports/eligibility.json``."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--runs", type=int, default=3000)
    args = parser.parse_args()
    local = in_process(args.runs)
    print(
        f"in-process ({local['services']} services, {local['members']} members, "
        f"{local['facts']} answers, response {local['response_bytes']} bytes):"
    )
    for key in ("engine", "request_path"):
        p = local[key]
        timings = "  ".join(f"{q} {p[q + '_ms']:.3f} ms" for q in ("p50", "p90", "p99"))
        print(f"  {key:<13} {timings}")
    body = json.dumps(PINNED, ensure_ascii=False)
    common = {"seconds": args.seconds, "connections": args.connections}
    with scratch_data_dir() as data, serve({"QIANFU_DATA_DIR": str(data)}) as server:
        result = run_wrk(
            "POST /api/v1/eligibility/evaluate (pinned household)",
            server.base_url,
            ["/api/v1/eligibility/evaluate"],
            method="POST",
            bodies=[body],
            **common,
        )
    report("eligibility", [result], {**machine(), "workers": 2, **common, "in_process": local})


if __name__ == "__main__":
    main()
