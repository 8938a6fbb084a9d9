import json
import re

from snakemake.utils import validate

validate(config, schema="../config/schema/config.schema.yaml")


def settings(*keys):
    """JSON of exactly the config subtrees a step reads; as params, a change reruns only that step.

    Dotted keys reach into sections ("crawl.sources"); the step receives them by the same key.
    """
    picked = {}
    for key in keys:
        node = config
        for part in key.split("."):
            node = node[part]
        picked[key] = node
    return json.dumps(picked, sort_keys=True, ensure_ascii=False)


def crawl_sources():
    """Sources the config enables for crawling (each must have a profile under crawl.sources)."""
    enabled = list(config["crawl"]["enabled"])
    unknown = [name for name in enabled if name not in config["crawl"]["sources"]]
    if unknown:
        raise ValueError(
            f"config crawl.enabled names {unknown}, which have no profile under crawl.sources "
            f"(known: {sorted(config['crawl']['sources'])})"
        )
    return enabled


def crawl_inputs(wildcards):
    """The demo site directory for the bundled demo source; nothing for real sites (crawled over the web)."""
    if config["crawl"]["sources"][wildcards.source]["demo_site"]:
        return "results/demo_site/site"
    return []


def crawl_settings(wildcards):
    """Params of one crawl: the shared crawl settings and this source's profile only."""
    return settings("crawl.settings", f"crawl.sources.{wildcards.source}")


def final_targets():
    """What `snakemake` with no target builds: every stage that exists so far, and each table's lineage graph."""
    targets = [
        *expand("results/raw/{source}/posts.jsonl", source=crawl_sources()),
        "results/clean/posts.parquet",
        "results/table1.csv",
        "results/table2.csv",
        "results/table3.csv",
        "results/table4.csv",
        "results/table5.csv",
    ]
    return targets + lineage_graphs(targets)


def lineage_graphs(targets):
    """The report's lineage page: results/lineage/<table>.svg for each results/table<N>.csv among the targets."""
    tables = [t for t in targets if re.fullmatch(r"results/table[0-9]+\.csv", t)]
    return [
        t.replace("results/", "results/lineage/").replace(".csv", ".svg")
        for t in tables
    ]


def release_ground_truth():
    """PII ground-truth files of the crawled sources (release.anonymisation.ground_truth); others are not inputs."""
    truth = config["release"]["anonymisation"]["ground_truth"]
    return [truth[source] for source in crawl_sources() if source in truth]


def distill_lexicons():
    """The demo teacher's lexicon files (inputs only when the demo teacher is used)."""
    if config["distill"]["teacher"] != "demo":
        return []
    return list(config["distill"]["demo"]["lexicons"].values())


def review_sheet_html(wildcards):
    """The review sheet, once the review_sheet checkpoint ran (the gate waits for it)."""
    return checkpoints.review_sheet.get().output.html


def review_decisions(wildcards):
    """The decisions file once a reviewer wrote it: editing it reruns the gate."""
    path = config["review"]["decisions"]
    return [path] if os.path.exists(path) else []


def grpo_init_model(wildcards):
    """The model dir a GRPO variant starts from (grpo.variants.<name>.init: base, sft or sft_nocoe)."""
    variant = config["grpo"]["variants"][wildcards.grpo_variant]
    return f"results/models/{variant['init']}"


def grpo_settings(wildcards):
    """Params of one GRPO variant: the shared train/eval settings and this variant's entry only."""
    variant = f"grpo.variants.{wildcards.grpo_variant}"
    return settings("seed", "train.cpu_ranks", "grpo.train", "grpo.eval", variant)


def eval_system(name):
    """A system's generate settings; a name not under generate.systems stops the run with the known names."""
    systems = config["generate"]["systems"]
    if name not in systems:
        raise ValueError(
            f"system {name!r} is not under generate.systems (known: {sorted(systems)})"
        )
    return systems[name]


def eval_systems():
    """Systems the config enables for generation, scoring and the tables."""
    return [name for name in config["generate"]["enabled"] if eval_system(name)]


def generate_inputs(wildcards):
    """Test parquet, prompt formats, and what the system needs: its rule-built model dir or train split."""
    system = eval_system(wildcards.system)
    inputs = {
        "test": config["generate"]["test_sets"][wildcards.testset]["path"],
        "prompts": config["generate"]["prompts"],
    }
    if system.get("model", "").startswith("results/"):
        inputs["model"] = system["model"]
    if system["backend"] in ("retrieval", "demo_teacher"):
        inputs["train"] = system["train"]
    if system["backend"] == "demo_teacher":
        inputs.update(config["distill"]["demo"]["lexicons"])
    return inputs


def generate_settings(wildcards):
    """Params of one generation: this system's and this test set's settings (+ lexicons for the demo teacher)."""
    keys = [
        "seed",
        f"generate.systems.{wildcards.system}",
        f"generate.test_sets.{wildcards.testset}",
    ]
    if eval_system(wildcards.system)["backend"] == "demo_teacher":
        keys.append("distill.demo.lexicons")
    return settings(*keys)


def generate_train_arg(wildcards):
    """`--train PATH` for retrieval systems, nothing otherwise."""
    system = eval_system(wildcards.system)
    return (
        f"--train {system['train']}"
        if system["backend"] in ("retrieval", "demo_teacher")
        else ""
    )


