"""Extraction and normalisation: from fetched HTML to article records.

Nothing in this package imports Prefect; the flows in ``flows/`` call these functions.
"""
