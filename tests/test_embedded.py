"""The embedded default through real clients: `jasmine-proxy serve --backend sqlite:///FILE`
in a subprocess (no MariaDB involved), with pymysql, mysql-connector-python, SQLAlchemy and the
`mariadb` command-line client, including the ways things fail."""

from __future__ import annotations

import datetime
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import mysql.connector
import pymysql
import pytest
import sqlalchemy as sa
from sqlalchemy import orm

from tests.support import ROOT, Proxy, RawClient, rows


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxy]:
    path = tmp_path_factory.mktemp("embedded") / "jasmine.db"
    proxy = Proxy(f"sqlite:///{path}")
    yield proxy
    assert proxy.stop() == 0, proxy.log


@pytest.fixture
def db(server: Proxy) -> Iterator[str]:
    name = f"e_{uuid.uuid4().hex[:8]}"
    with server.connect() as conn:
        rows(conn, f"CREATE DATABASE {name}")
    yield name
    with server.connect() as conn:
        rows(conn, f"DROP DATABASE IF EXISTS {name}")


def error_of(conn: pymysql.connections.Connection, sql: str) -> tuple[int, str]:
    with pytest.raises(pymysql.err.MySQLError) as err:
        rows(conn, sql)
    return err.value.args[0], err.value.args[1]


def test_listening_line_names_the_file(server: Proxy) -> None:
    assert "serving sqlite:///" in server.log
    assert "embedded SQLite" in server.log


def test_types_come_back_as_mysql_would_send_them(server: Proxy, db: str) -> None:
    with server.connect(database=db, autocommit=True) as conn:
        rows(
            conn,
            "CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, price DECIMAL(10,2) NOT NULL, "
            "at DATETIME, day DATE, data BLOB, note TEXT, big BIGINT)",
        )
        with conn.cursor() as cur:
            n = cur.execute(
                "INSERT INTO t (price, at, day, data, note, big) VALUES (%s, %s, %s, %s, %s, %s), "
                "(0.20, '2024-02-29 23:59:59', '2024-02-29', NULL, NULL, NULL)",
                (Decimal("0.10"), datetime.datetime(2026, 1, 2, 3, 4, 5), "2026-01-02",
                 b"\x00\xff", "héllo", 2**40),
            )  # fmt: skip
            assert (n, cur.lastrowid) == (2, 1)
            cur.execute("SELECT * FROM t ORDER BY id")
            first, second = cur.fetchall()
            codes = [d[1] for d in cur.description]
        assert first == (
            1,
            Decimal("0.10"),
            datetime.datetime(2026, 1, 2, 3, 4, 5),
            datetime.date(2026, 1, 2),
            b"\x00\xff",
            "héllo",
            2**40,
        )
        assert second[1:4] == (Decimal("0.20"), datetime.datetime(2024, 2, 29, 23, 59, 59),
                               datetime.date(2024, 2, 29))  # fmt: skip
        assert codes == [3, 246, 12, 10, 252, 252, 8]  # LONG, NEWDECIMAL, DATETIME, DATE, BLOB..
        total, avg, count = rows(conn, "SELECT SUM(price), AVG(price), COUNT(*) FROM t")[0]
        assert (total, avg, count) == (Decimal("0.30"), Decimal("0.150000"), 2)
        assert rows(conn, "SELECT LAST_INSERT_ID()") == [(1,)]


def test_affected_rows_follow_mysql(server: Proxy, db: str) -> None:
    with server.connect(database=db, autocommit=True) as conn, conn.cursor() as cur:
        cur.execute("CREATE TABLE t (k INT PRIMARY KEY, v INT)")
        assert cur.execute("INSERT INTO t VALUES (1, 1), (2, 2), (3, 3)") == 3
        assert cur.execute("UPDATE t SET v = 1") == 2  # changed rows, not matched ones
        assert cur.execute("INSERT INTO t VALUES (1, 9) ON DUPLICATE KEY UPDATE v = 9") == 2
        assert cur.execute("INSERT INTO t VALUES (4, 4) ON DUPLICATE KEY UPDATE v = 9") == 1
        assert cur.execute("REPLACE INTO t VALUES (4, 5)") == 2
        assert cur.execute("DELETE FROM t WHERE k > 2 LIMIT 1") == 1
        assert cur.execute("INSERT IGNORE INTO t VALUES (1, 0)") == 0
        assert conn.show_warnings()[0][1] == 1062


