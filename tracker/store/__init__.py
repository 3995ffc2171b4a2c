"""Store: versioned storage of stories in SQLite or PostgreSQL (SQLAlchemy 2.x, Alembic).

>>> from tracker.store import Store
>>> with Store("sqlite:///example.db") as store:
...     [v.number for v in store.history("https://example.com/story")]
"""

from tracker.store.database import default_url, open_database
from tracker.store.repository import (
    SaveResult,
    Store,
    StoredVersion,
    StoryInfo,
    VersionInfo,
    canonical_text,
    utcnow,
)

__all__ = [
    "SaveResult",
    "Store",
    "StoredVersion",
    "StoryInfo",
    "VersionInfo",
    "canonical_text",
    "default_url",
    "open_database",
    "utcnow",
]
