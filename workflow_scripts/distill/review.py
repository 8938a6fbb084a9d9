"""Review of distilled chains: the reviewer's sheet, their decisions file, and the gate.

``--make sheet`` writes results/review/sheet.html (post, four levels, answer, escaped) and
sheet.csv from the candidates. ``--make approved`` reads the versioned decisions file
(config/review/decisions.csv: id, decision approve|edit|reject, edited_text, reviewer,
timestamp) and writes results/distill/approved.jsonl, or stops the workflow with a message
saying how many chains are still needed, where the sheet is and where decisions go. In
``review.mode: auto`` valid chains nobody decided on are approved by reviewer "auto", and
the lineage says so.
"""

from __future__ import annotations

import collections
import csv
import datetime as dt
import html
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workflow_scripts import coe
from workflow_scripts.common.cli import run_main, step_parser
from workflow_scripts.common.io import InputError, atomic_path, read_jsonl, write_jsonl
from workflow_scripts.common.provenance import recorded_step

log = logging.getLogger(__name__)
DECISION_COLUMNS = ("id", "decision", "edited_text", "reviewer", "timestamp")
DECISIONS = ("approve", "edit", "reject")
AUTO_REVIEWER = "auto"
FORMAT_HELP = (
    "CSV with header id,decision,edited_text,reviewer,timestamp; one row per chain: id = the qid shown on the "
    "sheet, decision = approve | edit | reject, edited_text = for edit only, the full corrected chain "
    "<empathy_think><L1>…</L1><L2>…</L2><L3>…</L3><L4>…</L4></empathy_think><answer>…</answer>, "
    "reviewer = your name or id, timestamp = ISO 8601 (e.g. 2025-05-01T10:00:00); a later row for the same id wins"
)


@dataclass(frozen=True)
class Decision:
    """One reviewer decision, with the file line it came from for error messages."""

    id: str
    decision: str
    edited: coe.CoE | None
    reviewer: str
    timestamp: str
    where: str


# --- the sheet ----------------------------------------------------------------------------------

SHEET_COLUMNS = (
    "id", "topic_id", "topic", "status", "reason", "title", "description", "reference_answer",
    "L1", "L2", "L3", "L4", "final_answer", "completion", "raw_reply", "teacher",
)  # fmt: skip


