"""`trigger`, `incremental` and `auto` on the embedded SQLite default: a real proxy on a temporary
file, real clients. Every maintained result is compared with a fresh run of its own query, as
multisets of rows (DECIMAL compared exactly); Jasmine's triggers are read from sqlite_master
directly, and a user's own trigger is created there too (the engine takes none from clients).
"""

from __future__ import annotations

import signal
import sqlite3
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pymysql
import pytest

from jasmine_proxy import sqlite_db
from tests.support import Proxy, rows, wait_until

SCHEMA = (
    "CREATE TABLE customers (id INT NOT NULL PRIMARY KEY, name VARCHAR(40), region VARCHAR(20))",
    "CREATE TABLE orders (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, customer_id INT, "
    "amount DECIMAL(10, 2), qty INT, status VARCHAR(10), "
    "ts DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP, "
    "KEY (customer_id))",
    "INSERT INTO customers VALUES (1, 'ann', 'north'), (2, 'bob', 'south'), (3, 'cy', NULL), "
    "(4, 'dee', 'north')",
    "INSERT INTO orders (customer_id, amount, qty, status) VALUES (1, 10.50, 1, 'paid'), "
    "(1, 2.25, 2, 'paid'), (2, NULL, 3, 'open'), (3, 4.00, NULL, 'paid'), (4, 7.10, 5, 'open'), "
    "(2, 1.05, 1, 'paid')",
)
GROUPED = (
    "SELECT c.region, COUNT(*) AS n, SUM(o.amount) AS total, AVG(o.amount) AS mean, "
    "MIN(o.amount) AS lo, MAX(o.amount) AS hi, COUNT(o.qty) AS qtys "
    "FROM orders o JOIN customers c ON o.customer_id = c.id GROUP BY c.region"
)


@pytest.fixture(scope="module")
def file(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("embedded") / "jasmine.db")


@pytest.fixture(scope="module")
def proxy(file: str) -> Iterator[Proxy]:
    p = Proxy(f"sqlite:///{file}")
    yield p
    assert p.stop() == 0, p.log


@pytest.fixture
def db(proxy: Proxy) -> str:
    name = f"t_{uuid.uuid4().hex[:8]}"
    with proxy.connect(autocommit=True) as conn:
        rows(conn, f"CREATE DATABASE {name}")
        rows(conn, f"USE {name}")
        for sql in SCHEMA:
            rows(conn, sql)
    return name


@pytest.fixture
def client(proxy: Proxy, db: str) -> Iterator[pymysql.connections.Connection]:
    with proxy.connect(database=db, autocommit=True) as conn:
        yield conn


def run(conn: pymysql.connections.Connection, *statements: str) -> None:
    for sql in statements:
        rows(conn, sql)


def same(conn: pymysql.connections.Connection, name: str, query: str) -> None:
    stored, fresh = Counter(rows(conn, f"SELECT * FROM {name}")), Counter(rows(conn, query))
    assert stored == fresh, f"stored {sorted(stored.items(), key=str)} != query {fresh}"


def triggers(file: str, db: str) -> list[str]:
    """The triggers named in the database (SQLite's name: "db.name"); not the engine's own
    (`jasmine_on_update:...`, for ON UPDATE CURRENT_TIMESTAMP)."""
    with sqlite3.connect(file) as conn:
        found = conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE ? ORDER BY name",
            (f"{db}.%",),
        ).fetchall()
    return [str(n[0]).split(".", 1)[1] for n in found]


def error(conn: pymysql.connections.Connection, sql: str) -> tuple[int, str]:
    with pytest.raises(pymysql.err.MySQLError) as info:
        rows(conn, sql)
    return info.value.args[0], info.value.args[1]


def state(conn: pymysql.connections.Connection, name: str) -> dict[str, Any]:
    """The SHOW MATERIALIZATIONS row of `name` in the connection's database."""
    with conn.cursor(pymysql.cursors.DictCursor) as cur:
        cur.execute("SELECT DATABASE() AS db")
        db = cur.fetchall()[0]["db"]
        cur.execute(f"SHOW MATERIALIZATIONS FROM `{db}`")
        return next(dict(r) for r in cur.fetchall() if r["Name"] == name)


