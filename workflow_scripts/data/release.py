"""Release stage: the splits and the approved CoE chains as a documented, audited Empathy-QA-style dataset.

Reads ``results/splits/{train,val,test}.parquet`` and the run's own reports (``results/clean/report.json``,
``results/labeled/report.json``, ``results/splits/report.json``, ``results/raw/{source}/crawl_stats.json``),
``results/distill/approved.jsonl`` and, per source, a PII ground truth; writes ``results/release/empathy_qa/``:

- ``posts/{train,val,test}.parquet`` and ``chains/train.parquet`` (the approved chains with the decision);
- ``README.md``: a Hugging Face dataset card (YAML header with licence, language, task categories, size
  category, configs and splits) holding a table of every figure with the report file and key it comes from;
- ``DATASHEET.md``: the Gebru et al. sections, written from those figures (no number is typed by hand);
- ``croissant.json``: Croissant 1.1 metadata, validated with mlcroissant before the release is moved into place;
- ``audit.json``: the gate's checks and the anonymisation figures measured on the release itself;
- ``SHA256SUMS``: the sha256 of every other file (``sha256sum -c SHA256SUMS``).

The gate, and why: a release publishes people's help-seeking posts, so it is refused, with every reason at once,
unless (1) the config states the licence, each source site's terms and a contact for takedown requests; (2) the
anonymisation figures meet ``release.anonymisation``: recall of the PII planted or hand-marked in a ground truth
(every released source needs one) and the share of non-PII values kept, both measured on the release's own text;
(3) a re-scan of every text cell of the release with the anonymiser (``find_pii_post``) finds nothing outside
placeholders. Everything is built in a hidden sibling directory and renamed into place only when all checks pass:
a refused release writes nothing. Source ids, URLs and reviewer names never ship in clear: ids become salted
sha256 pseudonyms, URLs and reviewer names are hashed the same way or dropped (``release.source_links``,
``release.reviewer_names``); answer authors are already dropped by the clean stage.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
import os
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from workflow_scripts import coe
from workflow_scripts.common.cli import run_main, step_parser
from workflow_scripts.common.io import InputError, read_json, read_jsonl, read_parquet, write_json
from workflow_scripts.common.provenance import code_version, recorded_step, sha256_path
from workflow_scripts.data.anonymize import find_pii_post
from workflow_scripts.distill.review import AUTO_REVIEWER

logger = logging.getLogger(__name__)

SPLITS = ("train", "val", "test")
SPLIT_REQUIRED = (
    "qid",
    "source",
    "url",
    "title",
    "description",
    "answers",
    "topic_id",
    "topic",
    "subtopic_id",
    "subtopic",
    "label_source",
)
# The anonymiser's placeholders: a label and a number in brackets ([电话1], [姓名2]).
PLACEHOLDER = re.compile(r"\[([^\[\]\s\d]{1,8})(\d+)\]")
LANGUAGE = ["zh"]
TASK_CATEGORIES = ["question-answering", "text-generation"]
SIZE_CATEGORIES = ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M"))
ID_CHARS = 16  # hex characters of a row id (64 bits)

POST_COLUMNS: dict[str, tuple[pa.DataType, str]] = {
    "id": (pa.string(), "Row id: salted sha256 pseudonym of the source post id (the same id in chains)."),
    "question": (pa.string(), "Question title, anonymised (PII replaced by placeholders such as [电话1])."),
    "description": (pa.string(), "Question body, anonymised."),
    "answers": (pa.list_(pa.string()), "Community answers kept by the clean stage, anonymised, in page order."),
    "topic_id": (pa.string(), "Topic id in the workflow's taxonomy (T01-T29)."),
    "topic": (pa.string(), "Topic name."),
    "subtopic_id": (pa.string(), "Subtopic id (T01.01-...)."),
    "subtopic": (pa.string(), "Subtopic name."),
    "label_source": (
        pa.string(),
        "How the topic was assigned: site_tag (the site's own tag), classifier (keywords), llm, or llm_failed "
        "(the LLM gave no valid ids; the keyword label is kept).",
    ),
    "source": (pa.string(), "Source site (a name under crawl.sources)."),
    "url_sha256": (pa.string(), "Salted sha256 of the source URL (present when release.source_links is hash)."),
}
CHAIN_COLUMNS: dict[str, tuple[pa.DataType, str]] = {
    "id": (pa.string(), "Id of the post the chain answers (posts.id)."),
    "topic_id": (pa.string(), "Topic id of the post."),
    "question": (pa.string(), "Question title, anonymised."),
    "description": (pa.string(), "Question body, anonymised."),
    "reference_answer": (pa.string(), "The human answer the chain was distilled with, anonymised."),
    **{lvl: (pa.string(), f"Chain-of-Empathy level {lvl}: {name}.") for lvl, name in coe.LEVEL_NAMES.items()},
    "final_answer": (pa.string(), "The answer that follows the chain."),
    "completion": (pa.string(), "The SFT target: the chain and the answer in the CoE tag format."),
    "decision": (pa.string(), "The reviewer's decision: approve, or edit (the reviewer's corrected chain)."),
    "reviewed_by": (pa.string(), "auto (approved without a human, review.mode auto) or human."),
    "reviewer_sha256": (pa.string(), "Salted sha256 of the human reviewer's name (release.reviewer_names hash)."),
    "reviewed_at": (pa.string(), "Time of the human decision (ISO 8601); empty for auto approval."),
    "teacher": (pa.string(), "The teacher that wrote the chain."),
}
# Free text that comes from posts, answers and chains: what the residual-PII re-scan reads.
SCANNED = {
    "posts": ("question", "description", "answers"),
    "chains": ("question", "description", "reference_answer", *coe.LEVELS, "final_answer", "completion"),
}


class ReleaseRefused(InputError):
    """The gate refused the release; the message lists every missing statement or failed check."""


@dataclasses.dataclass(frozen=True)
class ReleaseSettings:
    """The ``release`` config section."""

    pretty_name: str
    version: str
    date_published: str | None
    license: str | None
    source_terms: dict[str, str | None]
    contact: str | None
    citation: str | None
    source_links: str
    reviewer_names: str
    hash_salt: str
    ground_truth: dict[str, str]
    min_pii_recall: float
    min_keep_preserved: float | None

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> ReleaseSettings:
        try:
            rel, anon = params["release"], params["release"]["anonymisation"]
            return cls(
                pretty_name=str(rel["pretty_name"]),
                version=str(rel["version"]),
                date_published=rel["date_published"],
                license=rel["license"],
                source_terms=dict(rel["source_terms"] or {}),
                contact=rel["contact"],
                citation=rel["citation"],
                source_links=str(rel["source_links"]),
                reviewer_names=str(rel["reviewer_names"]),
                hash_salt=rel["hash_salt"] or "",
                ground_truth=dict(anon["ground_truth"] or {}),
                min_pii_recall=float(anon["min_pii_recall"]),
                min_keep_preserved=None if anon["min_keep_preserved"] is None else float(anon["min_keep_preserved"]),
            )
        except (KeyError, TypeError) as err:
            raise InputError(f"--params lacks release setting {err}; pass settings('release')") from err


def pseudonym(salt: str, value: str, chars: int = 64) -> str:
    """Salted sha256 of a value. Hides the value from a reader; anyone with the salt can test a guess (takedown)."""
    return hashlib.sha256(f"{salt}\0{value}".encode()).hexdigest()[:chars]


def _strings(value: Any) -> list[str]:
    """The strings of a cell: a string, or the strings of a list/array cell."""
    if isinstance(value, str):
        return [value]
    if value is None or isinstance(value, float):
        return []
    return [v for v in value if isinstance(v, str)]


# --------------------------------------------------------------------------- tables


def post_table(frame: pd.DataFrame, settings: ReleaseSettings) -> pa.Table:
    """Release rows of one split, in split order: pseudonymous id, anonymised text, labels, source."""
    columns = [c for c in POST_COLUMNS if c != "url_sha256" or settings.source_links == "hash"]
    data = {
        "id": [pseudonym(settings.hash_salt, q, ID_CHARS) for q in frame["qid"]],
        "question": frame["title"].tolist(),
        "description": frame["description"].tolist(),
        "answers": [_strings(a) for a in frame["answers"]],
        **{c: frame[c].tolist() for c in ("topic_id", "topic", "subtopic_id", "subtopic", "label_source", "source")},
        "url_sha256": [pseudonym(settings.hash_salt, u) for u in frame["url"]],
    }
    return pa.table({c: pa.array(data[c], POST_COLUMNS[c][0]) for c in columns})


def chain_table(chains: Sequence[dict[str, Any]], settings: ReleaseSettings) -> pa.Table:
    """Release rows of the approved chains, in approved.jsonl order."""
    columns = [c for c in CHAIN_COLUMNS if c != "reviewer_sha256" or settings.reviewer_names == "hash"]
    rows = []
    for chain in chains:
        human = chain["reviewer"] != AUTO_REVIEWER
        rows.append(
            {
                "id": pseudonym(settings.hash_salt, chain["qid"], ID_CHARS),
                "topic_id": chain.get("topic_id"),
                "question": chain["title"],
                "description": chain["description"],
                "reference_answer": chain["answer"],
                **{lvl: chain["levels"][lvl] for lvl in coe.LEVELS},
                "final_answer": chain["final_answer"],
                "completion": chain["completion"],
                "decision": chain["decision"],
                "reviewed_by": "human" if human else AUTO_REVIEWER,
                "reviewer_sha256": pseudonym(settings.hash_salt, chain["reviewer"]) if human else None,
                "reviewed_at": chain.get("reviewed_at"),
                "teacher": chain.get("teacher"),
            }
        )
    return pa.table({c: pa.array([r[c] for r in rows], CHAIN_COLUMNS[c][0]) for c in columns})


# --------------------------------------------------------------------------- the gate


def policy_problems(settings: ReleaseSettings, sources: Iterable[str]) -> list[str]:
    """What the config must state before anything is published: licence, each source's terms, a contact, a salt."""
    problems = []
    if not (settings.license or "").strip():
        problems.append("release.license is not set: state the licence the data is released under (e.g. cc-by-nc-4.0)")
    for source in sorted(set(sources)):
        if not (settings.source_terms.get(source) or "").strip():
            problems.append(
                f"release.source_terms.{source} is not set: read the site's terms of use and state what they allow "
                "(redistribution, research use) and where they are published"
            )
    if not (settings.contact or "").strip():
        problems.append("release.contact is not set: name who answers questions and takedown requests")
    if not settings.hash_salt:
        problems.append("release.hash_salt is not set: choose a private salt for the row ids and hashes")
    return problems


