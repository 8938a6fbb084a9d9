"""Review sheet, decisions file and the gate that writes approved.jsonl."""

import csv
import json

import pytest
from _distill_fixtures import ROOT, chain_text, distill_settings, train_frame

from workflow_scripts import coe
from workflow_scripts.common.io import InputError, read_json, read_jsonl, write_jsonl
from workflow_scripts.distill import review
from workflow_scripts.distill.candidates import select_candidates
from workflow_scripts.distill.distill import distill

HEADER = "id,decision,edited_text,reviewer,timestamp\n"


@pytest.fixture
def candidates(tmp_path):
    items = select_candidates(train_frame(40), 6, seed=1)
    rows, _, _ = distill(items, distill_settings(tmp_path), str(ROOT / "resources/prompts/coe_distill.yaml"))
    rows[-1].update(status="rejected", reason="attempt 1: format: missing", levels=None, final_answer=None,
                    completion=None, raw_reply="坏的回答")  # fmt: skip
    path = tmp_path / "candidates.jsonl"
    write_jsonl(path, rows)
    return path, rows


def _gate(tmp_path, cand_path, mode, target, decisions_text=None):
    decisions = tmp_path / "decisions.csv"
    if decisions_text is not None:
        decisions.write_text(decisions_text, encoding="utf-8")
    params = {"review": {"mode": mode, "decisions": str(decisions), "target_approved": target}}
    out = tmp_path / "approved.jsonl"
    review.main(
        ["--make", "approved", "--candidates", str(cand_path), "--html", "results/review/sheet.html",
         "--output", str(out), "--params", json.dumps(params), "--rule", "review_gate"]
    )  # fmt: skip
    return read_jsonl(out), read_json(str(out) + ".prov.json")


def _row(qid, decision, text="", reviewer="王老师", stamp="2025-05-01T10:00:00"):
    buf = []
    w = csv.writer(_Sink(buf))
    w.writerow([qid, decision, text, reviewer, stamp])
    return "".join(buf)


class _Sink:
    def __init__(self, buf):
        self.buf = buf

    def write(self, s):
        self.buf.append(s)


def test_auto_mode_approves_valid_chains_as_auto(tmp_path, candidates):
    path, rows = candidates
    approved, prov = _gate(tmp_path, path, "auto", 5)
    assert [a["qid"] for a in approved] == [r["qid"] for r in rows[:5]]
    assert {a["reviewer"] for a in approved} == {"auto"} and {a["decision"] for a in approved} == {"approve"}
    for a in approved:
        assert set(a) >= {"qid", "title", "description", "answer", "levels", "final_answer", "completion",
                          "decision", "reviewer"}  # fmt: skip
        assert coe.parse_coe(a["completion"]).answer == a["final_answer"] == a["answer"]
    assert prov["facts"]["reviewers"] == {"auto": 5} and prov["facts"]["mode"] == "auto"


def test_human_mode_gate_says_what_is_pending_and_where(tmp_path, candidates):
    path, _ = candidates
    with pytest.raises(InputError) as err:
        _gate(tmp_path, path, "human", 4, HEADER + _row(_ids(path)[0], "approve"))
    message = str(err.value)
    assert "1 approved chains, 4 required" in message and "3 more needed, 5 candidates pending" in message
    assert "results/review/sheet.html" in message and str(tmp_path / "decisions.csv") in message
    assert "id,decision,edited_text,reviewer,timestamp" in message
    assert not (tmp_path / "approved.jsonl").exists()


def test_gate_without_decisions_file(tmp_path, candidates):
    path, _ = candidates
    with pytest.raises(InputError, match=r"does not exist yet.*\n.*format"):
        _gate(tmp_path, path, "human", 2)
    with pytest.raises(InputError, match="even approving every pending candidate cannot reach 7"):
        _gate(tmp_path, path, "human", 7)


def _ids(path):
    return [r["qid"] for r in read_jsonl(path)]


def test_edits_land_in_approved_and_rejects_do_not(tmp_path, candidates):
    path, rows = candidates
    ids = _ids(path)
    text = HEADER + _row(ids[0], "approve") + _row(ids[1], "reject") + _row(ids[5], "edit", chain_text("甲"))
    text += _row(ids[2], "approve", reviewer="李老师") + _row(ids[2], "edit", chain_text("乙"), reviewer="李老师")
    approved, prov = _gate(tmp_path, path, "human", 3, text)
    assert [a["qid"] for a in approved] == [ids[0], ids[2], ids[5]]
    by_id = {a["qid"]: a for a in approved}
    assert by_id[ids[2]]["decision"] == "edit" and by_id[ids[2]]["completion"] == chain_text("乙")
    assert by_id[ids[5]]["final_answer"].startswith("审阅者修改后的回答甲")  # a rejected chain repaired by edit
    assert by_id[ids[0]]["completion"] == rows[0]["completion"]
    assert prov["facts"]["reviewers"] == {"李老师": 1, "王老师": 3}
    assert prov["facts"]["decisions"]["reject"] == 1 and prov["facts"]["decisions"]["pending"] == 2


@pytest.mark.parametrize(
    ("row", "error"),
    [
        (("x", "maybe"), "is not one of approve|edit|reject"),
        (("x", "edit", "<answer>只有回答</answer>"), "edited_text is not a complete chain"),
        (("x", "approve", "", ""), "empty reviewer"),
        (("x", "approve", "", "王", "yesterday"), "not ISO 8601"),
    ],
)
def test_bad_decision_rows_name_file_and_line(tmp_path, candidates, row, error):
    path, _ = candidates
    qid = _ids(path)[0]
    with pytest.raises(InputError, match=rf"decisions\.csv:3: .*{error}"):
        _gate(tmp_path, path, "human", 1, HEADER + _row(qid, "approve") + _row(qid, *row[1:]))


def test_approving_a_rejected_chain_asks_for_an_edit(tmp_path, candidates):
    path, _ = candidates
    with pytest.raises(InputError, match="use decision 'edit'"):
        _gate(tmp_path, path, "human", 1, HEADER + _row(_ids(path)[5], "approve"))


def test_sheet_is_escaped_and_complete(tmp_path, candidates):
    path, rows = candidates
    rows[0]["title"] = "<script>alert(1)</script>标题"
    write_jsonl(path, rows)
    html, csv_path = tmp_path / "sheet.html", tmp_path / "sheet.csv"
    params = {"review.decisions": "config/review/decisions.csv"}
    review.main(["--make", "sheet", "--candidates", str(path), "--html", str(html), "--csv", str(csv_path),
                 "--params", json.dumps(params)])  # fmt: skip
    page = html.read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;标题" in page
    assert all(r["levels"]["L2"] in page for r in rows if r["levels"])
    assert "config/review/decisions.csv" in page and "坏的回答" in page
    with open(csv_path, encoding="utf-8", newline="") as handle:
        sheet = list(csv.DictReader(handle))
    assert [s["id"] for s in sheet] == [r["qid"] for r in rows]
    assert sheet[0]["L3"] == rows[0]["levels"]["L3"] and sheet[-1]["status"] == "rejected"
