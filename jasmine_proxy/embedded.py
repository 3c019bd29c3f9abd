"""The embedded backend's engine: one MySQL client session on the SQLite file. Synchronous.

`EmbeddedSession.execute(sql)` runs one MySQL statement on this client's own sqlite3
connection and returns `Rows` (typed MySQL result columns) or `Ok` (affected rows, insert id).
It keeps what MySQL keeps per session: the current database, `@user` variables, system
variables, LAST_INSERT_ID(), autocommit and the open transaction. Statements are translated by
`translate`; those that need the catalog are answered with `introspect` and `show` (SHOW,
DESCRIBE, information_schema) and `embedded_ddl` (DDL). A SELECT seen before runs from a cached
template (`sqltext.literal_template`). Failures are `JasmineError`s carrying the MySQL code the
server would send (`sqlite_errors` maps SQLite's).

Calls are serialized per session with a lock, so the front end may call from any thread.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import threading
import time as clock
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import sqlglot
from sqlglot import exp

from jasmine_proxy import introspect, result_types, sqlite_db, tabledef, translate
from jasmine_proxy.embedded_ddl import Ddl, base_tables
from jasmine_proxy.errors import BackendRejected, JasmineError
from jasmine_proxy.protocol import TextResult
from jasmine_proxy.result_types import ColumnType, Ok, Outcome, Rows
from jasmine_proxy.sqlite_decimal import CONTEXT, is_wide
from jasmine_proxy.sqlite_errors import sqlite_error
from jasmine_proxy.sqltext import (
    SELECT,
    literal_template,
    projection_names,
    split_placeholders,
    sql_literal,
)
from jasmine_proxy.translate import quote, unsupported

logging.getLogger("sqlglot").setLevel(logging.ERROR)  # its fallback warnings are ours to raise

SERVER_VERSION = f"10.11.99-MariaDB-Jasmine-SQLite-{sqlite3.sqlite_version}"

SYSTEM_VARIABLES: dict[str, Any] = {
    "autocommit": 1,
    "auto_increment_increment": 1,
    "character_set_client": "utf8mb4",
    "character_set_connection": "utf8mb4",
    "character_set_database": "utf8mb4",
    "character_set_results": "utf8mb4",
    "character_set_server": "utf8mb4",
    "collation_connection": "utf8mb4_general_ci",
    "collation_database": "utf8mb4_general_ci",
    "collation_server": "utf8mb4_general_ci",
    "default_storage_engine": "InnoDB",
    "have_ssl": "DISABLED",
    "init_connect": "",
    "interactive_timeout": 28800,
    "license": "Apache-2.0",
    "lower_case_table_names": 0,
    "max_allowed_packet": 16777216,
    "net_write_timeout": 60,
    "performance_schema": 0,
    "sql_auto_is_null": 0,
    "sql_mode": "STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_AUTO_CREATE_USER,"
    "NO_ENGINE_SUBSTITUTION",
    "sql_select_limit": 18446744073709551615,
    "system_time_zone": "UTC",
    "time_zone": "SYSTEM",
    "transaction_isolation": "REPEATABLE-READ",
    "tx_isolation": "REPEATABLE-READ",
    "transaction_read_only": 0,
    "tx_read_only": 0,
    "version": SERVER_VERSION,
    "version_comment": "Jasmine embedded backend (SQLite)",
    "wait_timeout": 28800,
    "max_connections": 151,
    "net_buffer_length": 16384,
    "query_cache_size": 0,
    "query_cache_type": "OFF",
    "character_set_system": "utf8mb3",
    "have_query_cache": "NO",
    "version_compile_os": "Linux",
    "hostname": "localhost",
    "port": 3307,
    "div_precision_increment": 4,
    "group_concat_max_len": 1048576,
    "foreign_key_checks": 1,
    "unique_checks": 1,
    "sql_safe_updates": 0,
    "sql_notes": 1,
    "warning_count": 0,
    "error_count": 0,
    "net_read_timeout": 30,
    "lock_wait_timeout": 86400,
    "innodb_lock_wait_timeout": 50,
    "max_execution_time": 0,
    "max_statement_time": 0,
}


#: Variables clients set that the embedded backend accepts and keeps, though they change nothing.
SETTABLE = {
    "sql_select_limit", "max_execution_time", "net_read_timeout", "net_write_timeout",
    "sql_safe_updates", "foreign_key_checks", "unique_checks", "group_concat_max_len",
    "sql_notes", "long_query_time", "innodb_lock_wait_timeout", "lock_wait_timeout",
    "max_statement_time", "sql_log_bin", "session_track_schema", "session_track_state_change",
    "session_track_system_variables", "sql_big_selects", "sql_quote_show_create", "names",
    "div_precision_increment", "optimizer_switch", "query_cache_type", "sql_warnings",
}  # fmt: skip


class EmbeddedSession(Ddl):
    """One client connection's session on the embedded database file at `path`."""

    def __init__(
        self,
        path: str,
        *,
        user: str = "root",
        connection_id: int = 0,
        database: str | None = None,
        found_rows: bool = False,
    ) -> None:
        self.conn = sqlite_db.connect(path)
        self.path = path
        self.catalog = introspect.Catalog(self.conn)
        self.user = user
        self.connection_id = connection_id
        self.found_rows = found_rows
        self.database: str | None = None
        self.user_vars: dict[str, Any] = {}
        self.user_types: dict[str, ColumnType] = {}  # MySQL types of the @variables set
        self.variables = dict(SYSTEM_VARIABLES)
        self.last_insert_id = 0
        self.warnings: list[tuple[str, int, str]] = []
        self.prepared: dict[str, str] = {}  # PREPARE ... FROM: name -> statement text
        self.row_count = -1  # ROW_COUNT(): affected rows of the previous statement
        self.rows_found = 0  # FOUND_ROWS(): rows of the previous SELECT
        self._generated = False  # the statement let AUTO_INCREMENT generate a key
        self._id_set = False  # the statement called LAST_INSERT_ID(expr)
        self._pending = False  # BEGIN seen, SQLite's transaction not yet begun
        self._lock = threading.RLock()
        self.variables["pseudo_thread_id"] = connection_id
        self._register_session_functions()
        if database:
            self.use(database)

    # -- public ----------------------------------------------------------------------------

    @property
    def autocommit(self) -> bool:
        return bool(self.variables["autocommit"])

    @property
    def in_transaction(self) -> bool:
        return self.conn.in_transaction or self._pending

    def _end_transaction(self, command: str) -> None:
        self._pending = False
        if self.conn.in_transaction:
            self.conn.execute(command)

    def execute(self, sql: str) -> Outcome:
        """Run one MySQL statement; a `JasmineError` with MySQL's code if it fails."""
        with self._lock:
            if re.match(r"\s*SHOW\s", sql, re.IGNORECASE):
                try:
                    translate.parse(sql)
                except translate.GrammarError:  # forms sqlglot does not read: the SHOW path
                    rest = sql.strip().rstrip(";").split(None, 1)[1]
                    return self._show_command(exp.Command(this="SHOW", expression=rest))
            savepoint = _SAVEPOINT.match(sql)
            if savepoint:
                return self._savepoint(savepoint.group(1), savepoint.group(2))
            prepared = _PREPARED.match(sql)
            if prepared:
                return self._prepared(prepared)
            first = sql.split(None, 1)[0].upper() if sql.strip() else ""
            if first in _MYSQL_STATEMENTS:
                raise unsupported(f"{first} statements")
            if first == "DO":  # DO expr, ...: evaluated as a SELECT, the values thrown away
                values = sql.strip().split(None, 1)[1:]
                if not values:
                    raise translate.GrammarError(translate.syntax_error(sql))
                self.execute(f"SELECT {values[0]}")
                done = Ok(affected_rows=0)
                self._remember(done)
                return done
            fast = self._cached_select(sql)
            if fast is not None:
                self._remember(fast)
                return fast
            statement = translate.parse(sql)
            if not (isinstance(statement, exp.Show) and statement.name.upper() == "WARNINGS"):
                self.warnings = []
            self._check_variables(statement)
            try:
                outcome = self._dispatch(statement, sql)
            except sqlite3.Error as exc:
                raise self._error(exc, statement) from None
            if isinstance(outcome, Ok) and self.warnings:
                outcome.warnings = len(self.warnings)
            self._remember(outcome)
            return outcome

    def _remember(self, outcome: Outcome) -> None:
        """What ROW_COUNT() and FOUND_ROWS() report about this statement afterwards."""
        if isinstance(outcome, Ok):
            self.row_count = outcome.affected_rows
        else:
            self.row_count = -1
            self.rows_found = len(outcome.rows)

    def quick(self, sql: str) -> Rows | None:
        """`execute(sql)` if it is a SELECT template already compiled whose last run was
        quick (under 1 ms, at most 100 rows); None, having done nothing, otherwise.

        The front end calls this on its event loop, sparing a point SELECT the hop to the
        client's thread; anything that could take long (or wait for a lock) goes the thread
        way. WAL readers never wait for the writer."""
        if not self._lock.acquire(blocking=False):
            return None
        try:
            if not self.autocommit and not self.conn.in_transaction:
                return None  # would begin a transaction: the ordinary way
            outcome = self._cached_select(sql, only_quick=True)
            if outcome is not None:
                self._remember(outcome)
            return outcome
        except JasmineError:
            return None  # the ordinary way reports it
        finally:
            self._lock.release()

    def _cached_select(self, sql: str, only_quick: bool = False) -> Rows | None:
        """A SELECT seen before with other literals after WHERE: its translation and result
        types are reused, the literals bound as parameters (parsing, type inference and
        translation cost milliseconds; a point SELECT should not)."""
        if not SELECT.match(sql) or "information_schema" in sql.lower():
            return None
        template = literal_template(sql)
        if template is None:
            return None
        text, params = template
        version = self.conn.execute("PRAGMA schema_version").fetchone()[0]
        key = (self.path, self.database, text)
        entry = _CACHE.get(key)
        if only_quick and (entry is None or entry.version != version or not entry.quick):
            return None
        if entry is None or entry.version != version:
            entry = self._compile_select(text, version)
            if entry is None:
                return None
            if len(_CACHE) >= _CACHE_SIZE:
                _CACHE.pop(next(iter(_CACHE)))
            _CACHE[key] = entry
        self.warnings = []
        self._start(write=False)
        started = clock.perf_counter()
        try:
            cursor = self.conn.execute(entry.sql, params)
        except sqlite3.Error as exc:
            raise sqlite_error(exc, entry.statement, self.database) from None
        rows = self._typed_rows(cursor, entry.names, entry.types)
        entry.quick = clock.perf_counter() - started < 0.001 and len(rows.rows) <= 100
        return rows

    def _compile_select(self, text: str, version: int) -> _Compiled | None:
        try:
            statement = translate.parse(text)
            if not isinstance(statement, exp.Select) or statement.find(
                exp.Parameter, exp.SessionParameter, exp.PropertyEQ
            ):
                return None
            names = projection_names(statement, text)
            tables = base_tables(statement, self.database)
            types = result_types.infer(statement, self.catalog.schema(tables), self.database)
            translated = translate.translate(
                statement,
                self.database,
                decimal_columns=self._decimal_columns(tables),
                wide_decimal_columns=self._decimal_columns(tables, wide=True),
                datetime_columns=self._datetime_columns(tables),
            ).statements[0]
        except JasmineError:
            return None  # the ordinary path says what is wrong
        return _Compiled(version, translated, names, types, statement)

    def _prepared(self, m: re.Match[str]) -> Outcome:
        """PREPARE name FROM '...', EXECUTE name [USING @a, ...], DEALLOCATE PREPARE name."""
        verb, name = m.group(1).upper().split()[0], m.group(2).strip("`").lower()
        if verb == "PREPARE":
            text = m.group(3) or ""
            source = sqlglot.parse_one(text, read="mysql")
            if isinstance(source, exp.Parameter):  # PREPARE s FROM @var
                body = self.user_vars.get(source.name.lower())
            elif isinstance(source, exp.Literal) and source.is_string:
                body = source.this
            else:
                raise translate.GrammarError(translate.syntax_error(text))
            if not isinstance(body, str):
                raise translate.GrammarError(translate.syntax_error(text))
            translate.parse(body.replace("?", "NULL"))  # a syntax error now, as MySQL would
            self.prepared[name] = body
            return Ok(info="Statement prepared")
        if name not in self.prepared:
            raise BackendRejected(
                f"Unknown prepared statement handler ({name}) given to {verb}", 1243, "HY000"
            )
        if verb in ("DEALLOCATE", "DROP"):
            del self.prepared[name]
            return Ok()
        names = re.findall(r"@(\w+)", m.group(3) or "")
        values = [self.user_vars.get(n.lower()) for n in names]
        parts = split_placeholders(self.prepared[name])
        if len(parts) - 1 != len(values):
            raise BackendRejected("Incorrect arguments to EXECUTE", 1210, "HY000")
        sql = parts[0] + "".join(sql_literal(v) + p for v, p in zip(values, parts[1:], strict=True))
        return self.execute(sql)

    def _savepoint(self, verb: str, name: str) -> Ok:
        """SAVEPOINT, RELEASE SAVEPOINT, ROLLBACK TO [SAVEPOINT] (SQLite's are the same)."""
        name = name.strip("`")
        verb = " ".join(verb.upper().split())
        self._start(write=False)
        if not self.conn.in_transaction:
            if verb == "SAVEPOINT":
                return Ok()  # autocommit: MySQL's savepoint ends with the statement
            raise BackendRejected(f"SAVEPOINT {name} does not exist", 1305, "42000")
        command = {"SAVEPOINT": "SAVEPOINT", "RELEASE SAVEPOINT": "RELEASE"}.get(
            verb, "ROLLBACK TO"
        )
        try:
            self.conn.execute(f"{command} {quote(name)}")
        except sqlite3.OperationalError:
            raise BackendRejected(f"SAVEPOINT {name} does not exist", 1305, "42000") from None
        return Ok()

    def _check_variables(self, statement: exp.Expression) -> None:
        for param in statement.find_all(exp.SessionParameter):
            if param.name.lower() not in self.variables:
                raise BackendRejected(f"Unknown system variable '{param.name}'", 1193, "HY000")

    def _error(self, exc: sqlite3.Error, statement: exp.Expression) -> JasmineError:
        error = sqlite_error(exc, statement, self.database)
        message = str(exc)
        if (
            error.code == 1048
            and isinstance(statement, exp.Insert)
            and isinstance(statement.this, exp.Schema)
        ):
            column = message.rsplit(".", 1)[-1]
            target = statement.this
            named = isinstance(target, exp.Schema) and any(
                c.name.lower() == column.lower() for c in target.expressions
            )
            if not named:
                return BackendRejected(
                    f"Field '{column}' doesn't have a default value", 1364, "HY000"
                )
        if error.code == 1062 and isinstance(statement, (exp.Insert, exp.Update)):
            return self._duplicate(message, statement)
        return error

    def _duplicate(self, message: str, statement: exp.Expression) -> JasmineError:
        """1062 with MySQL's key name (and the value when the statement shows it)."""
        columns = [p.strip().rsplit(".", 1)[-1] for p in message.split(":", 1)[1].split(",")]
        target = statement.this.this if isinstance(statement.this, exp.Schema) else statement.this
        key = "PRIMARY"
        d = None
        if isinstance(target, exp.Table):
            db, name = translate.table_for(target, self.database)
            d = self.catalog.table(db, name)
            if d is not None:
                for index_name, _, cols in introspect.indexes(d):
                    if [c.lower() for c in cols] == [c.lower() for c in columns]:
                        key = index_name
        value = "?"
        names = []
        if isinstance(statement, exp.Insert) and isinstance(statement.this, exp.Schema):
            names = [c.name.lower() for c in statement.this.expressions]
        elif isinstance(statement, exp.Insert) and d is not None:
            names = [c.name.lower() for c in d.columns]
        if names:
            values = statement.expression
            if isinstance(values, exp.Values) and len(values.expressions) == 1:
                row = values.expressions[0].expressions
                parts = []
                for col in columns:
                    if col.lower() in names and names.index(col.lower()) < len(row):
                        v = row[names.index(col.lower())]
                        parts.append(v.name if isinstance(v, exp.Literal) else v.sql("mysql"))
                if len(parts) == len(columns):
                    value = "-".join(parts)
        return BackendRejected(f"Duplicate entry '{value}' for key '{key}'", 1062, "23000")

    def query(self, sql: str) -> TextResult:
        """`ClientSession.query`: the result as text-protocol values; errors `BackendRejected`."""
        try:
            outcome = self.execute(sql)
        except JasmineError as exc:
            raise BackendRejected(str(exc), exc.code, exc.sqlstate) from None
        if isinstance(outcome, Ok):
            return TextResult([], [])
        rows = [tuple(None if v is None else _text(v) for v in row) for row in outcome.rows]
        return TextResult([name for name, _ in outcome.columns], rows)

    def use(self, database: str) -> None:
        with self._lock:
            if database.lower() != "information_schema" and not self.catalog.database_exists(
                database
            ):
                raise BackendRejected(f"Unknown database '{database}'", 1049, "42000")
            self.database = database

    def reset(self) -> None:
        """COM_RESET_CONNECTION: roll back, forget variables; the database stays selected."""
        with self._lock:
            self._end_transaction("ROLLBACK")
            self.user_vars.clear()
            self.user_types.clear()
            self.variables = dict(SYSTEM_VARIABLES)
            self.last_insert_id = 0

    def close(self) -> None:
        with self._lock:
            try:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
            finally:
                self.conn.close()

    # -- dispatch --------------------------------------------------------------------------

    def _dispatch(self, statement: exp.Expression, sql: str) -> Outcome:
        if isinstance(statement, exp.Use):
            self.use(statement.this.name)
            return Ok()
        if isinstance(statement, exp.Set):
            return self._set(statement)
        if isinstance(statement, exp.Show):
            return self._show(statement)
        if isinstance(statement, exp.Describe):
            return self._describe(statement)
        if isinstance(statement, exp.Transaction):
            self._end_transaction("COMMIT")
            self._pending = True  # begun by the first statement that reads or writes
            return Ok()
        if isinstance(statement, (exp.Commit, exp.Rollback)):
            self._end_transaction("COMMIT" if isinstance(statement, exp.Commit) else "ROLLBACK")
            return Ok()
        if isinstance(statement, exp.Query):
            self._start(write=False)
            return self._select(statement, sql)
        if isinstance(statement, (exp.Insert, exp.Update, exp.Delete)):
            self._start(write=True)
            return self._write(statement)
        if isinstance(statement, (exp.Create, exp.Drop, exp.Alter, exp.TruncateTable)):
            self._implicit_commit()
            return self._ddl(statement)
        if isinstance(statement, exp.Command) and statement.name.upper() in (
            "LOCK TABLES",
            "UNLOCK TABLES",
            "FLUSH",
            "ANALYZE",
            "OPTIMIZE",
        ):
            return Ok()
        if isinstance(statement, exp.Command) and statement.name.upper() == "SHOW":
            return self._show_command(statement)
        if isinstance(statement, exp.Command) and statement.name.upper() == "RENAME":
            self._implicit_commit()
            return self._rename(statement)
        words = sql.split(None, 2)
        if isinstance(statement, exp.Command):
            construct = " ".join(w.upper() for w in words[:2] if w.isalpha())
            raise unsupported(f"{construct} statements")
        raise translate.GrammarError(translate.syntax_error(sql))

    def _start(self, write: bool) -> None:
        """Begin the SQLite transaction of a MySQL one (BEGIN, or autocommit off) at its first
        statement: IMMEDIATE when that writes, so a writer queues for the lock (busy timeout)
        instead of failing later on a stale snapshot; deferred when it reads, so readers never
        wait."""
        if not self.autocommit and not self.conn.in_transaction:
            self._pending = True
        if self._pending and not self.conn.in_transaction:
            self.conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        self._pending = False

    def _implicit_commit(self) -> None:
        """MySQL commits the open transaction before DDL."""
        self._end_transaction("COMMIT")

    # -- SELECT ----------------------------------------------------------------------------

    def _select(self, statement: exp.Expression, sql: str) -> Rows:
        info = {t.name.lower() for t in statement.find_all(exp.Table) if _is_info_schema(t)}
        if info:
            self.catalog.fill_information_schema(info)
        names = projection_names(statement, sql)
        tables = base_tables(statement, self.database)
        types = result_types.infer(
            statement, self.catalog.schema(tables), self.database, self.user_types
        )
        selects = statement.selects if isinstance(statement, exp.Query) and types else []
        for i, projection in enumerate(selects):
            if isinstance(projection, exp.PropertyEQ) and types[i] is not None:
                kind = result_types.variable_type(types[i])  # type: ignore[arg-type]
                self.user_types[projection.this.name.lower()] = kind
        translated = translate.translate(
            statement,
            self.database,
            decimal_columns=self._decimal_columns(tables),
            wide_decimal_columns=self._decimal_columns(tables, wide=True),
            datetime_columns=self._datetime_columns(tables),
        ).statements[0]
        cursor = self.conn.execute(translated)
        return self._typed_rows(cursor, names, types)

    def _typed_rows(
        self,
        cursor: sqlite3.Cursor,
        names: list[str] | None,
        types: list[ColumnType | None],
    ) -> Rows:
        description = cursor.description or ()
        raw = cursor.fetchall()
        width = len(description)
        if names is None or len(names) != width:
            names = [d[0] for d in description]
        if len(types) != width:
            types = [None] * width
        final: list[ColumnType] = []
        for i, t in enumerate(types):
            if t is None:
                sample = next((r[i] for r in raw if r[i] is not None), None)
                t = result_types.from_value(sample) if sample is not None else ColumnType(6)
            final.append(t)
        converters = [result_types.converter(t) for t in final]
        if all(c is None for c in converters):
            rows = raw
        else:
            fs = [c or _same for c in converters]
            rows = [tuple([f(v) for f, v in zip(fs, r, strict=True)]) for r in raw]
        return Rows(list(zip(names, final, strict=True)), rows)

    # -- INSERT / UPDATE / DELETE ----------------------------------------------------------

    def _write(self, statement: exp.Expression) -> Outcome:
        tables = base_tables(statement, self.database)
        self._generated = False
        if isinstance(statement, exp.Insert):
            self._prepare_insert(statement)
        self._prepare_assignments(statement)
        t = translate.translate(
            statement,
            self.database,
            changed_rows_only=isinstance(statement, exp.Insert) or not self.found_rows,
            decimal_columns=self._decimal_columns(tables),
            wide_decimal_columns=self._decimal_columns(tables, wide=True),
            datetime_columns=self._datetime_columns(tables),
        )
        before = self._count(t.table) if t.upsert and t.table else 0
        explicit_id = self.last_insert_id
        self._id_set = False
        cursor = self.conn.execute(t.statements[0])
        returning = statement.args.get("returning")
        if returning is not None:  # MariaDB's INSERT/DELETE ... RETURNING: a result set
            names = [e.alias_or_name for e in returning.expressions]
            rows = self._typed_rows(cursor, names, [])
            if t.kind == "insert" and cursor.lastrowid:
                self.last_insert_id = cursor.lastrowid - len(rows.rows) + 1
            return rows
        affected = max(cursor.rowcount, 0)
        insert_id = explicit_id if self._id_set else 0
        if t.kind == "insert" and t.table:
            inserted = affected
            if t.upsert:
                inserted = self._count(t.table) - before
                changed = affected - inserted
                affected = inserted + 2 * changed
                if (
                    self.found_rows
                    and isinstance(statement, exp.Insert)
                    and statement.args.get("conflict") is not None
                ):
                    # duplicates the update left as they were: 1 each with CLIENT_FOUND_ROWS
                    affected += max(self._rows_given(statement) - inserted - changed, 0)
            auto = self._auto_increment_column(t.table)
            if auto and inserted > 0 and cursor.lastrowid:
                insert_id = cursor.lastrowid - inserted + 1
                if not _names_column(statement, auto) or self._generated:
                    self.last_insert_id = insert_id
            if isinstance(statement, exp.Insert) and statement.args.get("ignore"):
                for _ in range(max(self._rows_given(statement) - inserted, 0)):
                    self.warn("Warning", 1062, "Duplicate entry for a unique key")
        if self._id_set:
            insert_id = self.last_insert_id
        return Ok(affected_rows=affected, last_insert_id=insert_id)

    def translate_write(self, sql: str) -> list[str]:
        """The SQLite statements that `execute(sql)` runs for this INSERT, UPDATE or DELETE,
        without running them: DECIMAL assignments rounded, as for a client (the embedded
        backend puts them in the bodies of `trigger` materializations' SQLite triggers)."""
        with self._lock:
            statement = translate.parse(sql)
            if not isinstance(statement, (exp.Insert, exp.Update, exp.Delete)):
                raise translate.GrammarError(translate.syntax_error(sql))
            tables = base_tables(statement, self.database)
            self._prepare_assignments(statement)
            return translate.translate(
                statement,
                self.database,
                decimal_columns=self._decimal_columns(tables),
                wide_decimal_columns=self._decimal_columns(tables, wide=True),
                datetime_columns=self._datetime_columns(tables),
            ).statements

    @staticmethod
    def _rows_given(statement: exp.Insert) -> int:
        values = statement.expression
        return len(values.expressions) if isinstance(values, exp.Values) else 0

    def _prepare_insert(self, statement: exp.Insert) -> None:
        """MySQL's INSERT habits SQLite lacks: 0 or NULL for AUTO_INCREMENT means "generate",
        and VALUES (DEFAULT, ...) without a column list names every column."""
        self._generated = False
        target = statement.this
        table = target.this if isinstance(target, exp.Schema) else target
        values = statement.expression
        if not isinstance(table, exp.Table) or not isinstance(values, exp.Values):
            return
        db, name = translate.table_for(table, self.database)
        d = self.catalog.table(db, name)
        if d is None:
            return
        if isinstance(target, exp.Schema):
            names = [c.name.lower() for c in target.expressions]
        else:
            names = [c.name.lower() for c in d.columns]
            if any(
                isinstance(v, (exp.Var, exp.Column)) and v.name.upper() == "DEFAULT"
                for row in values.expressions
                for v in row.expressions
            ):
                statement.set(
                    "this",
                    exp.Schema(
                        this=table, expressions=[exp.to_identifier(c.name) for c in d.columns]
                    ),
                )
        _round_decimals(d, names, values)
        auto = next((c.name.lower() for c in d.columns if c.auto_increment), None)
        if auto is None or auto not in names:
            return
        i = names.index(auto)
        for row in values.expressions:
            cells = row.expressions
            if i < len(cells) and (
                isinstance(cells[i], exp.Null)
                or (isinstance(cells[i], exp.Literal) and cells[i].name in ("0", "0.0"))
            ):
                cells[i].replace(exp.Null())
                self._generated = True

    def _prepare_assignments(self, statement: exp.Expression) -> None:
        """SET col = DEFAULT, and DECIMAL columns assigned an expression: rounded to their scale
        as MySQL stores them (`jasmine_decimal`; a wide column's value as exact text)."""
        target = statement.this.this if isinstance(statement.this, exp.Schema) else statement.this
        if not isinstance(target, exp.Table):
            return
        try:
            db, name = translate.table_for(target, self.database)
        except JasmineError:
            return
        d = self.catalog.table(db, name)
        if d is None:
            return
        conflict = statement.args.get("conflict")
        assignments = list(statement.expressions) if isinstance(statement, exp.Update) else []
        if conflict is not None:
            assignments += list(conflict.expressions)
        for eq in assignments:
            if not isinstance(eq, exp.EQ) or not isinstance(eq.this, exp.Column):
                continue
            col = d.column(eq.this.name)
            if col is None:
                continue
            value = eq.expression
            if isinstance(value, (exp.Var, exp.Column)) and value.name.upper() == "DEFAULT":
                default = col.default if col.default not in (None, "NULL") else None
                if default == "current_timestamp()":
                    value.replace(exp.CurrentTimestamp())
                elif default is None:
                    value.replace(exp.Null())
                else:
                    value.replace(sqlglot.parse_one(default, read="mysql"))
                continue
            if not col.type.startswith("decimal") or isinstance(value, exp.Null):
                continue
            precision, scale = tabledef.decimal_precision(col.type)
            if is_wide(precision) or not isinstance(value, (exp.Literal, exp.Column)):
                value.replace(
                    exp.Anonymous(
                        this="jasmine_decimal",
                        expressions=[
                            value.copy(),
                            exp.Literal.number(precision),
                            exp.Literal.number(scale),
                            exp.Literal.number(0),
                        ],
                    )
                )

    def _datetime_columns(self, tables: list[tuple[str, str]]) -> frozenset[str]:
        out: set[str] = set()
        for db, name in tables:
            d = self.catalog.table(db, name)
            if d is not None:
                out.update(
                    c.name.lower()
                    for c in d.columns
                    if c.type.startswith(("datetime", "timestamp"))
                )
        return frozenset(out)

    def _decimal_columns(self, tables: list[tuple[str, str]], wide: bool = False) -> frozenset[str]:
        """Names of the DECIMAL columns of `tables`; `wide`: only those stored as text."""
        out: set[str] = set()
        for db, name in tables:
            d = self.catalog.table(db, name)
            if d is not None:
                out.update(
                    c.name.lower()
                    for c in d.columns
                    if c.type.startswith("decimal")
                    and (not wide or is_wide(tabledef.decimal_precision(c.type)[0]))
                )
        return frozenset(out)

    def _auto_increment_column(self, table: str) -> str | None:
        db, _, name = table.partition(".")
        d = self.catalog.table(db, name)
        if d is None:
            return None
        return next((c.name for c in d.columns if c.auto_increment), None)

    # -- SET -------------------------------------------------------------------------------

    def _set(self, statement: exp.Set) -> Ok:
        for item in statement.expressions:
            kind = (item.args.get("kind") or "").upper()
            if kind in ("NAMES", "CHARACTER SET", "CHARSET"):
                charset = item.name if item.this is not None else "utf8mb4"
                for var in ("character_set_client", "character_set_results"):
                    self.variables[var] = charset
                continue
            if kind == "TRANSACTION" or (item.find(exp.Var) and not isinstance(item.this, exp.EQ)):
                continue
            assignment = item.this
            if not isinstance(assignment, exp.EQ):
                raise unsupported(f"SET {item.sql('mysql')}")
            target, value_expr = assignment.this, assignment.expression
            if isinstance(target, exp.Parameter):  # @var: its value and its MySQL type
                self._set_user_variable(target.name.lower(), value_expr)
                continue
            value = self._evaluate(value_expr)
            name = target.name.lower()
            if name not in self.variables and name not in SETTABLE:
                raise BackendRejected(f"Unknown system variable '{target.name}'", 1193, "HY000")
            self._set_variable(name, value, value_expr)
        return Ok()

    def _set_user_variable(self, name: str, expression: exp.Expression) -> None:
        query = exp.select(expression.copy())
        result = self._select(query, query.sql("mysql"))
        value, (_, kind) = result.rows[0][0], result.columns[0]
        self.user_vars[name] = _sqlite_value(float(value) if isinstance(value, Decimal) else value)
        self.user_types[name] = result_types.variable_type(kind)

    def _set_variable(self, name: str, value: Any, expression: exp.Expression) -> None:
        if name == "sql_mode":
            translate.check_sql_mode(value)
        if name == "autocommit":
            on = _truthy(value)
            if on:
                self._end_transaction("COMMIT")
            self.variables[name] = 1 if on else 0
            return
        self.variables[name] = value

    def _evaluate(self, expression: exp.Expression) -> Any:
        if isinstance(expression, exp.Var) or (
            isinstance(expression, exp.Column) and not expression.table
        ):
            return expression.name  # SET sql_mode = TRADITIONAL, autocommit = ON
        select = exp.select(expression.copy())
        sql = translate.translate(select, self.database).statements[0]
        return self.conn.execute(sql).fetchone()[0]

    # -- SHOW / DESCRIBE -------------------------------------------------------------------

    def _show(self, show: exp.Show) -> Rows:
        from jasmine_proxy.show import answer

        return answer(self, show)

    def _show_command(self, statement: exp.Command) -> Rows:
        from jasmine_proxy.show import answer_command

        return answer_command(self, statement)

    def _describe(self, statement: exp.Describe) -> Rows:
        from jasmine_proxy.show import answer

        target = statement.this
        if not isinstance(target, exp.Table):
            raise unsupported("EXPLAIN")
        show = exp.Show(
            this="COLUMNS",
            target=exp.to_identifier(target.name),
            db=exp.to_identifier(target.db) if target.db else None,
        )
        return answer(self, show)

    # -- per-connection functions ----------------------------------------------------------

    def _register_session_functions(self) -> None:
        c = self.conn
        c.create_function("last_insert_id", 0, lambda: self.last_insert_id)
        c.create_function("last_insert_id", 1, self._set_last_insert_id)
        c.create_function("connection_id", 0, lambda: self.connection_id)
        c.create_function("database", 0, lambda: self.database)
        c.create_function("user", 0, lambda: f"{self.user}@localhost")
        c.create_function("current_user", 0, lambda: f"{self.user}@%")
        c.create_function("version", 0, lambda: SERVER_VERSION)
        c.create_function("jasmine_uservar", 1, lambda n: _sqlite_value(self.user_vars.get(n)))
        c.create_function("jasmine_setvar", 2, self._set_user_var)
        c.create_function("row_count", 0, lambda: self.row_count)
        c.create_function("found_rows", 0, lambda: self.rows_found)
        c.create_function("jasmine_sysvar", 1, self._sysvar)

    def _set_last_insert_id(self, value: Any) -> Any:
        self.last_insert_id = int(value or 0)
        self._id_set = True
        return value

    def _set_user_var(self, name: str, value: Any) -> Any:
        self.user_vars[name] = value
        return value

    def _sysvar(self, name: str) -> Any:
        if name not in self.variables:
            raise ValueError(f"Unknown system variable '{name}'")
        return _sqlite_value(self.variables[name])

    def filter_rows(
        self, names: list[str], rows: introspect.Rows, where: exp.Expression | None
    ) -> introspect.Rows:
        """SHOW ... WHERE: the rows for which the condition holds (evaluated by SQLite)."""
        if where is None:
            return rows
        cols = ", ".join(quote(n) for n in names)
        self.conn.execute('DROP TABLE IF EXISTS temp."jasmine_show"')
        self.conn.execute(f'CREATE TEMP TABLE "jasmine_show" ({cols})')
        marks = ", ".join("?" * len(names))
        self.conn.executemany(
            f'INSERT INTO temp."jasmine_show" VALUES ({marks})',
            [tuple(_sqlite_value(v) for v in r) for r in rows],
        )
        cond = where.this.copy() if isinstance(where, exp.Where) else where.copy()
        cond = cond.transform(translate._function)
        sql = f'SELECT * FROM temp."jasmine_show" WHERE {cond.sql("sqlite")}'
        try:
            return [tuple(r) for r in self.conn.execute(sql).fetchall()]
        finally:
            self.conn.execute('DROP TABLE IF EXISTS temp."jasmine_show"')


