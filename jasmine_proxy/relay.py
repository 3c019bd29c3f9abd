"""The relay: one client connection tied to its own backend connection.

After the handshake (see `login`), two asyncio protocols move bytes:

* backend -> client: every byte the backend sends goes to the client as it arrives, never
  decoded (result sets, OK packets with their affected rows, status flags and info strings,
  errors with their codes and SQLSTATEs, multi-result sets, prepared-statement packets).
* client -> backend: the relay walks packet headers only to see where each command starts. A
  COM_QUERY whose first bytes are one of Jasmine's statements (`intercept.is_extended`) is kept
  back and answered by the `Answerer`; everything else is forwarded in the chunks it arrived in.

During login both directions are split into packets so that sequence ids can be renumbered
(when the client uses TLS and the backend leg does not) and the backend's final OK or ERR seen:
an ERR ends the connection, so nobody can run a query after a failed login.

Resource handling: each side's write buffer pauses reading on the other side (flow control), so
a million-row result or a 64 MiB row streams through without being held in memory. Closing either
side closes the other.

Error handling: if the backend goes away while a client waits for an answer, the client gets an
ERR packet (2013, "Lost connection to backend ...") and its connection is closed; a client that
goes away closes its backend connection, which ends any query it was running.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from jasmine_proxy import protocol
from jasmine_proxy.intercept import PEEK, is_extended, might_be_extended

logger = logging.getLogger(__name__)

#: Commands the server does not answer: the client is not waiting after sending them.
_UNANSWERED = frozenset((protocol.COM_QUIT, 0x18, 0x19))  # QUIT, STMT_SEND_LONG_DATA, STMT_CLOSE

#: answer(statement, link) -> framed packets to send to the client
Answer = Callable[[bytes, "Link"], Awaitable[bytes]]


class Link:
    """State of one proxied connection; the two protocols below call into it."""

    def __init__(self, answer: Answer, peer: str) -> None:
        self.answer = answer
        self.peer = peer
        self.client: asyncio.Transport | None = None
        self.backend: asyncio.Transport | None = None
        self.client_caps = 0
        self.user = ""
        self.thread_id = 0
        self.closed = asyncio.get_running_loop().create_future()
        # login phase
        self.logging_in = True
        self.seq_delta = 0  # client seq - backend seq during login
        self.client_seq = 0  # the sequence id of the client's last login packet
        self.expect_response = False  # the client's handshake response is still to come
        self.strip_ssl = False  # the client uses TLS, the backend leg does not
        self._login_client = bytearray()
        self._login_backend = bytearray()
        # command phase
        self.server_caps = 0
        self._attrs = 0  # query attributes negotiated: the empty set's 2 bytes precede the text
        self._skip = 0  # payload bytes of the current client packet still to forward
        self._partial = b""  # an incomplete header or statement prefix
        self._held: bytearray | None = None  # client bytes kept back while answering
        self._awaiting = False  # a command was forwarded and no answer byte came back yet
        self._task: asyncio.Task[None] | None = None
        self._capture: _Capture | None = None  # Jasmine's own query on this backend connection

    # -- login ---------------------------------------------------------------------------
    def client_attached(self) -> None:
        """The client's transport exists: pass on what the backend said meanwhile (an ERR)."""
        if self._login_backend:
            self._login_from_backend(b"")
        if self.closed.done() and self.client is not None:
            self.client.close()

    def forward_response(self, seq: int, payload: bytes) -> None:
        """Forward the client's handshake response; the rest of the login follows in lockstep."""
        assert self.backend is not None
        if self.backend.is_closing():
            self.close()
            return
        try:
            caps = protocol.client_capabilities(payload)
        except ValueError:
            logger.info("malformed handshake response from %s", self.peer)
            self.close()
            return
        if self.strip_ssl:
            payload = protocol.set_client_capabilities(payload, caps & ~protocol.CLIENT_SSL)
        self.client_caps = caps
        if caps & self.server_caps & protocol.CLIENT_QUERY_ATTRIBUTES:
            self._attrs = 2
        self.user = protocol.handshake_username(payload)
        self.backend.write(protocol.frame(payload, seq - self.seq_delta))

    def _login_from_client(self, data: bytes) -> None:
        assert self.backend is not None
        self._login_client += data
        for seq, payload in protocol.split_packets(self._login_client):
            self.client_seq = seq
            if self.expect_response:
                self.expect_response = False
                self.forward_response(seq, payload)
            else:
                self.backend.write(protocol.frame(payload, seq - self.seq_delta))

    def _login_from_backend(self, data: bytes) -> None:
        self._login_backend += data
        if self.client is None:  # the backend spoke before the client's transport existed
            return
        for seq, payload in protocol.split_packets(self._login_backend):
            # an ERR can come early (a PROXY header refused): it still answers the client's last
            seq = max(seq + self.seq_delta, self.client_seq + 1)
            self.client.write(protocol.frame(payload, seq))
            if payload[:1] == b"\xff":
                logger.info("login refused for %r from %s", self.user, self.peer)
                self.close()
                return
            if payload[:1] == b"\x00":
                self._logged_in()
                return

    def _logged_in(self) -> None:
        self.logging_in = False
        logger.debug("%s logged in as %r (backend thread %d)", self.peer, self.user, self.thread_id)
        rest_backend, rest_client = bytes(self._login_backend), bytes(self._login_client)
        self._login_backend.clear()
        self._login_client.clear()
        if rest_backend and self.client is not None:
            self.client.write(rest_backend)
        if rest_client:
            self.from_client(rest_client)

    # -- command phase -------------------------------------------------------------------
    def from_client(self, data: bytes) -> None:
        """Forward client bytes, keeping back any statement that is Jasmine's to answer."""
        if self.logging_in:
            self._login_from_client(data)
            return
        if self._held is not None:
            self._held += data
            return
        skip = self._skip
        n = len(data)
        if self._plain_command(data, n):  # the usual case, decided at once
            self._awaiting = data[4] not in _UNANSWERED
            self.backend.write(data)  # type: ignore[union-attr]
            return
        if skip >= n and not self._partial:
            self._skip = skip - n
            self.backend.write(data)  # type: ignore[union-attr]
            return
        if self._partial:
            data = self._partial + data
            self._partial = b""
            n = len(data)
        self._walk(data, n, skip)

    def _plain_command(self, data: bytes, n: int) -> bool:
        """True if `data` is exactly one whole command that is plainly not Jasmine's."""
        return (
            n > 6
            and not self._skip
            and not self._partial
            and not self._attrs
            and data[3] == 0
            and n == 4 + (data[0] | data[1] << 8 | data[2] << 16)
            and (data[4] != protocol.COM_QUERY or not might_be_extended(data, 5))
        )

    def _walk(self, data: bytes, n: int, pos: int) -> None:
        """Find command starts in `data` from `pos` on; forward all but a Jasmine statement."""
        backend = self.backend
        assert backend is not None
        while pos + 4 <= n:
            length = data[pos] | data[pos + 1] << 8 | data[pos + 2] << 16
            if data[pos + 3] == 0 and length:  # the first packet of a command
                if pos + 5 > n:
                    break
                command = data[pos + 4]
                self._awaiting = command not in _UNANSWERED
                if command == protocol.COM_QUERY and length < protocol.MAX_PAYLOAD:
                    text = pos + 5 + self._attrs  # where the statement text starts
                    end = pos + 4 + length
                    need = min(end, text + PEEK)
                    undecided = text + 1 >= n or (need > n and might_be_extended(data, text))
                    if end > n and undecided:
                        break  # wait for enough of the statement to decide
                    if self._attrs and data[pos + 5 : text] != b"\x00\x01":
                        pass  # a statement with query attributes: never Jasmine's
                    elif might_be_extended(data, text) and is_extended(data[text:need]):
                        if end > n:
                            break  # wait for the whole statement
                        backend.write(data[:pos])
                        self._take(data[text:end], data[end:])
                        return
            pos += 4 + length
        if pos > n:  # forwarded a packet header; its payload continues in later chunks
            self._skip = pos - n
            backend.write(data)
        elif pos == n:
            self._skip = 0
            backend.write(data)
        else:
            self._skip = 0
            if pos:
                backend.write(data[:pos])
            self._partial = data[pos:]

    def _take(self, statement: bytes, rest: bytes) -> None:
        """Answer `statement` ourselves; hold everything after it until the answer is sent."""
        assert self.client is not None
        self._awaiting = False
        self._held = bytearray(rest)
        self.client.pause_reading()
        self._task = asyncio.get_running_loop().create_task(self._answer(statement))

    async def _answer(self, statement: bytes) -> None:
        packets = await self.answer(statement, self)
        if self.client is None or self.client.is_closing():
            return
        self.client.write(packets)
        held, self._held = bytes(self._held or b""), None
        self.client.resume_reading()
        if held:
            self.from_client(held)

    # -- Jasmine's own statements on the client's connection -----------------------------
    async def query(self, sql: str) -> protocol.TextResult:
        """Run `sql` on this client's own backend connection, as its user, in its session.

        Only while the client waits for Jasmine's answer (the backend is idle then). The
        client's session sees it as a statement of its own (ROW_COUNT(), warnings).
        Raises protocol.ServerError for the backend's ERR, ConnectionError if it is gone.
        """
        if self.backend is None or self.backend.is_closing():
            raise ConnectionError("the backend connection is closed")
        deprecate_eof = bool(self.client_caps & self.server_caps & protocol.CLIENT_DEPRECATE_EOF)
        capture = _Capture(protocol.TextResultReader(deprecate_eof))
        self._capture = capture
        prefix = b"\x03\x00\x01" if self._attrs else b"\x03"  # no query attributes
        self.backend.write(protocol.frame(prefix + sql.encode("utf-8"), 0))
        try:
            return await capture.done
        finally:
            self._capture = None

    # -- endings -------------------------------------------------------------------------
    def backend_lost(self, exc: BaseException | None) -> None:
        if self._capture is not None and not self._capture.done.done():
            self._capture.done.set_exception(ConnectionError(f"backend connection lost: {exc}"))
        if self.logging_in and self._login_backend and self.client is not None:
            self._login_from_backend(b"")  # its last words (an ERR) still reach the client
        if self.client is not None and not self.client.is_closing() and self._awaiting:
            reason = f" ({exc})" if exc else ""
            msg = f"Lost connection to backend server during query{reason}"
            err = protocol.error_payload(2013, "HY000", msg)
            self.client.write(protocol.frame(err, 1))
        if exc is not None or self._awaiting:
            logger.warning("backend connection of %s lost%s", self.peer, f": {exc}" if exc else "")
        self.close()

    def close(self) -> None:
        for transport in (self.client, self.backend):
            if transport is not None and not transport.is_closing():
                transport.close()
        if self._task is not None and not self._task.done():
            self._task.cancel()
        if not self.closed.done():
            self.closed.set_result(None)


