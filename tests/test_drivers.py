"""mysql-connector-python and SQLAlchemy through the proxy, each compared with a direct connection.

Every scenario runs twice, once through the proxy and once straight to MariaDB, and the Python
values (or observations) must be equal: the relay never decodes or re-encodes, so any difference
is the proxy's doing.
"""

from __future__ import annotations

import datetime
import hashlib
import io
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any, cast

import mysql.connector
import pytest
import sqlalchemy as sa
from mysql.connector import errors as connector_errors
from sqlalchemy import orm

from tests.support import MARIADB_HOST, MARIADB_PORT, Proxy, direct, wait_until

pytestmark = pytest.mark.backend

TARGETS = ("proxy", "direct")


def cext_missing() -> str | None:
    """Why the connector's C extension cannot be used here, None if it can."""
    try:
        import mysql.connector.connection_cext  # noqa: F401
    except ImportError as exc:
        return f"mysql-connector C extension unavailable: {exc}"
    return None


IMPLEMENTATIONS = [
    pytest.param(True, id="pure"),
    pytest.param(
        False,
        id="cext",
        marks=pytest.mark.skipif(cext_missing() is not None, reason=str(cext_missing())),
    ),
]


def address(target: str, proxy: Proxy) -> tuple[str, int]:
    return ("127.0.0.1", proxy.port) if target == "proxy" else (MARIADB_HOST, MARIADB_PORT)


Connect = Callable[..., Any]


@pytest.fixture
def connector(proxy: Proxy, database: str) -> Iterator[Connect]:
    """connect(target, use_pure, **kwargs): a mysql-connector connection (closed afterwards)."""
    opened: list[Any] = []

    def connect(target: str, use_pure: bool = True, **kwargs: Any) -> Any:
        host, port = address(target, proxy)
        kwargs.setdefault("user", "root")
        kwargs.setdefault("database", database)
        conn = mysql.connector.connect(
            host=host,
            port=port,
            use_pure=use_pure,
            autocommit=True,
            charset="utf8mb4",
            collation="utf8mb4_general_ci",
            connection_timeout=10,
            **kwargs,
        )
        opened.append(conn)
        return conn

    yield connect
    for conn in opened:
        try:
            conn.close()
        except connector_errors.Error:
            pass


def session_counters(conn: Any) -> dict[str, int]:
    """The backend session's prepared-statement command counters."""
    cur = conn.cursor()
    cur.execute("SHOW SESSION STATUS LIKE 'Com_stmt_%'")
    counters = {name: int(value) for name, value in cur.fetchall()}
    cur.close()
    return counters


# -- mysql-connector-python: data types -----------------------------------------------------------

TYPED_COLUMNS = """
  id INT PRIMARY KEY,
  ti TINYINT, si SMALLINT, mi MEDIUMINT, i INT, bi BIGINT, ubi BIGINT UNSIGNED,
  dec_ DECIMAL(30,10), dt DATETIME(6), d DATE, t TIME(6),
  f FLOAT, db DOUBLE,
  vc VARCHAR(100), txt TEXT, bl BLOB, js JSON
"""

BLOB = bytes(range(256))

TYPED_ROWS: list[tuple[Any, ...]] = [
    (
        1,
        -128,
        -32768,
        -8388608,
        -2147483648,
        -(2**63),
        2**64 - 1,
        Decimal("-12345678901234567890.0123456789"),
        datetime.datetime(2024, 2, 29, 23, 59, 59, 999999),
        datetime.date(1000, 1, 1),
        datetime.timedelta(hours=838, minutes=59, seconds=59),
        3.5,
        1e308,
        "Grüße, 世界 🎉 \u2018quotes\u2019",
        "a\tb\nc\\d'e\"f",
        BLOB,
        '{"k": [1, "ü", null, 2.5]}',
    ),
    (
        2,
        127,
        32767,
        8388607,
        2147483647,
        2**63 - 1,
        0,
        Decimal("0.0000000001"),
        datetime.datetime(1970, 1, 1, 0, 0, 0, 1),
        datetime.date(9999, 12, 31),
        -datetime.timedelta(hours=1, minutes=2, seconds=3, microseconds=4),
        -1024.75,
        -2.2250738585072014e-308,
        "",
        "",
        b"",
        "[]",
    ),
    (3, *([None] * 16)),
]


