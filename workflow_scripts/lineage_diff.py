"""What changed between two runs of an artifact, or between two artifacts, and which upstream change explains it.

    lineage diff results/table2.csv                      # the previous run (.prov.prev.json) vs this one
    lineage diff results/metrics/psyqa/a.json results/metrics/psyqa/b.json
    lineage diff results/table2.csv --json

Two provenance records are compared field by field: params (as dotted config keys), inputs (by path and
sha256), code commit, package versions, Python, seed and rule; timings are ignored. An input whose bytes
differ is followed upstream, to the records that wrote its two versions (the sidecar or the kept previous
one, whichever has that sha256), until the differences have *causes*: a changed param, code commit,
environment or seed of some step, or a changed source file. The output lists those causes once each, then
every artifact in their downstream cone, downstream first, with what explains its change.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from workflow_scripts.common.io import InputError, read_json
from workflow_scripts.common.provenance import PREV_SUFFIX, SIDECAR_SUFFIX, load_record


@dataclass
class Cause:
    """One root difference: ``kind`` is params, code, environment, seed, rule, inputs (added/removed) or source."""

    kind: str
    key: str
    old: Any
    new: Any
    artifact: str
    rule: str | None


@dataclass
class Changed:
    """An artifact in the cone: its own differences, the inputs whose change reached it, and its facts."""

    artifact: str
    rule: str | None
    old_sha256: str | None
    new_sha256: str | None
    causes: list[Cause] = field(default_factory=list)
    changed_inputs: list[str] = field(default_factory=list)
    unexplained_inputs: list[str] = field(default_factory=list)
    facts: list[tuple[str, Any, Any]] = field(default_factory=list)


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """Nested dicts as dotted keys (lists and scalars are leaves): {"clean": {"a": 1}} -> {"clean.a": 1}."""
    if isinstance(value, dict) and value:
        flat: dict[str, Any] = {}
        for key, child in value.items():
            flat.update(flatten(child, f"{prefix}{key}."))
        return flat
    return {prefix[:-1]: value} if prefix else {}


def changed_keys(old: Any, new: Any) -> list[tuple[str, Any, Any]]:
    """(dotted key, old, new) for every leaf that differs between two nested dicts (absent reads as None)."""
    old_flat, new_flat = flatten(old or {}), flatten(new or {})
    missing = object()
    return [
        (key, old_flat.get(key), new_flat.get(key))
        for key in sorted(set(old_flat) | set(new_flat))
        if old_flat.get(key, missing) != new_flat.get(key, missing)
    ]


def record_causes(old: dict[str, Any], new: dict[str, Any], artifact: str) -> list[Cause]:
    """The differences two records of a step have of their own (not through their inputs)."""
    rule = new.get("rule")
    causes = [
        Cause("params", k, a, b, artifact, rule) for k, a, b in changed_keys(old.get("params"), new.get("params"))
    ]
    old_code, new_code = old.get("code") or {}, new.get("code") or {}
    for key in ("commit", "dirty"):
        if old_code.get(key) != new_code.get(key):
            causes.append(Cause("code", key, old_code.get(key), new_code.get(key), artifact, rule))
    old_env, new_env = old.get("environment") or {}, new.get("environment") or {}
    if old_env.get("python") != new_env.get("python"):
        causes.append(Cause("environment", "python", old_env.get("python"), new_env.get("python"), artifact, rule))
    for key, a, b in changed_keys(old_env.get("packages"), new_env.get("packages")):
        causes.append(Cause("environment", key, a, b, artifact, rule))
    for key in ("seed", "rule"):
        if old.get(key) != new.get(key):
            causes.append(Cause(key, key, old.get(key), new.get(key), artifact, rule))
    return causes


def record_with_sha(path: str, sha256: str | None) -> dict[str, Any] | None:
    """The record (current sidecar or the kept previous one) that wrote this version of ``path``."""
    for previous in (False, True):
        record = load_record(path, previous=previous)
        if record is not None and record.get("sha256") == sha256:
            return record
    return None


def _paired_inputs(
    old: dict[str, Any], new: dict[str, Any]
) -> tuple[list[tuple[dict[str, str], dict[str, str]]], list[str], list[str]]:
    """Inputs of the two records paired by path; the rest (two artifacts of one rule reading different files in
    the same roles) paired by position; what is left is (removed, added)."""
    old_inputs, new_inputs = old.get("inputs", []), new.get("inputs", [])
    new_paths = {i["path"] for i in new_inputs}
    by_path = {i["path"]: i for i in old_inputs}
    pairs = [(by_path[i["path"]], i) for i in new_inputs if i["path"] in by_path]
    only_old = [i for i in old_inputs if i["path"] not in new_paths]
    only_new = [i for i in new_inputs if i["path"] not in by_path]
    if only_old and len(only_old) == len(only_new) and old.get("rule") == new.get("rule"):
        return pairs + list(zip(only_old, only_new, strict=True)), [], []
    return pairs, [i["path"] for i in only_old], [i["path"] for i in only_new]


def diff_records(old: dict[str, Any], new: dict[str, Any]) -> list[Changed]:
    """Every artifact whose content or record changed from ``old`` to ``new``, downstream first."""
    cone: dict[str, Changed] = {}
    queue = [(old, new)]
    while queue:
        old_rec, new_rec = queue.pop(0)
        path = new_rec.get("artifact", "?")
        label = path if old_rec.get("artifact", path) == path else f"{old_rec.get('artifact')} vs {path}"
        if label in cone:
            continue
        entry = Changed(label, new_rec.get("rule"), old_rec.get("sha256"), new_rec.get("sha256"))
        entry.causes = record_causes(old_rec, new_rec, label)
        entry.facts = changed_keys(old_rec.get("facts"), new_rec.get("facts"))
        cone[label] = entry
        pairs, removed, added = _paired_inputs(old_rec, new_rec)
        entry.causes += [Cause("inputs", f"removed {p}", p, None, label, entry.rule) for p in removed]
        entry.causes += [Cause("inputs", f"added {p}", None, p, label, entry.rule) for p in added]
        for old_in, new_in in pairs:
            if old_in["sha256"] == new_in["sha256"]:
                continue
            name = new_in["path"] if old_in["path"] == new_in["path"] else f"{old_in['path']} vs {new_in['path']}"
            entry.changed_inputs.append(name)
            old_up = record_with_sha(old_in["path"], old_in["sha256"])
            new_up = record_with_sha(new_in["path"], new_in["sha256"])
            if old_up is not None and new_up is not None:
                queue.append((old_up, new_up))
            elif load_record(new_in["path"]) is None and load_record(old_in["path"]) is None:  # a source file
                source = Changed(name, None, old_in["sha256"], new_in["sha256"])
                source.causes.append(Cause("source", name, old_in["sha256"], new_in["sha256"], name, None))
                cone.setdefault(name, source)
            else:
                entry.unexplained_inputs.append(name)
    return list(cone.values())


def load_side(spec: str, previous: bool = False) -> dict[str, Any]:
    """A record named by an artifact (its sidecar, or the kept previous one) or by a sidecar file itself."""
    if spec.endswith((SIDECAR_SUFFIX, PREV_SUFFIX)) and Path(spec).is_file():
        return read_json(spec)
    record = load_record(spec, previous=previous)
    if record is None:
        which = "previous record (.prov.prev.json): its rule has not rerun since" if previous else "provenance record"
        raise InputError(f"{spec} has no {which}")
    return record


def causes_of(cone: list[Changed]) -> list[Cause]:
    """The root causes in the cone, each once (a key changed at several steps is listed per step)."""
    return [cause for entry in cone for cause in entry.causes]


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
    if len(text) == 64 and all(c in "0123456789abcdef" for c in text):  # a sha256
        return text[:12]
    return text if len(text) <= 60 else text[:57] + "..."


def render(cone: list[Changed], old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Causes first, then the cone, downstream first, each artifact with what explains it."""
    lines = [
        f"lineage diff {old.get('artifact')} (run of {old.get('started')}) -> {new.get('artifact')} "
        f"(run of {new.get('started')})"
    ]
    causes = causes_of(cone)
    if (
        not causes
        and all(not e.changed_inputs and not e.facts for e in cone)
        and old.get("sha256") == new.get("sha256")
    ):
        return [*lines, "no difference (params, inputs, code, environment, seed and content are the same)"]
    lines.append(f"causes ({len(causes)}):")
    for cause in causes:
        where = f"rule {cause.rule}, {cause.artifact}" if cause.rule else "source file"
        if cause.kind == "inputs":
            lines.append(f"  input {cause.key}  ({where})")
            continue
        key = cause.key if cause.kind == "source" else f"{cause.kind} {cause.key}"
        lines.append(f"  {key}: {_short(cause.old)} -> {_short(cause.new)}  ({where})")
    changed = [e for e in cone if e.old_sha256 != e.new_sha256 or e.causes or e.changed_inputs]
    lines.append(f"artifacts changed ({len(changed)}), downstream first:")
    for entry in changed:
        same = " (same bytes)" if entry.old_sha256 == entry.new_sha256 else ""
        reasons = [f"{c.kind} {c.key}" for c in entry.causes if c.kind != "source"]
        if entry.changed_inputs:
            first = entry.changed_inputs[0]
            more = f" (+{len(entry.changed_inputs) - 1} more)" if len(entry.changed_inputs) > 1 else ""
            reasons.append(f"input {first}{more}")
        rule = f"rule {entry.rule}" if entry.rule else "source"
        lines.append(f"  {entry.artifact}{same} [{rule}] <- {'; '.join(reasons) or 'its own bytes'}")
        lines.extend(
            f"      !! input {name} changed but no kept record explains it" for name in entry.unexplained_inputs
        )
        if entry.facts:
            facts = ", ".join(f"{k}: {_short(a)} -> {_short(b)}" for k, a, b in entry.facts[:6])
            lines.append(f"      facts {facts}" + (f" (+{len(entry.facts) - 6} more)" if len(entry.facts) > 6 else ""))
    return lines


def to_json(cone: list[Changed]) -> dict[str, Any]:
    """The diff as JSON: the causes and the changed artifacts."""
    return {"causes": [asdict(c) for c in causes_of(cone)], "changed": [asdict(e) for e in cone]}


def main(argv: list[str]) -> int:
    """``lineage diff A [B] [--json]``: exit 0 when nothing differs, 1 when something does."""
    import argparse

    parser = argparse.ArgumentParser(prog="lineage diff", description=__doc__.split("\n\n")[0])
    parser.add_argument("a", help="an artifact (alone: its previous run vs this one) or a sidecar file")
    parser.add_argument("b", nargs="?", help="a second artifact or sidecar file (A is then the old side)")
    parser.add_argument("--json", action="store_true", help="print the causes and changed artifacts as JSON")
    args = parser.parse_args(argv)
    old = load_side(args.a, previous=args.b is None)
    new = load_side(args.b) if args.b else load_side(args.a)
    cone = diff_records(old, new)
    print(json.dumps(to_json(cone), ensure_ascii=False, indent=2) if args.json else "\n".join(render(cone, old, new)))
    return 1 if causes_of(cone) or any(e.changed_inputs for e in cone) or old.get("sha256") != new.get("sha256") else 0
