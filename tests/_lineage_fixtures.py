"""A demo-shaped lineage for fast tests: the demo DAG's rules, artifacts and inputs, as tiny files with sidecars.

``build_demo(root, config)`` runs a stand-in for every rule upstream of ``results/table2.csv`` in DAG order:
each step writes small outputs derived from its inputs' bytes and its params (the config subtrees the real rule
reads) through ``recorded_step``, so the sidecars have the real shape. Like Snakemake, a step is skipped when
its outputs exist and neither its inputs nor its params changed since its record; a changed config key therefore
reruns exactly its readers and their downstream cone.
"""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Any

from workflow_scripts.common.provenance import load_record, recorded_step, sha256_path

# Systems in the demo's Tables 2-4 and the test sets each is scored on (14 score files in all).
SYSTEMS = {
    "empathy_r1": ("grpo", ("empathy_qa", "psyqa")),
    "base_nt": ("base", ("empathy_qa", "psyqa")),
    "base_t": ("base", ("empathy_qa", "psyqa")),
    "sft_only": ("sft", ("empathy_qa", "psyqa")),
    "demo_teacher": (None, ("empathy_qa", "psyqa")),
    "retrieval": (None, ("empathy_qa", "psyqa")),
    "grpo_only": ("grpo_only", ("empathy_qa",)),
    "wo_coe": ("grpo_nocoe", ("empathy_qa",)),
}
CONFIG: dict[str, Any] = {
    "seed": 42,
    "demo_site": {"seed": 7, "n_questions": 400},
    "crawl": {"settings": {"robotstxt_obey": True}, "sources": {"demo": {"demo_site": True}}},
    "clean": {"min_answer_chars": 100, "near_duplicate": {"threshold": 0.8}},
    "label": {"taxonomy": "resources/taxonomy/topics.yaml"},
    "split": {"test_size": 50, "near_duplicate": {"threshold": 0.7}},
    "psyqa": {"test_size": 40},
    "base_model": {"hidden_size": 64},
    "distill": {"n_candidates": 60, "teacher": "demo"},
    "review": {"target_approved": 30, "mode": "auto"},
    "sft": {"learning_rate": 2.0e-4},
    "reward": {"training": {"margin": 0.5}},
    "grpo": {"train": {"learning_rate": 1.0e-6}},
    "generate": {"systems": {name: {"temperature": 0.0} for name in SYSTEMS}},
    "tables": {"bootstrap": {"resamples": 1000}, "table2": {"rows": 6}},
}
SOURCES = [
    "resources/lexicons/spam.txt",
    "resources/lexicons/psych.txt",
    "resources/lexicons/offtopic.txt",
    "resources/lexicons/crisis.txt",
    "resources/taxonomy/topics.yaml",
    "resources/label/demo_tag_map.yaml",
    "resources/psyqa/PsyQA_example.json",
    "resources/prompts/coe_distill.yaml",
    "resources/lexicons/coe_emotions.yaml",
    "resources/lexicons/coe_causes.yaml",
    "resources/lexicons/coe_intents.yaml",
    "resources/lexicons/coe_strategies.yaml",
    "resources/prompts/eval_systems.yaml",
    "resources/paper_tables.csv",
]
COE_LEXICONS = SOURCES[8:12]


def pick(config: dict[str, Any], *keys: str) -> dict[str, Any]:
    """The params a rule carries: exactly these dotted config subtrees (as rules/common.smk ``settings``)."""
    picked = {}
    for key in keys:
        node = config
        for part in key.split("."):
            node = node[part]
        picked[key] = copy.deepcopy(node)
    return picked