def roundtrip(conn: Any, table: str, prepared: bool) -> list[Any]:
    """Insert TYPED_ROWS one by one (an error is recorded, not raised), then read them back."""
    cur = conn.cursor(prepared=prepared)
    cur.execute(f"CREATE TABLE {table} ({TYPED_COLUMNS}) DEFAULT CHARSET=utf8mb4")
    marks = ", ".join(["%s"] * len(TYPED_ROWS[0]))
    outcomes: list[Any] = []
    for row in TYPED_ROWS:
        try:
            cur.execute(f"INSERT INTO {table} VALUES ({marks})", row)
            outcomes.append(cur.rowcount)
        except connector_errors.Error as exc:
            outcomes.append((exc.errno, exc.sqlstate, exc.msg))
        except (RuntimeError, OverflowError) as exc:  # the C extension failing to bind a value
            outcomes.append((type(exc).__name__, str(exc)))
    cur.execute(f"SELECT * FROM {table} WHERE id > %s ORDER BY id", (0,))
    rows = [tuple(normalise(v) for v in r) for r in cur.fetchall()]
    cur.close()
    return [outcomes, rows]


def normalise(value: Any) -> Any:
    """bytearray/bytes and str/bytes differ between the text and the binary protocol in the
    connector; compare the content, not the container."""
    if isinstance(value, bytearray):
        return bytes(value)
    return value


@pytest.mark.parametrize("use_pure", IMPLEMENTATIONS)
@pytest.mark.parametrize("prepared", [False, True], ids=["text", "prepared"])
def test_data_types_read_back_as_direct(connector: Connect, use_pure: bool, prepared: bool) -> None:
    seen = {t: roundtrip(connector(t, use_pure), f"typed_{t}", prepared) for t in TARGETS}
    assert seen["proxy"] == seen["direct"]
    if prepared and not use_pure:
        # The C extension's prepared cursor mis-binds some of these values itself (seen with
        # 26.10: 1e308 out of range, negative TIME as 0, -2.2e-308 as 0.0); equality with the
        # direct connection above is what the proxy answers for.
        return

    outcomes, got = seen["proxy"]
    assert outcomes == [1, 1, 1]
    assert [r[0] for r in got] == [1, 2, 3]
    for expected, row in zip(TYPED_ROWS, got, strict=True):
        for column, (want, have) in enumerate(zip(expected, row, strict=True)):
            if isinstance(have, bytes) and isinstance(want, str):
                have = have.decode()
            assert have == want, f"row {row[0]} column {column}: {have!r} != {want!r}"
    assert got[0][15] == BLOB  # every byte value survived


