rule clean:
    input:
        raw=expand("results/raw/{source}/posts.jsonl", source=crawl_sources()),
        spam=lookup(dpath="clean/lexicons/spam", within=config),
        psych=lookup(dpath="clean/lexicons/psych", within=config),
        offtopic=lookup(dpath="clean/lexicons/offtopic", within=config),
        crisis=lookup(dpath="clean/lexicons/crisis", within=config),
    output:
        posts="results/clean/posts.parquet",
        report="results/clean/report.json",
    log:
        "logs/clean/clean.log",
    benchmark:
        "benchmarks/clean/clean.tsv"
    conda:
        "../envs/data.yaml"
    threads: 2
    resources:
        mem_mb=8000,
        runtime=30,
    params:
        settings=settings("clean", "seed"),
    shell:
        "python -m workflow_scripts.data.clean --raw {input.raw} --spam-lexicon {input.spam}"
        " --psych-lexicon {input.psych} --offtopic-lexicon {input.offtopic}"
        " --crisis-lexicon {input.crisis}"
        " --output {output.posts} --report {output.report} --workers {threads}"
        " --params {params.settings:q} --rule clean 2> {log}"
