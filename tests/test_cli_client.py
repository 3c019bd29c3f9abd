"""The `mariadb` command-line client through the proxy, compared with the same client direct.

Scripted sessions must print exactly what they print direct; the interactive client runs under a
pseudo-terminal so that Ctrl-C (which makes the client send `KILL QUERY <id>` on a second
connection, using the thread id from the greeting) and tab completion (table and column names
read at connect time with SHOW TABLES and COM_FIELD_LIST) are exercised as a user would.
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import select
import shutil
import ssl
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Iterator

import pymysql
import pytest

from tests.private_mariadb import TlsFiles, make_tls_files
from tests.support import MARIADB_HOST, MARIADB_PORT, MARIADB_URL, Proxy, direct, wait_until

MARIADB = shutil.which("mariadb") or "/usr/bin/mariadb"

pytestmark = [
    pytest.mark.backend,
    pytest.mark.skipif(not os.access(MARIADB, os.X_OK), reason="no mariadb command-line client"),
]

#: Started in a new session with the pty on fds 0-2: make the pty its controlling terminal (so
#: that \x03 typed into it raises SIGINT in the foreground process), then become the client.
#: A separate interpreter instead of pty.fork(): forking this multi-threaded test process is
#: unsafe (and warns, which the test configuration turns into an error, on Python 3.12+).
_CTTY_SHIM = (
    "import fcntl, os, sys, termios; "
    "fcntl.ioctl(0, termios.TIOCSCTTY, 0); "
    "os.execv(sys.argv[1], sys.argv[1:])"
)

#: Query timings are the only part of the output allowed to differ (no script prints a
#: connection id).
_TIMING = re.compile(rb"\(\d+\.\d+ sec\)")

ENV = {
    "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
    "LANG": "C.UTF-8",
    "LC_ALL": "C.UTF-8",
    "HOME": os.environ.get("HOME", "/tmp"),
    "TZ": "UTC",
}


def endpoint(target: str, proxy: Proxy) -> tuple[str, int]:
    return ("127.0.0.1", proxy.port) if target == "proxy" else (MARIADB_HOST, MARIADB_PORT)


def client_args(where: tuple[str, int], user: tuple[str, str], *extra: str) -> list[str]:
    """A `mariadb` command line that ignores option files and logs in as `user`."""
    host, port = where
    name, password = user
    return [
        MARIADB,
        "--no-defaults",
        "--default-character-set=utf8mb4",
        "-h",
        host,
        "-P",
        str(port),
        "-u",
        name,
        f"-p{password}",
        *extra,
    ]


def run_client(
    args: list[str], stdin: bytes | None = None, timeout: float = 60
) -> tuple[int, bytes, bytes]:
    """(exit code, stdout with timings masked, stderr) of one client run."""
    done = subprocess.run(args, input=stdin, capture_output=True, timeout=timeout, env=ENV)
    return done.returncode, _TIMING.sub(b"(T sec)", done.stdout), done.stderr


# -- scripted sessions ---------------------------------------------------------------------------

SCRIPT = """\
CREATE TABLE item (
  id INT PRIMARY KEY,
  name VARCHAR(20) NOT NULL,
  price DECIMAL(8,2),
  seen DATETIME(3),
  note TEXT
) DEFAULT CHARSET=utf8mb4;
CREATE TABLE tag (item_id INT, label VARCHAR(10), KEY (item_id)) DEFAULT CHARSET=utf8mb4;
INSERT INTO item VALUES
  (1, 'café ☕', 1.50, '2024-01-02 03:04:05.678', NULL),
  (2, 'naïve 🐍', 22.25, NULL, 'tab\there'),
  (3, 'plain', NULL, '1999-12-31 23:59:59.999', 'line1\\nline2');
INSERT INTO tag VALUES (1, 'hot'), (1, 'new'), (3, 'old');
INSERT IGNORE INTO item VALUES (1, 'duplicate', 0, NULL, NULL);
SHOW WARNINGS;
SELECT 1/0 AS div_zero, CAST('12abc' AS SIGNED) AS truncated;
SHOW WARNINGS;
SELECT i.id, i.name, i.price, i.seen, i.note, GROUP_CONCAT(t.label ORDER BY t.label) AS tags
  FROM item i LEFT JOIN tag t ON t.item_id = i.id GROUP BY i.id ORDER BY i.id;
