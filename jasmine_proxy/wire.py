"""The wire front end: listening sockets, the asyncio loop, workers and shutdown.

This is the only module that runs an event loop for client traffic (uvloop where installed).
Each accepted socket goes through `login.open_link` and is then relayed by `relay.Link`;
Jasmine's own statements are answered by `mimic.Answerer`, which calls the synchronous core in a
worker thread.

Resource handling: `serve` owns the listening socket and every client connection it accepted;
SIGINT or SIGTERM closes the listener and all connections (and their backend connections), then
`serve` returns and the process exits 0. With `--workers N`, N processes share the port through
SO_REUSEPORT and the kernel spreads connections between them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
import ssl
import sys
from collections.abc import Callable, Coroutine
from typing import Any

from jasmine_proxy.config import Settings
from jasmine_proxy.extended import Executor
from jasmine_proxy.login import LoginAborted, open_link
from jasmine_proxy.mimic import Answerer
from jasmine_proxy.relay import STATS, Link

logger = logging.getLogger(__name__)


def tls_context(cert: str, key: str) -> ssl.SSLContext:
    """The server-side TLS context offered to clients (`--tls-cert/--tls-key`)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    return ctx


def listen(host: str, port: int) -> socket.socket:
    """A listening socket that other worker processes may bind too (SO_REUSEPORT)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if hasattr(socket, "SO_REUSEPORT"):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((host, port))
        sock.listen(1024)
    except OSError:
        sock.close()
        raise
    sock.setblocking(False)
    return sock


async def serve(
    settings: Settings,
    listener: socket.socket,
    executor: Executor,
    ready: Callable[[], None] = lambda: None,
    stop: asyncio.Event | None = None,
) -> None:
    """Accept and relay clients on `listener` until SIGINT/SIGTERM; `ready()` once handling them.

    With `stop` given (an embedding program, a test), that event ends it instead of signals.
    """
    loop = asyncio.get_running_loop()
    if stop is None:
        stop = asyncio.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
    tls = None
    if settings.tls_cert and settings.tls_key:
        tls = tls_context(settings.tls_cert, settings.tls_key)
    answer = Answerer(executor)
    links: set[Link] = set()
    tasks: set[asyncio.Task[None]] = set()

    async def handle(client: socket.socket) -> None:
        client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            link = await open_link(client, settings, answer, tls)
        except LoginAborted as exc:
            logger.debug("connection ended during login: %s", exc)
            return
        links.add(link)
        STATS.connections += 1
        try:
            await link.closed
        finally:
            links.discard(link)
            STATS.connections -= 1

    async def accept() -> None:
        while True:
            client, _ = await loop.sock_accept(listener)
            task = loop.create_task(handle(client))
            tasks.add(task)
            task.add_done_callback(tasks.discard)

    acceptor = loop.create_task(accept())
    ready()
    try:
        await stop.wait()
    finally:
        acceptor.cancel()
        listener.close()
        for link in list(links):
            link.close()
        for task in list(tasks):
            task.cancel()
        await asyncio.gather(acceptor, *tasks, return_exceptions=True)
    logger.info("jasmine-proxy (pid %d) stopped", os.getpid())


def run(settings: Settings, executor: Executor, announce: Callable[[int], None]) -> None:
    """Bind, fork workers if asked, and serve until a signal; `announce(port)` once listening.

    With the embedded SQLite backend the clients are served by `mimic_server` instead of
    being relayed (one process).
    """
    listener = listen(settings.host, settings.port)
    port = listener.getsockname()[1]
    if settings.backend.is_sqlite:
        try:
            _run_loop(_serve_embedded(settings, listener, executor, lambda: announce(port)))
        finally:
            for sig in (signal.SIGINT, signal.SIGTERM):
                signal.signal(sig, signal.SIG_IGN)
        return
    children = [] if settings.workers == 1 else _fork_workers(settings, listener, executor)
    try:
        _run_loop(serve(settings, listener, executor, lambda: announce(port)))
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):  # a second signal while stopping: ignored
            signal.signal(sig, signal.SIG_IGN)
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        for pid in children:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)


async def _serve_embedded(
    settings: Settings, listener: socket.socket, executor: Executor, ready: Callable[[], None]
) -> None:
    from jasmine_proxy import mimic_server

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await mimic_server.serve(settings, listener, executor, ready, stop)
    logger.info("jasmine-proxy (pid %d) stopped", os.getpid())


def _fork_workers(settings: Settings, listener: socket.socket, executor: Executor) -> list[int]:
    port = listener.getsockname()[1]
    children = []
    for _ in range(settings.workers - 1):
        pid = os.fork()
        if pid == 0:  # the child: its own listener on the same port
            listener.close()
            code = 0
            try:
                _run_loop(serve(settings, listen(settings.host, port), executor))
            except BaseException:
                logger.exception("worker %d failed", os.getpid())
                code = 1
            finally:
                sys.stdout.flush()
                os._exit(code)
        children.append(pid)
    return children


def _run_loop(main: Coroutine[Any, Any, None]) -> None:
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop is a dependency except on Windows
        asyncio.run(main)
        return
    uvloop.run(main)
