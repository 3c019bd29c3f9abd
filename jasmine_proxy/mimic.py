"""Every use of mysql-mimic by the relay, in one place: encoding Jasmine's own answers.

(The embedded default is a whole server on mysql-mimic's `Connection`: `mimic_server`, which
works around the defects below that matter there.)

mysql-mimic 3.0.5 is used for what it does well, packet encoding of result sets, OK and ERR
packets. Its `Session`/`Connection` command path is *not* used for pass-through, because of
defects measured against it (each is covered by a test in tests/test_fidelity.py so that an
upgrade cannot bring one back through this module):

* it parses every query with sqlglot and answers BEGIN/COMMIT/ROLLBACK, SET, USE, KILL, SHOW,
  DESCRIBE and information_schema itself; the relay forwards raw packets instead;
* it claims autocommit off at handshake, cannot send the backend's OK-packet fields, sends one
  result set per command, reduces column metadata and breaks rows of 16 MiB or more; the relay
  forwards the backend's greeting and answers byte for byte;
* its prepared-statement emulation pastes parameters into SQL unescaped; the relay passes
  COM_STMT_* to the backend, which binds them natively;
* after a failed login it keeps the connection open; the relay closes it on the backend's ERR;
* its `start_tls` loses a ClientHello that arrives with the SSL request; `login` reads the
  handshake with exact sizes and starts TLS on the untouched socket instead.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from mysql_mimic import packets
from mysql_mimic.results import ensure_result_set
from mysql_mimic.types import Capabilities, ServerStatus

from jasmine_proxy import protocol
from jasmine_proxy.errors import BackendRejected, BackendUnavailable, JasmineError, error_packet
from jasmine_proxy.extended import ClientSession, Executor, Result

if TYPE_CHECKING:
    from jasmine_proxy.relay import Link

logger = logging.getLogger(__name__)


class Answerer:
    """Runs an extended statement through the executor (in a thread) and encodes the answer."""

    def __init__(self, executor: Executor) -> None:
        self.executor = executor

    async def __call__(self, statement: bytes, link: Link) -> bytes:
        sql = statement.decode("utf-8", "replace")
        session = ClientSession(link.user, link.thread_id, link.peer, _query_as_client(link))
        caps = Capabilities(link.client_caps)
        try:
            result = await asyncio.to_thread(self.executor.execute, sql, session)
            status = ServerStatus(link.status)
            return _frame_all(await encode_result(result, caps, status, link.mariadb_caps))
        except Exception as exc:
            if not isinstance(exc, JasmineError):
                logger.exception("extended statement failed unexpectedly: %s", sql[:200])
            return error_packet(exc, link.client_caps)


def _query_as_client(link: Link) -> Callable[[str], protocol.TextResult]:
    """`ClientSession.query`: called from the executor's thread, run on the event loop."""
    loop = asyncio.get_running_loop()

    def query(sql: str) -> protocol.TextResult:
        try:
            return asyncio.run_coroutine_threadsafe(link.query(sql), loop).result()
        except protocol.ServerError as exc:
            raise BackendRejected(exc.message, exc.code, exc.sqlstate) from None
        except ConnectionError as exc:
            raise BackendUnavailable(str(exc)) from None

    return query


async def encode_result(
    result: Result, caps: Capabilities, status: ServerStatus, mariadb_caps: int = 0
) -> list[bytes]:
    """The payloads of a text-protocol answer: an OK packet, or a whole result set.

    `status` is the client's session as the backend reported it just before (autocommit, in
    transaction), so a driver tracking those flags stays right. `mariadb_caps` are MariaDB's
    extra capabilities that client and backend agreed on: with them a MariaDB client expects a
    metadata-follows byte after the column count and an extended-info field in each column
    definition, which mysql-mimic does not write.
    """
    rs = await ensure_result_set(result)
    if not rs:
        return [packets.make_ok(capabilities=caps, status_flags=status)]
    deprecate_eof = Capabilities.CLIENT_DEPRECATE_EOF in caps
    count = packets.make_column_count(capabilities=caps, column_count=len(rs.columns))
    if mariadb_caps & protocol.MARIADB_CLIENT_CACHE_METADATA:
        count += b"\x01"  # metadata follows
    out = [count]
    charset = packets.CharacterSet.utf8mb4
    for col in rs.columns:
        definition = packets.make_column_definition_41(
            server_charset=charset,
            name=col.name,
            column_type=col.type,
            character_set=col.character_set,
        )
        if mariadb_caps & protocol.MARIADB_CLIENT_EXTENDED_METADATA:
            definition = protocol.with_extended_info(definition)
        out.append(definition)
    if not deprecate_eof:
        out.append(packets.make_eof(capabilities=caps, status_flags=status))
    rows = rs.rows
    assert isinstance(rows, (list, tuple))
    out.extend(packets.make_text_resultset_row(row, rs.columns) for row in rows)
    if deprecate_eof:
        out.append(packets.make_ok(capabilities=caps, status_flags=status, eof=True))
    else:
        out.append(packets.make_eof(capabilities=caps, status_flags=status))
    return out


def _frame_all(payloads: list[bytes]) -> bytes:
    return b"".join(protocol.frame(p, seq) for seq, p in enumerate(payloads, start=1))
