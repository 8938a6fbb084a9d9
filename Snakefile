# Empathy-R1 workflow: from crawled counselling Q&A to the paper's tables.
#
# results/ layout (one folder per stage, see DESIGN.md):
#   demo_site/  raw/{source}/  clean/  labeled/  splits/  psyqa/  table1.csv
#   distill/  review/  models/{base,sft,reward,grpo,...}/  generations/  metrics/  table2.csv ...
#   release/empathy_qa/ (on request: snakemake results/release/empathy_qa)
#   judge/{testset}/{system}.jsonl  table5.csv (rubric judge, crisis safety, agreement with human rankings)
# Every artifact has a provenance sidecar <artifact>.prov.json; see `python -m workflow_scripts.lineage`.
from snakemake.utils import min_version

min_version("9.0")


configfile: "config/config.yaml"


report: "report/workflow.rst"


include: "rules/common.smk"
include: "rules/demo_site.smk"
include: "rules/crawl.smk"
include: "rules/clean.smk"
include: "rules/label.smk"
include: "rules/split.smk"
include: "rules/psyqa.smk"
include: "rules/stats.smk"
include: "rules/train.smk"
include: "rules/distill.smk"
include: "rules/generate.smk"
include: "rules/tables.smk"
include: "rules/human.smk"
include: "rules/judge.smk"
include: "rules/grpo.smk"
include: "rules/reward.smk"
include: "rules/release.smk"
include: "rules/lineage.smk"


rule all:
    default_target: True
    input:
        final_targets(),