UPDATE item SET price = price * 2 WHERE price IS NOT NULL;
SELECT no_such_column FROM item;
SELECT COUNT(*), SUM(price), MAX(seen) FROM item;
DROP TABLE IF EXISTS tag, item, never_existed;
SHOW WARNINGS;
"""


def run_both(
    proxy: Proxy, database: str, user: tuple[str, str], *args: str, stdin: bytes | None = None
) -> tuple[tuple[int, bytes, bytes], tuple[int, bytes, bytes]]:
    """(exit code, stdout, stderr) of the same command via the proxy, then direct. The script's
    tables are dropped after each run (a script that stops at an error leaves them behind)."""
    outputs = []
    for target in ("proxy", "direct"):
        outputs.append(run_client(client_args(endpoint(target, proxy), user, *args), stdin))
        with direct(database=database, autocommit=True) as conn, conn.cursor() as cur:
            cur.execute("DROP TABLE IF EXISTS tag, item")
    return outputs[0], outputs[1]


ERROR_LINE = b"ERROR 1054 (42S22) at line 21: Unknown column 'no_such_column' in 'SELECT'\n"


@pytest.mark.parametrize(
    "mode",
    [
        pytest.param(("--batch",), id="batch"),
        pytest.param(("--table", "--column-type-info"), id="table-column-info"),
    ],
)
def test_execute_option_prints_the_same_as_direct(
    proxy: Proxy, database: str, user: tuple[str, str], mode: tuple[str, ...]
) -> None:
    # without the error line: `-e` stops at the first error (the next test)
    script = SCRIPT.replace("SELECT no_such_column FROM item;\n", "")
    via_proxy, via_direct = run_both(proxy, database, user, *mode, database, "-e", script)
    assert via_proxy == via_direct
    code, out, err = via_proxy
    assert (code, err) == (0, b"")
    assert "café ☕".encode() in out
    assert "naïve 🐍".encode() in out
    assert b"Duplicate entry '1' for key 'PRIMARY'" in out
    assert b"Division by 0" in out
    assert b"Unknown table" in out  # the note from DROP TABLE IF EXISTS never_existed


def test_execute_option_stops_at_the_first_error_like_direct(
    proxy: Proxy, database: str, user: tuple[str, str]
) -> None:
    via_proxy, via_direct = run_both(proxy, database, user, "-vvv", database, "-e", SCRIPT)
    assert via_proxy == via_direct
    code, out, err = via_proxy
    assert code == 1
    assert err == ERROR_LINE
    assert b"UPDATE item SET price" in out
    assert b"SELECT COUNT(*)" not in out  # nothing after the error ran


@pytest.mark.parametrize(
    "flags",
    [
        pytest.param((), id="batch"),
        pytest.param(("--table", "-vvv"), id="verbose-table"),
        pytest.param(("--xml",), id="xml"),
    ],
)
def test_script_on_stdin_prints_the_same_as_direct(
    proxy: Proxy, database: str, user: tuple[str, str], flags: tuple[str, ...]
) -> None:
    via_proxy, via_direct = run_both(
        proxy, database, user, "--force", *flags, database, stdin=SCRIPT.encode()
    )
    assert via_proxy == via_direct
    code, out, err = via_proxy
    assert code == 0  # --force goes on after the error (and then exits 0)
    # with --force the client echoes the failing statement before its error line
    assert err.count(b"ERROR") == 1
    assert err.endswith(ERROR_LINE)
    assert b"47.50" in out  # the statements after the error ran: SUM(price) after the UPDATE
    assert b"Unknown table" in out
    assert "naïve 🐍".encode() in out


# -- interactive sessions under a pseudo-terminal --------------------------------------------------


class Terminal:
    """The interactive `mariadb` client on a pseudo-terminal of its own (pure Python, no tmux)."""

    def __init__(self, args: list[str]) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 200, 0, 0))
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _CTTY_SHIM, *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            start_new_session=True,
            env={**ENV, "TERM": "dumb"},
        )
        os.close(slave)
        self.seen = b""  # everything read so far
        self._pos = 0  # where the next expect() starts looking

    def send(self, data: bytes) -> None:
        os.write(self.master, data)

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.master], [], [], max(0.0, timeout))
        if not ready:
            return False
        try:
            chunk = os.read(self.master, 65536)
        except OSError as exc:  # EIO: the client exited and closed the terminal
            if exc.errno != errno.EIO:
                raise
            chunk = b""
        if not chunk:
            raise EOFError(f"client exited; output so far:\n{self.seen.decode(errors='replace')}")
        self.seen += chunk
        return True

    def expect(self, pattern: bytes | re.Pattern[bytes], timeout: float = 10) -> re.Match[bytes]:
        """Wait for `pattern` after the previous match; return the match."""
        regex = pattern if isinstance(pattern, re.Pattern) else re.compile(re.escape(pattern))
        deadline = time.monotonic() + timeout
        while True:
            m = regex.search(self.seen, self._pos)
            if m:
                self._pos = m.end()
                return m
            if not self._read(deadline - time.monotonic()) and time.monotonic() >= deadline:
                tail = self.seen[self._pos :].decode(errors="replace")
                raise AssertionError(f"no {regex.pattern!r} within {timeout} s; got:\n{tail}")

    def close(self) -> int:
        if self.proc.poll() is None:
            try:
                self.send(b"\x15quit\r")  # ^U clears a half-typed line
            except OSError:
                pass
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.master >= 0:
            os.close(self.master)
            self.master = -1
        return self.proc.returncode


@pytest.fixture
def terminals() -> Iterator[list[Terminal]]:
    opened: list[Terminal] = []
    yield opened
    for term in opened:
        term.close()


PROMPT = re.compile(rb"MariaDB \[[^\]]*\]> ")


def open_terminal(
    terminals: list[Terminal],
    where: tuple[str, int],
    user: tuple[str, str],
    database: str,
    *extra: str,
) -> tuple[Terminal, int]:
    """An interactive client at its first prompt, and the connection id it announced."""
    term = Terminal(client_args(where, user, *extra, database))
    terminals.append(term)
    conn_id = int(term.expect(re.compile(rb"connection id is (\d+)")).group(1))
    term.expect(PROMPT)
    return term, conn_id


def process_state(conn_id: int) -> tuple[str, str | None] | None:
    """(COMMAND, INFO) of backend thread `conn_id`, None if it does not exist."""
    with direct() as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT COMMAND, INFO FROM information_schema.PROCESSLIST WHERE ID = %s", (conn_id,)
        )
        row = cur.fetchone()
    return None if row is None else (row[0], row[1])


@pytest.mark.parametrize("target", ["proxy", "direct"])
def test_ctrl_c_kills_the_running_query_and_the_session_goes_on(
    proxy: Proxy,
    database: str,
    user: tuple[str, str],
    terminals: list[Terminal],
    target: str,
) -> None:
    term, conn_id = open_terminal(terminals, endpoint(target, proxy), user, database)
    # the id the client was told is the backend thread it talks to: KILL QUERY depends on it
    term.send(b"SELECT SLEEP(30) AS slept;\r")
    assert wait_until(
        lambda: (process_state(conn_id) or ("", ""))[1] == "SELECT SLEEP(30) AS slept", timeout=10
    ), f"thread {conn_id} never ran the query: {process_state(conn_id)}"

    started = time.monotonic()
    term.send(b"\x03")
    term.expect(b"Ctrl-C -- query killed.", timeout=5)
    term.expect(b"ERROR 1317 (70100): Query execution was interrupted", timeout=5)
    term.expect(PROMPT, timeout=5)
    assert time.monotonic() - started < 5

    # the same session, the same backend thread, still usable
    assert process_state(conn_id) == ("Sleep", None)
    term.send(b"SELECT 40 + 2 AS answer, CONNECTION_ID() = %d AS same;\r" % conn_id)
    term.expect(re.compile(rb"\|\s+42 \|\s+1 \|"))
    term.expect(b"1 row in set")
    term.expect(PROMPT)
    assert term.close() == 0


@pytest.mark.parametrize("target", ["proxy", "direct"])
def test_tab_completes_table_and_column_names(
    proxy: Proxy,
    database: str,
    user: tuple[str, str],
    terminals: list[Terminal],
    target: str,
) -> None:
    with direct(database=database, autocommit=True) as conn, conn.cursor() as cur:
        cur.execute("CREATE TABLE zq_unique_table (uniquecolpre_amount INT, other INT)")
        cur.execute("CREATE TABLE zq_other (x INT)")
        cur.execute("INSERT INTO zq_unique_table VALUES (7, 8)")
    term, _ = open_terminal(terminals, endpoint(target, proxy), user, database)
    term.send(b"SELECT uniquecolp\t")
    term.expect(b"SELECT uniquecolpre_amount")
    term.send(b"FROM zq_uni\t")
    term.expect(b"FROM zq_unique_table")
    term.send(b";\r")
    term.expect(re.compile(rb"\|\s+7 \|"))
    term.expect(PROMPT)
    assert term.close() == 0


@pytest.mark.parametrize("target", ["proxy", "direct"])
def test_without_auto_rehash_nothing_is_completed(
    proxy: Proxy,
    database: str,
    user: tuple[str, str],
    terminals: list[Terminal],
    target: str,
) -> None:
    """The control for the test above: the completed names come from the server."""
    with direct(database=database, autocommit=True) as conn, conn.cursor() as cur:
        cur.execute("CREATE TABLE zq_unique_table (uniquecolpre_amount INT)")
    term, _ = open_terminal(terminals, endpoint(target, proxy), user, database, "-A")
    term.send(b"SELECT uniquecolp\t FROM zq_unique_table;\r")
    term.expect(b"ERROR 1054 (42S22): Unknown column 'uniquecolp' in 'SELECT'")
    term.expect(PROMPT)
    assert term.close() == 0


# -- TLS logins ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> TlsFiles:
    return make_tls_files(tmp_path_factory.mktemp("tls"), "jasmine-proxy")


@pytest.fixture(scope="module")
def tls_proxy(tls_files: TlsFiles) -> Iterator[Proxy]:
    p = Proxy(MARIADB_URL, "--tls-cert", str(tls_files.cert), "--tls-key", str(tls_files.key))
    yield p
    assert p.stop() == 0, p.log


LOGINS = 100


def test_hundred_tls_logins_with_the_mariadb_client(
    tls_proxy: Proxy, database: str, user: tuple[str, str]
) -> None:
    args = client_args(
        ("127.0.0.1", tls_proxy.port),
        user,
        "--ssl",
        "--skip-ssl-verify-server-cert",
        "--batch",
        database,
        "-e",
        "status; SELECT CURRENT_USER(), DATABASE()",
    )
    expected_row = f"{user[0]}@%\t{database}\n".encode()
    for i in range(LOGINS):
        started = time.monotonic()
        try:
            code, out, err = run_client(args, timeout=10)
        except subprocess.TimeoutExpired:
            pytest.fail(f"TLS login {i + 1} of {LOGINS} hung for 10 s\n{tls_proxy.log}")
        assert (code, err) == (0, b""), f"login {i + 1}: {err!r}\n{tls_proxy.log}"
        assert re.search(rb"SSL:\s+Cipher in use is \S+", out), f"login {i + 1} not TLS: {out!r}"
        assert out.endswith(expected_row), out
        assert time.monotonic() - started < 10


def test_hundred_tls_logins_with_pymysql(
    tls_proxy: Proxy, tls_files: TlsFiles, database: str, user: tuple[str, str]
) -> None:
    context = ssl.create_default_context(cafile=str(tls_files.ca))  # verifies the proxy's cert
    name, password = user
    for i in range(LOGINS):
        started = time.monotonic()
        conn = pymysql.connect(
            host="127.0.0.1",
            port=tls_proxy.port,
            user=name,
            password=password,
            database=database,
            ssl=context,
            connect_timeout=10,
            read_timeout=10,
            write_timeout=10,
        )
        try:
            assert isinstance(conn._sock, ssl.SSLSocket), f"login {i + 1} is not TLS"
            with conn.cursor() as cur:
                cur.execute("SELECT CURRENT_USER(), DATABASE(), %s", (i,))
                assert cur.fetchone() == (f"{name}@%", database, i)
        finally:
            conn.close()
        assert time.monotonic() - started < 10, f"login {i + 1} took too long"
