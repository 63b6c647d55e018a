"""Entry point: ``justice-desk`` and ``python -m justice_desk``."""

from __future__ import annotations

import sys


def main() -> int:
    from justice_desk.cli.main import main as cli_main

    return cli_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
