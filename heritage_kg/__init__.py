"""heritage-kg: a knowledge graph of cultural-heritage organisations and their ties."""

__version__ = "0.1.0"

#: The release date stamped into dataset descriptions, so that exports are reproducible.
RELEASE_DATE = "2026-11-23"
