"""MySQL client/server protocol facts the relay needs, as pure functions over bytes.

The relay never decodes rows or re-encodes answers; it only needs to find packet boundaries,
adjust a few capability bits in the login packets, and build an ERR packet of its own when the
backend cannot answer. Everything here works without a socket and is tested that way.

>>> frame(b"\\x0e", 0)
b'\\x01\\x00\\x00\\x00\\x0e'
"""

from __future__ import annotations

import hashlib
import struct
from typing import NamedTuple

MAX_PAYLOAD = 0xFFFFFF  # a payload this long continues in the next packet

# Capability flags (protocol 4.1).
CLIENT_LONG_PASSWORD = 1
CLIENT_MYSQL = 1  # the same bit: set by MySQL, clear from MariaDB (its extra capability word)
CLIENT_COMPRESS = 1 << 5
CLIENT_PROTOCOL_41 = 1 << 9
CLIENT_SSL = 1 << 11
CLIENT_SECURE_CONNECTION = 1 << 15
CLIENT_PLUGIN_AUTH = 1 << 19
CLIENT_DEPRECATE_EOF = 1 << 24
CLIENT_ZSTD_COMPRESSION = 1 << 26
CLIENT_QUERY_ATTRIBUTES = 1 << 27
# MariaDB's extra capability word (bytes 28-31 of a HandshakeResponse41 from a MariaDB client)
MARIADB_CLIENT_EXTENDED_METADATA = 1 << 3  # column definitions carry an extended-info field
MARIADB_CLIENT_CACHE_METADATA = 1 << 4  # column count packets carry a metadata-follows byte

#: Capabilities a relay that does not decompress cannot pass on.
UNRELAYABLE = CLIENT_COMPRESS | CLIENT_ZSTD_COMPRESSION

# Commands.
COM_QUIT = 0x01
COM_QUERY = 0x03
COM_CHANGE_USER = 0x11
COM_STMT_PREPARE = 0x16

# First byte of an error packet.
ERR = 0xFF

SSL_REQUEST_LENGTH = 32


class Greeting(NamedTuple):
    """The parts of a server's HandshakeV10 the relay looks at."""

    version: str
    thread_id: int
    capabilities: int
    charset: int
    status: int
    caps_offsets: tuple[int, int]  # where the lower and upper 16 capability bits sit
    scramble: bytes = b""
    plugin: str = ""
    mariadb_capabilities: int = 0  # MariaDB's extra capability word (0 from MySQL)


def frame(payload: bytes, seq: int) -> bytes:
    """One packet: 3-byte length, sequence id, payload (payload shorter than 16 MiB)."""
    return struct.pack("<I", len(payload) | (seq & 0xFF) << 24) + payload


def header(data: bytes | bytearray | memoryview, pos: int = 0) -> tuple[int, int]:
    """(payload length, sequence id) of the packet whose header starts at `pos`."""
    return data[pos] | data[pos + 1] << 8 | data[pos + 2] << 16, data[pos + 3]


def split_packets(buf: bytearray) -> list[tuple[int, bytes]]:
    """Remove and return every complete (seq, payload) packet at the front of `buf`."""
    out = []
    while len(buf) >= 4:
        length, seq = header(buf)
        if len(buf) < 4 + length:
            break
        out.append((seq, bytes(buf[4 : 4 + length])))
        del buf[: 4 + length]
    return out


def parse_greeting(payload: bytes) -> Greeting:
    """Read a HandshakeV10 greeting. Raises ValueError on anything else."""
    if not payload or payload[0] != 10:
        raise ValueError(f"unsupported handshake protocol {payload[:1]!r}")
    end = payload.index(b"\0", 1)
    version = payload[1:end].decode("utf-8", "replace")
    pos = end + 1
    thread_id = struct.unpack_from("<I", payload, pos)[0]
    pos += 4 + 8 + 1  # thread id, scramble part 1, filler
    lower_at = pos
    caps = struct.unpack_from("<H", payload, pos)[0]
    charset = status = 0
    upper_at = -1
    if len(payload) > pos + 2:
        charset = payload[pos + 2]
        status = struct.unpack_from("<H", payload, pos + 3)[0]
        upper_at = pos + 5
        caps |= struct.unpack_from("<H", payload, upper_at)[0] << 16
    scramble, plugin, mariadb_caps = payload[end + 5 : end + 13], "", 0
    if upper_at >= 0 and len(payload) > upper_at + 13:
        if not caps & CLIENT_MYSQL:
            mariadb_caps = struct.unpack_from("<I", payload, upper_at + 9)[0]
        auth_len = payload[upper_at + 2]
        rest_at = upper_at + 13  # auth data length, 6 reserved bytes, 4 MariaDB capability bytes
        part2 = payload[rest_at : rest_at + max(13, auth_len - 8)]
        scramble += part2.rstrip(b"\0")
        plugin_end = payload.find(b"\0", rest_at + len(part2))
        plugin = payload[rest_at + len(part2) : plugin_end if plugin_end >= 0 else None].decode()
    return Greeting(
        version,
        thread_id,
        caps,
        charset,
        status,
        (lower_at, upper_at),
        scramble,
        plugin,
        mariadb_caps,
    )


