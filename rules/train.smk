# Base model and stage 1 SFT (TRL). Checkpoints of a running SFT live in
# results/models/<variant>.checkpoints/ (not an output: a rerun after a kill resumes from them).


wildcard_constraints:
    sft_variant="sft|sft_nocoe",


rule base_model:
    input:
        train="results/splits/train.parquet",
    output:
        model=directory("results/models/base"),
    log:
        "logs/base_model/base_model.log",
    benchmark:
        "benchmarks/base_model/base_model.tsv"
    conda:
        "../envs/train.yaml"
    resources:
        mem_mb=4000,
        runtime=30,
    params:
        settings=settings("base_model", "seed"),
    shell:
        "python -m workflow_scripts.train.base_model --train {input.train} --output {output.model}"
        " --params {params.settings:q} --rule base_model 2> {log}"


rule sft:
    input:
        approved="results/distill/approved.jsonl",
        base="results/models/base",
        val="results/splits/val.parquet",
    output:
        model=directory("results/models/{sft_variant}"),
    log:
        "logs/sft/{sft_variant}.log",
    benchmark:
        "benchmarks/sft/{sft_variant}.tsv"
    conda:
        "../envs/train.yaml"
    threads: config["train"]["cpu_ranks"]
    resources:
        mem_mb=8000,
        runtime=240,
    params:
        settings=settings("sft", "seed", "train.cpu_ranks"),
    shell:
        "python -m workflow_scripts.train.sft --approved {input.approved} --base {input.base} --val {input.val}"
        " --variant {wildcards.sft_variant} --output {output.model} --params {params.settings:q} --rule sft"
        " 2> {log}"
