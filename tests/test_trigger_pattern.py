"""The `trigger` pattern end to end: the real proxy, real clients, MariaDB.

Every maintained result is compared with a fresh run of its own query on MariaDB, as multisets
of rows (DECIMAL compared exactly); what exists on the backend (view, table, triggers) is read
from information_schema directly.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator

import pymysql
import pytest

from tests.support import Proxy, direct, rows

pytestmark = pytest.mark.backend

SCHEMA = """
CREATE TABLE customers (id INT NOT NULL PRIMARY KEY, name VARCHAR(40), region VARCHAR(20));
CREATE TABLE orders (
    id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    customer_id INT,
    amount DECIMAL(10, 2),
    qty INT,
    status VARCHAR(10),
    KEY (customer_id)
);
INSERT INTO customers VALUES (1, 'ann', 'north'), (2, 'bob', 'south'), (3, 'cy', NULL),
    (4, 'dee', 'north');
INSERT INTO orders (customer_id, amount, qty, status) VALUES
    (1, 10.50, 1, 'paid'), (1, 2.25, 2, 'paid'), (2, NULL, 3, 'open'), (3, 4.00, NULL, 'paid'),
    (4, 7.10, 5, 'open'), (2, 1.05, 1, 'paid');
"""

GROUPED = (
    "SELECT c.region, COUNT(*) AS n, SUM(o.amount) AS total, AVG(o.amount) AS mean, "
    "MIN(o.amount) AS lo, MAX(o.amount) AS hi, COUNT(o.qty) AS qtys "
    "FROM orders o JOIN customers c ON o.customer_id = c.id GROUP BY c.region"
)


@pytest.fixture
def db(database: str) -> str:
    with direct(database=database, autocommit=True) as conn, conn.cursor() as cur:
        for statement in SCHEMA.split(";"):
            if statement.strip():
                cur.execute(statement)
    return database


@pytest.fixture
def client(proxy: Proxy, db: str) -> Iterator[pymysql.connections.Connection]:
    conn = proxy.connect(database=db, autocommit=True)
    yield conn
    conn.close()


@pytest.fixture
def writer(db: str) -> Iterator[pymysql.connections.Connection]:
    """A plain MariaDB connection (the writers' side: triggers fire there)."""
    conn = direct(database=db, autocommit=True)
    yield conn
    conn.close()


def run(conn: pymysql.connections.Connection, *statements: str) -> None:
    with conn.cursor() as cur:
        for statement in statements:
            cur.execute(statement)


def same(conn: pymysql.connections.Connection, name: str, query: str) -> None:
    stored, fresh = Counter(rows(conn, f"SELECT * FROM {name}")), Counter(rows(conn, query))
    assert stored == fresh, f"stored {sorted(stored.items(), key=str)} != query {fresh}"


def triggers(db: str, table: str | None = None) -> list[tuple[str, str, int]]:
    with direct() as conn:
        return [
            (r[0], r[1], int(r[2]))
            for r in rows(
                conn,
                "SELECT TRIGGER_NAME, EVENT_MANIPULATION, ACTION_ORDER FROM "
                "information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = %s "
                "AND (%s IS NULL OR EVENT_OBJECT_TABLE = %s) ORDER BY TRIGGER_NAME",
                (db, table, table),
            )
        ]


def objects(db: str) -> list[tuple[str, str]]:
    with direct() as conn:
        return [
            (r[0], r[1])
            for r in rows(
                conn,
                "SELECT TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES "
                "WHERE TABLE_SCHEMA = %s ORDER BY TABLE_NAME",
                (db,),
            )
        ]


def create(client: pymysql.connections.Connection, name: str, query: str, **options: str) -> None:
    given = ", ".join(f"{k} = '{v}'" for k, v in options.items())
    run(
        client,
        f"CREATE MATERIALIZATION {name} USING trigger"
        + (f" WITH ({given})" if given else "")
        + f" AS {query}",
    )


def test_create_select_show_drop(
    client: pymysql.connections.Connection, writer: pymysql.connections.Connection, db: str
) -> None:
    create(client, "m", GROUPED)
    with client.cursor() as cur:
        cur.execute("SELECT * FROM m")
        assert [d[0] for d in cur.description] == [
            "region", "n", "total", "mean", "lo", "hi", "qtys"
        ]  # fmt: skip
    same(client, "m", GROUPED)
    show = rows(client, "SHOW MATERIALIZATIONS LIKE 'm'")[0]
    assert show[2:5] == ("trigger", "live", "1 minute")
    assert show[5] == 0.0
    assert show[8] == "ok"
    kinds = dict(objects(db))
    assert kinds["m"] == "VIEW"
    data = [n for n in kinds if n.startswith("_jasmine_m_")]
    assert len(data) == 1
    assert kinds[data[0]] == "BASE TABLE"
    assert len(triggers(db)) == 6  # INSERT, UPDATE, DELETE on both sources
    run(writer, "INSERT INTO orders (customer_id, amount, qty) VALUES (2, 3.30, 1)")
    same(client, "m", GROUPED)
    report = rows(client, "ALTER MATERIALIZATION m STEP check")
    assert ("after", "health", "ok") in {(r[0], r[1], r[2]) for r in report}
    assert any("CREATE DEFINER" in str(r[2]) and "TRIGGER" in str(r[2]) for r in report)
    run(client, "DROP MATERIALIZATION m")
    assert triggers(db) == []
    assert objects(db) == [("customers", "BASE TABLE"), ("orders", "BASE TABLE")]


def test_exact_under_inserts_updates_deletes(
    client: pymysql.connections.Connection, writer: pymysql.connections.Connection
) -> None:
    create(client, "m", GROUPED)
    steps = [
        # inserts into an existing group, a new group, the NULL group
        "INSERT INTO orders (customer_id, amount, qty) VALUES (1, 0.01, 1), (3, NULL, NULL)",
        # MIN and MAX after deleting the current extreme (north: lo 0.01, hi 10.50)
        "DELETE FROM orders WHERE amount = 0.01",
        "DELETE FROM orders WHERE amount = 10.50",
        # an update that changes the extreme upwards, one that changes nothing read
        "UPDATE orders SET amount = 99.99 WHERE amount = 2.25",
        "UPDATE orders SET status = 'x' WHERE customer_id = 1",
        # a row that moves between groups (north -> south)
        "UPDATE orders SET customer_id = 2 WHERE customer_id = 4",
        # a dimension row that changes: all of ann's orders move from north to the NULL group
        "UPDATE customers SET region = NULL WHERE id = 1",
        # a group that empties: every south order goes
        "DELETE FROM orders WHERE customer_id = 2",
        # a dimension row deleted, then inserted back with another region
        "DELETE FROM customers WHERE id = 3",
        "INSERT INTO customers VALUES (3, 'cy', 'east')",
        # SUM of only NULLs in a group is NULL, AVG too; COUNT(qty) counts non-NULL
        "INSERT INTO customers VALUES (9, 'nil', 'west')",
        "INSERT INTO orders (customer_id, amount, qty) VALUES (9, NULL, NULL), (9, NULL, 4)",
        # the key of a dimension row changes
        "UPDATE customers SET id = 10 WHERE id = 9",
        "UPDATE orders SET customer_id = 10 WHERE customer_id = 9 AND qty = 4",
    ]
    for step in steps:
        run(writer, step)
        same(client, "m", GROUPED)
    run(writer, "DELETE FROM orders")
    same(client, "m", GROUPED)
    assert rows(client, "SELECT COUNT(*) FROM m") == [(0,)]


def test_single_row_and_expressions_over_aggregates(
    client: pymysql.connections.Connection, writer: pymysql.connections.Connection
) -> None:
    total = (
        "SELECT COUNT(*), SUM(amount) AS s, MIN(qty) AS q, SUM(amount) / COUNT(*) AS per "
        "FROM orders"
    )
    create(client, "t", total)
    for step in [
        "DELETE FROM orders WHERE qty = 1",
        "UPDATE orders SET qty = 0 WHERE qty IS NULL",
        "DELETE FROM orders",  # no rows: COUNT 0, SUM NULL, MIN NULL, still one row
        "INSERT INTO orders (customer_id, amount, qty) VALUES (1, 5, 5)",
    ]:
        run(writer, step)
        same(client, "t", total)
    assert len(rows(client, "SELECT * FROM t")) == 1


def test_projection_join_and_left_join(
    client: pymysql.connections.Connection, writer: pymysql.connections.Connection
) -> None:
    inner = (
        "SELECT o.id, o.amount, c.name FROM orders o JOIN customers c ON c.id = o.customer_id "
        "WHERE o.amount > 2"
    )
    left = (
        "SELECT o.id, o.status, c.region FROM orders o "
        "LEFT JOIN customers c ON c.id = o.customer_id"
    )
    create(client, "p", inner)
    create(client, "l", left)
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
    ]:
        run(writer, step)
        same(client, "p", inner)
        same(client, "l", left)


