"""Session state survives the relay: one backend connection per client connection (pymysql)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pymysql
import pytest

from tests.support import Proxy, RawClient, direct, rows

pytestmark = pytest.mark.backend


@pytest.fixture
def conn(proxy: Proxy, database: str) -> Iterator[pymysql.connections.Connection]:
    c = proxy.connect(database=database, client_flag=pymysql.constants.CLIENT.MULTI_STATEMENTS)
    yield c
    c.close()


def test_connection_id_is_the_handshake_id(conn: pymysql.connections.Connection) -> None:
    assert rows(conn, "SELECT CONNECTION_ID()")[0][0] == conn.thread_id()


def test_transactions(conn: pymysql.connections.Connection, database: str) -> None:
    rows(conn, "CREATE TABLE t (id INT PRIMARY KEY) ENGINE=InnoDB")
    rows(conn, "BEGIN")
    rows(conn, "INSERT INTO t VALUES (1)")
    with direct(database=database) as other:  # not visible outside the transaction
        assert rows(other, "SELECT COUNT(*) FROM t") == [(0,)]
    rows(conn, "ROLLBACK")
    assert rows(conn, "SELECT COUNT(*) FROM t") == [(0,)]
    conn.autocommit(False)
    assert rows(conn, "SELECT @@autocommit") == [(0,)]
    rows(conn, "INSERT INTO t VALUES (2)")
    conn.commit()
    rows(conn, "SET SESSION TRANSACTION ISOLATION LEVEL SERIALIZABLE")
    assert rows(conn, "SELECT @@tx_isolation") == [("SERIALIZABLE",)]
    with direct(database=database) as other:
        assert rows(other, "SELECT id FROM t") == [(2,)]


def test_server_status_flags_reach_the_client(conn: pymysql.connections.Connection) -> None:
    conn.autocommit(True)
    rows(conn, "BEGIN")
    assert conn.get_autocommit() is True
    assert conn.server_status & pymysql.constants.SERVER_STATUS.SERVER_STATUS_IN_TRANS
    rows(conn, "COMMIT")
    assert not conn.server_status & pymysql.constants.SERVER_STATUS.SERVER_STATUS_IN_TRANS


def test_variables_use_and_init_db(conn: pymysql.connections.Connection, database: str) -> None:
    rows(conn, "SET @x = 42, SESSION sql_mode = 'ANSI_QUOTES'")
    assert rows(conn, "SELECT @x, @@sql_mode") == [(42, "ANSI_QUOTES")]
    rows(conn, "USE mysql")
    assert rows(conn, "SELECT DATABASE()") == [("mysql",)]
    conn.select_db(database)  # COM_INIT_DB
    assert rows(conn, "SELECT DATABASE()") == [(database,)]


def test_temporary_tables_and_last_insert_id(conn: pymysql.connections.Connection) -> None:
    rows(conn, "CREATE TEMPORARY TABLE tmp (id INT AUTO_INCREMENT PRIMARY KEY, v TEXT)")
    with conn.cursor() as cur:
        cur.execute("INSERT INTO tmp (v) VALUES ('a'), ('b'), ('c')")
        assert cur.rowcount == 3
        assert cur.lastrowid == 1
    assert rows(conn, "SELECT LAST_INSERT_ID(), COUNT(*) FROM tmp") == [(1, 3)]


def test_ok_packet_fields(conn: pymysql.connections.Connection) -> None:
    rows(conn, "CREATE TABLE k (id INT PRIMARY KEY, v INT)")
    with conn.cursor() as cur:
        cur.execute("INSERT INTO k VALUES (1, 1), (2, 2), (3, 3)")
        # pymysql keeps the info string with its length prefix (session tracking is on)
        assert conn._result.message.endswith(b"Records: 3  Duplicates: 0  Warnings: 0")
        cur.execute("INSERT IGNORE INTO k VALUES (1, 9)")
        assert (cur.rowcount, conn._result.warning_count) == (0, 1)
        cur.execute("UPDATE k SET v = v + 1 WHERE id >= 2")
        assert cur.rowcount == 2
        assert b"Rows matched: 2  Changed: 2  Warnings: 0" in conn._result.message


def test_multi_statements_and_procedures(conn: pymysql.connections.Connection) -> None:
    with conn.cursor() as cur:
        cur.execute("SELECT 1; SELECT 2, 3; DO 0")
        assert cur.fetchall() == ((1,),)
        assert cur.nextset()
        assert cur.fetchall() == ((2, 3),)
        assert cur.nextset()
        assert cur.nextset() is None
        cur.execute("CREATE PROCEDURE two() BEGIN SELECT 'a' AS x; SELECT 'b' AS y, 'c' AS z; END")
        cur.execute("CALL two()")
        assert cur.fetchall() == (("a",),)
        assert cur.nextset()
        assert cur.fetchall() == (("b", "c"),)
        assert [d[0] for d in cur.description] == ["y", "z"]
        while cur.nextset():
            pass
    assert rows(conn, "SELECT 5") == [(5,)]


def test_backend_errors_keep_code_sqlstate_and_message(
    conn: pymysql.connections.Connection,
) -> None:
    with pytest.raises(pymysql.err.ProgrammingError) as proxied:
        rows(conn, "SELECT * FROM no_such_table")
    with direct(database=conn.db.decode()) as d, pytest.raises(pymysql.err.ProgrammingError) as dd:
        rows(d, "SELECT * FROM no_such_table")
    assert proxied.value.args == dd.value.args
    assert proxied.value.args[0] == 1146
    with pytest.raises(pymysql.err.ProgrammingError, match="1064"):
        rows(conn, "SELEC 1")
    assert rows(conn, "SELECT 'still usable'") == [("still usable",)]


@pytest.mark.parametrize(
    "sql",
    [
        "HANDLER h_t OPEN",
        "SELECT 1 INTO OUTFILE '/nonexistent-dir/x.csv'",
        "CREATE EVENT IF NOT EXISTS ev ON SCHEDULE EVERY 1 DAY DO SELECT 1",
    ],
)
def test_statements_sqlglot_cannot_parse_reach_the_backend(
    conn: pymysql.connections.Connection, sql: str
) -> None:
    rows(conn, "CREATE TABLE h_t (id INT)")
    try:
        rows(conn, sql)
    except pymysql.err.MySQLError as exc:  # the backend's own verdict, not a proxy parse error
        assert exc.args[0] in (1, 1045, 1227, 1290, 1577), exc.args
    else:
        if sql.startswith("HANDLER"):
            assert rows(conn, "HANDLER h_t READ FIRST") == []
            rows(conn, "HANDLER h_t CLOSE")


def test_ping_and_reconnect_kept_state(conn: pymysql.connections.Connection) -> None:
    rows(conn, "SET @kept = 'yes'")
    conn.ping(reconnect=False)  # COM_PING
    assert rows(conn, "SELECT @kept") == [("yes",)]


def test_extended_statements_are_answered_by_jasmine(
    conn: pymysql.connections.Connection,
) -> None:
    with conn.cursor() as cur:
        cur.execute("SHOW MATERIALIZATIONS FROM no_such_schema_here")
        assert [d[0] for d in cur.description][:4] == ["Name", "Schema", "Strategy", "State"]
        assert cur.fetchall() == ()
    with pytest.raises(pymysql.err.MySQLError) as info:
        rows(conn, "SHOW CREATE MATERIALIZATION nowhere.nothing")
    assert info.value.args == (1146, "Materialization 'nowhere.nothing' doesn't exist")
    assert rows(conn, "SELECT 'after'") == [("after",)]


def test_pipelined_commands_keep_their_order(proxy: Proxy) -> None:
    """A pipelining client (the MariaDB Node connector does this) sends commands without
    waiting: Jasmine's answer must come after the replies still owed, and before the next."""
    client = RawClient(proxy.port)
    try:
        batch = b""
        for payload in (
            b"\x03SELECT SLEEP(0.3) AS slow",
            b"\x03SHOW CREATE MATERIALIZATION nowhere.nothing",
            b"\x03SELECT 'after' AS next",
            b"\x16SHOW MATERIALIZATIONS",
            b"\x03SELECT 'last' AS last",
        ):
            batch += len(payload).to_bytes(3, "little") + b"\x00" + payload
        client.sock.sendall(batch)
        slow = client.read_response()
        assert b"slow" in slow[1]
        ours = client.read_response()
        assert ours[0][4:7] == b"\xff" + (1146).to_bytes(2, "little")
        assert b"after" in client.read_response()[-2]
        prepared = client.read_response()
        assert prepared[0][4:7] == b"\xff" + (1295).to_bytes(2, "little")
        assert b"last" in client.read_response()[-2]
    finally:
        client.close()


