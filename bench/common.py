"""Shared benchmark plumbing: start ``qianfu serve`` on a scratch database, drive it with wrk.

Benchmarks are commands, never timed assertions in the test suite. Each prints a table and
writes a JSON report under ``reports/``. wrk (Debian package ``wrk``) generates the load from
the same machine, as the targets in the issues assume.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from app.bootstrap import prepare_database, prepare_search
from app.catalogue.snapshot import Snapshot, SnapshotCache
from app.db import make_engine
from app.providers.documents import provider_documents
from app.search.base import Document
from app.settings import Settings
from tests.support.processes import free_port, wait_for_http

REPO = Path(__file__).resolve().parents[1]
REPORTS = REPO / "reports"

# wrk calls done() once at the end; print one JSON line we can parse.
_DONE_LUA = r"""
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "errors": %d, "non2xx": %d, '
    .. '"p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, errors, summary.errors.status,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
"""


@dataclass
class LoadResult:
    """Throughput and latency of one wrk run."""

    name: str
    requests: int
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    errors: int
    non2xx: int
    extra: dict[str, object] = field(default_factory=dict)

    def row(self) -> str:
        """A fixed-width table row."""
        return (
            f"{self.name:<48} {self.rps:>9.0f} {self.p50_ms:>8.2f} {self.p90_ms:>8.2f} "
            f"{self.p99_ms:>8.2f} {self.errors:>6d}"
        )


HEADER = f"{'scenario':<48} {'req/s':>9} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'errors':>6}"


def require_wrk() -> str:
    """The wrk binary, or exit with how to install it."""
    found = shutil.which("wrk")
    if not found:
        sys.exit("wrk is needed for benchmarks: apt-get install -y wrk")
    return found


def _lua_for(
    paths: Sequence[str],
    method: str = "GET",
    bodies: Sequence[str] | None = None,
    headers: dict[str, str] | None = None,
) -> str:
    """A wrk script that cycles through ``paths`` (and JSON ``bodies`` for POST)."""
    quoted = ",\n".join(json.dumps(p) for p in paths)
    lines = [f"local paths = {{\n{quoted}\n}}", "local i = 0"]
    lines += [f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}" for k, v in (headers or {}).items()]
    if bodies is not None:
        body_list = ",\n".join("[==[" + b + "]==]" for b in bodies)
        lines.append(f"local bodies = {{\n{body_list}\n}}")
        lines.append(
            "request = function()\n  i = i + 1\n  local k = (i % #paths) + 1\n"
            "  local h = {}\n  for name, value in pairs(wrk.headers) do h[name] = value end\n"
            '  h["Content-Type"] = "application/json"\n'
            f'  return wrk.format("{method}", paths[k], h, bodies[(i % #bodies) + 1])\nend'
        )
    else:
        lines.append(
            "request = function()\n  i = i + 1\n"
            f'  return wrk.format("{method}", paths[(i % #paths) + 1])\nend'
        )
    return "\n".join(lines) + "\n" + _DONE_LUA


def run_wrk(
    name: str,
    base_url: str,
    paths: Sequence[str],
    *,
    method: str = "GET",
    bodies: Sequence[str] | None = None,
    connections: int = 32,
    threads: int = 2,
    seconds: int = 10,
    headers: dict[str, str] | None = None,
    warmup: int = 3,
) -> LoadResult:
    """Run wrk against ``base_url`` cycling through ``paths``; identity encoding, keep-alive."""
    wrk = require_wrk()
    if warmup:
        run_wrk(
            name,
            base_url,
            paths,
            method=method,
            bodies=bodies,
            connections=connections,
            threads=threads,
            seconds=warmup,
            headers=headers,
            warmup=0,
        )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(_lua_for(paths, method, bodies, headers))
    try:
        completed = subprocess.run(
            [
                wrk,
                f"-t{threads}",
                f"-c{connections}",
                f"-d{seconds}s",
                "--timeout",
                "5s",
                "-s",
                script.name,
                base_url,
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        os.unlink(script.name)
    line = next(x for x in completed.stdout.splitlines() if x.startswith("WRKJSON "))
    data = json.loads(line.removeprefix("WRKJSON "))
    seconds_run = data["duration_us"] / 1e6
    return LoadResult(
        name=name,
        requests=data["requests"],
        rps=data["requests"] / seconds_run,
        p50_ms=data["p50_us"] / 1000,
        p90_ms=data["p90_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        errors=data["errors"] - data["non2xx"],
        non2xx=data["non2xx"],
    )


@dataclass
class Server:
    """A running ``qianfu serve``."""

    base_url: str
    process: subprocess.Popen[str]


def _wait_ready(base_url: str, process: subprocess.Popen[str], timeout: float = 120) -> None:
    def output() -> str:
        return process.stdout.read() if process.stdout else ""

    wait_for_http(
        f"{base_url}/api/v1/readyz",
        process,
        what="server",
        timeout=timeout,
        interval=0.3,
        output=output,
    )


@contextmanager
def serve(env: dict[str, str], *, workers: int = 2) -> Iterator[Server]:
    """Start ``qianfu serve --workers N`` with ``env`` added; stop it afterwards."""
    port = free_port()
    full_env = {**os.environ, "QIANFU_LOG_LEVEL": "warning", **env}
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from app.cli import app; app()",
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        cwd=REPO,
        env=full_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(base_url, process)
        yield Server(base_url=base_url, process=process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@contextmanager
def scratch_data_dir() -> Iterator[Path]:
    """A temporary ``QIANFU_DATA_DIR`` (a fresh SQLite database)."""
    path = Path(tempfile.mkdtemp(prefix="qianfu-bench-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def demo_settings(
    data: Path, meili_url: str, meili_key: str, providers: int, prefix: str
) -> Settings:
    """Settings for a scratch database that holds ``providers`` generated SAMPLE providers."""
    return Settings(
        data_dir=data,
        meili_url=meili_url,
        meili_master_key=meili_key,
        meili_index_prefix=prefix,
        demo=True,
        demo_providers=providers,
    )


def demo_corpus(settings: Settings, timings: dict[str, object]) -> tuple[Snapshot, list[Document]]:
    """Load the demo database and embedded index; the snapshot and every provider document.

    Step times (seconds) go into ``timings`` as ``database_with_samples_s`` and
    ``embedded_index_build_s``.
    """
    engine = make_engine(settings)
    try:
        started = time.monotonic()
        prepare_database(settings, engine)
        timings["database_with_samples_s"] = round(time.monotonic() - started, 1)
        started = time.monotonic()
        prepare_search(settings, engine, force=True)
        timings["embedded_index_build_s"] = round(time.monotonic() - started, 1)
        snapshot = SnapshotCache(engine, 0).refresh()
        return snapshot, provider_documents(engine, snapshot)
    finally:
        engine.dispose()


def report(name: str, results: Sequence[LoadResult], meta: dict[str, object]) -> Path:
    """Print the table and write ``reports/<name>.json``."""
    print(HEADER)
    for result in results:
        print(result.row())
    REPORTS.mkdir(exist_ok=True)
    out = REPORTS / f"{name}.json"
    payload = {"meta": meta, "results": [asdict(r) for r in results]}
    out.write_text(json.dumps(payload, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"\nreport: {out.relative_to(REPO)}")
    return out


def machine() -> dict[str, object]:
    """What the numbers were measured on."""
    return {
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
