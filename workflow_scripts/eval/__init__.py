"""Evaluation: generation, metrics, tables."""
