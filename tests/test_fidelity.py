"""Byte-for-byte fidelity, and each mysql-mimic 3.0.5 defect kept out of the relay.

mysql-mimic's stock session answers transactions itself, claims autocommit off at handshake,
drops OK-packet fields, sends one result set per command, reduces column metadata, breaks rows of
16 MiB or more, pastes prepared-statement parameters into SQL unescaped, and keeps a connection
open after a failed login. The relay must do none of that: these tests compare the proxy's raw
packets with the backend's own for the same commands.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence

import pymysql
import pytest

from jasmine_proxy import protocol
from tests.support import MARIADB_PORT, Proxy, RawClient, direct

pytestmark = pytest.mark.backend


def compare(proxy: Proxy, database: str, commands: Sequence[bytes]) -> list[list[bytes]]:
    """Run `commands` through the proxy, then (on a recreated database of the same name) direct;
    assert that every raw response packet is identical, and return them."""
    answers = []
    for port in (proxy.port, MARIADB_PORT):
        with direct() as d, d.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS `{database}`")
            cur.execute(f"CREATE DATABASE `{database}`")
        client = RawClient(port, db=database)
        try:
            answers.append([client.command(c) for c in commands])
        finally:
            client.close()
    proxied, straight = answers
    for command, got, expected in zip(commands, proxied, straight, strict=True):
        assert got == expected, command
    return proxied


def test_greeting_is_the_backends(proxy: Proxy) -> None:
    via, to = RawClient(proxy.port), RawClient(MARIADB_PORT)
    try:
        g_via, g_to = protocol.parse_greeting(via.greeting), protocol.parse_greeting(to.greeting)
        assert g_via.version == g_to.version
        assert g_via.status == g_to.status  # autocommit as the backend says, not "off"
        assert g_via.status & 0x0002
        keep = ~(protocol.UNRELAYABLE | protocol.CLIENT_SSL)
        assert g_via.capabilities & keep == g_to.capabilities & keep
        assert not g_via.capabilities & protocol.UNRELAYABLE
        assert via.query("SELECT CONNECTION_ID()")[-2].endswith(str(g_via.thread_id).encode())
    finally:
        via.close()
        to.close()


def test_result_sets_are_the_backends_bytes(proxy: Proxy, database: str) -> None:
    answers = compare(
        proxy,
        database,
        [
            b"\x03CREATE TABLE typed (id INT UNSIGNED AUTO_INCREMENT PRIMARY KEY, "
            b"d DECIMAL(12,3) NOT NULL DEFAULT 0, ts DATETIME(6), b BLOB, j JSON, e ENUM('x','y'), "
            b"f DOUBLE, u VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin)",
            b"\x03INSERT INTO typed (d, ts, b, j, e, f, u) VALUES (1.5, "
            b"'2026-01-02 03:04:05.678901', x'00ff', '{\"a\": 1}', 'y', 1e300, 'caf\xc3\xa9')",
            b"\x03INSERT INTO typed (d) VALUES (NULL)",
            b"\x03INSERT IGNORE INTO typed (d, u) VALUES (NULL, 'x'), (2, 'y')",
            b"\x03SELECT * FROM typed",  # column metadata: schema, table, org names, flags
            b"\x03SELECT t1.id AS alias, t2.u FROM typed t1 JOIN typed t2 USING (id)",
            b"\x03SHOW WARNINGS",
            b"\x03SELECT * FROM typed WHERE nope = 1",
        ],
    )
    assert answers[2][0][4] == 0xFF  # d is NOT NULL: the backend's error, code and SQLSTATE
    assert b"Records: 2" in answers[3][0]  # affected rows, warnings and info string


def test_several_result_sets_in_one_command(proxy: Proxy, database: str) -> None:
    create = b"\x03CREATE PROCEDURE p() BEGIN SELECT 1 AS a; SELECT 2 AS b, 3 AS c; END"
    _, packets = compare(proxy, database, [create, b"\x03CALL p()"])
    assert sum(1 for p in packets if p[4] == 0xFE and len(p) < 13) == 4  # two result sets


def test_transactions_are_the_backends(proxy: Proxy, database: str) -> None:
    sqls = (b"BEGIN", b"SELECT @@in_transaction", b"ROLLBACK", b"SET autocommit = 0", b"SELECT 1")
    answers = compare(proxy, database, [b"\x03" + sql for sql in sqls])
    status = struct.unpack_from("<H", answers[-1][-1], 7)[0]
    assert not status & 0x0002  # autocommit is off on the backend, and the client is told so


def test_rows_of_16_mib_and_more(proxy: Proxy, database: str) -> None:
    sql = b"\x03SELECT REPEAT('x', 16777212) AS big, 1 AS after_it"
    [packets] = compare(proxy, database, [sql])
    assert max(len(p) for p in packets) == 4 + 0xFFFFFF  # the row spans two packets


def test_prepared_statements_bind_natively(proxy: Proxy) -> None:
    via, to = RawClient(proxy.port), RawClient(MARIADB_PORT)
    hostile = "x'); DROP TABLE t; -- \\' \" \x00"

    def run(client: RawClient) -> list[bytes]:
        client.write_packet(b"\x16SELECT ? AS v, CONCAT(?, '') AS w")
        _, ok = client.read_packet()
        stmt_id, columns, params = struct.unpack_from("<IHH", ok, 1)
        for _ in range(columns + params + 2):  # definitions, each list closed by an EOF
            client.read_packet()
        value = hostile.encode()
        params = b"\x00" + b"\x01" + b"\xfe\x00\xfe\x00"  # null bitmap, new-params, 2 x STRING
        params += (bytes([len(value)]) + value) * 2
        execute = b"\x17" + struct.pack("<IBI", stmt_id, 0, 1) + params
        return client.command(execute)

    proxied, straight = run(via), run(to)
    via.close()
    to.close()
    assert proxied == straight
    assert proxied[-2].count(hostile.encode()) == 2


def test_failed_login_closes_the_connection(proxy: Proxy) -> None:
    with pytest.raises(pymysql.err.OperationalError) as info:
        proxy.connect(password="definitely-wrong")
    assert info.value.args[0] == 1045
    raw = RawClient(proxy.port, user="no_such_user_jasmine")
    assert raw.login_reply[0] == 0xFF
    assert struct.unpack_from("<H", raw.login_reply, 1)[0] == 1045
    raw.write_packet(b"\x03SELECT 1")  # no query runs after a failed login
    with pytest.raises((ConnectionError, OSError)):
        raw.read_packet()
    raw.close()


def test_anonymous_login_only_where_the_backend_allows_it(proxy: Proxy) -> None:
    with direct() as d, d.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM mysql.user WHERE user = ''")
        anonymous_accounts = cur.fetchone()[0]
    direct_ok = True
    try:
        pymysql.connect(host="127.0.0.1", port=MARIADB_PORT, user="").close()
    except pymysql.err.OperationalError:
        direct_ok = False
    proxied_ok = True
    try:
        proxy.connect(user="").close()
    except pymysql.err.OperationalError as exc:
        proxied_ok = False
        assert exc.args[0] == 1045
    assert proxied_ok == direct_ok, f"{anonymous_accounts} anonymous accounts on the backend"