def test_rollback_leaves_the_result_as_it_was(
    client: pymysql.connections.Connection, writer: pymysql.connections.Connection
) -> None:
    create(client, "m", GROUPED)
    before = Counter(rows(client, "SELECT * FROM m"))
    writer.autocommit(False)
    run(
        writer,
        "INSERT INTO orders (customer_id, amount) VALUES (1, 1000)",
        "UPDATE customers SET region = 'moved' WHERE id = 2",
        "DELETE FROM orders WHERE customer_id = 4",
    )
    assert Counter(rows(writer, "SELECT * FROM m")) != before  # the writer sees its own work
    writer.rollback()
    writer.autocommit(True)
    assert Counter(rows(client, "SELECT * FROM m")) == before
    same(client, "m", GROUPED)


def test_user_triggers_kept_and_ordered(
    client: pymysql.connections.Connection, writer: pymysql.connections.Connection, db: str
) -> None:
    run(
        writer,
        "CREATE TABLE audit (id INT AUTO_INCREMENT PRIMARY KEY, what VARCHAR(20))",
        "CREATE TRIGGER user_audit AFTER INSERT ON orders FOR EACH ROW "
        "INSERT INTO audit (what) VALUES ('insert')",
        "CREATE TRIGGER user_audit_del AFTER DELETE ON orders FOR EACH ROW "
        "INSERT INTO audit (what) VALUES ('delete')",
    )
    create(client, "m", GROUPED)
    on_orders = {name: (event, order) for name, event, order in triggers(db, "orders")}
    ours = {n: v for n, v in on_orders.items() if n.startswith("_jasmine_")}
    assert len(ours) == 3
    jasmine_insert = next(v for v in ours.values() if v[0] == "INSERT")
    assert on_orders["user_audit"] == ("INSERT", 1)
    assert jasmine_insert == ("INSERT", 2)
    assert next(v for v in ours.values() if v[0] == "DELETE") == ("DELETE", 2)
    # a trigger the user adds later with PRECEDES ours comes first; ours stays after the user's
    ours_insert = next(n for n, v in ours.items() if v[0] == "INSERT")
    run(
        writer,
        "CREATE TRIGGER user_first AFTER INSERT ON orders FOR EACH ROW "
        f"PRECEDES `{ours_insert}` INSERT INTO audit (what) VALUES ('first')",
    )
    orders_now = {name: order for name, event, order in triggers(db, "orders") if event == "INSERT"}
    assert orders_now == {"user_audit": 1, "user_first": 2, ours_insert: 3}
    run(writer, "DROP TRIGGER user_first")
    run(writer, "INSERT INTO orders (customer_id, amount) VALUES (2, 5)")
    assert rows(writer, "SELECT what FROM audit") == [("insert",)]
    same(client, "m", GROUPED)
    run(client, "DROP MATERIALIZATION m")
    left = [name for name, _, _ in triggers(db)]
    assert left == ["user_audit", "user_audit_del"]
    run(writer, "DELETE FROM orders WHERE amount = 5")
    assert rows(writer, "SELECT what FROM audit ORDER BY id") == [("insert",), ("delete",)]


