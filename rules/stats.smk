# Table 1: both datasets' statistics and test-set topic shares, beside the paper's.


rule table1:
    input:
        labeled="results/labeled/posts.parquet",
        test="results/splits/test.parquet",
        psyqa_posts="results/psyqa/posts.parquet",
        psyqa_test="results/psyqa/test.parquet",
        taxonomy=lookup(dpath="label/taxonomy", within=config),
    output:
        csv=report(
            "results/table1.csv", caption="../report/table1.rst", category="Tables"
        ),
        md="results/table1.md",
    log:
        "logs/table1/table1.log",
    benchmark:
        "benchmarks/table1/table1.tsv"
    conda:
        "../envs/data.yaml"
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        settings=settings("stats"),
    shell:
        "python -m workflow_scripts.data.stats --labeled {input.labeled} --test {input.test}"
        " --psyqa-posts {input.psyqa_posts} --psyqa-test {input.psyqa_test} --taxonomy {input.taxonomy}"
        " --csv {output.csv} --md {output.md} --params {params.settings:q} --rule table1 2> {log}"