@pytest.mark.parametrize("use_pure", IMPLEMENTATIONS)
@pytest.mark.parametrize("prepared", [False, True], ids=["text", "prepared"])
def test_hostile_parameter_is_stored_verbatim(
    connector: Connect, use_pure: bool, prepared: bool
) -> None:
    evil = "x'); DROP TABLE victims; -- \\' \" \\\\ ` \x1a \t\n '; DROP TABLE x; --"
    if use_pure or not prepared:  # the C extension's prepared cursor cuts strings at NUL
        evil += "\x00'; --"
    for target in TARGETS:
        conn = connector(target, use_pure)
        setup = conn.cursor()
        setup.execute(f"CREATE TABLE victims_{target} (id INT AUTO_INCREMENT PRIMARY KEY, s TEXT)")
        setup.execute(f"CREATE TABLE x_{target} (i INT)")
        setup.close()
        before = session_counters(conn)

        cur = conn.cursor(prepared=prepared)
        cur.execute(f"INSERT INTO victims_{target} (s) VALUES (%s)", (evil,))
        cur.execute(f"SELECT id, s FROM victims_{target} WHERE s = %s", (evil,))
        rows = [tuple(normalise(v) for v in r) for r in cur.fetchall()]
        cur.close()
        after = session_counters(conn)

        assert [(i, s.decode() if isinstance(s, bytes) else s) for i, s in rows] == [(1, evil)]
        check = conn.cursor()
        check.execute(f"SELECT COUNT(*) FROM victims_{target}, x_{target}")
        assert check.fetchall() == [(0,)]  # both tables still there (x is empty)
        check.close()
        executed = after["Com_stmt_execute"] - before["Com_stmt_execute"]
        prepared_count = after["Com_stmt_prepare"] - before["Com_stmt_prepare"]
        if prepared:  # bound by the backend, never pasted into the SQL text
            assert (prepared_count, executed) == (2, 2), (target, before, after)
        else:
            assert (prepared_count, executed) == (0, 0), (target, before, after)


# -- mysql-connector-python: session commands -----------------------------------------------------


def reset_observations(conn: Any) -> dict[str, Any]:
    cur = conn.cursor()
    cur.execute("SET @v = 42, @@session.sql_mode = 'ANSI_QUOTES'")
    cur.execute("CREATE TEMPORARY TABLE scratch (i INT)")
    cur.execute("INSERT INTO scratch VALUES (1)")
    cur.execute("SELECT CONNECTION_ID()")
    (conn_id,) = cur.fetchone()
    cur.close()
    cur = conn.cursor()
    cur.execute("PREPARE stmt FROM 'SELECT 1'")
    cur.close()

    assert conn.cmd_reset_connection() is True  # COM_RESET_CONNECTION

    cur = conn.cursor()
    cur.execute(
        "SELECT @v, CONNECTION_ID() = %s, @@session.sql_mode = @@global.sql_mode", (conn_id,)
    )
    after = cur.fetchone()
    with pytest.raises(connector_errors.ProgrammingError) as temp_gone:
        cur.execute("SELECT * FROM scratch")
    with pytest.raises(connector_errors.Error) as stmt_gone:
        cur.execute("EXECUTE stmt")
    cur.close()
    return {
        "after": tuple(after),
        "temp_table": temp_gone.value.errno,
        "statement": stmt_gone.value.errno,
    }


@pytest.mark.parametrize("use_pure", IMPLEMENTATIONS)
def test_reset_connection_clears_session_state(connector: Connect, use_pure: bool) -> None:
    seen = {target: reset_observations(connector(target, use_pure)) for target in TARGETS}
    assert seen["proxy"] == seen["direct"]
    # same backend thread, user variable and session variables reset, temp table and
    # prepared statement gone
    assert seen["proxy"] == {"after": (None, 1, 1), "temp_table": 1146, "statement": 1243}


def change_user_observations(conn: Any, user: tuple[str, str], database: str) -> dict[str, Any]:
    name, password = user
    cur = conn.cursor()
    cur.execute("SET @kept = 1")
    cur.execute("SELECT CURRENT_USER(), CONNECTION_ID()")
    before, conn_id = cur.fetchone()
    cur.close()

    conn.cmd_change_user(username=name, password=password, database=database)  # COM_CHANGE_USER
    cur = conn.cursor()
    cur.execute("SELECT CURRENT_USER(), DATABASE(), @kept, CONNECTION_ID() = %s", (conn_id,))
    switched = tuple(cur.fetchone())
    with pytest.raises(connector_errors.ProgrammingError) as denied_db:
        cur.execute("SELECT COUNT(*) FROM mysql.user")
    cur.close()

    with pytest.raises(connector_errors.Error) as refused:
        conn.cmd_change_user(username=name, password=password + "-wrong", database=database)
    cur = conn.cursor()
    cur.execute("SELECT CURRENT_USER(), DATABASE()")
    after_refusal = tuple(cur.fetchone())
    cur.close()
    return {
        "before": before,
        "switched": switched,
        "denied": denied_db.value.errno,
        "refused": (refused.value.errno, refused.value.sqlstate),
        "after_refusal": after_refusal,
    }


