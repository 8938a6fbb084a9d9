"""Site profiles: the declarative description of a source in config ``crawl.sources.<name>``.

Shared by the crawl (``run.py``) and ``check_site.py``: where the profile comes from, how its
start URLs resolve (relative paths are allowed for the bundled demo site only) and which
domains the spider may visit.
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


def start_urls(profile: dict[str, Any], source: str) -> list[str]:
    """Absolute start URLs: demo paths resolve against the canonical demo address."""
    urls = []
    for url in profile["start_urls"]:
        if profile.get("demo_site"):
            urls.append(urljoin(DEMO_CANONICAL_BASE + "/", url))
        elif urlsplit(url).scheme in ("http", "https"):
            urls.append(url)
        else:
            raise InputError(
                f"config crawl.sources.{source}.start_urls: {url!r} is not an http(s) URL; relative paths "
                "are only allowed for the bundled demo site (demo_site: true)"
            )
    return urls


def allowed_domains(profile: dict[str, Any]) -> list[str]:
    """Domains the spider may follow links into (the canonical demo host for the demo site)."""
    if profile.get("demo_site"):
        return [urlsplit(DEMO_CANONICAL_BASE).hostname]
    return list(profile.get("allowed_domains", []))


@contextlib.contextmanager
def live_site(profile: dict[str, Any], site_dir: str | None, base_url: str | None) -> Iterator[str | None]:
    """For a demo-site profile, the base URL where the site is served for this block; None otherwise.

    ``base_url`` points at an already-running copy; else the site in ``site_dir`` is served on a
    free loopback port (``workflow_scripts.data.demo_site.serve_site``) until the block ends.
    """
    if not profile.get("demo_site"):
        yield None
        return
    if base_url:
        yield base_url.rstrip("/")
        return
    if not site_dir or not Path(site_dir).is_dir():
        raise InputError(
            f"demo site directory {site_dir!r} not found: build it first "
            "(snakemake results/demo_site/site) or pass --site DIR / --base-url URL"
        )
    from workflow_scripts.data.demo_site import serve_site  # imported late: only demo crawls need it

    with serve_site(site_dir) as served:
        yield str(served).rstrip("/")


def canonical_host_map(live_base: str | None) -> dict[str, str]:
    """{canonical netloc: live base} for the download handler (empty for real sites)."""
    if live_base is None:
        return {}
    return {urlsplit(DEMO_CANONICAL_BASE).netloc: live_base}
