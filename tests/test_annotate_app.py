"""The annotation app over HTTP (Flask test client): isolation between annotators, traversal, review decisions."""

from __future__ import annotations

import json
import threading

import pytest

from tests._annotate_fixtures import CODES, SYSTEMS, make_app, make_workspace
from workflow_scripts.distill import review


@pytest.fixture
def ws(tmp_path):
    paths = make_workspace(tmp_path)
    return paths, make_app(paths)


def login(app, who):
    client = app.test_client()
    res = client.post("/", data={"id": who, "code": CODES[who]})
    assert res.status_code == 302, res.data
    return client


def rank(client, sample, ranking, testset="eqa"):
    return client.post(f"/api/rank/{testset}/{sample}", json={"ranking": ranking})


def test_login_required_and_wrong_codes_refused(ws):
    _, app = ws
    client = app.test_client()
    assert client.get("/api/progress").status_code == 401
    assert client.get("/rank").status_code == 302
    assert client.post("/", data={"id": "a01", "code": "code-a02"}).status_code == 401
    assert client.post("/", data={"id": "../a01", "code": "x"}).status_code == 401
    reviewer = login(app, "r01")
    assert reviewer.get("/api/progress").status_code == 401  # reviewers do not rank
    assert login(app, "a01").get("/api/review").status_code == 401  # annotators do not review


def test_blinded_item_and_complete_permutations_only(ws):
    paths, app = ws
    a01 = login(app, "a01")
    item = a01.get("/api/item/eqa/demo-000").get_json()
    assert [r["label"] for r in item["responses"]] == ["A", "B", "C"]
    body = json.dumps(item)
    assert not any(s in body for s in SYSTEMS)  # no system name leaks
    for bad in (["A", "B"], ["A", "A", "B"], ["A", "B", "D"], ["A", "B", "C", "C"], "ABC", None):
        assert rank(a01, "demo-000", bad).status_code == 400
    assert a01.post("/api/rank/eqa/demo-000", data="ranking=A,B,C").status_code == 415
    assert not (paths["rankings"] / "a01.jsonl").exists()
    res = rank(a01, "demo-000", ["C", "A", "B"])
    assert res.status_code == 200 and res.get_json()["done"] == 1
    saved = json.loads((paths["rankings"] / "a01.jsonl").read_text())
    assert saved["ranking"] == [saved["shown"][2], saved["shown"][0], saved["shown"][1]]
    assert a01.get("/api/item/eqa/demo-000").get_json()["ranking"] == ["C", "A", "B"]


def test_one_annotator_cannot_read_or_overwrite_another(ws):
    paths, app = ws
    a01, a02 = login(app, "a01"), login(app, "a02")
    assert rank(a01, "demo-000", ["A", "B", "C"]).status_code == 200
    before = (paths["rankings"] / "a01.jsonl").read_bytes()
    assert a02.get("/api/item/eqa/demo-000").get_json()["ranking"] is None
    assert a02.get("/api/progress").get_json()["done"] == 0
    # the annotator in the body or query is ignored: the session decides whose file is written
    res = a02.post("/api/rank/eqa/demo-000?annotator=a01", json={"ranking": ["C", "B", "A"], "annotator": "a01"})
    assert res.status_code == 200
    assert (paths["rankings"] / "a01.jsonl").read_bytes() == before
    assert json.loads((paths["rankings"] / "a02.jsonl").read_text())["annotator"] == "a02"
    # a forged cookie (wrong key) is not a session
    forged = app.test_client()
    forged.set_cookie("session", a01.get_cookie("session").value[:-2] + "xx")
    assert forged.get("/api/progress").status_code == 401


@pytest.mark.parametrize(
    "url",
    ["/api/item/eqa/..%2F..%2Fa01", "/api/item/..%2Fconfig/demo-000", "/api/item/eqa/demo-000%00",
     "/api/item/eqa/../../etc/passwd", "/api/item/%2e%2e/demo-000", "/api/item/eqa/nope"],
)  # fmt: skip
def test_path_traversal_rejected(ws, url):
    paths, app = ws
    a01 = login(app, "a01")
    assert a01.get(url).status_code == 404
    assert a01.post(url.replace("/item/", "/rank/"), json={"ranking": ["A", "B", "C"]}).status_code == 404
    assert not paths["rankings"].exists()
    assert a01.get("/static/..%2F..%2Fstorage.py").status_code == 404


def test_concurrent_saves_over_http_all_land(ws):
    paths, app = ws
    clients = {who: login(app, who) for who in ("a01", "a02")}
    errors = []

    def work(who, sample):
        res = rank(clients[who], sample, ["B", "C", "A"])
        if res.status_code != 200:
            errors.append(res.status_code)

    threads = [
        threading.Thread(target=work, args=(w, f"demo-{i:03d}")) for w in clients for i in range(4) for _ in range(3)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for who in clients:
        lines = (paths["rankings"] / f"{who}.jsonl").read_text().splitlines()
        assert len(lines) == 12 and all(json.loads(x)["annotator"] == who for x in lines)
        assert clients[who].get("/api/progress").get_json()["done"] == 4


def test_review_decisions_feed_the_gate(ws, tmp_path):
    paths, app = ws
    r01 = login(app, "r01")
    chains = r01.get("/api/review").get_json()["chains"]
    assert [c["id"] for c in chains] == ["demo-0", "demo-1", "demo-2", "demo-3"]
    assert r01.post("/api/review/demo-3", json={"decision": "approve"}).status_code == 400  # teacher's chain invalid
    assert r01.post("/api/review/demo-0", json={"decision": "maybe"}).status_code == 400
    assert r01.post("/api/review/nope", json={"decision": "approve"}).status_code == 404
    bad_edit = {"decision": "edit", "levels": {"L1": "x"}, "answer": "y"}
    assert r01.post("/api/review/demo-1", json=bad_edit).status_code == 400
    assert r01.post("/api/review/demo-0", json={"decision": "approve"}).status_code == 200
    assert r01.post("/api/review/demo-1", json={"decision": "reject"}).status_code == 200
    levels = {lvl: f"修改后的{lvl}" for lvl in ("L1", "L2", "L3", "L4")}
    res = r01.post("/api/review/demo-3", json={"decision": "edit", "levels": levels, "answer": "修改后的回答"})
    assert res.status_code == 200 and res.get_json()["counts"] == {"approve": 1, "edit": 1, "reject": 1}
    decided = review.read_decisions(paths["decisions"])
    assert {k: d.decision for k, d in decided.items()} == {"demo-0": "approve", "demo-1": "reject", "demo-3": "edit"}
    assert {d.reviewer for d in decided.values()} == {"r01"}
    out = tmp_path / "approved.jsonl"
    params = {"review": {"mode": "human", "decisions": str(paths["decisions"]), "target_approved": 2}}
    review.main(["--make", "approved", "--candidates", str(paths["candidates"]), "--html", str(paths["sheet_html"]),
                 "--output", str(out), "--params", json.dumps(params)])  # fmt: skip
    rows = [json.loads(x) for x in out.read_text().splitlines()]
    assert [(r["qid"], r["decision"], r["reviewer"]) for r in rows] == [
        ("demo-0", "approve", "r01"),
        ("demo-3", "edit", "r01"),
    ]
    assert rows[1]["levels"] == levels and rows[1]["final_answer"] == "修改后的回答"
