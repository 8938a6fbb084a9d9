# The documented, audited dataset release (not a default target: `snakemake results/release/empathy_qa`).
# Refuses, naming what is missing and writing nothing, until the gate in release.* passes.


rule release:
    input:
        train="results/splits/train.parquet",
        val="results/splits/val.parquet",
        test="results/splits/test.parquet",
        split_report="results/splits/report.json",
        clean_report="results/clean/report.json",
        label_report="results/labeled/report.json",
        crawl_stats=expand(
            "results/raw/{source}/crawl_stats.json", source=crawl_sources()
        ),
        chains="results/distill/approved.jsonl",
        ground_truth=release_ground_truth(),
    output:
        release=directory("results/release/empathy_qa"),
    log:
        "logs/release/release.log",
    benchmark:
        "benchmarks/release/release.tsv"
    conda:
        "../envs/data.yaml"
    resources:
        mem_mb=4000,
        runtime=30,
    params:
        settings=settings("release"),
    shell:
        "python -m workflow_scripts.data.release --train {input.train} --val {input.val} --test {input.test}"
        " --split-report {input.split_report} --clean-report {input.clean_report}"
        " --label-report {input.label_report} --crawl-stats {input.crawl_stats} --chains {input.chains}"
        " --output {output.release} --params {params.settings:q} --rule release 2> {log}"
