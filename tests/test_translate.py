"""translate.py and sqlite_db.py with no server: MySQL statements in, SQLite statements out,
run on an in-memory database opened by `sqlite_db.connect` (so the functions they use exist)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from decimal import Decimal

import pytest

from jasmine_proxy import sqlite_db
from jasmine_proxy.errors import GrammarError, JasmineError, UnsupportedStatement
from jasmine_proxy.translate import NoDatabaseSelected, sqlite_name, to_sqlite


@pytest.fixture
def db() -> Iterator[sqlite3.Connection]:
    conn = sqlite_db.connect(":memory:")
    yield conn
    conn.close()


def run(conn: sqlite3.Connection, sql: str, database: str | None = "shop") -> list[tuple]:
    rows: list[tuple] = []
    for statement in to_sqlite(sql, database):
        rows = conn.execute(statement).fetchall()
    return rows


def test_one_file_naming() -> None:
    assert sqlite_name("shop", "orders") == "shop.orders"
    assert to_sqlite("SELECT id FROM orders", "shop") == [
        'SELECT id FROM "shop.orders" AS "orders"'
    ]
    assert to_sqlite("SELECT o.id FROM shop.orders o", None) == [
        'SELECT o.id FROM "shop.orders" AS o'
    ]


def test_a_table_without_database_needs_one_selected() -> None:
    with pytest.raises(NoDatabaseSelected) as err:
        to_sqlite("CREATE TABLE t (a INT)", None)
    assert (err.value.code, err.value.sqlstate, str(err.value)) == (
        1046,
        "3D000",
        "No database selected",
    )


def test_database_names_with_a_dot_are_refused() -> None:
    with pytest.raises(UnsupportedStatement, match="not supported on the embedded backend"):
        to_sqlite("CREATE DATABASE `a.b`", None)
    with pytest.raises(UnsupportedStatement):
        to_sqlite("SELECT * FROM `a.b`.t", None)


def test_syntax_errors_are_1064_and_the_rest_1235() -> None:
    with pytest.raises(GrammarError) as err:
        to_sqlite("SELEC 1 FROM", None)
    assert err.value.code == 1064
    with pytest.raises(GrammarError):
        to_sqlite("SELECT 1; SELECT 2", None)
    with pytest.raises(UnsupportedStatement) as unsupported:
        to_sqlite("SHOW TABLES", "shop")  # needs the catalog: the engine answers it
    assert unsupported.value.code == 1235
    assert str(unsupported.value).startswith("not supported on the embedded backend: ")


def test_create_table_records_the_mysql_definition(db: sqlite3.Connection) -> None:
    run(
        db,
        "CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, price DECIMAL(10,2) NOT NULL, "
        "ts TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP, "
        "name VARCHAR(5), UNIQUE KEY u_name (name)) ENGINE=InnoDB",
    )
    (definition,) = db.execute("SELECT definition FROM jasmine_tables").fetchone()
    assert '"type":"decimal(10,2)"' in definition
    assert '"on_update":true' in definition
    names = {r[0] for r in db.execute("SELECT name FROM sqlite_master")}
    assert {"shop.t", "shop.t.u_name"} <= names


def test_decimal_sum_is_exact(db: sqlite3.Connection) -> None:
    run(db, "CREATE TABLE t (d DECIMAL(10,2))")
    run(db, "INSERT INTO t VALUES (0.10), (0.20), (0.10), (0.20), (0.10), (0.20)")
    (total,) = run(db, "SELECT SUM(d) FROM t")[0]
    assert Decimal(repr(total)) == Decimal("0.9")
    assert db.execute('SELECT sum(d) FROM "shop.t"').fetchone()[0] != 0.9  # why it matters
    assert run(db, "SELECT AVG(d), MIN(d), MAX(d) FROM t")[0] == (0.15, 0.1, 0.2)


def test_upsert_replace_and_ignore(db: sqlite3.Connection) -> None:
    run(db, "CREATE TABLE t (k INT PRIMARY KEY, v INT)")
    run(db, "INSERT INTO t VALUES (1, 10), (2, 20)")
    run(db, "INSERT INTO t VALUES (1, 5), (3, 30) ON DUPLICATE KEY UPDATE v = v + VALUES(v)")
    run(db, "INSERT INTO t (k, v) SELECT k, v FROM t WHERE k = 3 ON DUPLICATE KEY UPDATE v = 0")
    run(db, "REPLACE INTO t VALUES (2, 99)")
    run(db, "INSERT IGNORE INTO t VALUES (2, -1), (4, 40)")
    assert run(db, "SELECT k, v FROM t ORDER BY k") == [(1, 15), (2, 99), (3, 0), (4, 40)]


def test_update_and_delete_with_order_and_limit(db: sqlite3.Connection) -> None:
    run(db, "CREATE TABLE t (id INT PRIMARY KEY, v INT)")
    run(db, "INSERT INTO t VALUES (1, 0), (2, 0), (3, 0), (4, 0)")
    run(db, "UPDATE t SET v = 1 ORDER BY id DESC LIMIT 2")
    run(db, "DELETE FROM t WHERE v = 0 ORDER BY id LIMIT 1")
    assert run(db, "SELECT id, v FROM t ORDER BY id") == [(2, 0), (3, 1), (4, 1)]


def test_mysql_date_functions(db: sqlite3.Connection) -> None:
    row = run(
        db,
        "SELECT DATE_ADD('2024-01-31', INTERVAL 1 MONTH), '2024-03-01 00:00:00' - INTERVAL 1 "
        "SECOND, DATE_FORMAT('2024-03-05 14:07:09', '%Y/%m/%d %H:%i'), "
        "FROM_UNIXTIME(0) IS NOT NULL, DATE('2024-03-05 14:07:09'), "
        "DATEDIFF('2024-03-01', '2024-02-01'), NOW() > '2020-01-01'",
    )[0]
    assert row == ("2024-02-29", "2024-02-29 23:59:59", "2024/03/05 14:07", 1, "2024-03-05", 29, 1)


def test_string_functions_and_if(db: sqlite3.Connection) -> None:
    row = run(
        db,
        "SELECT CONCAT('a', 'b', 'c'), CONCAT('a', NULL), CONCAT_WS('-', 'a', NULL, 'b'), "
        "IFNULL(NULL, 2), IF(1 > 2, 'yes', 'no'), LPAD('5', 3, '0'), "
        "SUBSTRING_INDEX('a.b.c', '.', 2), GROUP_CONCAT(x) FROM (SELECT 'p' AS x UNION ALL "
        "SELECT 'q') AS s",
    )[0]
    assert row == ("abc", None, "a-b", 2, "no", "005", "a.b", "p,q")


def test_mariadb_sequence_tables(db: sqlite3.Connection) -> None:
    assert run(db, "SELECT COUNT(*), SUM(seq), MIN(seq) FROM seq_1_to_2000") == [(2000, 2001000, 1)]


def test_ctes_windows_and_subqueries(db: sqlite3.Connection) -> None:
    run(db, "CREATE TABLE t (g CHAR(1), n INT)")
    run(db, "INSERT INTO t VALUES ('a', 1), ('a', 2), ('b', 5)")
    rows = run(
        db,
        "WITH s AS (SELECT g, SUM(n) AS total FROM t GROUP BY g) SELECT g, total, "
        "ROW_NUMBER() OVER (ORDER BY total DESC) FROM s WHERE total > (SELECT MIN(n) FROM t) "
        "ORDER BY g",
    )
    assert rows == [("a", 3, 2), ("b", 5, 1)]


def test_hostile_names_stay_one_identifier(db: sqlite3.Connection) -> None:
    run(db, 'CREATE TABLE `we"ird``name` (`select` INT, `a b` VARCHAR(3))')
    run(db, "INSERT INTO `we\"ird``name` VALUES (1, 'x')")
    assert run(db, 'SELECT `select`, `a b` FROM `we"ird``name`') == [(1, "x")]
    assert db.execute("SELECT name FROM jasmine_tables").fetchone()[0] == 'shop.we"ird`name'


def test_strict_mode_checks(db: sqlite3.Connection) -> None:
    run(db, "CREATE TABLE t (s VARCHAR(3), i TINYINT, d DECIMAL(4,2), dt DATETIME)")
    for bad in (
        "INSERT INTO t (s) VALUES ('abcd')",
        "INSERT INTO t (i) VALUES (1000)",
        "INSERT INTO t (i) VALUES ('abc')",
        "INSERT INTO t (d) VALUES (100.00)",
        "INSERT INTO t (dt) VALUES ('2024-02-30')",
    ):
        with pytest.raises(sqlite3.IntegrityError, match="CHECK constraint failed: jasmine:"):
            run(db, bad)
    run(db, "INSERT INTO t VALUES ('abc', 127, 99.99, '2024-02-29 10:00:00')")


def test_errors_are_jasmine_errors() -> None:
    for sql in ("SELEC", "SHOW ENGINE INNODB STATUS"):
        with pytest.raises(JasmineError):
            to_sqlite(sql, "shop")
