"""Safe I/O, provenance sidecars and the CoE format shared by every step."""

import json

import pandas as pd
import pytest

from workflow_scripts import coe
from workflow_scripts.common import io, provenance


def test_read_jsonl_names_file_and_line(tmp_path):
    path = tmp_path / "rows.jsonl"
    path.write_text('{"a": 1}\n\n{"a": 2\n', encoding="utf-8")
    with pytest.raises(io.InputError, match=r"rows\.jsonl:3: not valid JSON"):
        io.read_jsonl(path)


def test_read_jsonl_rejects_non_objects(tmp_path):
    path = tmp_path / "rows.jsonl"
    path.write_text('{"a": 1}\n[1, 2]\n', encoding="utf-8")
    with pytest.raises(io.InputError, match=r":2: expected a JSON object"):
        io.read_jsonl(path)


def test_atomic_write_leaves_nothing_on_failure(tmp_path):
    target = tmp_path / "out.jsonl"

    def rows():
        yield {"ok": 1}
        raise RuntimeError("killed")

    with pytest.raises(RuntimeError):
        io.write_jsonl(target, rows())
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_jsonl_round_trip_keeps_chinese(tmp_path):
    target = tmp_path / "out.jsonl"
    assert io.write_jsonl(target, [{"t": "你好"}, {"t": "世界"}]) == 2
    assert "你好" in target.read_text(encoding="utf-8")
    assert io.read_jsonl(target) == [{"t": "你好"}, {"t": "世界"}]


def test_read_parquet_checks_columns(tmp_path):
    path = tmp_path / "x.parquet"
    io.write_parquet(path, pd.DataFrame({"qid": ["a"]}))
    with pytest.raises(io.InputError, match="missing columns"):
        io.read_parquet(path, required=["qid", "title"])


def test_recorded_step_writes_sidecars_with_hashes(tmp_path):
    src = tmp_path / "in.txt"
    src.write_text("input", encoding="utf-8")
    out = tmp_path / "out.txt"
    with provenance.recorded_step("demo_rule", [src], [out], params={"k": 1}, seed=42) as facts:
        out.write_text("output", encoding="utf-8")
        facts["rows"] = 1
    record = json.loads(provenance.sidecar_path(out).read_text(encoding="utf-8"))
    assert record["rule"] == "demo_rule"
    assert record["params"] == {"k": 1} and record["seed"] == 42
    assert record["sha256"] == provenance.sha256_path(out)
    assert record["inputs"] == [{"path": str(src), "sha256": provenance.sha256_path(src)}]
    assert record["facts"] == {"rows": 1}
    assert "packages" in record["environment"]


def test_recorded_step_writes_no_record_on_failure(tmp_path):
    out = tmp_path / "out.txt"
    with pytest.raises(ValueError), provenance.recorded_step("r", [], [out]):
        out.write_text("half", encoding="utf-8")
        raise ValueError("boom")
    assert not provenance.sidecar_path(out).exists()


def test_directory_hash_depends_on_content_and_names(tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "a.txt").write_text("1", encoding="utf-8")
    first = provenance.sha256_path(tmp_path / "d")
    (tmp_path / "d" / "a.txt").write_text("2", encoding="utf-8")
    assert provenance.sha256_path(tmp_path / "d") != first
    (tmp_path / "d" / "a.txt").rename(tmp_path / "d" / "b.txt")
    assert len({first, provenance.sha256_path(tmp_path / "d")}) == 2


LEVELS = {"L1": "焦虑与失眠", "L2": "担心被裁员", "L3": "希望得到建议", "L4": "先共情再给出步骤"}


def test_coe_round_trip():
    text = coe.format_coe(LEVELS, "你的担心很正常。")
    parsed = coe.parse_coe(text)
    assert parsed is not None
    assert parsed.levels == LEVELS and parsed.answer == "你的担心很正常。"
    assert coe.extract_answer(text) == ("你的担心很正常。", True)


@pytest.mark.parametrize(
    "text",
    [
        "<empathy_think><L1>a</L1><L2>b</L2><L3>c</L3></empathy_think><answer>x</answer>",
        "<empathy_think><L1>a</L1><L2>b</L2><L3>c</L3><L4> </L4></empathy_think><answer>x</answer>",
        "<empathy_think><L1>a</L1><L2>b</L2><L3>c</L3><L4>d</L4></empathy_think><answer></answer>",
        "<empathy_think><L2>b</L2><L1>a</L1><L3>c</L3><L4>d</L4></empathy_think><answer>x</answer>",
        "前言<empathy_think><L1>a</L1><L2>b</L2><L3>c</L3><L4>d</L4></empathy_think><answer>x</answer>",
        "<empathy_think><L1>a</L1><L2>b</L2><L3>c</L3><L4>d</L4></empathy_think><answer>x",
    ],
)
def test_coe_rejects_malformed(text):
    assert coe.parse_coe(text) is None


def test_format_coe_refuses_missing_level():
    with pytest.raises(ValueError, match="L3"):
        coe.format_coe({"L1": "a", "L2": "b", "L4": "d"}, "x")


def test_extract_answer_falls_back_to_raw_text():
    assert coe.extract_answer("<answer>只有回答</answer>") == ("只有回答", True)
    assert coe.extract_answer("  随便说说  ") == ("随便说说", False)


def test_directory_hash_ignores_snakemake_marker_and_sidecars(tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "a.txt").write_text("1", encoding="utf-8")
    before = provenance.sha256_path(tmp_path / "d")
    (tmp_path / "d" / ".snakemake_timestamp").write_text("", encoding="utf-8")
    (tmp_path / "d" / "a.txt.prov.json").write_text("{}", encoding="utf-8")
    assert provenance.sha256_path(tmp_path / "d") == before
