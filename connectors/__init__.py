"""Connector plugins exchanging data with other systems (later issues)."""
