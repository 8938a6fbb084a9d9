# Tables 2, 3 and 4 (CSV, Markdown, plot) with the paper's published numbers side by side.


rule tables:
    input:
        metrics=table_metrics(),
        paper="resources/paper_tables.csv",
        human=human_summaries,
    output:
        table2=report(
            "results/table2.csv", caption="../report/table.rst", category="Tables"
        ),
        table2_md="results/table2.md",
        table2_png=report(
            "results/table2.png", caption="../report/table.rst", category="Tables"
        ),
        table3=report(
            "results/table3.csv", caption="../report/table.rst", category="Tables"
        ),
        table3_md="results/table3.md",
        table3_png=report(
            "results/table3.png", caption="../report/table.rst", category="Tables"
        ),
        table4=report(
            "results/table4.csv", caption="../report/table.rst", category="Tables"
        ),
        table4_md="results/table4.md",
        table4_png=report(
            "results/table4.png", caption="../report/table.rst", category="Tables"
        ),
    log:
        "logs/tables/tables.log",
    benchmark:
        "benchmarks/tables/tables.tsv"
    conda:
        "../envs/eval.yaml"
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        settings=settings("tables.table2", "tables.table3", "tables.table4"),
        human=human_args,
    shell:
        "python -m workflow_scripts.eval.tables --metrics {input.metrics} --paper {input.paper}"
        " --human {params.human} --outputs {output} --params {params.settings:q} --rule tables 2> {log}"
