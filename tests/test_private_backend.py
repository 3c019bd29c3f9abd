"""The proxy against a private MariaDB configured for what the shared one cannot show.

The private server (tests/private_mariadb.py) has TLS, a 256 MiB max_allowed_packet, accepts
PROXY protocol headers from 127.0.0.0/8 and blocks a host after 10 aborted handshakes. Every
proxy here is the real `jasmine-proxy serve` in a subprocess, relaying to that server:

* TLS mirroring: a client's TLS choice is repeated on the backend leg (`Ssl_cipher`), so an
  account created REQUIRE SSL gets in over TLS only.
* `--proxy-protocol`: the backend sees the client's own address (127.0.0.2), not the proxy's.
* Big rows: 64 MiB both ways as text protocol (with the proxy's peak RSS measured), 20 MiB
  through server-side prepared statements (binary protocol, multi-packet rows).
* max_connect_errors: clients that connect and leave before logging in must not get the proxy
  blocked by the backend (error 1129), which would lock every client out.
"""

from __future__ import annotations

import hashlib
import os
import random
import socket
import ssl
import struct
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import mysql.connector
import pymysql
import pytest

from jasmine_proxy import protocol
from tests.private_mariadb import (
    MAX_CONNECT_ERRORS,
    PROXY_PROTOCOL_NETWORKS,
    PrivateMariaDB,
    TlsFiles,
    make_tls_files,
    private_mariadb_fixture,  # noqa: F401  (the fixture)
)
from tests.support import Proxy, RawClient, wait_until

pytestmark = pytest.mark.backend

MiB = 1024 * 1024
#: pymysql: encrypt, but do not check the proxy's certificate (it is self-signed)
CLIENT_TLS = {"check_hostname": False, "verify_mode": "none"}
#: the source address of "another machine": loopback, but not 127.0.0.1 (which MariaDB exempts)
OTHER_HOST = "127.0.0.2"
ABORTING_CLIENTS = 300


# -- helpers --------------------------------------------------------------------------------------
def connect(
    port: int, *, tls: bool, bind: str | None = None, **kwargs: Any
) -> pymysql.connections.Connection:
    """pymysql to 127.0.0.1:`port`, TLS or explicitly plain (pymysql 1.2 prefers TLS)."""
    kwargs.setdefault("user", "root")
    if tls:
        kwargs["ssl"] = CLIENT_TLS
    else:
        kwargs["ssl_disabled"] = True
    kwargs.setdefault("read_timeout", 60)
    return pymysql.connect(
        host="127.0.0.1", port=port, bind_address=bind, connect_timeout=10, **kwargs
    )


def one(conn: pymysql.connections.Connection, sql: str, args: tuple[Any, ...] = ()) -> Any:
    """The first row of `sql`'s result."""
    with conn.cursor() as cur:
        cur.execute(sql, args or None)
        return cur.fetchone()


def ssl_cipher(conn: pymysql.connections.Connection) -> str:
    """The backend session's TLS cipher: empty when the backend leg is plain text."""
    return str(one(conn, "SHOW SESSION STATUS LIKE 'Ssl_cipher'")[1])


def backend_view(conn: pymysql.connections.Connection) -> tuple[str, str]:
    """(USER(), processlist host:port) of this session as the backend sees it."""
    row = one(
        conn,
        "SELECT USER(), host FROM information_schema.processlist WHERE id = CONNECTION_ID()",
    )
    return str(row[0]), str(row[1])


def global_status(server: PrivateMariaDB, name: str) -> int:
    with server.connect() as conn:
        return int(one(conn, f"SHOW GLOBAL STATUS LIKE '{name}'")[1])


