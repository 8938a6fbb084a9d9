"""Distillation step: ask the teacher for a CoE chain for every selected post.

Reads results/distill/selected.jsonl, writes results/distill/candidates.jsonl (one row per
post, valid or rejected with its reason) and results/distill/usage.json (requests made vs
replayed from the cache, tokens, cost). Replies live in the cache directory, outside the
outputs, so Snakemake never deletes them and a killed or repeated run pays only for what
is missing.
"""

from __future__ import annotations

import collections
import logging
from collections.abc import Sequence
from typing import Any

from workflow_scripts import coe
from workflow_scripts.common.cli import run_main, step_parser
from workflow_scripts.common.io import InputError, read_jsonl, write_json, write_jsonl
from workflow_scripts.common.provenance import recorded_step
from workflow_scripts.distill.demo_teacher import DemoTeacher, load_lexicons
from workflow_scripts.distill.prompts import load_prompt
from workflow_scripts.distill.teacher import (
    Bounds,
    Distiller,
    OpenAITeacher,
    Outcome,
    ReplyCache,
    RetryPolicy,
    Teacher,
    TeacherError,
)

log = logging.getLogger(__name__)


def make_teacher(settings: dict[str, Any]) -> Teacher:
    """The teacher named by ``distill.teacher``: "api" (OpenAI-compatible) or "demo" (offline, not an LM)."""
    if settings["teacher"] == "api":
        api = settings["api"]
        return OpenAITeacher(api["base_url"], api["model"], api["api_key_env"], float(api["timeout_s"]))
    if settings["teacher"] == "demo":
        lexicons, digest = load_lexicons(settings["demo"]["lexicons"])
        return DemoTeacher(lexicons, digest)
    raise InputError(f"distill.teacher must be 'api' or 'demo', not {settings['teacher']!r}")


def make_distiller(settings: dict[str, Any], teacher: Teacher) -> Distiller:
    """Wire cache, bounds and retry policy from the ``distill`` settings."""
    api, validation = settings["api"], settings["validation"]
    policy = RetryPolicy(
        max_retries=int(api["max_retries"]),
        backoff_base_s=float(api["backoff_base_s"]),
        backoff_max_s=float(api["backoff_max_s"]),
        max_invalid_retries=int(validation["max_invalid_retries"]),
    )
    return Distiller(
        teacher,
        ReplyCache(settings["cache_dir"]),
        params=dict(settings["generation"]),
        bounds=Bounds.from_settings(validation),
        policy=policy,
        concurrency=int(settings["concurrency"]),
    )


def candidate_row(item: dict[str, Any], outcome: Outcome, teacher: Teacher, answer_source: str) -> dict[str, Any]:
    """One candidates.jsonl row: the post, the chain (or why not), and where it came from."""
    row: dict[str, Any] = {key: item[key] for key in ("qid", "topic_id", "topic", "title", "description", "answer")}
    row.update(
        status="valid" if outcome.chain else "rejected",
        reason=outcome.reason,
        levels=None,
        teacher_answer=None,
        final_answer=None,
        completion=None,
        raw_reply=None,
        reasoning_content=outcome.reply.reasoning_content if outcome.reply else None,
        teacher=teacher.label,
        teacher_kind=teacher.kind,
        teacher_model=(outcome.reply.model if outcome.reply else None) or teacher.model_id,
        attempts=outcome.attempts,
        cache_keys=outcome.cache_keys,
    )
    if outcome.chain is not None:
        final = item["answer"] if answer_source == "reference" else outcome.chain.answer
        row.update(
            levels=outcome.chain.levels,
            teacher_answer=outcome.chain.answer,
            final_answer=final,
            completion=coe.format_coe(outcome.chain.levels, final),
        )
    elif outcome.reply is not None:
        row["raw_reply"] = outcome.reply.content  # the reviewer may repair it with an "edit" decision
    return row


def distill(items: list[dict[str, Any]], settings: dict[str, Any], prompt_path: str) -> tuple[list, dict, Teacher]:
    """Run the teacher over ``items``; return candidate rows, the usage report and the teacher."""
    prompt = load_prompt(prompt_path)
    teacher = make_teacher(settings)
    distiller = make_distiller(settings, teacher)
    log.info(
        "teacher %s (%s); %d items; cache %s; concurrency %d",
        teacher.label,
        teacher.kind,
        len(items),
        settings["cache_dir"],
        distiller.concurrency,
    )
    outcomes = distiller.run([prompt.messages(it["title"], it["description"], it["answer"]) for it in items])
    usage = distiller.usage.report(settings["prices_per_million"])
    log.info("usage: %s", usage)
    failed = [(it["qid"], o.reason) for it, o in zip(items, outcomes, strict=True) if o.failed]
    if failed:
        raise TeacherError(
            f"{len(failed)} of {len(items)} requests still failing after {settings['api']['max_retries']} retries "
            f"(first: {failed[0][0]}: {failed[0][1]}); finished replies are cached in {settings['cache_dir']}, "
            "rerun to resume"
        )
    rows = [candidate_row(it, o, teacher, settings["answer_source"]) for it, o in zip(items, outcomes, strict=True)]
    return rows, usage, teacher


def main(argv: Sequence[str] | None = None) -> None:
    parser = step_parser("Distil CoE chains for the selected posts from the configured teacher.")
    parser.add_argument("--selected", required=True, help="results/distill/selected.jsonl")
    parser.add_argument("--prompt", required=True, help="resources/prompts/coe_distill.yaml")
    parser.add_argument("--output", required=True, help="results/distill/candidates.jsonl")
    parser.add_argument("--usage", required=True, help="results/distill/usage.json")
    args = parser.parse_args(argv)
    if "distill" not in args.params:
        raise InputError("--params must carry the 'distill' config section")
    settings = args.params["distill"]
    inputs = [args.selected, args.prompt]
    if settings.get("teacher") == "demo":
        inputs += list(settings["demo"]["lexicons"].values())
    with recorded_step(args.rule, inputs, [args.output, args.usage], params=args.params) as facts:
        items = read_jsonl(args.selected)
        rows, usage, teacher = distill(items, settings, args.prompt)
        reasons = collections.Counter(r["reason"].split(":", 1)[0] for r in rows if r["reason"])
        summary = {
            "teacher": teacher.label,
            "teacher_kind": teacher.kind,
            "teacher_model": teacher.model_id,
            "items": len(rows),
            "valid": sum(r["status"] == "valid" for r in rows),
            "rejected": sum(r["status"] == "rejected" for r in rows),
            "rejected_by_reason": dict(sorted(reasons.items())),
        }
        write_jsonl(args.output, rows)
        write_json(args.usage, {**summary, **usage})
        facts.update(summary, api_calls_made=usage["calls_made"], api_calls_cached=usage["calls_cached"])
        facts["cost"] = usage["cost"]
        log.info("%d valid, %d rejected chains written to %s", summary["valid"], summary["rejected"], args.output)


if __name__ == "__main__":
    run_main(main)
