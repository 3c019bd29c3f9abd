"""Every statement of the extended SQL contract, end to end: real clients, the real proxy, MariaDB.

What Jasmine answers is checked against what is really there: the backend's tables and the
catalog rows, read directly as root (tests/materialize.py).
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable, Iterator
from typing import Any

import mysql.connector
import pytest

from tests.materialize import (
    Jasmine,
    columns,
    dicts,
    direct_dicts,
    direct_run,
    fails,
    no_leftovers,
    orders,
    report,
    run,
    scalar,
    show,
    table_contents,
    tables,
    usable,
)
from tests.support import Proxy

pytestmark = pytest.mark.backend

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
    "Late_rows",
]
EVENT_COLUMNS = [
    "Id",
    "Name",
    "Event",
    "From_state",
    "To_state",
    "Started",
    "Duration_ms",
    "Rows",
    "Error",
]
GROUPED = "SELECT g, COUNT(*) AS n, SUM(v) AS s FROM o GROUP BY g"


@pytest.fixture(scope="module")
def j() -> Iterator[Jasmine]:
    with Jasmine.start() as jasmine:
        yield jasmine


@pytest.fixture
def conn(j: Jasmine, database: str) -> Iterator[Any]:
    """A pymysql connection through the proxy, in `database`, which holds `o` (5 rows)."""
    c = j.connect(database)
    orders(c)
    yield c
    c.close()


def same(conn: Any, table: str, query: str) -> list[tuple[Any, ...]]:
    """The rows of `table` are the rows of `query` (as a multiset); returns them."""
    stored = sorted(map(tuple, dicts_rows(conn, f"SELECT * FROM {table}")), key=repr)
    fresh = sorted(map(tuple, dicts_rows(conn, query)), key=repr)
    assert stored == fresh
    return stored


def dicts_rows(conn: Any, sql: str) -> list[tuple[Any, ...]]:
    with conn.cursor() as cur:
        cur.execute(sql)
        return list(cur.fetchall())


# -- CREATE --------------------------------------------------------------------------------------


def test_create_snapshot_with_every_clause(j: Jasmine, conn: Any, database: str) -> None:
    run(
        conn,
        f"CREATE MATERIALIZATION IF NOT EXISTS {database}.m USING snapshot "
        "WITH (target_lag = '5 minutes', unique_key = 'g', build = 'immediate') "
        f"AS {GROUPED}",
    )
    assert same(conn, "m", GROUPED) == [("g0", 2, 60), ("g1", 3, 90)]
    assert tables(database) == {"o": "TABLE", "m": "TABLE"}
    create = dicts(conn, "SHOW CREATE TABLE m")[0]["Create Table"]
    assert "PRIMARY KEY (`g`)" in create  # unique_key became the table's key

    row = show(conn, database)["m"]
    assert (row["Schema"], row["Strategy"], row["State"]) == (database, "snapshot", "live")
    assert (row["Target_lag"], row["Rows"], row["Health"], row["Last_error"]) == (
        "5 minutes",
        2,
        "ok",
        None,
    )
    assert 0 <= float(row["Staleness"]) < 60
    assert row["Last_refresh"] is not None
    cat = j.row(database, "m")
    assert cat is not None
    assert (cat["state"], cat["step"], cat["rows"]) == ("live", None, 2)
    assert [(e["event"], e["from_state"], e["to_state"]) for e in j.events(database, "m")] == [
        ("verify", "defined", "verified"),
        ("create", "verified", "live"),
    ]

    before = j.recorded(database)
    run(conn, f"CREATE MATERIALIZATION IF NOT EXISTS m AS {GROUPED}")  # exists: a no-op
    assert j.recorded(database) == before
    assert fails(conn, f"create materialization m using view as {GROUPED}")[0] == 1050
    assert j.recorded(database) == before
    usable(conn)


def test_create_view_is_always_current(j: Jasmine, conn: Any, database: str) -> None:
    run(conn, "CREATE MATERIALIZATION v USING view AS SELECT id, v * 2 AS w FROM o WHERE v > 20")
    assert tables(database)["v"] == "VIEW"
    assert same(conn, "v", "SELECT id, v * 2 FROM o WHERE v > 20") == [
        (3, 60),
        (4, 80),
        (5, 100),
    ]
    run(conn, "INSERT INTO o VALUES (6, 'g0', 60)")
    assert scalar(conn, "SELECT COUNT(*) FROM v") == 4  # no refresh needed
    row = show(conn, database)["v"]
    assert (row["Strategy"], row["State"], row["Target_lag"], row["Health"]) == (
        "view",
        "live",
        None,
        "ok",
    )
    assert float(row["Staleness"]) == 0.0


def test_create_auto_chooses_and_keeps_the_request(conn: Any, database: str) -> None:
    """No USING means auto; SHOW tells what it chose, SHOW CREATE what was asked for."""
    run(conn, "CREATE MATERIALIZATION a WITH (target_lag = '10 minutes') AS SELECT * FROM o")
    row = show(conn, database)["a"]
    assert (row["Strategy"], row["State"], row["Target_lag"]) == ("snapshot", "live", "10 minutes")
    definition = dicts(conn, "SHOW CREATE MATERIALIZATION a")[0]["Create Materialization"]
    assert "USING auto" in definition
    same(conn, "a", "SELECT * FROM o")


def test_keywords_any_case_comments_and_whitespace(conn: Any, database: str) -> None:
    run(
        conn,
        "  /* nightly */ create\n\tMaterialization -- the name\n `Mixed Case`  using   SNAPSHOT"
        " with(BUILD='Deferred')  as select id from o ;",
    )
    assert show(conn, database)["Mixed Case"]["State"] == "defined"
    run(conn, "alter materialization `Mixed Case` step /* verify */")
    assert show(conn, database)["Mixed Case"]["State"] == "verified"


def test_build_deferred_then_steps(j: Jasmine, conn: Any, database: str) -> None:
    run(
        conn,
        f"CREATE MATERIALIZATION d USING snapshot WITH (build = 'deferred') AS {GROUPED}",
    )
    row = show(conn, database)["d"]
    assert (row["State"], row["Rows"], row["Staleness"], row["Last_refresh"]) == (
        "defined",
        None,
        None,
        None,
    )
    assert "d" not in tables(database)  # nothing is built
    assert j.events(database, "d") == []
    rep = report(conn, "ALTER MATERIALIZATION d STEP")
    assert (rep[("after", "event")], rep[("after", "state")]) == ("verify", "verified")
    assert "d" not in tables(database)  # verify creates nothing
    rep = report(conn, "ALTER MATERIALIZATION d STEP")
    assert (rep[("after", "event")], rep[("after", "state")]) == ("create", "live")
    same(conn, "d", GROUPED)
    assert show(conn, database)["d"]["Rows"] == 2


# -- EXPLAIN -------------------------------------------------------------------------------------


def test_explain_create_runs_nothing(j: Jasmine, conn: Any, database: str) -> None:
    before = j.recorded(database)
    sql = (
        f"EXPLAIN CREATE MATERIALIZATION e USING snapshot WITH (target_lag = '1 hour') AS {GROUPED}"
    )
    assert columns(conn, sql) == ["Part", "Step", "Detail"]
    plan = dicts(conn, sql)
    assert j.recorded(database) == before  # no catalog row, no event, no table
    parts = {(r["Part"], r["Step"]): r["Detail"] for r in plan}
    assert parts[("strategy", 1)] == "snapshot"
    assert parts[("option", 1)] == "target_lag = '1 hour'"
    assert f"TABLE `{database}`.`e`" in [r["Detail"] for r in plan if r["Part"] == "object"]
    create = [r["Detail"] for r in plan if r["Part"] == "create"]
    assert any("CREATE TABLE" in s and GROUPED in s for s in create), create
    assert any(s.startswith("RENAME TABLE") for s in create), create
    refresh = [r["Detail"] for r in plan if r["Part"] == "refresh"]
    assert any(s.startswith(f"RENAME TABLE `{database}`.`e` TO") for s in refresh), refresh
    assert {r["Part"] for r in plan} >= {"reason", "drop", "rebuild"}
    auto = dicts(conn, "EXPLAIN CREATE MATERIALIZATION e2 AS SELECT * FROM o")
    assert next(r["Detail"] for r in auto if r["Part"] == "reason").startswith("auto chose")
    assert j.recorded(database) == before


# -- SHOW ----------------------------------------------------------------------------------------


def test_show_materializations_from_like_where(
    j: Jasmine, conn: Any, database: str, make_database: Callable[[], str]
) -> None:
    other = make_database()
    run(conn, f"CREATE TABLE {other}.src (x INT)", f"INSERT INTO {other}.src VALUES (1), (2)")
    run(
        conn,
        "CREATE MATERIALIZATION m_a USING snapshot AS SELECT * FROM o",
        "CREATE MATERIALIZATION m_b USING view AS SELECT * FROM o",
        "CREATE MATERIALIZATION mxc USING snapshot WITH (build = 'deferred') AS SELECT 1 AS one",
        f"CREATE MATERIALIZATION {other}.m_a USING view AS SELECT x FROM {other}.src",
    )
    assert columns(conn, "SHOW MATERIALIZATIONS") == SHOW_COLUMNS
    everything = [
        (r["Schema"], r["Name"])
        for r in dicts(conn, "SHOW MATERIALIZATIONS")
        if r["Schema"] in (database, other)
    ]
    assert sorted(everything) == sorted(
        [(database, "m_a"), (database, "m_b"), (database, "mxc"), (other, "m_a")]
    )
    assert set(show(conn, database)) == {"m_a", "m_b", "mxc"}
    assert [r["Name"] for r in dicts(conn, f"SHOW MATERIALIZATIONS IN {other}")] == ["m_a"]

    def names(sql: str) -> list[str]:
        return sorted(r["Name"] for r in dicts(conn, sql))

    assert names(f"SHOW MATERIALIZATIONS FROM {database} LIKE 'm\\_%'") == ["m_a", "m_b"]
    assert names(f"SHOW MATERIALIZATIONS FROM {database} LIKE 'M_%'") == ["m_a", "m_b", "mxc"]
    assert names(f"SHOW MATERIALIZATIONS FROM {database} LIKE 'nothing%'") == []
    assert names(f"SHOW MATERIALIZATIONS FROM {database} WHERE Strategy = 'view'") == ["m_b"]
    assert names(f"SHOW MATERIALIZATIONS FROM {database} WHERE State <> 'live'") == ["mxc"]
    assert names(
        f"SHOW MATERIALIZATIONS FROM {database} WHERE Rows >= 5 AND Strategy = 'snapshot'"
    ) == ["m_a"]
    assert names(f"show materializations from {database} where Staleness is null") == ["mxc"]
    # text compares without case, as in MySQL's SHOW ... WHERE
    assert names(f"SHOW MATERIALIZATIONS FROM {database} WHERE State = 'DEFINED'") == ["mxc"]
    assert names(f"SHOW MATERIALIZATIONS FROM {database} WHERE Name = 'M_B'") == ["m_b"]
    assert names(f"SHOW MATERIALIZATIONS FROM {database} WHERE Health = 'ok'") == [
        "m_a",
        "m_b",
        "mxc",
    ]


def test_show_create_is_runnable_sql(j: Jasmine, conn: Any, database: str) -> None:
    """SHOW CREATE prints the definition as SQL text: dropping and running it again
    recreates the same materialization."""
    run(
        conn,
        "CREATE MATERIALIZATION `it's` USING snapshot WITH (target_lag = '2 hours') "
        "AS SELECT g, MAX(v) AS top FROM o WHERE g <> 'x' GROUP BY g",
    )
    shown = dicts(conn, "SHOW CREATE MATERIALIZATION `it's`")
    assert columns(conn, "SHOW CREATE MATERIALIZATION `it's`") == [
        "Materialization",
        "Create Materialization",
    ]
    assert shown[0]["Materialization"] == "it's"
    text = shown[0]["Create Materialization"]
    assert text.startswith(f"CREATE MATERIALIZATION `{database}`.`it's` USING snapshot")
    assert "target_lag = '2 hours'" in text
    assert text.endswith("AS SELECT g, MAX(v) AS top FROM o WHERE g <> 'x' GROUP BY g")
    run(conn, "DROP MATERIALIZATION `it's`", text)
    assert dicts(conn, "SHOW CREATE MATERIALIZATION `it's`")[0]["Create Materialization"] == text
    same(conn, "`it's`", "SELECT g, MAX(v) FROM o WHERE g <> 'x' GROUP BY g")


def test_show_events_for_and_limit(j: Jasmine, conn: Any, database: str) -> None:
    run(
        conn,
        "CREATE MATERIALIZATION ev USING snapshot AS SELECT * FROM o",
        "REFRESH MATERIALIZATION ev",
        "ALTER MATERIALIZATION ev PAUSE",
        "CREATE MATERIALIZATION other USING view AS SELECT 1 AS one",
    )
    assert columns(conn, "SHOW MATERIALIZATION EVENTS") == EVENT_COLUMNS
    mine = dicts(conn, "SHOW MATERIALIZATION EVENTS FOR ev")
    assert [(e["Event"], e["From_state"], e["To_state"]) for e in mine] == [
        ("pause", "live", "paused"),
        ("refresh", "live", "live"),
        ("create", "verified", "live"),
        ("verify", "defined", "verified"),
    ]
    assert [e["Id"] for e in mine] == sorted((e["Id"] for e in mine), reverse=True)
    assert {e["Name"] for e in mine} == {f"{database}.ev"}
    assert mine[1]["Rows"] == 5
    assert mine[1]["Error"] is None
    assert mine[1]["Duration_ms"] >= 0
    ids = [e["id"] for e in j.events(database, "ev")]
    assert [e["Id"] for e in mine] == ids[::-1]  # what the catalog holds, newest first
    limited = dicts(conn, f"SHOW MATERIALIZATION EVENTS FOR {database}.ev LIMIT 2")
    assert limited == mine[:2]
    newest = dicts(conn, "SHOW MATERIALIZATION EVENTS LIMIT 3")
    assert len(newest) == 3
    assert newest[0]["Id"] > mine[0]["Id"]
    everything = [e for e in dicts(conn, "SHOW MATERIALIZATION EVENTS") if database in e["Name"]]
    assert len(everything) == 6


# -- ALTER, REFRESH ------------------------------------------------------------------------------


def test_refresh_picks_up_new_source_rows(j: Jasmine, conn: Any, database: str) -> None:
    run(conn, f"CREATE MATERIALIZATION r USING snapshot AS {GROUPED}")
    run(conn, "INSERT INTO o VALUES (10, 'g2', 7), (11, 'g0', 1)")
    assert scalar(conn, "SELECT COUNT(*) FROM r") == 2  # a snapshot: as of the last refresh
    run(conn, "REFRESH MATERIALIZATION r")
    assert same(conn, "r", GROUPED) == [("g0", 3, 61), ("g1", 3, 90), ("g2", 1, 7)]
    run(conn, "DELETE FROM o WHERE g = 'g1'")
    run(conn, "ALTER MATERIALIZATION r REFRESH")
    assert same(conn, "r", GROUPED) == [("g0", 3, 61), ("g2", 1, 7)]
    assert show(conn, database)["r"]["Rows"] == 2
    assert [e["event"] for e in j.events(database, "r")][-2:] == ["refresh", "refresh"]
    no_leftovers(database)


def test_pause_resume_rebuild_set(j: Jasmine, conn: Any, database: str) -> None:
    run(conn, f"CREATE MATERIALIZATION p USING snapshot AS {GROUPED}")
    run(conn, "ALTER MATERIALIZATION p PAUSE")
    assert show(conn, database)["p"]["State"] == "paused"
    assert fails(conn, "REFRESH MATERIALIZATION p")[0] == 1221
    run(conn, "INSERT INTO o VALUES (10, 'g9', 1)")
    run(conn, "ALTER MATERIALIZATION p RESUME")
    assert show(conn, database)["p"]["State"] == "live"
    assert scalar(conn, "SELECT COUNT(*) FROM p") == 2
    run(conn, "ALTER MATERIALIZATION p REBUILD")
    assert show(conn, database)["p"]["State"] == "live"
    same(conn, "p", GROUPED)
    no_leftovers(database)

    run(conn, "ALTER MATERIALIZATION p SET (target_lag = '2 hours')")
    assert show(conn, database)["p"]["Target_lag"] == "2 hours"
    text = dicts(conn, "SHOW CREATE MATERIALIZATION p")[0]["Create Materialization"]
    assert "target_lag = '2 hours'" in text
    run(conn, "ALTER MATERIALIZATION p SET (target_lag = '45 seconds', unique_key = 'g')")
    assert show(conn, database)["p"]["Target_lag"] == "45 seconds"
    assert [e["event"] for e in j.events(database, "p")] == [
        "verify",
        "create",
        "pause",
        "resume",
        "rebuild",
        "set",
        "set",
    ]
    run(conn, "ALTER MATERIALIZATION p REBUILD")  # the new unique_key takes effect on a build
    assert "PRIMARY KEY (`g`)" in dicts(conn, "SHOW CREATE TABLE p")[0]["Create Table"]


def test_step_report(j: Jasmine, conn: Any, database: str) -> None:
    run(conn, "CREATE MATERIALIZATION s USING snapshot AS SELECT id, g FROM o")
    run(conn, "INSERT INTO o VALUES (6, 'new', 1)")
    rep = report(conn, "ALTER MATERIALIZATION s STEP refresh")
    assert (rep[("before", "state")], rep[("after", "state")]) == ("live", "live")
    assert (rep[("after", "event")], rep[("after", "transition")]) == ("refresh", "live -> live")
    assert (rep[("before", "rows")], rep[("after", "rows")]) == ("5", "6")
    assert rep[("after", "error")] is None
    events = j.events(database, "s")
    assert int(rep[("after", "event id")]) == events[-1]["id"]
    assert rep[("after", "definition")].startswith(f"CREATE MATERIALIZATION `{database}`.`s`")
    target = rep[("after", f"table `{database}`.`s`")]
    assert target.startswith("CREATE TABLE `s`")
    internal = [v for (p, i), v in rep.items() if p == "after" and "_jasmine_" in i]
    assert internal == ["absent", "absent"]
    assert rep[("after", "sample columns")] == "id, g"
    assert rep[("after", "sample row 1")].startswith("(")
    fields = {i for (p, i) in rep if p == "before"}
    expected = {"state", "strategy", "target_lag", "options", "owner", "health", "last error"}
    assert expected <= fields


# -- DROP ----------------------------------------------------------------------------------------


def test_drop_removes_its_objects_and_nothing_else(
    j: Jasmine, conn: Any, database: str, make_database: Callable[[], str]
) -> None:
    run(conn, "CREATE MATERIALIZATION m USING snapshot WITH (build = 'deferred') AS SELECT 1 AS x")
    plan = dicts(conn, "EXPLAIN CREATE MATERIALIZATION m USING snapshot AS SELECT 1 AS x")
    internal = [r["Detail"].split(".")[1].strip("`") for r in plan if r["Part"] == "object"][1:]
    assert len(internal) == 2
    assert all(n.startswith("_jasmine_m_") for n in internal)
    lookalike = internal[0][:-3] + "xyz"  # the same prefix as an internal object, not one
    run(conn, "DROP MATERIALIZATION m")
    run(
        conn,
        f"CREATE TABLE `{lookalike}` (a INT)",
        f"INSERT INTO `{lookalike}` VALUES (1)",
        "CREATE TABLE `_jasmine_mine` (a INT)",
        "CREATE TABLE m_old (a INT)",
        "CREATE VIEW mv AS SELECT * FROM o",
    )
    other = make_database()
    run(conn, f"CREATE TABLE {other}.m (a INT)")  # the same name in another schema
    run(conn, "CREATE MATERIALIZATION m USING snapshot AS SELECT * FROM o")
    run(conn, "REFRESH MATERIALIZATION m")
    run(conn, "CREATE MATERIALIZATION keep USING view AS SELECT id FROM o")
    before_other = table_contents(other)
    run(conn, "DROP MATERIALIZATION m")
    assert sorted(tables(database)) == sorted(
        ["o", lookalike, "_jasmine_mine", "m_old", "mv", "keep"]
    )
    assert table_contents(other) == before_other
    assert scalar(conn, f"SELECT COUNT(*) FROM `{lookalike}`") == 1
    assert j.row(database, "m") is None
    assert j.row(database, "keep") is not None
    assert "m" not in show(conn, database)
    assert j.events(database, "m")[-1]["event"] == "drop"  # the log keeps the history

    run(conn, "DROP MATERIALIZATION keep")
    assert "keep" not in tables(database)
    assert sorted(tables(database)) == sorted(["o", lookalike, "_jasmine_mine", "m_old", "mv"])
    assert fails(conn, "DROP MATERIALIZATION keep")[0] == 1146
    run(conn, "DROP MATERIALIZATION IF EXISTS keep")


def test_create_refuses_an_existing_user_table(j: Jasmine, conn: Any, database: str) -> None:
    run(conn, "CREATE TABLE t (a INT, b TEXT)", "INSERT INTO t VALUES (1, 'keep me')")
    run(conn, "CREATE VIEW tv AS SELECT * FROM t")
    before = j.recorded(database)
    for strategy in ("snapshot", "view", "auto"):
        for name in ("t", "tv"):
            code, message = fails(
                conn, f"CREATE MATERIALIZATION {name} USING {strategy} AS SELECT * FROM o"
            )
            assert code == 1050, message
            assert j.recorded(database) == before
        code, _ = fails(
            conn,
            f"CREATE MATERIALIZATION t USING {strategy} WITH (build = 'deferred') AS SELECT 1",
        )
        assert code == 1050
    assert j.recorded(database) == before
    usable(conn)


# -- the catalog is the backend's --------------------------------------------------------------


def test_catalog_survives_restart_and_is_shared(j: Jasmine, conn: Any, database: str) -> None:
    run(conn, f"CREATE MATERIALIZATION shared USING snapshot AS {GROUPED}")
    second = j.also()
    try:
        with j.connect(database, port=second.port) as c2:
            assert show(c2, database)["shared"]["State"] == "live"
            run(c2, "INSERT INTO o VALUES (9, 'g9', 9)", "REFRESH MATERIALIZATION shared")
            run(c2, "ALTER MATERIALIZATION shared PAUSE")
        assert show(conn, database)["shared"]["State"] == "paused"  # seen by the first proxy
        assert scalar(conn, "SELECT COUNT(*) FROM shared") == 3
    finally:
        assert second.stop() == 0, second.log
    restarted = j.also()
    try:
        with j.connect(database, port=restarted.port) as c3:
            row = show(c3, database)["shared"]
            assert (row["State"], row["Rows"]) == ("paused", 3)
            run(c3, "ALTER MATERIALIZATION shared RESUME")
            events = dicts(c3, "SHOW MATERIALIZATION EVENTS FOR shared")
            assert [e["Event"] for e in events] == [
                "resume",
                "pause",
                "refresh",
                "create",
                "verify",
            ]
    finally:
        assert restarted.stop() == 0, restarted.log


def test_default_catalog_schema(proxy: Proxy, database: str) -> None:
    """The session proxy keeps its catalog in `jasmine`, Jasmine's default."""
    with proxy.connect(database=database, autocommit=True) as c:
        run(c, "CREATE MATERIALIZATION dflt USING view AS SELECT 1 AS one")
        found = direct_dicts(
            "SELECT state FROM jasmine.materializations WHERE schema_name = %s AND name = %s",
            (database, "dflt"),
        )
        assert found == [{"state": "live"}]
        run(c, "DROP MATERIALIZATION dflt")
    found = direct_dicts(
        "SELECT state FROM jasmine.materializations WHERE schema_name = %s", (database,)
    )
    assert found == []
    direct_run(f"DELETE FROM jasmine.events WHERE schema_name = '{database}'")