def proc_kib(pid: int, field: str) -> int:
    """A memory figure (VmRSS, VmHWM) of process `pid`, in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(f"no {field} in /proc/{pid}/status")


def start_proxy(server: PrivateMariaDB, cert: TlsFiles, *args: str) -> Proxy:
    return Proxy(server.url, "--tls-cert", str(cert.cert), "--tls-key", str(cert.key), *args)


def stop_proxy(proxy: Proxy) -> None:
    code = proxy.stop()
    assert code == 0, proxy.log
    assert "Traceback" not in proxy.log, proxy.log


def abort_logins(port: int, source: str, count: int) -> None:
    """`count` clients that connect from `source` and close before logging in: every other one
    right away, the others once the greeting has arrived."""
    for i in range(count):
        with socket.socket() as sock:
            sock.settimeout(10)
            sock.bind((source, 0))
            sock.connect(("127.0.0.1", port))
            if i % 2:
                assert sock.recv(4), "no greeting"


def wait_aborted(server: PrivateMariaDB, before: int, count: int) -> None:
    """Wait until the backend has finished `count` aborted handshakes since `before`."""
    assert wait_until(lambda: global_status(server, "Aborted_connects") - before >= count, 60), (
        f"the backend saw {global_status(server, 'Aborted_connects') - before} of {count} "
        "aborted handshakes"
    )


def login_error(login: Callable[[], pymysql.connections.Connection]) -> tuple[int, str] | None:
    """None if `login()` works; otherwise its (error code, message)."""
    try:
        login().close()
    except pymysql.err.OperationalError as exc:
        return int(exc.args[0]), str(exc.args[1])
    return None


# -- fixtures -------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def proxy_cert(tmp_path_factory: pytest.TempPathFactory) -> TlsFiles:
    """The proxy's own self-signed certificate (another CA than the backend's)."""
    return make_tls_files(tmp_path_factory.mktemp("proxy-tls"), "jasmine-proxy")


@pytest.fixture(scope="module")
def tls_proxy(private_mariadb: PrivateMariaDB, proxy_cert: TlsFiles) -> Iterator[Proxy]:
    """A proxy offering TLS to clients, without --proxy-protocol."""
    proxy = start_proxy(private_mariadb, proxy_cert)
    yield proxy
    stop_proxy(proxy)


@pytest.fixture(scope="module")
def pp_proxy(private_mariadb: PrivateMariaDB, proxy_cert: TlsFiles) -> Iterator[Proxy]:
    """A proxy offering TLS to clients and sending a PROXY header to the backend."""
    proxy = start_proxy(private_mariadb, proxy_cert, "--proxy-protocol")
    yield proxy
    stop_proxy(proxy)


@pytest.fixture
def scratch_db(private_mariadb: PrivateMariaDB) -> Iterator[str]:
    """A fresh database on the private server, dropped afterwards."""
    name = f"jt_{uuid.uuid4().hex[:10]}"
    private_mariadb.execute(f"CREATE DATABASE `{name}`")
    yield name
    private_mariadb.execute(f"DROP DATABASE IF EXISTS `{name}`")


@pytest.fixture
def ssl_user(private_mariadb: PrivateMariaDB) -> Iterator[tuple[str, str]]:
    """An account created REQUIRE SSL, dropped afterwards."""
    name, password = f"ju_{uuid.uuid4().hex[:8]}", "pw-" + uuid.uuid4().hex[:8]
    private_mariadb.execute(f"CREATE USER '{name}'@'%' IDENTIFIED BY '{password}' REQUIRE SSL")
    yield name, password
    private_mariadb.execute(f"DROP USER IF EXISTS '{name}'@'%'")


@pytest.fixture
def host_cache(private_mariadb: PrivateMariaDB) -> Iterator[None]:
    """The backend's host cache (connect-error counts, blocked hosts) empty before and after."""
    private_mariadb.execute("FLUSH HOSTS")
    yield
    private_mariadb.execute("FLUSH HOSTS")


# -- a. TLS mirroring -----------------------------------------------------------------------------
@pytest.mark.parametrize("tls", [True, False], ids=["tls-client", "plain-client"])
def test_backend_leg_mirrors_the_clients_tls(
    tls_proxy: Proxy, proxy_cert: TlsFiles, tls: bool
) -> None:
    with connect(tls_proxy.port, tls=tls) as conn:
        client_leg = conn._sock
        assert isinstance(client_leg, ssl.SSLSocket) == tls
        if tls:  # the client's TLS ends at the proxy, with the proxy's own certificate
            pem = proxy_cert.cert.read_text()
            assert client_leg.getpeercert(binary_form=True) == ssl.PEM_cert_to_DER_cert(pem)
        cipher = ssl_cipher(conn)
        assert bool(cipher) == tls, f"backend leg cipher {cipher!r} for a TLS={tls} client"


