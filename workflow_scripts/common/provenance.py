"""Provenance records: one JSON sidecar per artifact, written when its step succeeds.

``results/clean/posts.parquet`` gets ``results/clean/posts.parquet.prov.json`` holding the
rule, its params, the sha256 of every input and output, the code commit, package
versions, timings, seed and step facts (counts, teacher calls, reviewer decisions).
When a rule reruns, the record it replaces is kept beside it as ``<artifact>.prov.prev.json``, so
``lineage diff`` can say what changed between the two runs. ``workflow_scripts.lineage`` walks these
records upstream.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import importlib.metadata
import os
import platform
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from workflow_scripts.common.io import read_json, write_json

SIDECAR_SUFFIX = ".prov.json"
PREV_SUFFIX = ".prov.prev.json"  # the record of the run before, kept when a rule reruns
# Snakemake touches this marker inside directory() outputs after the step: not content.
SNAKEMAKE_MARKERS = frozenset({".snakemake_timestamp"})
TRACKED_PACKAGES = (
    "snakemake", "torch", "transformers", "trl", "peft", "datasets", "sentence-transformers",
    "scrapy", "opencc", "jieba", "pandas", "pyarrow", "datasketch", "nltk", "rouge-score", "openai",
)  # fmt: skip
_CHUNK = 1 << 20


def sidecar_path(artifact: str | os.PathLike[str]) -> Path:
    """Where the provenance record of ``artifact`` (file or directory) lives."""
    return Path(str(artifact).rstrip("/") + SIDECAR_SUFFIX)


def prev_sidecar_path(artifact: str | os.PathLike[str]) -> Path:
    """Where the record of the previous run of ``artifact``'s rule is kept."""
    return Path(str(artifact).rstrip("/") + PREV_SUFFIX)


def load_record(artifact: str | os.PathLike[str], previous: bool = False) -> dict[str, Any] | None:
    """The provenance record of an artifact (or of its previous run), or None if there is none."""
    sidecar = prev_sidecar_path(artifact) if previous else sidecar_path(artifact)
    return read_json(sidecar) if sidecar.exists() else None


def _is_bookkeeping(name: str) -> bool:
    return name.endswith((SIDECAR_SUFFIX, PREV_SUFFIX)) or name in SNAKEMAKE_MARKERS


def sha256_path(path: str | os.PathLike[str]) -> str:
    """sha256 of a file, or of a directory as the sorted (relative path, file hash) list."""
    path = Path(path)
    if path.is_dir():
        digest = hashlib.sha256()
        files = (p for p in path.rglob("*") if p.is_file() and not _is_bookkeeping(p.name))
        for child in sorted(files):
            digest.update(f"{child.relative_to(path).as_posix()}\0{sha256_path(child)}\n".encode())
        return digest.hexdigest()
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def code_version() -> dict[str, Any]:
    """The git commit of the workflow code and whether the work tree differs from it."""
    root = Path(__file__).resolve().parents[2]
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = bool(
            subprocess.run(
                ["git", "status", "--porcelain", "--untracked-files=no"],
                cwd=root,
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
        )
    except (OSError, subprocess.CalledProcessError):
        return {"commit": None, "dirty": None}
    return {"commit": commit, "dirty": dirty}


def package_versions() -> dict[str, str]:
    """Versions of the packages whose behaviour shapes artifacts."""
    versions = {}
    for name in TRACKED_PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return versions


def _describe(paths: Iterable[str | os.PathLike[str]]) -> list[dict[str, str]]:
    return [{"path": str(p), "sha256": sha256_path(p)} for p in paths if Path(p).exists()]


@contextlib.contextmanager
def recorded_step(
    rule: str,
    inputs: Iterable[str | os.PathLike[str]],
    outputs: Iterable[str | os.PathLike[str]],
    params: Any = None,
    seed: int | None = None,
) -> Iterator[dict[str, Any]]:
    """Run a step body; on success write a provenance sidecar for every output.

    The yielded dict collects step facts (counts, API calls, decisions) for the record.
    Secrets must never be put there: records are meant to be shared.
    """
    inputs, outputs = [str(p) for p in inputs], [str(p) for p in outputs]
    facts: dict[str, Any] = {}
    started = dt.datetime.now(dt.UTC)
    clock = time.perf_counter()
    input_hashes = _describe(inputs)
    yield facts
    record = {
        "rule": rule,
        "params": params,
        "seed": seed,
        "inputs": input_hashes,
        "outputs": _describe(outputs),
        "code": code_version(),
        "environment": {
            "python": platform.python_version(),
            "prefix": os.environ.get("CONDA_PREFIX", sys.prefix),
            "packages": package_versions(),
        },
        "started": started.isoformat(timespec="seconds"),
        "seconds": round(time.perf_counter() - clock, 3),
        "facts": facts,
    }
    for out in record["outputs"]:
        sidecar = sidecar_path(out["path"])
        if sidecar.exists():
            os.replace(sidecar, prev_sidecar_path(out["path"]))
        write_json(sidecar, {"artifact": out["path"], "sha256": out["sha256"], **record})
