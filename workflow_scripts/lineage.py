"""Where did an artifact come from? Walk provenance sidecars upstream and verify hashes.

    lineage results/clean/posts.parquet            # the upstream tree
    lineage results/clean/posts.parquet --verify   # re-hash: tampered or stale files
    lineage results/clean/posts.parquet --json
    lineage results/table1.csv --rocrate results/lineage/table1   # RO-Crate metadata

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

from workflow_scripts.common.io import read_json
from workflow_scripts.common.provenance import sha256_path, sidecar_path


@dataclass
class Node:
    """One artifact in the lineage tree, with its record (None for a source file)."""

    path: str
    record: dict[str, Any] | None
    recorded_sha256: str | None
    parents: list[Node] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def load_record(artifact: str | Path) -> dict[str, Any] | None:
    """The provenance record of an artifact, or None if it has none (a versioned source file)."""
    sidecar = sidecar_path(artifact)
    return read_json(sidecar) if sidecar.exists() else None


def build_tree(artifact: str | Path, verify: bool = False, _expected: str | None = None) -> Node:
    """Build the upstream tree of ``artifact``; with ``verify`` re-hash and note problems."""
    path = str(artifact)
    record = load_record(path)
    node = Node(path=path, record=record, recorded_sha256=record["sha256"] if record else _expected)
    exists = Path(path).exists()
    if verify:
        if not exists:
            node.problems.append("missing: the file is gone")
        else:
            actual = sha256_path(path)
            if record and actual != record["sha256"]:
                node.problems.append("tampered: content differs from its provenance record")
            if _expected and actual != _expected:
                node.problems.append("stale: changed since the downstream artifact was built from it")
    if record:
        for inp in record.get("inputs", []):
            node.parents.append(build_tree(inp["path"], verify=verify, _expected=inp["sha256"]))
    return node


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


def _walk(node: Node) -> list[Node]:
    return [node, *(n for parent in node.parents for n in _walk(parent))]


def export_rocrate(tree: Node, out_dir: str | Path) -> Path:
    """Write the tree as an RO-Crate (metadata only: files are referenced, not copied).

    Each artifact is a File with its sha256; each step is a CreateAction whose instrument
    is the rule, with the inputs as ``object`` and the outputs as ``result``.
    """
    from rocrate.model.softwareapplication import SoftwareApplication
    from rocrate.rocrate import ROCrate

    crate = ROCrate()
    files: dict[str, Any] = {}
    rules: dict[str, Any] = {}
    nodes = _walk(tree)
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
                object=[files[p.path] for p in node.parents],
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


def main(argv: Sequence[str] | None = None) -> int:
    """CLI entry point; exits 1 under --verify when any file is tampered, stale or missing."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("artifact", help="a file or directory under results/")
    parser.add_argument("--verify", action="store_true", help="re-hash every file and report problems")
    parser.add_argument("--json", action="store_true", help="print the tree as JSON")
    parser.add_argument("--rocrate", metavar="DIR", help="also export the tree as an RO-Crate into DIR")
    args = parser.parse_args(argv)
    if not Path(args.artifact).exists() and load_record(args.artifact) is None:
        print(f"error: {args.artifact} does not exist and has no provenance record", file=sys.stderr)
        return 2
    tree = build_tree(args.artifact, verify=args.verify)
    if args.json:
        print(json.dumps(to_json(tree), ensure_ascii=False, indent=2))
    else:
        print("\n".join(render_text(tree)))
    if args.rocrate:
        print(f"RO-Crate written to {export_rocrate(tree, args.rocrate)}", file=sys.stderr)
    problems = iter_problems(tree)
    if args.verify:
        print(f"verify: {len(problems)} problem(s)" if problems else "verify: all hashes match", file=sys.stderr)
    return 1 if problems else 0


def cli() -> None:
    """Console-script wrapper."""
    sys.exit(main())


if __name__ == "__main__":
    cli()
