"""Shared helpers for the extraction tests: fixture loading."""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures" / "extract"


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")