# -- other clients -----------------------------------------------------------------------------


def test_mariadb_cli_session(j: Jasmine, conn: Any, database: str) -> None:
    script = f"""
CREATE MATERIALIZATION daily USING snapshot WITH (target_lag = '1 hour') AS
  SELECT g, SUM(v) AS total FROM o GROUP BY g;
SELECT * FROM daily ORDER BY g;
SHOW MATERIALIZATIONS FROM {database};
ALTER MATERIALIZATION daily STEP refresh;
SHOW MATERIALIZATION EVENTS FOR daily LIMIT 1;
DROP MATERIALIZATION daily;
SHOW TABLES;
"""
    result = subprocess.run(
        ["mariadb", "-h", "127.0.0.1", "-P", str(j.proxy.port), "-u", "root", "-B", database],
        input=script,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout.splitlines()
    assert out[:3] == ["g\ttotal", "g0\t60", "g1\t90"]
    assert out[3] == "\t".join(SHOW_COLUMNS)
    assert out[4].startswith(f"daily\t{database}\tsnapshot\tlive\t1 hour\t")
    assert "after\ttransition\tlive -> live" in out
    assert any(line.split("\t")[2:5] == ["refresh", "live", "live"] for line in out)
    assert out[-2:] == [f"Tables_in_{database}", "o"]

    bad = subprocess.run(
        ["mariadb", "-h", "127.0.0.1", "-P", str(j.proxy.port), "-u", "root", database],
        input="REFRESH MATERIALIZATION nope;\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 1
    assert "ERROR 1146 (42S02)" in bad.stderr
    assert "nope" in bad.stderr


def test_mysql_connector_session(j: Jasmine, conn: Any, database: str) -> None:
    c: Any = mysql.connector.connect(
        host="127.0.0.1", port=j.proxy.port, user="root", database=database, autocommit=True
    )
    try:
        cur: Any = c.cursor()
        cur.execute(f"CREATE MATERIALIZATION mc USING snapshot AS {GROUPED}")
        cur.execute("SELECT * FROM mc ORDER BY g")
        assert [tuple(r) for r in cur.fetchall()] == [("g0", 2, 60), ("g1", 3, 90)]
        cur.execute(f"SHOW MATERIALIZATIONS FROM {database} LIKE 'mc'")
        assert cur.column_names == tuple(SHOW_COLUMNS)
        assert [r[3] for r in cur.fetchall()] == ["live"]
        cur.execute("ALTER MATERIALIZATION mc STEP check")
        rows = cur.fetchall()
        assert ("after", "transition", "live -> live") in [tuple(r) for r in rows]
        with pytest.raises(mysql.connector.Error) as info:
            cur.execute("ALTER MATERIALIZATION mc STEP create")
        assert info.value.errno == 1221
        cur.execute("DROP MATERIALIZATION mc")
        cur.execute("SHOW TABLES")
        assert [r[0] for r in cur.fetchall()] == ["o"]
        cur.close()
    finally:
        c.close()


def test_queries_with_percent_signs(conn: Any, database: str) -> None:
    """DATE_FORMAT patterns and LIKE wildcards reach the backend as written."""
    run(conn, "CREATE TABLE d (day DATE, name VARCHAR(10))")
    run(conn, "INSERT INTO d VALUES ('2026-01-02', 'a%b'), ('2026-02-03', 'ab')")
    query = (
        "SELECT DATE_FORMAT(day, '%Y-%m') AS month, name LIKE 'a\\%%' AS literal_pct "
        "FROM d WHERE name LIKE 'a%'"
    )
    for strategy in ("snapshot", "view"):
        run(conn, f"CREATE MATERIALIZATION `pct {strategy}` USING {strategy} AS {query}")
        assert same(conn, f"`pct {strategy}`", query) == [("2026-01", 1), ("2026-02", 0)]
    run(conn, "REFRESH MATERIALIZATION `pct snapshot`", "ALTER MATERIALIZATION `pct view` REBUILD")
    rep = report(conn, "ALTER MATERIALIZATION `pct snapshot` STEP check")
    assert rep[("after", "error")] is None
    run(conn, "DROP MATERIALIZATION `pct snapshot`", "DROP MATERIALIZATION `pct view`")
    assert sorted(tables(database)) == ["d", "o"]


def test_drop_of_a_never_built_materialization_spares_a_table_of_its_name(
    j: Jasmine, conn: Any, database: str
) -> None:
    """A deferred materialization owns no target yet: a table created by that name meanwhile
    is the user's, and DROP MATERIALIZATION must leave it (and its rows) alone."""
    for state in ("defined", "verified"):
        run(conn, "CREATE MATERIALIZATION d USING snapshot WITH (build = 'deferred') AS SELECT 1")
        if state == "verified":
            run(conn, "ALTER MATERIALIZATION d STEP verify")
        run(conn, "CREATE TABLE d (precious INT)", "INSERT INTO d VALUES (42)")
        run(conn, "DROP MATERIALIZATION d")
        assert j.row(database, "d") is None
        assert scalar(conn, "SELECT precious FROM d") == 42, state
        run(conn, "DROP TABLE d")


def test_health_stale_and_drifted(j: Jasmine, conn: Any, database: str) -> None:
    run(
        conn,
        "CREATE MATERIALIZATION h USING snapshot WITH (target_lag = '1 second') AS "
        "SELECT id, v FROM o",
    )
    assert show(conn, database)["h"]["Health"] == "ok"
    time.sleep(1.5)
    row = show(conn, database)["h"]
    assert (row["Health"], float(row["Staleness"]) > 1) == ("stale", True)
    run(conn, "REFRESH MATERIALIZATION h")
    assert show(conn, database)["h"]["Health"] == "ok"
    rep = report(conn, "ALTER MATERIALIZATION h STEP check")
    assert (rep[("after", "error")], rep[("after", "health")]) == (None, "ok")
    run(conn, "DELETE FROM h WHERE id = 1")  # someone writes to the materialized table
    rep = report(conn, "ALTER MATERIALIZATION h STEP check")
    assert rep[("after", "health")] == "drifted"
    assert "differ" in rep[("after", "error")]
    row = show(conn, database)["h"]
    assert (row["State"], row["Health"]) == ("live", "drifted")
    run(conn, "REFRESH MATERIALIZATION h")
    assert show(conn, database)["h"]["Health"] == "ok"
    same(conn, "h", "SELECT id, v FROM o")


def test_show_where_unknown_column_and_limit_zero(conn: Any, database: str) -> None:
    run(conn, "CREATE MATERIALIZATION z USING view AS SELECT 1 AS one")
    code, message = fails(conn, f"SHOW MATERIALIZATIONS FROM {database} WHERE Nope = 1")
    assert (code, message) == (1054, "Unknown column 'Nope' in 'WHERE'")  # as MariaDB says
    usable(conn)
    assert dicts(conn, "SHOW MATERIALIZATION EVENTS LIMIT 0") == []
    assert dicts(conn, "SHOW MATERIALIZATION EVENTS FOR z LIMIT 0") == []
    assert len(dicts(conn, "SHOW MATERIALIZATION EVENTS FOR z LIMIT 1")) == 1
