"""``python -m bench``: run the PostgreSQL benchmark (see ``bench/run.py``)."""

from bench.run import main

raise SystemExit(main())
