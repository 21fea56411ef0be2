"""Pure document builders: data in, bytes out (later issues)."""
