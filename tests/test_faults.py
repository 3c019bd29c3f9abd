"""Failure paths, done for real: a backend that goes away, clients that vanish or misbehave."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pymysql
import pytest

from tests.support import (
    CuttableRelay,
    Proxy,
    RawClient,
    backend_threads,
    direct,
    open_fds,
    rows,
    wait_until,
)

pytestmark = pytest.mark.backend


@pytest.fixture
def relay() -> Iterator[CuttableRelay]:
    r = CuttableRelay()
    yield r
    r.cut()


@pytest.fixture
def cut_proxy(relay: CuttableRelay) -> Iterator[Proxy]:
    p = Proxy(f"mysql://root@127.0.0.1:{relay.port}", "--connect-timeout", "3")
    yield p
    assert p.stop() == 0, p.log


def test_backend_gone_while_a_query_runs(relay: CuttableRelay, cut_proxy: Proxy) -> None:
    conn = cut_proxy.connect(read_timeout=20)
    with conn.cursor() as cur:
        cur.execute("SELECT 1")
        cur.fetchall()
        started = time.monotonic()
        conn._execute_command(pymysql.constants.COMMAND.COM_QUERY, "SELECT SLEEP(10)")
        time.sleep(0.3)
        relay.cut()
        with pytest.raises(pymysql.err.OperationalError) as info:
            conn._read_query_result()
    assert time.monotonic() - started < 5
    assert info.value.args[0] == 2013  # the client's own "Lost connection ... during query"
    assert conn._sock is None  # the connection is over, as with a server that went away


def test_backend_gone_and_back(relay: CuttableRelay, cut_proxy: Proxy) -> None:
    idle = cut_proxy.connect()
    relay.cut()
    started = time.monotonic()
    with pytest.raises(pymysql.err.OperationalError) as gone:
        rows(idle, "SELECT 1")  # an idle client learns at its next statement
    assert gone.value.args[0] in (2006, 2013)
    with pytest.raises(pymysql.err.OperationalError) as refused:
        cut_proxy.connect(connect_timeout=10)  # new clients: a clear error, not a hang
    assert refused.value.args[0] == 2003
    assert "cannot reach the backend" in refused.value.args[1]
    assert time.monotonic() - started < 8
    assert cut_proxy.proc.poll() is None  # the proxy keeps serving
    relay.restore()
    with cut_proxy.connect() as again:
        assert rows(again, "SELECT 'back'") == [("back",)]


def test_client_vanishing_mid_result_frees_its_backend(proxy: Proxy) -> None:
    conn = proxy.connect(cursorclass=pymysql.cursors.SSCursor)
    thread_id = conn.thread_id()
    cur = conn.cursor()
    cur.execute("SELECT seq, REPEAT('x', 100) FROM mysql.seq_1_to_2000000")
    assert cur.fetchone() is not None
    sock, rfile = conn._sock, conn._rfile
    assert sock is not None
    assert rfile is not None
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    cur._result = conn._result = conn._sock = conn._rfile = None  # pymysql must not read on
    rfile.close()
    sock.close()  # RST mid-result
    assert wait_until(lambda: thread_id not in backend_threads(), timeout=15)
    with proxy.connect() as other:
        assert rows(other, "SELECT 'unaffected'") == [("unaffected",)]


def test_malformed_and_truncated_packets(proxy: Proxy) -> None:
    fds = open_fds(proxy.proc.pid)
    raw = RawClient(proxy.port)
    answer = raw.command(b"\xee\x01\x02")  # no such command: the backend's own error
    assert answer[0][4] == 0xFF
    thread = int(raw.query("SELECT CONNECTION_ID()")[-2][5:])
    raw.sock.sendall(b"\x64\x00\x00\x00\x03SELECT")  # promises 100 bytes, sends 7, goes away
    raw.close()
    assert wait_until(lambda: thread not in backend_threads(), timeout=15)
    for garbage in (b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", b"\xff" * 64, b"\x01\x00"):
        s = socket.create_connection(("127.0.0.1", proxy.port))
        s.recv(4096)  # the greeting
        s.sendall(garbage)
        s.close()
    with proxy.connect() as other:
        assert rows(other, "SELECT 'unaffected'") == [("unaffected",)]
    assert wait_until(lambda: open_fds(proxy.proc.pid) <= fds, timeout=10)


def test_aborted_logins_do_not_block_the_proxy(proxy: Proxy) -> None:
    fds = open_fds(proxy.proc.pid)
    for i in range(300):
        s = socket.create_connection(("127.0.0.1", proxy.port))
        if i % 2:
            s.recv(4096)
        s.close()
    with proxy.connect() as conn:
        assert rows(conn, "SELECT 'in'") == [("in",)]
    assert wait_until(lambda: open_fds(proxy.proc.pid) <= fds, timeout=10)
    with direct() as d:
        assert rows(d, "SELECT 1") == [(1,)]


@pytest.mark.parametrize(
    "header",
    [b"PROXY TCP4 192.0.2.1 192.0.2.2 1111 2222\r\n", b"\r\n\r\n\x00\r\nQUIT\n\x21\x11\x00\x0c"],
)
def test_a_client_sent_proxy_header_is_refused_at_once(proxy: Proxy, header: bytes) -> None:
    """Only the proxy may speak PROXY protocol to the backend (--proxy-protocol); a client's
    own header would let it choose the address the backend sees."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", proxy.port), timeout=5) as sock:
        sock.sendall(header)
        raw = RawClient.__new__(RawClient)
        raw.sock = sock
        _, greeting = raw.read_packet()
        assert greeting[0] == 10
        _, refusal = raw.read_packet()
    assert refusal[:3] == b"\xff" + (1130).to_bytes(2, "little")
    assert b"Proxy header is not accepted" in refusal
    assert time.monotonic() - started < 3
