"""PII anonymisation of Chinese counselling posts: the public API of ``workflow_scripts.data.pii`` and a CLI.

clean.py, bench/ and tests import from here; the detector itself (recognisers, analyzer, anonymizer) lives in
the ``pii`` package.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from workflow_scripts.data.pii import (
    KINDS,
    LABELS,
    Span,
    anonymize_post,
    anonymize_text,
    find_pii,
    find_pii_post,
    normalize_width,
)

__all__ = [
    "KINDS",
    "LABELS",
    "Span",
    "anonymize_post",
    "anonymize_text",
    "find_pii",
    "find_pii_post",
    "normalize_width",
]


def main(argv: Sequence[str] | None = None) -> None:
    """Anonymise text from a file or stdin and print it (a manual check, not a pipeline step)."""
    from workflow_scripts.common.cli import step_parser

    parser = step_parser("Replace PII in Chinese text with placeholders (manual check; clean calls the API).")
    parser.add_argument("path", nargs="?", help="text file (default: stdin)")
    parser.add_argument("--spans", action="store_true", help="print the detected spans instead")
    args = parser.parse_args(argv)
    text = Path(args.path).read_text(encoding="utf-8") if args.path else sys.stdin.read()
    if args.spans:
        for s, e, kind in find_pii(text):
            print(f"{s}\t{e}\t{kind}\t{text[s:e]}")
    else:
        print(anonymize_text(text), end="")


if __name__ == "__main__":
    from workflow_scripts.common.cli import run_main

    run_main(main)