# -- trigger ----------------------------------------------------------------------------------


def test_trigger_exact_under_inserts_updates_deletes(
    client: pymysql.connections.Connection, file: str, db: str
) -> None:
    run(client, f"CREATE MATERIALIZATION m USING trigger AS {GROUPED}")
    assert state(client, "m")["Strategy"] == "trigger"
    assert len(triggers(file, db)) == 6  # INSERT, UPDATE, DELETE on both sources
    same(client, "m", GROUPED)
    steps = [
        "INSERT INTO orders (customer_id, amount, qty) VALUES (1, 0.01, 1), (3, NULL, NULL)",
        "DELETE FROM orders WHERE amount = 0.01",  # MIN after deleting the extreme
        "DELETE FROM orders WHERE amount = 10.50",  # MAX likewise
        "UPDATE orders SET amount = 99.99 WHERE amount = 2.25",
        "UPDATE orders SET status = 'x' WHERE customer_id = 1",  # nothing the query reads
        "UPDATE orders SET customer_id = 2 WHERE customer_id = 4",  # moves between groups
        "UPDATE customers SET region = NULL WHERE id = 1",  # a dimension row changes
        "DELETE FROM orders WHERE customer_id = 2",  # a group empties
        "DELETE FROM customers WHERE id = 3",
        "INSERT INTO customers VALUES (3, 'cy', 'east')",
        "INSERT INTO customers VALUES (9, 'nil', 'west')",
        "INSERT INTO orders (customer_id, amount, qty) VALUES (9, NULL, NULL), (9, NULL, 4)",
        "UPDATE customers SET id = 10 WHERE id = 9",
        "UPDATE orders SET customer_id = 10 WHERE customer_id = 9 AND qty = 4",
        "UPDATE customers SET region = 'North' WHERE id = 4",  # the same group, other case
        "REPLACE INTO orders (id, customer_id, amount) VALUES (1, 10, 3.10)",  # delete + insert
        "INSERT INTO customers VALUES (10, 'nil', 'east') ON DUPLICATE KEY UPDATE region = 'x'",
        "TRUNCATE TABLE orders",  # SQLite fires the DELETE triggers (MariaDB would not)
        "INSERT INTO orders (customer_id, amount) VALUES (1, 0.10), (1, 0.20)",
    ]
    for step in steps:
        run(client, step)
        same(client, "m", GROUPED)
    run(client, "DELETE FROM orders")
    same(client, "m", GROUPED)
    assert rows(client, "SELECT COUNT(*) FROM m") == [(0,)]


def test_trigger_decimal_sums_are_exact(client: pymysql.connections.Connection) -> None:
    query = "SELECT status, SUM(amount) AS s, AVG(amount) AS a FROM orders GROUP BY status"
    run(client, "DELETE FROM orders", f"CREATE MATERIALIZATION d USING trigger AS {query}")
    for _ in range(3):
        run(client, "INSERT INTO orders (amount, status) VALUES (0.10, 'z'), (0.20, 'z')")
    run(client, "UPDATE orders SET amount = 0.70 WHERE id = (SELECT MIN(id) FROM orders)")
    got = dict((r[0], r[1]) for r in rows(client, "SELECT status, s FROM d"))
    assert got == {"z": Decimal("1.50")}
    same(client, "d", query)


