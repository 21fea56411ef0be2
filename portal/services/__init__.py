"""Domain logic of PLUS: one module per rule, called by views, the API, the CLI and tasks."""
