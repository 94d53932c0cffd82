"""Give freed memory back to the system during a long run (glibc only; a no-op elsewhere).

Every page body passes through the flow process: fetched, archived, pickled to a worker.
glibc keeps the freed space of such buffers in its heap and returns it only when the top of
the heap is free, which a long run's small live objects rarely allow; measured on the
benchmark corpus, the process grew by about one page body per page fetched although its
live data did not (docs/throughput.md). Two settings keep the heap to the live data:
buffers of ``MMAP_THRESHOLD`` bytes or more are mapped on their own and unmapped when freed
(fixing the threshold also stops glibc from raising it after the first big free), and
:func:`release_free_heap`, called after each batch, returns the free pages inside the heap.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools

MMAP_THRESHOLD = 256 * 1024  # above a page body, below a pickled batch
_M_MMAP_THRESHOLD = -3  # mallopt's parameter number, from glibc's malloc.h


@functools.cache
def _glibc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        libc = ctypes.CDLL(name)
        libc.mallopt, libc.malloc_trim  # noqa: B018 - musl and macOS have neither
    except (OSError, AttributeError):
        return None
    return libc


def limit_heap_growth() -> bool:
    """Map large buffers on their own from now on; False where the C library is not glibc."""
    libc = _glibc()
    return bool(libc and libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD))


def release_free_heap() -> bool:
    """Return the heap's free pages to the system; True if any were returned."""
    libc = _glibc()
    return bool(libc and libc.malloc_trim(0))
