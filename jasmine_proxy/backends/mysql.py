"""MySQL and MariaDB: plans run through the service account (`--backend` URL's user).

Names reach SQL only quoted (`Name.sql`), values only as bound parameters or sqlglot literals.
A snapshot swap is one `RENAME TABLE target TO old, shadow TO target`, which MySQL performs
atomically: a reader sees the old table or the new one, never neither.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import pymysql
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlglot import exp

from jasmine_proxy.analysis import KeyInfo, TableKeys
from jasmine_proxy.backends import HIDDEN_KEY, StepContext, on_galera, register
from jasmine_proxy.backends import mysql_incremental as incremental
from jasmine_proxy.backends import mysql_window_join as window_join
from jasmine_proxy.errors import BackendRejected, Denied, NameTaken
from jasmine_proxy.extended import ClientSession
from jasmine_proxy.plan import (
    CreateTableAs,
    CreateTrigger,
    CreateView,
    Drop,
    DropTrigger,
    Fill,
    IncrementalBuild,
    IncrementalRefresh,
    Name,
    Op,
    Run,
    Swap,
    WindowJoinBuild,
    WindowJoinRefresh,
)


def causal_reads(dbapi_connection: Any, record: Any) -> None:
    """On a Galera node (`@@wsrep_on`), a service-account connection's reads first wait until
    the node has applied every write the cluster committed before them
    (`wsrep_sync_wait=1`): a catalog row, or a source row, written through another node is seen
    at once. A server without Galera is left as it is. Which it is, is noted in the pool's
    record of the connection (`on_galera`)."""
    cursor = dbapi_connection.cursor()
    galera = False
    try:
        cursor.execute("SELECT @@wsrep_on")
        row = cursor.fetchone()
        galera = row is not None and str(row[0]).upper() in ("1", "ON")
        if galera:
            cursor.execute("SET SESSION wsrep_sync_wait = 1")
    except pymysql.err.MySQLError:  # MySQL has no wsrep_on (1193 unknown system variable)
        pass
    finally:
        cursor.close()
    if record is not None:
        record.info["wsrep"] = galera


def fill_in_transaction(op: Fill) -> list[str]:
    """A `Fill` where LOCK TABLES is not supported (a Galera node): one REPEATABLE READ
    transaction whose locking reads keep this node's writers out as the table locks would (a
    writer caught half-way deadlocks with it: 1213, and the step runs again); a write through
    another node that conflicts fails Galera's certification, one of the two with 1213."""
    columns = ", ".join(quote(c) for c in op.columns)
    return [
        "SET autocommit = 0",
        "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ",
        "START TRANSACTION",
        f"DELETE FROM {op.target.sql()}",
        f"INSERT INTO {op.target.sql()} ({columns}) {op.query} LOCK IN SHARE MODE",
        "COMMIT",
        "SET autocommit = 1",
    ]


#: a pooled connection idle this long is pinged before use (a busy one is not: one round trip
#: less per checkout, and a step takes three)
PING_AFTER_IDLE = 1.0


def ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    """SQLAlchemy's `pool_pre_ping`, for connections idle `PING_AFTER_IDLE` or more only. A
    failed ping raises `DisconnectionError`: the pool drops that connection and takes another
    (SQLAlchemy's pessimistic disconnect handling). A server that went away within a second of
    a connection's last use fails that connection's next statement instead, which invalidates
    the pool (a step records it as transient; a client sees the error once)."""
    if time.monotonic() - record.info.get("jasmine_used", 0.0) < PING_AFTER_IDLE:
        return
    try:
        dbapi_connection.ping(False)
    except pymysql.err.Error as exc:
        raise sa.exc.DisconnectionError(str(exc)) from exc


def note_use(_dbapi_connection: Any, record: Any) -> None:
    record.info["jasmine_used"] = time.monotonic()


def service_engine(url: Any, **options: Any) -> Engine:
    """A pool of service-account connections (`url` is a `config.BackendURL`)."""
    engine = sa.create_engine(
        sa.URL.create(
            "mysql+pymysql",
            username=url.user or None,
            password=url.password or None,
            host=url.host,
            port=url.port,
            query={"charset": "utf8mb4"},
        ),
        pool_recycle=3600,
        **options,
    )
    sa.event.listen(engine, "connect", causal_reads)
    sa.event.listen(engine, "checkout", ping_if_idle)
    sa.event.listen(engine, "checkin", note_use)
    # a forked worker process must not share the parent's pooled sockets
    os.register_at_fork(after_in_child=lambda: engine.dispose(close=False))
    return engine


