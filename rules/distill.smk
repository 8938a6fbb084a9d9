# CoE distillation from a teacher (DeepSeek-R1 over its API, or the offline demo teacher) and the
# review checkpoint that gates what SFT trains on.
# selected.jsonl -> candidates.jsonl (+ usage.json) -> review sheet (checkpoint) -> approved.jsonl


rule distill_select:
    input:
        train="results/splits/train.parquet",
    output:
        selected="results/distill/selected.jsonl",
    log:
        "logs/distill_select/distill_select.log",
    benchmark:
        "benchmarks/distill_select/distill_select.tsv"
    conda:
        "../envs/distill.yaml"
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        settings=settings("seed", "distill.n_candidates"),
    shell:
        "python -m workflow_scripts.distill.candidates --train {input.train} --output {output.selected}"
        " --params {params.settings:q} --rule distill_select 2> {log}"


rule distill:
    input:
        selected="results/distill/selected.jsonl",
        prompt=config["distill"]["prompt"],
        lexicons=distill_lexicons(),
    output:
        candidates="results/distill/candidates.jsonl",
        usage="results/distill/usage.json",
    log:
        "logs/distill/distill.log",
    benchmark:
        "benchmarks/distill/distill.tsv"
    conda:
        "../envs/distill.yaml"
    resources:
        mem_mb=2000,
        runtime=600,
    params:
        settings=settings("distill"),
    shell:
        "python -m workflow_scripts.distill.distill --selected {input.selected} --prompt {input.prompt}"
        " --output {output.candidates} --usage {output.usage}"
        " --params {params.settings:q} --rule distill 2> {log}"


checkpoint review_sheet:
    input:
        candidates="results/distill/candidates.jsonl",
    output:
        html="results/review/sheet.html",
        csv="results/review/sheet.csv",
    log:
        "logs/review_sheet/review_sheet.log",
    benchmark:
        "benchmarks/review_sheet/review_sheet.tsv"
    conda:
        "../envs/distill.yaml"
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        settings=settings("review.decisions"),
    shell:
        "python -m workflow_scripts.distill.review --make sheet --candidates {input.candidates}"
        " --html {output.html} --csv {output.csv} --params {params.settings:q} --rule review_sheet 2> {log}"


rule review_gate:
    input:
        candidates="results/distill/candidates.jsonl",
        sheet=review_sheet_html,
        decisions=review_decisions,
    output:
        approved="results/distill/approved.jsonl",
    log:
        "logs/review_gate/review_gate.log",
    benchmark:
        "benchmarks/review_gate/review_gate.tsv"
    conda:
        "../envs/distill.yaml"
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        settings=settings("review"),
    shell:
        "python -m workflow_scripts.distill.review --make approved --candidates {input.candidates}"
        " --html {input.sheet} --output {output.approved} --params {params.settings:q} --rule review_gate 2> {log}"
