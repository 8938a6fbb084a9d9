# Human preference evaluation: a seeded, topic-stratified evaluation set per test set, the blinded items
# annotators rank in the web app (python -m workflow_scripts.annotate.app), and Win@1 / Win@2 / Mean Rank
# with bootstrap CIs, Kendall's W and a position-bias check from their rankings files.
# samples.jsonl -> items.jsonl (+ generations) -> [annotators rank] -> scores.csv, summary.json, agreement.json


rule human_sample:
    input:
        test=human_test,
    output:
        samples="results/human/{testset}/samples.jsonl",
    log:
        "logs/human_sample/{testset}.log",
    benchmark:
        "benchmarks/human_sample/{testset}.tsv"
    conda:
        "../envs/human.yaml"
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        settings=human_sample_settings,
    shell:
        "python -m workflow_scripts.annotate.sampling --make samples --testset {wildcards.testset}"
        " --test {input.test} --samples {output.samples} --params {params.settings:q} --rule human_sample"
        " 2> {log}"


rule human_items:
    input:
        samples="results/human/{testset}/samples.jsonl",
        generations=expand(
            "results/generations/{{testset}}/{system}.jsonl", system=human_systems()
        ),
    output:
        sheet="results/human/{testset}/items.jsonl",
    log:
        "logs/human_items/{testset}.log",
    benchmark:
        "benchmarks/human_items/{testset}.tsv"
    conda:
        "../envs/human.yaml"
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        settings=settings("human.systems"),
    shell:
        "python -m workflow_scripts.annotate.sampling --make items --testset {wildcards.testset}"
        " --samples {input.samples} --generations {input.generations} --output {output.sheet}"
        " --params {params.settings:q} --rule human_items 2> {log}"


rule human_aggregate:
    input:
        sheet="results/human/{testset}/items.jsonl",
        rankings=human_rankings,
    output:
        scores="results/human/{testset}/scores.csv",
        summary="results/human/{testset}/summary.json",
        agreement="results/human/{testset}/agreement.json",
    log:
        "logs/human_aggregate/{testset}.log",
    benchmark:
        "benchmarks/human_aggregate/{testset}.tsv"
    conda:
        "../envs/human.yaml"
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        settings=settings("human.seed", "human.bootstrap"),
    shell:
        "python -m workflow_scripts.annotate.aggregate --testset {wildcards.testset} --items {input.sheet}"
        " --rankings {input.rankings} --output {output.scores} --summary {output.summary}"
        " --agreement {output.agreement} --params {params.settings:q} --rule human_aggregate 2> {log}"
