"""Throwaway copies of the shipped seed, and precise edits to them (to break one thing)."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import SEED_DIR


def copy_seed(tmp_path: Path) -> Path:
    """A copy of the shipped seed directory under ``tmp_path``."""
    root = tmp_path / "seed"
    shutil.copytree(SEED_DIR, root)
    return root


def edit_seed(root: Path, rel: str, old: str, new: str) -> None:
    """Replace the first ``old`` in ``root/rel`` with ``new``; fail if ``old`` is not there."""
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text not found in {rel}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
