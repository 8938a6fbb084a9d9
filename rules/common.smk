import json

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
    """What `snakemake` with no target builds: every stage that exists so far."""
    return [
        *expand("results/raw/{source}/posts.jsonl", source=crawl_sources()),
        "results/clean/posts.parquet",
        "results/table1.csv",
    ]


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
