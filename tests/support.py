"""Test support: the real proxy as a subprocess, MariaDB reachability, raw protocol access."""

from __future__ import annotations

import os
import re
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import pymysql

MARIADB_HOST = os.environ.get("JASMINE_TEST_MARIADB_HOST", "127.0.0.1")
MARIADB_PORT = int(os.environ.get("JASMINE_TEST_MARIADB_PORT", "3306"))
MARIADB_URL = f"mysql://root@{MARIADB_HOST}:{MARIADB_PORT}"
ROOT = Path(__file__).resolve().parent.parent

_LISTENING = re.compile(r"listening on (\S+):(\d+)")


def mariadb_reason() -> str | None:
    """None if the shared MariaDB answers as root; otherwise why not."""
    try:
        pymysql.connect(
            host=MARIADB_HOST, port=MARIADB_PORT, user="root", connect_timeout=3
        ).close()
    except Exception as exc:
        return f"no MariaDB at {MARIADB_HOST}:{MARIADB_PORT} as root: {exc}"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Proxy:
    """`jasmine-proxy serve` in a subprocess on a free port; `stop()` sends SIGTERM."""

    def __init__(
        self,
        backend: str = MARIADB_URL,
        *args: str,
        wait: bool = True,
        env: Mapping[str, str] | None = None,
        scheduler: bool = False,
    ) -> None:
        """`env`: extra environment variables for the proxy process (added to this one's).
        `scheduler`: let it refresh materializations on its own; off by default, so that a
        test's proxy never steps other tests' materializations on the shared backend."""
        self.log_lines: list[str] = []
        cmd = [sys.executable, "-m", "jasmine_proxy", "serve", "--backend", backend]
        if "--port" not in args:
            cmd += ["--port", "0"]
        if not scheduler:
            cmd.append("--no-scheduler")
        self.proc = subprocess.Popen(
            [*cmd, *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=ROOT,
            env=None if env is None else {**os.environ, **env},
        )
        self.port = 0
        self._ready = threading.Event()
        self._reader = threading.Thread(target=self._read_log, daemon=True)
        self._reader.start()
        if wait:
            self.wait_listening()

    def _read_log(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.log_lines.append(line.rstrip("\n"))
            m = _LISTENING.search(line)
            if m and not self.port:
                self.port = int(m.group(2))
                self._ready.set()
        self._ready.set()

    def wait_listening(self, timeout: float = 20) -> None:
        self._ready.wait(timeout)
        if not self.port:
            self.stop()
            raise RuntimeError("proxy did not start:\n" + self.log)

    @property
    def log(self) -> str:
        return "\n".join(self.log_lines)

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = self.proc.wait()
        self._reader.join(5)
        return code

    def connect(self, **kwargs: object) -> pymysql.connections.Connection:
        kwargs.setdefault("user", "root")
        return pymysql.connect(host="127.0.0.1", port=self.port, **kwargs)


def direct(**kwargs: object) -> pymysql.connections.Connection:
    kwargs.setdefault("user", "root")
    return pymysql.connect(host=MARIADB_HOST, port=MARIADB_PORT, **kwargs)


def wait_until(predicate: object, timeout: float = 10, interval: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(interval)
    return False


class RawClient:
    """A bare protocol client: logs in (mysql_native_password, empty password) and exchanges
    raw packets, so tests can compare exact bytes and send what real drivers never would."""

    def __init__(self, port: int, user: str = "root", db: str | None = None, caps: int = 0) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        seq, self.greeting = self.read_packet()
        base = 0x00000001 | 0x00000200 | 0x00008000 | 0x00080000 | 0x00020000 | 0x00010000
        self.caps = caps or base  # LONG_PASSWORD, PROTOCOL_41, SECURE_CONN, PLUGIN_AUTH, MULTI_*
        if db:
            self.caps |= 0x8
        body = struct.pack("<IIB", self.caps, 1 << 24, 45) + b"\0" * 23
        body += user.encode() + b"\0" + b"\0"  # empty auth response
        if db:
            body += db.encode() + b"\0"
        body += b"mysql_native_password\0"
        self.write_packet(body, seq + 1)
        _, self.login_reply = self.read_packet()

    def read_exact(self, n: int) -> bytes:
        buf = bytearray()
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                raise ConnectionError("closed by peer")
            buf += chunk
        return bytes(buf)

    def read_packet(self) -> tuple[int, bytes]:
        head = self.read_exact(4)
        length = head[0] | head[1] << 8 | head[2] << 16
        return head[3], self.read_exact(length)

    def write_packet(self, payload: bytes, seq: int = 0) -> None:
        self.sock.sendall(struct.pack("<I", len(payload) | seq << 24) + payload)

    def command(self, payload: bytes) -> list[bytes]:
        """Send one command; return every raw response packet (header included) up to the
        final OK/ERR/EOF of the last result set."""
        self.write_packet(payload)
        return self.read_response()

    def read_response(self) -> list[bytes]:
        packets: list[bytes] = []
        while True:
            first = self._raw()
            packets.append(first)
            kind = first[4]
            if kind in (0x00, 0xFF) or (kind == 0xFE and len(first) < 13):
                if kind == 0x00 and self._more_results(first):
                    continue
                return packets
            # a result set: column definitions, EOF, rows, EOF
            eofs = 0
            while eofs < 2:
                p = self._raw()
                packets.append(p)
                if p[4] == 0xFF:
                    return packets
                if p[4] == 0xFE and len(p) < 13:
                    eofs += 1
            if not struct.unpack_from("<H", p, 7)[0] & 0x0008:  # SERVER_MORE_RESULTS_EXISTS
                return packets

    @staticmethod
    def _more_results(ok: bytes) -> bool:
        pos = 5
        for _ in range(2):  # affected rows, last insert id (length-encoded)
            b = ok[pos]
            pos += 1 if b < 0xFB else {0xFC: 3, 0xFD: 4, 0xFE: 9}[b]
        return bool(struct.unpack_from("<H", ok, pos)[0] & 0x0008)

    def _raw(self) -> bytes:
        head = self.read_exact(4)
        length = head[0] | head[1] << 8 | head[2] << 16
        return head + self.read_exact(length)

    def query(self, sql: str) -> list[bytes]:
        return self.command(b"\x03" + sql.encode())

    def close(self) -> None:
        self.sock.close()


def rows(conn: pymysql.connections.Connection, sql: str, args: Sequence[object] = ()) -> list:
    with conn.cursor() as cur:
        cur.execute(sql, args or None)
        return list(cur.fetchall())


class CuttableRelay:
    """A TCP relay between the proxy and MariaDB that a test can cut and restore, so the
    backend "goes away" without touching the shared server."""

    def __init__(self, target: tuple[str, int] = (MARIADB_HOST, MARIADB_PORT)) -> None:
        self.target = target
        self.port = free_port()
        self._conns: list[socket.socket] = []
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None
        self.restore()

    def restore(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        """Refuse new connections and break every open one."""
        with self._lock:
            if self._listener is not None:
                try:
                    self._listener.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread
                except OSError:
                    pass
                self._listener.close()
                self._listener = None
            for s in self._conns:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()
            self._conns.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._conns += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def open_fds(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def backend_threads() -> set[int]:
    with direct() as conn, conn.cursor() as cur:
        cur.execute("SELECT id FROM information_schema.processlist")
        return {row[0] for row in cur.fetchall()}
