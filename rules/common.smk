import json

from snakemake.utils import validate


validate(config, schema="../config/schema/config.schema.yaml")


def settings(*keys):
    """JSON of exactly the config subtrees a rule reads: its params, so a change reruns only it.

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
    """Sources the config enables for crawling."""
    return list(config["crawl"]["enabled"])


def final_targets():
    """What `snakemake` with no target builds: every stage that exists so far."""
    return [
        *expand("results/raw/{source}/posts.jsonl", source=crawl_sources()),
        "results/clean/posts.parquet",
    ]
