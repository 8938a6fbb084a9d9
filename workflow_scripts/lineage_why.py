"""Why would Snakemake rebuild an artifact now? Its own reasons, with the changed config keys named.

    lineage why results/table2.csv
    lineage why results/table2.csv -- --configfile config/paper.yaml   # arguments after -- go to snakemake

Runs ``snakemake -n -p`` for the artifact with every rerun trigger on and reads each planned job's
``reason:`` line. Snakemake says *that* params changed; the keys are named by comparing the params the job
would now run with (its ``--params`` JSON in the planned shell command) with those in the provenance record
of its output. Jobs planned only because an upstream job reruns are counted, not repeated; the causes
(params, code, software environment, updated or missing files) are listed once per rule and cause.
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass, field
from typing import Any

from workflow_scripts.common.io import InputError
from workflow_scripts.common.provenance import load_record
from workflow_scripts.lineage_diff import changed_keys

_RULE = re.compile(r"^(?:local)?(?:rule|checkpoint) (\w+):$")
_REASONS = (
    "Forced execution",
    "Missing output files",
    "Incomplete output files",
    "Updated input files",
    "Input files updated by another job",
    "Set of input files has changed",
    "Code has changed",
    "Params have changed",
    "Software environment definition has changed",
)
_SPLIT = re.compile("; (?=" + "|".join(re.escape(r) for r in _REASONS) + ")")
DOWNSTREAM = "Input files updated by another job"


@dataclass
class PlannedJob:
    """One job of the dry run: rule, outputs, Snakemake's reasons and the shell command it would run."""

    rule: str
    outputs: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    shell: str | None = None


def parse_dry_run(text: str) -> list[PlannedJob]:
    """The jobs of ``snakemake -n -p`` output, in the order printed."""
    jobs: list[PlannedJob] = []
    for line in text.splitlines():
        match = _RULE.match(line.strip()) if not line.startswith(" ") else None
        if match:
            jobs.append(PlannedJob(match.group(1)))
            continue
        if not jobs:
            continue
        job, stripped = jobs[-1], line.strip()
        if stripped.startswith("output: "):
            job.outputs = [p.strip() for p in stripped[len("output: ") :].split(", ")]
        elif stripped.startswith("reason: "):
            job.reasons = _SPLIT.split(stripped[len("reason: ") :].strip())
        elif stripped.startswith("Shell command: ") and job.shell is None:
            job.shell = stripped[len("Shell command: ") :]
    return [job for job in jobs if job.rule != "all"]


def planned_params(shell: str | None) -> dict[str, Any] | None:
    """The ``--params`` JSON a planned shell command passes to its step (every rule here passes one)."""
    if not shell:
        return None
    try:
        words = shlex.split(shell)
    except ValueError:
        return None
    for flag, value in itertools.pairwise(words):
        if flag == "--params":
            try:
                return json.loads(value)
            except json.JSONDecodeError:
                return None
    return None


def explain(job: PlannedJob) -> list[dict[str, Any]]:
    """The job's causes, one dict each: ``kind`` (params, code, environment, input, output, forced) and detail."""
    causes = []
    for reason in job.reasons:
        if reason.startswith(DOWNSTREAM) or not reason:
            continue
        if reason.startswith("Params have changed"):
            record = next((r for r in map(load_record, job.outputs) if r is not None), None)
            now = planned_params(job.shell)
            if record is not None and now is not None and changed_keys(record.get("params"), now):
                causes += [
                    {"kind": "params", "key": k, "old": a, "new": b} for k, a, b in changed_keys(record["params"], now)
                ]
                continue
        kind = {
            "Code": "code",
            "Soft": "environment",
            "Para": "params",
            "Miss": "output",
            "Inco": "output",
            "Forc": "forced",
        }.get(reason[:4], "input")
        if kind == "output":  # the files are the job's outputs, listed with it: one cause per rule
            reason = reason.split(":", 1)[0]
        causes.append({"kind": kind, "key": None, "text": reason})
    return causes


def why(target: str, snakemake_args: list[str]) -> dict[str, Any]:
    """Snakemake's plan for ``target`` and the causes behind it, grouped by rule."""
    triggers = ["--rerun-triggers", "mtime", "params", "input", "software-env", "code"]
    command = [sys.executable, "-m", "snakemake", target, "-n", "-p", *snakemake_args, *triggers]
    proc = subprocess.run(command, capture_output=True, text=True)
    if proc.returncode != 0:
        raise InputError(f"snakemake -n failed for {target}:\n{(proc.stdout + proc.stderr)[-2000:]}")
    jobs = parse_dry_run(proc.stdout)
    grouped: dict[tuple[str, str], dict[str, Any]] = {}
    downstream: dict[str, int] = {}
    for job in jobs:
        causes = explain(job)
        if not causes:
            downstream[job.rule] = downstream.get(job.rule, 0) + 1
        for cause in causes:
            key = (job.rule, json.dumps(cause, sort_keys=True, ensure_ascii=False, default=str))
            entry = grouped.setdefault(key, {"rule": job.rule, **cause, "outputs": []})
            entry["outputs"] += job.outputs
    own = next((job for job in jobs if target in job.outputs), None)
    return {
        "target": target,
        "planned_jobs": len(jobs),
        "rebuilt": own is not None,
        "own_reasons": own.reasons if own else [],
        "causes": list(grouped.values()),
        "downstream": downstream,
    }


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
    return text if len(text) <= 60 else text[:57] + "..."


def render(result: dict[str, Any]) -> list[str]:
    """The plan in a few lines: the causes, then what reruns only because something upstream does."""
    if not result["rebuilt"]:
        return [f"{result['target']}: up to date (snakemake -n plans nothing for it)"]
    lines = [f"{result['target']} would be rebuilt: {result['planned_jobs']} jobs planned (snakemake -n)", "causes:"]
    for cause in result["causes"]:
        outputs = cause["outputs"]
        where = outputs[0] + (f" and {len(outputs) - 1} more" if len(outputs) > 1 else "")
        if cause.get("key"):
            what = f"params {cause['key']}: {_short(cause['old'])} -> {_short(cause['new'])}"
        else:
            what = cause["text"]
        lines.append(f"  rule {cause['rule']} ({where}): {what}")
    if result["downstream"]:
        rules = ", ".join(f"{rule} ({n})" for rule, n in result["downstream"].items())
        lines.append(f"then rebuilt because an input is rebuilt: {rules}")
    return lines


def main(argv: list[str]) -> int:
    """``lineage why ARTIFACT [--json] [-- SNAKEMAKE ARGS]``: exit 1 when it would be rebuilt, 0 when not."""
    ours, extra = (argv[: argv.index("--")], argv[argv.index("--") + 1 :]) if "--" in argv else (argv, [])
    parser = argparse.ArgumentParser(prog="lineage why", description=__doc__.split("\n\n")[0])
    parser.add_argument("artifact", help="a file or directory a rule makes")
    parser.add_argument("--json", action="store_true", help="print the plan and causes as JSON")
    args = parser.parse_args(ours)
    result = why(args.artifact, extra)
    print(json.dumps(result, ensure_ascii=False, indent=2, default=str) if args.json else "\n".join(render(result)))
    return 1 if result["rebuilt"] else 0
