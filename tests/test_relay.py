"""The relay's packet walk, fed byte streams cut at every offset (no sockets, no server)."""

from __future__ import annotations

import asyncio

import pytest

from jasmine_proxy import protocol
from jasmine_proxy.relay import Link


class FakeTransport:
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


def command(payload: bytes) -> bytes:
    return protocol.frame(payload, 0)


def big_command(payload: bytes) -> bytes:
    """A command longer than one packet: 16 MiB - 1 first, then the rest (seq 1, 2, ...)."""
    out, seq = b"", 0
    while True:
        chunk, payload = payload[: protocol.MAX_PAYLOAD], payload[protocol.MAX_PAYLOAD :]
        out += (
            protocol.frame(chunk, seq)
            if len(chunk) < protocol.MAX_PAYLOAD
            else (b"\xff\xff\xff" + bytes([seq]) + chunk)
        )
        seq += 1
        if len(chunk) < protocol.MAX_PAYLOAD:
            return out


async def feed(stream: bytes, cut: int, attrs: int = 0) -> tuple[bytes, list[bytes], bytes]:
    """Feed `stream` in two pieces cut at `cut`; return what reached the backend, the
    statements Jasmine answered, and what the client got back."""
    answered: list[bytes] = []

    async def answer(statement: bytes, link: Link) -> bytes:
        answered.append(statement)
        return b"<answer>"

    link = Link(answer, "test")
    client, backend = FakeTransport(), FakeTransport()
    link.client, link.backend = client, backend  # type: ignore[assignment]
    link.logging_in = False
    link._attrs = attrs
    for piece in (stream[:cut], stream[cut:]):
        if piece:
            link.from_client(piece)
            for _ in range(3):
                await asyncio.sleep(0)
    return bytes(backend.data), answered, bytes(client.data)


ORDINARY = [
    command(b"\x03SELECT 1"),
    command(b"\x03  select * from materialization"),
    command(b"\x0e"),  # COM_PING
    command(b"\x16SELECT ?"),
    command(b"\x03s"),  # one-byte statements are decided without waiting for more
    command(b"\x03"),
    protocol.frame(b"", 0),  # an empty packet: passes as it is
]
OURS = command(b"\x03 /* x */ SHOW MATERIALIZATIONS LIKE 'a%'")


@pytest.mark.parametrize("cut", range(0, 80, 3))
def test_every_cut_forwards_exactly_the_ordinary_bytes(cut: int) -> None:
    stream = b"".join(ORDINARY[:2]) + OURS + b"".join(ORDINARY[2:])
    backend, answered, client = asyncio.run(feed(stream, cut))
    assert backend == b"".join(ORDINARY)
    assert answered == [b" /* x */ SHOW MATERIALIZATIONS LIKE 'a%'"]
    assert client == b"<answer>"


def test_multi_packet_commands_are_forwarded_whole() -> None:
    big = big_command(b"\x03INSERT INTO t VALUES ('" + b"x" * (protocol.MAX_PAYLOAD + 10) + b"')")
    stream = big + OURS + command(b"\x03SELECT 2")
    for cut in (3, 5, 100, protocol.MAX_PAYLOAD + 2, protocol.MAX_PAYLOAD + 6, len(big) + 2):
        backend, answered, _ = asyncio.run(feed(stream, cut))
        assert backend == big + command(b"\x03SELECT 2")
        assert len(answered) == 1


def test_a_long_ordinary_statement_is_not_held_back() -> None:
    stream = command(b"\x03INSERT INTO t VALUES ('" + b"y" * 10_000 + b"')")
    backend, answered, _ = asyncio.run(feed(stream, 7))
    assert (backend, answered) == (stream, [])


def test_query_attributes_prefix() -> None:
    plain = command(b"\x03\x00\x01SHOW MATERIALIZATIONS")
    with_attrs = command(b"\x03\x01\x01\x00\x01\xfe\x00\x01aSHOW MATERIALIZATIONS")
    backend, answered, _ = asyncio.run(feed(plain + with_attrs, 4, attrs=2))
    assert answered == [b"SHOW MATERIALIZATIONS"]
    assert backend == with_attrs


def test_answer_waits_for_held_bytes() -> None:
    stream = OURS + command(b"\x03SELECT 'after'")
    backend, answered, client = asyncio.run(feed(stream, len(stream)))
    assert len(answered) == 1
    assert backend == command(b"\x03SELECT 'after'")
    assert client == b"<answer>"
