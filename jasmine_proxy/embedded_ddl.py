"""DDL on the embedded backend: CREATE/DROP DATABASE, TABLE, VIEW and INDEX, ALTER, RENAME and
TRUNCATE TABLE, each keeping the tables' MySQL definitions (`tabledef`, `jasmine_tables`) in step
with SQLite's catalog. A mixin of `embedded.EmbeddedSession`: the same connection, catalog and
current database; every statement here runs after MySQL's implicit commit.
"""

from __future__ import annotations

import re
import sqlite3
from typing import Any

from sqlglot import exp

from jasmine_proxy import introspect, result_types, tabledef, translate
from jasmine_proxy.errors import BackendRejected
from jasmine_proxy.result_types import ColumnType, Ok
from jasmine_proxy.sqlite_errors import no_such_table
from jasmine_proxy.translate import quote, unsupported


class Ddl:
    """The DDL statements of a session (see the module docstring)."""

    conn: sqlite3.Connection
    catalog: introspect.Catalog
    database: str | None
    warnings: list[tuple[str, int, str]]

    def warn(self, level: str, code: int, message: str) -> None:
        self.warnings.append((level, code, message))

    def _count(self, table: str) -> int:
        return int(self.conn.execute(f"SELECT count(*) FROM {quote(table)}").fetchone()[0])

    # -- DDL -------------------------------------------------------------------------------

    def _ddl(self, statement: exp.Expression) -> Ok:
        kind = (statement.args.get("kind") or "").upper()
        if isinstance(statement, exp.Create) and kind in ("DATABASE", "SCHEMA"):
            name = statement.this.name
            if self.catalog.database_exists(name):
                if not statement.args.get("exists"):
                    raise BackendRejected(
                        f"Can't create database '{name}'; database exists", 1007, "HY000"
                    )
                self.warn("Note", 1007, f"Can't create database '{name}'; database exists")
                return Ok()
            self._run_all(translate.translate(statement, self.database).statements)
            return Ok(affected_rows=1)
        elif isinstance(statement, exp.Drop) and kind in ("DATABASE", "SCHEMA"):
            return self._drop_database(statement)
        elif isinstance(statement, exp.Create) and kind == "INDEX":
            return self._create_index(statement)
        elif isinstance(statement, exp.Drop) and kind == "INDEX":
            return self._drop_index(statement)
        elif isinstance(statement, exp.Alter):
            return self._alter(statement)
        elif isinstance(statement, exp.TruncateTable):
            return self._truncate(statement)
        elif isinstance(statement, exp.Create) and kind == "TABLE":
            return self._create_table(statement)
        elif isinstance(statement, exp.Create) and kind == "VIEW":
            target = statement.this.this if isinstance(statement.this, exp.Schema) else None
            db, name = self._need_database(target or statement.this)
            self._run_all(translate.translate(statement, self.database).statements)
            self._record_select_table(db, name, statement.expression)
            return Ok()
        elif isinstance(statement, exp.Drop) and kind in ("TABLE", "VIEW"):
            self._check_drop(statement, kind)
            for table in statement.args.get("tables") or [statement.this]:
                db, name = translate.table_for(table, self.database)
                self.catalog.temporary.pop(f"{db}.{name}".lower(), None)
        self._run_all(translate.translate(statement, self.database).statements)
        return Ok()

    def _run_all(self, statements: list[str]) -> None:
        """Several SQLite statements as one: all or none."""
        if len(statements) == 1:
            self.conn.execute(statements[0])
            return
        self.conn.execute("SAVEPOINT jasmine_ddl")
        try:
            for s in statements:
                self.conn.execute(s)
        except BaseException:
            self.conn.execute("ROLLBACK TO jasmine_ddl")
            self.conn.execute("RELEASE jasmine_ddl")
            raise
        self.conn.execute("RELEASE jasmine_ddl")

    def _need_database(self, table: exp.Expression) -> tuple[str, str]:
        if not isinstance(table, exp.Table):
            raise unsupported(table.sql("mysql")[:60])
        db, name = translate.table_for(table, self.database)
        if not self.catalog.database_exists(db):
            raise BackendRejected(f"Unknown database '{db}'", 1049, "42000")
        return db, name

    def _create_table(self, statement: exp.Create) -> Ok:
        target = statement.this.this if isinstance(statement.this, exp.Schema) else statement.this
        db, name = self._need_database(target)
        exists = self.catalog.table(db, name) is not None or self._is_view(db, name)
        if exists:
            if statement.args.get("exists"):
                self.warn("Note", 1050, f"Table '{name}' already exists")
                return Ok()
            raise BackendRejected(f"Table '{name}' already exists", 1050, "42S01")
        like = statement.find(exp.LikeProperty)
        if like is not None:
            src_db, src_name = translate.table_for(like.this, self.database)
            src = self.catalog.table(src_db, src_name)
            if src is None:
                raise no_such_table(src_db, src_name)
            copy = tabledef.TableDef.from_json(src.to_json())
            copy.database, copy.name = db, name
            self._store_new_table(copy)
            return Ok()
        t = translate.translate(statement, self.database)
        self._run_all(t.statements)
        temporary = statement.find(exp.TemporaryProperty) is not None
        if temporary and isinstance(statement.this, exp.Schema):
            d = tabledef.from_create(statement, db)
            self.catalog.temporary[d.sqlite_name.lower()] = d
        cursor_rows = 0
        if statement.expression is not None:  # CREATE TABLE ... AS SELECT
            cursor_rows = self._count(translate.sqlite_name(db, name))
            if statement.find(exp.TemporaryProperty) is None:
                self._record_select_table(db, name, statement.expression)
        return Ok(affected_rows=cursor_rows)

    def _record_select_table(self, db: str, name: str, query: exp.Expression) -> None:
        """The MySQL definition of a table made by CREATE TABLE ... AS SELECT: typed columns."""
        d = self.catalog.table(db, name)
        if d is None:
            return
        types = result_types.infer(
            query, self.catalog.schema(base_tables(query, self.database)), self.database
        )
        if len(types) == len(d.columns):
            for col, t in zip(d.columns, types, strict=True):
                if t is not None:
                    col.type = _mysql_type_of(t, col.type)
        self.conn.execute(
            "INSERT OR REPLACE INTO jasmine_tables (name, definition) VALUES (?, ?)",
            (d.sqlite_name, d.to_json()),
        )

    def _store_new_table(self, d: tabledef.TableDef) -> None:
        self._run_all(
            [
                *d.sqlite_ddl(),
                "INSERT OR REPLACE INTO jasmine_tables (name, definition) VALUES "
                f"({_lit(d.sqlite_name)}, {_lit(d.to_json())})",
            ]
        )

    def _is_view(self, db: str, name: str) -> bool:
        row = self.conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'view' AND name = ? COLLATE NOCASE",
            (f"{db}.{name}",),
        ).fetchone()
        return row is not None

    def _check_drop(self, statement: exp.Drop, kind: str) -> None:
        missing = []
        for table in statement.args.get("tables") or [statement.this]:
            db, name = translate.table_for(table, self.database)
            found = (
                self._is_view(db, name)
                if kind == "VIEW"
                else self.conn.execute(
                    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ? COLLATE NOCASE "
                    "UNION ALL SELECT 1 FROM sqlite_temp_master WHERE name = ? COLLATE NOCASE",
                    (f"{db}.{name}", f"{db}.{name}"),
                ).fetchone()
                is not None
            )
            if not found:
                missing.append(f"{db}.{name}")
        if missing and statement.args.get("exists"):
            for name in missing:
                self.warn("Note", 1051, f"Unknown table '{name}'")
        elif missing:
            raise BackendRejected(f"Unknown table '{','.join(missing)}'", 1051, "42S02")

    def _drop_database(self, statement: exp.Drop) -> Ok:
        name = (statement.args.get("tables") or [statement.this])[0].name
        if not self.catalog.database_exists(name):
            if statement.args.get("exists"):
                self.warn("Note", 1008, f"Can't drop database '{name}'; database doesn't exist")
                return Ok()
            raise BackendRejected(
                f"Can't drop database '{name}'; database doesn't exist", 1008, "HY000"
            )
        objects = self.catalog.objects(name)
        out = [f"DROP VIEW {quote(f'{name}.{o}')}" for o, k in objects if k == "VIEW"]
        out += ["PRAGMA defer_foreign_keys = ON"]
        for o, k in objects:
            if k != "VIEW":
                out.append(f"DROP TABLE {quote(f'{name}.{o}')}")
                out.append(f"DELETE FROM jasmine_tables WHERE name = {_lit(f'{name}.{o}')}")
        out.append(f"DELETE FROM jasmine_databases WHERE name = {_lit(name)}")
        self._run_all(out)
        if self.database == name:
            self.database = None
        return Ok(affected_rows=sum(1 for _, k in objects if k != "VIEW"))

    def _table_def(self, table: exp.Table) -> tabledef.TableDef:
        db, name = translate.table_for(table, self.database)
        d = self.catalog.table(db, name)
        if d is None:
            raise no_such_table(db, name)
        return tabledef.TableDef.from_json(d.to_json())

    def _save(self, d: tabledef.TableDef, statements: list[str]) -> None:
        self._run_all(
            [
                *statements,
                "INSERT OR REPLACE INTO jasmine_tables (name, definition) VALUES "
                f"({_lit(d.sqlite_name)}, {_lit(d.to_json())})",
            ]
        )

    def _create_index(self, statement: exp.Create) -> Ok:
        index = statement.this
        d = self._table_def(index.args["table"])
        cols = [c.this.name if isinstance(c, exp.Ordered) else c.name for c in
                index.args["params"].args.get("columns") or []]  # fmt: skip
        if any(ix.name.lower() == index.name.lower() for ix in d.indexes):
            raise BackendRejected(f"Duplicate key name '{index.name}'", 1061, "42000")
        ix = tabledef.Index(index.name, cols, unique=bool(statement.args.get("unique")))
        d.indexes.append(ix)
        self._save(d, [d.index_ddl(ix)])
        return Ok()

    def _drop_index(self, statement: exp.Drop) -> Ok:
        cluster = statement.args.get("cluster")
        if cluster is None:
            raise unsupported("DROP INDEX without ON table")
        d = self._table_def(cluster.this)
        tables = statement.args.get("tables") or [statement.this]
        name = tables[0].name
        ix = next((i for i in d.indexes if i.name.lower() == name.lower()), None)
        if ix is None:
            raise BackendRejected(f"Can't DROP INDEX `{name}`; check that it exists", 1091, "42000")
        d.indexes.remove(ix)
        self._save(d, [f"DROP INDEX {quote(f'{d.sqlite_name}.{ix.name}')}"])
        return Ok()

    def _truncate(self, statement: exp.TruncateTable) -> Ok:
        out = []
        for table in statement.expressions:
            db, name = translate.table_for(table, self.database)
            if self.catalog.table(db, name) is None:
                raise no_such_table(db, name)
            full = translate.sqlite_name(db, name)
            out += [
                f"DELETE FROM {quote(full)}",
                f"DELETE FROM sqlite_sequence WHERE name = {_lit(full)}",
            ]
        self._run_all(out)
        return Ok()

    def _alter(self, statement: exp.Alter) -> Ok:
        from jasmine_proxy.alter import apply_alter, rebuild

        if (statement.args.get("kind") or "").upper() != "TABLE":
            raise unsupported(f"ALTER {statement.args.get('kind')}")
        old = self._table_def(statement.this)
        new, renames = apply_alter(old, statement.args.get("actions") or [], self.database)
        if new.sqlite_name.lower() != old.sqlite_name.lower() and (
            self.catalog.table(new.database, new.name) is not None
        ):
            raise BackendRejected(f"Table '{new.name}' already exists", 1050, "42S01")
        rebuild(self.conn, old, new, renames)
        return Ok()

    def _rename(self, statement: exp.Command) -> Ok:
        """RENAME TABLE a TO b [, c TO d ...]: all pairs in one SQLite transaction, as MySQL
        does them atomically (a snapshot's swap relies on it: readers see one table or the
        other, never neither). SQLite renames in place; views and triggers that name a table
        are left as written (legacy_alter_table), as MySQL leaves views; indexes follow."""
        pairs = _rename_pairs(statement.text("expression"), self.database)
        # the tables as they will be after each pair, MySQL checking them left to right
        virtual: dict[tuple[str, str], tabledef.TableDef | None] = {}

        def current(db: str, name: str) -> tabledef.TableDef | None:
            key = (db.lower(), name.lower())
            if key not in virtual:
                if self._is_view(db, name):
                    raise unsupported("RENAME TABLE of a view")
                virtual[key] = self.catalog.table(db, name)
            return virtual[key]

        moves: list[tuple[tabledef.TableDef, tabledef.TableDef]] = []
        for (db, name), (new_db, new_name) in pairs:
            old = current(db, name)
            if old is None:
                raise no_such_table(db, name)
            if current(new_db, new_name) is not None:
                raise BackendRejected(f"Table '{new_name}' already exists", 1050, "42S01")
            new = tabledef.TableDef.from_json(old.to_json())
            new.database, new.name = new_db, new_name
            moves.append((old, new))
            virtual[(db.lower(), name.lower())] = None
            virtual[(new_db.lower(), new_name.lower())] = new
        self.conn.execute("PRAGMA legacy_alter_table = ON")  # the caller committed already
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                for old, new in moves:
                    for ix in old.indexes:
                        self.conn.execute(
                            f"DROP INDEX IF EXISTS {quote(f'{old.sqlite_name}.{ix.name}')}"
                        )
                    self.conn.execute(
                        f"ALTER TABLE {quote(old.sqlite_name)} RENAME TO {quote(new.sqlite_name)}"
                    )
                    for ix in new.indexes:
                        self.conn.execute(new.index_ddl(ix))
                    self.conn.execute(
                        "DELETE FROM jasmine_tables WHERE name = ?", (old.sqlite_name,)
                    )
                    self.conn.execute(
                        "INSERT OR REPLACE INTO jasmine_tables (name, definition) VALUES (?, ?)",
                        (new.sqlite_name, new.to_json()),
                    )
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")
        finally:
            self.conn.execute("PRAGMA legacy_alter_table = OFF")
        return Ok()


