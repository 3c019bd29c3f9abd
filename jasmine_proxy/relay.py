"""The relay: one client connection tied to its own backend connection.

After the handshake (see `login`), two asyncio protocols move bytes:

* backend -> client: every byte the backend sends goes to the client as it arrives, never
  decoded (result sets, OK packets with their affected rows, status flags and info strings,
  errors with their codes and SQLSTATEs, multi-result sets, prepared-statement packets).
* client -> backend: the relay walks packet headers only to see where each command starts. A
  COM_QUERY whose first bytes are one of Jasmine's statements (`intercept.is_extended`) is kept
  back and answered by the `Answerer` (after a barrier: see `replies`), along with anything the
  client sent behind it; everything else is forwarded in the chunks it arrived in.

During login both directions are split into packets so that sequence ids can be renumbered
(when the client uses TLS and the backend leg does not) and the backend's final OK or ERR seen:
an ERR ends the connection, so nobody can run a query after a failed login.

Resource handling: each side's write buffer pauses reading on the other side (flow control), so
a million-row result or a 64 MiB row streams through without being held in memory. Closing either
side closes the other.

Error handling: if the backend goes away, the client's connection is closed, as the server going
away would close it (no ERR packet is made up: drivers would take it for the end of a statement);
a client that goes away closes its backend connection, which ends any query it was running.
"""

from __future__ import annotations

import asyncio
import bisect
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from jasmine_proxy import protocol
from jasmine_proxy.errors import NotPreparable, error_packet
from jasmine_proxy.intercept import PEEK, is_extended, might_be_extended
from jasmine_proxy.replies import Barrier, Capture

logger = logging.getLogger(__name__)


#: upper bounds (seconds) of the pass-through latency histogram's buckets
LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0)
SAMPLE = 16  # one plain command in SAMPLE is timed


@dataclass
class Stats:
    """This process's relay counters (read by `metrics` at scrape time; one event loop thread
    writes them, so plain numbers do). Latency is sampled: for one plain command in `SAMPLE`,
    the time from forwarding it to the backend's first reply bytes."""

    commands: int = 0  # client commands relayed or answered
    connections: int = 0  # clients connected now
    latency_sum: float = 0.0
    latency_counts: list[int] = field(default_factory=lambda: [0] * (len(LATENCY_BUCKETS) + 1))

    def observe(self, seconds: float) -> None:
        self.latency_sum += seconds
        self.latency_counts[bisect.bisect_left(LATENCY_BUCKETS, seconds)] += 1


STATS = Stats()

