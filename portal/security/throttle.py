"""Throttling of password guessing: failed logins counted per account+address and per address.

The officer login (``/login/``), the portal login (``/portal/login``) and the API's JWT login
(``/api/v1/security/login``) all check passwords through ``PlusSecurityManager.auth_user_db``,
which records each failure here (and forgets the account's failures after a success). Before
any of them checks a password, :func:`guard` refuses the request with 429 while the account
at that address, or the address as a whole, has used up its failures (``AUTH_FAILURE_LIMIT``,
``AUTH_FAILURE_LIMIT_PER_ADDRESS``): the right password does not help then, which is what
stops guessing. Only failures count, so people who type their password right are never
slowed down, however often they log in.

Counts live in Redis when ``REDIS_URL`` is set (one count for all workers), otherwise in the
process's memory, through the storage of the ``limits`` library (Flask-Limiter's own). Flask-
Limiter's request decorators count requests, not failures, so it is not used directly.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, request
from limits import parse, storage, strategies
from limits.limits import RateLimitItem

__all__ = ["LoginThrottle", "guard", "record_failure", "record_success", "wait_seconds"]

#: the login endpoints guarded, by path, and where each puts the username
LOGIN_PATHS = {"/login/": "form", "/portal/login": "form", "/api/v1/security/login": "json"}


@dataclass
class LoginThrottle:
    """The app's failure counters (one per app, kept in ``app.extensions``)."""

    limiter: strategies.MovingWindowRateLimiter
    per_account: RateLimitItem
    per_address: RateLimitItem
    prefix: str

    @classmethod
    def from_config(cls, config: Any) -> LoginThrottle:
        store = storage.storage_from_string(config.get("AUTH_THROTTLE_STORAGE_URL") or "memory://")
        return cls(
            limiter=strategies.MovingWindowRateLimiter(store),
            per_account=parse(config.get("AUTH_FAILURE_LIMIT", "10 per 15 minutes")),
            per_address=parse(config.get("AUTH_FAILURE_LIMIT_PER_ADDRESS", "100 per 15 minutes")),
            prefix=config.get("AUTH_THROTTLE_PREFIX", "plus-login"),
        )

    def _keys(self, username: str, address: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        # Hashed: the store must not hold usernames (often personal names) in clear.
        account = hashlib.sha256(username.strip().casefold().encode("utf-8")).hexdigest()[:32]
        return (self.prefix, "acct", account, address), (self.prefix, "addr", address)

    def wait(self, username: str, address: str) -> int:
        """Seconds until another attempt is allowed (0: allowed now)."""
        account_key, address_key = self._keys(username, address)
        waits = []
        for item, key in ((self.per_account, account_key), (self.per_address, address_key)):
            if not self.limiter.test(item, *key):
                reset = self.limiter.get_window_stats(item, *key).reset_time
                waits.append(max(1, math.ceil(reset - time.time())))
        return max(waits, default=0)

    def failed(self, username: str, address: str) -> None:
        account_key, address_key = self._keys(username, address)
        self.limiter.hit(self.per_account, *account_key)
        self.limiter.hit(self.per_address, *address_key)

    def succeeded(self, username: str, address: str) -> None:
        account_key, _ = self._keys(username, address)
        self.limiter.clear(self.per_account, *account_key)


def _throttle() -> LoginThrottle:
    return current_app.extensions["plus_login_throttle"]


def _address() -> str:
    return request.remote_addr or "unknown"


def wait_seconds(username: str) -> int:
    """Seconds the current address must wait before trying ``username`` again."""
    return _throttle().wait(username or "", _address())


def record_failure(username: str) -> None:
    """Count a failed login of ``username`` from the current address."""
    _throttle().failed(username or "", _address())


def record_success(username: str) -> None:
    """Forget the failures of ``username`` from the current address."""
    _throttle().succeeded(username or "", _address())


def posted_username() -> str:
    """The username a login request carries (form field or JSON), or ''."""
    if LOGIN_PATHS.get(request.path) == "json":
        body = request.get_json(silent=True)
        value = body.get("username") if isinstance(body, dict) else None
    else:
        value = request.form.get("username")
    return value if isinstance(value, str) else ""


def guard() -> Any:
    """Before a login POST: answer 429 while the account or the address is throttled."""
    if request.method != "POST" or request.path not in LOGIN_PATHS:
        return None
    if request.path == "/portal/login":
        return None  # the portal's view says it beside the password field itself
    seconds = wait_seconds(posted_username())
    if not seconds:
        return None
    from portal.views.errors import render_throttled

    return render_throttled(seconds)


def install(app: Flask) -> None:
    """Create the app's counters and guard its login endpoints."""
    app.extensions["plus_login_throttle"] = LoginThrottle.from_config(app.config)
    app.before_request(guard)