def steps(config: dict[str, Any]) -> list[tuple[str, list[str], list[str], dict[str, Any], dict[str, Any]]]:
    """(rule, inputs, outputs, params, facts) for every job upstream of results/table2.csv, in DAG order."""
    r = "results/"
    jobs = [
        ("demo_site", [], [r + "demo_site/site"], pick(config, "demo_site"), {"questions": 400, "planted_pii": 37}),
        (
            "crawl",
            [r + "demo_site/site"],
            [r + "raw/demo/posts.jsonl", r + "raw/demo/stats.json"],
            pick(config, "crawl.settings", "crawl.sources.demo"),
            {"items": 400, "retried": 12},
        ),
        (
            "clean",
            [r + "raw/demo/posts.jsonl", *SOURCES[:4]],
            [r + "clean/posts.parquet", r + "clean/report.json"],
            pick(config, "clean", "seed"),
            {"posts_in": 400, "posts_out": 352, "pii_replaced": 41},
        ),
        (
            "label",
            [r + "clean/posts.parquet", SOURCES[4], SOURCES[5]],
            [r + "labeled/posts.parquet", r + "labeled/report.json"],
            pick(config, "label", "seed"),
            {"posts": 352},
        ),
        (
            "split",
            [r + "labeled/posts.parquet"],
            [r + f"splits/{s}.parquet" for s in ("train", "val", "test")],
            pick(config, "split", "seed"),
            {"sizes": {"train": 252, "val": 50, "test": 50}},
        ),
        ("psyqa", [SOURCES[6]], [r + "psyqa/test.parquet"], pick(config, "psyqa", "seed"), {"test": 40}),
        (
            "base_model",
            [r + "splits/train.parquet"],
            [r + "models/base"],
            pick(config, "base_model", "seed"),
            {"parameters": 1_234_567},
        ),
        (
            "distill_select",
            [r + "splits/train.parquet"],
            [r + "distill/selected.jsonl"],
            pick(config, "distill", "seed"),
            {"selected": 60},
        ),
        (
            "distill",
            [r + "distill/selected.jsonl", SOURCES[7], *COE_LEXICONS],
            [r + "distill/candidates.jsonl", r + "distill/usage.json"],
            pick(config, "distill"),
            {"teacher_model": "demo-lexicon", "api_calls_made": 0, "api_calls_cached": 60, "valid": 58},
        ),
        (
            "review_sheet",
            [r + "distill/candidates.jsonl"],
            [r + "review/sheet.html", r + "review/sheet.csv"],
            pick(config, "review"),
            {"candidates": 60, "valid": 58},
        ),
        (
            "review_gate",
            [r + "distill/candidates.jsonl", r + "review/sheet.html"],
            [r + "distill/approved.jsonl"],
            pick(config, "review"),
            {"decisions": {"approved": 30, "rejected": 2, "edited": 1, "pending": 25}},
        ),
    ]
    for name in ("sft", "sft_nocoe"):
        jobs.append(
            (
                "sft",
                [r + "distill/approved.jsonl", r + "models/base", r + "splits/val.parquet"],
                [r + f"models/{name}"],
                pick(config, "sft", "seed"),
                {"format_adherence": 0.97},
            )
        )
    jobs.append(
        (
            "reward_model",
            [r + "splits/train.parquet", r + "splits/val.parquet"],
            [r + "models/reward"],
            pick(config, "reward", "seed"),
            {"triplet_accuracy": 0.93},
        )
    )
    for name, init in (("grpo", "sft"), ("grpo_only", "base"), ("grpo_nocoe", "sft_nocoe")):
        jobs.append(
            (
                "grpo",
                [r + f"models/{init}", r + "models/reward", r + "splits/train.parquet"],
                [r + f"models/{name}"],
                pick(config, "grpo", "seed"),
                {"steps": 20},
            )
        )
    metrics = []
    for system, (model, testsets) in SYSTEMS.items():
        for testset in testsets:
            test = r + ("psyqa/test.parquet" if testset == "psyqa" else "splits/test.parquet")
            source = [r + f"models/{model}"] if model else [r + "splits/train.parquet"]
            if system == "demo_teacher":
                source += COE_LEXICONS
            generation, metric = r + f"generations/{testset}/{system}.jsonl", r + f"metrics/{testset}/{system}.json"
            jobs.append(
                (
                    "generate",
                    [test, SOURCES[12], *source],
                    [generation],
                    pick(config, f"generate.systems.{system}", "seed"),
                    {"system": system, "testset": testset, "items": 50, "unparseable": 0},
                )
            )
            jobs.append(
                ("score", [generation, test], [metric], pick(config, "tables.bootstrap"), {"n": 50, "NAvg": 0.21})
            )
            metrics.append(metric)
    jobs.append(
        (
            "tables",
            [*metrics, SOURCES[13]],
            [r + f"table{n}.csv" for n in (2, 3, 4)],
            pick(config, "tables.table2"),
            {"table2": {"rows": 6, "not_run": 0}},
        )
    )
    return jobs  # fmt: skip


def _write(path: Path, text: str) -> None:
    if path.name in ("site", "base", "sft", "sft_nocoe", "reward", "grpo", "grpo_only", "grpo_nocoe"):
        path.mkdir(parents=True, exist_ok=True)
        (path / "content.txt").write_text(text, encoding="utf-8")
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _up_to_date(outputs: list[str], inputs: list[str], params: dict[str, Any]) -> bool:
    for out in outputs:
        record = load_record(out)
        if record is None or record["params"] != params:
            return False
        if {i["path"]: i["sha256"] for i in record["inputs"]} != {p: sha256_path(p) for p in inputs}:
            return False
    return True


