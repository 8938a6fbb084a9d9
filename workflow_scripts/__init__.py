"""Empathy-R1 workflow: every step's logic, importable and unit-tested.

Rules in ``rules/*.smk`` stay thin and call ``python -m workflow_scripts.<step>``.
"""

__version__ = "0.1.0"
