"""The CPU part of the demo DAG through the Slurm profile, on a real single-node Slurm.

Starts munge, slurmctld and slurmd (tests/slurm/local-slurm.sh; needs root and the Debian
packages, which the script installs), runs `snakemake --profile slurm` in a copy of the
workflow, checks every job went through sbatch, and stops the daemons it started.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "tests" / "slurm" / "local-slurm.sh"
CPU_TARGETS = ["results/table1.csv", "results/distill/approved.jsonl"]
COPIED = ["Snakefile", "rules", "workflow_scripts", "config", "resources", "envs", "profiles", "report", "slurm"]

pytestmark = pytest.mark.slurm


@pytest.fixture(scope="module")
def slurm_conf(tmp_path_factory):
    if os.geteuid() != 0:
        pytest.fail("the Slurm test needs root to start munge, slurmctld and slurmd")
    state = tmp_path_factory.mktemp("slurm")
    subprocess.run(["bash", str(SCRIPT), "install"], check=True, timeout=600)
    subprocess.run(["bash", str(SCRIPT), "up", str(state)], check=True, timeout=120)
    try:
        yield state / "slurm.conf"
    finally:
        subprocess.run(["bash", str(SCRIPT), "down", str(state)], check=False, timeout=60)


def test_cpu_dag_runs_as_slurm_jobs(slurm_conf, tmp_path):
    work = tmp_path / "wf"
    work.mkdir()
    for name in COPIED:
        src = ROOT / name
        if src.is_symlink():
            (work / name).symlink_to(os.readlink(src))
        elif src.is_dir():
            shutil.copytree(src, work / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, work / name)
    env = {**os.environ, "SLURM_CONF": str(slurm_conf), "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    # The profile sizes steps for a real cluster; on this one-node test cluster the command line
    # replaces its set-resources (a top-level profile key) with sizes that fit.
    fit = ["--set-resources", "clean:cpus_per_task=1", "clean:mem_mb=2000"]
    cmd = [sys.executable, "-m", "snakemake", *CPU_TARGETS, "--profile", "slurm", "--slurm-keep-successful-logs", *fit]
    # The plugin can wait forever if Slurm misbehaves: a hard kill bounds the test.
    proc = subprocess.run(["timeout", "-s", "KILL", "1200", *cmd], cwd=work, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-4000:]
    for target in CPU_TARGETS:
        assert (work / target).exists()
    slurm_logs = work / ".snakemake" / "slurm_logs"
    ran = {p.name.removeprefix("rule_") for p in slurm_logs.iterdir()} if slurm_logs.exists() else set()
    expected = {"demo_site", "crawl", "clean", "label", "split", "psyqa", "table1", "distill", "review_gate"}
    assert expected <= ran, f"rules run as Slurm jobs: {sorted(ran)}\n{proc.stderr[-3000:]}"
    assert "SLURM jobid" in proc.stderr or "SLURM run ID" in proc.stderr