def test_trigger_single_row_projection_and_left_join(
    client: pymysql.connections.Connection,
) -> None:
    total = (
        "SELECT COUNT(*), SUM(amount) AS s, MIN(qty) AS q, SUM(amount) / COUNT(*) AS per "
        "FROM orders"
    )
    inner = (
        "SELECT o.id, o.amount, c.name FROM orders o JOIN customers c ON c.id = o.customer_id "
        "WHERE o.amount > 2"
    )
    left = (
        "SELECT o.id, o.status, c.region FROM orders o "
        "LEFT JOIN customers c ON c.id = o.customer_id"
    )
    for name, query in (("t", total), ("p", inner), ("l", left)):
        run(client, f"CREATE MATERIALIZATION {name} USING trigger AS {query}")
    for step in [
        "INSERT INTO orders (customer_id, amount, status) VALUES (7, 50, 'paid')",  # no customer
        "INSERT INTO customers VALUES (7, 'gus', 'east')",  # now it matches
        "UPDATE customers SET name = 'ANN', region = 'west' WHERE id = 1",
        "UPDATE orders SET amount = 1 WHERE id = 1",  # leaves WHERE o.amount > 2
        "UPDATE orders SET amount = 3 WHERE id = 1",  # and comes back
        "UPDATE customers SET id = 8 WHERE id = 7",  # gus's orders lose their match
        "DELETE FROM customers WHERE id = 2",
        "UPDATE orders SET id = 100 WHERE id = 2",  # a primary key changes
        "DELETE FROM orders WHERE customer_id = 1",
        "DELETE FROM orders",  # no rows: COUNT 0, SUM NULL, still one row
    ]:
        run(client, step)
        same(client, "t", total)
        same(client, "p", inner)
        same(client, "l", left)
    assert len(rows(client, "SELECT * FROM t")) == 1


def test_trigger_rollback_leaves_the_result_as_it_was(
    proxy: Proxy, client: pymysql.connections.Connection, db: str
) -> None:
    run(client, f"CREATE MATERIALIZATION m USING trigger AS {GROUPED}")
    before = Counter(rows(client, "SELECT * FROM m"))
    with proxy.connect(database=db, autocommit=False) as writer:
        run(
            writer,
            "INSERT INTO orders (customer_id, amount) VALUES (1, 1000)",
            "UPDATE customers SET region = 'moved' WHERE id = 2",
            "DELETE FROM orders WHERE customer_id = 4",
        )
        assert Counter(rows(writer, "SELECT * FROM m")) != before  # it sees its own work
        writer.rollback()
    assert Counter(rows(client, "SELECT * FROM m")) == before
    same(client, "m", GROUPED)


def test_trigger_objects_user_triggers_and_drop(
    client: pymysql.connections.Connection, file: str, db: str
) -> None:
    run(client, "CREATE TABLE audit (id INT AUTO_INCREMENT PRIMARY KEY, what VARCHAR(20))")
    user = sqlite_db.connect(file)  # the engine takes no CREATE TRIGGER: SQLite's own
    try:
        user.execute(
            f'CREATE TRIGGER "{db}.user_audit" AFTER INSERT ON "{db}.orders" FOR EACH ROW '
            f"BEGIN INSERT INTO \"{db}.audit\" (what) VALUES ('insert'); END"
        )
    finally:
        user.close()
    run(client, f"CREATE MATERIALIZATION m USING trigger AS {GROUPED}")
    ours = [t for t in triggers(file, db) if t.startswith("_jasmine_m_")]
    assert len(ours) == 6
    assert "user_audit" in triggers(file, db)
    tables = [r[0] for r in rows(client, "SHOW FULL TABLES")]
    data = next(t for t in tables if t.startswith("_jasmine_m_"))
    assert "PRIMARY KEY (`_jasmine_k0`)" in rows(client, f"SHOW CREATE TABLE `{data}`")[0][1]
    assert rows(client, "SHOW FULL TABLES LIKE 'm'") == [("m", "VIEW")]
    run(client, "INSERT INTO orders (customer_id, amount) VALUES (2, 5)")
    assert rows(client, "SELECT what FROM audit") == [("insert",)]  # the user's ran too
    same(client, "m", GROUPED)
    report = rows(client, "ALTER MATERIALIZATION m STEP check")
    assert ("after", "health", "ok") in {(r[0], r[1], r[2]) for r in report}
    assert any("CREATE TRIGGER" in str(r[2]) for r in report)
    run(client, "DROP MATERIALIZATION m")
    assert triggers(file, db) == ["user_audit"]  # exactly Jasmine's went
    assert sorted(r[0] for r in rows(client, "SHOW TABLES")) == ["audit", "customers", "orders"]
    run(client, "INSERT INTO orders (customer_id, amount) VALUES (2, 6)")
    assert rows(client, "SELECT COUNT(*) FROM audit") == [(2,)]