def test_transactions_are_per_connection(server: Proxy, db: str) -> None:
    with server.connect(database=db, autocommit=True) as a, server.connect(database=db) as b:
        rows(a, "CREATE TABLE t (id INT PRIMARY KEY)")
        rows(a, "BEGIN")
        rows(a, "INSERT INTO t VALUES (1)")
        assert rows(b, "SELECT COUNT(*) FROM t") == [(0,)]  # b: autocommit off, own snapshot
        b.rollback()
        rows(a, "ROLLBACK")
        rows(a, "INSERT INTO t VALUES (2)")
        b.rollback()
        assert rows(b, "SELECT id FROM t") == [(2,)]
        assert a.get_autocommit() is True  # the status flags say so


def test_failures_get_mysql_errors_and_keep_the_connection(server: Proxy, db: str) -> None:
    with server.connect(autocommit=True) as conn:
        assert error_of(conn, "CREATE TABLE t (a INT)") == (1046, "No database selected")
        code, message = error_of(conn, "SELEC 1")
        assert code == 1064
        assert "You have an error in your SQL syntax" in message
        assert error_of(conn, f"SELECT * FROM {db}.nope") == (
            1146,
            f"Table '{db}.nope' doesn't exist",
        )
        rows(conn, f"USE {db}")
        rows(conn, "CREATE TABLE t (id INT PRIMARY KEY, s VARCHAR(2) NOT NULL)")
        rows(conn, "INSERT INTO t VALUES (1, 'a')")
        assert error_of(conn, "INSERT INTO t VALUES (1, 'b')") == (
            1062,
            "Duplicate entry '1' for key 'PRIMARY'",
        )
        assert error_of(conn, "INSERT INTO t VALUES (2, 'abc')")[0] == 1406
        assert error_of(conn, "INSERT INTO t (id) VALUES (3)")[0] == 1364
        assert error_of(conn, "SELECT nope FROM t")[0] == 1054
        assert error_of(conn, "USE no_such_db") == (1049, "Unknown database 'no_such_db'")
        code, message = error_of(
            conn, "CREATE TRIGGER tr AFTER INSERT ON t FOR EACH ROW SET @a = 1"
        )
        assert (code, message) == (
            1235,
            "not supported on the embedded backend: CREATE TRIGGER statements",
        )
        code, message = error_of(conn, "HANDLER t OPEN")
        assert (code, message) == (
            1235,
            "not supported on the embedded backend: HANDLER statements",
        )
        code, message = error_of(conn, "CREATE DATABASE `x.y`")
        assert code == 1235
        assert "dot" in message
        assert rows(conn, "SELECT s FROM t") == [("a",)]  # still connected, nothing changed


def test_wrong_password_is_1045_and_closes(tmp_path: Path) -> None:
    server = Proxy(f"sqlite:///{tmp_path / 'pw.db'}", "--user", "app", "--password", "s3cret")
    try:
        for user, password in (("app", "wrong"), ("root", ""), ("app", "")):
            with pytest.raises(pymysql.err.OperationalError) as err:
                pymysql.connect(host="127.0.0.1", port=server.port, user=user, password=password)
            assert err.value.args[0] == 1045
            using = "YES" if password else "NO"
            assert err.value.args[1] == (
                f"Access denied for user '{user}'@'127.0.0.1' (using password: {using})"
            )
        raw = RawClient(server.port, user="app")  # empty password: refused, then closed
        assert raw.login_reply[0] == 0xFF
        assert int.from_bytes(raw.login_reply[1:3], "little") == 1045
        with pytest.raises(ConnectionError):
            raw.read_packet()
        raw.close()
        with pymysql.connect(
            host="127.0.0.1", port=server.port, user="app", password="s3cret"
        ) as conn:
            assert rows(conn, "SELECT CURRENT_USER() IS NOT NULL") == [(1,)]
    finally:
        assert server.stop() == 0, server.log


def test_unknown_database_at_login_is_1049(server: Proxy) -> None:
    with pytest.raises(pymysql.err.OperationalError) as err:
        server.connect(database="no_such_db")
    assert err.value.args[0] == 1049


def test_the_file_persists_across_restarts(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'keep.db'}"
    first = Proxy(url)
    try:
        with first.connect(autocommit=True) as conn:
            rows(conn, "CREATE DATABASE kept")
            rows(conn, "CREATE DATABASE empty_one")
            rows(conn, "CREATE TABLE kept.t (d DECIMAL(5,2))")
            rows(conn, "INSERT INTO kept.t VALUES (1.25)")
    finally:
        assert first.stop() == 0
    second = Proxy(url)
    try:
        with second.connect() as conn:
            assert rows(conn, "SELECT d FROM kept.t") == [(Decimal("1.25"),)]
            databases = {r[0] for r in rows(conn, "SHOW DATABASES")}
            assert {"information_schema", "kept", "empty_one"} <= databases
    finally:
        assert second.stop() == 0