#: First words of MySQL statements the embedded backend does not run (answered with 1235).
_MYSQL_STATEMENTS = {
    "HANDLER", "LOAD", "CALL", "GRANT", "REVOKE", "INSTALL", "UNINSTALL", "CHECK", "REPAIR",
    "CHECKSUM", "XA", "CACHE", "PURGE", "RESET", "SHUTDOWN", "BINLOG", "CHANGE", "HELP",
    "SIGNAL", "RESIGNAL", "GET", "IMPORT", "BACKUP",
}  # fmt: skip


def _same(value: Any) -> Any:
    return value


class NoCore:
    """The executor while the core has no SQLite backend: extended statements are refused."""

    def execute(self, sql: str, session: Any) -> None:
        words = re.findall(r"[A-Za-z]+", re.sub(r"/\*.*?\*/|#[^\n]*|--\s[^\n]*", " ", sql))
        upper = [w.upper() for w in words]
        last = next((i for i, w in enumerate(upper) if w.startswith("MATERIALIZATION")), 1)
        raise unsupported(
            f"{' '.join(upper[: last + 1])} (materializations need the core's "
            "SQLite backend, not available in this version)"
        )


# -- helpers -------------------------------------------------------------------------------


def _round_decimals(d: tabledef.TableDef, names: list[str], values: exp.Values) -> None:
    """Literals for DECIMAL columns rounded to the column's scale, half away from zero, as
    MySQL stores them (1.005 in DECIMAL(10,2) is 1.01); for a wide column (stored as text)
    numbers and numeric strings both become its exact text at the scale."""
    scales = {}
    for c in d.columns:
        if c.type.startswith("decimal") and c.name.lower() in names:
            scales[names.index(c.name.lower())] = tabledef.decimal_precision(c.type)
    if not scales:
        return
    for row in values.expressions:
        for i, (precision, scale) in scales.items():
            cells = row.expressions
            if i >= len(cells):
                continue
            cell = cells[i]
            literal = cell.this if isinstance(cell, exp.Neg) else cell
            wide = is_wide(precision)
            if not isinstance(literal, exp.Literal) or not (wide or "." in literal.this):
                continue
            if literal.is_string and not wide:
                continue
            try:
                rounded = Decimal(literal.this).quantize(
                    Decimal(1).scaleb(-scale), rounding=ROUND_HALF_UP, context=CONTEXT
                )
            except ArithmeticError:
                continue
            if not wide:
                literal.replace(exp.Literal.number(str(rounded)))
                continue
            text = format(rounded.copy_negate() if cell is not literal else rounded, "f")
            cell.replace(exp.Literal.string(text))