def ground_truth_audit(frames: dict[str, pd.DataFrame], truth: dict[str, str | Path]) -> dict[str, Any]:
    """Planted (or hand-marked) PII and keep values of released posts, and whether each survives in the release.

    A ground-truth row (JSONL) is ``post_id`` with ``pii`` and optionally ``keep`` spans ``{text, kind}`` (and
    ``simplified``, the value before Traditional-script conversion); spans in answers the row marks as short or
    spam (``short_answer_indices``, ``spam_answer_indices``) are skipped, as the clean stage drops those answers.
    A PII value *leaks* if it occurs verbatim in its post's released text (question, description, answers); a
    keep value is *lost* if it no longer occurs there. Only posts in the release count.
    """
    released = {
        qid: "\n".join([title or "", description or "", *_strings(answers)])
        for frame in frames.values()
        for qid, title, description, answers in zip(
            frame["qid"], frame["title"], frame["description"], frame["answers"], strict=True
        )
    }
    planted = {"pii": Counter(), "keep": Counter()}
    missing = {"pii": Counter(), "keep": Counter()}
    posts = 0
    for source, path in sorted(truth.items()):
        for row in read_jsonl(path):
            text = released.get(f"{source}-{row['post_id']}")
            if text is None:
                continue
            posts += 1
            dropped = set(row.get("short_answer_indices") or ()) | set(row.get("spam_answer_indices") or ())
            for category in ("pii", "keep"):
                for span in row.get(category) or ():
                    if span.get("field") == "answer" and span.get("answer_index") in dropped:
                        continue
                    planted[category][span["kind"]] += 1
                    if any(form and form in text for form in {span["text"], span.get("simplified")}) == (
                        category == "pii"
                    ):
                        missing[category][span["kind"]] += 1

    def share(category: str) -> float | None:
        total = sum(planted[category].values())
        return round(1 - sum(missing[category].values()) / total, 4) if total else None

    return {
        "ground_truth": {source: str(path) for source, path in sorted(truth.items())},
        "posts_audited": posts,
        "pii_spans": sum(planted["pii"].values()),
        "pii_leaked": sum(missing["pii"].values()),
        "pii_recall": share("pii"),
        "pii_by_kind": {k: {"spans": n, "leaked": missing["pii"][k]} for k, n in sorted(planted["pii"].items())},
        "keep_spans": sum(planted["keep"].values()),
        "keep_lost": sum(missing["keep"].values()),
        "keep_preserved": share("keep"),
    }


