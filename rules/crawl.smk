# Crawl one Q&A source with its site profile (config crawl.sources.<source>) into one item per question.
# The bundled demo site is served on a free loopback port for the crawl's duration; real sites are
# crawled over the web. Resumable state and the HTTP cache live in results/raw/{source}/.jobdir/.


rule crawl:
    input:
        site=crawl_inputs,
    output:
        posts="results/raw/{source}/posts.jsonl",
        stats="results/raw/{source}/crawl_stats.json",
    log:
        "logs/crawl/{source}.log",
    benchmark:
        "benchmarks/crawl/{source}.tsv"
    wildcard_constraints:
        source="[A-Za-z0-9_-]+",
    conda:
        "../envs/crawl.yaml"
    resources:
        mem_mb=2000,
        runtime=60,
    params:
        settings=crawl_settings,
    shell:
        "python -m workflow_scripts.data.crawl.run --source {wildcards.source} --site {input.site}"
        " --output {output.posts} --stats {output.stats} --jobdir results/raw/{wildcards.source}/.jobdir"
        " --params {params.settings:q} --rule crawl 2> {log}"
