"""Every rule runs in a conda env whose pins agree with the project's lock."""

import re
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
RULE_RE = re.compile(r"^(rule|checkpoint) (\w+):\n((?:[ \t]+.*\n|\n)*)", re.MULTILINE)
LOCAL_RULES = {"all"}


def _pin(spec: str) -> tuple[str, str]:
    name, _, version = spec.partition("==")
    return name.strip().lower().replace("_", "-"), version.strip()


def lock_pins() -> dict[str, str]:
    lines = (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines()
    return dict(_pin(line) for line in lines if line.strip() and not line.startswith("#"))


def rule_blocks() -> dict[str, str]:
    blocks = {}
    for smk in [ROOT / "Snakefile", *sorted((ROOT / "rules").glob("*.smk"))]:
        for match in RULE_RE.finditer(smk.read_text(encoding="utf-8")):
            blocks[match.group(2)] = match.group(3)
    return blocks


def test_rules_are_found():
    assert len(rule_blocks()) >= 3


@pytest.mark.parametrize("rule", sorted(set(rule_blocks()) - LOCAL_RULES))
def test_every_rule_has_a_conda_env_that_exists(rule):
    body = rule_blocks()[rule]
    match = re.search(r'conda:\s*\n?\s*"([^"]+)"', body)
    assert match, f"rule {rule} has no conda: directive"
    assert (ROOT / "rules" / match.group(1)).resolve().is_file(), f"rule {rule}: {match.group(1)} missing"


@pytest.mark.parametrize("env_file", sorted((ROOT / "envs").glob("*.yaml")), ids=lambda p: p.name)
def test_env_pins_equal_the_lock(env_file):
    env = yaml.safe_load(env_file.read_text(encoding="utf-8"))
    pip_specs = next(dep["pip"] for dep in env["dependencies"] if isinstance(dep, dict))
    lock = lock_pins()
    assert pip_specs, f"{env_file.name} pins nothing"
    for spec in pip_specs:
        name, version = _pin(spec)
        assert version, f"{env_file.name}: {spec} is not an exact pin"
        assert lock.get(name) == version, f"{env_file.name}: {name}=={version}, lock has {lock.get(name)}"


def test_pyproject_pins_equal_the_lock():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    lock = lock_pins()
    for spec in project["dependencies"] + project["optional-dependencies"]["dev"]:
        name, version = _pin(spec)
        assert lock.get(name) == version, f"pyproject {name}=={version}, lock has {lock.get(name)}"
