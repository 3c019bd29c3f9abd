"""Fakes for driving `relay.Link` without sockets: transports that record what they are sent."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from jasmine_proxy.relay import BackendSide, Link


class FakeTransport:
    """Records writes; tracks pause/resume and close like an asyncio transport."""

    def __init__(self) -> None:
        self.data = bytearray()
        self.paused = False
        self.closed = False

    def write(self, data: bytes) -> None:
        self.data += data

    def pause_reading(self) -> None:
        self.paused = True

    def resume_reading(self) -> None:
        self.paused = False

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True


Answer = Callable[[bytes, Link], Awaitable[bytes]]


def make_link(answer: Answer) -> tuple[Link, FakeTransport, FakeTransport, BackendSide]:
    """A logged-in Link between two fake transports, and the backend's protocol to feed."""
    link = Link(answer, "test")
    client, backend = FakeTransport(), FakeTransport()
    link.client, link.backend = client, backend  # type: ignore[assignment]
    link.logging_in = False
    link.user = "root"
    return link, client, backend, BackendSide(link)
