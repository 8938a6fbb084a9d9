"""Split: near-duplicate groups stay together, test is topic-stratified, leakage fails loudly."""

from __future__ import annotations

import pandas as pd
import pytest
from _split_fixtures import labeled_frame

from workflow_scripts.common.io import InputError
from workflow_scripts.data.split import (
    LeakageError,
    SplitSettings,
    allocate,
    check_leakage,
    resolve_size,
    run_split,
    split_posts,
)

SETTINGS = SplitSettings(test_size=0.2, val_size=0.1, num_perm=128, shingle_size=3, threshold=0.5, seed=42)


def _with_paraphrase(frame: pd.DataFrame, of: int) -> pd.DataFrame:
    """Add a near duplicate of row ``of`` (one character changed) as a new question."""
    dup = frame.iloc[of].copy()
    dup["qid"], dup["post_id"] = "demo-9999", "9999"
    dup["description"] = dup["description"][:-1] + "啊"
    return pd.concat([frame, dup.to_frame().T], ignore_index=True)


def test_sizes_and_stratification():
    splits, report = split_posts(labeled_frame(20), SETTINGS)
    assert report["sizes"] == {"train": 42, "val": 6, "test": 12}
    assert splits["test"]["topic_id"].value_counts().to_dict() == {"T01": 4, "T02": 4, "T03": 4}
    assert report["leakage_check"]["passed"] is True
    assert set(splits["test"].columns) >= {"group_id", "topic_id", "label_source"}


def test_seeded_and_seed_sensitive():
    a, _ = split_posts(labeled_frame(20), SETTINGS)
    b, _ = split_posts(labeled_frame(20), SETTINGS)
    c, _ = split_posts(labeled_frame(20), SplitSettings(**{**SETTINGS.__dict__, "seed": 7}))
    assert a["test"]["qid"].tolist() == b["test"]["qid"].tolist()
    assert a["test"]["qid"].tolist() != c["test"]["qid"].tolist()


def test_near_duplicates_share_a_group_and_a_split():
    frame = _with_paraphrase(labeled_frame(20), of=5)
    splits, report = split_posts(frame, SETTINGS)
    every = pd.concat([p.assign(split=n) for n, p in splits.items()])
    pair = every[every["qid"].isin(["demo-0005", "demo-9999"])]
    assert pair["group_id"].nunique() == 1 and pair["split"].nunique() == 1
    assert pair["group_id"].iloc[0] == "demo-0005"
    assert report["multi_question_groups"] == 1


def test_planted_near_duplicate_across_splits_fails_the_check():
    splits, _ = split_posts(labeled_frame(20), SETTINGS)
    leaked = splits["test"].iloc[0].copy()
    leaked["qid"], leaked["group_id"] = "demo-8888", "demo-8888"  # a different group: grouping "missed" it
    leaked["title"] = leaked["title"] + "吗"
    splits["train"] = pd.concat([splits["train"], leaked.to_frame().T], ignore_index=True)
    with pytest.raises(LeakageError, match="near duplicate"):
        check_leakage(splits, SETTINGS)


def test_same_qid_or_group_in_two_splits_fails():
    splits, _ = split_posts(labeled_frame(20), SETTINGS)
    moved = splits["test"].iloc[[0]]
    broken = {**splits, "val": pd.concat([splits["val"], moved], ignore_index=True)}
    with pytest.raises(LeakageError, match="is in both"):
        check_leakage(broken, SETTINGS)


def test_leak_fails_the_step_and_writes_nothing(tmp_path, monkeypatch):
    frame = labeled_frame(10)
    labeled = tmp_path / "labeled.parquet"
    frame.to_parquet(labeled)
    outputs = {n: tmp_path / f"{n}.parquet" for n in ("train", "val", "test")}
    near = {"num_perm": 128, "shingle_size": 3, "threshold": 0.5}
    params = {"split": {"test_size": 6, "val_size": 3, "near_duplicate": near}, "seed": 1}
    report = run_split(labeled, outputs, tmp_path / "report.json", params)
    assert report["sizes"]["test"] == 6 and all(p.exists() for p in outputs.values())
    for p in [*outputs.values(), tmp_path / "report.json"]:
        p.unlink()
    import workflow_scripts.data.split as split_mod

    monkeypatch.setattr(split_mod, "draw_groups", lambda frame, n, rng: set(frame["group_id"].iloc[:n]))
    real_assign = split_mod.assign_splits

    def leaky(frame, settings):
        out = real_assign(frame, settings)
        out.loc[out.index[-1], "qid"] = out.loc[out[out["split"] == "test"].index[0], "qid"]
        return out

    monkeypatch.setattr(split_mod, "assign_splits", leaky)
    with pytest.raises(LeakageError):
        run_split(labeled, outputs, tmp_path / "report.json", params)
    assert not any(p.exists() for p in outputs.values())


def test_sizes_from_config():
    assert resolve_size(0.2, 50, "test_size") == 10
    assert resolve_size(2000, 40959, "test_size") == 2000
    with pytest.raises(InputError, match="only 5"):
        resolve_size(2000, 5, "test_size")
    assert allocate(10, {"a": 35, "b": 28, "c": 22, "d": 15}) == {"a": 4, "b": 3, "c": 2, "d": 1}