def build_demo(root: Path, config: dict[str, Any] | None = None) -> list[str]:
    """Run (or rerun, Snakemake-like) every step under ``root`` (the cwd); return the outputs written."""
    config = config or CONFIG
    for source in SOURCES:
        if not (root / source).exists():
            _write(root / source, f"versioned input {source}\n")
    ran = []
    for rule, inputs, outputs, params, facts in steps(config):
        if _up_to_date(outputs, inputs, params):
            continue
        seed = params.get("seed")
        with recorded_step(rule, inputs, outputs, params, seed) as record_facts:
            digest = hashlib.sha256(json.dumps(params, sort_keys=True).encode())
            for inp in inputs:
                digest.update(sha256_path(inp).encode())
            for out in outputs:
                _write(root / out, f"{rule} {out} {digest.hexdigest()}\n")
            record_facts.update(facts)
        ran.extend(outputs)
    return ran


TINY_SNAKEFILE = """import json

configfile: "config.yaml"


def settings(key):
    return json.dumps({key: config[key]}, sort_keys=True)


rule all:
    input:
        "results/c.txt",


rule a:
    input:
        "resources/src.txt",
    output:
        "results/a.txt",
    params:
        settings=settings("a"),
    shell:
        "python step.py --rule a --params {params.settings:q} --inputs {input} --output {output}"


rule b:
    input:
        "results/a.txt",
    output:
        "results/b.txt",
    params:
        settings=settings("b"),
    shell:
        "python step.py --rule b --params {params.settings:q} --inputs {input} --output {output}"


rule c:
    input:
        "results/b.txt",
    output:
        "results/c.txt",
    params:
        settings=settings("c"),
    shell:
        "python step.py --rule c --params {params.settings:q} --inputs {input} --output {output}"
"""
TINY_STEP = """import argparse
import json
from pathlib import Path

from workflow_scripts.common.provenance import recorded_step

parser = argparse.ArgumentParser()
parser.add_argument("--inputs", nargs="*", default=[])
parser.add_argument("--rule")
parser.add_argument("--params")
parser.add_argument("--output", nargs="+")
args = parser.parse_args()
with recorded_step(args.rule, args.inputs, args.output, params=json.loads(args.params)) as facts:
    text = "".join(Path(p).read_text(encoding="utf-8") for p in args.inputs) + args.params + "\\n"
    for output in args.output:
        Path(output).write_text(text, encoding="utf-8")
    facts["lines"] = text.count("\\n")
"""
TINY_CONFIG = {"a": {"size": 1, "name": "x"}, "b": {"k": 1}, "c": {"k": 1}}


TINY_TABLES = """

include: "rules/lineage.smk"


rule tables:
    input:
        "results/c.txt",
    output:
        "results/table1.csv",
        "results/table2.csv",
    shell:
        "python step.py --rule tables --params '{{}}' --inputs {input} --output {output}"
"""


def write_tiny_workflow(root: Path, config: dict[str, Any] | None = None, tables: bool = False) -> Path:
    """A three-rule Snakemake workflow (a -> b -> c) whose steps write provenance like the real ones.

    ``tables``: also a rule writing results/table1.csv and table2.csv from c, and the real rules/lineage.smk
    (with its caption and conda env) to draw their lineage graphs for the report.
    """
    (root / "resources").mkdir(parents=True, exist_ok=True)
    (root / "resources/src.txt").write_text("source\n", encoding="utf-8")
    snakefile = TINY_SNAKEFILE
    if tables:
        repo = Path(__file__).resolve().parents[1]
        for path in ("rules/lineage.smk", "report/lineage.rst", "envs/eval.yaml"):
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_text((repo / path).read_text(encoding="utf-8"), encoding="utf-8")
        snakefile = snakefile.replace(
            '"results/c.txt",\n\n\nrule a:',
            '"results/lineage/table1.svg",\n        "results/lineage/table2.svg",\n\n\nrule a:',
            1,
        )
        snakefile += TINY_TABLES
    (root / "Snakefile").write_text(snakefile, encoding="utf-8")
    (root / "step.py").write_text(TINY_STEP, encoding="utf-8")
    (root / "config.yaml").write_text(json.dumps(config or TINY_CONFIG), encoding="utf-8")
    return root