def literal(text: str) -> str:
    """A MySQL string literal, escaped."""
    return exp.Literal.string(text).sql("mysql")


def quote(identifier: str) -> str:
    return exp.to_identifier(identifier, quoted=True).sql("mysql")


def read_keys(query: Callable[[str], Sequence[Sequence[Any]]], tables: Sequence[Name]) -> KeyInfo:
    """What information_schema says about `tables` (through `query`, which runs one SELECT):
    columns, primary and NOT NULL unique keys, the auto-increment column. Tables that do not
    exist are left out."""
    found: dict[Name, TableKeys] = {}
    for name in tables:
        where = f"WHERE TABLE_SCHEMA = {literal(name.schema)} AND TABLE_NAME = {literal(name.name)}"
        columns = query(
            "SELECT COLUMN_NAME, EXTRA, IS_NULLABLE FROM information_schema.COLUMNS "
            f"{where} ORDER BY ORDINAL_POSITION"
        )
        if not columns:
            continue
        nullable = {c[0] for c in columns if c[2] == "YES"}
        indexes: dict[str, list[str]] = {}
        for index, column in query(
            "SELECT INDEX_NAME, COLUMN_NAME FROM information_schema.STATISTICS "
            f"{where} AND NON_UNIQUE = 0 ORDER BY INDEX_NAME, SEQ_IN_INDEX"
        ):
            indexes.setdefault(index, []).append(column)
        primary = tuple(indexes.pop("PRIMARY", []))
        unique = tuple(tuple(c) for c in indexes.values() if not set(c) & nullable)
        auto = next((c[0] for c in columns if "auto_increment" in (c[1] or "")), None)
        found[name] = TableKeys(tuple(c[0] for c in columns), primary, unique, auto)
    return KeyInfo(found)


def render_common(op: Op, default_schema: str | None, table_options: str) -> list[str] | None:
    """The MySQL statements of the operations every backend that speaks MySQL runs alike (the
    embedded default runs them through its engine); None for the others."""
    use = [f"USE {quote(default_schema)}"] if default_schema else []
    if isinstance(op, CreateView):
        verb = "CREATE OR REPLACE" if op.replace else "CREATE"
        return [*use, f"{verb} VIEW {op.target.sql()} AS {op.query}"]
    if isinstance(op, CreateTableAs):
        keys = ""
        if op.key:
            keys = f" (PRIMARY KEY ({', '.join(quote(c) for c in op.key)}))"
        return [*use, f"CREATE TABLE {op.target.sql()}{keys}{table_options} AS {op.query}"]
    if isinstance(op, Swap) and op.first:
        return [f"RENAME TABLE {op.shadow.sql()} TO {op.target.sql()}"]
    if isinstance(op, Swap):
        return [
            f"RENAME TABLE {op.target.sql()} TO {op.old.sql()}, "
            f"{op.shadow.sql()} TO {op.target.sql()}",
            f"DROP TABLE IF EXISTS {op.old.sql()}",
        ]
    if isinstance(op, Drop):
        return [f"DROP {op.kind} IF EXISTS {op.target.sql()}"]
    if isinstance(op, Run):
        return [*use, op.sql]
    return None


