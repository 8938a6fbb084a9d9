"""Where did an artifact come from? Walk provenance sidecars upstream and verify hashes.

    lineage results/table2.csv                     # compact: each upstream artifact once, grouped by rule
    lineage results/table2.csv --depth 2           # only artifacts at most 2 steps upstream
    lineage results/table2.csv --rule generate     # only the artifacts one rule made
    lineage results/clean/posts.parquet --tree     # the full upstream tree (shared subtrees repeated)
    lineage results/clean/posts.parquet --verify   # re-hash: tampered or stale files
    lineage results/clean/posts.parquet --json
    lineage results/table1.csv --rocrate results/lineage/table1   # RO-Crate metadata
    lineage results/table2.csv --prov results/lineage/table2.prov.json   # W3C PROV-JSON
    lineage diff results/table2.csv                # what changed since the previous run, and why (lineage_diff)
    lineage why results/table2.csv                 # why Snakemake would rebuild it now (lineage_why)

The compact view lists rules in DAG order (the artifact's own rule first, the crawl last), each
rule once with its code commit and the config keys its params carry, then its artifacts once
each, numbered; an artifact's inputs are references to those numbers. One line per job gives
its key facts (seed, counts, teacher calls made and cached, reviewer decisions, model).

An artifact is *tampered* when its bytes no longer match its own record, and *stale*
when an input it was built from has changed since (the input's bytes or record differ
from what the artifact's record saw).
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workflow_scripts.common.io import InputError
from workflow_scripts.common.provenance import load_record, sha256_path


@dataclass
class Node:
    """One artifact in the lineage tree, with its record (None for a source file)."""

    path: str
    record: dict[str, Any] | None
    recorded_sha256: str | None
    parents: list[Node] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@dataclass
class Artifact:
    """One artifact in the lineage DAG: its record (None for a source file) and the paths it was built from."""

    path: str
    record: dict[str, Any] | None
    recorded_sha256: str | None
    inputs: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # missing, tampered, and stale once per consumer
    distance: int = 0  # fewest steps from the artifact the lineage was asked for
    actual_sha256: str | None = None  # the file's bytes now (only under verify)

    @property
    def rule(self) -> str | None:
        return self.record.get("rule") if self.record else None

    @property
    def job(self) -> tuple[Any, ...]:
        """What identifies the job that wrote it: artifacts written by one job share a record."""
        if not self.record:
            return ("source", self.path)
        outputs = tuple(out["path"] for out in self.record.get("outputs", []))
        return (self.rule, self.record.get("started"), outputs or (self.path,))


def build_graph(artifact: str | Path, verify: bool = False) -> dict[str, Artifact]:
    """Every artifact upstream of ``artifact`` once (breadth first), keyed by path; ``verify`` re-hashes."""
    target = str(artifact)
    graph: dict[str, Artifact] = {}

    queue: list[tuple[str, str | None, str | None, int]] = [(target, None, None, 0)]  # path, expected sha, consumer
    while queue:
        path, expected, consumer, distance = queue.pop(0)
        node = graph.get(path)
        if node is None:
            record = load_record(path)
            node = Artifact(path, record, record["sha256"] if record else expected, distance=distance)
            graph[path] = node
            if verify and not Path(path).exists():
                node.problems.append("missing: the file is gone")
            elif verify:  # each file hashed once however many consumers read it
                node.actual_sha256 = sha256_path(path)
                if record and node.actual_sha256 != record["sha256"]:
                    node.problems.append("tampered: content differs from its provenance record")
            for inp in (record or {}).get("inputs", []):
                node.inputs.append(inp["path"])
                queue.append((inp["path"], inp["sha256"], path, distance + 1))
        if node.actual_sha256 and expected and node.actual_sha256 != expected:
            node.problems.append(_stale(consumer))
    return graph


def _stale(consumer: str | None) -> str:
    return f"stale: changed since {consumer} was built from it"


def build_tree(artifact: str | Path, verify: bool = False) -> Node:
    """The upstream tree of ``artifact`` (shared subtrees repeated), unfolded from ``build_graph``.

    Each mention of an artifact carries its own problems and only the staleness seen by that mention's consumer.
    """
    graph = build_graph(artifact, verify=verify)

    def unfold(path: str, expected: str | None, consumer: str | None) -> Node:
        found = graph[path]
        problems = [problem for problem in found.problems if not problem.startswith("stale:")]
        if found.actual_sha256 and expected and found.actual_sha256 != expected:
            problems.append(_stale(consumer))
        node = Node(path, found.record, found.recorded_sha256 if found.record else expected, problems=problems)
        for inp in (found.record or {}).get("inputs", []):
            node.parents.append(unfold(inp["path"], inp["sha256"], path))
        return node

    return unfold(str(artifact), None, None)


def rule_order(graph: dict[str, Artifact]) -> list[str]:
    """Rules consumers first (the DAG walked upstream): a rule comes before every rule it read from."""
    rules: dict[str, int] = {}  # rule -> fewest steps from the target
    edges: dict[str, set[str]] = {}
    for node in graph.values():
        if node.rule is None:
            continue
        rules[node.rule] = min(rules.get(node.rule, node.distance), node.distance)
        for inp in node.inputs:
            producer = graph[inp].rule
            if producer is not None and producer != node.rule:
                edges.setdefault(node.rule, set()).add(producer)
    waiting = {rule: 0 for rule in rules}
    for producers in edges.values():
        for producer in producers:
            waiting[producer] += 1
    order: list[str] = []
    while len(order) < len(rules):
        ready = [r for r in rules if r not in order and waiting[r] == 0]
        # a rule-level cycle (a rule both up- and downstream of another) cannot block: take the nearest
        pick = min(ready or [r for r in rules if r not in order], key=lambda r: rules[r])
        order.append(pick)
        for producer in edges.get(pick, ()):
            waiting[producer] -= 1
    return order


def _ranges(numbers: list[int]) -> str:
    """[2-5] [9] for 2, 3, 4, 5, 9."""
    numbers, parts = sorted(set(numbers)), []
    start = prev = None
    for n in [*numbers, None]:
        if start is not None and n == prev + 1:
            prev = n
            continue
        if start is not None:
            parts.append(f"[{start}]" if start == prev else f"[{start}-{prev}]")
        start = prev = n
    return " ".join(parts)


def _flat_facts(value: Any, prefix: str = "", depth: int = 0) -> list[str]:
    """``key=value`` pairs of the short scalar facts, nested dicts two levels deep (e.g. decisions.approved=40)."""
    if isinstance(value, dict):
        if depth >= 2:
            return []
        return [item for k, v in value.items() for item in _flat_facts(v, f"{prefix}{k}.", depth + 1)]
    key = prefix[:-1]
    if isinstance(value, bool) or value is None:
        return [f"{key}={value}"]
    if isinstance(value, int):
        return [f"{key}={value}"]
    if isinstance(value, float):
        return [f"{key}={value:.4g}"]
    if isinstance(value, str) and len(value) <= 40:
        return [f"{key}={value}"]
    if isinstance(value, list) and 0 < len(value) <= 6 and all(isinstance(v, (str, int, float)) for v in value):
        return [f"{key}={'/'.join(str(v) for v in value)}"]
    return []  # long strings (hashes, texts), long lists: in --tree and --json


def key_facts(record: dict[str, Any], width: int = 200) -> str:
    """One line: seed, then the step's short facts (counts, calls made/cached, decisions, model)."""
    parts = [f"seed={record['seed']}"] if record.get("seed") is not None else []
    parts += _flat_facts(record.get("facts") or {})
    line = ", ".join(parts)
    return line if len(line) <= width else line[: width - 1] + "…"