def _construct(statement: exp.Expression) -> str:
    if isinstance(statement, exp.Command):
        return f"{statement.name.upper()} statements"
    words = statement.sql("mysql").split()
    return " ".join(words[:2]) if words else type(statement).__name__


def _is_info_schema(table: exp.Table) -> bool:
    return table.db.lower() == translate.INFORMATION_SCHEMA


def _names_column(statement: exp.Expression, column: str) -> bool:
    target = statement.this
    if not isinstance(target, exp.Schema):
        return True  # no column list: values for every column, the key included
    return any(c.name.lower() == column.lower() for c in target.expressions)


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.upper() in ("1", "ON", "TRUE")
    return bool(value)


def _sqlite_value(value: Any) -> Any:
    if value is None or isinstance(value, (int, float, str, bytes)):
        return value
    return str(value)


def _text(value: Any) -> bytes:
    if isinstance(value, bytes):
        return value
    return str(value).encode()


@dataclass
class _Compiled:
    """A SELECT template: SQLite text with `?` for the literals after WHERE, and its types."""

    version: int  # PRAGMA schema_version it was compiled under
    sql: str
    names: list[str] | None
    types: list[ColumnType | None]
    statement: exp.Expression
    quick: bool = False  # its last run took under 1 ms and returned at most 100 rows


_CACHE: dict[tuple[str, str | None, str], _Compiled] = {}
_CACHE_SIZE = 512
_SAVEPOINT = re.compile(
    r"\s*(SAVEPOINT|RELEASE\s+SAVEPOINT|ROLLBACK\s+(?:WORK\s+)?TO\s+(?:SAVEPOINT\s+)?)"
    r"\s*(`[^`]+`|\w+)\s*;?\s*$",
    re.IGNORECASE,
)
_PREPARED = re.compile(
    r"\s*(PREPARE|EXECUTE|DEALLOCATE\s+PREPARE|DROP\s+PREPARE)\s+(`[^`]+`|\w+)"
    r"(?:\s+(?:FROM|USING)\s+(.*?))?\s*;?\s*$",
    re.IGNORECASE | re.DOTALL,
)
