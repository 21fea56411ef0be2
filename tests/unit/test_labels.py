"""Every value of an enum users see has a label of its own (translated via the catalogue)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import portal.models  # noqa: F401  (defines every enum)
from portal.labels import _LABELS
from portal.models.base import LabelledEnum


def _enums(cls: type[LabelledEnum] = LabelledEnum) -> Iterator[type[LabelledEnum]]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _enums(sub)


@pytest.mark.parametrize("enum_cls", list(_enums()), ids=lambda c: c.__name__)
def test_every_member_has_a_label(enum_cls: type[LabelledEnum]) -> None:
    missing = [m.value for m in enum_cls if (enum_cls.__name__, m.value) not in _LABELS]
    assert not missing, f"{enum_cls.__name__}: no label for {missing} in portal/labels.py"


def test_enum_values_fit_the_column() -> None:
    # enum_type stores the value in VARCHAR(40).
    long = [(c.__name__, m.value) for c in _enums() for m in c if len(m.value) > 40]
    assert not long