#: Commands whose text may be one of Jasmine's statements.
_STATEMENTS = frozenset((protocol.COM_QUERY, protocol.COM_STMT_PREPARE))

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
        self.mariadb = False  # the backend is MariaDB (not MySQL): its SQL extensions apply
        self.status = 0x0002  # the backend session's status flags, as of the last barrier
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
        self.server_mariadb_caps = 0
        self.mariadb_caps = 0  # MariaDB's extra capabilities both sides have
        self._attrs = 0  # query attributes negotiated: the empty set's 2 bytes precede the text
        self._skip = 0  # payload bytes of the current client packet still to forward
        self._partial = b""  # an incomplete header or statement prefix
        self._held: bytearray | None = None  # client bytes kept back while answering
        self._cont = False  # the last client packet had seq 255: a seq-0 packet continues it
        self._quitting = False  # the client said COM_QUIT: the backend closing is expected
        self.sent_at = 0.0  # when a sampled command went to the backend (0: none pending)
        self._task: asyncio.Task[None] | None = None
        self._barrier: Barrier | None = None  # waiting for replies still owed to the client
        self._capture: Capture | None = None  # Jasmine's own query on this backend connection

    # -- login ---------------------------------------------------------------------------
    def backend_attached(self) -> None:
        """The backend's transport exists: pass on what the client sent meanwhile (over TLS)."""
        if self._login_client:
            self._login_from_client(b"")

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
        unwanted = protocol.UNRELAYABLE | (protocol.CLIENT_SSL if self.strip_ssl else 0)
        if caps & unwanted:  # compression was not offered; TLS ends at the proxy
            payload = protocol.set_client_capabilities(payload, caps & ~unwanted)
        self.client_caps = caps
        self.mariadb_caps = protocol.mariadb_client_capabilities(payload) & self.server_mariadb_caps
        if caps & self.server_caps & protocol.CLIENT_QUERY_ATTRIBUTES:
            self._attrs = 2
        self.user = protocol.handshake_username(payload)
        self.backend.write(protocol.frame(payload, seq - self.seq_delta))

    def _login_from_client(self, data: bytes) -> None:
        self._login_client += data
        if self.backend is None:  # a TLS client spoke before the backend leg existed
            return
        packets = protocol.split_packets(self._login_client)
        for i, (seq, payload) in enumerate(packets):
            if seq == 0 and not self.expect_response:  # a command sent ahead of the login's end
                rest = b"".join(protocol.frame(p, s) for s, p in packets[i:])
                self._login_client[:0] = rest  # relayed as commands once logged in
                return
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
        packets = protocol.split_packets(self._login_backend)
        for i, (seq, payload) in enumerate(packets):
            # an ERR can come early (a PROXY header refused): it still answers the client's last
            seq = max(seq + self.seq_delta, self.client_seq + 1)
            self.client.write(protocol.frame(payload, seq))
            if payload[:1] == b"\xff":
                logger.info("login refused for %r from %s", self.user, self.peer)
                self.close()
                return
            if payload[:1] == b"\x00":  # logged in: what follows is relayed as it is
                rest = b"".join(protocol.frame(p, s) for s, p in packets[i + 1 :])
                self._login_backend[:0] = rest
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
            STATS.commands += 1
            if not STATS.commands % SAMPLE:
                self.sent_at = time.perf_counter()
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
            and not self._cont
            and data[3] == 0
            and n == 4 + (data[0] | data[1] << 8 | data[2] << 16)
            and data[4] != protocol.COM_CHANGE_USER
            and (data[4] not in _STATEMENTS or not might_be_extended(data, 5))
        )

    def _walk(self, data: bytes, n: int, pos: int) -> None:
        """Find command starts in `data` from `pos` on; forward all but a Jasmine statement."""
        backend = self.backend
        assert backend is not None
        while pos + 4 <= n:
            length = data[pos] | data[pos + 1] << 8 | data[pos + 2] << 16
            seq = data[pos + 3]
            if seq == 0 and length and not self._cont:  # the first packet of a command
                if pos + 5 > n:
                    break
                command = data[pos + 4]
                STATS.commands += 1
                self._quitting = command == protocol.COM_QUIT
                if command == protocol.COM_CHANGE_USER:  # the session's user from now on
                    self.user = protocol.change_user_name(data[pos + 4 : pos + 4 + length])
                if command in _STATEMENTS and length < protocol.MAX_PAYLOAD:
                    # where the statement text starts (after an empty set of query attributes)
                    text = pos + 5 + (self._attrs if command == protocol.COM_QUERY else 0)
                    end = pos + 4 + length
                    need = min(end, text + PEEK)
                    undecided = text + 1 >= n or (need > n and might_be_extended(data, text))
                    if end > n and undecided:
                        break  # wait for enough of the statement to decide
                    if text > pos + 5 and data[pos + 5 : text] != b"\x00\x01":
                        pass  # a statement with query attributes: never Jasmine's
                    elif might_be_extended(data, text) and is_extended(data[text:need]):
                        if end > n:
                            break  # wait for the whole statement
                        backend.write(data[:pos])
                        self._take(data[text:end], data[end:], command)
                        return
            self._cont = seq == 255 and length > 0  # LOAD DATA LOCAL file packets wrap to 0
            pos += 4 + length
        if pos >= n:  # all of it goes; a payload may continue in later chunks
            self._skip = pos - n
            backend.write(data)
        else:
            self._skip = 0
            if pos:
                backend.write(data[:pos])
            self._partial = data[pos:]

    def _take(self, statement: bytes, rest: bytes, command: int) -> None:
        """Answer `statement` ourselves; hold everything after it until the answer is sent."""
        assert self.client is not None
        self._held = bytearray(rest)
        self.client.pause_reading()
        self._task = asyncio.get_running_loop().create_task(self._answer(statement, command))

    async def _answer(self, statement: bytes, command: int) -> None:
        try:
            await self._drain()
        except ConnectionError as exc:  # the backend went away, or answered nonsense
            logger.warning("connection of %s ended: %s", self.peer, exc)
            self.close()
            return
        if command == protocol.COM_QUERY:
            packets = await self.answer(statement, self)
        else:
            packets = error_packet(NotPreparable(), self.client_caps)
        if self.client is None or self.client.is_closing():
            return
        self.client.write(packets)
        held, self._held = bytes(self._held or b""), None
        self.client.resume_reading()
        if held:
            self.from_client(held)

    async def _drain(self) -> None:
        """Wait until the backend has answered every command forwarded before this point.

        A pipelining client may send a Jasmine statement behind commands whose replies are
        still on their way; Jasmine's answer must not overtake them. The backend answers in
        order, so a query of our own, whose reply is unmistakable, marks the spot.
        """
        barrier = Barrier(self._deprecate_eof(), mariadb=self.mariadb)
        self._send_own_query(barrier.query)
        self._barrier = barrier
        try:
            await barrier.done
        finally:
            self._barrier = None
        self.status = barrier.status & ~protocol.SERVER_MORE_RESULTS_EXISTS

    def _deprecate_eof(self) -> bool:
        return bool(self.client_caps & self.server_caps & protocol.CLIENT_DEPRECATE_EOF)

    def _send_own_query(self, sql: bytes) -> None:
        """A COM_QUERY of Jasmine's own on this connection (an empty set of query attributes
        where those were negotiated); its reply is read by a Barrier or a Capture."""
        if self.backend is None or self.backend.is_closing():
            raise ConnectionError("the backend connection is closed")
        prefix = b"\x03\x00\x01" if self._attrs else b"\x03"
        self.backend.write(protocol.frame(prefix + sql, 0))

    # -- Jasmine's own statements on the client's connection -----------------------------
    async def query(self, sql: str) -> protocol.TextResult:
        """Run `sql` on this client's own backend connection, as its user, in its session.

        Only while the client waits for Jasmine's answer (the backend is idle then). The
        client's session sees it as a statement of its own (ROW_COUNT(), warnings).
        Raises protocol.ServerError for the backend's ERR, ConnectionError if it is gone.
        """
        if self._capture is not None:
            raise RuntimeError("one query at a time on a client's connection")
        capture = Capture(protocol.TextResultReader(self._deprecate_eof()))
        self._send_own_query(sql.encode("utf-8"))
        self._capture = capture
        try:
            return await capture.done
        finally:
            self._capture = None

    # -- endings -------------------------------------------------------------------------
    def backend_lost(self, exc: BaseException | None) -> None:
        """The backend closed: close the client too, as the server itself going away would.

        No ERR packet is made up: drivers treat a server's ERR as the end of one statement,
        a closed socket as the end of the connection (2013 or 2006, and pools discard it).
        """
        lost = ConnectionError(f"backend connection lost: {exc}")
        for pending in (self._barrier, self._capture):
            if pending is not None and not pending.done.done():
                pending.done.set_exception(lost)
        if self.logging_in and self._login_backend and self.client is not None:
            self._login_from_backend(b"")  # its last words (an ERR) still reach the client
        if exc is not None and not self._quitting:
            logger.warning("backend connection of %s lost: %s", self.peer, exc)
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
        """A client that shut down its sending side still gets its answers, as direct."""
        backend = self.link.backend
        if backend is None or self.link._held is not None or not backend.can_write_eof():
            return False
        backend.write_eof()
        return True

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
        if link._barrier is not None:
            data = link._barrier.feed(data)  # replies before the barrier's go on to the client
        if link._capture is not None:
            link._capture.feed(data)
            return
        if link.sent_at:
            STATS.observe(time.perf_counter() - link.sent_at)
            link.sent_at = 0.0
        if data:
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
