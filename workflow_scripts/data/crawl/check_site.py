"""check-site: fetch one list page and one question page of a profile and say which selectors match.

    python -m workflow_scripts.data.crawl.check_site --source demo
    python -m workflow_scripts.data.crawl.check_site --source xinli001 --config config/paper.yaml

Use it before trusting a profile (``verified: false`` in the config) and whenever a site changes
its layout. Exit status 0 when every required selector (question link, title, answer block,
answer text; the JSON answers' list and text when the profile reads answers from JSON) matched,
1 otherwise, and 1 with ``BLOCKED`` when a page is a challenge or block page (``blocking.py``),
which is reported and never solved. robots.txt is read and obeyed first. ``--base-url`` checks a
local copy of the site (the fixture pages in tests/fixtures/crawl/ are served that way in tests).
"""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import yaml

from workflow_scripts.common.cli import run_main, step_parser
from workflow_scripts.common.io import InputError
from workflow_scripts.data.crawl import blocking, extract, profiles

ROOT = Path(__file__).resolve().parents[3]
DEFAULT_CONFIG = ROOT / "config" / "config.yaml"
SCHEMA = ROOT / "config" / "schema" / "config.schema.yaml"


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """Merge like Snakemake's --configfile: mappings merge recursively, everything else replaces."""
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def load_config(paths: Sequence[str | Path]) -> dict[str, Any]:
    """config/config.yaml with each given file merged over it, validated against the schema."""
    import jsonschema

    config: dict[str, Any] = {}
    for path in [DEFAULT_CONFIG, *paths]:
        try:
            config = _merge(config, yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {})
        except (OSError, yaml.YAMLError) as err:
            raise InputError(f"{path}: cannot read config ({err})") from err
    schema = yaml.safe_load(SCHEMA.read_text(encoding="utf-8"))
    error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(schema).iter_errors(config))
    if error is not None:
        key = ".".join(str(p) for p in error.absolute_path) or "(top level)"
        raise InputError(f"config key {key}: {error.message}")
    return config


