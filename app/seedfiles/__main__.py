"""``python -m app.seedfiles [SEED_DIR]``: validate the seed without the CLI installed."""

import sys
from pathlib import Path

from app.seedfiles.load import SeedError, load_seed


def main() -> int:
    """Print every problem (exit 1) or a one-line summary (exit 0)."""
    root = Path(sys.argv[1] if len(sys.argv) > 1 else "seed")
    try:
        load_seed(root)
    except SeedError as exc:
        for _problem in exc.problems:
            pass
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
