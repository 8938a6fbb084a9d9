"""What the data stage does to real posts: anonymiser replacements and filter removals, plus an audit sample.

Usage::

    python bench/bench_real_text.py ../shared/data/real-posts/xinli001_questions.jsonl \\
        [--sample-out results/bench_real_text/sample.tsv] [--sample 200] [--seed 15] [--json FILE]

CORPUS is a JSONL file of real questions (``title`` and ``content`` or ``description``; answers, if a row
has an ``answers`` list of strings, are anonymised with the post). It stays where it is: nothing from it is
written into the repository. Prints:

- posts changed by ``anonymize_post`` (share of posts with at least one replacement) and replacements by
  kind, and the anonymiser's throughput (characters per second on one core, CPU time);
- removals by reason from ``workflow_scripts.data.clean.filter_question`` (spam and off-topic filters with
  the settings and lexicons of ``--config``); the empty-question check is inline in the clean worker and not
  counted here;
- a seeded random sample of ``--sample`` replacements, each with ``--context`` characters either side,
  written to ``--sample-out`` (default under ``results/``, which git ignores) for a hand audit: one line per
  replacement, ``n<TAB>kind<TAB>left【value】right<TAB>verdict``; fill in the verdict column (``y`` true PII,
  ``n`` not) and pass the file back with ``--audited FILE`` to print precision by kind.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workflow_scripts.data import clean  # noqa: E402
from workflow_scripts.data.anonymize import anonymize_post, find_pii_post  # noqa: E402


def read_corpus(path: Path) -> list[dict]:
    """Rows of the corpus with ``title``, ``description`` and ``answers`` (strings)."""
    rows = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                row = json.loads(line)
                answers = [a if isinstance(a, str) else a.get("text", "") for a in row.get("answers") or []]
                desc = row.get("content", row.get("description")) or ""
                rows.append({"id": row.get("id", len(rows)), "title": row.get("title") or "", "description": desc,
                             "answers": answers})  # fmt: skip
    return rows


def filters(config: Path) -> tuple[clean.CleanSettings, clean.Lexicons]:
    """The clean stage's settings and lexicons from a config file."""
    cfg = yaml.safe_load(config.read_text(encoding="utf-8"))
    settings = clean.CleanSettings.from_params({"clean": cfg["clean"], "seed": cfg.get("seed", 1)})
    lexicons = clean.Lexicons.load({k: ROOT / v for k, v in cfg["clean"]["lexicons"].items()})
    return settings, lexicons


def audited_precision(path: Path) -> dict[str, tuple[int, int]]:
    """(true PII, judged) per kind from a sample file whose verdict column was filled in (y/n)."""
    out: dict[str, list[int]] = {}
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:
        parts = line.split("\t")
        if len(parts) >= 4 and parts[3].strip() in ("y", "n"):
            tp_n = out.setdefault(parts[1], [0, 0])
            tp_n[0] += parts[3].strip() == "y"
            tp_n[1] += 1
    return {k: (v[0], v[1]) for k, v in sorted(out.items())}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", type=Path, help="JSONL of real posts (read in place)")
    parser.add_argument("--config", type=Path, default=ROOT / "config/config.yaml")
    parser.add_argument("--sample-out", type=Path, default=ROOT / "results/bench_real_text/sample.tsv")
    parser.add_argument("--sample", type=int, default=200, help="replacements in the audit sample")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--context", type=int, default=15, help="characters of context either side")
    parser.add_argument("--audited", type=Path, help="a sample file with verdicts: print precision by kind")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)

    posts = read_corpus(args.corpus)
    settings, lexicons = filters(args.config)
    by_kind: Counter[str] = Counter()
    removals: Counter[str] = Counter()
    replacements: list[tuple[str, str]] = []
    changed = 0
    for post in posts:
        texts = [post["title"], post["description"], *post["answers"]]
        spans = find_pii_post(texts)
        changed += any(spans)
        for text, sp in zip(texts, spans, strict=True):
            for s, e, kind in sp:
                by_kind[kind] += 1
                left = text[max(0, s - args.context) : s].replace("\n", " ")
                right = text[e : e + args.context].replace("\n", " ")
                replacements.append((kind, f"{left}【{text[s:e]}】{right}"))
        reason, _evidence = clean.filter_question(post["title"], post["description"], [], settings, lexicons)
        if reason:
            removals[reason] += 1

    n_chars = sum(len(p["title"]) + len(p["description"]) + sum(map(len, p["answers"])) for p in posts)
    t0 = time.process_time()
    for post in posts:
        anonymize_post(post["title"], post["description"], post["answers"])
    cpu = time.process_time() - t0

    print(f"== {args.corpus.name}: {len(posts)} posts, {n_chars} chars")
    print(f"posts changed     {changed / len(posts):.2%}  ({changed}/{len(posts)})")
    print(f"replacements      {sum(by_kind.values())}: " + ", ".join(f"{k} {v}" for k, v in by_kind.most_common()))
    print("removals          " + (", ".join(f"{k} {v}" for k, v in removals.most_common()) or "none")
          + f"  (clean.filter_question, {args.config.name}; empty questions not counted)")  # fmt: skip
    print(f"throughput        {n_chars / cpu / 1e6:.2f} M chars/s (anonymize_post, one core, CPU time)")

    rng = random.Random(args.seed)
    sample = rng.sample(replacements, min(args.sample, len(replacements)))
    args.sample_out.parent.mkdir(parents=True, exist_ok=True)
    lines = ["n\tkind\tcontext\tverdict"] + [f"{i}\t{k}\t{c}\t" for i, (k, c) in enumerate(sample, 1)]
    args.sample_out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"audit sample      {len(sample)} replacements (seed {args.seed}) -> {args.sample_out}")

    figures = {
        "posts": len(posts),
        "posts_changed": changed,
        "replacements_by_kind": dict(by_kind),
        "removals_by_reason": dict(removals),
        "chars_per_s": n_chars / cpu if cpu else None,
    }
    if args.audited:
        precision = audited_precision(args.audited)
        tp = sum(v[0] for v in precision.values())
        n = sum(v[1] for v in precision.values())
        print(
            f"audited precision {tp / n:.3f} ({tp}/{n}): "
            + ", ".join(f"{k} {a}/{b}" for k, (a, b) in precision.items())
        )
        figures["audited_precision"] = {k: list(v) for k, v in precision.items()}
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
