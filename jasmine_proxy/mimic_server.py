"""The embedded backend's MySQL server, built on mysql-mimic's Connection (asyncio).

With SQLite there is no backend to relay to, so this is a whole MySQL server: mysql-mimic
does the handshake, mysql_native_password authentication (with an auth switch for clients that
start with another plugin) and the command loop; each statement runs on the client's own
`embedded.EmbeddedSession` in a worker thread (one sqlite3 connection per client, calls
serialized). Jasmine's extended statements (`intercept.is_extended`) go to the executor first,
exactly as on the relay, with a `ClientSession` whose `query` runs on that same session.

mysql-mimic 3.0.5 defects worked around here (see also `mimic`):

* it parses and answers SET/SHOW/USE/BEGIN itself in `Session`: this module uses only
  `BaseSession`, so every statement reaches the embedded engine;
* it claims autocommit off at handshake and never reports a transaction: status flags are set
  from the engine before every reply;
* its OK packet after a query carries no affected rows or insert id: `handle_query` sends them;
* its column definitions carry no decimals: result sets are written here, with the scale;
* a failed login leaves the connection open (and an unknown user gets a non-MySQL error):
  here every failure is `1045 Access denied for user 'u'@'host' (using password: YES|NO)`,
  SQLSTATE 28000, and the connection is closed;
* its prepared-statement emulation pastes parameters into the SQL unescaped and cannot read
  DECIMAL, date or time parameters: COM_STMT_EXECUTE is read here (`read_execute`), each
  parameter becomes an escaped MySQL literal, and the reply carries affected rows and insert id;
* its ERR packets take the SQLSTATE from a table that lacks many codes: Jasmine's own
  `errors.mysql_error` decides them.

TLS is not offered on the embedded backend (mysql-mimic's `start_tls` loses a ClientHello that
arrives with the SSL request).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
import secrets
import socket
import struct
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from mysql_mimic import packets
from mysql_mimic.auth import IdentityProvider, NativePasswordAuthPlugin, User
from mysql_mimic.charset import CharacterSet
from mysql_mimic.connection import Connection
from mysql_mimic.constants import DEFAULT_SERVER_CAPABILITIES
from mysql_mimic.control import LocalControl
from mysql_mimic.results import ResultColumn, ResultSet
from mysql_mimic.session import BaseSession
from mysql_mimic.stream import ConnectionClosed, MysqlStream
from mysql_mimic.types import Capabilities, ColumnDefinition, ColumnType, ServerStatus
from mysql_mimic.variables import SYSTEM_VARIABLES, GlobalVariables, SessionVariables

from jasmine_proxy import protocol
from jasmine_proxy.config import Settings
from jasmine_proxy.embedded import SERVER_VERSION, EmbeddedSession, Ok, Outcome, Rows
from jasmine_proxy.errors import BackendRejected, JasmineError, mysql_error
from jasmine_proxy.extended import ClientSession, Executor
from jasmine_proxy.intercept import is_extended
from jasmine_proxy.mimic import encode_result
from jasmine_proxy.sqltext import split_placeholders, sql_literal

logger = logging.getLogger(__name__)
T = TypeVar("T")

CAPABILITIES = (
    DEFAULT_SERVER_CAPABILITIES
    | Capabilities.CLIENT_TRANSACTIONS
    | Capabilities.CLIENT_FOUND_ROWS
    | Capabilities.CLIENT_LONG_FLAG
    | Capabilities.CLIENT_MULTI_RESULTS
) & ~Capabilities.CLIENT_QUERY_ATTRIBUTES

_VARIABLES = dict(SYSTEM_VARIABLES)
_VARIABLES["version"] = (str, SERVER_VERSION, False)
_VARIABLES["version_comment"] = (str, "Jasmine embedded backend (SQLite)", False)


class LoginFailed(Exception):
    pass


class _EngineFailed(Exception):
    def __init__(self, error: JasmineError) -> None:
        super().__init__(str(error))
        self.error = error


class _Identity(IdentityProvider):
    """The one account of the embedded server (`--user/--password`)."""

    def __init__(self, user: str, password: str) -> None:
        self.user = user
        self.auth_string = (
            NativePasswordAuthPlugin.create_auth_string(password) if password else None
        )

    def get_plugins(self) -> list[NativePasswordAuthPlugin]:
        return [NativePasswordAuthPlugin()]

    async def get_user(self, username: str) -> User | None:
        if username == self.user:
            return User(name=username, auth_string=self.auth_string)
        # another name: a password nobody can know, so the login fails like a wrong password
        return User(name=username, auth_string=secrets.token_hex(20))


class _Session(BaseSession):
    """mysql-mimic's view of a client session: the variables it reads, the engine behind."""

    def __init__(self, path: str) -> None:
        self.variables = SessionVariables(GlobalVariables(_VARIABLES))
        self.username: str | None = None
        self.database: str | None = None
        self.path = path
        self.engine: EmbeddedSession | None = None
        # one thread per client: its SQLite calls in order, and a client waiting for the
        # write lock never starves the others of threads (a shared pool could deadlock)
        self.thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="jasmine-client")

    async def run(self, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """`func(*args)` on this client's own thread."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.thread, functools.partial(func, *args, **kwargs))

    async def use(self, database: str) -> None:
        assert self.engine is not None
        await self.run(self.engine.use, database)
        self.database = database

    async def handle_query(self, sql: str, attrs: dict[str, str]) -> Any:
        """Only COM_FIELD_LIST comes this way (as SHOW COLUMNS)."""
        assert self.engine is not None
        outcome = await self.run(self.engine.execute, sql)
        return _result_set(outcome) if isinstance(outcome, Rows) else None

    async def close(self) -> None:
        if self.engine is not None:
            await self.run(self.engine.close)
        self.thread.shutdown(wait=False)


class EmbeddedConnection(Connection):
    """One client of the embedded server."""

    def __init__(
        self,
        stream: MysqlStream,
        session: _Session,
        control: LocalControl,
        identity: _Identity,
        executor: Executor,
        peer: str,
    ) -> None:
        super().__init__(
            stream=stream,
            session=session,
            control=control,
            identity_provider=identity,
            server_capabilities=CAPABILITIES,
        )
        self.embedded = session
        self.executor = executor
        self.peer = peer
        self.status_flags = ServerStatus.SERVER_STATUS_AUTOCOMMIT
        self._param_types: dict[int, list[tuple[int, bool]]] = {}  # statement id -> types

    @property
    def engine(self) -> EmbeddedSession:
        assert self.embedded.engine is not None
        return self.embedded.engine

    async def serve(self) -> None:
        """Login, then commands until the client leaves; a failed login closes at once."""
        try:
            try:
                await self.connection_phase()
            except (LoginFailed, ConnectionClosed, ConnectionError, asyncio.IncompleteReadError):
                return
            if self.embedded.engine is not None:
                await self.command_phase()
        finally:
            await self.session.close()

    async def _open_engine(self) -> None:
        database = self.embedded.database
        found_rows = Capabilities.CLIENT_FOUND_ROWS in self.capabilities
        try:
            engine = await self.embedded.run(
                EmbeddedSession,
                self.embedded.path,
                user=self.embedded.username or "",
                connection_id=self.connection_id,
                database=database,
                found_rows=found_rows,
            )
        except JasmineError as exc:
            raise _EngineFailed(exc) from None
        self.embedded.engine = engine

    async def authenticate(
        self, username: str, auth_response: bytes, *args: Any, **kwargs: Any
    ) -> None:
        """mysql-mimic's authentication, with MySQL's failure: 1045 and the connection closed."""
        stream: MysqlStream = self.__dict__["stream"]
        failed: list[bytes] = []
        self.stream = _LoginStream(stream, failed, self._open_engine)
        try:
            await super().authenticate(username, auth_response, *args, **kwargs)
        except _EngineFailed as failure:
            self.stream = stream
            await stream.write(self._error(failure.error))
            raise LoginFailed(str(failure.error)) from None
        finally:
            self.stream = stream
        if failed or self.session.username is None:
            using = "YES" if auth_response else "NO"
            host = self.peer.rsplit(":", 1)[0]
            message = f"Access denied for user '{username}'@'{host}' (using password: {using})"
            payload = protocol.error_payload(1045, "28000", message)
            await self.stream.write(payload)
            logger.info("login refused: %s", message)
            raise LoginFailed(message)

    async def handle_query(self, data: bytes) -> None:
        com_query = packets.parse_com_query(
            capabilities=self.capabilities, client_charset=self.client_charset, data=data
        )
        await self.answer(com_query.sql)

    async def handle_change_user(self, data: bytes) -> None:
        await self.stream.write(self._error(_NotSupported("COM_CHANGE_USER")))

    async def handle_reset_connection(self, data: bytes) -> None:
        engine = self.engine
        await self.embedded.run(engine.reset)
        self._sync_status()
        await self.stream.write(self.ok())

    async def handle_init_db(self, data: bytes) -> None:
        try:
            await self.session.use(packets.parse_com_init_db(self.client_charset, data))
        except JasmineError as exc:
            await self.stream.write(self._error(exc))
            return
        await self.stream.write(self.ok())

    async def handle_stmt_execute(self, data: bytes) -> None:
        """COM_STMT_EXECUTE: parameters read here and inlined as escaped literals."""
        try:
            stmt = self.get_stmt(struct.unpack_from("<I", data, 0)[0])
            types = self._param_types.setdefault(stmt.stmt_id, [])
            params = read_execute(data, stmt.num_params, stmt.param_buffers or {}, types)
            stmt.param_buffers = None
            parts = split_placeholders(stmt.sql)
            if len(parts) - 1 != len(params):
                raise BackendRejected("Incorrect arguments to EXECUTE", 1210, "HY000")
            sql = parts[0] + "".join(
                sql_literal(v) + p for v, p in zip(params, parts[1:], strict=True)
            )
            outcome = await self.embedded.run(self.engine.execute, sql)
        except Exception as exc:
            if not isinstance(exc, JasmineError):
                logger.exception("prepared statement failed unexpectedly")
            self._sync_status()
            await self.stream.write(self._error(exc))
            return
        await self._reply(outcome, binary=True)

    async def query(self, sql: str, query_attrs: dict[str, str]) -> ResultSet:
        """The prepared-statement path of mysql-mimic: results only; an OK is an empty set."""
        outcome = await self.embedded.run(self.engine.execute, sql)
        self._sync_status()
        return _result_set(outcome) if isinstance(outcome, Rows) else ResultSet([], [])

    async def answer(self, sql: str) -> None:
        """Run one COM_QUERY and write its reply."""
        try:
            if is_extended(sql.encode("utf-8", "replace")[:512]):
                await self._extended(sql)
                return
            quick = self.engine.quick(sql)  # a known point SELECT: no thread hop
            outcome = (
                quick if quick is not None else await self.embedded.run(self.engine.execute, sql)
            )
        except Exception as exc:
            if not isinstance(exc, JasmineError):
                logger.exception("statement failed unexpectedly: %s", sql[:200])
            self._sync_status()
            await self.stream.write(self._error(exc))
            return
        await self._reply(outcome)

    async def _reply(self, outcome: Ok | Rows, binary: bool = False) -> None:
        """An OK packet (affected rows, insert id, warnings) or the result set, with the
        session's status flags as they are now."""
        self._sync_status()
        if isinstance(outcome, Ok):
            await self.stream.write(
                self.ok(
                    affected_rows=outcome.affected_rows,
                    last_insert_id=outcome.last_insert_id,
                    warnings=outcome.warnings,
                )
            )
            return
        await self._write_rows(outcome, binary=binary)

    async def _extended(self, sql: str) -> None:
        session = ClientSession(
            self.embedded.username or "", self.connection_id, self.peer, self.engine.query
        )
        result = await self.embedded.run(self.executor.execute, sql, session)
        self._sync_status()
        for payload in await encode_result(result, self.capabilities, self.status_flags):
            await self.stream.write(payload, drain=False)
        await self.stream.drain()

    async def _write_rows(self, outcome: Rows, binary: bool = False) -> None:
        rs = _result_set(outcome)
        header = [
            packets.make_column_count(capabilities=self.capabilities, column_count=len(rs.columns))
        ]
        unsigned = _unsigned_columns(rs.columns, outcome.rows) if binary else set()
        for i, (col, (_, t)) in enumerate(zip(rs.columns, outcome.columns, strict=True)):
            header.append(
                packets.make_column_definition_41(
                    server_charset=self.server_charset,
                    name=col.name,
                    column_type=col.type,
                    character_set=col.character_set,
                    decimals=t.decimals,
                    column_length=_length(t.code),
                    flags=ColumnDefinition.UNSIGNED_FLAG if i in unsigned else ColumnDefinition(0),
                )
            )
        if not self.deprecate_eof():
            header.append(self.eof())
        self.stream.write_many(header)
        if outcome.rows and binary:
            times = [i for i, c in enumerate(rs.columns) if c.type == ColumnType.TIME]
            rows = outcome.rows
            if unsigned:  # BIGINT UNSIGNED past 2^63: its 8 bytes, read back unsigned
                rows = [_wrapped(r, unsigned) for r in rows]
            self.stream.write_many(
                [packets.make_binary_resultrow(_binary_values(r, times), rs.columns) for r in rows]
            )
        elif outcome.rows:
            self.stream.write_text_rows(outcome.rows, rs.columns)
        await self.stream.write(self.ok_or_eof(), drain=False)
        await self.stream.drain()

    def _sync_status(self) -> None:
        engine = self.embedded.engine
        flags = ServerStatus(0)
        if engine is None or engine.autocommit:
            flags |= ServerStatus.SERVER_STATUS_AUTOCOMMIT
        if engine is not None and engine.in_transaction:
            flags |= ServerStatus.SERVER_STATUS_IN_TRANS
        self.status_flags = flags

    def _error(self, exc: BaseException) -> bytes:
        code, sqlstate, message = mysql_error(exc)
        protocol_41 = Capabilities.CLIENT_PROTOCOL_41 in self.capabilities
        return protocol.error_payload(code, sqlstate, message, protocol_41=protocol_41)


class _LoginStream:
    """The stream during authentication: mysql-mimic's ERR is kept back (MySQL's 1045 is sent
    instead), and its OK waits until the client's engine is open (an unknown database fails
    the login with 1049, as on MySQL)."""

    def __init__(
        self, stream: MysqlStream, failed: list[bytes], before_ok: Callable[[], Awaitable[None]]
    ) -> None:
        self._stream = stream
        self._failed = failed
        self._before_ok = before_ok

    async def write(self, data: bytes, drain: bool = True) -> None:
        if data[:1] == b"\xff":
            self._failed.append(data)
            return
        if data[:1] == b"\x00":
            await self._before_ok()
        await self._stream.write(data, drain)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


class _NotSupported(JasmineError):
    code = 1235
    sqlstate = "42000"

    def __init__(self, what: str) -> None:
        super().__init__(f"not supported on the embedded backend: {what}")


def _unsigned_columns(columns: list[ResultColumn], rows: list[tuple[Any, ...]]) -> set[int]:
    """LONGLONG columns holding a value past 2^63 - 1: sent as BIGINT UNSIGNED in the binary
    protocol (which packs a signed 64-bit integer otherwise, and failed on them)."""
    longlong = [i for i, c in enumerate(columns) if c.type == ColumnType.LONGLONG]
    return {i for i in longlong if any(isinstance(r[i], int) and r[i] >= 2**63 for r in rows)}


def _wrapped(row: tuple[Any, ...], unsigned: set[int]) -> tuple[Any, ...]:
    values = list(row)
    for i in unsigned:
        if isinstance(values[i], int) and values[i] >= 2**63:
            values[i] -= 2**64
    return tuple(values)


def _binary_values(row: tuple[Any, ...], times: list[int]) -> tuple[Any, ...]:
    """TIME values are kept as text ('-01:30:00'); the binary protocol wants timedeltas."""
    if not times:
        return row
    values = list(row)
    for i in times:
        v = values[i]
        if isinstance(v, str):
            m = re.match(r"(-?)(\d+):(\d\d)(?::(\d\d))?(?:\.(\d+))?", v)
            if m:
                delta = timedelta(
                    hours=int(m.group(2)),
                    minutes=int(m.group(3)),
                    seconds=int(m.group(4) or 0),
                    microseconds=int((m.group(5) or "0").ljust(6, "0")[:6]),
                )
                values[i] = -delta if m.group(1) else delta
    return tuple(values)


_INTEGERS = {1: "<b", 2: "<h", 3: "<i", 8: "<q", 9: "<i", 13: "<h"}
_UNSIGNED = {1: "<B", 2: "<H", 3: "<I", 8: "<Q", 9: "<I", 13: "<H"}
_BLOBS = {249, 250, 251, 252}


def read_execute(
    data: bytes, count: int, long_data: dict[int, bytearray], types: list[tuple[int, bool]]
) -> list[Any]:
    """The parameters of a COM_STMT_EXECUTE payload (after the command byte).

    `types` keeps the parameter types of the statement's first execution: later ones may
    leave them out (new-params-bound-flag 0). Values of every MySQL type are read: integers,
    FLOAT/DOUBLE, DECIMAL (exact) and strings as text, blobs as bytes, DATE/DATETIME/TIMESTAMP
    and TIME; long data sent before (COM_STMT_SEND_LONG_DATA) stands for its parameter.
    """
    pos = 4 + 1 + 4  # statement id, flags, iteration count
    if count == 0:
        return []
    nulls = data[pos : pos + (count + 7) // 8]
    pos += (count + 7) // 8
    bound = data[pos]
    pos += 1
    if bound:
        types[:] = [(data[pos + 2 * i], bool(data[pos + 2 * i + 1] & 0x80)) for i in range(count)]
        pos += 2 * count
    if len(types) != count:
        raise BackendRejected("Incorrect arguments to EXECUTE", 1210, "HY000")
    values: list[Any] = []
    for i, (kind, unsigned) in enumerate(types):
        if nulls[i // 8] & (1 << (i % 8)):
            values.append(None)
        elif i in long_data:
            raw = bytes(long_data[i])
            values.append(raw if kind in _BLOBS else raw.decode("utf-8", "replace"))
        else:
            value, pos = _read_value(data, pos, kind, unsigned)
            values.append(value)
    return values


def _read_value(data: bytes, pos: int, kind: int, unsigned: bool) -> tuple[Any, int]:
    if kind in _INTEGERS:
        fmt = (_UNSIGNED if unsigned else _INTEGERS)[kind]
        return struct.unpack_from(fmt, data, pos)[0], pos + struct.calcsize(fmt)
    if kind == 4:
        return struct.unpack_from("<f", data, pos)[0], pos + 4
    if kind == 5:
        return struct.unpack_from("<d", data, pos)[0], pos + 8
    if kind == 6:
        return None, pos
    if kind in (7, 10, 12):  # TIMESTAMP, DATE, DATETIME
        length = data[pos]
        part = data[pos + 1 : pos + 1 + length]
        pos += 1 + length
        if length == 0:
            return "0000-00-00 00:00:00", pos
        year, month, day = struct.unpack_from("<HBB", part, 0)
        if length == 4:
            return date(year, month, day), pos
        micro = struct.unpack_from("<I", part, 7)[0] if length >= 11 else 0
        return datetime(year, month, day, part[4], part[5], part[6], micro), pos
    if kind == 11:  # TIME
        length = data[pos]
        part = data[pos + 1 : pos + 1 + length]
        pos += 1 + length
        if length == 0:
            return "00:00:00", pos
        negative, days = part[0], struct.unpack_from("<I", part, 1)[0]
        micro = struct.unpack_from("<I", part, 8)[0] if length >= 12 else 0
        text = f"{'-' if negative else ''}{days * 24 + part[5]:02d}:{part[6]:02d}:{part[7]:02d}"
        return text + (f".{micro:06d}" if micro else ""), pos
    size, pos = protocol.lenenc(data, pos)
    raw = data[pos : pos + (size or 0)]
    pos += size or 0
    if kind in _BLOBS:
        return bytes(raw), pos
    if kind in (0, 246):  # DECIMAL, NEWDECIMAL: exact text
        return Decimal(raw.decode()), pos
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return bytes(raw), pos  # binary data sent as a string: a hex literal
    return (bytes(raw) if "\x00" in text else text), pos


def _length(code: int) -> int:
    return {3: 11, 8: 21, 1: 4, 246: 65, 12: 19, 7: 19, 10: 10}.get(code, 1024)


def _result_set(outcome: Outcome) -> ResultSet:
    assert isinstance(outcome, Rows)
    columns = [
        ResultColumn(
            name=name,
            type=ColumnType(t.code),
            character_set=CharacterSet.binary if t.binary else CharacterSet.utf8mb4,
        )
        for name, t in outcome.columns
    ]
    return ResultSet(rows=outcome.rows, columns=columns)


async def serve(
    settings: Settings,
    listener: socket.socket,
    executor: Executor,
    ready: Callable[[], None],
    stop: asyncio.Event,
) -> None:
    """Serve MySQL clients from the embedded database until `stop` is set."""
    path = settings.backend.path or "jasmine.db"
    identity = _Identity(settings.user, settings.password)
    control = LocalControl()
    tasks: set[asyncio.Task[None]] = set()

    async def client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        tasks.add(task)
        peer = writer.get_extra_info("peername")
        peer_text = f"{peer[0]}:{peer[1]}" if isinstance(peer, tuple) else "localhost:0"
        sock = writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        session = _Session(path)
        stream = MysqlStream(reader, writer)
        conn = EmbeddedConnection(stream, session, control, identity, executor, peer_text)
        connection_id = await control.add(conn)
        conn.connection_id = connection_id
        try:
            await conn.serve()
        except (ConnectionError, asyncio.IncompleteReadError, ConnectionClosed):
            pass
        except Exception:
            logger.exception("connection %d failed", connection_id)
        finally:
            await control.remove(connection_id)
            tasks.discard(task)
            writer.close()

    server = await asyncio.start_server(client, sock=listener, limit=2**20)
    ready()
    try:
        await stop.wait()
    finally:
        server.close()
        for task in list(tasks):
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
