"""The relay's packet walk, fed byte streams cut at every offset (no sockets, no server)."""

from __future__ import annotations

import asyncio
import re

import pytest

from jasmine_proxy import protocol
from jasmine_proxy.relay import Link
from tests.fakes import make_link


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


def barrier_reply(marker: bytes, deprecate_eof: bool = False) -> bytes:
    """What MariaDB answers to `SELECT 1 AS <marker>`."""
    definition = b"\x03def\x00\x00\x00" + bytes([len(marker)]) + marker + b"\x00\x0c?\x00"
    definition += b"\x01\x00\x00\x00\x08\x81\x00\x00\x00\x00"
    packets = [b"\x01", definition]
    if not deprecate_eof:
        packets.append(b"\xfe\x00\x00\x02\x00")
    packets += [
        b"\x011",
        b"\xfe\x00\x00\x02\x00\x00\x00" if deprecate_eof else b"\xfe\x00\x00\x02\x00",
    ]
    return b"".join(protocol.frame(p, seq) for seq, p in enumerate(packets, start=1))


BARRIER = re.compile(
    rb"....\x03(?:\x00\x01)?SELECT 1 AS (jasmine_barrier_[0-9a-f]{16}) LIMIT 1", re.DOTALL
)


async def feed(
    stream: bytes, cut: int, attrs: int = 0, before_barrier: bytes = b""
) -> tuple[bytes, list[bytes], bytes]:
    """Feed `stream` in two pieces cut at `cut`, playing the backend (which answers each
    barrier query, after `before_barrier` bytes still owed to the client); return what
    reached the backend, the statements Jasmine answered, and what the client got."""
    answered: list[bytes] = []

    async def answer(statement: bytes, link: Link) -> bytes:
        answered.append(statement)
        return b"<answer>"

    link, client, backend, server = make_link(answer)
    link._attrs = attrs
    for piece in (stream[:cut], stream[cut:]):
        if piece:
            link.from_client(piece)
        for _ in range(20):
            await asyncio.sleep(0)
            barrier = BARRIER.search(backend.data, max(0, len(backend.data) - 200))
            if barrier:
                reply = before_barrier + barrier_reply(bytes(barrier.group(1)))
                del backend.data[barrier.start() : barrier.end()]
                for i in range(0, len(reply), 7):  # in small pieces, as a socket may
                    server.data_received(reply[i : i + 7])
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


def test_answer_waits_for_replies_still_owed_to_the_client() -> None:
    """Replies to commands pipelined before the statement reach the client first."""
    owed = protocol.frame(b"\x00\x00\x00\x02\x00\x00\x00", 1) * 3
    stream = command(b"\x03DO 1") + OURS
    backend, answered, client = asyncio.run(feed(stream, len(stream), before_barrier=owed))
    assert len(answered) == 1
    assert backend == command(b"\x03DO 1")
    assert client == owed + b"<answer>"


def test_extended_statements_cannot_be_prepared() -> None:
    stream = command(b"\x16SHOW MATERIALIZATIONS") + command(b"\x16SELECT ?")
    backend, answered, client = asyncio.run(feed(stream, len(stream)))
    assert (backend, answered) == (command(b"\x16SELECT ?"), [])
    assert client[4:7] == b"\xff\x0f\x05"  # ERR 1295


def test_load_data_file_packets_that_wrap_to_seq_0_are_not_commands() -> None:
    packets = b"".join(protocol.frame(b"x" * 10, seq % 256) for seq in range(2, 256))
    wrapped = protocol.frame(b"\x03SHOW MATERIALIZATIONS", 0)  # the 255th file packet's next
    stream = packets + wrapped + protocol.frame(b"", 1)
    backend, answered, _ = asyncio.run(feed(stream, 100))
    assert (backend, answered) == (stream, [])