def code_label(record: dict[str, Any]) -> str:
    """The record's code commit, 10 characters, +dirty when the work tree differed from it."""
    code = record.get("code") or {}
    return (code.get("commit") or "unknown")[:10] + ("+dirty" if code.get("dirty") else "")


def _param_keys(records: list[dict[str, Any]]) -> str:
    """The config keys a rule's params carry, siblings folded: generate.systems.{a,b}, seed."""
    keys: set[str] = set()
    for record in records:
        params = record.get("params")
        keys.update(params if isinstance(params, dict) else ())
    by_parent: dict[str, list[str]] = {}
    for key in sorted(keys):
        parent, _, leaf = key.rpartition(".")
        by_parent.setdefault(parent, []).append(leaf)
    folded = []
    for parent, leaves in by_parent.items():
        if not parent:
            folded.extend(leaves)
        else:
            folded.append(f"{parent}.{leaves[0]}" if len(leaves) == 1 else f"{parent}.{{{','.join(leaves)}}}")
    return ", ".join(sorted(folded))


def render_compact(
    graph: dict[str, Artifact], target: str, depth: int | None = None, rule: str | None = None
) -> list[str]:
    """Each artifact once, grouped by rule in DAG order, inputs as references; see the module docstring."""
    shown = [n for n in graph.values() if (depth is None or n.distance <= depth) and (rule is None or n.rule == rule)]
    by_rule: dict[str | None, list[Artifact]] = {}
    for node in shown:
        by_rule.setdefault(node.rule, []).append(node)
    ordered = [r for r in rule_order(graph) if r in by_rule] + ([None] if None in by_rule else [])
    numbers: dict[str, int] = {}
    for name in ordered:
        for node in by_rule[name]:
            numbers[node.path] = len(numbers) + 1
    rules = [r for r in ordered if r is not None]
    scope = "".join(
        f", {label} {value}" for label, value in (("depth <=", depth), ("rule", rule)) if value is not None
    )
    lines = [
        f"{target}: {len(shown)} artifacts, {len(rules)} rule{'s' if len(rules) != 1 else ''} upstream{scope} "
        "(each artifact once, inputs as [n] references; --tree for the full tree)"
    ]
    for name in ordered:
        nodes = by_rule[name]
        jobs: dict[tuple[Any, ...], list[Artifact]] = {}
        for node in nodes:
            jobs.setdefault(node.job, []).append(node)
        if name is None:
            lines.append(f"sources ({len(nodes)}, no provenance record: versioned inputs or user-supplied files)")
        else:
            records = [group[0].record for group in jobs.values()]
            commits = sorted({code_label(r) for r in records})
            code = commits[0] if len(commits) == 1 else f"{len(commits)} commits ({', '.join(commits)})"
            header = f"rule {name} · {len(jobs)} job{'s' if len(jobs) > 1 else ''} · code {code}"
            keys = _param_keys(records)
            lines.append(header + (f" · params {keys}" if keys else ""))
        for group in jobs.values():
            facts = key_facts(group[0].record) if group[0].record else ""
            for node in group:
                refs = [numbers[p] for p in node.inputs if p in numbers]
                hidden = [p for p in node.inputs if p not in numbers]
                arrow = " ".join(filter(None, [_ranges(refs), *hidden]))
                line = f"  [{numbers[node.path]}] {node.path}  sha256:{(node.recorded_sha256 or '')[:12]}"
                line += f" ← {arrow}" if arrow else ""
                lines.append(line + (f"  · {facts}" if facts and len(group) == 1 else ""))
                lines.extend(f"      !! {problem}" for problem in node.problems)
            if facts and len(group) > 1:  # one line of facts for the job's outputs together
                lines.append(f"      {facts}")
    return lines


