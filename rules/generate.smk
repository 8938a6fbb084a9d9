# Generation of every enabled system on every test set, and its automatic metrics.
# Progress of a running generation lives in <output>.partial (not an output: a rerun after a kill resumes there).


rule generate:
    input:
        unpack(generate_inputs),
    output:
        generations="results/generations/{testset}/{system}.jsonl",
    log:
        "logs/generate/{testset}/{system}.log",
    benchmark:
        "benchmarks/generate/{testset}/{system}.tsv"
    wildcard_constraints:
        system="[A-Za-z0-9_]+",
        testset="[A-Za-z0-9_]+",
    conda:
        "../envs/eval.yaml"
    resources:
        mem_mb=8000,
        runtime=240,
        gpu=generate_gpus,
    params:
        settings=generate_settings,
        train=generate_train_arg,
        cache_dir=config["generate"]["cache_dir"],
    shell:
        "python -m workflow_scripts.eval.generate --system {wildcards.system} --testset {wildcards.testset}"
        " --test {input.test} --prompts {input.prompts} {params.train} --cache-dir {params.cache_dir}"
        " --output {output.generations} --params {params.settings:q} --rule generate 2> {log}"


rule score:
    input:
        generations="results/generations/{testset}/{system}.jsonl",
        test=score_test,
    output:
        metrics="results/metrics/{testset}/{system}.json",
    log:
        "logs/score/{testset}/{system}.log",
    benchmark:
        "benchmarks/score/{testset}/{system}.tsv"
    wildcard_constraints:
        system="[A-Za-z0-9_]+",
        testset="[A-Za-z0-9_]+",
    conda:
        "../envs/eval.yaml"
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        settings=score_settings,
    shell:
        "python -m workflow_scripts.eval.score --system {wildcards.system} --testset {wildcards.testset}"
        " --generations {input.generations} --test {input.test} --output {output.metrics}"
        " --params {params.settings:q} --rule score 2> {log}"
