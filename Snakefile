# Empathy-R1 workflow: from crawled counselling Q&A to the paper's tables.
#
# results/ layout (one folder per stage, see DESIGN.md):
#   demo_site/  raw/{source}/  clean/  labeled/  splits/  psyqa/  table1.csv
#   distill/  review/  models/{base,sft,reward,grpo,...}/  generations/  metrics/  table2.csv ...
# Every artifact has a provenance sidecar <artifact>.prov.json; see `python -m workflow_scripts.lineage`.
from snakemake.utils import min_version

min_version("9.0")


configfile: "config/config.yaml"


include: "rules/common.smk"
include: "rules/crawl.smk"
include: "rules/clean.smk"


rule all:
    input:
        final_targets(),
    default_target: True
