"""What the embedded default cannot do, it refuses clearly: statements and functions MariaDB
has, sent through the real proxy (`serve --backend sqlite:///FILE`) with pymysql and the
`mariadb` client. Each gets a MySQL error (1235 "not supported on the embedded backend: ...",
or the 1064/1582/1305 MariaDB itself gives), never a wrong answer, a traceback or a closed
connection: after every refusal the same connection answers the next statement.

Where the embedded default now answers as MariaDB does (FORMAT, CONV, JSON, bit operators,
CAST, SUBSTRING, CONCAT, LIMIT 18446744073709551615, ...), the corpus (tests/corpus) holds the
cases, with MariaDB's recorded answers.
"""

from __future__ import annotations

import datetime
import decimal
import subprocess
import uuid
from collections.abc import Iterator
from typing import Any

import mysql.connector
import pymysql
import pytest

from tests.support import Proxy, rows

NOT_SUPPORTED = "not supported on the embedded backend"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxy]:
    path = tmp_path_factory.mktemp("unsupported") / "jasmine.db"
    proxy = Proxy(f"sqlite:///{path}")
    yield proxy
    log = proxy.log
    assert proxy.stop() == 0, log
    assert "Traceback" not in log, log


@pytest.fixture(scope="module")
def conn(server: Proxy) -> Iterator[pymysql.connections.Connection]:
    """One connection for every case: a refusal must leave it usable."""
    name = f"u_{uuid.uuid4().hex[:8]}"
    with server.connect(autocommit=True) as c:
        rows(c, f"CREATE DATABASE {name}")
        rows(c, f"USE {name}")
        rows(c, "CREATE TABLE t (id INT PRIMARY KEY, s VARCHAR(20), doc TEXT)")
        rows(c, "INSERT INTO t VALUES (1, 'a', '{\"a\": [1, 2]}'), (2, 'b', NULL)")
        yield c
        rows(c, f"DROP DATABASE IF EXISTS {name}")


def refusal(conn: pymysql.connections.Connection, sql: str) -> tuple[int, str]:
    with pytest.raises(pymysql.err.MySQLError) as err:
        rows(conn, sql)
    code, message = err.value.args[0], str(err.value.args[1])
    assert rows(conn, "SELECT COUNT(*) FROM t") == [(2,)], "the connection must stay usable"
    return code, message


#: statements MariaDB runs that the embedded backend refuses with 1235, and what it names
UNSUPPORTED = [
    ("CREATE PROCEDURE p1() SELECT 1", "CREATE PROCEDURE"),
    ("CALL p1()", "CALL"),
    ("CREATE FUNCTION f1(x INT) RETURNS INT RETURN x + 1", "CREATE FUNCTION"),
    ("CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET NEW.s = 'x'", "CREATE TRIGGER"),
    ("CREATE EVENT ev ON SCHEDULE EVERY 1 DAY DO DELETE FROM t", "CREATE EVENT"),
    ("CREATE USER 'u_x'@'localhost' IDENTIFIED BY 'x'", "CREATE USER"),
    ("GRANT SELECT ON *.* TO 'u_x'@'localhost'", "GRANT"),
    ("LOAD DATA INFILE '/tmp/none.csv' INTO TABLE t", "LOAD"),
    ("HANDLER t OPEN", "HANDLER"),
    ("XA START 'x'", "XA"),
    ("EXPLAIN SELECT * FROM t", "EXPLAIN"),
    ("SELECT 1 INTO @a", ""),
    ("SELECT id FROM t GROUP BY id WITH ROLLUP", ""),
    ("SELECT JSON_EXTRACT(doc, '$**.a') FROM t", "JSON path wildcards"),
    ("SELECT JSON_EXTRACT(doc, '$.a[*]') FROM t", "JSON path wildcards"),
    ("SELECT JSON_CONTAINS(doc, '1', '$.a') FROM t", "JSON_CONTAINS()"),
    ("SELECT JSON_ARRAY_APPEND(doc, '$.a', 3) FROM t", "JSON_ARRAY_APPEND()"),
    ("SELECT INET_ATON('1.2.3.4')", "function INET_ATON()"),
    ("SELECT MAKE_SET(1, 'a')", "function MAKE_SET()"),
    ("SELECT STR_TO_DATE('x')", "STR_TO_DATE"),  # a construct the rewrites do not expect
    ("SET sql_mode = 'ANSI_QUOTES'", "sql_mode ANSI_QUOTES"),
    ("SET SESSION sql_mode = 'STRICT_TRANS_TABLES,PIPES_AS_CONCAT'", "PIPES_AS_CONCAT"),
    ("SET @@sql_mode = 'ORACLE'", "sql_mode ORACLE"),
]