def iter_problems(node: Node) -> list[tuple[str, str]]:
    """All (path, problem) pairs in the tree, depth first."""
    found = [(node.path, problem) for problem in node.problems]
    for parent in node.parents:
        found.extend(iter_problems(parent))
    return found


def _summary(record: dict[str, Any]) -> str:
    code = record.get("code") or {}
    commit = (code.get("commit") or "unknown")[:10] + ("+dirty" if code.get("dirty") else "")
    bits = [f"rule={record.get('rule')}", f"code={commit}", f"at={record.get('started')}"]
    if record.get("seed") is not None:
        bits.append(f"seed={record['seed']}")
    return " ".join(bits)


def render_text(node: Node, indent: int = 0) -> list[str]:
    """Indented human-readable lines for the tree."""
    pad = "  " * indent
    sha = (node.recorded_sha256 or "")[:12]
    head = f"{pad}{node.path}  sha256:{sha}"
    lines = [head + (f"  [{_summary(node.record)}]" if node.record else "  [source file]")]
    if node.record:
        if node.record.get("params"):
            params = json.dumps(node.record["params"], ensure_ascii=False, sort_keys=True)
            lines.append(f"{pad}  params: {params if len(params) <= 300 else params[:297] + '...'}")
        if node.record.get("facts"):
            lines.append(f"{pad}  facts: {json.dumps(node.record['facts'], ensure_ascii=False, sort_keys=True)[:300]}")
    lines.extend(f"{pad}  !! {problem}" for problem in node.problems)
    for parent in node.parents:
        lines.extend(render_text(parent, indent + 1))
    return lines