@pytest.mark.parametrize("use_pure", IMPLEMENTATIONS)
def test_change_user_switches_account_and_refuses_a_wrong_password(
    connector: Connect, use_pure: bool, user: tuple[str, str], database: str
) -> None:
    seen = {
        target: change_user_observations(connector(target, use_pure), user, database)
        for target in TARGETS
    }
    assert seen["proxy"] == seen["direct"]
    got = seen["proxy"]
    assert got["switched"] == (f"{user[0]}@%", database, None, 1)  # a fresh session, same thread
    assert got["denied"] == 1142  # the new account's grants apply
    assert got["refused"] == (1045, "28000")


@pytest.mark.parametrize("use_pure", IMPLEMENTATIONS)
def test_statistics_come_from_the_backend(connector: Connect, use_pure: bool) -> None:
    stats = {target: connector(target, use_pure).cmd_statistics() for target in TARGETS}
    assert stats["proxy"].keys() == stats["direct"].keys()
    assert {"Uptime", "Threads", "Questions", "Opens"} <= stats["proxy"].keys()
    assert abs(stats["proxy"]["Uptime"] - stats["direct"]["Uptime"]) <= 5
    with direct() as conn, conn.cursor() as cur:
        cur.execute("SHOW GLOBAL STATUS LIKE 'Uptime'")
        uptime = int(cur.fetchone()[1])
    assert abs(stats["proxy"]["Uptime"] - uptime) <= 5  # the backend's, not the proxy's
    assert stats["proxy"]["Threads"] >= 2  # this connection and the direct one


def test_send_long_data_streams_a_large_blob(connector: Connect) -> None:
    """A file-like parameter makes the connector send COM_STMT_SEND_LONG_DATA in 128 KiB
    chunks (which the server never answers) before COM_STMT_EXECUTE."""
    payload = bytes(range(256)) * (40 * 1024)  # 10 MiB
    digest = hashlib.sha256(payload).hexdigest()
    seen = {}
    for target in TARGETS:
        conn = connector(target)
        cur = conn.cursor(prepared=True)
        cur.execute(f"CREATE TABLE big_{target} (id INT PRIMARY KEY, b LONGBLOB)")
        before = session_counters(conn)
        cur.execute(f"INSERT INTO big_{target} VALUES (?, ?)", (1, io.BytesIO(payload)))
        inserted = cur.rowcount
        after = session_counters(conn)
        cur.execute(f"SELECT LENGTH(b), SHA2(b, 256) FROM big_{target} WHERE id = ?", (1,))
        stored = cur.fetchall()
        cur.execute("SELECT 'still in step'")
        in_step = cur.fetchall()
        cur.close()
        long_data = after["Com_stmt_send_long_data"] - before["Com_stmt_send_long_data"]
        seen[target] = (inserted, long_data, [tuple(normalise(v) for v in r) for r in stored])
        assert in_step == [("still in step",)]
    assert seen["proxy"] == seen["direct"]
    inserted, long_data, stored = seen["proxy"]
    assert inserted == 1
    assert long_data == len(payload) // (128 * 1024)
    assert stored == [(len(payload), digest)]


