# Stage 2 GRPO (TRL GRPOTrainer) and its ablations: one output dir per config entry grpo.variants.<name>
# (grpo = Empathy-R1 from SFT, grpo_only from the base model, grpo_nocoe from the answer-only SFT model).
# Checkpoints of a running GRPO live in results/models/<variant>.checkpoints/ (not an output: a rerun
# after a kill resumes from them). On a GPU node ask for grpo.train.num_processes actor GPUs plus one
# for the reward encoder (grpo.train.reward_device) in the profile's set-resources.


rule grpo:
    input:
        init=grpo_init_model,
        reward="results/models/reward",
        train="results/splits/train.parquet",
        val="results/splits/val.parquet",
    output:
        model=directory("results/models/{grpo_variant}"),
    log:
        "logs/grpo/{grpo_variant}.log",
    benchmark:
        "benchmarks/grpo/{grpo_variant}.tsv"
    wildcard_constraints:
        grpo_variant="|".join(sorted(config["grpo"]["variants"])),
    conda:
        "../envs/train.yaml"
    threads: config["train"]["cpu_ranks"]
    resources:
        mem_mb=8000,
        runtime=1440,
    params:
        settings=grpo_settings,
    shell:
        "python -m workflow_scripts.train.grpo --init {input.init} --reward {input.reward} --train {input.train}"
        " --val {input.val} --variant {wildcards.grpo_variant} --output {output.model}"
        " --params {params.settings:q} --rule grpo 2> {log}"