class ClientSide(asyncio.Protocol):
    """The client's socket: bytes go to `Link.from_client`."""

    def __init__(self, link: Link) -> None:
        self.link = link

    def connection_made(self, transport: Any) -> None:
        self.link.client = transport

    def data_received(self, data: bytes) -> None:
        self.link.from_client(data)

    def pause_writing(self) -> None:
        if self.link.backend is not None:
            self.link.backend.pause_reading()

    def resume_writing(self) -> None:
        if self.link.backend is not None and not self.link.backend.is_closing():
            self.link.backend.resume_reading()

    def eof_received(self) -> bool:
        return False

    def connection_lost(self, exc: BaseException | None) -> None:
        self.link.close()


class BackendSide(asyncio.Protocol):
    """The backend's socket: bytes go to the client unchanged once logged in."""

    def __init__(self, link: Link) -> None:
        self.link = link

    def connection_made(self, transport: Any) -> None:
        self.link.backend = transport

    def data_received(self, data: bytes) -> None:
        link = self.link
        if link.logging_in:
            link._login_from_backend(data)
            return
        if link._capture is not None:
            link._capture.feed(data)
            return
        link._awaiting = False
        link.client.write(data)  # type: ignore[union-attr]

    def pause_writing(self) -> None:
        if self.link.client is not None:
            self.link.client.pause_reading()

    def resume_writing(self) -> None:
        client = self.link.client
        if client is not None and not client.is_closing() and self.link._held is None:
            client.resume_reading()

    def eof_received(self) -> bool:
        return False

    def connection_lost(self, exc: BaseException | None) -> None:
        self.link.backend_lost(exc)


class _Capture:
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
