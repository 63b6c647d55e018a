"""Entry point: ``justice-desk`` and ``python -m justice_desk``."""

from __future__ import annotations

import sys


def _run_gui(db: str | None) -> int:
    from justice_desk.app import run_gui

    return run_gui(db)


def main() -> int:
    from justice_desk.cli.main import main as cli_main

    return cli_main(sys.argv[1:], run_gui=_run_gui)


if __name__ == "__main__":
    sys.exit(main())
