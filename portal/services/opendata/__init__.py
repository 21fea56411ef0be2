"""Open data: the eight datasets of VPD, their disclosure control, metadata and publication,
and the indicator dashboard that reads the same facts.

* :mod:`.periods` parses and checks a month or year;
* :mod:`.disclosure` suppresses small counts so that no person can be identified;
* :mod:`.datasets` computes the eight tables in the database (GROUP BY, no per-row loops);
* :mod:`.catalogue` describes them (DCAT-AP fields, code lists in Latvian and English);
* :mod:`.publish` sends them to the national open data portal (CKAN);
* :mod:`.indicators` computes the result indicators of the dashboard.
"""
