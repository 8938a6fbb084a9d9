"""The distill and review rules under Snakemake, on a fixture train split (offline demo teacher)."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from _distill_fixtures import ROOT, write_train

pytestmark = pytest.mark.e2e
TARGET = "results/distill/approved.jsonl"


@pytest.fixture
def workdir(tmp_path):
    """A work directory with the real rules, the demo config and a fixture train split."""
    (tmp_path / "Snakefile").write_text(
        f'configfile: "config/config.yaml"\n\n\ninclude: "{ROOT}/rules/common.smk"\n'
        f'include: "{ROOT}/rules/distill.smk"\n',
        encoding="utf-8",
    )
    schema = yaml.safe_load((ROOT / "config/schema/config.schema.yaml").read_text(encoding="utf-8"))
    config = yaml.safe_load((ROOT / "config/config.yaml").read_text(encoding="utf-8"))
    config = {key: value for key, value in config.items() if key in schema["properties"]}  # sections under way
    config["distill"]["n_candidates"], config["review"]["target_approved"] = 24, 16  # the fixture has 40 posts
    (tmp_path / "config/review").mkdir(parents=True)
    (tmp_path / "config/config.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    shutil.copy(ROOT / "config/review/decisions.csv", tmp_path / "config/review/decisions.csv")
    (tmp_path / "resources").symlink_to(ROOT / "resources")
    write_train(tmp_path / "results/splits/train.parquet", n=40)
    return tmp_path


def snakemake(workdir, *args):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    cmd = [sys.executable, "-m", "snakemake", "--cores", "1", "--show-failed-logs", TARGET, *args]
    return subprocess.run(cmd, cwd=workdir, env=env, capture_output=True, text=True, timeout=300)


def test_demo_builds_approved_offline_and_rerun_is_a_noop(workdir):
    first = snakemake(workdir)
    assert first.returncode == 0, first.stderr[-3000:]
    approved = [json.loads(line) for line in (workdir / TARGET).read_text(encoding="utf-8").splitlines()]
    assert len(approved) == 16 and {a["reviewer"] for a in approved} == {"auto"}
    assert (workdir / "results/review/sheet.html").exists() and (workdir / "results/distill/usage.json").exists()
    assert any((workdir / "results/distill/cache").rglob("*.json"))
    second = snakemake(workdir)
    assert second.returncode == 0 and "Nothing to be done" in second.stderr

    (workdir / "human.yaml").write_text("review:\n  mode: human\n", encoding="utf-8")
    gated = snakemake(workdir, "--configfile", "human.yaml")
    assert gated.returncode != 0
    assert "16 more needed, 24 candidates pending review" in gated.stderr
    assert "decisions file: config/review/decisions.csv" in gated.stderr
    assert not (workdir / TARGET).exists()