def rewrite_greeting(payload: bytes, greeting: Greeting, *, offer_tls: bool) -> bytes:
    """The backend's greeting with the capabilities this relay cannot honour cleared.

    Compression is cleared (the relay does not decompress); CLIENT_SSL says whether the proxy
    itself offers TLS to clients. Everything else (version, thread id, scramble, status, auth
    plugin, MariaDB's extended capabilities) reaches the client as the backend sent it.
    """
    caps = greeting.capabilities & ~UNRELAYABLE
    caps = caps | CLIENT_SSL if offer_tls else caps & ~CLIENT_SSL
    out = bytearray(payload)
    lower_at, upper_at = greeting.caps_offsets
    struct.pack_into("<H", out, lower_at, caps & 0xFFFF)
    if upper_at >= 0:
        struct.pack_into("<H", out, upper_at, caps >> 16)
    return bytes(out)


def client_capabilities(payload: bytes) -> int:
    """Capability flags of a HandshakeResponse41 or SSLRequest."""
    if len(payload) < 4:
        raise ValueError("handshake response too short")
    return int(struct.unpack_from("<I", payload)[0])


def mariadb_client_capabilities(payload: bytes) -> int:
    """MariaDB's extra capability word of a HandshakeResponse41 (0 from a MySQL client)."""
    if len(payload) < 32 or client_capabilities(payload) & CLIENT_MYSQL:
        return 0
    return int(struct.unpack_from("<I", payload, 28)[0])


def with_extended_info(column_definition: bytes) -> bytes:
    """A ColumnDefinition41 with MariaDB's (empty) extended-info field after the six names.

    >>> with_extended_info(b"\\x03def\\x00\\x00\\x00\\x01a\\x00\\x0c").hex()
    '03646566000000016100000c'
    """
    pos = 0
    for _ in range(6):  # catalog, schema, table, org_table, name, org_name
        size, pos = lenenc(column_definition, pos)
        pos += size or 0
    return column_definition[:pos] + b"\x00" + column_definition[pos:]


def is_ssl_request(payload: bytes) -> bool:
    """True for the short packet a client sends to ask for TLS before its credentials."""
    return len(payload) == SSL_REQUEST_LENGTH and bool(client_capabilities(payload) & CLIENT_SSL)


def set_client_capabilities(payload: bytes, caps: int) -> bytes:
    """A HandshakeResponse41/SSLRequest with its capability flags replaced."""
    return struct.pack("<I", caps) + payload[4:]


def error_payload(code: int, sqlstate: str, message: str, *, protocol_41: bool = True) -> bytes:
    """An ERR packet's payload (the SQLSTATE marker only for protocol-4.1 clients)."""
    body = struct.pack("<BH", ERR, code)
    if protocol_41:
        body += b"#" + sqlstate.encode("ascii")[:5].ljust(5, b"0")
    return body + message.encode("utf-8", "replace")


def proxy_protocol_v1(src: tuple[str, int], dst: tuple[str, int]) -> bytes:
    """A PROXY protocol v1 header announcing the client's real address to the backend."""
    family = "TCP6" if ":" in src[0] else "TCP4"
    if (":" in dst[0]) != (":" in src[0]):
        return b"PROXY UNKNOWN\r\n"
    return f"PROXY {family} {src[0]} {dst[0]} {src[1]} {dst[1]}\r\n".encode("ascii")


def change_user_name(payload: bytes) -> str:
    """The user name in a COM_CHANGE_USER payload (its command byte included)."""
    end = payload.find(b"\0", 1)
    return payload[1 : end if end >= 0 else None].decode("utf-8", "replace")


def handshake_username(response: bytes) -> str:
    """The user name in a HandshakeResponse41, empty if there is none."""
    if len(response) <= 32:
        return ""
    end = response.find(b"\0", 32)
    return response[32 : end if end >= 0 else None].decode("utf-8", "replace")


def native_password(password: str, scramble: bytes) -> bytes:
    """mysql_native_password's answer: SHA1(pw) XOR SHA1(scramble + SHA1(SHA1(pw)))."""
    if not password:
        return b""
    stage1 = hashlib.sha1(password.encode()).digest()
    stage2 = hashlib.sha1(stage1).digest()
    mask = hashlib.sha1(scramble[:20] + stage2).digest()
    return bytes(a ^ b for a, b in zip(stage1, mask, strict=True))


