"""Malformed requests are refused before any view runs: 400 (or 404), never a 500.

Checked on every request:

* a NUL byte in the path or in a query parameter (PostgreSQL refuses NUL in text, so it would
  fail deep in a query);
* a number in the URL's path beyond a 64-bit integer (``/caseview/show/99999999999999999999``
  would overflow the database's bigint): 404, as no such row can exist;
* the API's rison ``q=`` argument: unparsable, or holding a NUL, a number beyond a 64-bit
  integer or a non-finite float anywhere in it (FAB passes values straight into SQL);
* a JSON body nested deeper than ``MAX_JSON_DEPTH`` (Python's parser raises RecursionError on
  a few thousand levels, and the form engine recurses over what it is given).

* a list filter ``_flt_<n>_<column>`` whose filter number the column does not have
  (Flask-AppBuilder indexes its list of filters with it), or, outside list pages, a column
  without filters;

Filter values that parse but do not fit their column (an unknown status, a date or amount
out of range) are left to the list views, which answer 400 when the database refuses them.
"""

from __future__ import annotations

import math
import re
from typing import Any

import prison
from flask import Flask, abort, current_app, request

__all__ = ["install", "too_deep"]

_BIGINT = 2**63 - 1


def _bad_scalar(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return abs(value) > _BIGINT
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, str):
        return "\x00" in value
    return False


def too_deep(value: Any, limit: int) -> bool:
    """Whether a parsed JSON (or rison) value nests deeper than ``limit`` (iteratively)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = list(item.values()) + list(item.keys())
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def _bad_tree(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif _bad_scalar(item):
            return True
    return False


_FILTER_ARG = re.compile(r"^_flt_(\d)_(.*)$", re.DOTALL)


def _view_of(endpoint: str | None) -> Any:
    if not endpoint or "." not in endpoint:
        return None
    views = current_app.extensions.get("plus_views_by_endpoint")
    if views is None:
        views = {getattr(v, "endpoint", None): v for v in current_app.appbuilder.baseviews}
        current_app.extensions["plus_views_by_endpoint"] = views
    return views.get(endpoint.split(".", 1)[0])


def _check_list_filters() -> None:
    names = [arg for arg in request.args if arg.startswith("_flt_")]
    if not names:
        return
    filters = getattr(_view_of(request.endpoint), "_filters", None)
    if filters is None:
        return
    search = filters.get_search_filters()
    on_list = (request.endpoint or "").endswith(".list")
    for arg in names:
        match = _FILTER_ARG.match(arg)
        if match is None:
            continue  # FAB ignores it
        index, column = int(match.group(1)), match.group(2)
        if column not in search:
            if on_list:
                continue  # FAB's list ignores columns it cannot search
            abort(400)
        if index >= len(search[column]):
            abort(400)


def reject_malformed_request() -> None:
    """Abort with 400 (404 for an impossible id) before a malformed request reaches a view."""
    if "\x00" in request.path or any(
        "\x00" in key or "\x00" in value for key, value in request.args.items(multi=True)
    ):
        abort(400)
    for value in (request.view_args or {}).values():
        if (isinstance(value, int) and abs(value) > _BIGINT) or (
            isinstance(value, str) and value.isdigit() and len(value) > 18
        ):
            abort(404)
    _check_list_filters()
    limit = int(current_app.config.get("MAX_JSON_DEPTH", 64))
    if request.path.startswith("/api/") and "q" in request.args:
        try:
            parsed = prison.loads(request.args["q"])
        except Exception:  # prison raises bare exceptions of several kinds on junk
            abort(400)
        if too_deep(parsed, limit) or _bad_tree(parsed):
            abort(400)
    if request.is_json and request.content_length != 0:
        try:
            body = request.get_json(silent=True)
        except RecursionError:
            abort(400)
        if too_deep(body, limit):
            abort(400)


def install(app: Flask) -> None:
    """Guard every request of ``app``."""
    app.before_request(reject_malformed_request)
