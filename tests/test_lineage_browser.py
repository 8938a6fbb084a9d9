"""The report's Lineage page in real headless Chromium: one graph per table (Debian chromium, Playwright).

A small Snakemake workflow in tmp_path (a -> b -> c -> tables writing table1.csv and table2.csv) includes the
real rules/lineage.smk; `snakemake --report` builds the report, which Chromium opens from disk. Screenshots
of each table's graph are written under the test's tmp_path and their paths printed.
"""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest
from _lineage_fixtures import write_tiny_workflow
from playwright import sync_api

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]  # fmt: skip
ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.browser


def _snakemake(work: Path, *args: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    proc = subprocess.run(
        [sys.executable, "-m", "snakemake", "-c1", *args], cwd=work, env=env, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]


def test_report_lineage_page_shows_one_graph_per_table(tmp_path):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"browser tests need Debian's chromium at {CHROMIUM}: run `make test-browser` (installs it)")
    work = write_tiny_workflow(tmp_path / "wf", tables=True)
    _snakemake(work)
    _snakemake(work, "--report", "report.html")
    shots = []
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto((work / "report.html").as_uri())
        page.get_by_text("Results", exact=True).first.click()
        page.get_by_text("Lineage", exact=True).first.click()
        rows = page.locator("tr:has(a[iconname=eye])")  # one row per result (the header row has none)
        assert sorted(rows.nth(i).inner_text().strip() for i in range(rows.count())) == ["table1", "table2"]
        for table in ("table1", "table2"):
            page.locator("tr", has_text=table).locator("a[iconname=eye]").click()
            image = page.locator(f"img[src*='filename={table}.svg']")
            image.wait_for(state="visible")
            assert page.evaluate("(img) => img.naturalWidth", image.element_handle()) > 0
            svg = base64.b64decode(image.get_attribute("src").split("base64,", 1)[1]).decode("utf-8")
            assert f"Lineage of results/{table}.csv" in svg
            assert [f'id="rule-{rule}"' in svg for rule in ("a", "b", "c", "tables")] == [True] * 4
            shot = tmp_path / f"lineage_{table}.png"
            page.screenshot(path=str(shot), timeout=120_000)
            shots.append(shot)
        browser.close()
    print("\nreport lineage page screenshots:", *map(str, shots), sep="\n  ")
    assert all(shot.stat().st_size > 0 for shot in shots)