def handshake_response(user: str, auth: bytes, plugin: str = "mysql_native_password") -> bytes:
    """A minimal HandshakeResponse41 (protocol 4.1, utf8mb4, no database)."""
    caps = CLIENT_LONG_PASSWORD | CLIENT_PROTOCOL_41 | CLIENT_SECURE_CONNECTION | CLIENT_PLUGIN_AUTH
    head = struct.pack("<IIB", caps, 1 << 24, 45) + b"\0" * 23
    return head + user.encode() + b"\0" + bytes([len(auth)]) + auth + plugin.encode() + b"\0"


class TextResult(NamedTuple):
    """A decoded text-protocol answer: column names and rows (None for NULL)."""

    columns: list[str]
    rows: list[tuple[bytes | None, ...]]


class ServerError(Exception):
    """An ERR packet: the server's code, SQLSTATE and message."""

    def __init__(self, code: int, sqlstate: str, message: str) -> None:
        super().__init__(f"({code}) {message}")
        self.code, self.sqlstate, self.message = code, sqlstate, message


def lenenc(data: bytes, pos: int) -> tuple[int | None, int]:
    """A length-encoded integer at `pos`: (value, next position); None for 0xFB (NULL)."""
    first = data[pos]
    if first < 0xFB:
        return first, pos + 1
    if first == 0xFB:
        return None, pos + 1
    size = {0xFC: 2, 0xFD: 3, 0xFE: 8}[first]
    return int.from_bytes(data[pos + 1 : pos + 1 + size], "little"), pos + 1 + size


def parse_error(payload: bytes) -> ServerError:
    code = struct.unpack_from("<H", payload, 1)[0]
    if payload[3:4] == b"#":
        return ServerError(code, payload[4:9].decode(), payload[9:].decode("utf-8", "replace"))
    return ServerError(code, "HY000", payload[3:].decode("utf-8", "replace"))


SERVER_MORE_RESULTS_EXISTS = 0x0008


def end_status(payload: bytes) -> int:
    """The status flags of an OK packet or of a 5-byte EOF packet."""
    if payload[:1] == b"\xfe" and len(payload) == 5:
        return int(struct.unpack_from("<H", payload, 3)[0])
    _, pos = lenenc(payload, 1)  # affected rows
    _, pos = lenenc(payload, pos)  # last insert id
    return int(struct.unpack_from("<H", payload, pos)[0]) if pos + 2 <= len(payload) else 0


class TextResultReader:
    """Collects the packets of one COM_QUERY answer; `feed` returns the result once complete.

    >>> r = TextResultReader(deprecate_eof=False)
    >>> r.feed(b"\\x00\\x00\\x00\\x02\\x00\\x00\\x00")
    TextResult(columns=[], rows=[])
    """

    def __init__(self, deprecate_eof: bool) -> None:
        self.deprecate_eof = deprecate_eof
        self._first: TextResult | None = None  # of several results (CALL), the first is kept
        self._start()

    def _start(self) -> None:
        self.columns: list[str] = []
        self.rows: list[tuple[bytes | None, ...]] = []
        self._expected: int | None = None  # column definitions still to come
        self._eofs = 0

    def feed(self, payload: bytes) -> TextResult | None:
        """Take one packet's payload; the result when it was the last. ERR raises ServerError."""
        if payload[:1] == b"\xff":
            raise parse_error(payload)
        if self._expected is None:
            if payload[:1] == b"\x00":
                return self._end(payload)
            self._expected, _ = lenenc(payload, 0)
            return None
        if len(self.columns) < self._expected:
            self.columns.append(self._column_name(payload))
            return None
        is_end = payload[:1] == b"\xfe" and len(payload) < MAX_PAYLOAD  # a row would be longer
        if is_end and not self.deprecate_eof and self._eofs == 0:
            self._eofs = 1  # the EOF after the column definitions
            return None
        if is_end:
            return self._end(payload)
        self.rows.append(self._row(payload))
        return None

    def _end(self, payload: bytes) -> TextResult | None:
        """A result ends here; the whole answer too unless the server says more follow."""
        result = TextResult(self.columns, self.rows)
        self._first = self._first or result
        if end_status(payload) & SERVER_MORE_RESULTS_EXISTS:
            self._start()
            return None
        return self._first

    @staticmethod
    def _column_name(payload: bytes) -> str:
        pos = 0
        for _ in range(4):  # catalog, schema, table, org_table
            length, pos = lenenc(payload, pos)
            pos += length or 0
        length, pos = lenenc(payload, pos)
        return payload[pos : pos + (length or 0)].decode("utf-8", "replace")

    def _row(self, payload: bytes) -> tuple[bytes | None, ...]:
        values: list[bytes | None] = []
        pos = 0
        for _ in self.columns:
            length, pos = lenenc(payload, pos)
            if length is None:
                values.append(None)
            else:
                values.append(payload[pos : pos + length])
                pos += length
        return tuple(values)