def test_introspection(server: Proxy, db: str) -> None:
    with server.connect(database=db, autocommit=True) as conn:
        rows(
            conn,
            "CREATE TABLE t (id BIGINT AUTO_INCREMENT PRIMARY KEY, v DECIMAL(8,3) DEFAULT 1.5, "
            "ts TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP, "
            "KEY ix_v (v))",
        )
        assert rows(conn, "SHOW TABLES") == [("t",)]
        assert rows(conn, "SHOW FULL TABLES") == [("t", "BASE TABLE")]
        assert rows(conn, "DESCRIBE t")[0] == ("id", "bigint(20)", "NO", "PRI", None,
                                               "auto_increment")  # fmt: skip
        create = rows(conn, "SHOW CREATE TABLE t")[0][1]
        assert (
            "`v` decimal(8,3) DEFAULT 1.500" in create or "`v` decimal(8,3) DEFAULT '1.5'" in create
        )
        assert "ON UPDATE current_timestamp()" in create
        assert [r[2] for r in rows(conn, "SHOW INDEX FROM t")] == ["PRIMARY", "ix_v"]
        columns = rows(
            conn,
            "SELECT COLUMN_NAME, DATA_TYPE, COLUMN_KEY FROM information_schema.COLUMNS "
            f"WHERE TABLE_SCHEMA = '{db}' AND TABLE_NAME = 't' ORDER BY ORDINAL_POSITION",
        )
        assert columns == [("id", "bigint", "PRI"), ("v", "decimal", "MUL"),
                           ("ts", "timestamp", "")]  # fmt: skip
        assert rows(conn, "SHOW VARIABLES LIKE 'autocommit'") == [("autocommit", "ON")]
        assert rows(conn, "SELECT DATABASE(), @@version LIKE '%Jasmine%'") == [(db, 1)]


def test_mysql_connector_python(server: Proxy, db: str) -> None:
    conn = mysql.connector.connect(host="127.0.0.1", port=server.port, user="root", database=db)
    try:
        cur = conn.cursor()
        cur.execute("CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, d DECIMAL(10,2))")
        cur.execute("INSERT INTO t (d) VALUES (%s), (%s)", (Decimal("0.10"), Decimal("0.20")))
        assert (cur.rowcount, cur.lastrowid) == (2, 1)
        conn.commit()
        cur.execute("SELECT SUM(d), COUNT(*) FROM t")
        assert cur.fetchall() == [(Decimal("0.30"), 2)]
        cur.close()
    finally:
        conn.close()


def test_sqlalchemy_create_all_orm_and_reflection(server: Proxy, db: str) -> None:
    engine = sa.create_engine(f"mysql+pymysql://root@127.0.0.1:{server.port}/{db}")

    class Base(orm.DeclarativeBase):
        pass

    class Customer(Base):
        __tablename__ = "customer"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        name: orm.Mapped[str] = orm.mapped_column(sa.String(50), unique=True)

    class Order(Base):
        __tablename__ = "orders"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        customer_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("customer.id"))
        amount: orm.Mapped[Decimal] = orm.mapped_column(sa.Numeric(10, 2))

    try:
        Base.metadata.create_all(engine)
        with orm.Session(engine) as s:
            ada = Customer(name="ada")
            s.add(ada)
            s.flush()
            s.add_all([Order(customer_id=ada.id, amount=Decimal(a)) for a in ("0.10", "0.20")])
            s.commit()
            assert s.scalar(sa.select(sa.func.sum(Order.amount))) == Decimal("0.30")
            first = s.scalars(sa.select(Order).order_by(Order.id)).first()
            assert first is not None
            first.amount = Decimal("1.23")
            s.commit()
            s.delete(first)
            s.commit()
            assert [o.amount for o in s.scalars(sa.select(Order))] == [Decimal("0.20")]
        inspector = sa.inspect(engine)
        assert sorted(inspector.get_table_names()) == ["customer", "orders"]
        columns = {c["name"]: c for c in inspector.get_columns("orders")}
        assert isinstance(columns["amount"]["type"], sa.Numeric)
        assert (columns["amount"]["type"].precision, columns["amount"]["type"].scale) == (10, 2)
        assert columns["id"]["autoincrement"] is True
        assert inspector.get_foreign_keys("orders")[0]["referred_table"] == "customer"
    finally:
        engine.dispose()