def anonymisation_problems(audit: dict[str, Any], settings: ReleaseSettings, sources: Iterable[str]) -> list[str]:
    """The configured thresholds against the ground-truth figures; a released source without ground truth fails."""
    problems = []
    unaudited = sorted(set(sources) - set(settings.ground_truth))
    if unaudited:
        problems.append(
            f"no PII ground truth for source(s) {', '.join(unaudited)}: hand-mark the PII of a sample of its posts "
            "in a JSONL (post_id, pii: [{text, kind}]) and name it under release.anonymisation.ground_truth"
        )
    if not audit["ground_truth"]:
        return problems
    recall, keep = audit["pii_recall"], audit["keep_preserved"]
    if recall is None:
        problems.append("the PII ground truth has no span in a released post: PII recall cannot be measured")
    elif recall < settings.min_pii_recall:
        leaked = {k: v["leaked"] for k, v in audit["pii_by_kind"].items() if v["leaked"]}
        problems.append(
            f"PII recall on the ground truth is {recall}, below release.anonymisation.min_pii_recall "
            f"{settings.min_pii_recall}: {audit['pii_leaked']} of {audit['pii_spans']} PII values survive in the "
            f"release, by kind {leaked}"
        )
    if settings.min_keep_preserved is not None:
        if keep is None:
            problems.append("min_keep_preserved is set but the ground truth has no keep span in a released post")
        elif keep < settings.min_keep_preserved:
            problems.append(
                f"{audit['keep_lost']} of {audit['keep_spans']} non-PII values were removed: kept share {keep} is "
                f"below release.anonymisation.min_keep_preserved {settings.min_keep_preserved}"
            )
    return problems


def residual_pii(tables: dict[str, pa.Table]) -> list[dict[str, Any]]:
    """Re-scan the released text with the anonymiser: PII spans that are not a placeholder (file, row, column, kind).

    The texts of one row are scanned together (``find_pii_post``), so a name found in one is looked for in all.
    """
    found = []
    for name, table in sorted(tables.items()):
        columns = [c for c in SCANNED[name.split("/")[0]] if c in table.column_names]
        cells = table.select(columns).to_pylist()
        for row_index, row in enumerate(cells):
            where, texts = [], []
            for column in columns:
                values = _strings(row[column])
                for k, text in enumerate(values):
                    where.append(column if isinstance(row[column], str) else f"{column}[{k}]")
                    texts.append(text)
            for column, text, spans in zip(where, texts, find_pii_post(texts), strict=True):
                found.extend(
                    {"file": f"{name}.parquet", "row": row_index, "column": column, "kind": kind}
                    for start, end, kind in spans
                    if not PLACEHOLDER.fullmatch(text[start:end])
                )
    return found


def placeholder_counts(tables: dict[str, pa.Table]) -> dict[str, int]:
    """Placeholders in the released posts by label (the anonymiser's replacements that ship)."""
    counts: Counter[str] = Counter()
    for name, table in tables.items():
        if name.startswith("posts/"):
            for column in SCANNED["posts"]:
                for cell in table.column(column).to_pylist():
                    counts.update(m.group(1) for text in _strings(cell) for m in PLACEHOLDER.finditer(text))
    return dict(sorted(counts.items()))


# --------------------------------------------------------------------------- figures


@dataclasses.dataclass(frozen=True)
class Figure:
    """A number the documents print, with the file and dotted key it is read from."""

    label: str
    value: Any
    source: str
    key: str


def lookup(report: Any, key: str) -> Any:
    """The value at a dotted key (``totals.posts.in``); KeyError when absent."""
    node = report
    for part in key.split("."):
        node = node[part]
    return node


