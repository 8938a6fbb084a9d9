"""Shared helpers: safe I/O, step runner, provenance records."""
