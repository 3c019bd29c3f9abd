"""The connection phase: tie a new client to a fresh backend connection, then start the relay.

The backend is connected first, so the client sees the backend's own greeting: its version, its
thread id (so `CONNECTION_ID()` and `KILL id` agree with what the client was told), its scramble
and auth plugin. Only capabilities the relay cannot honour are changed (compression; TLS is
offered when the proxy has a certificate). The client's credentials then go to the backend, which
checks them against its own users and grants: Jasmine keeps no user list.

Up to the client's first answer the sockets are read with exact sizes, never ahead: a TLS
ClientHello that arrives in the same segment as the SSL request therefore stays in the socket for
the TLS handshake (mysql-mimic's `start_tls` loses it, barakalon/mysql-mimic#17). The backend leg
mirrors the client's choice: TLS when the client used TLS (and the backend offers it), plain
otherwise, so an account created `REQUIRE SSL` cannot get in over plain text.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import ssl

from jasmine_proxy import protocol
from jasmine_proxy.config import Settings
from jasmine_proxy.relay import Answer, BackendSide, ClientSide, Link

logger = logging.getLogger(__name__)


class LoginAborted(Exception):
    """The client or the backend closed or failed before the relay could start."""


async def recv_exact(sock: socket.socket, n: int) -> bytes:
    loop = asyncio.get_running_loop()
    buf = bytearray()
    while len(buf) < n:
        chunk = await loop.sock_recv(sock, n - len(buf))
        if not chunk:
            raise LoginAborted("connection closed during handshake")
        buf += chunk
    return bytes(buf)


async def recv_packet(sock: socket.socket) -> tuple[int, bytes]:
    """One (seq, payload) packet, reading exactly its bytes and nothing after them."""
    length, seq = protocol.header(await recv_exact(sock, 4))
    return seq, await recv_exact(sock, length)


async def connect_backend(settings: Settings, client: socket.socket) -> socket.socket:
    """A connected, non-blocking socket to the backend (PROXY header sent if configured)."""
    loop = asyncio.get_running_loop()
    backend = settings.backend
    infos = await loop.getaddrinfo(backend.host, backend.port, type=socket.SOCK_STREAM)
    last: OSError = OSError(f"no address for {backend.host}")
    for family, kind, proto, _, addr in infos:
        sock = socket.socket(family, kind, proto)
        sock.setblocking(False)
        try:
            await asyncio.wait_for(loop.sock_connect(sock, addr), settings.connect_timeout)
        except (OSError, TimeoutError) as exc:
            sock.close()
            last = exc if isinstance(exc, OSError) else OSError(f"timed out connecting to {addr}")
            continue
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if settings.proxy_protocol:
                src, dst = client.getpeername()[:2], sock.getpeername()[:2]
                await loop.sock_sendall(sock, protocol.proxy_protocol_v1(src, dst))
        except OSError:
            sock.close()
            raise
        return sock
    raise last


#: How PROXY protocol headers (v1 text, v2 binary) start: clients may not send them here.
_PROXY_HEADER_STARTS = (b"PROX", b"\r\n\r\n")


async def refuse(client: socket.socket, code: int, message: str, seq: int = 0) -> None:
    """Send an ERR packet in place of the greeting (as a server refusing a host does)."""
    payload = protocol.error_payload(code, "HY000", message, protocol_41=False)
    try:
        await asyncio.get_running_loop().sock_sendall(client, protocol.frame(payload, seq))
    except OSError:
        pass


def backend_tls_context() -> ssl.SSLContext:
    """TLS towards the backend: encrypts; does not check the backend's certificate."""
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


