"""What `ALTER MATERIALIZATION name STEP` shows: the materialization before and after one step.

One row per item, columns `Phase` (before / after), `Item`, `Value`: the state and every catalog
field, the step's own outcome (event, duration, rows, the error in full), each backend object the
materialization owns (present or absent, with its CREATE statement), and a few sample rows. It is
meant for someone staring at a broken materialization, so nothing is summarised away: a field
that is NULL says NULL.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from jasmine_proxy.backends import Backend
from jasmine_proxy.catalog import Materialization, now
from jasmine_proxy.options import interval_text

COLUMNS = ["Phase", "Item", "Value"]
#: SHOW MATERIALIZATIONS, in the spec's order (also `jasmine-proxy status`)
SHOW_COLUMNS = [
    "Name",
    "Schema",
    "Strategy",
    "State",
    "Target_lag",
    "Staleness",
    "Last_refresh",
    "Rows",
    "Health",
    "Last_error",
    "Late_rows",  # window_join: rows that arrived later than allowed_lateness (else NULL)
]
SAMPLE_ROWS = 3


def staleness(m: Materialization, at: datetime | None = None) -> float | None:
    """Seconds since the data was last known current; a live view is always current, and so
    is a live or paused trigger materialization (its triggers maintain it in every writer's
    transaction; pausing stops only scheduled work, of which it has none)."""
    if m.strategy == "view" and m.state == "live":
        return 0.0
    if m.strategy == "trigger" and m.state in ("live", "paused"):
        return 0.0
    if m.fresh_as_of is None:
        return None
    return round(((at or now()) - m.fresh_as_of).total_seconds(), 3)


def health(m: Materialization, at: datetime | None = None) -> str:
    """ok, stale (staleness over target_lag), failing or drifted (flags a step set)."""
    if m.health:
        return m.health
    lag = staleness(m, at)
    if m.state == "live" and m.strategy != "view" and lag is not None:
        return "stale" if lag > m.options.target_lag else "ok"
    return "ok"


def show_row(m: Materialization, at: datetime) -> tuple[Any, ...]:
    """One row of SHOW MATERIALIZATIONS."""
    return (
        m.name,
        m.schema,
        m.strategy,
        m.state,
        None if m.strategy == "view" else interval_text(m.options.target_lag),
        staleness(m, at),
        m.last_refresh,
        m.rows,
        health(m, at),
        m.last_error,
        late_rows(m),
    )


def late_rows(m: Materialization) -> int | None:
    """How many source rows a window_join found arriving later than allowed_lateness (its
    refreshes count them in the watermarks, in the data's transaction); None for the others."""
    if m.strategy != "window_join":
        return None
    return sum(int(n) for n in (m.watermarks.get("late") or {}).values())


def fields(m: Materialization) -> list[tuple[str, Any]]:
    """Every field of the catalog row, in a reading order."""
    lag = None if m.strategy == "view" else interval_text(m.options.target_lag)
    return [
        ("state", m.state),
        ("step in progress", m.step),
        ("name", str(m.qualified)),
        ("strategy", m.strategy),
        ("requested strategy", m.requested),
        ("target_lag", lag),
        ("options", json.dumps(m.options.given, sort_keys=True)),
        ("definition", m.definition),
        ("default schema", m.default_schema),
        ("owner", m.owner),
        ("created", m.created),
        ("updated", m.updated),
        ("last refresh", m.last_refresh),
        ("fresh as of", m.fresh_as_of),
        ("staleness", staleness(m)),
        ("rows", m.rows),
        ("health", health(m)),
        ("last error", m.last_error),
        ("failed from", m.failed_from),
        ("watermarks", json.dumps(m.watermarks, sort_keys=True) if m.watermarks else None),
    ]


def objects(backend: Backend, m: Materialization) -> list[tuple[str, Any]]:
    """Each owned object: its CREATE statement or 'absent'; sample rows of the target."""
    items: list[tuple[str, Any]] = []
    with backend.connect() as conn:
        for owned in m.plan.objects:
            kind = backend.kind(conn, owned.name)
            label = f"{owned.kind.lower()} {owned.name.sql()}"
            if kind is None:
                items.append((label, "absent"))
                continue
            items.append((label, backend.show_create(conn, owned.name, kind)))
        target = m.plan.objects[0].name if m.plan.objects else None
        if target is not None and backend.kind(conn, target) is not None:
            try:
                columns, rows = backend.sample(conn, target, SAMPLE_ROWS)
            except Exception as exc:  # a broken view is exactly what this report is for
                items.append(("sample rows", f"cannot read: {exc}"))
            else:
                items.append(("sample columns", ", ".join(columns)))
                items += [(f"sample row {i}", _row_text(r)) for i, r in enumerate(rows, 1)]
                if not rows:
                    items.append(("sample rows", "(empty)"))
    return items


def snapshot(backend: Backend, m: Materialization | None) -> list[tuple[str, Any]]:
    if m is None:
        return [("state", "dropped"), ("objects", "none: the materialization was dropped")]
    return fields(m) + objects(backend, m)


def _row_text(row: Sequence[Any]) -> str:
    """A row as SQL literals: (1, 'a', 10.30, '2026-01-01', NULL, X'00ff')."""
    return "(" + ", ".join(_literal(v) for v in row) + ")"


def _literal(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bytes | bytearray):
        return "X'" + bytes(value).hex() + "'"
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, datetime | date | time | timedelta):
        value = value.isoformat(sep=" ") if isinstance(value, datetime) else str(value)
    return "'" + str(value).replace("\\", "\\\\").replace("'", "\\'") + "'"


def rows(
    before: list[tuple[str, Any]], outcome: list[tuple[str, Any]], after: list[tuple[str, Any]]
) -> list[tuple[str, str, Any]]:
    return [("before", item, _text(v)) for item, v in before] + [
        ("after", item, _text(v)) for item, v in outcome + after
    ]


def _text(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float):
        return value
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return str(value)


def table_text(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Rows as an aligned text table for a terminal (`jasmine-proxy status`).

    >>> print(table_text(["Name", "Rows"], [("daily", 30), ("v", None)]))
    Name   Rows
    -----  ----
    daily    30
    v      NULL
    """
    cells = [[_cell(v) for v in row] for row in rows]
    numeric = [
        any(isinstance(r[i], int | float | Decimal) for r in rows)
        and all(isinstance(r[i], int | float | Decimal) or r[i] is None for r in rows)
        for i in range(len(columns))
    ]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]

    def line(values: Sequence[str]) -> str:
        parts = [
            v.rjust(w) if numeric[i] and rows else v.ljust(w)
            for i, (v, w) in enumerate(zip(values, widths, strict=True))
        ]
        return "  ".join(parts).rstrip()

    out = [line(list(columns)), line(["-" * w for w in widths])]
    out += [line(r) for r in cells]
    return "\n".join(out)


def _cell(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    return str(value).replace("\n", " ")
