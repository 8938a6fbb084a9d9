# Quick start: `make demo` (embedded demo end to end) and `make test` (the test suite).
# Both create the virtual environment from requirements.lock first if it is missing.
SHELL := /bin/bash
VENV := .venv
STAMP := $(VENV)/.installed
CORES ?= 2
export PATH := $(abspath $(VENV))/bin:$(PATH)
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: venv demo test test-e2e test-slurm test-browser lint dry-run clean-results

venv: $(STAMP)

# torch first: `torch==2.13.0` resolves to the CPU build on local disk (any other spec pulls CUDA).
$(STAMP): requirements.lock pyproject.toml
	test -x $(VENV)/bin/python || python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet torch==2.13.0
	DS_BUILD_OPS=0 $(VENV)/bin/pip install --quiet -r requirements.lock
	$(VENV)/bin/pip install --quiet --no-deps -e .
	touch $(STAMP)

demo: $(STAMP)
	time snakemake --cores $(CORES) --configfile config/config.yaml

test: $(STAMP)
	pytest

test-e2e: $(STAMP)
	pytest -m e2e

# Real headless Chromium (Debian's; never a downloaded browser): installed here if missing (root).
test-browser: $(STAMP)
	command -v chromium >/dev/null || (apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium chromium-driver)
	pytest -m browser

# Starts a real single-node Slurm (root; installs the Debian packages if missing).
test-slurm: $(STAMP)
	pytest -m slurm

lint: $(STAMP)
	ruff check .
	ruff format --check .
	snakefmt --check Snakefile rules/
	snakemake --lint

dry-run: $(STAMP)
	snakemake -n --configfile config/config.yaml
	snakemake -n --configfile config/paper.yaml

clean-results:
	rm -rf results logs benchmarks .snakemake
