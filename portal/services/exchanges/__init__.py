"""Exchanges with other systems: the services behind the connectors.

* :mod:`~portal.services.exchanges.inbound` — inbound messages: stored once, proposed
  through the intake pipeline, reviewed, applied;
* :mod:`~portal.services.exchanges.outbox` — outbound messages: the transactional outbox and
  its dispatcher, with retries and backoff;
* :mod:`~portal.services.exchanges.events` — the case events that write outbox rows;
* :mod:`~portal.services.exchanges.shapes` — message errors and the shape check.

Connectors (``connectors/``) depend on these services, never the reverse: the thin tasks of
:mod:`connectors.tasks` look connectors up and hand them in.
"""
