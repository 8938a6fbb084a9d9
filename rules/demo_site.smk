# Synthetic demo Q&A site with planted PII, noise and HTTP faults, plus its ground truth (tests only).


rule demo_site:
    input:
        taxonomy="resources/taxonomy/taxonomy.yaml",
        lexicon="resources/demo_site/lexicon.yaml",
    output:
        site=directory("results/demo_site/site"),
        ground_truth="results/demo_site/ground_truth.jsonl",
    log:
        "logs/demo_site/demo_site.log",
    benchmark:
        "benchmarks/demo_site/demo_site.tsv"
    conda:
        "../envs/data.yaml"
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        settings=settings("demo_site"),
    shell:
        "python -m workflow_scripts.data.demo_site generate"
        " --taxonomy {input.taxonomy} --lexicon {input.lexicon}"
        " --site {output.site} --ground-truth {output.ground_truth}"
        " --params {params.settings:q} --rule demo_site 2> {log}"
