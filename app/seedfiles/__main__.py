"""``python -m app.seedfiles [SEED_DIR]``: validate the seed without the CLI installed."""

import sys
from pathlib import Path

from app.seedfiles.load import SeedError, load_seed


def main() -> int:
    """Print every problem (exit 1) or a one-line summary (exit 0)."""
    root = Path(sys.argv[1] if len(sys.argv) > 1 else "seed")
    try:
        bundle = load_seed(root)
    except SeedError as exc:
        for problem in exc.problems:
            print(problem)  # noqa: T201 - a command-line report
        print(f"共 {len(exc.problems)} 处问题", file=sys.stderr)  # noqa: T201
        return 1
    print(f"种子数据有效：{len(bundle.services)} 项服务，{len(bundle.regions)} 个地区")  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
