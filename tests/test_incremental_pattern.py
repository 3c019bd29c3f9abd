"""The `incremental` pattern on MariaDB, through the real proxy with real clients.

Every check compares the materialization with a fresh run of its query (read directly from
MariaDB): after inserts, updates that bump the watermark column, rows moving between groups,
new dimension rows, a transaction committed late with a lower id, a crash between the data and
the watermark; and what is not caught (an old delete) is found by `check` and cured by REBUILD.
"""

from __future__ import annotations

import json
import signal
import time
from collections.abc import Iterator
from typing import Any
from unittest.mock import ANY

import pymysql
import pytest

from jasmine_proxy.backends.mysql_incremental import CRASH_AFTER, TRX_CACHE
from tests.materialize import Jasmine, dicts, direct_run, fails, no_leftovers, quote, run, show
from tests.support import MARIADB_URL, Proxy, direct

pytestmark = pytest.mark.backend

AGGREGATES = (
    "SELECT c.region, COUNT(*) AS n, SUM(o.amount) AS total, AVG(o.amount) AS mean, "
    "MIN(o.amount) AS low, MAX(o.amount) AS high, COUNT(DISTINCT o.cid) AS buyers "
    "FROM o JOIN c ON c.id = o.cid WHERE o.amount > 0 GROUP BY c.region"
)


@pytest.fixture(scope="module")
def j() -> Iterator[Jasmine]:
    with Jasmine.start() as jasmine:
        yield jasmine


def schema(conn: Any, stamp: bool = False) -> None:
    """Customers `c` (auto-increment) and orders `o` (auto-increment; `ts` bumped by every
    write when `stamp`)."""
    ts = ", ts DATETIME(6) NOT NULL DEFAULT NOW(6) ON UPDATE NOW(6), KEY (ts)" if stamp else ""
    run(
        conn,
        "CREATE TABLE c (id INT AUTO_INCREMENT PRIMARY KEY, region VARCHAR(10) NOT NULL)",
        "CREATE TABLE o (id INT AUTO_INCREMENT PRIMARY KEY, cid INT, amount DECIMAL(10,2), "
        f"KEY (cid){ts})",
        "INSERT INTO c (region) VALUES ('north'), ('south'), ('east')",
        "INSERT INTO o (cid, amount) VALUES (1, 10), (2, 20), (1, 5), (3, 7), (2, -1), (9, 4)",
    )


def stored(database: str, name: str) -> list[tuple[Any, ...]]:
    with direct(database=database) as c, c.cursor() as cur:
        cur.execute(f"SELECT * FROM {quote(name)}")
        return sorted(map(tuple, cur.fetchall()), key=repr)


def fresh(database: str, query: str) -> list[tuple[Any, ...]]:
    with direct(database=database) as c, c.cursor() as cur:
        cur.execute(query)
        return sorted(map(tuple, cur.fetchall()), key=repr)


def same(database: str, name: str, query: str) -> None:
    assert stored(database, name) == fresh(database, query)


def writes(database: str, *statements: str) -> None:
    with direct(database=database, autocommit=True) as c:
        run(c, *statements)


def test_create_refresh_drop_every_aggregate_over_a_join(j: Jasmine, database: str) -> None:
    with j.connect(database) as conn:
        schema(conn)
        run(conn, f"CREATE MATERIALIZATION m USING incremental AS {AGGREGATES}")
        same(database, "m", AGGREGATES)
        assert show(conn, database)["m"]["Strategy"] == "incremental"
        marks = json.loads(j.row(database, "m")["watermarks"])  # type: ignore[index]
        assert marks["o.id"]["floor"] == 6
        assert marks["c.id"]["floor"] == 3
        keys = dicts(conn, "SHOW KEYS FROM m")
        assert [(k["Key_name"], k["Column_name"]) for k in keys] == [("PRIMARY", "region")]
        writes(
            database,
            "INSERT INTO o (cid, amount) VALUES (1, 100), (2, 3), (2, 3), (3, 0.5)",
            "INSERT INTO c (region) VALUES ('west')",  # customer 4: a new dimension row
            "INSERT INTO o (cid, amount) VALUES (4, 8)",
        )
        assert stored(database, "m") != fresh(database, AGGREGATES)  # not yet refreshed
        run(conn, "REFRESH MATERIALIZATION m")
        same(database, "m", AGGREGATES)
        floor = json.loads(j.row(database, "m")["watermarks"])["o.id"]  # type: ignore[index]
        assert floor == {"floor": 6, "marks": [[ANY, 11]]}  # its own mark: younger than INNODB_TRX
        time.sleep(TRX_CACHE)
        run(conn, "REFRESH MATERIALIZATION m")
        assert json.loads(j.row(database, "m")["watermarks"])["o.id"]["floor"] == 11  # type: ignore[index]
        run(conn, "REFRESH MATERIALIZATION m")  # nothing new: still the same
        same(database, "m", AGGREGATES)
        events = dicts(conn, "SHOW MATERIALIZATION EVENTS FOR m LIMIT 2")
        assert [e["Event"] for e in events] == ["refresh", "refresh"]
        run(conn, "DROP MATERIALIZATION m")
        assert show(conn, database) == {}
    no_leftovers(database)


