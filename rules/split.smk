# Seeded, grouped, topic-stratified train/val/test; the leakage check fails the rule.


rule split:
    input:
        labeled="results/labeled/posts.parquet",
    output:
        train="results/splits/train.parquet",
        val="results/splits/val.parquet",
        test="results/splits/test.parquet",
        report="results/splits/report.json",
    log:
        "logs/split/split.log",
    benchmark:
        "benchmarks/split/split.tsv"
    conda:
        "../envs/data.yaml"
    resources:
        mem_mb=4000,
        runtime=30,
    params:
        settings=settings("split", "seed"),
    shell:
        "python -m workflow_scripts.data.split --labeled {input.labeled} --train {output.train}"
        " --val {output.val} --test {output.test} --report {output.report}"
        " --params {params.settings:q} --rule split 2> {log}"
