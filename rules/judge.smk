# The rubric judge (resources/prompts/judge_rubric.yaml) over every judged system's answers, through the teacher
# client (cache keyed by the full request, retries, Retry-After, cost), and Table 5: judge scores with CIs,
# pairwise preference in both orders, crisis-referral share, agreement with the human rankings.
# The reply cache (judge.cache_dir) is not an output: a rerun after a kill replays every finished reply.


rule judge:
    input:
        unpack(judge_inputs),
    output:
        judged="results/judge/{testset}/{system}.jsonl",
    log:
        "logs/judge/{testset}/{system}.log",
    benchmark:
        "benchmarks/judge/{testset}/{system}.tsv"
    wildcard_constraints:
        system="[A-Za-z0-9_]+",
        testset="[A-Za-z0-9_]+",
    conda:
        "../envs/eval.yaml"
    resources:
        mem_mb=2000,
        runtime=240,
    params:
        settings=judge_settings,
        reference=judge_reference_arg,
    shell:
        "python -m workflow_scripts.eval.judge --system {wildcards.system} --testset {wildcards.testset}"
        " --test {input.test} --generations {input.generations} {params.reference} --output {output.judged}"
        " --params {params.settings:q} --rule judge 2> {log}"


rule table5:
    input:
        judged=judge_outputs(),
        rubric=config["judge"]["rubric"],
        human=table5_human_files,
    output:
        csv=report(
            "results/table5.csv", caption="../report/table5.rst", category="Tables"
        ),
        md="results/table5.md",
        png=report(
            "results/table5.png", caption="../report/table5.rst", category="Tables"
        ),
    log:
        "logs/table5/table5.log",
    benchmark:
        "benchmarks/table5/table5.tsv"
    conda:
        "../envs/eval.yaml"
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        settings=settings("judge.bootstrap"),
        human=table5_human_args,
    shell:
        "python -m workflow_scripts.eval.table5 --judged {input.judged} --rubric {input.rubric}"
        " --human {params.human} --outputs {output} --params {params.settings:q} --rule table5 2> {log}"