class Figures:
    """The figures of one release: read from the reports by key, so none is typed by hand."""

    def __init__(self) -> None:
        self.items: list[Figure] = []
        self._by: dict[tuple[str, str], Figure] = {}

    _ABSENT = object()

    @classmethod
    def _read(cls, report: dict[str, Any], source: str, key: str, optional: bool) -> Any:
        """The value at ``key``; ``_ABSENT`` for a missing optional key, InputError for a missing required one."""
        try:
            return lookup(report, key)
        except (KeyError, TypeError):
            if optional:
                return cls._ABSENT
            raise InputError(f"{source}: has no {key!r}; was it written by an older version? rerun upstream") from None

    def add(self, label: str, report: dict[str, Any], source: str, key: str, optional: bool = False) -> None:
        value = self._read(report, source, key, optional)
        if value is not self._ABSENT:
            figure = Figure(label, value, source, key)
            self.items.append(figure)
            self._by[(source, key)] = figure

    def add_each(self, label: str, report: dict[str, Any], source: str, key: str, optional: bool = False) -> None:
        """One figure per entry of the mapping at ``key`` (every removal reason the report lists, ...)."""
        entries = self._read(report, source, key, optional)
        for entry in () if entries is self._ABSENT else entries:
            self.add(f"{label}: {entry}", report, source, f"{key}.{entry}")

    def get(self, source: str, key: str, default: Any = None) -> Any:
        figure = self._by.get((source, key))
        return default if figure is None else figure.value


def collect_figures(reports: dict[str, tuple[str, dict[str, Any]]], crawl: dict[str, tuple[str, dict]]) -> Figures:
    """Figures from the clean, label and split reports, the crawl stats and the release audit (``audit``)."""
    f = Figures()
    src, rep = reports["clean"]
    f.add("posts into the clean stage", rep, src, "totals.posts.in")
    f.add("posts kept by the clean stage", rep, src, "totals.posts.out")
    f.add_each("posts removed", rep, src, "totals.posts.removed")
    f.add("answers into the clean stage", rep, src, "totals.answers.in")
    f.add("answers kept by the clean stage", rep, src, "totals.answers.out")
    f.add_each("answers removed", rep, src, "totals.answers.removed")
    f.add("posts converted to Simplified script", rep, src, "totals.t2s_converted_posts", optional=True)
    f.add("posts changed by the anonymiser", rep, src, "totals.anonymised_posts", optional=True)
    src, rep = reports["label"]
    f.add("posts labelled", rep, src, "posts")
    f.add_each("labels by source", rep, src, "label_source")
    f.add("topics used", rep, src, "topics_used", optional=True)
    f.add("subtopics used", rep, src, "subtopics_used", optional=True)
    f.add("topic accuracy on held-out site tags", rep, src, "tag_holdout.topic_accuracy", optional=True)
    f.add("topic accuracy against the ground truth", rep, src, "ground_truth_accuracy.all.topic_accuracy", True)
    f.add("subtopic accuracy against the ground truth", rep, src, "ground_truth_accuracy.all.subtopic_accuracy", True)
    src, rep = reports["split"]
    f.add_each("questions per split", rep, src, "sizes")
    f.add("near-duplicate groups", rep, src, "groups")
    f.add("groups of more than one question", rep, src, "multi_question_groups")
    f.add("near-duplicate leaks found by the split's leakage check", rep, src, "leakage_check.near_duplicate_leaks")
    f.add_each("topic share of the corpus", rep, src, "corpus_topic_shares")
    for source, (src, rep) in sorted(crawl.items()):
        f.add(f"{source}: question pages fetched", rep, src, "question_pages", optional=True)
        f.add(f"{source}: posts scraped", rep, src, "items", optional=True)
        f.add(f"{source}: pages refused by robots.txt", rep, src, "robots_forbidden", optional=True)
        f.add_each(f"{source}: pages failed", rep, src, "failed", optional=True)
    src, rep = reports["audit"]
    f.add_each("released posts per split", rep, src, "release.posts")
    f.add_each("released answers per split", rep, src, "release.answers")
    f.add("released CoE chains", rep, src, "release.chains")
    f.add_each("chains by decision", rep, src, "release.chain_decisions")
    f.add_each("chains by reviewer", rep, src, "release.chain_reviewed_by")
    for key, label in (
        ("posts_audited", "released posts with PII ground truth"),
        ("pii_spans", "PII values in the ground truth of released posts"),
        ("pii_leaked", "of which found in the release"),
        ("pii_recall", "PII recall on the ground truth"),
        ("keep_spans", "non-PII values (ages, hotlines, ...) in the ground truth"),
        ("keep_lost", "of which removed"),
        ("keep_preserved", "share of non-PII values kept"),
    ):
        f.add(label, rep, src, f"anonymisation.ground_truth.{key}")
    f.add("residual PII spans found by the re-scan", rep, src, "anonymisation.residual_pii")
    f.add_each("placeholders in released posts", rep, src, "anonymisation.placeholders")
    return f


# --------------------------------------------------------------------------- documents


def size_category(n: int) -> str:
    """The Hugging Face size category of ``n`` rows."""
    return next((label for limit, label in SIZE_CATEGORIES if n < limit), "n>1M")


def card_header(settings: ReleaseSettings, n_rows: int, files: dict[str, list[str]]) -> str:
    """The YAML header of the dataset card: licence, language, tasks, size, one config per table with its splits."""
    header = {
        "license": settings.license,
        "language": LANGUAGE,
        "task_categories": TASK_CATEGORIES,
        "size_categories": [size_category(n_rows)],
        "pretty_name": settings.pretty_name,
        "configs": [
            {
                "config_name": config,
                **({"default": True} if config == "posts" else {}),
                "data_files": [{"split": split, "path": f"{config}/{split}.parquet"} for split in splits],
            }
            for config, splits in files.items()
        ],
    }
    return "---\n" + yaml.safe_dump(header, allow_unicode=True, sort_keys=False) + "---\n"


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f} %"


