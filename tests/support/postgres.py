"""A throwaway PostgreSQL server for the test session, started from the machine's binaries.

PostgreSQL refuses to run as root; when the tests run as root (as CI does) the server is
initialised and started as the ``postgres`` user through ``runuser``.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

import psycopg

from tests.support.processes import free_port


def _bindir() -> Path:
    found = shutil.which("pg_ctl")
    if found:
        return Path(os.path.realpath(found)).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if not candidates:
        raise RuntimeError(
            "PostgreSQL server binaries not found (e.g. apt-get install postgresql-15)"
        )
    return Path(candidates[-1]).parent


@dataclass
class PostgresServer:
    """A running server; :meth:`create_database` gives each test its own empty database."""

    root: Path
    port: int
    prefix: list[str]
    bindir: Path

    @property
    def admin_dsn(self) -> str:
        return f"host=127.0.0.1 port={self.port} user=qianfu dbname=postgres"

    def url(self, dbname: str) -> str:
        return f"postgresql+psycopg://qianfu@127.0.0.1:{self.port}/{dbname}"

    def create_database(self, name: str | None = None) -> str:
        """Create an empty database and return its SQLAlchemy URL."""
        name = name or f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.admin_dsn, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        subprocess.run(
            [
                *self.prefix,
                str(self.bindir / "pg_ctl"),
                "-D",
                str(self.root / "data"),
                "-m",
                "fast",
                "-w",
                "stop",
            ],
            check=False,
            capture_output=True,
        )
        shutil.rmtree(self.root, ignore_errors=True)


def start_postgres() -> PostgresServer:
    """initdb + pg_ctl start on a free loopback port; raises with the server log on failure."""
    bindir = _bindir()
    # Not under pytest's tmp dir: that is private to root and the postgres user must enter it.
    root = Path(tempfile.mkdtemp(prefix="qianfu-pg-"))
    prefix: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(root, user="postgres", group="postgres")
        prefix = ["runuser", "-u", "postgres", "--"]
    data, log = root / "data", root / "server.log"
    subprocess.run(
        [
            *prefix,
            str(bindir / "initdb"),
            "-D",
            str(data),
            "-U",
            "qianfu",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
        ],
        check=True,
        capture_output=True,
    )
    port = free_port()
    options = (
        f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
    )
    started = subprocess.run(
        [
            *prefix,
            str(bindir / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            options,
            "-l",
            str(log),
            "-w",
            "-t",
            "60",
            "start",
        ],
        check=False,
        capture_output=True,
        text=True,
    )
    if started.returncode != 0:
        detail = log.read_text(errors="replace") if log.exists() else started.stderr
        shutil.rmtree(root, ignore_errors=True)
        raise RuntimeError(f"PostgreSQL did not start:\n{detail}")
    return PostgresServer(root=root, port=port, prefix=prefix, bindir=bindir)
