"""A table's upstream lineage as a graph for the report (rule lineage_graph): one SVG per table.

Nodes are the rules upstream of the table (read from the provenance sidecars, as ``lineage`` does), each
with its job count, code commit and key facts (one job's seed and counts, teacher calls, reviewer
decisions); the source files they read are one node. Arrows run from a rule to the rules that read its
outputs. Drawn here as plain SVG (rules layered by their longest path from the sources, ordered within a
layer by where their inputs sit), so the report needs no Graphviz or JavaScript and renders offline.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from workflow_scripts.common.cli import run_main, step_parser
from workflow_scripts.common.provenance import recorded_step
from workflow_scripts.lineage import Artifact, build_graph, code_label, key_facts

log = logging.getLogger(__name__)
SOURCES = "source files"
NODE_W, NODE_H, GAP_X, GAP_Y, CHARS = 300, 84, 28, 56, 46


def rule_nodes(graph: dict[str, Artifact]) -> tuple[dict[str, list[str]], set[tuple[str, str]]]:
    """Text lines per rule node (name, jobs and code, facts) and the (producer, consumer) edges."""
    jobs: dict[str, dict[tuple[Any, ...], Artifact]] = {}
    edges: set[tuple[str, str]] = set()
    for node in graph.values():
        rule = node.rule or SOURCES
        jobs.setdefault(rule, {}).setdefault(node.job, node)
        for path in node.inputs:
            producer = graph[path].rule or SOURCES
            if producer != rule:
                edges.add((producer, rule))
    lines: dict[str, list[str]] = {}
    for rule, by_job in jobs.items():
        if rule == SOURCES:
            lines[rule] = [rule, f"{len(by_job)} files (versioned or user-supplied)"]
            continue
        records = [n.record for n in by_job.values() if n.record]
        commits = sorted({code_label(r) for r in records})
        head = (
            f"{len(by_job)} job{'s' if len(by_job) > 1 else ''} · code {commits[0] if len(commits) == 1 else 'mixed'}"
        )
        facts = key_facts(records[0], width=2 * CHARS) if len(records) == 1 else ""
        lines[rule] = [rule, head, *_wrap(facts)]
    return lines, edges


def _wrap(text: str) -> list[str]:
    if not text:
        return []
    return [text[:CHARS], text[CHARS : 2 * CHARS]] if len(text) > CHARS else [text]


def layout(nodes: Sequence[str], edges: set[tuple[str, str]]) -> dict[str, tuple[float, float]]:
    """Top-left corner of each node: layer = longest path from a node with no producer; barycentre order."""
    producers: dict[str, set[str]] = {n: set() for n in nodes}
    for src, dst in edges:
        producers[dst].add(src)
    layer: dict[str, int] = {}

    def depth(node: str, seen: frozenset[str] = frozenset()) -> int:
        if node not in layer:
            ups = [p for p in producers[node] if p not in seen]  # a rule-level cycle cannot recurse forever
            layer[node] = 1 + max((depth(p, seen | {node}) for p in ups), default=-1)
        return layer[node]

    for node in nodes:
        depth(node)
    rows: dict[int, list[str]] = {}
    for node in sorted(nodes):
        rows.setdefault(layer[node], []).append(node)
    position: dict[str, tuple[float, float]] = {}
    widest = max(len(r) for r in rows.values())
    for index in sorted(rows):
        row = rows[index]
        placed = {n: position[n][0] for n in position}

        def centre(node: str, placed: dict[str, float] = placed) -> float:
            xs = [placed[p] for p in producers[node] if p in placed]
            return sum(xs) / len(xs) if xs else 0.0

        row.sort(key=centre)
        offset = (widest - len(row)) * (NODE_W + GAP_X) / 2
        for i, node in enumerate(row):
            position[node] = (GAP_X + offset + i * (NODE_W + GAP_X), GAP_Y + index * (NODE_H + GAP_Y))
    return position


def render_svg(title: str, lines: dict[str, list[str]], edges: set[tuple[str, str]]) -> str:
    """The graph as a standalone SVG document."""
    position = layout(list(lines), edges)
    width = max(x for x, _ in position.values()) + NODE_W + GAP_X
    height = max(y for _, y in position.values()) + NODE_H + GAP_Y
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="sans-serif" font-size="12">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#555"/></marker></defs>',
        f'<text x="{GAP_X}" y="{GAP_Y / 2 + 4:.0f}" font-size="15" font-weight="bold">{html.escape(title)}</text>',
    ]
    for src, dst in sorted(edges):
        (x1, y1), (x2, y2) = position[src], position[dst]
        x1, y1, x2 = x1 + NODE_W / 2, y1 + NODE_H, x2 + NODE_W / 2
        mid = (y1 + y2) / 2
        out.append(
            f'<path d="M {x1:.0f} {y1:.0f} C {x1:.0f} {mid:.0f} {x2:.0f} {mid:.0f} {x2:.0f} {y2:.0f}" '
            'fill="none" stroke="#555" stroke-width="1.2" marker-end="url(#arrow)"/>'
        )
    for node, (x, y) in position.items():
        fill = "#f3f3f3" if node == SOURCES else "#e8f0fb"
        out.append(f'<g class="rule" id="rule-{html.escape(node)}">')
        out.append(
            f'<rect x="{x:.0f}" y="{y:.0f}" width="{NODE_W}" height="{NODE_H}" rx="6" fill="{fill}" stroke="#345"/>'
        )
        for i, text in enumerate(lines[node]):
            weight = ' font-weight="bold" font-size="14"' if i == 0 else ""
            out.append(f'<text x="{x + 8:.0f}" y="{y + 18 + i * 17:.0f}"{weight}>{html.escape(text)}</text>')
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out) + "\n"


def lineage_svg(table: str) -> tuple[str, int]:
    """The SVG of ``table``'s upstream lineage, and how many rules it shows."""
    graph = build_graph(table)
    lines, edges = rule_nodes(graph)
    rules = len(lines) - (SOURCES in lines)
    return render_svg(f"Lineage of {table}: {len(graph)} artifacts from {rules} rules", lines, edges), rules


def main(argv: Sequence[str] | None = None) -> None:
    parser = step_parser(__doc__.splitlines()[0])
    parser.add_argument("--table", required=True, help="a table with a provenance record (results/table2.csv)")
    parser.add_argument("--output", required=True, help="results/lineage/<table>.svg")
    args = parser.parse_args(argv)
    with recorded_step(args.rule, [args.table], [args.output], args.params) as facts:
        svg, rules = lineage_svg(args.table)
        Path(args.output).parent.mkdir(parents=True, exist_ok=True)
        Path(args.output).write_text(svg, encoding="utf-8")
        facts.update(rules=rules)
    log.info("wrote %s (%d rule nodes)", args.output, facts["rules"])


if __name__ == "__main__":
    run_main(main)