def test_trigger_writes_during_create_are_not_lost(proxy: Proxy, db: str) -> None:
    """A writer inserts, updates and deletes throughout CREATE: none of it is lost (the
    triggers come first; the fill holds the write lock, which the writer waits for)."""
    with proxy.connect(database=db, autocommit=True) as conn:
        run(
            conn,
            "INSERT INTO orders (customer_id, amount, qty) SELECT 1 + seq % 4, seq % 97, seq % 5 "
            "FROM seq_1_to_20000",
        )
    stop = threading.Event()
    done: list[int] = []
    errors: list[Exception] = []

    def write() -> None:
        with proxy.connect(database=db, autocommit=True) as conn:
            i = 0
            while not stop.is_set():
                i += 1
                try:
                    run(
                        conn,
                        "INSERT INTO orders (customer_id, amount, qty) "
                        f"VALUES ({1 + i % 4}, {i % 50}, 1)",
                        f"UPDATE orders SET amount = amount + 1 WHERE id = {1 + (i * 7) % 20000}",
                        f"DELETE FROM orders WHERE id = {20000 - i}",
                    )
                except pymysql.err.MySQLError as exc:
                    errors.append(exc)
                    return
                done.append(i)
                # SQLite's busy handler is not fair: a writer that never pauses can keep the
                # CREATE from the write lock past its 30 s wait (1205), a starvation known on
                # the embedded default, not what this test is about
                time.sleep(0.002)

    thread = threading.Thread(target=write)
    thread.start()
    time.sleep(0.3)
    try:
        with proxy.connect(database=db, autocommit=True) as client:
            run(client, f"CREATE MATERIALIZATION m USING trigger AS {GROUPED}")
            time.sleep(0.3)
    finally:  # a failure must not leave the writer running into the next tests
        stop.set()
        thread.join()
    with proxy.connect(database=db, autocommit=True) as client:
        assert not errors
        assert len(done) > 5  # the writer really ran across the CREATE
        same(client, "m", GROUPED)


def test_trigger_kept_across_alter_table(
    client: pymysql.connections.Connection, file: str, db: str
) -> None:
    """The engine runs ALTER TABLE by rebuilding the table: the triggers on it are kept."""
    run(client, f"CREATE MATERIALIZATION m USING trigger AS {GROUPED}")
    run(
        client,
        "ALTER TABLE orders ADD COLUMN note VARCHAR(10)",
        "ALTER TABLE orders MODIFY amount DECIMAL(12, 2)",
        "ALTER TABLE customers ADD INDEX (region)",
    )
    assert len(triggers(file, db)) == 6
    run(
        client,
        "INSERT INTO orders (customer_id, amount, note) VALUES (2, 0.35, 'x')",
        "UPDATE customers SET region = 'east' WHERE id = 4",
    )
    same(client, "m", GROUPED)


def test_trigger_refusals_and_explain(
    client: pymysql.connections.Connection, file: str, db: str
) -> None:
    code, message = error(
        client,
        "CREATE MATERIALIZATION bad USING trigger AS "
        "SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS r FROM orders",
    )
    assert code == 1235, message
    assert "window function ROW_NUMBER() at line 1, column 12" in message
    assert "cannot be maintained by trigger" in message
    assert triggers(file, db) == []
    plan = rows(client, f"EXPLAIN CREATE MATERIALIZATION m USING trigger AS {GROUPED}")
    creates = [r[2] for r in plan if r[0] == "create" and r[2].startswith("CREATE TRIGGER")]
    assert len(creates) == 6  # in SQLite's dialect, as they run
    assert f'AFTER INSERT ON "{db}.orders" FOR EACH ROW\nBEGIN\n' in creates[0]
    assert any(" WHEN NOT (" in c for c in creates)  # an UPDATE that changes nothing read
    assert any("ON CONFLICT DO UPDATE" in c for c in creates)
    assert triggers(file, db) == []  # EXPLAIN ran nothing


