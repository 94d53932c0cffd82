"""Prefect orchestration and the ``sinorus`` command line. Thin wiring over plain functions."""