def test_left_join_dimension_rows_arriving_later_and_a_null_group(
    j: Jasmine, database: str
) -> None:
    query = (
        "SELECT c.region, COUNT(*) AS n, SUM(o.amount) AS total FROM o LEFT JOIN c "
        "ON c.id = o.cid GROUP BY c.region"
    )
    with j.connect(database) as conn:
        schema(conn)
        run(conn, f"CREATE MATERIALIZATION m USING incremental AS {query}")
        same(database, "m", query)  # order 6 (customer 9, not there yet) in the NULL group
        writes(
            database,
            "INSERT INTO c (id, region) VALUES (9, 'far')",
            "INSERT INTO o (cid, amount) VALUES (NULL, 2), (1, 1)",
        )
        run(conn, "REFRESH MATERIALIZATION m")
        same(database, "m", query)
        assert ("far", 1) in [(r[0], r[1]) for r in stored(database, "m")]
        keys = dicts(conn, "SHOW KEYS FROM m")  # a key that can be NULL: unique, not primary
        assert [(k["Key_name"], k["Column_name"]) for k in keys] == [
            ("PRIMARY", "_jasmine_row"),  # the hidden primary key (backends.HIDDEN_KEY)
            ("_jasmine_key", "region"),
        ]


def test_updates_move_rows_between_groups_and_out_of_the_where(j: Jasmine, database: str) -> None:
    query = (
        "SELECT o.cid, COUNT(*) AS n, SUM(o.amount) AS total, MAX(o.amount) AS top FROM o "
        "WHERE o.amount > 0 GROUP BY o.cid"
    )
    with j.connect(database) as conn:
        schema(conn, stamp=True)
        run(conn, f"CREATE MATERIALIZATION m USING incremental WITH (watermark = 'ts') AS {query}")
        same(database, "m", query)
        writes(
            database,
            "UPDATE o SET cid = 2 WHERE id = 1",  # moves from group 1 to group 2
            "UPDATE o SET amount = -3 WHERE id = 4",  # leaves the WHERE: group 3 empties
            "UPDATE o SET amount = 50 WHERE id = 5",  # enters the WHERE
        )
        run(conn, "REFRESH MATERIALIZATION m")
        same(database, "m", query)
        assert 3 not in [r[0] for r in stored(database, "m")]


def test_select_project_join_keyed_on_the_driving_primary_key(j: Jasmine, database: str) -> None:
    query = "SELECT o.id, o.amount, c.region FROM o JOIN c ON c.id = o.cid"
    with j.connect(database) as conn:
        schema(conn)
        run(conn, f"CREATE MATERIALIZATION m USING incremental AS {query}")
        writes(database, "INSERT INTO o (cid, amount) VALUES (2, 1), (3, 2)")
        run(conn, "REFRESH MATERIALIZATION m")
        same(database, "m", query)
        keys = dicts(conn, "SHOW KEYS FROM m")
        assert [(k["Key_name"], k["Column_name"]) for k in keys] == [("PRIMARY", "id")]


def test_a_row_committed_late_with_a_lower_id_is_not_lost(j: Jasmine, database: str) -> None:
    query = "SELECT cid, COUNT(*) AS n, SUM(amount) AS total FROM o GROUP BY cid"
    with j.connect(database) as conn:
        schema(conn)
        run(conn, f"CREATE MATERIALIZATION m USING incremental AS {query}")
        held = direct(database=database)  # a long transaction: id 7, committed late
        try:
            run(held, "BEGIN", "INSERT INTO o (cid, amount) VALUES (1, 1000)")
            writes(database, "INSERT INTO o (cid, amount) VALUES (2, 2)")  # id 8, committed
            run(conn, "REFRESH MATERIALIZATION m")  # does not wait for the open transaction
            same(database, "m", query)  # id 8 in, id 7 not visible yet
            floor = json.loads(j.row(database, "m")["watermarks"])["o.id"]["floor"]  # type: ignore[index]
            assert floor <= 7, "the floor passed a row that is still to commit"
            run(held, "COMMIT")
        finally:
            held.close()
        run(conn, "REFRESH MATERIALIZATION m")
        same(database, "m", query)
        assert (1, 3, 1015) in [(r[0], r[1], int(r[2])) for r in stored(database, "m")]


