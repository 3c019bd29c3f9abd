"""The compiler, options and plans, with no server: statement in, definition and plan out."""

from __future__ import annotations

import pytest

from jasmine_proxy import compiler, patterns
from jasmine_proxy.backends.mysql import MySQLBackend
from jasmine_proxy.config import parse_backend_url
from jasmine_proxy.errors import (
    JasmineError,
    NoDatabase,
    UnknownOption,
    UnknownStrategy,
    WrongValue,
)
from jasmine_proxy.grammar import parse
from jasmine_proxy.options import parse_options, seconds
from jasmine_proxy.plan import CreateTableAs, CreateView, Drop, Name, Plan, Swap
from jasmine_proxy.statements import CreateMaterialization

BACKEND = MySQLBackend(parse_backend_url("mysql://svc@127.0.0.1:1"), "jasmine")


def define(sql: str, current: str | None = "shop") -> patterns.Definition:
    node = parse(sql)
    assert isinstance(node, CreateMaterialization)
    return compiler.define(node, sql, current)


def test_the_query_is_kept_exactly_as_written() -> None:
    sql = (
        "create materialization m with (target_lag='5 minutes') as\n"
        "  select day, sum(amount), count(*)  from orders group by day ; "
    )
    d = define(sql)
    assert d.query_text == "select day, sum(amount), count(*)  from orders group by day"
    assert d.name == Name("shop", "m")
    assert d.requested == "auto"
    assert d.options.target_lag == 300.0


def test_as_inside_the_options_or_a_quoted_name_is_not_the_query() -> None:
    d = define("CREATE MATERIALIZATION `as` USING snapshot AS SELECT 1 AS x")
    assert (d.name.name, d.query_text) == ("as", "SELECT 1 AS x")


def test_schema_comes_from_the_name_or_the_current_database() -> None:
    assert define("CREATE MATERIALIZATION a.m AS SELECT 1", None).name == Name("a", "m")
    with pytest.raises(NoDatabase) as info:
        define("CREATE MATERIALIZATION m AS SELECT 1", None)
    assert info.value.code == 1046


@pytest.mark.parametrize(
    ("clause", "error", "code"),
    [
        ("USING nightly", UnknownStrategy, 1286),
        ("USING view WITH (target_lag = '1 minute')", UnknownOption, 1911),
        ("WITH (colour = 'blue')", UnknownOption, 1911),
        ("WITH (target_lag = 'soon')", WrongValue, 1525),
        ("WITH (target_lag = '5 fortnights')", WrongValue, 1525),
        ("WITH (build = 'later')", WrongValue, 1525),
        ("WITH (target_lag = '1 minute', TARGET_LAG = '2 minutes')", WrongValue, 1525),
    ],
)
def test_bad_strategy_or_options(clause: str, error: type[JasmineError], code: int) -> None:
    with pytest.raises(error) as info:
        compiler.compile_plan(define(f"CREATE MATERIALIZATION m {clause} AS SELECT 1"))
    assert info.value.code == code
    assert str(info.value)  # a message that says what is wrong


def test_snapshot_plan_builds_into_a_shadow_and_swaps() -> None:
    d = define("CREATE MATERIALIZATION m USING snapshot WITH (unique_key = 'a, `b`') AS SELECT 1")
    plan = compiler.compile_plan(d)
    target, shadow = Name("shop", "m"), patterns.internal(Name("shop", "m"), "new")
    assert plan.strategy == "snapshot"
    assert plan.ops("refresh")[1] == CreateTableAs(shadow, "SELECT 1", ("a", "b"))
    assert isinstance(plan.ops("refresh")[2], Swap)
    assert plan.ops("create")[2] == Swap(target, shadow, patterns.internal(target, "old"), True)
    assert [type(op) for op in plan.ops("drop")] == [Drop, Drop, Drop]
    assert Plan.from_json(plan.to_json()) == plan


def test_view_plan_and_auto_choice() -> None:
    view = compiler.compile_plan(define("CREATE MATERIALIZATION v USING view AS SELECT 1"))
    assert view.ops("create") == (CreateView(Name("shop", "v"), "SELECT 1"),)
    assert view.ops("refresh") == ()
    auto = compiler.compile_plan(define("CREATE MATERIALIZATION a AS SELECT 1"))
    assert auto.strategy == "snapshot"
    assert any("incremental" in r for r in auto.reasons)  # why the others were not chosen


def test_internal_names_are_stable_and_within_mysql_limits() -> None:
    long = Name("s", "x" * 64)
    assert patterns.internal(long, "new") == patterns.internal(long, "new")
    assert len(patterns.internal(long, "new").name) <= 64
    assert patterns.internal(Name("a", "m"), "new") != patterns.internal(Name("b", "m"), "new")


def test_hostile_names_reach_sql_only_quoted() -> None:
    d = define("CREATE MATERIALIZATION `x``; DROP TABLE t; --` USING snapshot AS SELECT 1", "d`b")
    plan = compiler.compile_plan(d)
    rows = compiler.explain_rows(d, plan, BACKEND.render)
    create = [detail for part, _, detail in rows if part == "create"]
    assert "USE `d``b`" in create
    assert any("`d``b`.`x``; DROP TABLE t; --`" in s for s in create)


def test_explain_rows_show_strategy_reasons_options_objects_and_statements() -> None:
    d = define("CREATE MATERIALIZATION m USING snapshot AS SELECT 1")
    rows = compiler.explain_rows(d, compiler.compile_plan(d), BACKEND.render)
    parts = [part for part, _, _ in rows]
    assert parts[0] == "strategy"
    for part in ("reason", "option", "object", "create", "refresh", "rebuild", "drop"):
        assert part in parts
    renames = [d for p, _, d in rows if p == "create" and d.startswith("RENAME")]
    assert renames == [
        f"RENAME TABLE {patterns.internal(Name('shop', 'm'), 'new').sql()} TO `shop`.`m`"
    ]


def test_definition_text_round_trips_through_the_grammar() -> None:
    d = define(
        "CREATE MATERIALIZATION m USING snapshot WITH (target_lag='1 HOUR') AS SELECT 'it''s'"
    )
    text = compiler.definition_text(d)
    assert text == (
        "CREATE MATERIALIZATION `shop`.`m` USING snapshot WITH (target_lag = '1 hour') "
        "AS SELECT 'it''s'"
    )
    again = define(text)
    assert (again.name, again.query_text, again.options) == (d.name, d.query_text, d.options)


@pytest.mark.parametrize(
    ("text", "value"),
    [("30 seconds", 30), ("1 second", 1), ("5 MINUTES", 300), ("2 hours", 7200),
     ("1 day", 86400), ("1 week", 604800), (" 0 seconds ", 0), ("1.5 minutes", 90)],
)  # fmt: skip
def test_intervals(text: str, value: float) -> None:
    assert seconds(text) == value


def test_options_are_canonical() -> None:
    given = parse_options({"Unique_Key": "a ,b", "watermark": "`ts`", "build": "DEFERRED"}).given
    assert given == {"unique_key": "a, b", "watermark": "ts", "build": "deferred"}