def server_cursor_observations(conn: Any, table: str) -> list[Any]:
    """Execute with CURSOR_TYPE_READ_ONLY, then COM_STMT_FETCH rows in batches."""
    cur = conn.cursor()
    cur.execute(f"CREATE TABLE {table} (i INT PRIMARY KEY, s VARCHAR(10))")
    cur.execute(f"INSERT INTO {table} SELECT seq, CONCAT('row', seq) FROM seq_1_to_10")
    cur.close()
    stmt = conn.cmd_stmt_prepare(f"SELECT i, s, i * ? FROM {table} ORDER BY i".encode())
    _, columns, status = conn.cmd_stmt_execute(
        stmt["statement_id"], data=(3,), parameters=stmt["parameters"], flags=1
    )
    seen: list[Any] = [bool(status["status_flag"] & 0x40)]  # SERVER_STATUS_CURSOR_EXISTS
    for batch in (4, 4, 100):
        conn.cmd_stmt_fetch(stmt["statement_id"], batch)
        rows, eof = conn.get_rows(binary=True, columns=columns)
        last = bool(eof["status_flag"] & 0x80)  # SERVER_STATUS_LAST_ROW_SENT
        seen.append(([tuple(normalise(v) for v in r) for r in rows], last))
    conn.cmd_stmt_close(stmt["statement_id"])
    cur = conn.cursor()
    cur.execute("SELECT 'after'")
    seen.append(cur.fetchall())
    cur.close()
    return seen


def test_prepared_statement_with_a_server_side_cursor(connector: Connect) -> None:
    """The connector's cursors never ask for a server-side cursor, so this drives its
    command-level API (pure Python only: the C extension has no cmd_stmt_fetch)."""
    seen = {t: server_cursor_observations(connector(t), f"cur_{t}") for t in TARGETS}
    assert seen["proxy"] == seen["direct"]

    def batch(lo: int, hi: int) -> list[tuple[Any, ...]]:
        return [(i, f"row{i}", i * 3) for i in range(lo, hi + 1)]

    got = seen["proxy"]
    assert got == [
        True,  # the execute opened a cursor and sent no rows
        (batch(1, 4), False),
        (batch(5, 8), False),
        (batch(9, 10), True),  # SERVER_STATUS_LAST_ROW_SENT on the last fetch
        [("after",)],  # and the connection is in step afterwards
    ]


# -- SQLAlchemy 2.x over pymysql ------------------------------------------------------------------


class Base(orm.DeclarativeBase):
    pass


class Author(Base):
    __tablename__ = "author"
    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    name: orm.Mapped[str] = orm.mapped_column(sa.String(50), unique=True)
    country: orm.Mapped[str | None] = orm.mapped_column(sa.String(2), index=True)
    books: orm.Mapped[list[Book]] = orm.relationship(back_populates="author")


class Book(Base):
    __tablename__ = "book"
    __table_args__ = (sa.Index("ix_book_author_title", "author_id", "title"),)
    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    author_id: orm.Mapped[int] = orm.mapped_column(
        sa.ForeignKey("author.id", ondelete="CASCADE", name="fk_book_author")
    )
    title: orm.Mapped[str] = orm.mapped_column(sa.String(200))
    price: orm.Mapped[Decimal | None] = orm.mapped_column(sa.Numeric(10, 2))
    published: orm.Mapped[datetime.date | None]
    blurb: orm.Mapped[str | None] = orm.mapped_column(sa.Text)
    author: orm.Mapped[Author] = orm.relationship(back_populates="books")


@pytest.fixture
def engines(proxy: Proxy, database: str) -> Iterator[dict[str, sa.Engine]]:
    """One engine per target, one pooled connection each, pinging before every checkout."""
    made = {}
    for target in TARGETS:
        host, port = address(target, proxy)
        made[target] = sa.create_engine(
            f"mysql+pymysql://root@{host}:{port}/{database}?charset=utf8mb4",
            pool_size=1,
            max_overflow=0,
            pool_pre_ping=True,
            pool_reset_on_return="rollback",
            connect_args={"connect_timeout": 10, "read_timeout": 30, "write_timeout": 30},
        )
    yield made
    for engine in made.values():
        engine.dispose()


def rowcount(result: sa.Result[Any]) -> int:
    """The DBAPI rowcount of an UPDATE/DELETE (Session.execute types it as a plain Result)."""
    return cast("sa.CursorResult[Any]", result).rowcount


