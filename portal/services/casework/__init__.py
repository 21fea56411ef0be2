"""Casework: cases and their rules, the case page, documents, search, the worklist."""
