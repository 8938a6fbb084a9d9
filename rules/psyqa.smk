# PsyQA import (user-supplied file; the demo ships a synthetic one), cleaned like Empathy-QA.

import os


rule psyqa:
    input:
        # the PsyQA JSON when present; when absent the step stops with where to get it (dry runs still work)
        data=lambda wc: [p for p in [config["psyqa"]["path"]] if os.path.exists(p)],
        taxonomy=lookup(dpath="label/taxonomy", within=config),
        spam=lookup(dpath="clean/lexicons/spam", within=config),
        psych=lookup(dpath="clean/lexicons/psych", within=config),
        offtopic=lookup(dpath="clean/lexicons/offtopic", within=config),
        crisis=lookup(dpath="clean/lexicons/crisis", within=config),
    output:
        posts="results/psyqa/posts.parquet",
        test="results/psyqa/test.parquet",
        report="results/psyqa/report.json",
    log:
        "logs/psyqa/psyqa.log",
    benchmark:
        "benchmarks/psyqa/psyqa.tsv"
    conda:
        "../envs/data.yaml"
    resources:
        mem_mb=4000,
        runtime=30,
    params:
        settings=settings("psyqa", "clean", "seed"),
        path=lookup(dpath="psyqa/path", within=config),
    shell:
        "python -m workflow_scripts.data.psyqa --psyqa {params.path:q} --taxonomy {input.taxonomy}"
        " --spam-lexicon {input.spam} --psych-lexicon {input.psych} --offtopic-lexicon {input.offtopic}"
        " --crisis-lexicon {input.crisis}"
        " --posts {output.posts} --test {output.test} --report {output.report}"
        " --params {params.settings:q} --rule psyqa 2> {log}"
