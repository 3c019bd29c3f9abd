"""Replies to Jasmine's own queries on a client's backend connection, read out of the stream.

The relay passes backend bytes to the client untouched, except around the few queries Jasmine
sends on a client's connection itself: a `Barrier` finds where the replies still owed to the
client end, and a `Capture` decodes the answer to `Link.query` instead of relaying it.
"""

from __future__ import annotations

import asyncio
import secrets

from jasmine_proxy import protocol


class Capture:
    """Backend packets answering Jasmine's own query, decoded instead of relayed."""

    def __init__(self, reader: protocol.TextResultReader) -> None:
        self.reader = reader
        self.done: asyncio.Future[protocol.TextResult] = asyncio.get_running_loop().create_future()
        self._buffer = bytearray()
        self._payload = b""  # a payload continued over several packets

    def feed(self, data: bytes) -> None:
        self._buffer += data
        for _, payload in protocol.split_packets(self._buffer):
            self._payload += payload
            if len(payload) == protocol.MAX_PAYLOAD or self.done.done():
                continue
            whole, self._payload = self._payload, b""
            try:
                result = self.reader.feed(whole)
            except protocol.ServerError as exc:
                self.done.set_exception(exc)
                continue
            if result is not None:
                self.done.set_result(result)


class Barrier:
    """Finds the reply to `SELECT 1 AS <marker>` in the backend's stream and swallows it.

    Everything before it belongs to commands the client sent earlier and is passed on.
    """

    def __init__(self, deprecate_eof: bool, mariadb: bool = False) -> None:
        self.marker = b"jasmine_barrier_" + secrets.token_hex(8).encode()
        # LIMIT overrides sql_select_limit; on MariaDB no max_statement_time may cut it short
        prefix = b"SET STATEMENT max_statement_time=0 FOR " if mariadb else b""
        self.query = prefix + b"SELECT 1 AS " + self.marker + b" LIMIT 1"
        self.done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._before_rows = 2 if deprecate_eof else 3  # count, definition, [EOF]
        self._buffer = bytearray()
        self._found = False
        self.status = 0  # the session's status flags (in transaction, autocommit) at the barrier

    def feed(self, data: bytes) -> bytes:
        """Take backend bytes; return those that go on to the client."""
        if self.done.done():
            return data
        self._buffer += data
        out = b""
        if not self._found:
            at = self._buffer.find(self.marker)
            if at < 0:  # keep what could still be the start of the reply
                keep = len(self.marker) + 32
                out = bytes(self._buffer[:-keep])
                del self._buffer[:-keep]
                return out
            start = self._reply_start(at - 12)  # the definition's header: 4 + 8 bytes before
            if start < 0:
                out = bytes(self._buffer)
                self.done.set_exception(ConnectionError(f"unexpected barrier reply: {out[-80:]!r}"))
                return out
            out = bytes(self._buffer[:start])
            del self._buffer[:start]
            self._found = True
        end = self._reply_end()
        if end < 0:
            return out
        rest = bytes(self._buffer[end:])
        self._buffer.clear()
        self.done.set_result(None)
        return out + rest

    def _reply_start(self, definition: int) -> int:
        """Where the column-count packet before the definition at `definition` begins."""
        for size in (1, 2):  # a count, and MariaDB's metadata-follows byte where negotiated
            start = definition - 4 - size
            head = bytes(self._buffer[start : start + 5]) if start >= 0 else b""
            if head == bytes((size, 0, 0, 1, 1)):
                return start
        return -1

    def _reply_end(self) -> int:
        """Where the barrier's reply ends in the buffer, or -1 if it is not complete yet."""
        pos, seen, buffer = 0, 0, self._buffer
        while pos + 4 <= len(buffer):
            length, _ = protocol.header(buffer, pos)
            if pos + 4 + length > len(buffer):
                return -1
            seen += 1
            end = buffer[pos + 4] == 0xFE and length < protocol.MAX_PAYLOAD
            pos += 4 + length
            if seen > self._before_rows and end:  # the EOF/OK after the row
                self.status = protocol.end_status(bytes(buffer[pos - length : pos]))
                return pos
        return -1
