# The report's lineage page: each table's upstream DAG as a graph, read from the provenance sidecars.


rule lineage_graph:
    input:
        table="results/{table}.csv",
    output:
        svg=report(
            "results/lineage/{table}.svg",
            caption="../report/lineage.rst",
            category="Lineage",
            labels={"table": "{table}"},
        ),
    log:
        "logs/lineage_graph/{table}.log",
    benchmark:
        "benchmarks/lineage_graph/{table}.tsv"
    wildcard_constraints:
        table="table[0-9]+",
    conda:
        "../envs/eval.yaml"
    resources:
        mem_mb=1000,
        runtime=5,
    shell:
        "python -m workflow_scripts.lineage_graph --table {input.table} --output {output.svg}"
        " --rule lineage_graph 2> {log}"