def _md_cell(value: Any) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def render_card(
    settings: ReleaseSettings, figures: Figures, files: dict[str, list[str]], shas: dict[str, str], audit: dict
) -> str:
    """README.md: header, what the data is, how to load it, the files with sha256, and every figure with its source."""
    posts = audit["release"]["posts"]
    n_posts = sum(posts.values())
    lines = [
        card_header(settings, n_posts, files),
        f"# {settings.pretty_name}",
        "",
        f"Version {settings.version}, published {audit['date_published']}. Chinese help-seeking questions from "
        f"counselling Q&A sites with their community answers ({n_posts} posts: "
        + ", ".join(f"{n} {s}" for s, n in posts.items())
        + f"), topic labels, and {audit['release']['chains']} Chain-of-Empathy reasoning chains that passed review. "
        "Built, anonymised and audited by the Empathy-R1 workflow; how, and how well, is in "
        "[DATASHEET.md](DATASHEET.md). Every figure below is read from the run's own reports.",
        "",
        "```python",
        "from datasets import load_dataset",
        'posts = load_dataset("path/to/empathy_qa")  # the configs above: posts (default) and chains',
        'chains = load_dataset("path/to/empathy_qa", "chains")',
        f'posts = load_dataset("parquet", data_files={{s: f"posts/{{s}}.parquet" for s in {list(files["posts"])}}})',
        "```",
        "",
        f"Licence: `{settings.license}`. Source terms: see DATASHEET.md. Contact: {settings.contact}.",
        *([f"Cite as: {settings.citation}"] if settings.citation else []),
        "",
        "## Columns",
        "",
        "| table | column | meaning |",
        "|---|---|---|",
    ]
    for config, spec in (("posts", POST_COLUMNS), ("chains", CHAIN_COLUMNS)):
        lines += [
            f"| {config} | `{c}` | {_md_cell(doc)} |" for c, (_, doc) in spec.items() if c in audit["columns"][config]
        ]
    lines += ["", "## Files", "", "| file | sha256 |", "|---|---|"]
    lines += [f"| `{name}` | `{sha}` |" for name, sha in sorted(shas.items())]
    lines += ["", "## Figures", "", "| figure | value | file | key |", "|---|---|---|---|"]
    lines += [f"| {_md_cell(x.label)} | {_md_cell(x.value)} | {x.source} | `{x.key}` |" for x in figures.items]
    return "\n".join(lines) + "\n"


