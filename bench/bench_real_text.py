"""What the data stage does to real posts: anonymiser replacements and filter removals, plus an audit sample.

Usage::

    python bench/bench_real_text.py ../shared/data/real-posts/xinli001_questions.jsonl \\
        [--sample-out results/bench_real_text/sample.tsv] [--sample 200] [--seed 15] [--json FILE]
    python bench/bench_real_text.py /tmp/kdconv_*.json --format json --field messages.message [--unit text]

CORPUS is one or more files read in place: nothing from them is written into the repository. With the default
``--format posts`` each is a JSONL file of real questions (``title`` and ``content`` or ``description``;
answers, if a row has an ``answers`` list of strings, are anonymised with the post). Other corpora (chat
transcripts, Weibo posts, reviews) take ``--format json|jsonl|csv|tsv|lines`` and ``--field``, the dotted path
of the text in a record (a list on the path gives several texts: ``messages.message`` is every utterance of a
dialogue); ``--group FIELD`` joins consecutive rows with the same value into one record (a dialogue split over
CSV rows); ``lines`` makes each line a record of its tab-separated cells; ``--unsegment`` removes the spaces
that word-segmented corpora put between Chinese words. A record (post, dialogue) is anonymised as one post
(``find_pii_post``: a name found in one text is replaced everywhere in it); ``--unit text`` makes every text its
own record. Identical records are counted once. Prints:

- records changed by ``anonymize_post`` (share with at least one replacement), and texts changed, and
  replacements by kind, and the anonymiser's throughput (characters per second on one core, CPU time);
- for ``posts``: removals by reason from ``workflow_scripts.data.clean.filter_question`` (spam and off-topic
  filters with the settings and lexicons of ``--config``); the empty-question check is inline in the clean
  worker and not counted here;
- a seeded random sample of ``--sample`` replacements, each with ``--context`` characters either side,
  written to ``--sample-out`` (default under ``results/``, which git ignores) for a hand audit: one line per
  replacement, ``n<TAB>kind<TAB>left【value】right<TAB>verdict``; fill in the verdict column (``y`` true PII,
  ``n`` not) and pass the file back with ``--audited FILE`` to print precision by kind.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import sys
import time
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workflow_scripts.data import clean  # noqa: E402
from workflow_scripts.data.anonymize import anonymize_post, find_pii_post  # noqa: E402


def read_posts(path: Path) -> list[dict]:
    """Rows of a JSONL corpus of questions with ``title``, ``description`` and ``answers`` (strings)."""
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


def _records(path: Path, fmt: str) -> list:
    """The records of one file: JSON list items, JSONL lines, CSV/TSV rows (header first) or tab-split lines."""
    text = path.read_text(encoding="utf-8-sig")
    if fmt == "json":
        return json.loads(text)
    if fmt == "jsonl":  # one record a "\n" line: a string may hold U+2028 or U+0085, which splitlines() cuts at
        return [json.loads(line) for line in text.split("\n") if line.strip()]
    if fmt in ("csv", "tsv"):
        return list(csv.DictReader(text.splitlines(), delimiter="," if fmt == "csv" else "\t"))
    return [line.split("\t") for line in text.splitlines() if line.strip()]


def _texts(value: object, path: list[str]) -> list[str]:
    """The strings at a dotted path of a record; lists on the way are walked item by item."""
    if isinstance(value, list):
        return [t for v in value for t in _texts(v, path)]
    if path:
        return _texts(value.get(path[0]), path[1:]) if isinstance(value, dict) else []
    return [value] if isinstance(value, str) and value.strip() else []


_SEGMENT_SPACE = re.compile(r"(?<=[\u4e00-\u9fff，。！？、；：]) +| +(?=[\u4e00-\u9fff，。！？、；：])")


def read_texts(paths: list[Path], fmt: str, field: str, group: str | None, unsegment: bool) -> list[list[str]]:
    """Records of texts from chat, Weibo or review corpora (see the module docstring)."""
    out: list[list[str]] = []
    for path in paths:
        last = object()
        for rec in _records(path, fmt):
            if fmt == "lines":
                texts = [c for c in rec if c.strip() and not c.strip().isdigit()]
            else:
                texts = _texts(rec, field.split("."))
            if unsegment:
                texts = [_SEGMENT_SPACE.sub("", t) for t in texts]
            key = rec.get(group) if group and isinstance(rec, dict) else object()
            if out and key == last:
                out[-1] += texts
            elif texts:
                out.append(texts)
            last = key
    return out


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
    parser.add_argument("corpus", type=Path, nargs="+", help="corpus files (read in place)")
    parser.add_argument("--format", choices=["posts", "json", "jsonl", "csv", "tsv", "lines"], default="posts")
    parser.add_argument("--field", default="content", help="dotted path of the text in a record (not for posts)")
    parser.add_argument("--group", help="join consecutive rows with the same value of this field into one record")
    parser.add_argument("--unit", choices=["record", "text"], default="record", help="what counts as one text")
    parser.add_argument("--unsegment", action="store_true", help="remove spaces between Chinese words")
    parser.add_argument("--config", type=Path, default=ROOT / "config/config.yaml")
    parser.add_argument("--sample-out", type=Path, default=ROOT / "results/bench_real_text/sample.tsv")
    parser.add_argument("--sample", type=int, default=200, help="replacements in the audit sample")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--context", type=int, default=15, help="characters of context either side")
    parser.add_argument("--audited", type=Path, help="a sample file with verdicts: print precision by kind")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)

    removals: Counter[str] = Counter()
    if args.format == "posts":
        posts = [p for path in args.corpus for p in read_posts(path)]
        units = [[p["title"], p["description"], *p["answers"]] for p in posts]
        settings, lexicons = filters(args.config)
        for post in posts:
            reason, _evidence = clean.filter_question(post["title"], post["description"], [], settings, lexicons)
            if reason:
                removals[reason] += 1
    else:
        units = read_texts(args.corpus, args.format, args.field, args.group, args.unsegment)
    if args.unit == "text":
        units = [[t] for u in units for t in u]
    units = list({tuple(u): list(u) for u in units}.values())

    by_kind: Counter[str] = Counter()
    replacements: list[tuple[str, str]] = []
    changed = texts_changed = 0
    for texts in units:
        spans = find_pii_post(texts)
        changed += any(spans)
        texts_changed += sum(map(bool, spans))
        for text, sp in zip(texts, spans, strict=True):
            for s, e, kind in sp:
                by_kind[kind] += 1
                left = text[max(0, s - args.context) : s].replace("\n", " ")
                right = text[e : e + args.context].replace("\n", " ")
                replacements.append((kind, f"{left}【{text[s:e]}】{right}"))

    n_texts = sum(map(len, units))
    n_chars = sum(len(t) for u in units for t in u)
    t0 = time.process_time()
    for texts in units:
        anonymize_post(texts[0], texts[1] if len(texts) > 1 else "", texts[2:])
    cpu = time.process_time() - t0

    name = ", ".join(p.name for p in args.corpus[:3]) + (f" (+{len(args.corpus) - 3})" if len(args.corpus) > 3 else "")
    print(f"== {name}: {len(units)} distinct records ({args.unit}), {n_texts} texts, {n_chars} chars")
    print(f"records changed   {changed / len(units):.2%}  ({changed}/{len(units)})")
    print(f"texts changed     {texts_changed / n_texts:.2%}  ({texts_changed}/{n_texts})")
    print(f"replacements      {sum(by_kind.values())}: " + ", ".join(f"{k} {v}" for k, v in by_kind.most_common()))
    if args.format == "posts":
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
        "records": len(units),
        "records_changed": changed,
        "texts": n_texts,
        "texts_changed": texts_changed,
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
