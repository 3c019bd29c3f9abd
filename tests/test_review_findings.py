"""Review findings: relay and login edge cases, each proved by a test.

Each test here first failed on a bug found in review (login ordering, sequence ids, half-close,
the barrier under sql_select_limit, multi-result captures, COM_CHANGE_USER, leaked sockets) and
now guards its fix; a few cover behaviour examined and found correct. Pure tests drive
`relay.Link` with fake transports; the others run the real proxy against MariaDB.
"""

from __future__ import annotations

import asyncio
import socket
import struct
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from jasmine_proxy import protocol
from jasmine_proxy.relay import BackendSide, ClientSide, Link
from tests.fakes import FakeTransport, make_link
from tests.private_mariadb import make_tls_files
from tests.support import (
    MARIADB_PORT,
    MARIADB_URL,
    CuttableRelay,
    Proxy,
    RawClient,
    open_fds,
    wait_until,
)

OK_PAYLOAD = b"\x00\x00\x00\x02\x00\x00\x00"
OURS = protocol.frame(b"\x03SHOW CREATE MATERIALIZATION nowhere.nothing", 0)
BASE_CAPS = 0x1 | 0x200 | 0x8000 | 0x80000 | 0x20000 | 0x10000  # as RawClient


def column(name: bytes) -> bytes:
    """A column definition payload as MariaDB sends it for `SELECT 1 AS <name>`."""
    out = b"\x03def\x00\x00\x00" + bytes([len(name)]) + name + b"\x00\x0c?\x00"
    return out + b"\x01\x00\x00\x00\x08\x81\x00\x00\x00\x00"


def result_set(name: bytes, value: bytes, status: int = 2) -> bytes:
    """A one-column, one-row text result (no CLIENT_DEPRECATE_EOF), seq 1 on."""
    eof = b"\xfe\x00\x00" + struct.pack("<H", status)
    packets = [b"\x01", column(name), b"\xfe\x00\x00\x02\x00", bytes([len(value)]) + value, eof]
    return b"".join(protocol.frame(p, seq) for seq, p in enumerate(packets, start=1))


async def answer_barrier(backend: FakeTransport, server: BackendSide) -> None:
    """Play the backend: wait for the barrier query, remove it, answer it."""
    marker = b""
    for _ in range(100):
        await asyncio.sleep(0)
        at = backend.data.find(b"SELECT 1 AS jasmine_barrier_")
        if at >= 0:
            start = at - 5
            marker = bytes(backend.data[at + 12 : at + 12 + 32])
            end = at + 12 + 32
            if backend.data[end : end + 8] == b" LIMIT 1":
                end += 8
            del backend.data[start:end]
            break
    assert marker, f"no barrier query in {bytes(backend.data)!r}"
    server.data_received(result_set(marker, b"1"))


async def settle(task: asyncio.Task[None] | None) -> None:
    for _ in range(100):
        await asyncio.sleep(0)
        if task is not None and task.done():
            return


# -- pure findings --------------------------------------------------------------------------------
def test_backend_bytes_after_the_login_ok_reach_the_client() -> None:
    async def run() -> bytes:
        async def answer(statement: bytes, link: Link) -> bytes:
            return b""

        link, client, _, server = make_link(answer)
        link.logging_in = True
        link.client_seq = 1
        reply = result_set(b"piped", b"piped")
        server.data_received(protocol.frame(OK_PAYLOAD, 2) + reply)
        return bytes(client.data)

    got = asyncio.run(run())
    assert got == protocol.frame(OK_PAYLOAD, 2) + result_set(b"piped", b"piped")


def test_command_pipelined_behind_a_tls_login_keeps_seq_0() -> None:
    caps = BASE_CAPS | protocol.CLIENT_SSL
    response = protocol.set_client_capabilities(protocol.handshake_response("root", b""), caps)
    query = b"\x03SELECT 'piped'"

    async def run() -> bytes:
        async def answer(statement: bytes, link: Link) -> bytes:
            return b""

        link, _, backend, server = make_link(answer)
        link.logging_in = True
        link.expect_response, link.strip_ssl, link.seq_delta, link.client_seq = True, True, 1, 1
        link.from_client(protocol.frame(response, 2) + protocol.frame(query, 0))
        server.data_received(protocol.frame(OK_PAYLOAD, 2))
        return bytes(backend.data)

    stripped = protocol.set_client_capabilities(response, caps & ~protocol.CLIENT_SSL)
    assert asyncio.run(run()) == protocol.frame(stripped, 1) + protocol.frame(query, 0)