def sheet_rows(candidates: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Flat rows for sheet.csv: one per candidate, the chain spread over columns."""
    rows = []
    for cand in candidates:
        levels = cand.get("levels") or {}
        rows.append(
            {
                "id": cand["qid"],
                "topic_id": cand.get("topic_id", ""),
                "topic": cand.get("topic", ""),
                "status": cand.get("status", ""),
                "reason": cand.get("reason") or "",
                "title": cand.get("title", ""),
                "description": cand.get("description", ""),
                "reference_answer": cand.get("answer", ""),
                **{lvl: levels.get(lvl, "") for lvl in coe.LEVELS},
                "final_answer": cand.get("final_answer") or "",
                "completion": cand.get("completion") or "",
                "raw_reply": cand.get("raw_reply") or "",
                "teacher": cand.get("teacher", ""),
            }
        )
    return rows


def _para(text: str) -> str:
    return "".join(f"<p>{html.escape(line)}</p>" for line in str(text or "").splitlines() if line.strip())


def render_html(candidates: list[dict[str, Any]], decisions_path: str, csv_name: str) -> str:
    """A self-contained, escaped HTML page a reviewer can read top to bottom."""
    valid = sum(c.get("status") == "valid" for c in candidates)
    cards = []
    for n, cand in enumerate(candidates, start=1):
        levels = cand.get("levels") or {}
        status = cand.get("status", "")
        chain = "".join(
            f"<dt>{lvl} {html.escape(coe.LEVEL_NAMES[lvl])}</dt><dd>{_para(levels.get(lvl, ''))}</dd>"
            for lvl in coe.LEVELS
        )
        body = (
            f"<dl>{chain}</dl><h4>最终回答 (final answer)</h4>{_para(cand.get('final_answer'))}"
            if status == "valid"
            else f"<p class='reason'>rejected: {html.escape(cand.get('reason') or '')}</p>"
            f"<h4>raw reply</h4><pre>{html.escape(cand.get('raw_reply') or '(none)')}</pre>"
        )
        cards.append(
            f"<section class='{html.escape(status)}' id='{html.escape(cand['qid'])}'>"
            f"<h2>{n}. <code>{html.escape(cand['qid'])}</code> · {html.escape(cand.get('topic', ''))} · "
            f"{html.escape(status)}</h2>"
            f"<h3>{html.escape(cand.get('title', ''))}</h3>{_para(cand.get('description'))}"
            f"<details><summary>参考回答 (human reference answer)</summary>{_para(cand.get('answer'))}</details>"
            f"{body}<p class='teacher'>teacher: {html.escape(cand.get('teacher', ''))}</p></section>"
        )
    return (
        "<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'><title>CoE review sheet</title><style>"
        "body{font-family:sans-serif;max-width:60em;margin:auto;line-height:1.5}section{border:1px solid #ccc;"
        "margin:1em 0;padding:0 1em}section.rejected{background:#fff3f3}dt{font-weight:bold}"
        "pre{white-space:pre-wrap}.teacher{color:#666;font-size:small}</style></head><body>"
        f"<h1>Chain-of-Empathy review sheet</h1><p>{len(candidates)} candidates, {valid} valid.</p>"
        f"<p>Record a decision for each chain in <code>{html.escape(decisions_path)}</code>: "
        f"{html.escape(FORMAT_HELP)}. The same chains are in <code>{html.escape(csv_name)}</code>.</p>"
        + "".join(cards)
        + "</body></html>\n"
    )


def write_sheet(candidates: list[dict[str, Any]], html_path: str, csv_path: str, decisions_path: str) -> None:
    """Write sheet.html and sheet.csv atomically."""
    with atomic_path(csv_path) as tmp, open(tmp, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=SHEET_COLUMNS)
        writer.writeheader()
        writer.writerows(sheet_rows(candidates))
    with atomic_path(html_path) as tmp:
        tmp.write_text(render_html(candidates, decisions_path, Path(csv_path).name), encoding="utf-8")


# --- decisions and the gate -----------------------------------------------------------------------


def read_decisions(path: str | Path) -> dict[str, Decision]:
    """Parse the decisions file; a bad row raises InputError naming file:line and what to fix."""
    decisions: dict[str, Decision] = {}
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in DECISION_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError(f"{path}: header lacks columns {missing}; expected {FORMAT_HELP}")
        for row in reader:
            where = f"{path}:{reader.line_num}"
            qid = (row["id"] or "").strip()
            if not qid and not any((v or "").strip() for v in row.values() if isinstance(v, str)):
                continue
            decision = (row["decision"] or "").strip().lower()
            reviewer = (row["reviewer"] or "").strip()
            stamp = (row["timestamp"] or "").strip()
            if not qid:
                raise InputError(f"{where}: empty id; use the qid shown on the review sheet")
            if decision not in DECISIONS:
                raise InputError(f"{where}: decision {row['decision']!r} is not one of {'|'.join(DECISIONS)}")
            if not reviewer:
                raise InputError(f"{where}: empty reviewer; say who made this decision")
            try:
                dt.datetime.fromisoformat(stamp)
            except ValueError as err:
                raise InputError(f"{where}: timestamp {stamp!r} is not ISO 8601 (e.g. 2025-05-01T10:00:00)") from err
            edited = None
            if decision == "edit":
                edited = coe.parse_coe(row["edited_text"] or "")
                if edited is None:
                    raise InputError(
                        f"{where}: edited_text is not a complete chain; write "
                        "<empathy_think><L1>…</L1><L2>…</L2><L3>…</L3><L4>…</L4></empathy_think><answer>…</answer>"
                    )
            decisions[qid] = Decision(qid, decision, edited, reviewer, stamp, where)
    return decisions


def approved_record(cand: dict[str, Any], decision: str, reviewer: str, timestamp: str | None, edited=None) -> dict:
    """The approved.jsonl row (data contract): post, reference answer, chain, decision, reviewer."""
    if edited is not None:
        levels, final = edited.levels, edited.answer
    else:
        levels, final = cand["levels"], cand["final_answer"]
    return {
        "qid": cand["qid"],
        "title": cand["title"],
        "description": cand["description"],
        "answer": cand["answer"],
        "levels": levels,
        "final_answer": final,
        "completion": coe.format_coe(levels, final),
        "decision": decision,
        "reviewer": reviewer,
        "topic_id": cand.get("topic_id"),
        "reviewed_at": timestamp,
        "teacher": cand.get("teacher"),
    }


def gate(
    candidates: list[dict[str, Any]],
    decisions: dict[str, Decision],
    mode: str,
    target: int,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Apply decisions (and auto approval) in candidate order; return approved rows and counts."""
    known = {c["qid"] for c in candidates}
    unknown = sorted(set(decisions) - known)
    if unknown:
        log.warning("%d decisions name ids that are not candidates (ignored): %s", len(unknown), unknown[:5])
    approved: list[dict[str, Any]] = []
    counts: collections.Counter[str] = collections.Counter()
    reviewers: collections.Counter[str] = collections.Counter()
    for cand in candidates:
        dec = decisions.get(cand["qid"])
        if dec is None:
            if mode == "auto" and cand.get("status") == "valid":
                approved.append(approved_record(cand, "approve", AUTO_REVIEWER, None))
                counts["auto_approved"] += 1
                reviewers[AUTO_REVIEWER] += 1
            else:
                counts["pending"] += 1
            continue
        counts[dec.decision] += 1
        reviewers[dec.reviewer] += 1
        if dec.decision == "approve":
            if cand.get("status") != "valid":
                raise InputError(
                    f"{dec.where}: cannot approve {dec.id}: the teacher's chain was rejected "
                    f"({cand.get('reason')}); use decision 'edit' with the corrected chain in edited_text"
                )
            approved.append(approved_record(cand, "approve", dec.reviewer, dec.timestamp))
        elif dec.decision == "edit":
            approved.append(approved_record(cand, "edit", dec.reviewer, dec.timestamp, edited=dec.edited))
    facts = {
        "mode": mode,
        "target": target,
        "candidates": len(candidates),
        "approved_total": len(approved),
        "decisions": {k: counts[k] for k in (*DECISIONS, "auto_approved", "pending")},
        "reviewers": dict(sorted(reviewers.items())),
        "decisions_unknown_id": len(unknown),
    }
    return approved, facts


def gate_message(facts: dict[str, Any], sheet: str, decisions_path: str, exists: bool) -> str:
    """Why the workflow stops, and exactly what the reviewer has to do."""
    need = facts["target"] - facts["approved_total"]
    pending = facts["decisions"]["pending"]
    lines = [
        f"review gate: {facts['approved_total']} approved chains, {facts['target']} required "
        f"(review.target_approved); {need} more needed, {pending} candidates pending review.",
        f"  review sheet: {sheet} (also {Path(sheet).with_suffix('.csv')})",
        f"  decisions file: {decisions_path}" + ("" if exists else " (does not exist yet: create it)"),
        f"  format: {FORMAT_HELP}.",
    ]
    if pending < need:
        lines.append(
            f"  even approving every pending candidate cannot reach {facts['target']}: "
            "raise distill.n_candidates (or lower review.target_approved) and rerun."
        )
    lines.append("  Then rerun snakemake: finished steps are not repeated.")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = step_parser("Review sheet for distilled chains, and the gate that writes approved.jsonl.")
    parser.add_argument("--make", choices=("sheet", "approved"), required=True)
    parser.add_argument("--candidates", required=True, help="results/distill/candidates.jsonl")
    parser.add_argument("--html", help="results/review/sheet.html (written by --make sheet, named by the gate)")
    parser.add_argument("--csv", help="results/review/sheet.csv (--make sheet)")
    parser.add_argument("--output", help="results/distill/approved.jsonl (--make approved)")
    args = parser.parse_args(argv)
    if args.make == "sheet":
        # Only the decisions path (printed on the sheet): a mode or target change must not redo the sheet.
        if not (args.html and args.csv) or "review.decisions" not in args.params:
            raise InputError("--make sheet needs --html, --csv and 'review.decisions' in --params")
        decisions_path = args.params["review.decisions"]
        with recorded_step(args.rule, [args.candidates], [args.html, args.csv], params=args.params) as facts:
            candidates = read_jsonl(args.candidates)
            write_sheet(candidates, args.html, args.csv, decisions_path)
            facts.update(candidates=len(candidates), valid=sum(c.get("status") == "valid" for c in candidates))
        return
    review = args.params.get("review")
    if not (args.output and args.html and review):
        raise InputError("--make approved needs --output, --html and the 'review' section in --params")
    decisions_path = review["decisions"]
    exists = Path(decisions_path).exists()
    inputs = [args.candidates, args.html] + ([decisions_path] if exists else [])
    candidates = read_jsonl(args.candidates)
    decisions = read_decisions(decisions_path) if exists else {}
    target = int(review["target_approved"])
    approved, facts = gate(candidates, decisions, review["mode"], target)
    if len(approved) < target:
        raise InputError(gate_message(facts, args.html, decisions_path, exists))
    with recorded_step(args.rule, inputs, [args.output], params=args.params) as record:
        record.update(facts, approved_written=target, decisions_file=decisions_path if exists else None)
        write_jsonl(args.output, approved[:target])
    log.info("%d approved (%s); wrote the first %d to %s", len(approved), facts["decisions"], target, args.output)


if __name__ == "__main__":
    run_main(main)
