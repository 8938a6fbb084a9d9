"""A table's upstream lineage as a graph for the report (rule lineage_graph): one SVG per table.

Nodes are the rules upstream of the table (read from the provenance sidecars, as ``lineage`` does), each
with its job count, code commit, the number of source files it reads and key facts (one job's seed and
counts, teacher calls, reviewer decisions). Arrows run from a rule to the rules that read its
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
NODE_W, NODE_H, GAP_X, GAP_Y, CHARS = 300, 84, 28, 56, 44


def rule_nodes(graph: dict[str, Artifact]) -> tuple[dict[str, list[str]], set[tuple[str, str]]]:
    """Text lines per rule node (name, jobs, code and source files read, facts) and the (producer, consumer) edges.

    Source files are counted on the nodes of the rules that read them rather than drawn: as one node they
    would send an arrow to nearly every rule.
    """
    jobs: dict[str, dict[tuple[Any, ...], Artifact]] = {}
    sources: dict[str, set[str]] = {}
    edges: set[tuple[str, str]] = set()
    for node in graph.values():
        if node.rule is None:
            continue
        jobs.setdefault(node.rule, {}).setdefault(node.job, node)
        for path in node.inputs:
            producer = graph[path].rule
            if producer is None:
                sources.setdefault(node.rule, set()).add(path)
            elif producer != node.rule:
                edges.add((producer, node.rule))
    lines: dict[str, list[str]] = {}
    for rule, by_job in jobs.items():
        records = [n.record for n in by_job.values() if n.record]
        commits = sorted({code_label(r) for r in records})
        head = (
            f"{len(by_job)} job{'s' if len(by_job) > 1 else ''} · code {commits[0] if len(commits) == 1 else 'mixed'}"
        )
        if rule in sources:
            head += f" · {len(sources[rule])} source file{'s' if len(sources[rule]) > 1 else ''}"
        lines[rule] = [rule, head, *_wrap(key_facts(records[0]) if len(records) == 1 else "")]
    return lines, edges


def _wrap(text: str, lines: int = 2) -> list[str]:
    """Facts on at most two lines of CHARS, broken after a comma."""
    out: list[str] = []
    for part in filter(None, text.split(", ")):
        if out and len(out[-1]) + 2 + len(part) <= CHARS:
            out[-1] += ", " + part
        elif len(out) < lines:
            out.append(part[:CHARS])
        else:
            out[-1] = out[-1][: CHARS - 1] + "…"
            break
    return out


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
    width = max(max(x for x, _ in position.values()) + NODE_W, 9 * len(title)) + GAP_X
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
        colour = "#555" if y2 - y1 <= GAP_Y else "#9ab"  # arrows that skip layers run under the boxes, lighter
        out.append(
            f'<path d="M {x1:.0f} {y1:.0f} C {x1:.0f} {mid:.0f} {x2:.0f} {mid:.0f} {x2:.0f} {y2:.0f}" '
            f'fill="none" stroke="{colour}" stroke-width="1.2" marker-end="url(#arrow)"/>'
        )
    for node, (x, y) in position.items():
        out.append(f'<g class="rule" id="rule-{html.escape(node)}">')
        out.append(
            f'<rect x="{x:.0f}" y="{y:.0f}" width="{NODE_W}" height="{NODE_H}" rx="6" fill="#e8f0fb" stroke="#345"/>'
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
    title = f"Lineage of {table}: {len(graph)} artifacts from {len(lines)} rule{'s' if len(lines) != 1 else ''}"
    return render_svg(title, lines, edges), len(lines)


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