def test_mariadb_cli(server: Proxy, db: str) -> None:
    script = (
        "CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(10));\n"
        "INSERT INTO t (v) VALUES ('a'), ('b');\n"
        "SELECT v FROM t ORDER BY id;\n"
    )
    out = subprocess.run(
        ["mariadb", "-h", "127.0.0.1", "-P", str(server.port), "-u", "root", db],
        input=script,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout == "v\na\nb\n"
    status = subprocess.run(
        ["mariadb", "-h", "127.0.0.1", "-P", str(server.port), "-u", "root", "-e", "status"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert status.returncode == 0, status.stderr
    assert "Jasmine" in status.stdout
    refused = subprocess.run(
        ["mariadb", "-h", "127.0.0.1", "-P", str(server.port), "-u", "root", "-pnope", "-e",
         "SELECT 1"],
        capture_output=True,
        text=True,
        timeout=60,
    )  # fmt: skip
    assert refused.returncode == 1
    assert "ERROR 1045 (28000): Access denied for user 'root'@'127.0.0.1'" in refused.stderr


def test_extended_statements_reach_the_executor(server: Proxy, db: str) -> None:
    """Jasmine's statements are not translated as SQL: the executor answers them (with a
    MySQL error while the core has no SQLite backend), and the connection stays usable."""
    with server.connect(database=db, autocommit=True) as conn:
        rows(conn, "CREATE TABLE t (id INT PRIMARY KEY)")
        try:
            rows(conn, "CREATE MATERIALIZATION m AS SELECT id FROM t")
        except pymysql.err.MySQLError as exc:
            assert exc.args[0] != 1064, exc  # not parsed as plain SQL
        assert rows(conn, "SELECT COUNT(*) FROM t") == [(0,)]


def test_prepared_statements_bind_every_type(server: Proxy, db: str) -> None:
    """COM_STMT_PREPARE/EXECUTE (mysql-connector's prepared cursors): parameters are escaped
    literals, never pasted SQL; results come back in the binary protocol."""
    conn = mysql.connector.connect(host="127.0.0.1", port=server.port, user="root", database=db)
    try:
        plain = conn.cursor()
        plain.execute(
            "CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, s VARCHAR(40), at DATETIME, "
            "p DECIMAL(10,2), b BLOB)"
        )
        cur = conn.cursor(prepared=True)
        hostile = "x'); DROP TABLE t; -- \\"
        cur.execute(
            "INSERT INTO t (s, at, p, b) VALUES (?, ?, ?, ?)",
            (hostile, datetime.datetime(2026, 1, 2, 3, 4, 5), Decimal("2.50"), b"\xff\x00"),
        )
        assert (cur.rowcount, cur.lastrowid) == (1, 1)
        conn.commit()
        cur.execute("SELECT id, s, at, p, b FROM t WHERE s = ? AND id = ?", (hostile, 1))
        assert cur.fetchall() == [
            (1, hostile, datetime.datetime(2026, 1, 2, 3, 4, 5), Decimal("2.50"), b"\xff\x00")
        ]
        cur.execute("SELECT COUNT(*) FROM t WHERE s = ?", ("it's",))
        assert cur.fetchall() == [(0,)]
        with pytest.raises(mysql.connector.Error) as err:
            cur.execute("SELECT * FROM nope WHERE id = ?", (1,))
        assert err.value.errno == 1146
        cur.close()
        plain.close()
    finally:
        conn.close()


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--backend", "sqlite:////nonexistent-dir/x.db"], 71, "cannot use the database file"),
        (["--backend", "sqlite:///x.db", "--workers", "2"], 64, "--workers must be 1"),
        (["--backend", "sqlite:///x.db", "--tls-cert", "c", "--tls-key", "k"], 64, "--tls-cert"),
        (["--backend", "sqlite://"], 64, "names no database file"),
    ],
)
def test_start_up_failures_are_one_line(args: list[str], code: int, message: str) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "jasmine_proxy", "serve", "--port", "0", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == code, out.stderr
    assert out.stderr.count("\n") == 1, out.stderr
    assert message in out.stderr
    assert "Traceback" not in out.stderr


def test_serve_without_backend_uses_jasmine_db_here(tmp_path: Path) -> None:
    """No --backend and no JASMINE_BACKEND: `jasmine.db` in the working directory."""
    env = {k: v for k, v in os.environ.items() if k != "JASMINE_BACKEND"}
    env["PYTHONPATH"] = str(ROOT)
    proc = subprocess.Popen(
        [sys.executable, "-m", "jasmine_proxy", "serve", "--port", "0"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert "listening on 127.0.0.1:" in line, line
        assert "serving sqlite:///jasmine.db" in line
        port = int(line.split("listening on 127.0.0.1:")[1].split(",")[0])
        with pymysql.connect(host="127.0.0.1", port=port, user="root") as conn:
            rows(conn, "CREATE DATABASE here")
        assert (tmp_path / "jasmine.db").exists()
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(15) == 0