def orm_observations(engine: sa.Engine) -> dict[str, Any]:
    Base.metadata.create_all(engine)
    seen: dict[str, Any] = {}
    try:
        with orm.Session(engine) as session:
            le_guin = Author(name="Ursula K. Le Guin", country="US")
            lem = Author(name="Stanisław Lem", country="PL")
            session.add_all([le_guin, lem])
            session.flush()
            session.add_all(
                [
                    Book(author=le_guin, title="The Dispossessed", price=Decimal("9.99")),
                    Book(author=le_guin, title="The Lathe of Heaven", price=Decimal("7.50")),
                    Book(
                        author=lem,
                        title="Solaris",
                        price=Decimal("12.00"),
                        published=datetime.date(1961, 1, 1),
                        blurb="Ocean 🌊 planet",
                    ),
                ]
            )
            session.commit()
            seen["ids"] = sorted(session.scalars(sa.select(Book.id)).all())

            # CLIENT_FOUND_ROWS (set by SQLAlchemy): matched rows, even when nothing changes
            unchanged = session.execute(
                sa.update(Book).where(Book.author_id == le_guin.id).values(blurb=None)
            )
            seen["unchanged_rowcount"] = rowcount(unchanged)
            changed = session.execute(
                sa.update(Book).where(Book.price < 10).values(price=Book.price + 1)
            )
            seen["changed_rowcount"] = rowcount(changed)
            session.commit()

            # ORM-level update of one object
            solaris = session.scalars(sa.select(Book).where(Book.title == "Solaris")).one()
            solaris.price = Decimal("13.25")
            session.commit()

            deleted = session.execute(sa.delete(Book).where(Book.title.like("The L%")))
            seen["deleted_rowcount"] = rowcount(deleted)
            session.commit()

            # a rollback really discards: gone for this session and for everyone else
            session.add(Book(author=lem, title="Never Written"))
            session.execute(sa.update(Book).values(price=0))
            session.flush()
            assert session.scalar(sa.select(sa.func.count()).select_from(Book)) == 3
            session.rollback()

        with orm.Session(engine) as session:
            seen["books"] = [
                (b.title, b.price, b.published, b.blurb, b.author.name)
                for b in session.scalars(sa.select(Book).order_by(Book.title))
            ]
        with direct(database=engine.url.database) as conn, conn.cursor() as cur:
            cur.execute("SELECT title, price FROM book ORDER BY title")
            seen["as_stored"] = list(cur.fetchall())
    finally:
        Base.metadata.drop_all(engine)
    return seen


def test_sqlalchemy_orm_scenario_matches_direct(engines: dict[str, sa.Engine]) -> None:
    seen = {target: orm_observations(engines[target]) for target in TARGETS}
    assert seen["proxy"] == seen["direct"]
    got = seen["proxy"]
    assert got["unchanged_rowcount"] == 2
    assert got["changed_rowcount"] == 2
    assert got["deleted_rowcount"] == 1
    assert got["books"] == [
        (
            "Solaris",
            Decimal("13.25"),
            datetime.date(1961, 1, 1),
            "Ocean 🌊 planet",
            "Stanisław Lem",
        ),
        ("The Dispossessed", Decimal("10.99"), None, None, "Ursula K. Le Guin"),
    ]
    assert got["as_stored"] == [
        ("Solaris", Decimal("13.25")),
        ("The Dispossessed", Decimal("10.99")),
    ]


def reflection(engine: sa.Engine) -> dict[str, Any]:
    inspector = sa.inspect(engine)
    out: dict[str, Any] = {"tables": sorted(inspector.get_table_names())}
    for table in ("author", "book"):
        out[table] = {
            "columns": [
                {k: repr(v) if k == "type" else v for k, v in column.items()}
                for column in inspector.get_columns(table)
            ],
            "pk": inspector.get_pk_constraint(table),
            "fks": inspector.get_foreign_keys(table),
            "indexes": sorted(inspector.get_indexes(table), key=lambda ix: str(ix["name"])),
            "unique": inspector.get_unique_constraints(table),
            "options": inspector.get_table_options(table),
        }
    return out