@register("mysql", "mysql+pymysql", "mariadb", "mariadb+pymysql")
class MySQLBackend:
    name = "mysql"
    catalog_prefix = ""
    statement_timeout: float | None = None  # --refresh-timeout: longer statements are killed

    def __init__(self, url: Any, catalog_schema: str) -> None:
        self.catalog_schema: str | None = catalog_schema
        # READ COMMITTED: non-locking consistent reads: a refresh's CREATE ... SELECT neither
        # waits for writers' open transactions on the sources nor blocks them (under REPEATABLE
        # READ InnoDB takes shared locks on every source row it reads there)
        self.engine: Engine = service_engine(url, isolation_level="READ COMMITTED")
        # plan work runs in autocommit, on connections of its own that stay so (switching a
        # pooled connection to autocommit and back cost five round trips a step)
        self.work: Engine = service_engine(
            url,
            isolation_level="AUTOCOMMIT",
            connect_args={"init_command": "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED"},
        )

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        """A service-account connection in autocommit: DDL commits implicitly on MySQL anyway.
        `no_parameters`: a statement without parameters reaches pymysql as it is, so a `%` in
        a query or a name (DATE_FORMAT(d, '%Y'), LIKE 'a%') is not taken for a placeholder."""
        with self.work.connect() as conn:
            yield conn.execution_options(no_parameters=True)

    # -- plans -----------------------------------------------------------------------------

    def render(self, op: Op, default_schema: str | None) -> list[str]:
        use = [f"USE {quote(default_schema)}"] if default_schema else []
        if isinstance(op, CreateTableAs) and not op.key:  # a key of its own (see HIDDEN_KEY)
            return [
                *use,
                f"CREATE TABLE {op.target.sql()} ({HIDDEN_KEY}) ENGINE=InnoDB AS {op.query}",
            ]
        common = render_common(op, default_schema, " ENGINE=InnoDB")
        if common is not None:
            return common
        if isinstance(op, CreateTrigger):
            follows = f" FOLLOWS {quote(op.follows)}" if op.follows else ""
            body = "".join(f"  {statement};\n" for statement in op.body)
            if op.when:
                inner = "".join(f"    {statement};\n" for statement in op.body)
                body = f"  IF {op.when} THEN\n{inner}  END IF;\n"
            return [
                f"CREATE TRIGGER {op.name.sql()} AFTER {op.event} ON {op.table.sql()} "
                f"FOR EACH ROW{follows}\nBEGIN\n{body}END"
            ]
        if isinstance(op, DropTrigger):
            return [f"DROP TRIGGER IF EXISTS {op.name.sql()}"]
        if isinstance(op, Fill):
            locks = [f"{n.sql()} AS {quote(alias)} READ" for n, alias in op.reads]
            columns = ", ".join(quote(c) for c in op.columns)
            return [
                "SET autocommit = 0",
                f"LOCK TABLES {', '.join([*locks, f'{op.target.sql()} WRITE'])}",
                f"DELETE FROM {op.target.sql()}",
                f"INSERT INTO {op.target.sql()} ({columns}) {op.query}",
                "COMMIT",
                "UNLOCK TABLES",
                "SET autocommit = 1",
            ]
        if isinstance(op, IncrementalBuild | IncrementalRefresh):
            catalog = Name(self.catalog_schema or "jasmine", "materializations").sql()
            if isinstance(op, IncrementalBuild):
                return [*use, *incremental.render_build(op, catalog)]
            return [*use, *incremental.render_refresh(op, catalog)]
        if isinstance(op, WindowJoinBuild | WindowJoinRefresh):
            catalog = Name(self.catalog_schema or "jasmine", "materializations").sql()
            if isinstance(op, WindowJoinBuild):
                return [*use, *window_join.render_build(op, catalog)]
            return [*use, *window_join.render_refresh(op, catalog)]
        raise TypeError(f"unknown plan operation {op!r}")

    def run(
        self,
        conn: Connection,
        op: Op,
        default_schema: str | None,
        context: StepContext | None = None,
    ) -> int | None:
        """`context`: the step's, for the operations marked `stateful` (incremental's and
        window_join's)."""
        stateful = IncrementalBuild | IncrementalRefresh | WindowJoinBuild | WindowJoinRefresh
        if isinstance(op, stateful):
            if context is None:
                raise TypeError(f"{type(op).__name__} runs only within a step (context=)")
            builds = isinstance(op, IncrementalBuild | WindowJoinBuild)
            if builds and self.kind(conn, op.target):
                raise NameTaken(f"Table '{op.target}' already exists")
            with self._watchdog(conn):
                if isinstance(op, IncrementalBuild):
                    incremental.build(self.engine, conn, op, default_schema, context)
                elif isinstance(op, IncrementalRefresh):
                    incremental.refresh(conn, op, default_schema, context)
                elif isinstance(op, WindowJoinBuild):
                    window_join.build(self.engine, conn, op, default_schema, context)
                else:
                    window_join.refresh(conn, op, default_schema, context)
            return None
        if isinstance(op, Swap):
            self._swap(conn, op)
            return None
        if isinstance(op, CreateTrigger):
            op = replace(op, follows=self._last_trigger(conn, op))
        if isinstance(op, Fill):
            self._fill(conn, op)
            return None
        if isinstance(op, Drop) and self._absent(conn, op.target):
            return None  # DROP ... IF EXISTS of nothing still costs a DDL (a sync of its log)
        new = op.creates() if isinstance(op, CreateTableAs | CreateView) else None
        # never replace what is not ours (internal names are ours by construction, and the
        # plan dropped any leftover just before)
        if new and not new.name.startswith("_jasmine_") and self.kind(conn, new):
            raise NameTaken(f"Table '{new}' already exists")
        rows = None
        for statement in self.render(op, default_schema):
            with self._watchdog(conn):
                rows = conn.exec_driver_sql(statement).rowcount
        # CREATE TABLE ... AS reports the rows it wrote (no COUNT(*) needed afterwards)
        return rows if isinstance(op, CreateTableAs) else None

    @contextmanager
    def _watchdog(self, conn: Connection) -> Iterator[None]:
        """Cancel a statement that runs past `statement_timeout` with KILL QUERY from another
        connection (the statement fails, so a shadow table is never swapped in half-built)."""
        if not self.statement_timeout:
            yield
            return
        thread_id = self.process_id(conn)
        fired = threading.Event()

        def kill() -> None:
            fired.set()
            with self.engine.connect() as other:
                other.exec_driver_sql(f"KILL QUERY {thread_id}")

        timer = threading.Timer(self.statement_timeout, kill)
        timer.daemon = True
        timer.start()
        try:
            yield
        except sa.exc.DBAPIError:
            if fired.is_set():
                raise BackendRejected(
                    f"cancelled after {self.statement_timeout:g} s (--refresh-timeout) "
                    "with KILL QUERY",
                    1317,
                    "70100",
                ) from None
            raise
        finally:
            timer.cancel()

    def _last_trigger(self, conn: Connection, op: CreateTrigger) -> str | None:
        """The table's last AFTER trigger for the event that is not Jasmine's: the one a new
        trigger of Jasmine's FOLLOWS, so the user's own triggers run first, in their order."""
        found = conn.execute(
            sa.text(
                "SELECT TRIGGER_NAME FROM information_schema.TRIGGERS "
                "WHERE EVENT_OBJECT_SCHEMA = :schema AND EVENT_OBJECT_TABLE = :table "
                "AND ACTION_TIMING = 'AFTER' AND EVENT_MANIPULATION = :event "
                "AND TRIGGER_NAME NOT LIKE '\\_jasmine\\_%' "
                "ORDER BY ACTION_ORDER DESC LIMIT 1"
            ),
            {"schema": op.table.schema, "table": op.table.name, "event": op.event},
        ).scalar()
        return None if found is None else str(found)

    def _fill(self, conn: Connection, op: Fill) -> None:
        """The statements of `render(op)` (on Galera, `fill_in_transaction`'s), in order; on an
        error the transaction is rolled back and the locks released, so the connection goes
        back to the pool as it came."""
        statements = fill_in_transaction(op) if on_galera(conn) else self.render(op, None)
        try:
            for statement in statements:
                with self._watchdog(conn):
                    conn.exec_driver_sql(statement)
        except BaseException:
            for statement in ("ROLLBACK", "UNLOCK TABLES", "SET autocommit = 1"):
                try:
                    conn.exec_driver_sql(statement)
                except Exception:  # the connection itself may be gone
                    break
            raise

    def _absent(self, conn: Connection, name: Name) -> bool:
        """Nothing (table or view) by this name: one read of information_schema, about 30
        times cheaper here than the no-op DROP it saves."""
        found = conn.execute(
            sa.text(
                "SELECT 1 FROM information_schema.TABLES "
                "WHERE TABLE_SCHEMA = :schema AND TABLE_NAME = :name"
            ),
            {"schema": name.schema, "name": name.name},
        ).first()
        return found is None

    def _swap(self, conn: Connection, op: Swap) -> None:
        if not op.first:  # the usual refresh: both tables are there; no questions asked
            try:
                for statement in self.render(op, None):
                    conn.exec_driver_sql(statement)
                return
            except sa.exc.DBAPIError:
                pass  # a leftover `old` or something missing (a step run again after a crash)
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {op.old.sql()}")
        if self.kind(conn, op.shadow) is None:
            if self.kind(conn, op.target) == "TABLE":
                return  # swapped already (a step run again after a crash)
            raise NameTaken(f"Table '{op.shadow}' is missing: nothing to swap in")
        if self.kind(conn, op.target) is None:  # the first build
            conn.exec_driver_sql(f"RENAME TABLE {op.shadow.sql()} TO {op.target.sql()}")
            return
        for statement in self.render(replace(op, first=False), None):
            conn.exec_driver_sql(statement)

    def process_id(self, conn: Connection) -> int:
        """The connection's id on the server (asked once per pooled connection)."""
        info = conn.connection.info
        if "jasmine_process" not in info:
            info["jasmine_process"] = int(
                conn.exec_driver_sql("SELECT CONNECTION_ID()").scalar_one()
            )
        return int(info["jasmine_process"])

    def cancel(self, process_id: int) -> None:
        try:
            with self.engine.connect() as conn:
                conn.exec_driver_sql(f"KILL CONNECTION {int(process_id)}")
        except sa.exc.DBAPIError:
            pass  # gone already (1094 unknown thread id), or another node's

    # -- objects ---------------------------------------------------------------------------

    def kind(self, conn: Connection, name: Name) -> str | None:
        found = conn.execute(
            sa.text(
                "SELECT TABLE_TYPE FROM information_schema.TABLES "
                "WHERE TABLE_SCHEMA = :schema AND TABLE_NAME = :name"
            ),
            {"schema": name.schema, "name": name.name},
        ).scalar()
        if found is None and name.name.startswith("_jasmine_"):  # a trigger of Jasmine's?
            trigger = conn.execute(
                sa.text(
                    "SELECT 1 FROM information_schema.TRIGGERS "
                    "WHERE TRIGGER_SCHEMA = :schema AND TRIGGER_NAME = :name"
                ),
                {"schema": name.schema, "name": name.name},
            ).scalar()
            return None if trigger is None else "TRIGGER"
        if found is None:
            return None
        return "VIEW" if found == "VIEW" else "TABLE"

    def show_create(self, conn: Connection, name: Name, kind: str) -> str:
        row = conn.exec_driver_sql(f"SHOW CREATE {kind} {name.sql()}").first()
        return "" if row is None else str(row[2 if kind == "TRIGGER" else 1])

    def count(self, conn: Connection, name: Name) -> int:
        return int(conn.exec_driver_sql(f"SELECT COUNT(*) FROM {name.sql()}").scalar() or 0)

    def sample(
        self, conn: Connection, name: Name, limit: int
    ) -> tuple[list[str], list[Sequence[Any]]]:
        result = conn.exec_driver_sql(f"SELECT * FROM {name.sql()} LIMIT {int(limit)}")
        return list(result.keys()), [tuple(r) for r in result]

    def query_rows(
        self, conn: Connection, query: str, default_schema: str | None
    ) -> Iterator[Sequence[Any]]:
        if default_schema:
            conn.exec_driver_sql(f"USE {quote(default_schema)}")
        yield from conn.exec_driver_sql(query)

    def table_rows(self, conn: Connection, name: Name) -> Iterator[Sequence[Any]]:
        yield from conn.exec_driver_sql(f"SELECT * FROM {name.sql()}")

    def keys(self, conn: Connection, tables: Sequence[Name]) -> KeyInfo:
        return read_keys(lambda sql: conn.exec_driver_sql(sql).all(), tables)

    # -- the client's own rights -------------------------------------------------------------

    def current_database(self, session: ClientSession) -> str | None:
        value = session.query("SELECT DATABASE()").rows[0][0]
        return None if value is None else value.decode()

    def visible_schemas(self, session: ClientSession) -> set[str]:
        return {row[0].decode() for row in session.query("SHOW DATABASES").rows if row[0]}

    def verify_as_client(self, session: ClientSession, target: Name, query: str, kind: str) -> None:
        """The client's user may read `query` and create `kind` objects in the schema.

        The query is run with LIMIT 0 on the client's own connection, so the backend itself
        checks every table, view and column privilege (and that the query is valid), reading
        no rows. Its error, if any, reaches the client with the backend's own code.
        """
        session.query(f"SELECT * FROM ({query}) AS `_jasmine_verify` LIMIT 0")
        self.require(session, target, "CREATE VIEW" if kind == "VIEW" else "CREATE")

    def require(self, session: ClientSession, target: Name, privilege: str) -> None:
        """The client's user holds `privilege` on the target's schema (globally or for the
        schema; as a user or through its current role), else MySQL's 1142 for the target."""
        granted = session.query(
            "SELECT COUNT(*) FROM ("
            "SELECT GRANTEE FROM information_schema.USER_PRIVILEGES "
            f"WHERE PRIVILEGE_TYPE = {literal(privilege)} "
            "UNION ALL SELECT GRANTEE FROM information_schema.SCHEMA_PRIVILEGES "
            f"WHERE PRIVILEGE_TYPE = {literal(privilege)} "
            f"AND {literal(target.schema)} LIKE TABLE_SCHEMA"
            ") AS p WHERE GRANTEE = CONCAT('''', SUBSTRING_INDEX(CURRENT_USER(), '@', 1), "
            "'''@''', SUBSTRING_INDEX(CURRENT_USER(), '@', -1), '''') "
            "OR GRANTEE = CONCAT('''', CURRENT_ROLE(), '''')"
        ).rows[0][0]
        if not granted or int(granted) == 0:
            who = session.query("SELECT CURRENT_USER()").rows[0][0] or b"?"
            user, _, host = who.decode().partition("@")
            raise Denied(
                f"{privilege} command denied to user '{user}'@'{host}' for table "
                f"'{target.schema}'.'{target.name}'"
            )
