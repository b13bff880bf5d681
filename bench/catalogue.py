"""Catalogue reads under load: ``python -m bench.catalogue [--seconds 10]``.

Serves the shipped seed on SQLite with 2 workers and drives it with wrk (32 connections):
service lists with rotating filters and regions, resolved service details for every service
across all counties, area counts, and the HTML service page.
"""

from __future__ import annotations

import argparse
import itertools

import httpx

from bench.common import machine, report, run_wrk, scratch_data_dir, serve


def main() -> None:
    """Run every scenario once and print/write the report."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    with scratch_data_dir() as data, serve({"QIANFU_DATA_DIR": str(data)}) as server:
        base = server.base_url
        services = httpx.get(f"{base}/api/v1/services?limit=100").json()["items"]
        counties = [
            r["code"]
            for r in httpx.get(f"{base}/api/v1/regions?level=county&limit=100").json()["items"]
        ]
        codes = [s["code"] for s in services]
        areas = sorted({s["area"]["code"] for s in services})
        details = [
            f"/api/v1/services/{code}?region={region}"
            for code, region in zip(itertools.cycle(codes), counties * 3, strict=False)
        ]
        lists = [
            f"/api/v1/services?area={area}&region={region}&limit=20"
            for area, region in zip(itertools.cycle(areas), counties, strict=False)
        ]
        counts = [f"/api/v1/areas?region={region}" for region in counties]
        pages = [
            f"/services/{code}?region={region}"
            for code, region in zip(codes, counties, strict=False)
        ]
        common = {"seconds": args.seconds, "connections": args.connections}
        results = [
            run_wrk("GET /api/v1/services (area × county)", base, lists, **common),
            run_wrk("GET /api/v1/services/{code} (× county)", base, details, **common),
            run_wrk("GET /api/v1/areas (× county)", base, counts, **common),
            run_wrk("GET /services/{code} HTML", base, pages, **common),
        ]
    report(
        "catalogue",
        results,
        {**machine(), "workers": 2, "services": len(codes), "counties": len(counties), **common},
    )


if __name__ == "__main__":
    main()
