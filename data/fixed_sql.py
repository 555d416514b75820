"""SQL written once per model and dialect, and its rows loaded as model instances: the
machinery of the fast look-ups (``data.hotpath``, ``data.meeting_reads``).

Building a query through the ORM costs far more than running it: the member look-up
took 776 µs through tortoise's query builder and 91 µs as the same SQL sent directly.
So those look-ups send fixed SQL (built once, then cached) and turn the rows into
ordinary model instances as tortoise's own loader does, so callers get the same objects
they would from ``Model.get_or_none``: saving them, following their relations and so on
work as usual.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import cache
from typing import Any, TypeVar

from tortoise import timezone
from tortoise.fields import DatetimeField
from tortoise.models import Model

from data.db import dialect, quick_rows

M = TypeVar("M", bound=Model)


def column_names(model: type[Model]) -> list[str]:
    return list(model._meta.db_fields)


# how one column's value becomes the attribute's: None keeps it as the driver gave it;
# with the flag, NULL is converted too
Convert = Callable[[Any], Any] | None
Step = tuple[str, str, Convert, bool]


def _aware(value: Any) -> Any:
    """A stored date and time as tortoise's ``DatetimeField`` reads it (aware, in the
    configured zone), with the C parser. Loading rows through tortoise (its pure-Python
    ISO parser, its per-field calls) was a third of a ``communities`` command's time in
    a profile; this loader took the command from 0.20 to 0.14 ms."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:  # a form only tortoise's parser reads
            return DatetimeField().to_python_value(value)
    if not isinstance(value, datetime) or not timezone.get_use_tz():
        return DatetimeField().to_python_value(value)
    if value.tzinfo is None:
        return timezone.make_aware(value)
    return value.astimezone(timezone.get_default_timezone())


@cache
def _plan(model: type[Model]) -> tuple[Step, ...]:
    """Per column: its name, the attribute it fills and its conversion, as tortoise's
    ``Model._init_from_db`` does them."""
    meta = model._meta
    plan: list[Step] = []
    plan += [(column, attribute, None, False) for column, attribute, _ in meta.db_native_fields]
    plan += [
        (column, attribute, field.field_type, False)
        for column, attribute, field in meta.db_default_fields
    ]
    for column, attribute, field in meta.db_complex_fields:
        convert = _aware if type(field) is DatetimeField else field.to_python_value
        plan.append((column, attribute, convert, True))
    return tuple(plan)


def load(model: type[M], row: dict[str, Any], prefix: str = "") -> M:
    """A model instance from a row, as ``Model._init_from_db`` makes one (saved, not
    partial, every value converted), so saving it or following its relations works."""
    instance = model.__new__(model)
    meta = model._meta
    put = object.__setattr__  # as tortoise does: no relation checks for loaded values
    put(instance, "_partial", False)
    put(instance, "_saved_in_db", True)
    put(instance, "_custom_generated_pk", meta.db_pk_column not in meta.generated_db_fields)
    put(instance, "_await_when_save", {})
    for column, attribute, convert, with_null in _plan(model):
        value = row[prefix + column]
        if convert is not None and (with_null or value is not None):
            value = convert(value)
        put(instance, attribute, value)
    return instance


def mark(dialect: str, position: int) -> str:
    return "?" if dialect == "sqlite" else f"${position}"


def marks(dialect: str, count: int, first: int = 1) -> str:
    """Marks for an ``IN (...)`` list of ``count`` values, from position ``first``."""
    return ", ".join(mark(dialect, i) for i in range(first, first + count))


@cache
def _select_sql(model: type[Model], keys: tuple[str, ...], dialect: str) -> str:
    columns = ", ".join(f'"{c}"' for c in column_names(model))
    conditions, position = [], 0
    for key in keys:
        if key.endswith(":null"):
            conditions.append(f'"{key.removesuffix(":null")}" IS NULL')
        else:
            position += 1
            conditions.append(f'"{key}" = {mark(dialect, position)}')
    where = " AND ".join(conditions)
    return f'SELECT {columns} FROM "{model._meta.db_table}" WHERE {where} LIMIT 1'


async def one(model: type[M], **where: Any) -> M | None:
    """The first row of ``model`` matching ``where`` (``key=None``: the column IS NULL)."""
    keys = tuple(key if value is not None else f"{key}:null" for key, value in where.items())
    sql = _select_sql(model, keys, dialect())
    values = [value for value in where.values() if value is not None]
    rows = await quick_rows(sql, values)
    return load(model, rows[0]) if rows else None