def test_load_data_local_infile(proxy: Proxy, database: str, tmp_path: Path) -> None:
    """The server asks the client for a file mid-command; the file's packets go through."""
    path = tmp_path / "rows.csv"
    path.write_text("".join(f"{i},name {i}\n" for i in range(1, 5001)))
    with proxy.connect(database=database, local_infile=True) as conn:
        rows(conn, "CREATE TABLE loaded (id INT PRIMARY KEY, name VARCHAR(20))")
        with conn.cursor() as cur:
            cur.execute(
                f"LOAD DATA LOCAL INFILE '{path}' INTO TABLE loaded "
                "FIELDS TERMINATED BY ',' LINES TERMINATED BY '\\n'"
            )
            assert cur.rowcount == 5000
        assert rows(conn, "SELECT COUNT(*), MAX(name) FROM loaded") == [(5000, "name 999")]


def test_extended_statement_answers_whatever_the_session_limits(proxy: Proxy) -> None:
    """The ordering barrier Jasmine sends on the client's connection is not cut short by the
    session's own limits (sql_select_limit, max_statement_time)."""
    with proxy.connect(read_timeout=10) as conn:
        rows(conn, "SET SESSION sql_select_limit = 0, SESSION max_statement_time = 0.000001")
        with pytest.raises(pymysql.err.MySQLError) as info:
            rows(conn, "SHOW CREATE MATERIALIZATION nowhere.nothing")
        assert info.value.args[0] == 1146