def render_datasheet(
    settings: ReleaseSettings, figures: Figures, reports: dict[str, tuple[str, dict]], audit: dict[str, Any]
) -> str:
    """DATASHEET.md: the Gebru et al. sections, every number taken from ``figures`` (reports and the audit)."""

    def fig(role: str, key: str) -> Any:
        return figures.get(reports[role][0], key, "n/a")

    def each(role: str, prefix: str) -> list[Figure]:
        src = reports[role][0]
        return [x for x in figures.items if x.source == src and x.key.startswith(prefix + ".")]

    release, gt, code = audit["release"], audit["anonymisation"]["ground_truth"], audit["code"]
    reasons = reports["clean"][1].get("reasons", {})
    topics = {t: v.get("name", t) for t, v in reports["label"][1].get("topics", {}).items()}
    shares = sorted(each("split", "corpus_topic_shares"), key=lambda x: -x.value)
    auto = release["chain_reviewed_by"].get(AUTO_REVIEWER, 0)
    linked = {"hash": "replaced by a salted sha256 (`url_sha256`)", "drop": "dropped"}
    lines = [
        f"# Datasheet: {settings.pretty_name} {settings.version}",
        "",
        'The sections of Gebru et al., "Datasheets for Datasets" (CACM 64(12), 2021). Every number is read from the '
        "run's own reports; README.md lists each with the file and key it comes from. Built by the Empathy-R1 "
        f"workflow at commit `{code['commit']}`" + (" with uncommitted changes" if code["dirty"] else "") + ".",
        "",
        "## Motivation",
        "",
        "For training and evaluating models that write long-form, empathetic answers to Chinese help-seeking posts, "
        "as in the Empathy-R1 paper (Chain-of-Empathy reasoning, SFT then GRPO). The paper's Empathy-QA was not "
        "released; this dataset is rebuilt by a workflow anyone can rerun on the same sources. Questions and takedown "
        f"requests: {settings.contact}. Funding is not recorded by the workflow.",
        "",
        "## Composition",
        "",
        "- Posts: a question title, its description and the community answers kept, with a topic and a subtopic. "
        + ", ".join(f"{s}: {n} posts, {release['answers'][s]} answers" for s, n in release["posts"].items())
        + ".",
        f"- Chains: {release['chains']} Chain-of-Empathy chains (levels L1-L4 and a final answer) for train posts, "
        "by decision "
        + ", ".join(f"{k} {v}" for k, v in release["chain_decisions"].items())
        + "."
        + (f" {auto} were approved automatically (review.mode auto): no person reviewed them." if auto else ""),
        f"- Topics: {fig('label', 'topics_used')} topics and {fig('label', 'subtopics_used')} subtopics used. "
        "Largest shares of the corpus: "
        + ", ".join(
            f"{x.key.rsplit('.', 1)[1]} {topics.get(x.key.rsplit('.', 1)[1], '')} {_pct(x.value)}" for x in shares[:5]
        )
        + ".",
        "- Topic labels by source: "
        + ", ".join(f"{x.label.split(': ')[1]} {x.value}" for x in each("label", "label_source"))
        + f"; topic accuracy on held-out site tags {fig('label', 'tag_holdout.topic_accuracy')}, against a ground "
        f"truth {fig('label', 'ground_truth_accuracy.all.topic_accuracy')} (n/a where there is none).",
        f"- Near-duplicate questions form {fig('split', 'groups')} groups ({fig('split', 'multi_question_groups')} "
        "with more than one question); a group never straddles splits, and the split's leakage check found "
        f"{fig('split', 'leakage_check.near_duplicate_leaks')} near-duplicate leaks.",
        "- Sensitive content: the posts are personal disclosures about mental health (distress, relationships, and "
        "possibly self-harm or suicide). Identifiers are replaced by placeholders (below); the disclosures remain.",
        "- Not released: answer authors, votes, dates, site tags, raw ids and (unless hashed) URLs.",
        "",
        "## Collection process",
        "",
        f"Posts were fetched between {release['fetched_from']} and {release['fetched_to']} by the workflow's Scrapy "
        "spider (robots.txt obeyed, AutoThrottle, retries). Authors were not contacted; the posts were public on the "
        "sites when fetched. Per source, the terms as stated by whoever built this release, and the crawl's figures:",
        "",
    ]
    for source in release["sources"]:
        crawl = [x for x in figures.items if x.label.startswith(f"{source}: ")]
        lines.append(
            f"- **{source}**: {settings.source_terms.get(source)} "
            + "; ".join(f"{x.label.split(': ', 1)[1]} {x.value}" for x in crawl)
        )
    lines += [
        "",
        "## Preprocessing",
        "",
        f"Script: {fig('clean', 'totals.t2s_converted_posts')} posts were converted from Traditional to Simplified "
        f"Chinese (OpenCC t2s). Filters: of {fig('clean', 'totals.posts.in')} posts "
        f"{fig('clean', 'totals.posts.out')} were kept, of {fig('clean', 'totals.answers.in')} answers "
        f"{fig('clean', 'totals.answers.out')}.",
        "",
        "| removed (first reason that applied) | count | rule |",
        "|---|---|---|",
        *(
            f"| {x.key.rsplit('.', 1)[1]} | {x.value} | {_md_cell(reasons.get(x.key.rsplit('.', 1)[1], ''))} |"
            for x in [*each("clean", "totals.posts.removed"), *each("clean", "totals.answers.removed")]
        ),
        "",
        "Topics and subtopics come from the site's tags where they map to the taxonomy, otherwise from a keyword and "
        "naive Bayes classifier or, with label.method llm, a chat model (`label_source`). Splits are seeded and "
        "topic-stratified: "
        + ", ".join(f"{x.key.rsplit('.', 1)[1]} {x.value}" for x in each("split", "sizes"))
        + " questions.",
        "",
        "## Cleaning and anonymisation",
        "",
        f"The clean stage's anonymiser changed {fig('clean', 'totals.anonymised_posts')} posts, "
        "replacing personal identifiers by numbered placeholders of their kind; the released posts hold "
        + ", ".join(f"{x.key.rsplit('.', 1)[1]} {x.value}" for x in each("audit", "anonymisation.placeholders"))
        + ".",
        "",
        f"Audit against a PII ground truth ({', '.join(f'{s}: `{p}`' for s, p in gt['ground_truth'].items())}), on "
        f"the released text: {gt['posts_audited']} released posts have one; {gt['pii_leaked']} of {gt['pii_spans']} "
        f"PII values occur verbatim in the release (recall {gt['pii_recall']}, required "
        f"{settings.min_pii_recall}), and {gt['keep_lost']} of {gt['keep_spans']} values that must stay (ages, "
        f"hotlines, famous names, ...) were removed (kept share {gt['keep_preserved']}, required "
        f"{settings.min_keep_preserved}).",
        "",
        "| PII kind | values | found in the release |",
        "|---|---|---|",
        *(f"| {kind} | {v['spans']} | {v['leaked']} |" for kind, v in gt["pii_by_kind"].items()),
        "",
        "A re-scan of every text cell of the release with the anonymiser found "
        f"{audit['anonymisation']['residual_pii']} PII spans outside placeholders (the release is refused otherwise). "
        "Row ids are salted sha256 pseudonyms of the source post ids; source URLs are "
        f"{linked[settings.source_links]}; human reviewers' names are "
        f"{linked[settings.reviewer_names].replace('url_sha256', 'reviewer_sha256')}.",
        "",
        "Limits: the anonymiser is rule-based and the recall holds for the ground truth named above only; a demo "
        "ground truth is written by the same project whose anonymiser it tests, so it is optimistic. Real text can "
        "hold PII no rule anticipates (a nickname, a rare employer, a described event); read before you redistribute. "
        "The re-scan runs the clean stage's own detector, so it catches text that detector did not see (a changed "
        "anonymiser, later edits), not the detector's blind spots: those show in the ground-truth recall only.",
        "",
        "## Uses",
        "",
        "Intended: research on empathetic and supportive response generation; reproducing the Empathy-R1 tables. "
        "Not intended: clinical advice, diagnosis, crisis response, or any attempt to identify or contact the "
        "authors. A model trained on these answers is not a counsellor. Topic shares follow the sources, not the "
        "population (see Composition).",
        "",
        "## Distribution",
        "",
        f"Licence: `{settings.license}`. Parquet files per split (README.md, `configs`), Croissant 1.1 metadata "
        "(croissant.json), the gate's record (audit.json) and the sha256 of every file (`sha256sum -c SHA256SUMS`).",
        "",
        "## Maintenance",
        "",
        f"Version {settings.version}, published {audit['date_published']}; contact {settings.contact}. Takedown "
        f"requests: the maintainers find the row from the post's address, as a row id is the first {ID_CHARS} hex "
        "characters of sha256(salt + NUL + `<source>-<post id>`)"
        + (" and url_sha256 the sha256 of salt + NUL + URL" if settings.source_links == "hash" else "")
        + ". The salt is not published: whoever holds it can link rows to source posts. Rebuild with "
        "`snakemake results/release/empathy_qa`.",
    ]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- Croissant

CROISSANT_VERSION = "http://mlcommons.org/croissant/1.1"
RELEASE_NAME = "empathy_qa"