@pytest.mark.parametrize(("sql", "construct"), UNSUPPORTED, ids=[s for s, _ in UNSUPPORTED])
def test_refused_with_1235(conn: pymysql.connections.Connection, sql: str, construct: str) -> None:
    code, message = refusal(conn, sql)
    assert code == 1235, message
    assert NOT_SUPPORTED in message
    assert construct in message


#: wrong calls get MariaDB's own error, not an internal one
MYSQL_ERRORS = [
    ("SELECT DAYOFMONTH()", 1582, "DAYOFMONTH"),
    ("SELECT CONCAT('a', WEEKOFYEAR())", 1582, "WEEKOFYEAR"),
    ("SELECT CONV(1, 2)", 1582, "CONV"),
    ("SELECT NO_SUCH_FUNCTION(1)", 1305, "NO_SUCH_FUNCTION"),
    ("SELECT DATE_ADD('2024-01-01')", 1064, "syntax"),
    ("SELEC 1", 1064, "syntax"),
]


@pytest.mark.parametrize(("sql", "code", "text"), MYSQL_ERRORS, ids=[s for s, *_ in MYSQL_ERRORS])
def test_wrong_calls_get_mysqls_error(
    conn: pymysql.connections.Connection, sql: str, code: int, text: str
) -> None:
    got, message = refusal(conn, sql)
    assert got == code, message
    assert text in message


def test_do_and_sleep_as_mariadb(conn: pymysql.connections.Connection) -> None:
    """DO evaluates and discards (an error in it is still raised); SLEEP waits and is 0 (LONG)."""
    with conn.cursor() as cur:
        cur.execute("DO SLEEP(0.01), 1 + 1")
        assert (cur.rowcount, cur.description) == (0, None)
        cur.execute("SELECT SLEEP(0.05), SLEEP(NULL), SLEEP('a') AS x")
        assert cur.fetchall() == ((0, 0, 0),)
        assert [d[1] for d in cur.description] == [3, 3, 3]
    assert refusal(conn, "DO NO_SUCH_FUNCTION(1)")[0] == 1305
    assert refusal(conn, "DO")[0] == 1064


def test_an_unknown_function_is_named_as_mariadb_names_it(server: Proxy) -> None:
    """With a default database MariaDB says `FUNCTION db.f does not exist`, without one `f`."""
    with server.connect(autocommit=True) as c:
        with pytest.raises(pymysql.err.MySQLError) as err:
            rows(c, "SELECT NO_SUCH_FUNCTION(1)")
        assert err.value.args == (1305, "FUNCTION NO_SUCH_FUNCTION does not exist")
        rows(c, "USE information_schema")
        with pytest.raises(pymysql.err.MySQLError) as err:
            rows(c, "SELECT NO_SUCH_FUNCTION(1)")
        assert err.value.args == (
            1305,
            "FUNCTION information_schema.NO_SUCH_FUNCTION does not exist",
        )


def test_a_refused_sql_mode_changes_nothing(conn: pymysql.connections.Connection) -> None:
    before = rows(conn, "SELECT @@sql_mode")
    refusal(conn, "SET sql_mode = 'ANSI_QUOTES'")
    assert rows(conn, "SELECT @@sql_mode") == before
    assert rows(conn, 'SELECT "t" FROM t WHERE id = 1') == [("t",)]  # still a string
    rows(conn, "SET sql_mode = 'TRADITIONAL'")  # modes it honours are taken
    rows(conn, "SET sql_mode = DEFAULT")


