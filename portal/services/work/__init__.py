"""Forced labour and community work: limits of placements and hours, suitable work."""