@pytest.mark.parametrize(
    ("query", "obstacle"),
    [
        (
            "SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS r FROM orders",
            "window function ROW_NUMBER() at line 1, column 12",
        ),
        (
            "SELECT status, COUNT(DISTINCT customer_id) AS n FROM orders GROUP BY status",
            "COUNT(DISTINCT customer_id)",
        ),
        (
            "SELECT c.id, o.id AS oid FROM customers c LEFT JOIN orders o ON o.status = c.name",
            "LEFT JOIN to `o` not on its primary or unique key",
        ),
        ("SELECT customer_id, amount FROM orders", "primary key"),
        (
            "SELECT status, COUNT(*) AS n FROM orders GROUP BY status HAVING COUNT(*) > 1",
            "HAVING",
        ),
    ],
)
def test_refusals_name_the_obstacle(
    client: pymysql.connections.Connection, db: str, query: str, obstacle: str
) -> None:
    with pytest.raises(pymysql.err.MySQLError) as failure:
        create(client, "bad", query)
    code, message = failure.value.args[0], failure.value.args[1]
    assert code == 1235, message
    assert obstacle in message
    assert "cannot be maintained by trigger" in message
    assert triggers(db) == []
    assert ("bad", "VIEW") not in objects(db)


def test_explain_prints_what_runs(client: pymysql.connections.Connection, db: str) -> None:
    plan = rows(client, f"EXPLAIN CREATE MATERIALIZATION m USING trigger AS {GROUPED}")
    assert plan[0] == ("strategy", 1, "trigger")
    details = [r[2] for r in plan if r[0] == "create"]
    assert details[0] == f"USE `{db}`"
    assert details[1].startswith(f"CREATE TABLE `{db}`.`_jasmine_m_")
    creates = [d for d in details if d.startswith("CREATE TRIGGER")]
    assert len(creates) == 6
    assert f"AFTER INSERT ON `{db}`.`orders` FOR EACH ROW\nBEGIN\n" in creates[0]
    fill = details.index("SET autocommit = 0")
    assert details[fill + 1].startswith(f"LOCK TABLES `{db}`.`orders` AS `o` READ")
    assert details[fill + 4 : fill + 7] == ["COMMIT", "UNLOCK TABLES", "SET autocommit = 1"]
    assert details[-1].startswith(f"CREATE VIEW `{db}`.`m` AS SELECT `region`, `_jasmine_n`")
    assert [r[2] for r in plan if r[0] == "object"][:2] == [
        f"VIEW `{db}`.`m`",
        f"TABLE `{db}`.`_jasmine_m_{details[1].split('_jasmine_m_')[1].split('`')[0]}`",
    ]
    assert sum(1 for r in plan if r[0] == "object" and r[2].startswith("TRIGGER")) == 6
    assert triggers(db) == []  # EXPLAIN ran nothing


