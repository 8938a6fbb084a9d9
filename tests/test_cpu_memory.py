"""The CPU allocator setting: freed blocks are reused instead of being mapped and zero-filled again."""

import subprocess
import sys

import pytest

from workflow_scripts.common.cpu_memory import glibc_mallopt

# Allocate and free a 64 MB tensor 40 times; print the minor page faults this took.
LOOP = """
import resource, sys, torch
from workflow_scripts.common.cpu_memory import keep_freed_memory
if sys.argv[1] == "keep":
    assert keep_freed_memory()
torch.ones(16 * 2**20)
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(40):
    torch.ones(16 * 2**20)
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def _page_faults(mode: str) -> int:
    done = subprocess.run([sys.executable, "-c", LOOP, mode], capture_output=True, text=True, check=True)
    return int(done.stdout.split()[-1])


@pytest.mark.skipif(glibc_mallopt() is None, reason="needs glibc's mallopt (Linux)")
def test_freed_tensors_are_reused_without_new_page_faults():
    default, kept = _page_faults("default"), _page_faults("keep")
    print(f"\nminor page faults for 40 x 64 MB tensors: default {default}, kept {kept}")
    assert default > 40 * 10_000  # each 64 MB block mapped afresh: 16,384 pages of 4 KB
    assert kept < default / 4
