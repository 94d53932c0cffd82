"""An extractor with real faults, for the pool's isolation tests: pages marked in their HTML
hang the worker in a busy loop, kill it with a segmentation fault, or raise. Every other page
goes through the real extractor."""

from __future__ import annotations

import ctypes
from typing import Any

from transform.pipeline import Page, extract_record

HANG, CRASH, RAISE = "<!--hang-->", "<!--crash-->", "<!--raise-->"


def extract_or_fault(page: Page) -> dict[str, Any]:
    if HANG in page.html:
        while True:  # a pathological page that never finishes
            pass
    if CRASH in page.html:
        ctypes.string_at(0)  # reads address 0: SIGSEGV, the worker dies
    if RAISE in page.html:
        raise ValueError("the extractor choked on this page")
    return extract_record(page)
