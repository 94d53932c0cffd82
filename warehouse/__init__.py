"""The DuckDB warehouse: schema migrations, staged Parquet batches, loading and publishing.

Nothing in this package imports Prefect; the flows in ``flows/`` call these functions.
"""
