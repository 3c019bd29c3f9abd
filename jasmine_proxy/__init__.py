"""Jasmine: a MySQL wire-protocol proxy that compiles extended SQL into managed ETL patterns."""

__version__ = "0.1.0"
