"""The Slurm profile on a real single-node Slurm: the CPU part of the demo DAG run as jobs, and the GPU
steps submitted (held) on a node dressed as a GPU node, their requests read back with scontrol.

Starts munge, slurmctld and slurmd (tests/slurm/local-slurm.sh; needs root and the Debian
packages, which the script installs), runs `snakemake --profile slurm` in a copy of the
workflow, checks every job went through sbatch, and stops the daemons it started.
"""

import contextlib
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from _train_fixtures import workflow_dir, write_fixtures

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "tests" / "slurm" / "local-slurm.sh"
CPU_TARGETS = ["results/table1.csv", "results/distill/approved.jsonl"]
COPIED = ["Snakefile", "rules", "workflow_scripts", "config", "resources", "envs", "profiles", "report", "slurm"]

pytestmark = pytest.mark.slurm


@contextlib.contextmanager
def _cluster(state: Path, *mode: str):
    """A local Slurm (tests/slurm/local-slurm.sh up STATE MODE) for the duration of one test."""
    if os.geteuid() != 0:
        pytest.fail("the Slurm test needs root to start munge, slurmctld and slurmd")
    subprocess.run(["bash", str(SCRIPT), "install"], check=True, timeout=600)
    subprocess.run(["bash", str(SCRIPT), "up", str(state), *mode], check=True, timeout=120)
    try:
        yield state / "slurm.conf"
    finally:
        subprocess.run(["bash", str(SCRIPT), "down", str(state)], check=False, timeout=60)


@pytest.fixture
def slurm_conf(tmp_path_factory):
    with _cluster(tmp_path_factory.mktemp("slurm")) as conf:
        yield conf


@pytest.fixture
def gpu_slurm_conf(tmp_path_factory):
    with _cluster(tmp_path_factory.mktemp("slurm-gpu"), "gpu") as conf:
        yield conf


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


GPU_RULES = ("base_model", "sft", "reward_model", "grpo")


def _held_profile(work: Path) -> dict:
    """The repository's Slurm profile with ``--hold`` added to every GPU rule (accepted, never started); the
    profile as it is returned."""
    profile = yaml.safe_load((ROOT / "profiles/slurm/config.yaml").read_text(encoding="utf-8"))
    held = {**profile, "set-resources": {k: dict(v) for k, v in profile["set-resources"].items()}}
    for rule in GPU_RULES:
        held["set-resources"][rule]["slurm_extra"] = "'--hold'"
    (work / "held").mkdir()
    (work / "held/config.yaml").write_text(yaml.safe_dump(held), encoding="utf-8")
    return profile


def _minutes(limit: str) -> int:
    """Slurm's [D-]HH:MM:SS as minutes."""
    days, _, clock = limit.rpartition("-")
    hours, minutes, _ = (int(x) for x in clock.split(":"))
    return (int(days or 0) * 24 + hours) * 60 + minutes


def _mb(size: str) -> int:
    return int(float(size[:-1]) * {"M": 1, "G": 1024, "T": 1024 * 1024}[size[-1]])


def _held_jobs(env: dict, n: int, proc: subprocess.Popen) -> dict[str, dict[str, str]]:
    """rule -> scontrol fields of the ``n`` held jobs, once snakemake has submitted them all."""
    for _ in range(240):
        ids = subprocess.run(
            ["squeue", "-h", "-t", "PENDING", "-o", "%i"], env=env, capture_output=True, text=True, check=True
        ).stdout.split()
        if len(ids) >= n:
            break
        assert proc.poll() is None, proc.communicate()[0][-3000:]
        time.sleep(0.5)
    jobs = {}
    for job_id in ids:
        text = subprocess.run(
            ["scontrol", "show", "job", job_id], env=env, capture_output=True, text=True, check=True
        ).stdout
        fields = dict(re.findall(r"(\S+?)=(\S*)", text))
        rule = re.search(r"rule_([a-z_]+?)_wildcards", fields["Comment"]) or re.search(r"rule_([a-z_]+)", text)
        jobs[rule.group(1)] = fields
    subprocess.run(["scancel", *ids], env=env, check=True)
    return jobs


def test_gpu_rules_are_submitted_with_the_profile_sizes(gpu_slurm_conf, tmp_path):
    paths = write_fixtures(tmp_path / "fx", n_train=12, n_val=4, n_approved=4)
    (tmp_path / "wf").mkdir()
    work = workflow_dir(
        tmp_path / "wf",
        {k: str(v) for k, v in paths.items()},
        ("common.smk", "train.smk", "reward.smk", "grpo.smk"),
        ("seed", "base_model", "train", "sft", "reward", "grpo"),
    )
    profile = _held_profile(work)
    env = {
        **os.environ,
        "SLURM_CONF": str(gpu_slurm_conf),
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
    }
    submitted, resolved = {}, {}
    # 1) sft and grpo_only on stand-in base and reward model dirs; 2) the base and reward models themselves
    for stand_ins, targets in (
        (("base", "reward"), ("results/models/sft", "results/models/grpo_only")),
        ((), ("results/models/base", "results/models/reward")),
    ):
        for name in ("base", "reward"):
            shutil.rmtree(work / "results/models" / name, ignore_errors=True)
        for name in stand_ins:
            (work / "results/models" / name).mkdir(parents=True)
        cmd = [sys.executable, "-m", "snakemake", *targets, "--profile", "held", "--keep-going", "--retries", "0"]
        proc = subprocess.Popen(cmd, cwd=work, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            submitted.update(_held_jobs(env, len(targets), proc))
            out, _ = proc.communicate(timeout=300)
        finally:
            proc.kill()
        assert proc.returncode != 0 and "CANCELLED" in out, out[-3000:]  # cancelled here after the check
        # the rule's own resources, as snakemake resolved them, for what the profile leaves to the rule
        for rule, resources in re.findall(r"rule (\w+):\n(?:.*\n)*?\s+resources: (.*)", out):
            resolved[rule] = dict(item.split("=", 1) for item in resources.split(", "))
    assert sorted(submitted) == sorted(GPU_RULES)
    for rule, job in submitted.items():
        own = profile["set-resources"][rule]
        assert {"slurm_partition", "gpu"} <= set(own), f"{rule}: the profile must place it on a GPU partition"
        want = {**profile["default-resources"], **{k: int(v) for k, v in resolved[rule].items() if v.isdigit()}}
        want.update(own)  # set-resources win over the rule's resources, which win over default-resources
        asked = {
            "partition": job["Partition"],
            "gpus": int(job["TresPerJob"].rsplit(":", 1)[1]),
            "cpus": int(job["CPUs/Task"]),
            "mem_mb": _mb(job["MinMemoryNode"]),
            "runtime": _minutes(job["TimeLimit"]),
        }
        print(f"{rule}: {asked}")
        assert asked == {
            "partition": want["slurm_partition"],
            "gpus": want["gpu"],
            "cpus": want.get("cpus_per_task", 1),
            "mem_mb": want["mem_mb"],
            "runtime": want["runtime"],
        }