def test_trigger_source_dropped_under_it(
    client: pymysql.connections.Connection, file: str, db: str
) -> None:
    """A dimension dropped under a live materialization: its triggers go with it (SQLite, as
    MariaDB), the fact table's triggers read it, so writes to the facts fail with 1146 until
    the materialization is dropped; check reports the failure."""
    run(client, f"CREATE MATERIALIZATION m USING trigger AS {GROUPED}")
    run(client, "DROP TABLE customers")
    code, message = error(client, "INSERT INTO orders (customer_id, amount) VALUES (1, 1)")
    assert code == 1146, message
    assert "customers" in message
    report = rows(client, "ALTER MATERIALIZATION m STEP check")
    assert any(r[1] == "error" and r[2] for r in report)
    run(client, "DROP MATERIALIZATION m")
    assert triggers(file, db) == []
    run(client, "INSERT INTO orders (customer_id, amount) VALUES (1, 1)")  # writable again


def test_trigger_hostile_names(proxy: Proxy) -> None:
    """Names that need quoting everywhere: database, table, columns, aliases, the name."""
    with proxy.connect(autocommit=True) as conn:
        run(
            conn,
            "CREATE DATABASE `we'ird db`",
            "USE `we'ird db`",
            "CREATE TABLE `order``s table` (`the id` INT AUTO_INCREMENT PRIMARY KEY, "
            "`group` VARCHAR(10), `sum` DECIMAL(8, 2), `a,b` INT)",
            "INSERT INTO `order``s table` (`group`, `sum`, `a,b`) VALUES "
            "('x%', 1.5, 1), ('y''', 2, 2), (NULL, NULL, 3)",
        )
        query = (
            "SELECT `group`, COUNT(*) AS `n n`, SUM(`sum`) AS `select`, MAX(`a,b`) AS `m``x` "
            "FROM `order``s table` AS `t``1` WHERE `group` LIKE '%' OR `group` IS NULL "
            "GROUP BY `group`"
        )
        run(conn, f"CREATE MATERIALIZATION `we!rd ``m` USING trigger AS {query}")
        run(
            conn,
            "INSERT INTO `order``s table` (`group`, `sum`, `a,b`) VALUES ('x%', 4, 9)",
            "UPDATE `order``s table` SET `group` = 'y''' WHERE `a,b` = 1",
            "DELETE FROM `order``s table` WHERE `a,b` = 9",
        )
        same(conn, "`we!rd ``m`", query)
        run(conn, "DROP MATERIALIZATION `we!rd ``m`")
        assert rows(conn, "SHOW TABLES") == [("order`s table",)]


# -- incremental ------------------------------------------------------------------------------


def test_incremental_refreshes_what_changed(client: pymysql.connections.Connection) -> None:
    run(client, f"CREATE MATERIALIZATION m USING incremental WITH (watermark = 'ts') AS {GROUPED}")
    assert state(client, "m")["Strategy"] == "incremental"
    same(client, "m", GROUPED)
    for step in [
        "INSERT INTO orders (customer_id, amount, qty) VALUES (1, 0.10, 1), (1, 0.20, 1)",
        "INSERT INTO orders (customer_id, amount) VALUES (3, 5), (2, NULL)",  # the NULL group
        "UPDATE orders SET customer_id = 2 WHERE id = 1",  # moves between groups
        "UPDATE orders SET amount = 0.05 WHERE amount = 2.25",  # a new MIN
        "INSERT INTO customers VALUES (5, 'eve', 'east')",
        "INSERT INTO orders (customer_id, amount) VALUES (5, 1.25)",  # a new group
    ]:
        run(client, step, "REFRESH MATERIALIZATION m")
        same(client, "m", GROUPED)
    marks = rows(client, "ALTER MATERIALIZATION m STEP check")
    assert ("after", "health", "ok") in {(r[0], r[1], r[2]) for r in marks}
    watermarks = next(r[2] for r in marks if r[0] == "after" and r[1] == "watermarks")
    assert '"o.ts"' in watermarks
    # a delete of an older row may be missed (its group is recomputed only if another row of
    # it changed within the timestamp floor's second): check says which, REBUILD cures it
    run(client, "DELETE FROM orders WHERE id = 2", "REFRESH MATERIALIZATION m")
    differs = Counter(rows(client, "SELECT * FROM m")) != Counter(rows(client, GROUPED))
    run(client, "ALTER MATERIALIZATION m STEP check")
    assert state(client, "m")["Health"] == ("drifted" if differs else "ok")
    run(client, "ALTER MATERIALIZATION m REBUILD")
    same(client, "m", GROUPED)
    run(client, "DROP MATERIALIZATION m")
    assert sorted(r[0] for r in rows(client, "SHOW TABLES")) == ["customers", "orders"]


