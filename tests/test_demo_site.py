"""The synthetic demo Q&A site: deterministic, every planted kind present, exact ground truth, server faults."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

import pytest
import yaml
from parsel import Selector
from rapidfuzz import fuzz

from workflow_scripts.common.io import InputError, read_jsonl
from workflow_scripts.data import demo_site
from workflow_scripts.data.demo_site import (
    DEFAULTS,
    KEEP_KINDS,
    PII_KINDS,
    generate_site,
    id_card_check_digit,
    luhn_check_digit,
    main,
    serve_site,
)

ROOT = Path(__file__).resolve().parents[1]
TAXONOMY = ROOT / "resources" / "taxonomy" / "taxonomy.yaml"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    counts = generate_site(out / "site", out / "gt.jsonl", seed=42, n_questions=450)
    return out / "site", read_jsonl(out / "gt.jsonl"), counts


def extract(page: str) -> tuple[str | None, str, list[str]]:
    """What the crawl contract extracts: title, description and answers as paragraphs joined by newlines."""
    sel = Selector(text=page)
    title = sel.css("h1.question-title::text").get()

    def paras(node) -> str:
        return "\n".join("".join(p.css("::text").getall()).strip() for p in node.css("p")).strip()

    desc_node = sel.css("div.question-desc")
    desc = paras(desc_node[0]) if desc_node else ""
    answers = [paras(a.css("div.answer-text")[0]) for a in sel.css("div.answer")]
    return (title.strip() if title is not None else None), desc, answers


def test_same_seed_same_bytes_other_seed_differs(tmp_path):
    def snapshot(seed: int, name: str, **settings) -> dict[str, bytes]:
        site = tmp_path / name / "site"
        generate_site(site, tmp_path / name / "gt.jsonl", seed=seed, n_questions=60, **settings)
        files = {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}
        files["gt"] = (tmp_path / name / "gt.jsonl").read_bytes()
        return files

    # the rule passes settings as key-sorted JSON: the key order of a mapping must not matter
    reordered = {k: dict(reversed(v.items())) if isinstance(v, dict) else v for k, v in reversed(DEFAULTS.items())}
    first, again, other = snapshot(7, "a"), snapshot(7, "b", **reordered), snapshot(8, "c")
    assert first == again
    assert first["gt"] != other["gt"]
    assert first["list/1.html"] != other["list/1.html"]


def test_counts_and_answers(site):
    site_dir, rows, counts = site
    assert len(rows) == counts["questions"] >= 400
    assert len({r["post_id"] for r in rows}) == len(rows)
    pages = sorted((site_dir / "question").glob("*.html"))
    assert len(pages) == len(rows) - sum(r["fault"] == "404" for r in rows)
    for page in pages[:200]:
        n_answers = page.read_text(encoding="utf-8").count('class="answer"')
        assert 0 <= n_answers <= 8
    served = [r for r in rows if r["fault"] is None and not r["malformed"]]
    assert all(1 <= r["n_answers"] <= 8 for r in served)


def test_every_planted_kind_is_present(site):
    _, rows, _ = site
    pii = Counter(s["kind"] for r in rows for s in r["pii"])
    keep = Counter(s["kind"] for r in rows for s in r["keep"])
    assert all(pii[k] >= 10 for k in PII_KINDS), pii
    assert all(keep[k] >= 10 for k in KEEP_KINDS), keep
    noise = Counter(r["noise"] for r in rows)
    assert all(noise[k] >= 2 for k in ("ad", "spam", "offtopic", "empty"))
    assert sum(r["script"] == "traditional" for r in rows) >= 10
    assert sum(bool(r["exact_duplicate_of"]) for r in rows) >= 5
    assert sum(bool(r["near_duplicate_of"]) for r in rows) >= 5
    assert Counter(r["malformed_kind"] for r in rows if r["malformed"]) == {
        "no_title": 2,
        "truncated": 2,
        "no_description": 2,
    }
    assert Counter(r["fault"] for r in rows if r["fault"]) == {"404": 4, "429": 3, "500": 3, "500-permanent": 2}
    assert sum(len(r["short_answer_indices"]) for r in rows) >= 100
    assert sum(len(r["spam_answer_indices"]) for r in rows) >= 10
    # the forms the anonymiser must recognise, not one template per kind
    texts = {k: [s["text"] for r in rows for s in r["pii"] if s["kind"] == k] for k in PII_KINDS}
    assert any(t.startswith("+86") for t in texts["mobile"]) and any("１" in t or "８" in t for t in texts["mobile"])
    assert any("转" in t for t in texts["landline"]) and any(t.startswith("(") for t in texts["landline"])
    assert any(t.endswith("X") for t in texts["id_card"])
    assert any(" " in t for t in texts["bank_card"])
    assert any("·" in t for t in texts["plate"])
    assert {u.split("/")[0] for u in (t.split("://")[-1] for t in texts["url"])} >= {
        "weibo.com",
        "space.bilibili.com",
        "www.douban.com",
    }


def test_ground_truth_spans_are_exact_in_extracted_text(site):
    site_dir, rows, _ = site
    checked = 0
    for row in rows:
        path = site_dir / "question" / f"{row['post_id']}.html"
        if not path.exists():
            assert row["fault"] == "404"
            continue
        title, desc, answers = extract(path.read_text(encoding="utf-8"))
        fields = {"title": title, "description": desc}
        for span in row["pii"] + row["keep"]:
            text = answers[span["answer_index"]] if span["field"] == "answer" else fields[span["field"]]
            assert text is not None, (row["post_id"], span)
            assert text[span["start"] : span["start"] + len(span["text"])] == span["text"], (row["post_id"], span)
            checked += 1
        if row["fault"] is None and not row["malformed"]:
            assert len(answers) == row["n_answers"]
            assert row["short_answer_indices"] == [i for i, a in enumerate(answers) if len(a) <= 100]
            assert all(len(a) > 100 for i, a in enumerate(answers) if i not in row["short_answer_indices"])
        if row["malformed_kind"] == "no_title":
            assert title is None
        if row["noise"] == "empty":
            assert desc == ""
    assert checked > 1500


def test_checksums_of_planted_numbers(site):
    _, rows, _ = site
    for span in (s for r in rows for s in r["pii"]):
        if span["kind"] == "id_card":
            assert len(span["text"]) == 18 and id_card_check_digit(span["text"][:17]) == span["text"][17]
        if span["kind"] == "bank_card":
            digits = span["text"].replace(" ", "")
            assert 16 <= len(digits) <= 19 and luhn_check_digit(digits[:-1]) == digits[-1]


def test_topics_and_duplicates(site):
    site_dir, rows, _ = site
    taxonomy = yaml.safe_load(TAXONOMY.read_text(encoding="utf-8"))
    keywords = {
        t["id"]: {*t["keywords"], *(k for s in t["subtopics"] for k in s["keywords"])} for t in taxonomy["topics"]
    }
    names = {t["name"] for t in taxonomy["topics"]}
    psych = [r for r in rows if r["topic_id"] and r["noise"] is None]
    shares = Counter(r["topic_id"] for r in psych)
    assert shares["T01"] > shares["T02"] > shares["T03"] > max(v for k, v in shares.items() if k > "T03")
    assert 0.3 < shares["T01"] / len(psych) < 0.4
    assert all(r["topic_id"] is None for r in rows if r["noise"] in ("ad", "spam", "offtopic"))
    correct = total = 0
    for row in psych:
        if row["script"] != "simplified" or row["fault"] == "404":
            continue
        title, desc, _ = extract((site_dir / "question" / f"{row['post_id']}.html").read_text(encoding="utf-8"))
        text = (title or "") + desc
        scores = {tid: sum(text.count(k) for k in kws) for tid, kws in keywords.items()}
        correct += max(scores, key=scores.get) == row["topic_id"]
        total += 1
    assert correct / total >= 0.9
    tagged = sum(any(t in names for t in r["tags"]) for r in psych) / len(psych)
    assert 0.45 < tagged < 0.75
    by_id = {r["post_id"]: r for r in rows}
    for row in rows:
        if row["exact_duplicate_of"]:
            a = extract((site_dir / "question" / f"{row['post_id']}.html").read_text(encoding="utf-8"))
            b = extract((site_dir / "question" / f"{row['exact_duplicate_of']}.html").read_text(encoding="utf-8"))
            assert a[:2] == b[:2]
            assert by_id[row["exact_duplicate_of"]]["topic_id"] == row["topic_id"]
        if row["near_duplicate_of"]:
            a = extract((site_dir / "question" / f"{row['post_id']}.html").read_text(encoding="utf-8"))
            b = extract((site_dir / "question" / f"{row['near_duplicate_of']}.html").read_text(encoding="utf-8"))
            assert a[:2] != b[:2]
            assert fuzz.ratio(a[0] + a[1], b[0] + b[1]) >= 90


def test_list_pages_paginate_and_link_private_and_missing(site):
    site_dir, rows, _ = site
    pages = sorted((site_dir / "list").glob("*.html"), key=lambda p: int(p.stem))
    assert len(pages) == -(-len(rows) // DEFAULTS["page_size"])
    linked = []
    for page in pages:
        sel = Selector(text=page.read_text(encoding="utf-8"))
        items = sel.css("ul.question-list li.question-item")
        assert 1 <= len(items) <= DEFAULTS["page_size"]
        assert all(item.css("span.category::text").get() for item in items)
        linked += [h.split("/")[-1].removesuffix(".html") for h in sel.css("a.question-link::attr(href)").getall()]
        nxt = sel.css("a.next-page::attr(href)").get()
        assert (nxt is None) == (page == pages[-1])
        assert "/private/" in page.read_text(encoding="utf-8")
    assert sorted(linked) == sorted(r["post_id"] for r in rows)
    assert "Disallow: /private/" in (site_dir / "robots.txt").read_text(encoding="utf-8")


def test_server_serves_pages_404_faults_in_order_and_robots(site):
    site_dir, rows, _ = site
    faults = json.loads((site_dir / "_faults.json").read_text(encoding="utf-8"))
    rate_limited = next(r for r in rows if r["fault"] == "429")["url_path"]
    permanent = next(r for r in rows if r["fault"] == "500-permanent")["url_path"]
    missing = next(r for r in rows if r["fault"] == "404")["url_path"]
    ok = next(r for r in rows if r["fault"] is None)["url_path"]

    def get(url: str) -> tuple[int, bytes, dict]:
        try:
            with urllib.request.urlopen(url, timeout=10) as resp:
                return resp.status, resp.read(), dict(resp.headers)
        except urllib.error.HTTPError as err:
            return err.code, err.read(), dict(err.headers)

    with serve_site(site_dir) as base:
        assert base.startswith("http://127.0.0.1:")
        status, body, headers = get(base + ok)
        assert status == 200 and "text/html" in headers["Content-Type"]
        assert body == (site_dir / ok.lstrip("/")).read_bytes()
        assert get(base + missing)[0] == 404
        assert get(base + "/_faults.json")[0] == 404
        status, _, headers = get(base + rate_limited)
        assert status == 429 and headers["Retry-After"] == "0"
        assert get(base + rate_limited)[0] == 200
        assert [get(base + permanent)[0] for _ in range(3)] == [500, 500, 500]
        assert len(faults[permanent]) == DEFAULTS["faults"]["permanent_attempts"]
        status, body, _ = get(base + "/robots.txt")
        assert status == 200 and b"Disallow: /private/" in body
        assert get(base + "/../../etc/passwd")[0] == 404
    with serve_site(site_dir) as base:  # a new server replays its faults from the start
        assert get(base + rate_limited)[0] == 429


def test_cli_generate_writes_provenance(tmp_path):
    params = {"demo_site": {"seed": 3, "n_questions": 60, **DEFAULTS}}
    site, gt = tmp_path / "site", tmp_path / "gt.jsonl"
    main(["generate", "--site", str(site), "--ground-truth", str(gt), "--params", json.dumps(params)])
    assert len(read_jsonl(gt)) == 60
    record = json.loads((tmp_path / "site.prov.json").read_text(encoding="utf-8"))
    assert record["seed"] == 3 and record["facts"]["questions"] == 60


def test_bad_settings_are_input_errors(tmp_path):
    with pytest.raises(InputError, match="unknown settings"):
        generate_site(tmp_path / "s", tmp_path / "g.jsonl", seed=1, n_questions=60, pagesize=3)
    with pytest.raises(InputError, match="not a topic"):
        generate_site(tmp_path / "s", tmp_path / "g.jsonl", seed=1, n_questions=60, topic_shares={"T99": 0.5})


def test_config_section_matches_generator_settings():
    config = yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))["demo_site"]
    assert set(config) - {"seed", "n_questions"} == set(demo_site.DEFAULTS)
    assert config["n_questions"] >= 400
