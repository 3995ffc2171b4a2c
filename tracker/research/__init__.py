"""Research data: stored fact changes and sentence operations, bulk export and import.

- :mod:`tracker.research.changes` derives each version's diffs and stores them as rows;
- :mod:`tracker.research.worker` is the facts job (many workers on PostgreSQL);
- :mod:`tracker.research.export` writes the tables as JSONL, CSV or Parquet;
- :mod:`tracker.research.archives` reads diffengine databases, WARC files and snapshot folders;
- :mod:`tracker.research.backfill` reads past captures from a CDX API (the Wayback Machine).
"""
