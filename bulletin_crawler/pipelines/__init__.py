"""Item pipelines, in order: normalise → validate → deduplicate → store (see settings.py)."""
