"""Exports of the archive: JSON Lines, CSV and Parquet, streamed in constant memory, with one
field table (:mod:`.schema`) for every format. Used by ``bulletin export`` and the console's
downloads."""

from bulletin_crawler.exports.writers import FORMATS, write

__all__ = ["FORMATS", "write"]