async def open_link(
    client: socket.socket,
    settings: Settings,
    answer: Answer,
    tls: ssl.SSLContext | None,
) -> Link:
    """Run the handshake for `client`; return the Link relaying it. Closes `client` on failure."""
    loop = asyncio.get_running_loop()
    try:
        peer = "{}:{}".format(*client.getpeername()[:2])
    except OSError as exc:  # reset before we looked
        client.close()
        raise LoginAborted(str(exc)) from exc
    try:
        backend = await connect_backend(settings, client)
    except OSError as exc:
        where = f"{settings.backend.host}:{settings.backend.port}"
        logger.warning("backend %s unreachable for %s: %s", where, peer, exc)
        await refuse(client, 2003, f"Jasmine cannot reach the backend server at {where} ({exc})")
        client.close()
        raise LoginAborted(str(exc)) from exc
    try:
        async with asyncio.timeout(settings.connect_timeout):
            seq, greeting_payload = await recv_packet(backend)
            if greeting_payload[:1] == b"\xff":  # the backend refused us (host blocked, too many)
                await loop.sock_sendall(client, protocol.frame(greeting_payload, seq))
                raise LoginAborted("backend refused the connection")
            greeting = protocol.parse_greeting(greeting_payload)
            offered = protocol.rewrite_greeting(
                greeting_payload, greeting, offer_tls=tls is not None
            )
            await loop.sock_sendall(client, protocol.frame(offered, seq))
    except (OSError, ValueError, LoginAborted, TimeoutError) as exc:
        backend.close()
        client.close()
        raise LoginAborted(str(exc)) from exc
    try:
        async with asyncio.timeout(settings.connect_timeout):
            head = await recv_exact(client, 4)
            if head in _PROXY_HEADER_STARTS:  # as MariaDB answers an untrusted PROXY header
                host = peer.rsplit(":", 1)[0]
                await refuse(client, 1130, f"Proxy header is not accepted from {host}", seq=1)
                raise LoginAborted("the client sent a PROXY protocol header")
            length, first_seq = protocol.header(head)
            first = await recv_exact(client, length)
    except (OSError, LoginAborted, TimeoutError) as exc:
        client.close()
        if settings.proxy_protocol:  # the backend blames the client's own address, as it should
            backend.close()
        else:
            await leave_quietly(backend, greeting, settings)
        raise LoginAborted(str(exc)) from exc
    link = Link(answer, peer)
    link.thread_id = greeting.thread_id
    link.mariadb = "MariaDB" in greeting.version
    link.client_seq = first_seq
    link.server_caps = greeting.capabilities
    link.server_mariadb_caps = greeting.mariadb_capabilities
    try:
        if protocol.is_ssl_request(first):
            await _relay_tls(link, client, backend, greeting, first, settings, tls)
        else:
            await _relay_plain(link, client, backend, first_seq, first)
    except (OSError, ValueError, LoginAborted, TimeoutError) as exc:
        link.close()  # the transports that exist; raw sockets no transport owns yet:
        for sock, owner in ((backend, link.backend), (client, link.client)):
            if owner is None:
                sock.close()
        raise LoginAborted(str(exc)) from exc
    return link


async def leave_quietly(
    backend: socket.socket, greeting: protocol.Greeting, settings: Settings
) -> None:
    """The client left before sending its credentials: log in as the service account and quit.

    Dropping the backend connection mid-handshake would count as a connect error against the
    proxy's address, and after `max_connect_errors` of them the backend blocks the proxy
    (error 1129), locking every client out. A finished login resets that count instead.
    """
    loop = asyncio.get_running_loop()
    account = settings.backend
    try:
        async with asyncio.timeout(settings.connect_timeout):
            auth = b""
            if greeting.plugin in ("", "mysql_native_password"):
                auth = protocol.native_password(account.password, greeting.scramble)
            response = protocol.handshake_response(account.user, auth)
            await loop.sock_sendall(backend, protocol.frame(response, 1))
            seq, reply = await recv_packet(backend)
            if reply[:1] == b"\xfe" and reply[1:].startswith(b"mysql_native_password\0"):
                salt = reply[len(b"mysql_native_password") + 2 :]
                answer = protocol.native_password(account.password, salt)
                await loop.sock_sendall(backend, protocol.frame(answer, seq + 1))
                seq, reply = await recv_packet(backend)
            if reply[:1] == b"\x00":
                await loop.sock_sendall(backend, protocol.frame(bytes([protocol.COM_QUIT]), 0))
            else:
                logger.debug("service login after an aborted client failed: %r", reply[:80])
    except (OSError, LoginAborted, TimeoutError) as exc:
        logger.debug("could not end the backend handshake cleanly: %s", exc)
    finally:
        backend.close()


async def _relay_plain(
    link: Link, client: socket.socket, backend: socket.socket, seq: int, response: bytes
) -> None:
    """Plain client: its handshake response goes to the backend before anything it sent after."""
    loop = asyncio.get_running_loop()
    await loop.create_connection(lambda: BackendSide(link), sock=backend)
    link.forward_response(seq, response)
    await loop.connect_accepted_socket(lambda: ClientSide(link), client)
    link.client_attached()


async def _relay_tls(
    link: Link,
    client: socket.socket,
    backend: socket.socket,
    greeting: protocol.Greeting,
    ssl_request: bytes,
    settings: Settings,
    tls: ssl.SSLContext | None,
) -> None:
    """TLS client: the TLS handshake first; the backend leg mirrors it where the backend can.

    The client's handshake response then comes over TLS and waits in the relay until the
    backend leg exists. A client that fails its TLS handshake leaves the backend handshake
    unfinished: it is ended quietly, as for a client that left.
    """
    loop = asyncio.get_running_loop()
    if tls is None:
        raise LoginAborted("client asked for TLS, which this proxy does not offer")
    backend_tls = bool(greeting.capabilities & protocol.CLIENT_SSL)
    link.expect_response = True
    link.strip_ssl = not backend_tls
    link.seq_delta = 0 if backend_tls else 1
    try:
        await loop.connect_accepted_socket(lambda: ClientSide(link), client, ssl=tls)
    except (OSError, TimeoutError) as exc:  # ssl.SSLError is an OSError
        client.close()
        await leave_quietly(backend, greeting, settings)
        raise LoginAborted(f"TLS handshake with the client failed: {exc}") from exc
    if backend_tls:
        await loop.sock_sendall(backend, protocol.frame(ssl_request, 1))
    await loop.create_connection(
        lambda: BackendSide(link),
        sock=backend,
        ssl=backend_tls_context() if backend_tls else None,
        server_hostname=settings.backend.host if backend_tls else None,
    )
    link.backend_attached()