def test_odd_literals_are_values(conn: pymysql.connections.Connection) -> None:
    """Charset introducers, N'', a NUL inside a string: values, as on MariaDB (SQLite read
    `_utf8mb4 'x'` as a column with an alias and refused a NUL in the statement text)."""
    got = rows(conn, "SELECT _utf8mb4'x', _binary'ab', _latin1'it''s', N'n', 'a\\0b'")
    assert got == [("x", b"ab", "it's", "n", "a\x00b")]


def test_refusals_in_a_transaction_keep_it(conn: pymysql.connections.Connection) -> None:
    rows(conn, "BEGIN")
    rows(conn, "INSERT INTO t VALUES (3, 'c', NULL)")
    with pytest.raises(pymysql.err.MySQLError) as err:
        rows(conn, "SELECT INET_ATON('1.2.3.4')")
    assert err.value.args[0] == 1235
    assert rows(conn, "SELECT COUNT(*) FROM t") == [(3,)]
    rows(conn, "ROLLBACK")
    assert rows(conn, "SELECT COUNT(*) FROM t") == [(2,)]


def test_mariadb_cli_goes_on_after_refusals(
    server: Proxy, conn: pymysql.connections.Connection
) -> None:
    database = rows(conn, "SELECT DATABASE()")[0][0]
    script = (
        "CALL p1();\nSELECT 5 ^ 3 AS x;\nSELECT JSON_CONTAINS('[1]', '1');\n"
        "SELECT FORMAT(1234.5, 1, 'de_DE') AS f;\nSELECT DAYOFMONTH();\n"
        "SELECT COUNT(*) AS n FROM t;\n"
    )
    out = subprocess.run(
        ["mariadb", "-h", "127.0.0.1", "-P", str(server.port), "-u", "root", "--force",
         "--batch", database],
        input=script, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert "ERROR 1235" in out.stderr, out.stderr
    assert NOT_SUPPORTED in out.stderr
    assert "ERROR 1582" in out.stderr, out.stderr
    assert out.stdout.split() == ["x", "6", "f", "1.234,5", "n", "2"], out.stdout


def test_prepared_statements_with_odd_types(
    server: Proxy, conn: pymysql.connections.Connection
) -> None:
    """The binary protocol (mysql-connector's prepared statements): BIGINT UNSIGNED past 2^63
    (the server's encoder failed and the connection was lost), temporal parameters (typed
    as MariaDB types them), a NaN (refused: MySQL has no such double)."""
    database = rows(conn, "SELECT DATABASE()")[0][0]
    c = mysql.connector.connect(
        host="127.0.0.1", port=server.port, user="root", database=database, autocommit=True
    )
    try:
        cur = c.cursor(prepared=True)
        when = datetime.datetime(2024, 1, 2, 3, 4, 5, 600000)
        cases: list[tuple[str, tuple[Any, ...], object]] = [
            ("SELECT ?", (2**64 - 1,), 2**64 - 1),
            ("SELECT CAST(? AS UNSIGNED)", (-1,), 2**64 - 1),
            ("SELECT ?", (when,), when),
            ("SELECT ?", (datetime.date(2024, 1, 2),), datetime.date(2024, 1, 2)),
            ("SELECT ?", (decimal.Decimal("1.50"),), decimal.Decimal("1.50")),
            ("SELECT id FROM t WHERE id = ?", ("1",), 1),
        ]
        for sql, args, expected in cases:
            cur.execute(sql, args)
            assert cur.fetchall() == [(expected,)], sql
        with pytest.raises(mysql.connector.Error) as err:
            cur.execute("SELECT ?", (float("nan"),))
        assert err.value.errno == 1235
        cur.execute("SELECT COUNT(*) FROM t")
        assert cur.fetchall() == [(2,)]
    finally:
        c.close()