def to_json(node: Node) -> dict[str, Any]:
    """The tree as nested JSON-ready dicts."""
    return {
        "path": node.path,
        "sha256": node.recorded_sha256,
        "record": node.record,
        "problems": node.problems,
        "inputs": [to_json(parent) for parent in node.parents],
    }


def export_rocrate(graph: dict[str, Artifact], out_dir: str | Path) -> Path:
    """Write the lineage DAG as an RO-Crate (metadata only: files are referenced, not copied).

    Each artifact is a File with its sha256; each step is a CreateAction whose instrument
    is the rule, with the inputs as ``object`` and the outputs as ``result``.
    """
    from rocrate.model.softwareapplication import SoftwareApplication
    from rocrate.rocrate import ROCrate

    crate = ROCrate()
    files: dict[str, Any] = {}
    rules: dict[str, Any] = {}
    nodes = list(graph.values())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "No source": artifacts are referenced, not copied
        for node in nodes:
            if node.path not in files:
                props = {"sha256": node.recorded_sha256}
                if Path(node.path).is_absolute():  # RO-Crate ids inside the crate must be relative
                    files[node.path] = crate.add_file(Path(node.path).as_uri(), properties=props)
                else:
                    files[node.path] = crate.add_file(dest_path=node.path, properties=props)
        seen_actions: set[str] = set()
        for node in nodes:
            record = node.record
            if not record or node.path in seen_actions:
                continue
            outputs = [out["path"] for out in record.get("outputs", []) if out["path"] in files]
            seen_actions.update(outputs)
            rule = record.get("rule") or "unknown"
            if rule not in rules:
                rules[rule] = crate.add(
                    SoftwareApplication(crate, identifier=f"#rule-{rule}", properties={"name": f"rule {rule}"})
                )
            code = record.get("code") or {}
            crate.add_action(
                rules[rule],
                object=[files[p] for p in node.inputs],
                result=[files[p] for p in outputs],
                properties={
                    "name": f"{rule} -> {', '.join(outputs)}",
                    "startTime": record.get("started"),
                    "description": json.dumps(
                        {"params": record.get("params"), "seed": record.get("seed"), "code": code},
                        ensure_ascii=False,
                        sort_keys=True,
                    ),
                },
            )
        crate.write(str(out_dir))
    return Path(out_dir) / "ro-crate-metadata.json"


PROV_NAMESPACES = {
    "artifact": "urn:empathy-r1:artifact:",
    "job": "urn:empathy-r1:job:",
    "wf": "urn:empathy-r1:",
}


