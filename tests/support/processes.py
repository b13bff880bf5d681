"""Helpers for the real servers tests and benchmarks start: a free port, waiting until ready."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Callable

import httpx


def free_port() -> int:
    """A free loopback TCP port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for_http(
    url: str,
    process: subprocess.Popen[bytes] | subprocess.Popen[str] | None,
    *,
    what: str,
    timeout: float,
    interval: float,
    output: Callable[[], str] = lambda: "",
) -> None:
    """Poll ``url`` until it answers 200; fail early, with ``output()``, if ``process`` exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what} exited before it was ready:\n{output()[-4000:]}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(interval)
    raise RuntimeError(f"{what} did not become ready")