def test_auto_chooses_trigger_for_zero_lag(client: pymysql.connections.Connection) -> None:
    run(
        client,
        f"CREATE MATERIALIZATION z WITH (target_lag = '0 seconds') AS {GROUPED}",
    )
    assert rows(client, "SHOW MATERIALIZATIONS LIKE 'z'")[0][2] == "trigger"
    same(client, "z", GROUPED)


def test_rebuild_recomputes(
    client: pymysql.connections.Connection, writer: pymysql.connections.Connection, db: str
) -> None:
    create(client, "m", GROUPED)
    data = next(n for n, _ in objects(db) if n.startswith("_jasmine_m_"))
    run(writer, f"UPDATE `{data}` SET `_jasmine_n` = 1000")  # damage it behind Jasmine's back
    report = rows(client, "ALTER MATERIALIZATION m STEP check")
    assert ("after", "health", "drifted") in {(r[0], r[1], r[2]) for r in report}
    run(client, "ALTER MATERIALIZATION m REBUILD")
    same(client, "m", GROUPED)
    assert len(triggers(db)) == 6


def test_writes_during_create_are_not_lost(client: pymysql.connections.Connection, db: str) -> None:
    """A writer inserts, updates and deletes throughout CREATE: none of it is lost."""
    with direct(database=db, autocommit=True) as conn:
        run(
            conn,
            "INSERT INTO orders (customer_id, amount, qty) SELECT 1 + seq % 4, seq % 97, seq % 5 "
            "FROM seq_1_to_20000",
        )
    stop = threading.Event()
    done: list[int] = []
    errors: list[Exception] = []

    def write() -> None:
        with direct(database=db, autocommit=True) as conn:
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
                except pymysql.err.OperationalError as exc:  # a deadlock is a retryable outcome
                    if exc.args[0] != 1213:
                        errors.append(exc)
                        return
                done.append(i)

    thread = threading.Thread(target=write)
    thread.start()
    time.sleep(0.3)
    create(client, "m", GROUPED)
    time.sleep(0.3)
    stop.set()
    thread.join()
    assert not errors
    assert len(done) > 5  # the writer really ran across the CREATE
    same(client, "m", GROUPED)


