"""Materializations on the embedded SQLite default: every statement, the lifecycle, the snapshot
swap under readers, crash recovery. No MariaDB involved: a real proxy on a temporary file."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pymysql
import pytest

from jasmine_proxy import lifecycle
from tests.support import Proxy, rows, wait_until


@pytest.fixture
def db_file(tmp_path: Path) -> str:
    return str(tmp_path / "jasmine.db")


@pytest.fixture
def proxy(db_file: str) -> Iterator[Proxy]:
    p = Proxy(f"sqlite:///{db_file}")
    yield p
    if p.proc.poll() is None:
        assert p.stop() == 0, p.log


def connect(proxy: Proxy) -> pymysql.connections.Connection:
    conn = proxy.connect(autocommit=True)
    rows(conn, "CREATE DATABASE IF NOT EXISTS shop")
    rows(conn, "USE shop")
    return conn


def shop(conn: pymysql.connections.Connection) -> None:
    rows(
        conn,
        "CREATE TABLE orders (id INT AUTO_INCREMENT PRIMARY KEY, day DATE NOT NULL, "
        "amount DECIMAL(10,2) NOT NULL)",
    )
    rows(
        conn,
        "INSERT INTO orders (day, amount) VALUES ('2026-01-01', 0.10), ('2026-01-01', 0.20), "
        "('2026-01-02', 5.00)",
    )


def show(conn: pymysql.connections.Connection, name: str) -> dict[str, Any]:
    with conn.cursor(pymysql.cursors.DictCursor) as cur:
        cur.execute(f"SHOW MATERIALIZATIONS LIKE '{name}'")
        found = cur.fetchall()
    assert len(found) == 1, found
    return dict(found[0])


def error(conn: pymysql.connections.Connection, sql: str) -> tuple[int, str]:
    with pytest.raises(pymysql.err.MySQLError) as info:
        rows(conn, sql)
    return info.value.args[0], info.value.args[1]


DAILY = (
    "CREATE MATERIALIZATION daily USING snapshot WITH (target_lag = '1 hour') AS "
    "SELECT day, SUM(amount) AS revenue, COUNT(*) AS n FROM orders GROUP BY day"
)


def test_every_statement_on_the_embedded_default(proxy: Proxy) -> None:
    with connect(proxy) as conn:
        shop(conn)
        plan = rows(conn, "EXPLAIN " + DAILY)
        assert plan[0] == ("strategy", 1, "snapshot")
        assert any(part == "refresh" and "RENAME TABLE" in detail for part, _, detail in plan)
        assert rows(conn, "SHOW MATERIALIZATIONS") == []  # EXPLAIN ran nothing
        rows(conn, DAILY)
        assert rows(conn, "SELECT day, revenue, n FROM daily ORDER BY day") == [
            (date(2026, 1, 1), Decimal("0.30"), 2),
            (date(2026, 1, 2), Decimal("5.00"), 1),
        ]  # exact to the cent, MySQL types
        rows(conn, "CREATE MATERIALIZATION IF NOT EXISTS daily AS SELECT 1")  # a note, no change
        rows(
            conn, "CREATE MATERIALIZATION big USING view AS SELECT id FROM orders WHERE amount > 1"
        )
        rows(conn, "CREATE MATERIALIZATION later USING snapshot WITH (build = 'deferred') AS "
             "SELECT COUNT(*) AS n FROM orders")  # fmt: skip
        names = [r[0] for r in rows(conn, "SHOW MATERIALIZATIONS FROM shop")]
        assert names == ["big", "daily", "later"]
        assert [r[0] for r in rows(conn, "SHOW MATERIALIZATIONS WHERE Strategy = 'view'")] == [
            "big"
        ]
        assert show(conn, "later")["State"] == "defined"
        assert show(conn, "big")["Rows"] == 1
        rows(conn, "INSERT INTO orders (day, amount) VALUES ('2026-01-03', 1.50)")
        assert len(rows(conn, "SELECT * FROM big")) == 2  # a view is always current
        assert len(rows(conn, "SELECT * FROM daily")) == 2  # a snapshot waits for its refresh
        rows(conn, "REFRESH MATERIALIZATION daily")
        assert len(rows(conn, "SELECT * FROM daily")) == 3
        report = rows(conn, "ALTER MATERIALIZATION later STEP")
        assert ("after", "transition", "defined -> verified") in report
        rows(conn, "ALTER MATERIALIZATION later STEP create")
        assert rows(conn, "SELECT n FROM later") == [(4,)]
        check = rows(conn, "ALTER MATERIALIZATION daily STEP check")
        assert ("after", "error", None) in check
        assert any(item.startswith("sample row") for _, item, _ in check)
        for sql in ("PAUSE", "SET (target_lag = '5 minutes')", "RESUME", "REFRESH", "REBUILD"):
            rows(conn, f"ALTER MATERIALIZATION daily {sql}")
        assert show(conn, "daily")["Target_lag"] == "5 minutes"
        created = rows(conn, "SHOW CREATE MATERIALIZATION daily")[0][1]
        assert "target_lag = '5 minutes'" in created
        events = rows(conn, "SHOW MATERIALIZATION EVENTS FOR daily LIMIT 3")
        assert [e[2] for e in events] == ["rebuild", "refresh", "resume"]
        for name in ("daily", "big", "later"):
            rows(conn, f"DROP MATERIALIZATION {name}")
        assert [r[0] for r in rows(conn, "SHOW TABLES")] == ["orders"]
        rows(conn, "DROP MATERIALIZATION IF EXISTS daily")


def test_errors_on_the_embedded_default(proxy: Proxy) -> None:
    with connect(proxy) as conn:
        shop(conn)
        assert error(conn, "CREATE MATERIALIZATION m AS")[0] == 1064
        assert error(conn, "CREATE MATERIALIZATION m USING nightly AS SELECT 1")[0] == 1286
        assert error(conn, "CREATE MATERIALIZATION m WITH (colour = 'red') AS SELECT 1")[0] == 1911
        assert (
            error(conn, "CREATE MATERIALIZATION m WITH (target_lag = 'soon') AS SELECT 1")[0]
            == 1525
        )
        assert error(conn, "CREATE MATERIALIZATION orders AS SELECT 1")[0] == 1050
        assert error(conn, "CREATE MATERIALIZATION m AS SELECT * FROM nowhere")[0] == 1146
        assert error(conn, "REFRESH MATERIALIZATION nothing")[0] == 1146
        rows(conn, DAILY)
        assert error(conn, "ALTER MATERIALIZATION daily STEP create")[0] == 1221
        assert rows(conn, "SHOW MATERIALIZATIONS")[0][3] == "live"  # nothing changed
        assert rows(conn, "SELECT 1") == [(1,)]  # the connection is fine


# a dropped materialization is gone from the catalog: nothing left to step
PAIRS = [pair for pair in lifecycle.table_rows() if pair[0] != "dropped"]


@pytest.mark.parametrize(("state", "event", "outcome"), PAIRS)
def test_every_state_and_event(proxy: Proxy, state: str, event: str, outcome: str) -> None:
    with connect(proxy) as conn:
        shop(conn)
        rows(conn, "CREATE TABLE extra (v INT)")
        rows(conn, "INSERT INTO extra VALUES (1)")
        rows(
            conn,
            "CREATE MATERIALIZATION m USING snapshot WITH (build = 'deferred') AS "
            "SELECT SUM(v) AS total FROM extra",
        )
        path = {
            "defined": [],
            "verified": ["verify"],
            "live": ["verify", "create"],
            "paused": ["verify", "create", "pause"],
            "failed": ["verify", "create"],
        }[state]
        for step in path:
            rows(conn, f"ALTER MATERIALIZATION m STEP {step}")
        if state == "failed":
            rows(conn, "DROP TABLE extra")
            rows(conn, "ALTER MATERIALIZATION m STEP refresh")
            rows(conn, "CREATE TABLE extra (v INT)")
        assert show(conn, "m")["State"] == state
        if outcome == "refused":
            code, _ = error(conn, f"ALTER MATERIALIZATION m STEP {event}")
            assert code == 1221
            assert show(conn, "m")["State"] == state
            return
        rows(conn, f"ALTER MATERIALIZATION m STEP {event}")
        if outcome == "dropped":
            assert rows(conn, "SHOW MATERIALIZATIONS") == []
            return
        expected = outcome
        if state == "failed" and event == "resume":
            expected = "live"  # it failed from live and its table is still there
        assert show(conn, "m")["State"] == expected


def test_the_snapshot_swap_under_readers(proxy: Proxy) -> None:
    with connect(proxy) as conn:
        shop(conn)
        rows(conn, DAILY)
        seen: list[Any] = []
        errors: list[str] = []
        stop = threading.Event()

        def read() -> None:
            with proxy.connect(database="shop", autocommit=True) as reader:
                while not stop.is_set():
                    try:
                        seen.append(rows(reader, "SELECT COUNT(*), SUM(n) FROM daily")[0])
                    except pymysql.err.MySQLError as exc:
                        errors.append(str(exc))

        thread = threading.Thread(target=read)
        thread.start()
        try:
            for i in range(20):
                rows(conn, f"INSERT INTO orders (day, amount) VALUES ('2026-02-{i + 1:02d}', 1)")
                rows(conn, "REFRESH MATERIALIZATION daily" if i % 2 else
                     "ALTER MATERIALIZATION daily REBUILD")  # fmt: skip
        finally:
            stop.set()
            thread.join(30)
    assert not errors, errors[:3]
    assert len(seen) > 20
    counts = [int(c) for c, _ in seen]
    assert min(counts) >= 2  # never empty, never partial
    assert counts == sorted(counts)  # only ever whole results, each at least as new


def test_recovery_after_a_kill_between_the_ddl_and_the_catalog(db_file: str) -> None:
    crashing = Proxy(f"sqlite:///{db_file}", env={"JASMINE_TEST_CRASH_AFTER": "refresh:Swap"})
    with connect(crashing) as conn:
        shop(conn)
        rows(conn, DAILY)
        rows(conn, "INSERT INTO orders (day, amount) VALUES ('2026-01-09', 9.99)")
        with pytest.raises(pymysql.err.OperationalError):
            rows(conn, "REFRESH MATERIALIZATION daily")  # the proxy dies under it
    assert crashing.proc.wait(10) == -signal.SIGKILL
    restarted = Proxy(f"sqlite:///{db_file}")
    try:
        with connect(restarted) as conn:
            assert wait_until(lambda: show(conn, "daily")["State"] == "live", timeout=10)
            assert len(rows(conn, "SELECT * FROM daily")) == 3
            events = rows(conn, "SHOW MATERIALIZATION EVENTS FOR daily")
            assert any(e[2] == "refresh" and e[8] and "interrupted" in e[8] for e in events)
            assert [r[0] for r in rows(conn, "SHOW TABLES")] == ["daily", "orders"]
    finally:
        assert restarted.stop() == 0, restarted.log
