"""Keep freed heap memory inside the process when torch runs on CPU.

glibc serves every allocation above its mmap threshold (32 MB at most) with a fresh mapping and unmaps it on free,
so a CPU training loop zero-fills the same pages again at every step: a batch's logits alone (batch x length x
vocabulary floats) are hundreds of MB. On the demo's CPU SFT a third of the time went to the kernel (6.5 M page
faults in 20 steps). With mmap and trimming off, freed blocks are reused: the same 20 steps ran 1.6x faster
(train_runtime 35 -> 22 s) for 0.35 GB more peak memory (bench/README.md, "Demo wall time").

Only on CPU-only runs: on a GPU machine host memory holds weights on their way to the GPU and is best returned.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import sys
from collections.abc import Callable

log = logging.getLogger(__name__)

# mallopt parameter numbers from glibc's <malloc.h>
M_TRIM_THRESHOLD = -1
M_MMAP_MAX = -4
# mallopt takes an int: keep up to 2 GiB of free memory at the top of the heap before giving it back
TRIM_THRESHOLD_BYTES = 2**31 - 1


def glibc_mallopt() -> Callable[[int, int], int] | None:
    """glibc's ``mallopt``, or None where the C library has none (not Linux, musl)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None
    mallopt = getattr(libc, "mallopt", None)
    if mallopt is not None:
        mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    return mallopt


def keep_freed_memory() -> bool:
    """Turn glibc's mmap allocations and heap trimming off; False where the C library has no ``mallopt``."""
    mallopt = glibc_mallopt()
    if mallopt is None:
        return False
    return bool(mallopt(M_MMAP_MAX, 0)) and bool(mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES))


def keep_freed_memory_on_cpu() -> None:
    """``keep_freed_memory`` when no CUDA device is visible (the demo and the CPU rehearsals)."""
    import torch

    if torch.cuda.is_available():
        return
    log.info("CPU run: freed heap memory is kept for reuse (%s)", "on" if keep_freed_memory() else "unavailable")