def test_require_ssl_account_needs_a_tls_client(
    tls_proxy: Proxy, ssl_user: tuple[str, str]
) -> None:
    name, password = ssl_user
    refused = login_error(lambda: connect(tls_proxy.port, tls=False, user=name, password=password))
    assert refused is not None, "a REQUIRE SSL account logged in over plain text"
    assert refused[0] == 1045, refused
    with connect(tls_proxy.port, tls=True, user=name, password=password) as conn:
        assert one(conn, "SELECT CURRENT_USER()") == (f"{name}@%",)
        assert ssl_cipher(conn)


# -- b. --proxy-protocol ---------------------------------------------------------------------------
@pytest.mark.parametrize("tls", [False, True], ids=["plain-client", "tls-client"])
def test_proxy_protocol_shows_the_clients_address(pp_proxy: Proxy, tls: bool) -> None:
    with connect(pp_proxy.port, tls=tls, bind=OTHER_HOST) as conn:
        client_port = conn._sock.getsockname()[1]
        assert backend_view(conn) == (f"root@{OTHER_HOST}", f"{OTHER_HOST}:{client_port}")
        assert bool(ssl_cipher(conn)) == tls


def test_without_proxy_protocol_the_backend_sees_the_proxy(
    private_mariadb: PrivateMariaDB, tls_proxy: Proxy
) -> None:
    # How this server names the two addresses when clients connect directly: with name
    # resolution on, MariaDB calls 127.0.0.1 "localhost" (without a lookup).
    for source, host in (("127.0.0.1", "localhost"), (OTHER_HOST, OTHER_HOST)):
        with private_mariadb.connect(bind_address=source, ssl_disabled=True) as conn:
            port = conn._sock.getsockname()[1]
            assert backend_view(conn) == (f"root@{host}", f"{host}:{port}")
    # Through the proxy, a client on 127.0.0.2 is seen as the proxy: 127.0.0.1.
    with connect(tls_proxy.port, tls=False, bind=OTHER_HOST) as conn:
        client_port = conn._sock.getsockname()[1]
        user, host = backend_view(conn)
        assert user == "root@localhost"
        assert host.startswith("localhost:")
        assert host != f"localhost:{client_port}"