def test_a_core_query_with_several_results_leaves_nothing_for_the_client() -> None:
    async def run() -> bytes:
        async def answer(statement: bytes, link: Link) -> bytes:
            await link.query("CALL p()")
            return b"<answer>"

        link, client, backend, server = make_link(answer)
        link.from_client(OURS)
        await answer_barrier(backend, server)
        for _ in range(20):
            await asyncio.sleep(0)
            if b"CALL p()" in backend.data:
                break
        assert b"CALL p()" in backend.data
        server.data_received(result_set(b"a", b"1", status=2 | 8))  # SERVER_MORE_RESULTS_EXISTS
        await settle(link._task)
        server.data_received(protocol.frame(OK_PAYLOAD, 6))  # the CALL's own final OK
        await settle(None)
        return bytes(client.data)

    assert asyncio.run(run()) == b"<answer>"


def test_change_user_updates_the_session_user() -> None:
    seen: list[str] = []

    async def run() -> None:
        async def answer(statement: bytes, link: Link) -> bytes:
            seen.append(link.user)
            return b"<answer>"

        link, _, backend, server = make_link(answer)
        change = b"\x11bob\x00\x00" + b"\x00" + b"\x2d\x00" + b"mysql_native_password\x00"
        link.from_client(protocol.frame(change, 0))
        server.data_received(protocol.frame(OK_PAYLOAD, 1))
        link.from_client(OURS)
        await answer_barrier(backend, server)
        await settle(link._task)

    asyncio.run(run())
    assert seen == ["bob"]


# -- pure regression tests (examined, correct) ----------------------------------------------------
def test_client_paused_by_the_backend_is_resumed_after_an_answer() -> None:
    """The backend's write buffer paused the client; it drained while Jasmine answered."""

    async def run() -> tuple[bool, bytes]:
        async def answer(statement: bytes, link: Link) -> bytes:
            return b"<answer>"

        link, client, backend, server = make_link(answer)
        server.pause_writing()
        assert client.paused
        link.from_client(OURS)
        server.resume_writing()  # while the statement is held: must not resume yet
        assert client.paused
        await answer_barrier(backend, server)
        await settle(link._task)
        return client.paused, bytes(client.data)

    assert asyncio.run(run()) == (False, b"<answer>")


def test_backend_paused_by_the_client_resumes() -> None:
    async def run() -> bool:
        async def answer(statement: bytes, link: Link) -> bytes:
            return b""

        link, _, backend, _ = make_link(answer)
        side = ClientSide(link)
        side.pause_writing()
        assert backend.paused
        side.resume_writing()
        return backend.paused

    assert asyncio.run(run()) is False


def test_long_data_and_fetch_before_a_statement_keep_their_order() -> None:
    """COM_STMT_SEND_LONG_DATA (no reply) and COM_STMT_FETCH ahead of Jasmine's statement."""
    long_data = protocol.frame(b"\x18\x01\x00\x00\x00\x00\x00" + b"SHOW MATERIALIZATIONS", 0)
    fetch = protocol.frame(b"\x1c\x01\x00\x00\x00\x0a\x00\x00\x00", 0)
    after = protocol.frame(b"\x03SELECT 2", 0)
    owed = result_set(b"f", b"x")

    async def run() -> tuple[bytes, bytes]:
        async def answer(statement: bytes, link: Link) -> bytes:
            return b"<answer>"

        link, client, backend, server = make_link(answer)
        link.from_client(long_data + fetch + OURS + after)
        server.data_received(owed)
        await answer_barrier(backend, server)
        await settle(link._task)
        return bytes(backend.data), bytes(client.data)

    assert asyncio.run(run()) == (long_data + fetch + after, owed + b"<answer>")


# -- against the real proxy -----------------------------------------------------------------------
def is_err(packet: bytes, code: int) -> bool:
    return packet[4:7] == b"\xff" + code.to_bytes(2, "little")


@pytest.mark.backend
def test_extended_statement_after_sql_select_limit_0(proxy: Proxy) -> None:
    client = RawClient(proxy.port)
    try:
        assert client.query("SET SESSION sql_select_limit = 0")[0][4] == 0
        client.sock.settimeout(3)
        reply = client.query("SHOW CREATE MATERIALIZATION nowhere.nothing")
        assert is_err(reply[0], 1146)
    finally:
        client.close()


