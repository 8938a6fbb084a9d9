"""The annotation app in real headless Chromium (Debian chromium driven by Playwright).

Needs `apt-get install chromium` and pip `playwright` (never `playwright install`: the system browser is used).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright import sync_api

from tests._annotate_fixtures import CODES, make_app, make_workspace, serve
from workflow_scripts.distill import review

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"browser tests need Debian's chromium at {CHROMIUM}: run `make test-browser` (installs it)")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def site(tmp_path):
    paths = make_workspace(tmp_path)
    with serve(make_app(paths)) as url:
        yield paths, url


def login(browser, url, who):
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(url + "/")
    page.fill("#login-id", who)
    page.fill("#login-code", CODES[who])
    page.click("#login-submit")
    return page


def rank_current(page, order):
    """Give the labels in ``order`` ranks 1..k with the selects, then wait for the autosave."""
    for rank, label in enumerate(order, start=1):
        page.select_option(f".rank-select[data-label='{label}']", str(rank))
    sync_api.expect(page.locator("#status")).to_have_text("Saved ✓")


def records(paths, who):
    path = paths["rankings"] / f"{who}.jsonl"
    return [json.loads(x) for x in path.read_text().splitlines()] if path.exists() else []


def test_annotator_ranks_reloads_and_resumes(browser, site):
    paths, url = site
    page = login(browser, url, "a01")
    expect = sync_api.expect
    expect(page.locator("#progress-text")).to_have_text("0 / 4")
    expect(page.locator("#item-pos")).to_have_text("Sample 1 of 4")
    expect(page.locator(".response")).to_have_count(3)
    assert page.locator(".guidance li").count() == 4
    assert "empathy_r1" not in page.content()  # blinded
    rank_current(page, ["B", "A", "C"])
    page.click("#next")
    expect(page.locator("#item-pos")).to_have_text("Sample 2 of 4")
    rank_current(page, ["C", "B", "A"])
    page.click("#next")
    expect(page.locator("#item-pos")).to_have_text("Sample 3 of 4")
    # drag: drop chip C onto chip A -> C, A, B
    expect(page.locator("#ranking-strip li")).to_have_count(3)
    page.drag_and_drop("#ranking-strip li[data-label='C']", "#ranking-strip li[data-label='A']")
    expect(page.locator("#status")).to_have_text("Saved ✓")
    expect(page.locator("#progress-text")).to_have_text("3 / 4")
    page.click("#next")
    expect(page.locator("#item-pos")).to_have_text("Sample 4 of 4")
    # an incomplete ranking is kept as a draft only: nothing reaches the server
    page.select_option(".rank-select[data-label='A']", "1")
    expect(page.locator("#status")).to_contain_text("Incomplete")
    assert len(records(paths, "a01")) == 3
    # reload: resumes at the first unranked sample, progress from the server, draft restored
    page.goto(url + "/rank")
    expect(page.locator("#progress-text")).to_have_text("3 / 4")
    expect(page.locator("#item-pos")).to_have_text("Sample 4 of 4")
    expect(page.locator(".rank-select[data-label='A']")).to_have_value("1")
    page.click("#prev")
    expect(page.locator("#item-pos")).to_have_text("Sample 3 of 4")
    expect(page.locator(".rank-select[data-label='C']")).to_have_value("1")
    expect(page.locator(".rank-select[data-label='A']")).to_have_value("2")
    expect(page.locator(".rank-select[data-label='B']")).to_have_value("3")
    saved = {r["sample_id"]: r for r in records(paths, "a01")}
    third = saved["demo-002"]
    assert third["ranking"] == [third["shown"][2], third["shown"][0], third["shown"][1]]
    assert saved["demo-000"]["ranking"] == [saved["demo-000"]["shown"][i] for i in (1, 0, 2)]
    # the server refuses an incomplete permutation and traversal even from a logged-in page
    status = page.evaluate(
        """async () => (await fetch('/api/rank/eqa/demo-003', {method: 'POST',
             headers: {'Content-Type': 'application/json'}, body: JSON.stringify({ranking: ['A', 'B']})})).status"""
    )
    assert status == 400
    assert page.request.get(url + "/api/item/eqa/..%2F..%2Fa02").status == 404
    page.context.close()


def test_a_change_while_the_next_sample_loads_stays_with_the_shown_sample(browser, site):
    paths, url = site
    page = login(browser, url, "a01")
    rank_current(page, ["A", "B", "C"])

    def slow_item(route):
        page.wait_for_timeout(1500)
        route.continue_()

    page.route("**/api/item/**", slow_item)
    page.click("#next")
    page.select_option(".rank-select[data-label='C']", "1")  # still on sample 1: C swaps with A
    sync_api.expect(page.locator("#item-pos")).to_have_text("Sample 2 of 4")
    shown = [(r["sample_id"], r["ranking"]) for r in records(paths, "a01")]
    first = records(paths, "a01")[0]["shown"]
    assert shown == [("demo-000", first), ("demo-000", [first[2], first[1], first[0]])]
    sync_api.expect(page.locator("#progress-text")).to_have_text("1 / 4")
    page.context.close()


def test_second_annotator_sees_nothing_of_the_first(browser, site):
    paths, url = site
    first = login(browser, url, "a01")
    rank_current(first, ["A", "B", "C"])
    before = (paths["rankings"] / "a01.jsonl").read_bytes()
    second = login(browser, url, "a02")
    sync_api.expect(second.locator("#progress-text")).to_have_text("0 / 4")
    sync_api.expect(second.locator("#item-pos")).to_have_text("Sample 1 of 4")
    for label in "ABC":
        sync_api.expect(second.locator(f".rank-select[data-label='{label}']")).to_have_value("")
    rank_current(second, ["C", "A", "B"])
    assert (paths["rankings"] / "a01.jsonl").read_bytes() == before
    assert [r["annotator"] for r in records(paths, "a02")] == ["a02"]
    first.context.close()
    second.context.close()


def test_reviewer_approves_and_edits_then_gate_proceeds(browser, site, tmp_path):
    paths, url = site
    page = login(browser, url, "r01")
    expect = sync_api.expect
    chains = page.locator(".chain")
    expect(chains).to_have_count(4)
    expect(chains.nth(3).locator("button.approve")).to_be_disabled()  # the teacher's chain failed validation
    chains.nth(0).locator("button.approve").click()
    expect(chains.nth(0).locator(".decided")).to_contain_text("approve by r01")
    chains.nth(1).locator("button.reject").click()
    expect(chains.nth(1).locator(".decided")).to_contain_text("reject by r01")
    third = chains.nth(2)
    third.locator("button.edit").click()
    third.locator("textarea.edit-L2").fill("编辑后的原因分析")
    third.locator("textarea.edit-answer").fill("编辑后的回答")
    third.locator("button.save-edit").click()
    expect(third.locator(".decided")).to_contain_text("edit by r01")
    fourth = chains.nth(3)
    fourth.locator("button.edit").click()
    fourth.locator("textarea.edit-L1").fill("")  # a chain without L1 is refused
    fourth.locator("button.save-edit").click()
    expect(fourth.locator(".decided")).to_contain_text("Not saved")
    page.reload()
    expect(page.locator(".chain").nth(2).locator(".final-answer")).to_have_text("编辑后的回答")
    expect(page.locator(".chain").nth(0).locator(".decided")).to_contain_text("approve by r01")
    # the review gate reads the decisions file the app wrote and proceeds
    out = tmp_path / "approved.jsonl"
    params = {"review": {"mode": "human", "decisions": str(paths["decisions"]), "target_approved": 2}}
    review.main(["--make", "approved", "--candidates", str(paths["candidates"]), "--html", str(paths["sheet_html"]),
                 "--output", str(out), "--params", json.dumps(params)])  # fmt: skip
    rows = [json.loads(x) for x in out.read_text().splitlines()]
    assert [(r["qid"], r["decision"], r["reviewer"]) for r in rows] == [("demo-0", "approve", "r01"),
                                                                        ("demo-2", "edit", "r01")]  # fmt: skip
    assert rows[1]["levels"]["L2"] == "编辑后的原因分析" and rows[1]["final_answer"] == "编辑后的回答"
    assert rows[1]["levels"]["L1"] == "第2条 L1 内容"
    page.context.close()
