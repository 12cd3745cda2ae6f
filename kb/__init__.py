"""plankb: a structured, searchable, cross-linked knowledge base for Chinese plan documents."""

__version__ = "0.1.0"
