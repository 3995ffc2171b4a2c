"""tracker: a breaking-news update diff tracker.

It keeps every version of a news story and reports how the facts changed.
The pipeline, one module per stage::

    fetch → extract → sections → sentences → store
                                     ↘ align → facts → semdiff → render
"""

__version__ = "0.1.0"