def croissant_metadata(
    settings: ReleaseSettings, tables: dict[str, pa.Table], shas: dict[str, str], audit: dict[str, Any]
) -> dict[str, Any]:
    """Croissant 1.1 JSON-LD: one FileObject (with sha256) and one RecordSet per Parquet file, plus RAI fields."""
    import mlcroissant as mlc

    ctx = mlc.Context(conforms_to=CROISSANT_VERSION)
    docs = {"posts": POST_COLUMNS, "chains": CHAIN_COLUMNS}
    distribution, record_sets = [], []
    for name, table in tables.items():
        file_id, set_id = f"{name}.parquet", name.replace("/", "_")
        distribution.append(
            mlc.FileObject(
                ctx=ctx,
                id=file_id,
                name=file_id,
                content_url=f"{name}.parquet",
                encoding_formats=["application/x-parquet"],
                sha256=shas[f"{name}.parquet"],
            )
        )
        fields = []
        for column in table.column_names:
            is_list = pa.types.is_list(table.schema.field(column).type)
            fields.append(
                mlc.Field(
                    ctx=ctx,
                    id=f"{set_id}/{column}",
                    name=column,
                    description=docs[name.split("/")[0]][column][1],
                    data_types=[mlc.DataType.TEXT],
                    is_array=True if is_list else None,
                    array_shape="-1" if is_list else None,
                    source=mlc.Source(ctx=ctx, file_object=file_id, extract=mlc.Extract(ctx=ctx, column=column)),
                )
            )
        record_sets.append(
            mlc.RecordSet(
                ctx=ctx,
                id=set_id,
                name=set_id,
                fields=fields,
                description=f"{name.split('/')[1]} split of the {name.split('/')[0]}",
            )
        )
    gt = audit["anonymisation"]["ground_truth"]
    metadata = mlc.Metadata(
        ctx=ctx,
        name=RELEASE_NAME,
        description=f"{settings.pretty_name}: Chinese counselling questions with community answers and reviewed "
        "Chain-of-Empathy chains, built and anonymised by the Empathy-R1 workflow (see DATASHEET.md).",
        license=[settings.license],
        version=settings.version,
        date_published=dt.datetime.fromisoformat(audit["date_published"]),
        cite_as=settings.citation or f"{settings.pretty_name}, version {settings.version}",
        in_language=LANGUAGE,
        keywords=["empathy", "counselling", "mental health", "chain-of-empathy", "chinese"],
        distribution=distribution,
        record_sets=record_sets,
        data_collection="Public posts of the sources named in DATASHEET.md, fetched by the workflow's Scrapy spider "
        "(robots.txt obeyed); authors were not contacted.",
        data_preprocessing_protocol=[
            "OpenCC t2s; ad, spam, off-topic, empty-question and short-answer filters; exact and near-duplicate "
            "removal; topic labels; leakage-free topic-stratified splits (counts in DATASHEET.md)."
        ],
        personal_sensitive_information=[
            "Mental-health disclosures. Personal identifiers are replaced by placeholders; PII recall on the ground "
            f"truth {gt['pii_recall']}; a re-scan found "
            f"{audit['anonymisation']['residual_pii']} residual spans."
        ],
        data_use_cases=["Research on empathetic response generation; not clinical use."],
        data_limitations="Rule-based anonymisation: PII that no rule anticipates can remain.",
        data_release_maintenance_plan=f"Contact {settings.contact}; takedown by row id or hashed URL (DATASHEET.md).",
    )
    return metadata.to_json()


def croissant_problems(path: Path) -> list[str]:
    """mlcroissant's errors and warnings for the metadata file (none: valid)."""
    import mlcroissant as mlc

    try:
        dataset = mlc.Dataset(jsonld=str(path))
    except mlc.ValidationError as err:
        return [f"croissant.json does not validate: {err}"]
    return [f"croissant.json: {warning}" for warning in sorted(dataset.metadata.ctx.issues.warnings)]


# --------------------------------------------------------------------------- step


def refuse(problems: Sequence[str]) -> None:
    """Stop the release with every problem listed."""
    if problems:
        listed = "\n".join(f"  - {p}" for p in problems)
        raise ReleaseRefused(f"release refused, nothing written ({len(problems)} problem(s)):\n{listed}")


