"""Local stand-ins for the outside systems PLUS talks to, for the demo and the tests: HTTP
simulators of the exchange systems (:mod:`connectors.simulators.server`), CKAN's action API and
the national login's SAML IdP. They bind to 127.0.0.1 only and hold no production secrets.
"""

from connectors.simulators.server import Simulator, demo_decisions, person_for, start

__all__ = ["Simulator", "demo_decisions", "person_for", "start"]
