"""The command-line shape every step shares: ``--params`` JSON, ``--rule``, clean errors.

Rules call ``python -m workflow_scripts.<step> ... --params {params.settings:q} --rule {rule}``;
``params.settings`` is the JSON of exactly the config subtree the step reads.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence

from workflow_scripts.common.io import InputError


def _json_object(text: str) -> dict:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as err:
        raise argparse.ArgumentTypeError(f"--params is not valid JSON: {err}") from err
    if not isinstance(value, dict):
        raise argparse.ArgumentTypeError("--params must be a JSON object")
    return value


def step_parser(description: str) -> argparse.ArgumentParser:
    """An argument parser with the options common to every step."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--params", type=_json_object, default={}, help="JSON of the config subtree this step reads")
    parser.add_argument("--rule", default="manual", help="rule name recorded in provenance")
    return parser


def configure_logging(verbose: bool = False) -> None:
    """Log to stderr (the rule redirects it to its log file) with timestamps."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
        force=True,
    )


def run_main(main: Callable[[Sequence[str] | None], None], argv: Sequence[str] | None = None) -> None:
    """Run a step's ``main``; bad input exits 2 with one readable line instead of a traceback."""
    configure_logging()
    try:
        main(argv)
    except InputError as err:
        logging.getLogger("workflow_scripts").error("%s", err)
        print(f"error: {err}", file=sys.stderr)
        sys.exit(2)