def base_tables(statement: exp.Expression, database: str | None) -> list[tuple[str, str]]:
    out = []
    for t in statement.find_all(exp.Table):
        if isinstance(t.this, exp.Identifier) and (t.db or database):
            out.append((t.db or database or "", t.name))
    return out


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _mysql_type_of(t: ColumnType, fallback: str) -> str:
    names = {
        result_types.LONG: "int(11)",
        result_types.LONGLONG: "bigint(20)",
        result_types.TINY: "tinyint(4)",
        result_types.SHORT: "smallint(6)",
        result_types.DOUBLE: "double",
        result_types.DATETIME: "datetime",
        result_types.TIMESTAMP: "timestamp",
        result_types.DATE: "date",
        result_types.VAR_STRING: "varchar(255)",
        result_types.BLOB: "longblob" if t.binary else "longtext",
    }
    if t.code == result_types.DECIMAL:
        return f"decimal(65,{t.decimals})"
    return names.get(t.code, fallback)


def _rename_pairs(text: str, database: str | None) -> list[tuple[tuple[str, str], tuple[str, str]]]:
    """The (database, table) pairs of `TABLE a TO b, c TO d`, names quoted or not (a backticked
    name may hold commas, spaces and the word TO)."""
    from sqlglot.dialects.mysql import MySQL
    from sqlglot.tokens import TokenType

    match = re.match(r"\s*TABLE\s", text, re.IGNORECASE)
    if not match:
        raise unsupported("RENAME statements other than RENAME TABLE")
    body = text[match.end() :]
    try:
        tokens = MySQL().tokenize(body)
    except Exception:
        raise translate.GrammarError(translate.syntax_error("RENAME " + text)) from None
    pairs: list[tuple[tuple[str, str], tuple[str, str]]] = []
    current: list[Any] = []
    sides: list[list[Any]] = []
    for token in [*tokens, None]:
        if token is None or token.token_type == TokenType.COMMA:
            sides.append(current)
            if len(sides) != 2 or not all(sides):
                raise translate.GrammarError(translate.syntax_error("RENAME " + text))
            names = []
            for side in sides:
                piece = body[side[0].start : side[-1].end + 1]
                table = exp.to_table(piece, dialect="mysql")
                db = table.db or database
                if not db:
                    raise translate.NoDatabaseSelected()
                names.append((db, table.name))
            pairs.append((names[0], names[1]))
            current, sides = [], []
        elif token.text.upper() == "TO" and token.token_type != TokenType.IDENTIFIER and current:
            sides.append(current)
            current = []
        else:
            current.append(token)
    return pairs