# -- c. big rows ----------------------------------------------------------------------------------
class PeakRss:
    """Samples VmRSS of `pid` every 10 ms in a thread, besides the kernel's VmHWM."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_kib = proc_kib(pid, "VmRSS")
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.01):
            try:
                self.peak_kib = max(self.peak_kib, proc_kib(self.pid, "VmRSS"))
            except (OSError, LookupError):
                return

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)


@pytest.mark.slow
@pytest.mark.parametrize("tls", [False, True], ids=["plain", "tls"])
def test_a_64_mib_row_both_ways_in_bounded_memory(
    private_mariadb: PrivateMariaDB, proxy_cert: TlsFiles, scratch_db: str, tls: bool
) -> None:
    size = 64 * MiB
    payload = random.Random(size).randbytes(size)
    digest = hashlib.sha256(payload).hexdigest()
    proxy = start_proxy(private_mariadb, proxy_cert)  # its own process: a peak of its own
    try:
        with connect(
            proxy.port,
            tls=tls,
            database=scratch_db,
            max_allowed_packet=256 * MiB,  # pymysql sends bytes as hex: a 128 MiB INSERT
            autocommit=True,
            read_timeout=120,
            write_timeout=120,
        ) as conn:
            one(conn, "CREATE TABLE big (id INT PRIMARY KEY, b LONGBLOB) ENGINE=InnoDB")
            baseline_kib = proc_kib(proxy.proc.pid, "VmRSS")
            began = time.monotonic()
            with PeakRss(proxy.proc.pid) as sampled:
                one(conn, "INSERT INTO big VALUES (1, %s)", (payload,))
                assert one(conn, "SELECT LENGTH(b), SHA2(b, 256) FROM big") == (size, digest)
                (back,) = one(conn, "SELECT b FROM big WHERE id = 1")
            took = time.monotonic() - began
        hwm_kib = proc_kib(proxy.proc.pid, "VmHWM")
    finally:
        stop_proxy(proxy)
    assert len(back) == size
    assert hashlib.sha256(back).hexdigest() == digest
    growth_mib = (max(hwm_kib, sampled.peak_kib) - baseline_kib) / 1024
    print(
        f"\n64 MiB row, tls={tls}: {took:.1f} s; proxy RSS {baseline_kib / 1024:.0f} MiB "
        f"before, peak {hwm_kib / 1024:.0f} MiB (VmHWM), {sampled.peak_kib / 1024:.0f} MiB "
        f"(sampled): +{growth_mib:.1f} MiB for 128 MiB in and 64 MiB out"
    )
    assert growth_mib < 16, f"the proxy held {growth_mib:.0f} MiB for a 64 MiB row"


def cext_missing() -> str | None:
    try:
        import mysql.connector.connection_cext  # noqa: F401
    except ImportError as exc:
        return f"mysql-connector C extension unavailable: {exc}"
    return None


def connector(port: int, database: str, *, use_pure: bool = True) -> Any:
    return mysql.connector.connect(
        host="127.0.0.1",
        port=port,
        user="root",
        database=database,
        use_pure=use_pure,
        ssl_disabled=True,
        autocommit=True,
        connection_timeout=60,
    )


def session_counter(conn: Any, name: str) -> int:
    cur = conn.cursor()
    cur.execute(f"SHOW SESSION STATUS LIKE '{name}'")
    value = int(cur.fetchall()[0][1])
    cur.close()
    return value


@pytest.fixture(scope="module")
def big_value() -> bytes:
    """20 MiB: more than one 16 MiB packet, whichever way it goes."""
    return random.Random(20).randbytes(20 * MiB)


@pytest.fixture
def big_row(private_mariadb: PrivateMariaDB, scratch_db: str, big_value: bytes) -> str:
    """`scratch_db` with table big holding (1, big_value), written directly (not proxied)."""
    with private_mariadb.connect(database=scratch_db, max_allowed_packet=64 * MiB) as conn:
        one(conn, "CREATE TABLE big (id INT PRIMARY KEY, b LONGBLOB) ENGINE=InnoDB")
        one(conn, "INSERT INTO big VALUES (1, %s)", (big_value,))
    return scratch_db


def test_a_20_mib_value_into_a_prepared_statement(
    tls_proxy: Proxy, scratch_db: str, big_value: bytes
) -> None:
    """COM_STMT_EXECUTE with a 20 MiB parameter: a command of two packets, through the relay."""
    digest = hashlib.sha256(big_value).hexdigest()
    conn = connector(tls_proxy.port, scratch_db)
    try:
        cur: Any = conn.cursor()
        cur.execute("CREATE TABLE big (id INT PRIMARY KEY, b LONGBLOB) ENGINE=InnoDB")
        cur.close()
        executed_before = session_counter(conn, "Com_stmt_execute")
        prepared: Any = conn.cursor(prepared=True)
        prepared.execute("INSERT INTO big VALUES (?, ?)", (1, big_value))
        prepared.execute("SELECT LENGTH(b), SHA2(b, 256) FROM big WHERE id = ?", (1,))
        rows = prepared.fetchall()
        prepared.close()
        executed = session_counter(conn, "Com_stmt_execute") - executed_before
    finally:
        conn.close()
    assert [(length, str(sha)) for length, sha in rows] == [(len(big_value), digest)]
    assert executed == 2, "the statements did not run as server-side prepared statements"


# A bare client for the binary protocol: no driver between the test and the bytes.
def read_logical(client: RawClient, raw: list[bytes]) -> bytes:
    """One logical packet (joining 16 MiB - 1 continuations); its physical packets go to `raw`."""
    parts = []
    while True:
        head = client.read_exact(4)
        length = int.from_bytes(head[:3], "little")
        body = client.read_exact(length)
        raw.append(head + body)
        parts.append(body)
        if length < protocol.MAX_PAYLOAD:
            return b"".join(parts)


def lenenc(data: bytes, pos: int) -> tuple[int, int]:
    """(value, position after it) of the length-encoded integer at `pos`."""
    first = data[pos]
    size = {0xFC: 2, 0xFD: 3, 0xFE: 8}.get(first, 0)
    if not size:
        return first, pos + 1
    return int.from_bytes(data[pos + 1 : pos + 1 + size], "little"), pos + 1 + size


def prepared_blob(port: int, database: str, sql: str, param: int) -> tuple[bytes, list[bytes]]:
    """Prepare `sql` (one INT parameter, one BLOB column), execute it with `param`, return the
    first column of the first row and every raw packet of the execute response."""
    client = RawClient(port, db=database)
    try:
        assert client.login_reply[:1] == b"\x00", client.login_reply
        client.write_packet(b"\x16" + sql.encode())  # COM_STMT_PREPARE
        scratch: list[bytes] = []
        ok = read_logical(client, scratch)
        assert ok[:1] == b"\x00", ok
        stmt_id, columns, params = struct.unpack_from("<IHH", ok, 1)
        assert (columns, params) == (1, 1)
        for _ in range(params + 1 + columns + 1):  # definitions, EOF, definitions, EOF
            read_logical(client, scratch)
        # COM_STMT_EXECUTE: no cursor, 1 iteration, null bitmap, types bound, LONG, the value
        execute = struct.pack("<BIBIBBHi", 0x17, stmt_id, 0, 1, 0, 1, 0x03, param)
        client.write_packet(execute)
        raw: list[bytes] = []
        count, _ = lenenc(read_logical(client, raw), 0)
        assert count == 1
        read_logical(client, raw)  # the column definition
        assert read_logical(client, raw)[:1] == b"\xfe"  # EOF
        rows = []
        while (packet := read_logical(client, raw))[:1] != b"\xfe":  # rows up to the EOF
            rows.append(packet)
        client.write_packet(struct.pack("<BI", 0x19, stmt_id))  # COM_STMT_CLOSE (no answer)
    finally:
        client.close()
    assert len(rows) == 1
    (row,) = rows
    assert row[:2] == b"\x00\x00", row[:16]  # row header, null bitmap (3 bits: no NULLs)
    length, pos = lenenc(row, 2)
    value = row[pos : pos + length]
    assert len(value) == length
    return value, raw


def test_a_20_mib_row_out_of_a_prepared_statement(
    private_mariadb: PrivateMariaDB, tls_proxy: Proxy, big_row: str, big_value: bytes
) -> None:
    """A binary-protocol row of two packets reaches the client byte for byte as sent direct."""
    sql = "SELECT b FROM big WHERE id = ?"
    proxied, proxied_raw = prepared_blob(tls_proxy.port, big_row, sql, 1)
    direct, direct_raw = prepared_blob(private_mariadb.port, big_row, sql, 1)
    assert [len(p) for p in proxied_raw] == [len(p) for p in direct_raw]
    assert len(proxied_raw) == 6  # count, definition, EOF, row in 2 packets, EOF
    assert proxied_raw == direct_raw
    assert hashlib.sha256(proxied).digest() == hashlib.sha256(big_value).digest()
    assert direct == proxied


@pytest.mark.parametrize(
    "use_pure",
    [
        pytest.param(
            True,
            id="pure",
            marks=pytest.mark.xfail(
                strict=True,
                raises=AssertionError,
                reason="mysql-connector-python's pure-Python read_binary_result does not join a "
                "row continued past 16 MiB: it returns the first 16 MiB - 12 bytes, direct to "
                "MariaDB too (the raw-protocol test above covers the proxy)",
            ),
        ),
        pytest.param(
            False,
            id="cext",
            marks=pytest.mark.skipif(cext_missing() is not None, reason=str(cext_missing())),
        ),
    ],
)
def test_a_20_mib_row_out_of_mysql_connector_prepared(
    tls_proxy: Proxy, big_row: str, big_value: bytes, use_pure: bool
) -> None:
    conn = connector(tls_proxy.port, big_row, use_pure=use_pure)
    try:
        prepared: Any = conn.cursor(prepared=True)
        prepared.execute("SELECT b FROM big WHERE id = ?", (1,))
        rows = prepared.fetchall()
        prepared.close()
    finally:
        conn.close()
    assert len(rows) == 1
    (back,) = rows[0]
    assert len(back) == len(big_value)
    assert hashlib.sha256(bytes(back)).digest() == hashlib.sha256(big_value).digest()


# -- d. max_connect_errors ------------------------------------------------------------------------
def test_the_backend_blocks_127_0_0_2_but_never_127_0_0_1(
    private_mariadb: PrivateMariaDB, host_cache: None
) -> None:
    """The server behaviour the tests below rely on, with no proxy involved."""
    before = global_status(private_mariadb, "Aborted_connects")
    for source in ("127.0.0.1", OTHER_HOST):
        abort_logins(private_mariadb.port, source, 3 * MAX_CONNECT_ERRORS)
    wait_aborted(private_mariadb, before, 6 * MAX_CONNECT_ERRORS)

    assert login_error(lambda: private_mariadb.connect(bind_address="127.0.0.1")) is None
    blocked = login_error(lambda: private_mariadb.connect(bind_address=OTHER_HOST))
    assert blocked is not None
    assert blocked[0] == 1129
    assert f"Host '{OTHER_HOST}' is blocked" in blocked[1]
    private_mariadb.execute("FLUSH HOSTS")
    assert login_error(lambda: private_mariadb.connect(bind_address=OTHER_HOST)) is None


@pytest.mark.slow
def test_clients_leaving_early_do_not_get_the_proxy_blocked(
    private_mariadb: PrivateMariaDB, tls_proxy: Proxy, host_cache: None
) -> None:
    """The proxy connects to the backend from 127.0.0.1, which MariaDB never blocks."""
    before = global_status(private_mariadb, "Connections")
    abort_logins(tls_proxy.port, OTHER_HOST, ABORTING_CLIENTS)
    wait_connections(private_mariadb, before, ABORTING_CLIENTS)
    for source in ("127.0.0.1", OTHER_HOST):
        with connect(tls_proxy.port, tls=False, bind=source) as conn:
            assert one(conn, "SELECT 1") == (1,)
    assert "Traceback" not in tls_proxy.log, tls_proxy.log


@pytest.mark.slow
def test_with_proxy_protocol_the_backend_blocks_the_client_not_the_proxy(
    private_mariadb: PrivateMariaDB, pp_proxy: Proxy, host_cache: None
) -> None:
    """With a PROXY header the aborted handshakes count against the client's address: that
    client is blocked (as it would be connecting directly), every other client gets in."""
    before = global_status(private_mariadb, "Aborted_connects")
    abort_logins(pp_proxy.port, OTHER_HOST, ABORTING_CLIENTS)
    wait_aborted(private_mariadb, before, ABORTING_CLIENTS)
    for source, host in (("127.0.0.1", "localhost"), ("127.0.0.3", "127.0.0.3")):
        with connect(pp_proxy.port, tls=False, bind=source) as conn:
            assert backend_view(conn)[0] == f"root@{host}"
    # the errors were counted against 127.0.0.2 itself: it is blocked even without the proxy
    blocked = login_error(lambda: private_mariadb.connect(bind_address=OTHER_HOST))
    assert blocked is not None
    assert blocked[0] == 1129
    assert f"Host '{OTHER_HOST}' is blocked" in blocked[1]


def wait_connections(server: PrivateMariaDB, before: int, count: int) -> None:
    """Wait until the backend has seen `count` connections since `before` (the proxy ends the
    backend handshake of each client that left with a login of its own: no aborted connects)."""
    assert wait_until(lambda: global_status(server, "Connections") - before >= count, 60)


def slow_login(port: int, source: str, delay: float) -> bytes:
    """Log in as root (empty password) from `source`, answering the greeting only after `delay`
    seconds; the payload of the first packet that answers the login."""
    with socket.socket() as sock:
        sock.settimeout(3)  # a refusal comes in milliseconds; no answer is a hang
        sock.bind((source, 0))
        sock.connect(("127.0.0.1", port))
        seq, greeting = read_packet(sock)
        assert greeting[:1] == b"\x0a", greeting
        time.sleep(delay)
        caps = 0x00000001 | 0x00000200 | 0x00008000 | 0x00080000  # PROTOCOL_41, PLUGIN_AUTH
        body = struct.pack("<IIB", caps, 1 << 24, 45) + bytes(23) + b"root\0\0"
        sock.sendall(protocol.frame(body + b"mysql_native_password\0", seq + 1))
        return read_packet(sock)[1]


def read_packet(sock: socket.socket) -> tuple[int, bytes]:
    def exact(n: int) -> bytes:
        data = b""
        while len(data) < n:
            chunk = sock.recv(n - len(data))
            if not chunk:
                raise ConnectionError("closed by the proxy")
            data += chunk
        return data

    length, seq = protocol.header(exact(4))
    return seq, exact(length)


@pytest.mark.parametrize("refusal", ["host-blocked", "header-refused"])
def test_a_backend_refusal_after_the_greeting_reaches_the_client(
    private_mariadb: PrivateMariaDB, proxy_cert: TlsFiles, host_cache: None, refusal: str
) -> None:
    """MariaDB reads the PROXY header with the client's first packet, after its greeting, and
    refuses there: 1129 for a blocked client address, 1130 for a proxy outside
    proxy_protocol_networks. The client must get that error, not a hang."""
    proxy = start_proxy(private_mariadb, proxy_cert, "--proxy-protocol")
    try:
        if refusal == "host-blocked":
            source, code = OTHER_HOST, 1129
            before = global_status(private_mariadb, "Aborted_connects")
            abort_logins(proxy.port, source, MAX_CONNECT_ERRORS)
            wait_aborted(private_mariadb, before, MAX_CONNECT_ERRORS)
        else:
            source, code = "127.0.0.1", 1130
            private_mariadb.execute("SET GLOBAL proxy_protocol_networks = '127.0.0.2/32'")
        try:
            # the delay makes the backend's ERR arrive before the client's login, every time
            reply = slow_login(proxy.port, source, delay=0.5)
        finally:
            private_mariadb.execute(
                f"SET GLOBAL proxy_protocol_networks = '{PROXY_PROTOCOL_NETWORKS}'"
            )
    finally:
        proxy.stop()
    assert reply[:3] == b"\xff" + code.to_bytes(2, "little"), reply


#: Loaded by the proxy's interpreter (PYTHONPATH): binds the proxy's sockets to the backend to
#: a source address, as if the proxy ran on another machine. jasmine-proxy has no option for its
#: source address.
SOURCE_ADDRESS_SHIM = """\
import os
import socket