@pytest.mark.backend
def test_commands_pipelined_behind_the_handshake_response(proxy: Proxy) -> None:
    """MariaDB answers a client that sends its login and first commands in one write."""
    sock = socket.create_connection(("127.0.0.1", proxy.port), timeout=3)
    client = RawClient.__new__(RawClient)
    client.sock = sock
    try:
        seq, _ = client.read_packet()
        body = struct.pack("<IIB", BASE_CAPS, 1 << 24, 45) + bytes(23)
        body += b"root\0\0mysql_native_password\0"
        sock.sendall(
            protocol.frame(body, seq + 1) + protocol.frame(b"\x03SELECT 'piped' AS p", 0) + OURS
        )
        assert client.read_packet()[1][:1] == b"\x00"
        assert b"piped" in client.read_response()[-2]
        assert is_err(client.read_response()[0], 1146)
    finally:
        client.close()


@pytest.mark.backend
def test_half_closed_client_still_gets_its_reply(proxy: Proxy) -> None:
    client = RawClient(proxy.port)
    try:
        client.sock.settimeout(3)
        client.write_packet(b"\x03SELECT 'half' AS h")
        client.sock.shutdown(socket.SHUT_WR)
        assert b"half" in client.read_response()[-2]
    finally:
        client.close()


@pytest.mark.backend
def test_auth_switch_lockstep_matches_direct(proxy: Proxy) -> None:
    """A client announcing another plugin gets an auth switch; sequence ids as direct."""

    def login(port: int) -> list[tuple[int, bytes]]:
        client = RawClient.__new__(RawClient)
        client.sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        try:
            seq, _ = client.read_packet()
            body = struct.pack("<IIB", BASE_CAPS, 1 << 24, 45) + bytes(23)
            client.write_packet(body + b"root\0\0caching_sha2_password\0", seq + 1)
            seq, switch = client.read_packet()
            assert switch[:1] == b"\xfe", switch
            client.write_packet(b"", seq + 1)
            seq2, ok = client.read_packet()
            after = client.query("SELECT 'in' AS x")
            return [(seq, switch[:23]), (seq2, ok[:1]), (0, after[-2][4:])]
        finally:
            client.close()

    assert login(proxy.port) == login(MARIADB_PORT)


@pytest.mark.backend
def test_reset_connection_then_extended_statement(proxy: Proxy) -> None:
    client = RawClient(proxy.port)
    try:
        client.query("SET @v = 7")
        assert client.command(b"\x1f")[0][4] == 0  # COM_RESET_CONNECTION
        assert b"\xfb" in client.query("SELECT @v")[-2]  # NULL: the session was reset
        assert is_err(client.query("SHOW CREATE MATERIALIZATION nowhere.nothing")[0], 1146)
        assert b"ok" in client.query("SELECT 'ok'")[-2]
    finally:
        client.close()


@pytest.mark.backend
def test_refused_clients_are_disconnected() -> None:
    relay = CuttableRelay()
    proxy = Proxy(f"mysql://root@127.0.0.1:{relay.port}")
    socks: list[socket.socket] = []
    try:
        relay.cut()
        for _ in range(10):
            sock = socket.create_connection(("127.0.0.1", proxy.port), timeout=5)
            socks.append(sock)
            assert sock.recv(4)[3:4] == b"\x00"  # the header of the 2003 ERR
        time.sleep(2)
        closed = 0
        for sock in socks:
            sock.settimeout(0.5)
            try:
                while sock.recv(4096):
                    pass
                closed += 1
            except TimeoutError:
                pass
        assert closed == len(socks)
    finally:
        for sock in socks:
            sock.close()
        proxy.stop()
        relay.cut()


@pytest.fixture(scope="module")
def tls_proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxy]:
    """A proxy offering TLS to clients, relaying to the shared (plain) MariaDB."""
    cert = make_tls_files(Path(tmp_path_factory.mktemp("review-tls")), "jasmine-proxy")
    proxy = Proxy(MARIADB_URL, "--tls-cert", str(cert.cert), "--tls-key", str(cert.key))
    yield proxy
    proxy.stop()


@pytest.mark.backend
def test_failed_client_tls_handshake_frees_the_backend(tls_proxy: Proxy) -> None:
    pid = tls_proxy.proc.pid
    base = 0
    for attempt in range(4):  # the first failure opens a /dev/null once (the TLS machinery)
        if attempt == 1:
            time.sleep(0.3)  # let the first attempt's sockets close
            base = open_fds(pid)
        with socket.create_connection(("127.0.0.1", tls_proxy.port), timeout=5) as sock:
            client = RawClient.__new__(RawClient)
            client.sock = sock
            seq, _ = client.read_packet()
            ssl_request = struct.pack("<IIB", BASE_CAPS | protocol.CLIENT_SSL, 1 << 24, 45)
            client.write_packet(ssl_request + bytes(23), seq + 1)
            sock.sendall(b"not a TLS ClientHello\r\n")
            time.sleep(0.1)
    assert wait_until(lambda: open_fds(pid) <= base, 4), (base, open_fds(pid))
