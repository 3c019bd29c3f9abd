"""Concurrent clients on the embedded default (`serve --backend sqlite:///FILE`, no MariaDB).

Eight pymysql clients insert and read at once for a few seconds, in autocommit statements,
multi-row inserts and explicit BEGIN ... COMMIT (and BEGIN ... ROLLBACK) transactions. Nothing may
be lost or doubled: at the end the table's count and exact DECIMAL sum equal what the writers
committed; no client sees an error ("database is locked" or any other); every client always
reads its own committed rows; and a read never waits long, even while another client holds a
write transaction open (a writer waits for it instead of failing).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pymysql
import pytest

from tests.support import Proxy

CLIENTS = 8
SECONDS = 4.0
MODES = ("autocommit INSERT", "BEGIN, 3 INSERTs, COMMIT", "multi-row INSERT", "BEGIN ... ROLLBACK")
READ_LIMIT = 1.0  # seconds a read may take at most, however busy the writers are
DDL = (
    "CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, writer INT NOT NULL, seq INT NOT NULL,"
    " amount DECIMAL(12,2) NOT NULL, UNIQUE KEY uq_writer_seq (writer, seq))"
)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Proxy]:
    try:
        proxy = Proxy("sqlite:///" + str(tmp_path / "concurrency.db"))
    except RuntimeError as exc:
        pytest.fail(f"the embedded default does not start: {exc}", pytrace=False)
    with proxy.connect(autocommit=True) as conn, conn.cursor() as cur:
        cur.execute("CREATE DATABASE conc")
        cur.execute("USE conc")
        cur.execute(DDL)
    yield proxy
    code = proxy.stop()
    assert code == 0, proxy.log


def connect(server: Proxy) -> Any:
    return server.connect(database="conc", autocommit=True, read_timeout=60, write_timeout=60)


@dataclass
class Client:
    """What one client committed and observed."""

    writer: int
    committed: int = 0
    total: Decimal = Decimal("0.00")
    seq: int = 0
    statements: int = 0
    transactions: int = 0
    rollbacks: int = 0
    reads: int = 0
    slowest_read: float = 0.0
    slowest_write: float = 0.0
    errors: list[str] = field(default_factory=list)

    def amount(self) -> Decimal:
        """A distinct exact amount per row: 0.01 .. 9.99, so that sums are checkable."""
        return Decimal((self.writer * 137 + self.seq * 7919) % 999 + 1) / 100


def timed(cur: Any, sql: str, args: tuple[Any, ...] | list[Any] | None = None) -> float:
    started = time.perf_counter()
    cur.execute(sql, args)
    return time.perf_counter() - started


def write_once(client: Client, cur: Any, mode: int) -> None:
    """One unit of work; `client` counts it only once it is committed."""
    rows = []
    for _ in range((1, 3, 5, 2)[mode]):
        client.seq += 1
        rows.append((client.writer, client.seq, client.amount()))
    insert = "INSERT INTO t (writer, seq, amount) VALUES (%s, %s, %s)"
    if mode == 0:  # autocommit, one row
        took = timed(cur, insert, rows[0])
    elif mode == 1:  # explicit transaction of three statements
        took = timed(cur, "BEGIN")
        for row in rows:
            took += timed(cur, insert, row)
        took += timed(cur, "COMMIT")
        client.transactions += 1
    elif mode == 2:  # one multi-row statement
        values = ", ".join(["(%s, %s, %s)"] * len(rows))
        flat = [v for row in rows for v in row]
        took = timed(cur, f"INSERT INTO t (writer, seq, amount) VALUES {values}", flat)
    else:  # a transaction rolled back: its rows must never count
        took = timed(cur, "BEGIN")
        for row in rows:
            took += timed(cur, insert, row)
        took += timed(cur, "ROLLBACK")
        client.rollbacks += 1
        client.seq -= len(rows)
        rows = []
    client.slowest_write = max(client.slowest_write, took)
    client.statements += 1
    client.committed += len(rows)
    client.total += sum((row[2] for row in rows), Decimal("0.00"))


def read_once(client: Client, cur: Any, seen: list[int]) -> None:
    """Own rows must be exactly what this client committed; the table never shrinks."""
    took = timed(cur, "SELECT COUNT(*), SUM(amount) FROM t WHERE writer = %s", (client.writer,))
    count, total = cur.fetchone()
    if count != client.committed or (total or Decimal("0.00")) != client.total:
        client.errors.append(
            f"writer {client.writer} reads ({count}, {total}) after committing "
            f"({client.committed}, {client.total})"
        )
    took += timed(cur, "SELECT COUNT(*) FROM t")
    (everyone,) = cur.fetchone()
    if everyone < seen[0]:
        client.errors.append(f"the table shrank from {seen[0]} to {everyone} rows")
    seen[0] = everyone
    took += timed(cur, "SELECT id, writer, seq, amount FROM t ORDER BY id DESC LIMIT 20")
    cur.fetchall()
    client.reads += 1
    client.slowest_read = max(client.slowest_read, took)


def run_client(server: Proxy, client: Client, start: threading.Barrier, deadline: float) -> None:
    try:
        conn = connect(server)
    except Exception as exc:
        client.errors.append(f"connect: {exc}")
        start.abort()
        return
    seen = [0]
    step, started = "start", time.perf_counter()
    try:
        with conn.cursor() as cur:
            start.wait(30)
            mode = client.writer % 4
            while time.monotonic() < deadline:
                step, started = MODES[mode], time.perf_counter()
                write_once(client, cur, mode)
                step, started = "read", time.perf_counter()
                read_once(client, cur, seen)
                mode = (mode + 1) % 4
    except Exception as exc:
        took = time.perf_counter() - started
        client.errors.append(f"{step} failed after {took:.2f} s: {type(exc).__name__}: {exc}")
    finally:
        conn.close()


def run_all(server: Proxy, clients: list[Client], seconds: float) -> None:
    start = threading.Barrier(len(clients))
    deadline = time.monotonic() + seconds + 1.0  # the barrier takes the first part
    threads = [
        threading.Thread(target=run_client, args=(server, c, start, deadline), daemon=True)
        for c in clients
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 120)
    assert not any(thread.is_alive() for thread in threads), "a client hung"


def summary(clients: list[Client]) -> str:
    return (
        f"{sum(c.statements for c in clients)} writes ({sum(c.transactions for c in clients)} "
        f"committed and {sum(c.rollbacks for c in clients)} rolled-back transactions), "
        f"{sum(c.committed for c in clients)} rows, {sum(c.reads for c in clients)} reads; "
        f"slowest read {max(c.slowest_read for c in clients) * 1000:.0f} ms, slowest write "
        f"{max(c.slowest_write for c in clients) * 1000:.0f} ms"
    )


def test_eight_clients_insert_and_read_at_once(server: Proxy) -> None:
    clients = [Client(writer) for writer in range(1, CLIENTS + 1)]
    run_all(server, clients, SECONDS)
    errors = [e for c in clients for e in c.errors]
    assert not errors, f"{len(errors)} errors, e.g. {errors[:5]}\n{summary(clients)}"
    assert all(c.statements >= 4 and c.reads >= 4 for c in clients), summary(clients)
    with connect(server) as conn, conn.cursor() as cur:
        cur.execute("SELECT COUNT(*), SUM(amount), COUNT(DISTINCT writer, seq) FROM t")
        count, total, distinct = cur.fetchone()
        cur.execute("SELECT writer, COUNT(*), MAX(seq) FROM t GROUP BY writer ORDER BY writer")
        per_writer = [tuple(r) for r in cur.fetchall()]
    assert count == distinct == sum(c.committed for c in clients), summary(clients)
    assert total == sum((c.total for c in clients), Decimal("0.00"))
    assert per_writer == [(c.writer, c.committed, c.seq) for c in clients]
    slowest = max(c.slowest_read for c in clients)
    assert slowest < READ_LIMIT, f"a read took {slowest:.2f} s: {summary(clients)}"
    print(summary(clients))  # shown with -s: the figures for the report


def in_thread(work: Callable[[], object]) -> tuple[threading.Thread, list[object]]:
    """Run `work` in a thread; the list gets its result or the exception it raised."""
    out: list[object] = []

    def run() -> None:
        try:
            out.append(work())
        except Exception as exc:
            out.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, out


def test_an_open_write_transaction_blocks_neither_readers_nor_later_writers(
    server: Proxy,
) -> None:
    """While one client holds BEGIN ... INSERT open for a second, readers answer at once with
    the committed state, and another writer waits for the commit instead of failing."""
    holder, writer, reader = connect(server), connect(server), connect(server)
    hold = 1.0
    try:
        with holder.cursor() as cur:
            cur.execute("INSERT INTO t (writer, seq, amount) VALUES (0, 0, 1.00)")
            cur.execute("BEGIN")
            cur.execute("INSERT INTO t (writer, seq, amount) VALUES (0, 1, 2.00)")
        opened = time.perf_counter()

        def write() -> float:
            with writer.cursor() as cur:
                started = time.perf_counter()
                cur.execute("INSERT INTO t (writer, seq, amount) VALUES (1, 0, 4.00)")
                return time.perf_counter() - started

        thread, result = in_thread(write)
        reads = []
        with reader.cursor() as cur:
            while time.perf_counter() - opened < hold:
                started = time.perf_counter()
                cur.execute("SELECT COUNT(*), SUM(amount) FROM t")
                reads.append((time.perf_counter() - started, cur.fetchone()))
                time.sleep(0.05)
        with holder.cursor() as cur:
            cur.execute("COMMIT")
        thread.join(60)
        assert not thread.is_alive(), "the second writer never finished"
        (waited,) = result
        assert not isinstance(waited, BaseException), f"the second writer failed: {waited!r}"
        assert len(reads) >= 5
        assert all(row == (1, Decimal("1.00")) for _, row in reads), reads
        slowest = max(took for took, _ in reads)
        assert slowest < 0.5, f"a read waited {slowest:.2f} s for an open write transaction"
        with reader.cursor() as cur:
            cur.execute("SELECT writer, seq, amount FROM t ORDER BY writer, seq")
            assert [tuple(r) for r in cur.fetchall()] == [
                (0, 0, Decimal("1.00")),
                (0, 1, Decimal("2.00")),
                (1, 0, Decimal("4.00")),
            ]
    finally:
        for conn in (holder, writer, reader):
            try:
                conn.close()
            except pymysql.Error:
                pass
