"""When the scheduler plans each step (pure: no server, no clock but the one given)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import pytest

from jasmine_proxy import compiler
from jasmine_proxy.catalog import Materialization
from jasmine_proxy.grammar import parse
from jasmine_proxy.plan import Plan
from jasmine_proxy.scheduler import CHECK_EVERY, Scheduler
from jasmine_proxy.statements import CreateMaterialization

T = datetime(2026, 11, 25, 12, 0, 0)


def materialization(sql: str, **changes: Any) -> Materialization:
    node = parse(sql)
    assert isinstance(node, CreateMaterialization)
    d = compiler.define(node, sql, "shop")
    plan: Plan = compiler.compile_plan(d)
    m = Materialization(
        id=1, schema="shop", name=d.name.name, strategy=plan.strategy, requested=d.requested,
        definition=sql, query=d.query_text, default_schema="shop", options=d.options, plan=plan,
        state="live", step=None, failed_from=None, owner="root", created=T, updated=T,
        fresh_as_of=T, last_refresh=T, rows=1, last_error=None, health=None, watermarks={},
    )  # fmt: skip
    return replace(m, **changes)


def scheduler() -> Scheduler:
    return Scheduler(steps=None, started=T)  # type: ignore[arg-type]  # planning needs no steps


SNAPSHOT = "CREATE MATERIALIZATION m USING snapshot WITH (target_lag = '1 minute') AS SELECT 1"


def test_a_refresh_starts_early_enough_to_end_within_the_lag() -> None:
    s = scheduler()
    m = materialization(SNAPSHOT)
    assert s.next_step(m) == ("refresh", T + timedelta(seconds=60 - 0.05 - 6))
    s.durations[m.id] = 10.0  # the last refresh took 10 s: start 15 s earlier still
    assert s.next_step(m) == ("refresh", T + timedelta(seconds=60 - 10 - 0.05 - 6 - 5))
    assert s.next_event(m, T + timedelta(seconds=30)) is None
    assert s.next_event(m, T + timedelta(seconds=40)) == "refresh"


def test_another_schedulers_refresh_is_taken_over_only_once_late_by_a_tick() -> None:
    s = scheduler()
    m = materialization(SNAPSHOT)
    s.plan(m)
    assert s.planned[m.id][0] == T + timedelta(seconds=60 - 0.05 - 6)
    s.theirs.add(m.id)  # it lost a claim on it: another scheduler refreshes it
    s.plan(m)
    assert s.planned[m.id][0] == T + timedelta(seconds=60 + s.tick)
    assert s.due(T + timedelta(seconds=60)) == ([], s.tick)


def test_due_steps_come_earliest_deadline_first() -> None:
    s = scheduler()
    slow = materialization(SNAPSHOT)  # 1 minute, fresh as of T
    quick = replace(materialization(SNAPSHOT.replace("1 minute", "1 second")), id=2, fresh_as_of=T)
    for m in (slow, quick):
        s.known[m.id] = m
        s.plan(m)
    work, _ = s.due(T + timedelta(minutes=5))
    assert [(m.id, event) for m, event, _ in work] == [(2, "refresh"), (1, "refresh")]


def test_a_refresh_that_takes_longer_than_the_lag_starts_at_once() -> None:
    s = scheduler()
    m = materialization(SNAPSHOT)
    s.durations[m.id] = 90.0
    assert s.next_step(m) == ("refresh", T)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"state": "paused"}, None),
        ({"state": "failed"}, None),
        ({"state": "verified"}, ("create", T)),
        ({"fresh_as_of": None, "updated": T}, ("refresh", T)),
    ],
)
def test_what_is_due_in_each_state(changes: dict[str, Any], expected: Any) -> None:
    assert scheduler().next_step(materialization(SNAPSHOT, **changes)) == expected


def test_a_deferred_one_is_verified_then_created() -> None:
    sql = "CREATE MATERIALIZATION m USING snapshot WITH (build = 'deferred') AS SELECT 1"
    assert scheduler().next_step(materialization(sql, state="defined")) == ("verify", T)


def test_a_view_needs_nothing_and_maintained_ones_get_checked() -> None:
    view = materialization("CREATE MATERIALIZATION v USING view AS SELECT 1")
    assert scheduler().next_step(view) is None
    s = scheduler()
    checked = replace(materialization(SNAPSHOT), strategy="trigger", plan=view.plan)
    every = max(CHECK_EVERY, 10 * 60)  # ten target lags, at least CHECK_EVERY
    assert s.next_step(checked) == ("check", T + timedelta(seconds=every))
    s.checked[checked.id] = T + timedelta(hours=1)
    assert s.next_step(checked) == ("check", T + timedelta(hours=1, seconds=every))
