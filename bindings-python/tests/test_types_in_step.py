"""The Python result types are in step with core's: the same fields, and Optional exactly where
core may give null. The source is core's Rust types, through schema/api.schema.json (generated
from them and kept current by core's tests); a field added or renamed in core fails here until
the facade and its stubs follow."""

from __future__ import annotations

import json
import typing
from pathlib import Path
from typing import Any

import pytest

import attain

SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "schema" / "api.schema.json").read_text())
DEFS: dict[str, Any] = SCHEMA["$defs"]


def nullable(prop: dict[str, Any]) -> bool:
    kinds = prop.get("type")
    if isinstance(kinds, list) and "null" in kinds:
        return True
    return any(nullable(p) or p.get("type") == "null" for p in prop.get("anyOf", []) + prop.get("oneOf", []))


def annotations(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def is_optional(hint: Any) -> bool:
    return type(None) in typing.get_args(hint)


@pytest.mark.parametrize(
    ("cls", "definition"),
    [(attain.IndicatorResult, "IndicatorResult"), (attain.GoalResult, "GoalResult"), (attain.Assessment, "Assessment")],
)
def test_a_result_type_has_cores_fields_and_nullability(cls: type, definition: str) -> None:
    props: dict[str, Any] = DEFS[definition]["properties"]
    hints = annotations(cls)
    assert set(hints) == set(props), f"{cls.__name__} differs from core's {definition}"
    for name, prop in props.items():
        if nullable(prop):
            assert is_optional(hints[name]), f"{cls.__name__}.{name} may be null in core: make it Optional"


def test_the_check_is_able_to_fail() -> None:
    # A made-up class with one field missing and one not Optional must be caught by the same test.
    class Wrong:
        status: str
        label: str
        reason: str
        score: float
        period: str
        target: typing.Optional[float]

    props = DEFS["Assessment"]["properties"]
    assert set(annotations(Wrong)) != set(props)
    assert not is_optional(annotations(Wrong)["score"]) and nullable(props["score"])
