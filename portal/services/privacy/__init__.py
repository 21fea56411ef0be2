"""Data protection: the read log, log redaction, retention and a person's data export."""