_source = os.environ["JASMINE_TEST_SOURCE_ADDRESS"]
_host, _port = os.environ["JASMINE_TEST_SOURCE_FOR"].rsplit(":", 1)
_connect = socket.socket.connect


def connect(self, address):
    if (
        self.family == socket.AF_INET
        and tuple(address[:2]) == (_host, int(_port))
        and self.getsockname()[1] == 0
    ):
        self.bind((_source, 0))
    return _connect(self, address)


socket.socket.connect = connect
"""


@pytest.fixture
def remote_proxy(
    private_mariadb: PrivateMariaDB,
    proxy_cert: TlsFiles,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Proxy]:
    """A proxy that connects to the backend from 127.0.0.2 (no --proxy-protocol)."""
    (tmp_path / "sitecustomize.py").write_text(SOURCE_ADDRESS_SHIM)
    path = [str(tmp_path), *filter(None, [os.environ.get("PYTHONPATH")])]
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(path))
    monkeypatch.setenv("JASMINE_TEST_SOURCE_ADDRESS", OTHER_HOST)
    monkeypatch.setenv("JASMINE_TEST_SOURCE_FOR", f"{private_mariadb.host}:{private_mariadb.port}")
    proxy = start_proxy(private_mariadb, proxy_cert)
    monkeypatch.undo()
    yield proxy
    stop_proxy(proxy)


@pytest.mark.slow
def test_clients_leaving_early_do_not_get_a_remote_proxy_blocked(
    private_mariadb: PrivateMariaDB, remote_proxy: Proxy, host_cache: None
) -> None:
    with connect(remote_proxy.port, tls=False) as conn:  # the shim works: the proxy is remote
        assert backend_view(conn)[0] == f"root@{OTHER_HOST}"
    before = global_status(private_mariadb, "Connections")
    abort_logins(remote_proxy.port, "127.0.0.1", ABORTING_CLIENTS)
    wait_connections(private_mariadb, before, ABORTING_CLIENTS)
    assert login_error(lambda: private_mariadb.connect(bind_address=OTHER_HOST)) is None
    with connect(remote_proxy.port, tls=False) as conn:
        assert one(conn, "SELECT 1") == (1,)