def test_incremental_source_dropped_under_it(client: pymysql.connections.Connection) -> None:
    """A source dropped under a live incremental materialization: the refresh fails with the
    backend's 1146, nothing of it is written, and the rows stay readable until DROP."""
    run(client, f"CREATE MATERIALIZATION m USING incremental AS {GROUPED}")
    kept = Counter(rows(client, "SELECT * FROM m"))
    run(client, "DROP TABLE customers")
    code, message = error(client, "REFRESH MATERIALIZATION m")
    assert code == 1146, message
    assert state(client, "m")["Last_error"]
    assert Counter(rows(client, "SELECT * FROM m")) == kept
    run(client, "DROP MATERIALIZATION m")
    assert sorted(r[0] for r in rows(client, "SHOW TABLES")) == ["orders"]


def test_incremental_refusals(client: pymysql.connections.Connection) -> None:
    run(client, "CREATE TABLE nokey (a INT, b INT)")
    code, message = error(
        client, "CREATE MATERIALIZATION bad USING incremental AS SELECT a, SUM(b) FROM nokey "
        "GROUP BY a",
    )  # fmt: skip
    assert code == 1235, message
    assert "cannot be maintained by incremental" in message


def test_incremental_crash_before_the_watermarks(tmp_path: Path) -> None:
    """The proxy is killed after a refresh's data statements, before its watermarks: nothing of
    the refresh stays (one SQLite transaction), and the next refresh does it all."""
    file = str(tmp_path / "crash.db")
    crash = {"JASMINE_TEST_CRASH_AFTER": "refresh:IncrementalRefresh.data"}
    crashing = Proxy(f"sqlite:///{file}", env=crash)
    with crashing.connect(autocommit=True) as conn:
        run(conn, "CREATE DATABASE shop", "USE shop", *SCHEMA)
        run(conn, f"CREATE MATERIALIZATION m USING incremental AS {GROUPED}")
        before = Counter(rows(conn, "SELECT * FROM m"))
        marks = rows(conn, "SELECT watermarks FROM jasmine.materializations")
        run(conn, "INSERT INTO orders (customer_id, amount) VALUES (1, 100)")
        with pytest.raises(pymysql.err.OperationalError):
            run(conn, "REFRESH MATERIALIZATION m")  # the proxy dies under it
    assert crashing.proc.wait(10) == -signal.SIGKILL
    with sqlite3.connect(file) as raw:  # as the kill left it: neither rows nor watermarks
        assert raw.execute('SELECT watermarks FROM "jasmine.materializations"').fetchall() == marks
        assert raw.execute('SELECT COUNT(*) FROM "shop.m"').fetchone()[0] == len(before)
        assert raw.execute('SELECT SUM(n) FROM "shop.m"').fetchone()[0] == sum(r[1] for r in before)
    restarted = Proxy(f"sqlite:///{file}")  # recovery runs the interrupted refresh again
    try:
        with restarted.connect(database="shop", autocommit=True) as conn:
            assert wait_until(lambda: state(conn, "m")["State"] == "live", timeout=10)
            same(conn, "m", GROUPED)
            events = rows(conn, "SHOW MATERIALIZATION EVENTS FOR m")
            assert any(e[2] == "refresh" and e[8] and "interrupted" in e[8] for e in events)
            assert rows(conn, "SELECT watermarks FROM jasmine.materializations") != marks
    finally:
        assert restarted.stop() == 0, restarted.log