def fetch(url: str, user_agent: str, timeout: float) -> tuple[int, str, str]:
    """GET a page; return (status, text, final URL after redirects). HTTP errors are returned, network
    errors raised as InputError."""
    request = urllib.request.Request(url, headers={"User-Agent": user_agent, "Accept-Language": "zh-CN,zh;q=0.9"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            charset = response.headers.get_content_charset() or "utf-8"
            return response.status, response.read().decode(charset, errors="replace"), response.geturl()
    except urllib.error.HTTPError as err:
        return err.code, "", url
    except (urllib.error.URLError, TimeoutError, OSError) as err:
        raise InputError(f"cannot fetch {url}: {err}") from err


def robots_allows(url: str, user_agent: str, timeout: float) -> bool:
    """Whether the site's robots.txt lets ``user_agent`` fetch ``url`` (no robots.txt: allowed)."""
    from protego import Protego

    parts = urlsplit(url)
    status, text, _ = fetch(f"{parts.scheme}://{parts.netloc}/robots.txt", user_agent, timeout)
    if status != 200:
        return True
    return Protego.parse(text).can_fetch(url, user_agent)


def _show(out: list[str], report: dict[str, tuple[int, str | None]], names: tuple[str, ...], indent: str) -> None:
    for name in names:
        if name not in report:
            out.append(f"{indent}{name:<15} (no selector)")
            continue
        count, first = report[name]
        shown = (first or "").replace("\n", " / ")
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        mark = "ok" if count else ("MISSING" if name in extract.REQUIRED_FIELDS else "none")
        out.append(f"{indent}{name:<15} {mark:<8} {count:>3} match(es)  first: {shown!r}")


def check(profile: dict[str, Any], list_url: str, user_agent: str, timeout: float) -> tuple[list[str], bool]:
    """Fetch the list page and its first question; report each selector. Returns (lines, all required matched)."""
    from parsel import Selector

    selectors = profile["selectors"]
    detail = selectors["detail"]
    json_answers = profile.get("json", {}).get("answers")
    out: list[str] = []
    matched: dict[str, int] = {}
    blocked: list[str] = []

    def page_at(label: str, url: str, kind: str) -> tuple[str, str] | None:
        if not robots_allows(url, user_agent, timeout):
            out.append(f"{label} {url}: robots.txt forbids fetching it; not checked")
            return None
        status, text, final = fetch(url, user_agent, timeout)
        out.append(f"{label} {url} -> HTTP {status}")
        seen = blocking.error_page_seen(final, profile) or (
            blocking.blocked_seen(kind, text, profile) if status == 200 else None
        )
        if seen:
            blocked.append(f"BLOCKED at {url}: {seen}; not solved or bypassed: check again later")
            out.append(blocked[-1])
            return None
        return text, final

    if "questions" in profile.get("json", {}):
        out.append("list pages are JSON (json.questions): not probed here; some required selectors did not match")
        return out, False
    listing = page_at("list page", list_url, blocking.LIST)
    if listing is not None:
        page = Selector(text=listing[0] or "<html></html>")
        report = extract.probe(page, selectors["list"], extract.LIST_FIELDS)
        _show(out, report, extract.LIST_FIELDS, "  ")
        matched.update({name: count for name, (count, _) in report.items()})
        href = page.css(selectors["list"]["question_link"]).get()
        question_url = urljoin(list_url, href.strip()) if href else None
        question = page_at("question page", question_url, blocking.QUESTION) if question_url else None
        if href is None:
            out.append("question page: not checked (no question link on the list page)")
        if question is not None:
            page = extract.drop_excluded(Selector(text=question[0] or "<html></html>"), detail.get("exclude"))
            report = extract.probe(page, detail, extract.DETAIL_FIELDS)
            _show(out, report, extract.DETAIL_FIELDS, "  ")
            matched.update({name: count for name, (count, _) in report.items()})
            blocks = page.css(detail["answer"]) if detail.get("answer") else []
            if blocks:
                out.append("  in the first answer block:")
                report = extract.probe(blocks[0], detail, extract.ANSWER_FIELDS)
                _show(out, report, extract.ANSWER_FIELDS, "    ")
                matched.update({name: count for name, (count, _) in report.items()})
            post_id = extract.post_id_from_url(question_url, profile["post_id_regex"])
            out.append(f"  {'post_id_regex':<15} {'ok' if post_id else 'MISSING':<8} post_id: {post_id!r}")
            matched["post_id_regex"] = int(bool(post_id))
            if json_answers and post_id:
                matched.update(_check_json_answers(out, page_at, json_answers, question_url, post_id, detail))
    required = ["question_link", "title", "post_id_regex"]
    required += ["json_answers", "json_answer_text"] if json_answers else ["answer", "answer_text"]
    ok = not blocked and all(matched.get(name, 0) > 0 for name in required)
    out.append("all required selectors matched" if ok else "some required selectors did not match")
    return out, ok


def _check_json_answers(
    out: list[str],
    page_at: Callable[[str, str, str], tuple[str, str] | None],
    spec: dict[str, Any],
    question_url: str,
    post_id: str,
    detail: dict[str, Any],
) -> dict[str, int]:
    """Fetch the first page of a question's JSON answers and report its list and first answer's fields."""
    import datetime as dt

    url = urljoin(question_url, spec["url"].format(post_id=post_id, page=1))
    fetched = page_at("answers JSON", url, blocking.ANSWERS_JSON)
    if fetched is None:
        return {}
    answers = extract.json_answers(json.loads(fetched[0]), spec, detail.get("exclude"), dt.datetime.now(dt.UTC), None)
    count = len(answers)
    first = answers[0] if answers else {}
    out.append(f"  {'json_answers':<15} {'ok' if count else 'MISSING':<8} {count:>3} answer(s) at {spec['items']!r}")
    for name in extract.JSON_ANSWER_FIELDS:
        shown = str(first.get(name) or "").replace("\n", " / ")[:57]
        mark = "ok" if first.get(name) is not None else ("MISSING" if name == "text" else "none")
        out.append(f"    {name:<13} {mark:<8} first: {shown!r}")
    return {"json_answers": count, "json_answer_text": int(bool(first.get("text")))}


def main(argv: Sequence[str] | None = None) -> None:
    parser = step_parser("Check a site profile: which selectors match on one list and one question page.")
    parser.add_argument("--source", required=True, help="profile name under crawl.sources")
    parser.add_argument(
        "--config", action="append", default=[], help="config file merged over config/config.yaml (repeatable)"
    )
    parser.add_argument("--site", default="results/demo_site/site", help="demo site directory (demo profiles)")
    parser.add_argument("--base-url", default=None, help="an already-running copy of the site (any profile)")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per request")
    args = parser.parse_args(argv)
    config = load_config(args.config)
    sources = config["crawl"]["sources"]
    if args.source not in sources:
        raise InputError(f"no profile {args.source!r} under crawl.sources; known: {sorted(sources)}")
    profile = sources[args.source]
    user_agent = config["crawl"]["settings"]["user_agent"]
    urls = profiles.start_urls(profile, args.source)
    with profiles.live_site(profile, args.site, args.base_url) as live:
        list_url = urls[0]
        if live:  # the same path and query on the copy
            parts = urlsplit(list_url)
            list_url = urljoin(live + "/", parts.path + (f"?{parts.query}" if parts.query else ""))
        status = "verified" if profile.get("verified") else "NOT verified"
        print(f"source {args.source} ({status} profile)")
        lines, ok = check(profile, list_url, user_agent, args.timeout)
    print("\n".join(lines))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    run_main(main)