def test_sqlalchemy_reflection_matches_direct(engines: dict[str, sa.Engine]) -> None:
    Base.metadata.create_all(engines["proxy"])
    try:
        seen = {target: reflection(engines[target]) for target in TARGETS}
    finally:
        Base.metadata.drop_all(engines["proxy"])
    assert seen["proxy"] == seen["direct"]
    book = seen["proxy"]["book"]
    assert seen["proxy"]["tables"] == ["author", "book"]
    assert [c["name"] for c in book["columns"]] == [
        "id",
        "author_id",
        "title",
        "price",
        "published",
        "blurb",
    ]
    assert book["pk"]["constrained_columns"] == ["id"]
    assert [(fk["name"], fk["referred_table"], fk["options"]) for fk in book["fks"]] == [
        ("fk_book_author", "author", {"ondelete": "CASCADE"})
    ]
    assert {ix["name"] for ix in book["indexes"]} >= {"ix_book_author_title"}


def backend_thread(connection: sa.Connection) -> int:
    return int(connection.exec_driver_sql("SELECT CONNECTION_ID()").scalar_one())


def admin_commands(connection: sa.Connection) -> int:
    row = connection.exec_driver_sql("SHOW SESSION STATUS LIKE 'Com_admin_commands'").one()
    return int(row[1])


def pool_observations(engine: sa.Engine) -> dict[str, Any]:
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE pooled (i INT) ENGINE=InnoDB")

    with engine.connect() as conn:
        first = backend_thread(conn)
        pings_before = admin_commands(conn)
    with engine.connect() as conn:
        reused = backend_thread(conn) == first  # pool_size=1: the same DBAPI connection
        pings = admin_commands(conn) - pings_before  # COM_PING counts as an admin command

    # reset_on_return: an open transaction is rolled back when the connection goes back
    with engine.connect() as conn:
        conn.exec_driver_sql("INSERT INTO pooled VALUES (1)")
        conn.exec_driver_sql("SET @marker = 'left behind'")
        # no commit: close() returns it to the pool, which rolls back
    with direct(database=engine.url.database) as raw, raw.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM pooled")
        (visible_elsewhere,) = cur.fetchone()
    with engine.connect() as conn:
        after_reset = (
            backend_thread(conn) == first,
            conn.exec_driver_sql("SELECT COUNT(*) FROM pooled").scalar_one(),
            conn.exec_driver_sql("SELECT @marker").scalar_one(),
        )

    # pool_pre_ping: the pooled connection's backend thread is killed while idle; the next
    # checkout pings (COM_PING), sees it dead, and transparently connects again
    with direct() as raw, raw.cursor() as cur:
        cur.execute(f"KILL CONNECTION {first}")
    gone = wait_until(lambda: thread_exists(first) is False, timeout=10)
    with engine.connect() as conn:
        replaced = backend_thread(conn)
        works = conn.exec_driver_sql("SELECT 6 * 7").scalar_one()
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE pooled")
    return {
        "reused": reused,
        "pings": pings,
        "visible_elsewhere": visible_elsewhere,
        "after_reset": after_reset,
        "killed": gone,
        "replaced": replaced != first,
        "works": works,
    }


def thread_exists(thread_id: int) -> bool:
    with direct() as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = %s", (thread_id,)
        )
        return bool(cur.fetchone()[0])


def test_sqlalchemy_pool_pre_ping_and_reset_on_return(engines: dict[str, sa.Engine]) -> None:
    seen = {target: pool_observations(engines[target]) for target in TARGETS}
    assert seen["proxy"] == seen["direct"]
    assert seen["proxy"] == {
        "reused": True,
        "pings": 1,  # pool_pre_ping: one COM_PING at the second checkout reached the backend
        "visible_elsewhere": 0,
        # the same thread no longer sees its own uncommitted row: rolled back (not a session
        # reset: the user variable is still there)
        "after_reset": (True, 0, "left behind"),
        "killed": True,
        "replaced": True,
        "works": 42,
    }
