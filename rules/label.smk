# Topic + subtopic labels from resources/taxonomy (site tags, then keywords + naive Bayes, or an LLM).

import glob
import os


rule label:
    input:
        clean="results/clean/posts.parquet",
        taxonomy=lookup(dpath="label/taxonomy", within=config),
        # every per-source tag map (a source without one matches topic names only)
        tag_maps=lambda wc: (
            sorted(glob.glob(os.path.join(config["label"]["tag_maps_dir"], "*.yaml")))
            if config["label"]["tag_maps_dir"]
            else []
        ),
        # demo only: the true topics, to score the finished labels in report.json (never to make them)
        ground_truth=lambda wc: config["label"].get("score_against") or [],
        # label.method llm: the versioned prompt the chat model is asked with
        prompt=lambda wc: (
            [config["label"]["llm"]["prompt"]]
            if config["label"]["method"] == "llm"
            else []
        ),
    output:
        posts="results/labeled/posts.parquet",
        report="results/labeled/report.json",
    log:
        "logs/label/label.log",
    benchmark:
        "benchmarks/label/label.tsv"
    conda:
        "../envs/data.yaml"
    resources:
        mem_mb=4000,
        runtime=30,
    params:
        settings=settings("label", "seed"),
    shell:
        "python -m workflow_scripts.data.label --clean {input.clean} --output {output.posts}"
        " --report {output.report} --params {params.settings:q} --rule label 2> {log}"