def generate_gpus(wildcards):
    """GPUs a generation job asks the scheduler for (generate.systems.<name>.gpus, default 0)."""
    return int(eval_system(wildcards.system).get("gpus", 0))


def score_test(wildcards):
    return config["generate"]["test_sets"][wildcards.testset]["path"]


def score_settings(wildcards):
    """Params of one scoring: the test set's item cap and the bootstrap settings."""
    return settings(f"generate.test_sets.{wildcards.testset}", "tables.bootstrap")


def table_metrics():
    """Metrics files the tables read: every enabled system in a table row, on that table's test sets."""
    enabled = set(eval_systems())
    paths = []
    for table in ("table2", "table3", "table4"):
        spec = config["tables"][table]
        for testset in spec["test_sets"]:
            for row in spec["rows"]:
                path = f"results/metrics/{testset}/{row['system']}.json"
                if row["system"] in enabled and path not in paths:
                    paths.append(path)
    return paths


def human_summaries(wildcards):
    """Human-evaluation summaries: built from whatever rankings exist (none yet: figures pending).

    New or edited rankings rerun the aggregation and then the tables.
    """
    return list(human_summary_paths().values())


def human_summary_paths():
    testsets = config["tables"]["table2"]["test_sets"]
    return {t: config["tables"]["human"].format(testset=t) for t in testsets}


def human_args(wildcards):
    """`TESTSET=path` pairs for the tables step (a missing file means pending)."""
    return " ".join(f"{t}={p}" for t, p in human_summary_paths().items())


def human_systems():
    """Systems ranked by annotators; each must be a system under generate.systems."""
    return [name for name in config["human"]["systems"] if eval_system(name)]


def human_test(wildcards):
    """The test parquet of a ranked test set (the one generation reads)."""
    if wildcards.testset not in config["human"]["testsets"]:
        raise ValueError(
            f"test set {wildcards.testset!r} is not under human.testsets ({config['human']['testsets']})"
        )
    return config["generate"]["test_sets"][wildcards.testset]["path"]


def human_sample_settings(wildcards):
    """Params of the evaluation-set sample: its size and seed, and the test set's generation cap."""
    return settings(
        "human.seed",
        "human.samples_per_testset",
        f"generate.test_sets.{wildcards.testset}",
    )


def human_rankings(wildcards):
    """Annotators' rankings files that exist: a new or longer file reruns the aggregation."""
    root = config["human"]["rankings"]
    if not os.path.isdir(root):
        return []
    return sorted(
        os.path.join(root, name)
        for name in os.listdir(root)
        if name.endswith(".jsonl") and not name.startswith(".")
    )


def judge_systems():
    """Systems the judge scores: those under judge.systems that generation has enabled."""
    enabled = set(eval_systems())
    return [
        name
        for name in config["judge"]["systems"]
        if eval_system(name) and name in enabled
    ]


def judge_reference():
    """The pairwise reference system (judge.reference), or None when pairwise mode is off."""
    reference = config["judge"]["reference"]
    return reference if reference is None or eval_system(reference) else None


def judge_outputs():
    """Judged answers Table 5 reads: every judged system on every judged test set."""
    return expand(
        "results/judge/{testset}/{system}.jsonl",
        testset=config["judge"]["test_sets"],
        system=judge_systems(),
    )


def judge_inputs(wildcards):
    """Posts, the system's answers, the reference system's (pairwise), the rubric and lexicons."""
    judge = config["judge"]
    inputs = {
        "test": config["generate"]["test_sets"][wildcards.testset]["path"],
        "generations": f"results/generations/{wildcards.testset}/{wildcards.system}.jsonl",
        "rubric": judge["rubric"],
        **judge["crisis"],
    }
    reference = judge_reference()
    if reference and reference != wildcards.system:
        inputs["reference"] = (
            f"results/generations/{wildcards.testset}/{reference}.jsonl"
        )
    if judge["backend"] == "demo":
        inputs.update(judge["demo"]["lexicons"], cues=judge["demo"]["cues"])
    return inputs


def judge_reference_arg(wildcards, input):
    """`--reference PATH` when this system is compared with the reference system, nothing otherwise."""
    reference = getattr(input, "reference", None)
    return f"--reference {reference}" if reference else ""


def judge_settings(wildcards):
    """Params of one judge job: the judge section (without what only Table 5 reads) and the test set's cap."""
    judge = {
        k: v
        for k, v in config["judge"].items()
        if k not in ("systems", "test_sets", "bootstrap")
    }
    picked = json.loads(settings(f"generate.test_sets.{wildcards.testset}"))
    picked["judge"] = judge
    return json.dumps(picked, sort_keys=True, ensure_ascii=False)


def table5_human():
    """Human-evaluation outputs per judged test set that annotators rank (pending figures until they do)."""
    testsets = [
        t for t in config["judge"]["test_sets"] if t in config["human"]["testsets"]
    ]
    return {t: f"results/human/{t}" for t in testsets}


def table5_human_files(wildcards):
    return [
        f"{folder}/{name}"
        for folder in table5_human().values()
        for name in ("samples.jsonl", "summary.json", "agreement.json")
    ]


def table5_human_args(wildcards):
    return " ".join(f"{t}={folder}" for t, folder in table5_human().items())
