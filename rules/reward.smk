# Answer-reward encoder for GRPO: triplets from train/val, triplet + in-batch training, threshold T on val.
# A GPU for this rule (paper scale) is set in the cluster profile's set-resources, not here.


rule reward_model:
    input:
        train="results/splits/train.parquet",
        val="results/splits/val.parquet",
    output:
        model=directory("results/models/reward"),
        triplets_train="results/reward/triplets_train.jsonl",
        triplets_val="results/reward/triplets_val.jsonl",
    log:
        "logs/reward_model/reward_model.log",
    benchmark:
        "benchmarks/reward_model/reward_model.tsv"
    conda:
        "../envs/train.yaml"
    threads: config["train"]["cpu_ranks"]
    resources:
        mem_mb=4000,
        runtime=60,
    params:
        settings=settings("reward", "seed", "train.cpu_ranks"),
    shell:
        "python -m workflow_scripts.train.reward_model --train {input.train} --val {input.val}"
        " --output {output.model} --triplets-train {output.triplets_train} --triplets-val {output.triplets_val}"
        " --params {params.settings:q} --rule reward_model 2> {log}"
