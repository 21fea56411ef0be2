"""Domain logic of PLUS, called by views, the API, the CLI and tasks; grouped by area.

* ``access`` — who sees and edits which case data (the one place for it); ``audit`` — change
  history; ``errors`` — domain exceptions; ``dbfunctions``, ``setup`` — the database itself;
* ``casework`` — cases, their rules and page, documents, search, the worklist, exports;
* ``intake`` — forms and submissions, and the pipeline by which outside data reaches a case;
* ``partners`` — the portal's users: accounts, what they may see, e-service use;
* ``exchanges`` — messages with other systems (connectors depend on this, never the reverse);
* ``identity`` — the national login; ``privacy`` — read log, audit trail, retention, exports
  of a person's data; ``paperwork`` — generated documents; ``opendata`` — datasets,
  indicators and statistics;
* ``demo`` — demo data only, never domain logic.
"""
