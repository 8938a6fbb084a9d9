"""Site profiles: the declarative description of a source in config ``crawl.sources.<name>``.

Shared by the crawl (``run.py``) and ``check_site.py``: where the profile comes from, how its
list URLs resolve (start URLs and ``list_pages`` URL templates; relative paths are allowed for the
bundled demo site only), which domains the spider may visit, and where a local copy of a site is
served when ``--base-url`` points at one (tests and replays of saved pages run offline that way).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from workflow_scripts.common.io import InputError
from workflow_scripts.data.crawl.middlewares import DEMO_CANONICAL_BASE


def source_settings(params: dict[str, Any], source: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The shared ``crawl.settings`` and this source's profile from a rule's ``--params`` JSON."""
    key = f"crawl.sources.{source}"
    missing = [k for k in ("crawl.settings", key) if k not in params]
    if missing:
        raise InputError(
            f"--params lacks {missing}; the crawl rule passes settings('crawl.settings', '{key}') "
            f"(is {source!r} defined under crawl.sources in the config?)"
        )
    return params["crawl.settings"], params[key]


def check_profile(profile: dict[str, Any], source: str) -> None:
    """What the schema cannot say: questions and answers each need a source (HTML selectors or JSON), and a
    real site's profile carries a note on the site's terms."""
    where = f"config crawl.sources.{source}"
    json_spec = profile.get("json", {})
    if "questions" not in json_spec and "question_link" not in profile["selectors"].get("list", {}):
        raise InputError(f"{where}: give selectors.list.question_link or json.questions")
    detail = profile["selectors"]["detail"]
    if "answers" not in json_spec and not ("answer" in detail and "answer_text" in detail):
        raise InputError(f"{where}: give selectors.detail.answer and answer_text, or json.answers")
    if not profile.get("demo_site") and not profile.get("terms"):
        raise InputError(f"{where}: a real site's profile needs a `terms` note (its terms of use and robots.txt)")


def start_urls(profile: dict[str, Any], source: str) -> list[str]:
    """Absolute list URLs of a checked profile (``check_profile``): the start URLs, then the ``list_pages``
    template's pages; demo paths resolve against the canonical demo address."""
    check_profile(profile, source)
    templates = []
    pages = profile.get("list_pages")
    if pages:
        templates = [pages["url_template"].format(page=n) for n in range(pages["first"], pages["last"] + 1)]
    urls = []
    for url in [*profile.get("start_urls", []), *templates]:
        if profile.get("demo_site"):
            urls.append(urljoin(DEMO_CANONICAL_BASE + "/", url))
        elif urlsplit(url).scheme in ("http", "https"):
            urls.append(url)
        else:
            raise InputError(
                f"config crawl.sources.{source}: start_urls/list_pages URL {url!r} is not an http(s) URL; "
                "relative paths are only allowed for the bundled demo site (demo_site: true)"
            )
    if not urls:
        raise InputError(f"config crawl.sources.{source}: no list pages (give start_urls or list_pages)")
    return urls


def allowed_domains(profile: dict[str, Any]) -> list[str]:
    """Domains the spider may follow links into (the canonical demo host for the demo site)."""
    if profile.get("demo_site"):
        return [urlsplit(DEMO_CANONICAL_BASE).hostname]
    return list(profile.get("allowed_domains", []))


@contextlib.contextmanager
def live_site(profile: dict[str, Any], site_dir: str | None, base_url: str | None) -> Iterator[str | None]:
    """Where the site is served for this block: ``base_url`` (a running copy, any profile), the demo site
    in ``site_dir`` on a free loopback port (``workflow_scripts.data.demo_site.serve_site``), or None (the
    real site itself).
    """
    if base_url:
        yield base_url.rstrip("/")
        return
    if not profile.get("demo_site"):
        yield None
        return
    if not site_dir or not Path(site_dir).is_dir():
        raise InputError(
            f"demo site directory {site_dir!r} not found: build it first "
            "(snakemake results/demo_site/site) or pass --site DIR / --base-url URL"
        )
    from workflow_scripts.data.demo_site import serve_site  # imported late: only demo crawls need it

    with serve_site(site_dir) as served:
        yield str(served).rstrip("/")


def canonical_host_map(live_base: str | None, profile: dict[str, Any], urls: list[str]) -> dict[str, str]:
    """{host the spider asks for: live base} for the download handler (empty: the real site itself).

    The hosts are those of the list URLs and the profile's allowed domains.
    """
    if live_base is None:
        return {}
    hosts = {urlsplit(url).netloc for url in urls} | set(allowed_domains(profile))
    return dict.fromkeys(sorted(hosts), live_base)