def build_release(
    splits: dict[str, str | Path],
    reports: dict[str, str | Path],
    crawl_stats: Sequence[str | Path],
    chains_path: str | Path,
    output: str | Path,
    settings: ReleaseSettings,
) -> dict[str, Any]:
    """Check the gate, build the release in a hidden sibling directory, validate it and move it into place.

    ``reports`` holds the ``clean``, ``label`` and ``split`` report paths; ``crawl_stats`` paths are
    ``.../{source}/crawl_stats.json``. Returns audit.json's content. Raises ReleaseRefused (nothing written).
    """
    output = Path(output)
    frames = {s: read_parquet(splits[s], SPLIT_REQUIRED) for s in SPLITS}
    chains = read_jsonl(chains_path)
    sources = sorted({str(s) for frame in frames.values() for s in frame["source"]})
    problems = policy_problems(settings, sources)
    stray = [c["qid"] for c in chains if c["qid"] not in set(frames["train"]["qid"])]
    if stray:
        problems.append(f"{len(stray)} approved chain(s) answer posts outside the train split (e.g. {stray[0]})")
    truth = {s: p for s, p in settings.ground_truth.items() if s in sources}
    ground_truth = ground_truth_audit(frames, truth)
    problems += anonymisation_problems(ground_truth, settings, sources)
    tables = {f"posts/{s}": post_table(frames[s], settings) for s in SPLITS}
    tables["chains/train"] = chain_table(chains, settings)
    ids = [i for s in SPLITS for i in tables[f"posts/{s}"].column("id").to_pylist()]
    if len(set(ids)) != len(ids):
        problems.append("two posts share a pseudonymous id: change release.hash_salt")
    residual = residual_pii(tables)
    if residual:
        where = Counter(f"{r['file']} {r['column'].split('[')[0]} ({r['kind']})" for r in residual)
        problems.append(
            f"the re-scan found {len(residual)} PII span(s) outside placeholders in the release text: "
            + ", ".join(f"{k}: {n}" for k, n in sorted(where.items()))
            + f"; first at {residual[0]['file']} row {residual[0]['row']} column {residual[0]['column']}"
            " (fix the anonymiser or the data upstream and rerun)"
        )
    refuse(problems)

    fetched = pd.concat([f["fetched_at"] for f in frames.values() if "fetched_at" in f]).dropna()
    audit = {
        "date_published": settings.date_published or dt.datetime.now(dt.UTC).date().isoformat(),
        "code": code_version(),
        "gate": {
            "license": settings.license,
            "source_terms": {s: settings.source_terms[s] for s in sources},
            "contact": settings.contact,
            "thresholds": {
                "min_pii_recall": settings.min_pii_recall,
                "min_keep_preserved": settings.min_keep_preserved,
                "max_residual_pii": 0,
            },
            "passed": True,
        },
        "anonymisation": {
            "ground_truth": ground_truth,
            "residual_pii": len(residual),
            "placeholders": placeholder_counts(tables),
        },
        "release": {
            "sources": sources,
            "posts": {s: tables[f"posts/{s}"].num_rows for s in SPLITS},
            "answers": {s: sum(len(a) for a in frames[s]["answers"]) for s in SPLITS},
            "chains": len(chains),
            "chain_decisions": dict(sorted(Counter(c["decision"] for c in chains).items())),
            "chain_reviewed_by": dict(
                sorted(Counter(tables["chains/train"].column("reviewed_by").to_pylist()).items())
            ),
            "fetched_from": str(fetched.min()) if len(fetched) else None,
            "fetched_to": str(fetched.max()) if len(fetched) else None,
        },
        "columns": {name: tables[f"{name}/train"].column_names for name in ("posts", "chains")},
    }
    loaded = {role: (str(path), read_json(path)) for role, path in reports.items()}
    crawl = {Path(p).parent.name: (str(p), read_json(p)) for p in crawl_stats}
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{output.name}.", dir=output.parent))
    umask = os.umask(0)
    os.umask(umask)
    tmp.chmod(0o777 & ~umask)  # mkdtemp makes 0700; a release is meant to be shared
    try:
        for name, table in tables.items():
            (tmp / name).parent.mkdir(parents=True, exist_ok=True)
            pq.write_table(table, tmp / f"{name}.parquet")
        shas = {f"{name}.parquet": sha256_path(tmp / f"{name}.parquet") for name in tables}
        write_json(tmp / "audit.json", audit)
        figures = collect_figures({**loaded, "audit": ("audit.json", audit)}, crawl)
        write_json(tmp / "croissant.json", croissant_metadata(settings, tables, shas, audit))
        refuse(croissant_problems(tmp / "croissant.json"))
        files = {"posts": list(SPLITS), "chains": ["train"]}
        (tmp / "README.md").write_text(render_card(settings, figures, files, shas, audit), encoding="utf-8")
        docs = {**loaded, "audit": ("audit.json", audit)}
        (tmp / "DATASHEET.md").write_text(render_datasheet(settings, figures, docs, audit), encoding="utf-8")
        write_sha256sums(tmp)
        if output.exists():
            shutil.rmtree(output)
        tmp.rename(output)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
    return audit


def write_sha256sums(folder: Path) -> None:
    """SHA256SUMS in ``sha256sum -c`` format for every file under ``folder`` (itself excluded)."""
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.name != "SHA256SUMS")
    lines = [f"{sha256_path(p)}  {p.relative_to(folder).as_posix()}\n" for p in files]
    (folder / "SHA256SUMS").write_text("".join(lines), encoding="utf-8")


def run_release(
    splits: dict[str, str | Path],
    reports: dict[str, str | Path],
    crawl_stats: Sequence[str | Path],
    chains: str | Path,
    output: str | Path,
    params: dict[str, Any],
    rule: str = "release",
) -> dict[str, Any]:
    """The whole step with provenance (a sidecar next to the release folder, written only when it is built)."""
    settings = ReleaseSettings.from_params(params)
    inputs = [*splits.values(), *reports.values(), *crawl_stats, chains, *settings.ground_truth.values()]
    inputs = [p for p in inputs if os.path.exists(p)]
    with recorded_step(rule, inputs, [output], params) as facts:
        audit = build_release(splits, reports, crawl_stats, chains, output, settings)
        facts.update(
            posts=audit["release"]["posts"],
            chains=audit["release"]["chains"],
            pii_recall=audit["anonymisation"]["ground_truth"]["pii_recall"],
            residual_pii=audit["anonymisation"]["residual_pii"],
        )
    logger.info(
        "release: %s posts, %d chains, PII recall %s, residual PII %d -> %s",
        audit["release"]["posts"],
        audit["release"]["chains"],
        facts["pii_recall"],
        facts["residual_pii"],
        output,
    )
    return audit


def main(argv: Sequence[str] | None = None) -> None:
    parser = step_parser(__doc__.splitlines()[0])
    for name in SPLITS:
        parser.add_argument(f"--{name}", required=True, help=f"results/splits/{name}.parquet")
    parser.add_argument("--split-report", required=True, help="results/splits/report.json")
    parser.add_argument("--clean-report", required=True, help="results/clean/report.json")
    parser.add_argument("--label-report", required=True, help="results/labeled/report.json")
    parser.add_argument("--crawl-stats", nargs="+", required=True, help="results/raw/{source}/crawl_stats.json")
    parser.add_argument("--chains", required=True, help="results/distill/approved.jsonl")
    parser.add_argument("--output", required=True, help="results/release/empathy_qa")
    args = parser.parse_args(argv)
    run_release(
        {name: getattr(args, name) for name in SPLITS},
        {"clean": args.clean_report, "label": args.label_report, "split": args.split_report},
        args.crawl_stats,
        args.chains,
        args.output,
        args.params,
        rule=args.rule,
    )


if __name__ == "__main__":
    run_main(main)