def test_deletes_recent_ones_caught_old_ones_found_by_check(j: Jasmine, database: str) -> None:
    query = "SELECT cid, COUNT(*) AS n, SUM(amount) AS total FROM o GROUP BY cid"
    with j.connect(database) as conn:
        schema(conn)
        run(conn, f"CREATE MATERIALIZATION m USING incremental AS {query}")
        writes(database, "INSERT INTO o (cid, amount) VALUES (1, 1), (1, 2)")
        run(conn, "REFRESH MATERIALIZATION m")
        writes(database, "DELETE FROM o WHERE id = 8")  # past the floor: caught
        run(conn, "REFRESH MATERIALIZATION m")
        same(database, "m", query)
        for _ in range(50):  # other tests' open transactions may hold the floor back a while
            floor = json.loads(j.row(database, "m")["watermarks"])["o.id"]["floor"]  # type: ignore[index]
            if floor is not None and floor > 4:
                break
            run(conn, "REFRESH MATERIALIZATION m")
        # before the floor, in a group no newer row touches: not caught
        writes(database, "DELETE FROM o WHERE id = 4")
        run(conn, "REFRESH MATERIALIZATION m")
        assert stored(database, "m") != fresh(database, query)
        run(conn, "ALTER MATERIALIZATION m STEP check")
        assert show(conn, database)["m"]["Health"] == "drifted"
        run(conn, "ALTER MATERIALIZATION m REBUILD")
        same(database, "m", query)
        run(conn, "ALTER MATERIALIZATION m STEP check")
        assert show(conn, database)["m"]["Health"] == "ok"


def test_crash_between_the_data_and_the_watermark_applies_nothing(
    j: Jasmine, database: str
) -> None:
    query = "SELECT cid, COUNT(*) AS n, SUM(amount) AS total FROM o GROUP BY cid"
    with j.connect(database) as conn:
        schema(conn)
        run(conn, f"CREATE MATERIALIZATION m USING incremental AS {query}")
    before = stored(database, "m")
    marks = j.row(database, "m")["watermarks"]  # type: ignore[index]
    writes(database, "INSERT INTO o (cid, amount) VALUES (1, 1), (2, 2)")
    crashing = Proxy(
        MARIADB_URL,
        "--catalog-schema",
        j.catalog,
        env={CRASH_AFTER: "refresh:IncrementalRefresh.data"},
    )
    try:
        c = pymysql.connect(host="127.0.0.1", port=crashing.port, user="root", database=database)
        with pytest.raises(pymysql.err.OperationalError):
            run(c, "REFRESH MATERIALIZATION m")
        assert crashing.proc.wait(10) == -signal.SIGKILL
    finally:
        crashing.stop()
    assert stored(database, "m") == before  # rolled back with the connection
    assert j.row(database, "m")["watermarks"] == marks  # type: ignore[index]
    direct_run(  # the dead holder's lease lapses; a refresh then applies the batch once
        f"UPDATE {quote(j.catalog)}.materializations SET step = NULL, lease_expires = NULL "
        f"WHERE schema_name = '{database}' AND name = 'm'"
    )
    with j.connect(database) as conn:
        run(conn, "REFRESH MATERIALIZATION m")
        run(conn, "REFRESH MATERIALIZATION m")
    same(database, "m", query)


def test_refusals_name_the_obstacle(j: Jasmine, database: str) -> None:
    with j.connect(database) as conn:
        run(conn, "CREATE TABLE plain (id INT PRIMARY KEY, v INT)")
        code, message = fails(
            conn, "CREATE MATERIALIZATION m USING incremental AS SELECT v, COUNT(*) FROM plain "
            "GROUP BY v",
        )  # fmt: skip
        assert code == 1235 or "incremental" in message
        assert "no auto-increment key" in message
        assert "snapshot" in message
        schema(conn)
        code, message = fails(
            conn, "CREATE MATERIALIZATION m USING incremental AS "
            "SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS r FROM o",
        )  # fmt: skip
        assert "ROW_NUMBER()" in message
        assert "line 1" in message
        code, message = fails(
            conn, "CREATE MATERIALIZATION m USING incremental WITH (watermark = 'nope') AS "
            "SELECT cid, COUNT(*) AS n FROM o GROUP BY cid",
        )  # fmt: skip
        assert "nope" in message
        assert show(conn, database) == {}


def test_auto_prefers_incremental_for_a_lag(j: Jasmine, database: str) -> None:
    query = "SELECT cid, COUNT(*) AS n FROM o GROUP BY cid"
    with j.connect(database) as conn:
        schema(conn)
        plan = dicts(
            conn, f"EXPLAIN CREATE MATERIALIZATION m WITH (target_lag = '5 minutes') AS {query}"
        )
        assert plan[0]["Detail"] == "incremental"
        reasons = [r["Detail"] for r in plan if r["Part"] == "reason"]
        assert reasons[0].startswith("auto chose incremental")
        assert any(r.startswith("snapshot: not considered") for r in reasons)
        refresh = [r["Detail"] for r in plan if r["Part"] == "refresh"]
        assert any("@jasmine_floor_0" in s for s in refresh)
        assert any(s.startswith("UPDATE") and "fence" in s for s in refresh)
        run(conn, f"CREATE MATERIALIZATION m WITH (target_lag = '5 minutes') AS {query}")
        assert show(conn, database)["m"]["Strategy"] == "incremental"
