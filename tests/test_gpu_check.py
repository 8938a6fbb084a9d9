"""bench/gpu_check.sh in its CPU dry mode: tiny Qwen3s through the same SFT and GRPO phases, one step each."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_dry_mode_runs_every_phase_and_prints_its_figures(tmp_path):
    env = {"PYTHON": sys.executable, "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    proc = subprocess.run(
        ["bash", str(ROOT / "bench/gpu_check.sh"), "--dry", "--tokenizer", str(tmp_path / "none")],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    rows = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    assert [r["phase"] for r in rows] == ["sft 0.6b (tiny)", "sft 8b (tiny) lora", "grpo 0.6b (tiny)"]
    for row in rows:
        assert row["steps"] == 1 and row["step_s"] > 0 and row["tokens_per_s"] > 0 and row["peak_mem_gib"] > 0
        assert row["mfu"] is None  # no GPU peak to compare with on CPU
    assert rows[-1]["vllm"] is False
    assert "device: cpu (dry run); ranks: 1" in proc.stdout