def export_prov(graph: dict[str, Artifact], out_file: str | Path) -> Path:
    """Write the lineage DAG as W3C PROV-JSON (the ``prov`` package): artifacts are entities with their sha256,
    each job an activity (rule, params, seed, facts, times) that used its inputs, generated its outputs and was
    associated with the code commit as a software agent."""
    import datetime as dt

    from prov.model import ProvDocument

    doc = ProvDocument()
    for prefix, uri in PROV_NAMESPACES.items():
        doc.add_namespace(prefix, uri)
    jobs: dict[tuple[Any, ...], Any] = {}
    for node in graph.values():
        entity = doc.entity(f"artifact:{node.path}", {"wf:sha256": node.recorded_sha256 or ""})
        record = node.record
        if record is None:
            continue
        activity = jobs.get(node.job)
        if activity is None:
            started = dt.datetime.fromisoformat(record["started"]) if record.get("started") else None
            ended = started + dt.timedelta(seconds=record.get("seconds") or 0) if started else None
            attributes = {
                "wf:rule": record.get("rule") or "unknown",
                "wf:params": json.dumps(record.get("params"), ensure_ascii=False, sort_keys=True),
                "wf:facts": json.dumps(record.get("facts"), ensure_ascii=False, sort_keys=True),
            }
            if record.get("seed") is not None:
                attributes["wf:seed"] = record["seed"]
            activity = doc.activity(f"job:{node.rule}/{node.job[2][0]}", started, ended, attributes)
            jobs[node.job] = activity
            for path in node.inputs:
                doc.used(activity, f"artifact:{path}")
            agent = doc.agent(f"wf:code/{code_label(record)}", {"prov:type": "prov:SoftwareAgent"})
            doc.wasAssociatedWith(activity, agent)
        doc.wasGeneratedBy(entity, activity)
    out = Path(out_file)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(doc.serialize(indent=2), encoding="utf-8")
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """CLI entry point; exits 1 under --verify when any file is tampered, stale or missing."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] in (["diff"], ["why"]):
        from workflow_scripts import lineage_diff, lineage_why

        try:
            return (lineage_diff if argv[0] == "diff" else lineage_why).main(argv[1:])
        except InputError as err:
            print(f"error: {err}", file=sys.stderr)
            return 2
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("artifact", help="a file or directory under results/")
    parser.add_argument("--tree", action="store_true", help="the full upstream tree (shared subtrees repeated)")
    parser.add_argument("--depth", type=int, metavar="N", help="compact view: artifacts at most N steps upstream")
    parser.add_argument("--rule", metavar="NAME", help="compact view: only the artifacts rule NAME made")
    parser.add_argument("--verify", action="store_true", help="re-hash every file and report problems")
    parser.add_argument("--json", action="store_true", help="print the tree as JSON")
    parser.add_argument("--rocrate", metavar="DIR", help="also export the DAG as an RO-Crate into DIR")
    parser.add_argument("--prov", metavar="FILE", help="also export the DAG as W3C PROV-JSON into FILE")
    args = parser.parse_args(argv)
    if not Path(args.artifact).exists() and load_record(args.artifact) is None:
        print(f"error: {args.artifact} does not exist and has no provenance record", file=sys.stderr)
        return 2
    if args.tree or args.json:
        tree = build_tree(args.artifact, verify=args.verify)
        problems = iter_problems(tree)
        print(json.dumps(to_json(tree), ensure_ascii=False, indent=2) if args.json else "\n".join(render_text(tree)))
    else:
        graph = build_graph(args.artifact, verify=args.verify)
        problems = [(n.path, problem) for n in graph.values() for problem in n.problems]
        print("\n".join(render_compact(graph, args.artifact, depth=args.depth, rule=args.rule)))
    if args.rocrate:
        print(f"RO-Crate written to {export_rocrate(build_graph(args.artifact), args.rocrate)}", file=sys.stderr)
    if args.prov:
        print(f"PROV-JSON written to {export_prov(build_graph(args.artifact), args.prov)}", file=sys.stderr)
    if args.verify:
        print(f"verify: {len(problems)} problem(s)" if problems else "verify: all hashes match", file=sys.stderr)
    return 1 if problems else 0


def cli() -> None:
    """Console-script wrapper."""
    sys.exit(main())


if __name__ == "__main__":
    cli()
