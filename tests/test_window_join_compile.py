"""The window_join pattern's plans and refusals, with no server: definition and catalog facts
in, plan (or the obstacle) out; and the event-time arithmetic of its backend module."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest

from jasmine_proxy import analysis, compiler, patterns
from jasmine_proxy.analysis import KeyInfo, TableKeys
from jasmine_proxy.backends import mysql_window_join as wj
from jasmine_proxy.backends.mysql import MySQLBackend
from jasmine_proxy.config import parse_backend_url
from jasmine_proxy.errors import NotMaintainable
from jasmine_proxy.grammar import Jasmine, parse
from jasmine_proxy.plan import Name, Plan, WindowJoinBuild, WindowJoinRefresh
from jasmine_proxy.statements import CreateMaterialization
from tests.support import ROOT

BACKEND = MySQLBackend(parse_backend_url("mysql://svc@127.0.0.1:1"), "jasmine")
STREAM = ("id", "session", "target", "at")
KEYS = KeyInfo(
    {
        Name("shop", "views"): TableKeys(STREAM, ("id",), auto_increment="id"),
        Name("shop", "clicks"): TableKeys(STREAM, ("id",), auto_increment="id"),
        Name("shop", "plain"): TableKeys(STREAM, ("id",)),
        Name("shop", "third"): TableKeys(STREAM, ("id",), auto_increment="id"),
    }
)
QUERY = (
    "SELECT v.id AS view_id, c.id AS click_id, c.target FROM views v JOIN clicks c "
    "ON c.session = v.session AND c.at BETWEEN v.at - INTERVAL 5 MINUTE AND v.at + INTERVAL 1 HOUR"
)


def define(
    query: str = QUERY, using: str = "window_join", with_: str = "", backend: str = "mysql"
) -> patterns.Definition:
    sql = f"CREATE MATERIALIZATION m USING {using} {with_} AS {query}"
    node = parse(sql)
    assert isinstance(node, CreateMaterialization)
    d = compiler.define(node, sql, "shop")
    found = analysis.analyze(d.query, KEYS, "shop", text=d.query_text, options=d.options)
    return replace(d, analysis=found, backend=backend)


def test_plan_objects_events_and_json_round_trip() -> None:
    plan = compiler.compile_plan(define(with_="WITH (allowed_lateness = '2 minutes')"))
    assert plan.strategy == "window_join"
    assert [o.name.name for o in plan.objects][:2] == ["m", "_jasmine_m_55d49921_late"]
    assert set(plan.events) == {"create", "refresh", "rebuild", "drop"}
    assert Plan.from_json(plan.to_json()) == plan
    (refresh,) = plan.ops("refresh")
    assert isinstance(refresh, WindowJoinRefresh)
    assert (refresh.streams, refresh.key, refresh.lateness) == (
        ("v", "c"),
        ("view_id", "click_id"),
        120.0,
    )
    assert [label for label, _ in refresh.watermarks] == ["v.id", "c.id"]
    first, second = refresh.pairs
    assert first.endswith("WHERE `v`.`id` >= @jasmine_floor_0")  # new views, every click
    assert second.endswith("WHERE `c`.`id` >= @jasmine_floor_1 AND `v`.`id` < @jasmine_floor_0")
    build = next(op for op in plan.ops("create") if isinstance(op, WindowJoinBuild))
    assert build.target.name.endswith("_new")
    assert build.highs[1] == (
        "SELECT MAX(`c`.`at`) FROM `shop`.`clicks` AS `c` WHERE `c`.`id` < @jasmine_floor_1"
    )
    assert plan.ops("drop")[0].target == Name("shop", "m")  # type: ignore[union-attr]


def test_explain_prints_every_statement() -> None:
    d = define()
    rows = compiler.explain_rows(d, compiler.compile_plan(d), BACKEND.render)
    refresh = [detail for part, _, detail in rows if part == "refresh"]
    assert any(s.startswith("START TRANSACTION WITH CONSISTENT SNAPSHOT") for s in refresh)
    assert any("ORDER BY `v`.`id`" in s for s in refresh)
    assert any(s.startswith("INSERT INTO `jasmine`.`events`") for s in refresh)
    assert refresh[-2].startswith("UPDATE `jasmine`.`materializations` SET watermarks")
    assert refresh[-1] == "COMMIT"
    create = [detail for part, _, detail in rows if part == "create"]
    assert create[-1].startswith("RENAME TABLE")


@pytest.mark.parametrize(
    ("query", "with_", "says"),
    [
        (QUERY.replace("JOIN clicks", "JOIN plain"), "", "has no auto-increment key"),
        (QUERY.replace("JOIN clicks", "LEFT JOIN clicks"), "", "not a left join at line 1"),
        ("SELECT v.id, c.id AS cid FROM views v JOIN clicks c ON c.session = v.session", "",
         "no time window between the two tables"),
        (QUERY + " JOIN third t ON t.id = v.id", "", "exactly two tables"),
        ("SELECT c.target, COUNT(*) FROM views v JOIN clicks c ON c.session = v.session "
         "AND c.at BETWEEN v.at AND v.at + INTERVAL 1 MINUTE GROUP BY c.target", "", "GROUP BY"),
        (QUERY.replace("v.id AS view_id, ", ""), "", "carries no key"),
        (QUERY, "WITH (window = '5 minutes')", "the window option"),
        (QUERY + " LIMIT 3", "", "LIMIT at line 1"),
    ],
)  # fmt: skip
def test_refusals_name_the_obstacle(query: str, with_: str, says: str) -> None:
    with pytest.raises(NotMaintainable) as refused:
        compiler.compile_plan(define(query, with_=with_))
    message = str(refused.value)
    assert says in message
    assert "cannot be maintained by window_join" in message


def test_other_backends_refuse_it() -> None:
    obstacle = patterns.PATTERNS["window_join"].obstacle(define(backend="sqlite"))
    assert obstacle == "the sqlite backend does not run window_join refreshes in this version"


def test_auto_prefers_window_join_and_says_why_not_the_others() -> None:
    plan = compiler.compile_plan(define(using="auto", with_="WITH (allowed_lateness = '1 minute')"))
    assert plan.strategy == "window_join"
    assert plan.reasons[0] == "auto chose window_join: the cheapest strategy that accepts the query"
    assert "incremental: not considered, window_join comes first for this lag" in plan.reasons
    zero = compiler.compile_plan(define(using="auto", with_="WITH (target_lag = '0 seconds')"))
    assert zero.strategy == "trigger"
    assert "window_join: not considered, trigger comes first for this lag" in zero.reasons
    single = compiler.compile_plan(define("SELECT id, at FROM views", using="auto"))
    assert single.strategy == "incremental"
    assert any(r.startswith("window_join: window_join joins exactly two") for r in single.reasons)


def test_judge_walks_rows_in_arrival_order() -> None:
    t = [datetime(2024, 5, 1, 12, m) for m in range(60)]
    rows = [(3, t[10]), (4, t[30]), (5, t[26]), (6, None), (7, t[20]), (8, t[31])]
    late, below = wj.judge(rows, t[5], 300, 7)
    assert late == [(7, t[20], t[30])]  # 12:26 is within 5 minutes of 12:30; 12:20 is not
    assert below == t[30]  # the rows below the next floor (id 7) reached 12:30
    assert wj.judge([], None, 0, None) == ([], None)
    assert wj.judge([(1, t[1]), (2, t[0])], None, 0, 1) == ([(2, t[0], t[1])], None)
    assert wj.judge([(1, date(2024, 5, 1))], "2024-05-01 12:00:00", 0, 2)[0] == [
        (1, date(2024, 5, 1), datetime(2024, 5, 1, 12, 0))
    ]


def test_the_grammar_readme_example_round_trips_and_compiles() -> None:
    text = (ROOT / "grammar" / "README.md").read_text()
    example = next(
        x.strip() for x in text.splitlines() if x.startswith("    CREATE") and "window_join" in x
    )
    assert parse(example).sql(dialect=Jasmine) == example
    keys = KeyInfo(
        {
            Name("shop", t): TableKeys(("id", "session_id", c), ("id",), auto_increment="id")
            for t, c in (("page_views", "viewed_at"), ("clicks", "clicked_at"))
        }
    )
    node = parse(example)
    assert isinstance(node, CreateMaterialization)
    d = compiler.define(node, example, "shop")
    found = analysis.analyze(d.query, keys, "shop", text=d.query_text, options=d.options)
    plan = compiler.compile_plan(replace(d, analysis=found, backend="mysql"))
    assert plan.strategy == "window_join"
