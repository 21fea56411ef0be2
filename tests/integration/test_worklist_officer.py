"""A unit manager's worklist names each row's responsible officer and narrows to one officer;
an officer's own worklist has no such column (issue 10, navigation)."""

from __future__ import annotations

import re
from typing import Any

from portal.services.access import Role
from tests.factories import BaseData


def _officer_cells(html: str) -> list[str]:
    return re.findall(r'<td class="worklist-officer">([^<]*)</td>', html)


def test_the_managers_worklist_names_the_responsible_officer(base: BaseData,
                                                               login_as: Any) -> None:
    manager = login_as(Role.UNIT_MANAGER)
    html = manager.get("/worklist/").get_data(as_text=True)
    assert "<th>Atbildīgā amatpersona</th>" in html
    cells = _officer_cells(html)
    assert "Officer Test" in cells  # the base officer's no-show and meeting rows
    assert "None" not in cells
    # Narrowed to one officer, every row is theirs.
    narrowed = manager.get(f"/worklist/?officer={base.users[Role.OFFICER]}").get_data(True)
    assert set(_officer_cells(narrowed)) == {"Officer Test"}


def test_an_officers_worklist_has_no_officer_column(login_as: Any) -> None:
    html = login_as(Role.OFFICER).get("/worklist/").get_data(as_text=True)
    assert "worklist-officer" not in html and "<th>Atbildīgā amatpersona</th>" not in html
