"""Discovery and fetching: from sources.toml to fetched responses and a fetch log.

Nothing in this package imports Prefect; the flows in ``flows/`` call these functions.
"""
