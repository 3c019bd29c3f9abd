"""Packet-level helpers of the relay (no server needed)."""

from __future__ import annotations

import struct

import pytest

from jasmine_proxy import protocol

# A MariaDB 10.11 greeting as sent on the wire (thread id 7, capabilities with COMPRESS and SSL).
GREETING = (
    b"\x0a5.5.5-10.11.19-MariaDB\x00"
    + struct.pack("<I", 7)
    + b"abcdefgh\x00"
    + struct.pack("<H", 0xFFFF & ~0)  # lower capabilities, all set
    + b"\x2d"
    + struct.pack("<H", 0x0002)  # status: autocommit
    + struct.pack("<H", 0x81FF | (protocol.CLIENT_ZSTD_COMPRESSION >> 16))
    + b"\x15"
    + b"\x00" * 6
    + struct.pack("<I", 0x1D)  # MariaDB extended capabilities
    + b"ijklmnopqrst\x00"
    + b"mysql_native_password\x00"
)


def test_parse_greeting() -> None:
    g = protocol.parse_greeting(GREETING)
    assert g.version == "5.5.5-10.11.19-MariaDB"
    assert g.thread_id == 7
    assert g.status == 2
    assert g.capabilities & protocol.CLIENT_COMPRESS


def test_rewrite_greeting_clears_compression_and_keeps_the_rest() -> None:
    g = protocol.parse_greeting(GREETING)
    out = protocol.rewrite_greeting(GREETING, g, offer_tls=False)
    again = protocol.parse_greeting(out)
    assert not again.capabilities & (protocol.CLIENT_COMPRESS | protocol.CLIENT_ZSTD_COMPRESSION)
    assert not again.capabilities & protocol.CLIENT_SSL
    unchanged = ~(protocol.UNRELAYABLE | protocol.CLIENT_SSL)
    assert again.capabilities & unchanged == g.capabilities & unchanged
    assert (again.version, again.thread_id, again.status) == (g.version, g.thread_id, g.status)
    assert len(out) == len(GREETING)
    assert out.endswith(b"ijklmnopqrst\x00mysql_native_password\x00")


def test_rewrite_greeting_offers_tls_when_configured() -> None:
    g = protocol.parse_greeting(GREETING)
    offered = protocol.parse_greeting(protocol.rewrite_greeting(GREETING, g, offer_tls=True))
    assert offered.capabilities & protocol.CLIENT_SSL


def test_parse_greeting_rejects_other_protocols() -> None:
    with pytest.raises(ValueError, match="unsupported handshake"):
        protocol.parse_greeting(b"\x09old")


def test_frame_and_split_round_trip() -> None:
    buf = bytearray(protocol.frame(b"abc", 1) + protocol.frame(b"", 2) + protocol.frame(b"xy", 3))
    buf += b"\x05\x00"  # an incomplete header stays in the buffer
    assert protocol.split_packets(buf) == [(1, b"abc"), (2, b""), (3, b"xy")]
    assert buf == b"\x05\x00"


def test_ssl_request_detection() -> None:
    ssl_request = struct.pack("<IIB", protocol.CLIENT_SSL | protocol.CLIENT_PROTOCOL_41, 0, 45)
    ssl_request += b"\x00" * 23
    assert protocol.is_ssl_request(ssl_request)
    assert not protocol.is_ssl_request(ssl_request + b"root\x00")
    plain = protocol.set_client_capabilities(ssl_request, protocol.CLIENT_PROTOCOL_41)
    assert not protocol.is_ssl_request(plain)


def test_handshake_username() -> None:
    response = b"\x00" * 32 + b"alice\x00\x14" + b"x" * 20
    assert protocol.handshake_username(response) == "alice"
    assert protocol.handshake_username(b"short") == ""


def test_error_payload() -> None:
    assert protocol.error_payload(1045, "28000", "no") == b"\xff\x15\x04#28000no"
    assert protocol.error_payload(2003, "HY000", "x", protocol_41=False) == b"\xff\xd3\x07x"


def test_proxy_protocol_header() -> None:
    header = protocol.proxy_protocol_v1(("10.1.2.3", 5555), ("10.0.0.1", 3306))
    assert header == b"PROXY TCP4 10.1.2.3 10.0.0.1 5555 3306\r\n"
    assert protocol.proxy_protocol_v1(("::1", 1), ("::1", 2)).startswith(b"PROXY TCP6 ::1 ::1")
    assert protocol.proxy_protocol_v1(("::1", 1), ("127.0.0.1", 2)) == b"PROXY UNKNOWN\r\n"


@pytest.mark.parametrize("deprecate_eof", [False, True])
def test_text_result_reader(deprecate_eof: bool) -> None:
    from mysql_mimic import packets
    from mysql_mimic.charset import CharacterSet

    reader = protocol.TextResultReader(deprecate_eof)
    payloads = [b"\x02"]
    for name in ("a", "b"):
        payloads.append(packets.make_column_definition_41(CharacterSet.utf8mb4, name=name))
    if not deprecate_eof:
        payloads.append(b"\xfe\x00\x00\x02\x00")
    payloads += [b"\x01x\xfb", b"\xfc\x00\x01" + b"y" * 256 + b"\x00"]
    payloads.append(b"\xfe\x00\x00\x02\x00\x00\x00" if deprecate_eof else b"\xfe\x00\x00\x02\x00")
    results = [reader.feed(p) for p in payloads]
    assert results[:-1] == [None] * (len(payloads) - 1)
    assert results[-1] == (["a", "b"], [(b"x", None), (b"y" * 256, b"")])


def test_text_result_reader_raises_the_servers_error() -> None:
    reader = protocol.TextResultReader(deprecate_eof=True)
    with pytest.raises(protocol.ServerError) as info:
        reader.feed(protocol.error_payload(1146, "42S02", "Table 'x' doesn't exist"))
    assert (info.value.code, info.value.sqlstate) == (1146, "42S02")
