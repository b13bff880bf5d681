"""The Dockerfile is linted, and its install and start commands are replayed for real.

These machines have no Docker engine, so the image itself cannot be built here. Instead the
test copies what the Dockerfile copies, runs its ``RUN pip install`` line in a fresh virtual
environment and its ``CMD`` as an unprivileged user (``nobody`` when the tests run as root),
then checks that the seeded catalogue is served.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.conftest import REPO
from tests.support.processes import free_port

DOCKERFILE = REPO / "Dockerfile"


@dataclass
class DockerPlan:
    """What the Dockerfile does, read from its instructions."""

    copies: list[str]
    install: str
    env: dict[str, str]
    cmd: list[str]


def _instructions(text: str) -> list[tuple[str, str]]:
    joined = text.replace("\\\n", " ")
    result = []
    for line in joined.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            keyword, _, rest = stripped.partition(" ")
            result.append((keyword.upper(), rest.strip()))
    return result


def read_plan(path: Path = DOCKERFILE) -> DockerPlan:
    """Parse COPY sources, the pip install RUN line, ENV values and the exec-form CMD."""
    copies: list[str] = []
    installs: list[str] = []
    env: dict[str, str] = {}
    cmd: list[str] = []
    for keyword, rest in _instructions(path.read_text(encoding="utf-8")):
        if keyword == "COPY":
            copies.extend(shlex.split(rest)[:-1])
        elif keyword == "RUN" and "pip install" in rest:
            installs.append(rest)
        elif keyword == "ENV":
            for item in shlex.split(rest):
                key, _, value = item.partition("=")
                env[key] = value
        elif keyword == "CMD":
            cmd = json.loads(rest)
    assert len(installs) == 1, "expected exactly one pip install step"
    return DockerPlan(copies=copies, install=installs[0], env=env, cmd=cmd)


def test_dockerfile_passes_hadolint() -> None:
    hadolint = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    result = subprocess.run(
        [hadolint, str(DOCKERFILE)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_dockerfile_runs_as_non_root_and_ships_the_seed() -> None:
    text = DOCKERFILE.read_text(encoding="utf-8")
    users = [rest for keyword, rest in _instructions(text) if keyword == "USER"]
    assert users
    assert users[-1].split(":")[0] not in {"root", "0"}
    plan = read_plan()
    assert {"app", "seed", "static", "pyproject.toml"} <= set(plan.copies)
    assert plan.cmd[:2] == ["qianfu", "serve"]


@dataclass
class Sandbox:
    """A directory the unprivileged user owns, and how to run commands as that user."""

    root: Path
    prefix: list[str]
    python: str


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    root = Path(tempfile.mkdtemp(prefix="qianfu-deploy-"))
    if os.geteuid() == 0:
        # pyenv's interpreter lives under /root, which nobody may enter; Debian's python3 is 3.11
        # like the image's.
        python = "/usr/bin/python3"
        assert Path(python).exists(), "the deploy replay needs /usr/bin/python3 when run as root"
        prefix = [shutil.which("runuser") or "/usr/sbin/runuser", "-u", "nobody", "--"]
    else:
        python, prefix = sys.executable, []
    try:
        yield Sandbox(root=root, prefix=prefix, python=python)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _chown_for(sandbox: Sandbox) -> None:
    if sandbox.prefix:
        subprocess.run(["chown", "-R", "nobody:nogroup", str(sandbox.root)], check=True)


@pytest.mark.slow
def test_replay_install_and_start_as_unprivileged_user(sandbox: Sandbox) -> None:
    plan = read_plan()
    src = sandbox.root / "src"
    src.mkdir()
    for name in plan.copies:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, src / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, src / name)
    home, data = sandbox.root / "home", sandbox.root / "data"
    home.mkdir()
    data.mkdir()
    _chown_for(sandbox)
    venv = sandbox.root / "venv"
    env = {
        "HOME": str(home),
        "PATH": f"{venv / 'bin'}:/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        **plan.env,
        "QIANFU_DATA_DIR": str(data),
    }

    def run(args: list[str], cwd: Path) -> None:
        result = subprocess.run(
            [*sandbox.prefix, *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, f"{args}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"

    run([sandbox.python, "-m", "venv", str(venv)], sandbox.root)
    run(["sh", "-c", plan.install], src)

    port = free_port()
    cmd = [*plan.cmd]
    cmd[cmd.index("--host") + 1] = "127.0.0.1"
    cmd[cmd.index("--port") + 1] = str(port)
    server = subprocess.Popen(
        [*sandbox.prefix, *cmd],
        cwd=data,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        ready = None
        while time.monotonic() < deadline and server.poll() is None:
            try:
                ready = httpx.get(f"{base}/api/v1/readyz", timeout=2)
                if ready.status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.5)
        assert ready is not None, "server never answered"
        assert ready.status_code == 200, "server never became ready"
        services = httpx.get(f"{base}/api/v1/services", timeout=5).json()
        assert services["total"] > 0
        assert httpx.get(f"{base}/", timeout=5).status_code == 200
        assert httpx.get(f"{base}/static/css/app.css", timeout=5).status_code == 200
        assert "server" not in httpx.get(f"{base}/api/v1/healthz", timeout=5).headers
        assert (data / "qianfu.db").is_file(), "data lands in QIANFU_DATA_DIR"
    finally:
        server.terminate()
        try:
            output, _ = server.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            output, _ = server.communicate()
    assert "Traceback" not in output, output[-3000:]