def test_the_client_needs_the_trigger_privilege(proxy: Proxy, db: str) -> None:
    """Triggers go on the sources, run by every writer: a client that may only read them and
    create objects gets MySQL's 1142 for TRIGGER, and nothing is left behind."""
    name, password = f"jt_{db[-8:]}", "pw-trigger"
    with direct() as conn:
        run(
            conn,
            f"CREATE USER '{name}'@'%' IDENTIFIED BY '{password}'",
            f"GRANT SELECT, CREATE, CREATE VIEW, DROP ON `{db}`.* TO '{name}'@'%'",
        )
    try:
        with proxy.connect(user=name, password=password, database=db, autocommit=True) as conn:
            with pytest.raises(pymysql.err.MySQLError) as denied:
                create(conn, "m", GROUPED)
            assert denied.value.args[0] == 1142
            assert "TRIGGER command denied" in denied.value.args[1]
            run(conn, "CREATE MATERIALIZATION s USING snapshot AS SELECT id FROM orders")
        assert triggers(db) == []
        assert ("m", "VIEW") not in objects(db)
    finally:
        with direct() as conn:
            run(conn, f"DROP USER IF EXISTS '{name}'@'%'")


def test_hostile_names(proxy: Proxy, make_database: Callable[[], str]) -> None:
    """Names that need quoting everywhere: schema, tables, columns, aliases, the name itself."""
    db = make_database()
    with direct(database=db, autocommit=True) as conn:
        run(
            conn,
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
    with proxy.connect(database=db, autocommit=True) as client:
        run(client, f"CREATE MATERIALIZATION `we!rd ``m` USING trigger AS {query}")
        with direct(database=db, autocommit=True) as conn:
            run(
                conn,
                "INSERT INTO `order``s table` (`group`, `sum`, `a,b`) VALUES ('x%', 4, 9)",
                "UPDATE `order``s table` SET `group` = 'y''' WHERE `a,b` = 1",
                "DELETE FROM `order``s table` WHERE `a,b` = 9",
            )
        same(client, "`we!rd ``m`", query)
        run(client, "DROP MATERIALIZATION `we!rd ``m`")
    assert triggers(db) == []