def test_trigger_crash_between_create_steps(tmp_path: Path) -> None:
    """Killed after the first trigger is created: at restart the create is undone and run
    again, leaving exactly six triggers and the right rows."""
    file = str(tmp_path / "crash.db")
    crashing = Proxy(f"sqlite:///{file}", env={"JASMINE_TEST_CRASH_AFTER": "create:CreateTrigger"})
    with crashing.connect(autocommit=True) as conn:
        run(conn, "CREATE DATABASE shop", "USE shop", *SCHEMA)
        with pytest.raises(pymysql.err.OperationalError):
            run(conn, f"CREATE MATERIALIZATION m USING trigger AS {GROUPED}")
    assert crashing.proc.wait(10) == -signal.SIGKILL
    assert len(triggers(file, "shop")) == 1
    restarted = Proxy(f"sqlite:///{file}")
    try:
        with restarted.connect(database="shop", autocommit=True) as conn:
            assert wait_until(lambda: state(conn, "m")["State"] == "live", timeout=10)
            assert len(triggers(file, "shop")) == 6
            run(conn, "INSERT INTO orders (customer_id, amount) VALUES (1, 100)")
            same(conn, "m", GROUPED)
    finally:
        assert restarted.stop() == 0, restarted.log


def test_incremental_crash_between_create_steps(tmp_path: Path) -> None:
    """Killed after the build, before the swap: at restart the create is undone and run again."""
    file = str(tmp_path / "crash.db")
    crashing = Proxy(
        f"sqlite:///{file}", env={"JASMINE_TEST_CRASH_AFTER": "create:IncrementalBuild"}
    )
    with crashing.connect(autocommit=True) as conn:
        run(conn, "CREATE DATABASE shop", "USE shop", *SCHEMA)
        with pytest.raises(pymysql.err.OperationalError):
            run(conn, f"CREATE MATERIALIZATION m USING incremental AS {GROUPED}")
    assert crashing.proc.wait(10) == -signal.SIGKILL
    restarted = Proxy(f"sqlite:///{file}")
    try:
        with restarted.connect(database="shop", autocommit=True) as conn:
            assert wait_until(lambda: state(conn, "m")["State"] == "live", timeout=10)
            same(conn, "m", GROUPED)
            run(conn, "INSERT INTO orders (customer_id, amount) VALUES (1, 100)")
            run(conn, "REFRESH MATERIALIZATION m")
            same(conn, "m", GROUPED)
            internal = [r[0] for r in rows(conn, "SHOW TABLES") if r[0].startswith("_jasmine_")]
            assert len(internal) == 1  # the lineage; no shadow left over
    finally:
        assert restarted.stop() == 0, restarted.log


# -- auto -------------------------------------------------------------------------------------


def test_auto_picks_as_on_mariadb(client: pymysql.connections.Connection) -> None:
    def chosen(options: str, query: str) -> tuple[str, list[str]]:
        plan = rows(client, f"EXPLAIN CREATE MATERIALIZATION a {options} AS {query}")
        return plan[0][2], [r[2] for r in plan if r[0] == "reason"]

    strategy, reasons = chosen("WITH (target_lag = '0 seconds')", GROUPED)
    assert strategy == "trigger"
    strategy, reasons = chosen("WITH (target_lag = '5 minutes')", GROUPED)
    assert strategy == "incremental"
    assert any(r.startswith("trigger: not considered") for r in reasons)
    window = "SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS r FROM orders"
    strategy, reasons = chosen("WITH (target_lag = '0 seconds')", window)
    assert strategy == "snapshot"
    assert any(r.startswith("trigger: ") and "window function" in r for r in reasons)
    run(client, f"CREATE MATERIALIZATION z WITH (target_lag = '0 seconds') AS {GROUPED}")
    assert state(client, "z")["Strategy"] == "trigger"
    run(client, "INSERT INTO orders (customer_id, amount) VALUES (4, 3.5)")
    same(client, "z", GROUPED)
