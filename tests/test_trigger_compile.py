"""The trigger pattern's plans, with no server: definition and catalog facts in, plan out."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from jasmine_proxy import analysis, compiler, patterns
from jasmine_proxy.analysis import KeyInfo, TableKeys
from jasmine_proxy.backends.mysql import MySQLBackend
from jasmine_proxy.config import parse_backend_url
from jasmine_proxy.errors import NotMaintainable
from jasmine_proxy.grammar import parse
from jasmine_proxy.plan import CreateTrigger, Fill, Name, Plan
from jasmine_proxy.statements import CreateMaterialization

BACKEND = MySQLBackend(parse_backend_url("mysql://svc@127.0.0.1:1"), "jasmine")
KEYS = KeyInfo(
    {
        Name("shop", "orders"): TableKeys(
            ("id", "customer_id", "amount", "status"), ("id",), auto_increment="id"
        ),
        Name("shop", "customers"): TableKeys(("id", "name", "region"), ("id",)),
    }
)


def define(query: str, using: str = "trigger", with_: str = "") -> patterns.Definition:
    sql = f"CREATE MATERIALIZATION m USING {using} {with_} AS {query}"
    node = parse(sql)
    assert isinstance(node, CreateMaterialization)
    d = compiler.define(node, sql, "shop")
    found = analysis.analyze(d.query, KEYS, "shop", text=d.query_text, options=d.options)
    return replace(d, analysis=found)


GROUPED = (
    "SELECT c.region, COUNT(*) AS n, AVG(o.amount) AS mean, MIN(o.amount) AS lo "
    "FROM orders o JOIN customers c ON o.customer_id = c.id GROUP BY c.region"
)


def test_plan_objects_events_and_json_round_trip() -> None:
    plan = compiler.compile_plan(define(GROUPED))
    assert plan.strategy == "trigger"
    kinds = [o.kind for o in plan.objects]
    assert kinds == ["VIEW", "TABLE"] + ["TRIGGER"] * 6
    assert set(plan.events) == {"create", "rebuild", "drop"}  # nothing to refresh
    assert Plan.from_json(plan.to_json()) == plan
    triggers = [op for op in plan.ops("create") if isinstance(op, CreateTrigger)]
    assert {(t.table.name, t.event) for t in triggers} == {
        (table, event)
        for table in ("orders", "customers")
        for event in ("INSERT", "UPDATE", "DELETE")
    }
    assert all(t.name.name.startswith("_jasmine_m_") for t in triggers)
    fill = next(op for op in plan.ops("create") if isinstance(op, Fill))
    assert fill.reads == ((Name("shop", "orders"), "o"), (Name("shop", "customers"), "c"))
    drops = [type(op).__name__ for op in plan.ops("drop")]
    assert drops == ["DropTrigger"] * 6 + ["Drop", "Drop"]


def test_the_view_hides_the_helpers_and_computes_avg() -> None:
    plan = compiler.compile_plan(define(GROUPED))
    view = plan.ops("create")[-1]
    sql = BACKEND.render(view, "shop")[-1]
    assert sql.startswith("CREATE VIEW `shop`.`m` AS SELECT `region`, `_jasmine_n` AS `n`, ")
    assert "IF(`_jasmine_a1` = 0, NULL, `_jasmine_a0` / `_jasmine_a1`) AS `mean`" in sql
    assert "`_jasmine_a2` AS `lo`" in sql


def test_trigger_bodies_upsert_under_lock_and_recompute_extremes() -> None:
    plan = compiler.compile_plan(define(GROUPED))
    by_event = {
        (op.table.name, op.event): BACKEND.render(op, "shop")[0]
        for op in plan.ops("create")
        if isinstance(op, CreateTrigger)
    }
    insert = by_event[("orders", "INSERT")]
    assert "FROM (SELECT NEW.`id` AS `id`, NEW.`customer_id` AS `customer_id`" in insert
    assert "LOCK IN SHARE MODE ON DUPLICATE KEY UPDATE" in insert
    assert "LEAST(" in insert
    delete = by_event[("orders", "DELETE")]
    assert "-1 AS `_jasmine_n`" in delete  # an order is in one row of the join: no GROUP BY
    assert "GROUP BY" not in delete.split("SELECT MIN")[0]
    assert "-COUNT(*) AS `_jasmine_n`" in by_event[("customers", "DELETE")]  # a customer: many
    assert "WHERE `_jasmine_d`.`_jasmine_n` <= 0" in delete
    assert "SELECT MIN(o.amount) FROM `shop`.`orders` AS `o`" in delete  # the recompute
    update = by_event[("customers", "UPDATE")]
    assert update.count("IF NOT (BINARY NEW.") == 1


def test_left_join_right_side_replaces_null_extended_rows() -> None:
    query = "SELECT o.id, c.name FROM orders o LEFT JOIN customers c ON c.id = o.customer_id"
    plan = compiler.compile_plan(define(query))
    insert = next(
        BACKEND.render(op, "shop")[0]
        for op in plan.ops("create")
        if isinstance(op, CreateTrigger) and op.table.name == "customers" and op.event == "INSERT"
    )
    assert "WHERE FALSE) AS `c`" in insert  # the rows without a match go first
    assert "(`o`.`customer_id` = NEW.`id`)" in insert


@pytest.mark.parametrize(
    ("query", "obstacle"),
    [
        (
            "SELECT c.id, o.id AS oid FROM customers c LEFT JOIN orders o ON o.status = c.name",
            "LEFT JOIN to `o` not on its primary or unique key",
        ),
        ("SELECT id AS _jasmine_x FROM orders", "names starting with _jasmine_"),
        (
            "SELECT status, COUNT(*) + LENGTH(status) AS n FROM orders GROUP BY status",
            "combines aggregates with columns outside them",
        ),
    ],
)
def test_refusals(query: str, obstacle: str) -> None:
    with pytest.raises(NotMaintainable, match="cannot be maintained by trigger") as refused:
        compiler.compile_plan(define(query))
    assert obstacle in str(refused.value)


def test_auto_prefers_trigger_only_for_zero_lag() -> None:
    zero = compiler.compile_plan(define(GROUPED, "auto", "WITH (target_lag = '0 seconds')"))
    assert zero.strategy == "trigger"
    lagged = compiler.compile_plan(define(GROUPED, "auto", "WITH (target_lag = '5 minutes')"))
    assert lagged.strategy != "trigger"


def test_on_the_embedded_backend_no_locking_reads_and_a_when_condition() -> None:
    d = define(GROUPED)
    embedded: dict[str, Any] = {"backend": "sqlite"}
    plan = compiler.compile_plan(replace(d, **embedded))
    triggers = [op for op in plan.ops("create") if isinstance(op, CreateTrigger)]
    assert all("LOCK IN SHARE MODE" not in s for t in triggers for s in t.body)
    update = next(t for t in triggers if t.table.name == "orders" and t.event == "UPDATE")
    assert update.when is not None
    assert update.when.startswith("NOT (BINARY NEW.")
    assert not any("IF NOT" in s for s in update.body)
    # a removed extreme is recomputed by an upsert (a SQLite trigger cannot alias its UPDATE)
    assert any(s.startswith("INSERT") and "SELECT MIN(o.amount)" in s for s in update.body)
