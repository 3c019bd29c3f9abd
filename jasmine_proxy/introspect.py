"""What the embedded backend answers about itself: SHOW ..., DESCRIBE, information_schema.

The catalog is the SQLite file: `jasmine_databases`, `jasmine_tables` (each table's MySQL
definition, see `tabledef`) and `sqlite_master` for views. SHOW statements are answered from it
directly; a query on `information_schema.X` runs on the temporary table `information_schema.x`,
filled from the catalog just before (on the client's own connection, so it sees that
client's uncommitted DDL as MySQL would).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Sequence
from typing import Any

from sqlglot import exp

from jasmine_proxy.errors import BackendRejected
from jasmine_proxy.tabledef import TableDef

Rows = list[tuple[Any, ...]]

SCHEMA_COLUMNS: dict[str, list[tuple[str, str]]] = {
    "schemata": [
        ("CATALOG_NAME", "varchar(512)"),
        ("SCHEMA_NAME", "varchar(64)"),
        ("DEFAULT_CHARACTER_SET_NAME", "varchar(32)"),
        ("DEFAULT_COLLATION_NAME", "varchar(64)"),
        ("SQL_PATH", "varchar(512)"),
        ("SCHEMA_COMMENT", "varchar(1024)"),
    ],
    "tables": [
        ("TABLE_CATALOG", "varchar(512)"),
        ("TABLE_SCHEMA", "varchar(64)"),
        ("TABLE_NAME", "varchar(64)"),
        ("TABLE_TYPE", "varchar(64)"),
        ("ENGINE", "varchar(64)"),
        ("VERSION", "bigint(21) unsigned"),
        ("ROW_FORMAT", "varchar(10)"),
        ("TABLE_ROWS", "bigint(21) unsigned"),
        ("AVG_ROW_LENGTH", "bigint(21) unsigned"),
        ("DATA_LENGTH", "bigint(21) unsigned"),
        ("AUTO_INCREMENT", "bigint(21) unsigned"),
        ("CREATE_TIME", "datetime"),
        ("UPDATE_TIME", "datetime"),
        ("TABLE_COLLATION", "varchar(64)"),
        ("TABLE_COMMENT", "varchar(2048)"),
    ],
    "columns": [
        ("TABLE_CATALOG", "varchar(512)"),
        ("TABLE_SCHEMA", "varchar(64)"),
        ("TABLE_NAME", "varchar(64)"),
        ("COLUMN_NAME", "varchar(64)"),
        ("ORDINAL_POSITION", "bigint(21) unsigned"),
        ("COLUMN_DEFAULT", "longtext"),
        ("IS_NULLABLE", "varchar(3)"),
        ("DATA_TYPE", "varchar(64)"),
        ("CHARACTER_MAXIMUM_LENGTH", "bigint(21) unsigned"),
        ("CHARACTER_OCTET_LENGTH", "bigint(21) unsigned"),
        ("NUMERIC_PRECISION", "bigint(21) unsigned"),
        ("NUMERIC_SCALE", "bigint(21) unsigned"),
        ("DATETIME_PRECISION", "bigint(21) unsigned"),
        ("CHARACTER_SET_NAME", "varchar(32)"),
        ("COLLATION_NAME", "varchar(64)"),
        ("COLUMN_TYPE", "longtext"),
        ("COLUMN_KEY", "varchar(3)"),
        ("EXTRA", "varchar(80)"),
        ("PRIVILEGES", "varchar(80)"),
        ("COLUMN_COMMENT", "varchar(1024)"),
        ("IS_GENERATED", "varchar(6)"),
        ("GENERATION_EXPRESSION", "longtext"),
    ],
    "statistics": [
        ("TABLE_CATALOG", "varchar(512)"),
        ("TABLE_SCHEMA", "varchar(64)"),
        ("TABLE_NAME", "varchar(64)"),
        ("NON_UNIQUE", "bigint(1)"),
        ("INDEX_SCHEMA", "varchar(64)"),
        ("INDEX_NAME", "varchar(64)"),
        ("SEQ_IN_INDEX", "int(2)"),
        ("COLUMN_NAME", "varchar(64)"),
        ("COLLATION", "varchar(1)"),
        ("CARDINALITY", "bigint(21)"),
        ("SUB_PART", "bigint(3)"),
        ("PACKED", "varchar(10)"),
        ("NULLABLE", "varchar(3)"),
        ("INDEX_TYPE", "varchar(16)"),
        ("COMMENT", "varchar(16)"),
        ("INDEX_COMMENT", "varchar(1024)"),
    ],
    "key_column_usage": [
        ("CONSTRAINT_CATALOG", "varchar(512)"),
        ("CONSTRAINT_SCHEMA", "varchar(64)"),
        ("CONSTRAINT_NAME", "varchar(64)"),
        ("TABLE_CATALOG", "varchar(512)"),
        ("TABLE_SCHEMA", "varchar(64)"),
        ("TABLE_NAME", "varchar(64)"),
        ("COLUMN_NAME", "varchar(64)"),
        ("ORDINAL_POSITION", "bigint(10)"),
        ("POSITION_IN_UNIQUE_CONSTRAINT", "bigint(10)"),
        ("REFERENCED_TABLE_SCHEMA", "varchar(64)"),
        ("REFERENCED_TABLE_NAME", "varchar(64)"),
        ("REFERENCED_COLUMN_NAME", "varchar(64)"),
    ],
    "table_constraints": [
        ("CONSTRAINT_CATALOG", "varchar(512)"),
        ("CONSTRAINT_SCHEMA", "varchar(64)"),
        ("CONSTRAINT_NAME", "varchar(64)"),
        ("TABLE_SCHEMA", "varchar(64)"),
        ("TABLE_NAME", "varchar(64)"),
        ("CONSTRAINT_TYPE", "varchar(64)"),
    ],
    "views": [
        ("TABLE_CATALOG", "varchar(512)"),
        ("TABLE_SCHEMA", "varchar(64)"),
        ("TABLE_NAME", "varchar(64)"),
        ("VIEW_DEFINITION", "longtext"),
        ("CHECK_OPTION", "varchar(8)"),
        ("IS_UPDATABLE", "varchar(3)"),
    ],
    "routines": [
        ("SPECIFIC_NAME", "varchar(64)"),
        ("ROUTINE_SCHEMA", "varchar(64)"),
        ("ROUTINE_NAME", "varchar(64)"),
        ("ROUTINE_TYPE", "varchar(13)"),
    ],
    "triggers": [
        ("TRIGGER_SCHEMA", "varchar(64)"),
        ("TRIGGER_NAME", "varchar(64)"),
        ("EVENT_MANIPULATION", "varchar(6)"),
        ("EVENT_OBJECT_SCHEMA", "varchar(64)"),
        ("EVENT_OBJECT_TABLE", "varchar(64)"),
        ("ACTION_TIMING", "varchar(6)"),
    ],
}


class Catalog:
    """Reads the MySQL view of the embedded file through one sqlite3 connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._defs: dict[str, tuple[str, TableDef]] = {}
        self.temporary: dict[str, TableDef] = {}  # this connection's TEMPORARY tables

    def databases(self) -> list[str]:
        rows = self.conn.execute("SELECT name FROM jasmine_databases ORDER BY name").fetchall()
        return [r[0] for r in rows]

    def database_exists(self, name: str) -> bool:
        row = self.conn.execute(
            "SELECT 1 FROM jasmine_databases WHERE name = ?", (name,)
        ).fetchone()
        return row is not None

    def objects(self, database: str) -> list[tuple[str, str]]:
        """(name, 'BASE TABLE' | 'VIEW') of every table and view in `database`."""
        rows = self.conn.execute(
            "SELECT name, type FROM sqlite_master WHERE type IN ('table', 'view') "
            "AND substr(name, 1, ?) = ? ORDER BY name",
            (len(database) + 1, database + "."),
        ).fetchall()
        out = []
        for name, kind in rows:
            short = name[len(database) + 1 :]
            out.append((short, "VIEW" if kind == "view" else "BASE TABLE"))
        return out

    def table(self, database: str, name: str) -> TableDef | None:
        """The MySQL definition of `database`.`name`; None if there is no such table."""
        key = f"{database}.{name}"
        if key.lower() in self.temporary:
            return self.temporary[key.lower()]
        row = self.conn.execute(
            "SELECT name, definition FROM jasmine_tables WHERE name = ? COLLATE NOCASE", (key,)
        ).fetchone()
        if row is None:
            return self._undeclared(database, name)
        cached = self._defs.get(row[0])
        if cached and cached[0] == row[1]:
            return cached[1]
        d = TableDef.from_json(row[1])
        self._defs[row[0]] = (row[1], d)
        return d

    def _undeclared(self, database: str, name: str) -> TableDef | None:
        """A table without a MySQL definition (CREATE TABLE ... AS SELECT, a view): its columns
        as SQLite declares them."""
        from jasmine_proxy.tabledef import Column

        key = f"{database}.{name}"
        cols = self.conn.execute(f'PRAGMA table_info("{key.replace(chr(34), chr(34) * 2)}")')
        rows = cols.fetchall()
        if not rows:
            return None
        d = TableDef(database=database, name=name)
        for _, cname, ctype, notnull, default, pk in rows:
            d.columns.append(
                Column(
                    name=cname,
                    type=_type_from_affinity(ctype or ""),
                    nullable=not notnull,
                    default=default if default is not None else ("NULL" if not notnull else None),
                )
            )
            if pk:
                d.primary_key.append(cname)
        return d

    def schema(self, tables: Sequence[tuple[str, str]]) -> dict[str, dict[str, dict[str, str]]]:
        """{db: {table: {column: mysql type}}} for sqlglot's type inference."""
        out: dict[str, dict[str, dict[str, str]]] = {}
        for db, name in tables:
            if db.lower() == "information_schema" and name.lower() in SCHEMA_COLUMNS:
                columns = {c: t.split()[0] for c, t in SCHEMA_COLUMNS[name.lower()]}
                out.setdefault(db, {})[name] = columns
                continue
            d = self.table(db, name)
            if d is None:
                continue
            out.setdefault(db, {})[name] = {
                c.name: c.type.replace(" unsigned", "") for c in d.columns
            }
        return out

    # -- information_schema ----------------------------------------------------------------

    def fill_information_schema(self, tables: set[str]) -> None:
        """(Re)create the temporary `information_schema.<x>` tables a query reads."""
        for name in tables:
            if name not in SCHEMA_COLUMNS:
                raise BackendRejected(
                    f"Unknown table '{name.upper()}' in information_schema", 1109, "42S02"
                )
            cols = SCHEMA_COLUMNS[name]
            qname = f'"information_schema.{name}"'
            self.conn.execute(f"DROP TABLE IF EXISTS temp.{qname}")
            decl = ", ".join(
                f'"{c}" {_affinity(t)}' + (" COLLATE NOCASE" if _affinity(t) == "TEXT" else "")
                for c, t in cols
            )
            self.conn.execute(f"CREATE TEMP TABLE {qname} ({decl})")
            rows = getattr(self, f"_is_{name}")()
            if rows:
                marks = ", ".join("?" * len(cols))
                self.conn.executemany(f"INSERT INTO temp.{qname} VALUES ({marks})", rows)

    def _all_tables(self) -> list[tuple[str, str, str]]:
        out = []
        for db in self.databases():
            for name, kind in self.objects(db):
                out.append((db, name, kind))
        return out

    def _is_schemata(self) -> Rows:
        names = ["information_schema", *self.databases()]
        return [("def", n, "utf8mb4", "utf8mb4_general_ci", None, "") for n in names]

    def _is_tables(self) -> Rows:
        rows = []
        for db, name, kind in self._all_tables():
            engine = "InnoDB" if kind == "BASE TABLE" else None
            rows.append(
                (
                    "def",
                    db,
                    name,
                    kind,
                    engine,
                    10,
                    "Dynamic",
                    None,
                    0,
                    0,
                    None,
                    None,
                    None,
                    "utf8mb4_general_ci" if engine else None,
                    "",
                )
            )
        return rows

    def _is_columns(self) -> Rows:
        rows = []
        for db, name, _ in self._all_tables():
            d = self.table(db, name)
            if d is None:
                continue
            for pos, c in enumerate(d.columns, start=1):
                rows.append(("def", db, name, c.name, pos, *column_facts(d, c)))
        return rows

    def _is_statistics(self) -> Rows:
        rows = []
        for db, name, _ in self._all_tables():
            d = self.table(db, name)
            if d is None:
                continue
            for index_name, unique, cols in indexes(d):
                for seq, col in enumerate(cols, start=1):
                    c = d.column(col)
                    nullable = "YES" if c is not None and c.nullable else ""
                    rows.append(
                        (
                            "def",
                            db,
                            name,
                            0 if unique else 1,
                            db,
                            index_name,
                            seq,
                            col,
                            "A",
                            0,
                            None,
                            None,
                            nullable,
                            "BTREE",
                            "",
                            "",
                        )
                    )
        return rows

    def _is_key_column_usage(self) -> Rows:
        rows: Rows = []
        for db, name, _ in self._all_tables():
            d = self.table(db, name)
            if d is None:
                continue
            for index_name, unique, cols in indexes(d):
                if unique:
                    for pos, col in enumerate(cols, start=1):
                        rows.append(
                            (
                                "def",
                                db,
                                index_name,
                                "def",
                                db,
                                name,
                                col,
                                pos,
                                None,
                                None,
                                None,
                                None,
                            )
                        )
            for fk in d.foreign_keys:
                for pos, (col, ref) in enumerate(zip(fk.columns, fk.ref_columns, strict=False), 1):
                    rows.append(
                        (
                            "def",
                            db,
                            fk.name,
                            "def",
                            db,
                            name,
                            col,
                            pos,
                            pos,
                            fk.ref_database,
                            fk.ref_table,
                            ref,
                        )
                    )
        return rows

    def _is_table_constraints(self) -> Rows:
        rows: Rows = []
        for db, name, _ in self._all_tables():
            d = self.table(db, name)
            if d is None:
                continue
            for index_name, unique, _cols in indexes(d):
                if unique:
                    kind = "PRIMARY KEY" if index_name == "PRIMARY" else "UNIQUE"
                    rows.append(("def", db, index_name, db, name, kind))
            for fk in d.foreign_keys:
                rows.append(("def", db, fk.name, db, name, "FOREIGN KEY"))
        return rows

    def _is_views(self) -> Rows:
        rows = self.conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'view'")
        out: Rows = []
        for full, sql in rows.fetchall():
            db, _, name = full.partition(".")
            out.append(("def", db, name, sql, "NONE", "NO"))
        return out

    def _is_routines(self) -> Rows:
        return []

    def _is_triggers(self) -> Rows:
        return []


def _affinity(mysql: str) -> str:
    return "INTEGER" if mysql.startswith("bigint") else "TEXT"


def _type_from_affinity(declared: str) -> str:
    d = declared.upper()
    if "INT" in d:
        return "bigint(20)"
    if any(k in d for k in ("REAL", "FLOA", "DOUB")):
        return "double"
    if d.startswith("NUM"):
        return "decimal(65,30)"
    if "BLOB" in d:
        return "longblob"
    return "longtext"


def indexes(d: TableDef) -> list[tuple[str, bool, list[str]]]:
    """(name, unique, columns) of every index, the primary key first as MySQL lists them."""
    out = [("PRIMARY", True, d.primary_key)] if d.primary_key else []
    out += [(ix.name, ix.unique, ix.columns) for ix in d.indexes]
    return out


def column_key(d: TableDef, column: str) -> str:
    if column in d.primary_key:
        return "PRI"
    for ix in d.indexes:
        if ix.columns and ix.columns[0] == column:
            return "UNI" if ix.unique and len(ix.columns) == 1 else "MUL"
    return ""


def column_facts(d: TableDef, c: Any) -> tuple[Any, ...]:
    """information_schema.COLUMNS from COLUMN_DEFAULT on, for column `c` of `d`."""
    data_type = c.type.split("(")[0].split()[0]
    params = re.findall(r"\d+", c.type.split(")")[0]) if "(" in c.type else []
    char_len = int(params[0]) if data_type in ("varchar", "char") and params else None
    if data_type in ("text", "longtext", "tinytext", "mediumtext", "blob", "longblob"):
        char_len = {"tinytext": 255, "text": 65535, "mediumtext": 16777215}.get(
            data_type, 4294967295
        )
    precision = scale = None
    if data_type == "decimal":
        precision, scale = (int(params[0]), int(params[1])) if len(params) > 1 else (10, 0)
    elif data_type in ("tinyint", "smallint", "mediumint", "int", "bigint"):
        precision = {"tinyint": 3, "smallint": 5, "mediumint": 7, "int": 10, "bigint": 19}[
            data_type
        ]
        scale = 0
    elif data_type in ("double", "float"):
        precision = 22 if data_type == "double" else 12
    is_text = char_len is not None and "blob" not in data_type
    extra = "auto_increment" if c.auto_increment else ""
    if c.on_update:
        extra = "on update current_timestamp()"
    return (
        c.default,
        "YES" if c.nullable else "NO",
        data_type,
        char_len,
        char_len * 4 if is_text and char_len and char_len < 2**30 else char_len,
        precision,
        scale,
        0 if data_type in ("datetime", "timestamp", "time") else None,
        "utf8mb4" if is_text else None,
        "utf8mb4_general_ci" if is_text else None,
        c.type,
        column_key(d, c.name),
        extra,
        "select,insert,update,references",
        c.comment,
        "NEVER",
        None,
    )


# -- SHOW ----------------------------------------------------------------------------------


def like_regex(pattern: str) -> re.Pattern[str]:
    """MySQL LIKE as a regular expression (case-insensitive, as the default collation)."""
    out = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append(".*" if ch == "%" else "." if ch == "_" else re.escape(ch))
        i += 1
    return re.compile("".join(out) + r"\Z", re.IGNORECASE | re.DOTALL)


def show_like(show: exp.Show) -> re.Pattern[str] | None:
    like = show.args.get("like")
    if like is None:
        return None
    return like_regex(like.name)


def describe_rows(d: TableDef, full: bool = False) -> tuple[list[str], Rows]:
    """SHOW [FULL] COLUMNS / DESCRIBE."""
    names = ["Field", "Type", "Null", "Key", "Default", "Extra"]
    if full:
        names = ["Field", "Type", "Collation", "Null", "Key", "Default", "Extra", "Privileges",
                 "Comment"]  # fmt: skip
    rows: Rows = []
    for c in d.columns:
        facts = column_facts(d, c)
        default = None if c.default in (None, "NULL") else _unquote(c.default)
        row: tuple[Any, ...] = (
            c.name, c.type, "YES" if c.nullable else "NO", facts[11], default, facts[12]
        )  # fmt: skip
        if full:
            row = (c.name, c.type, facts[9], row[2], row[3], row[4], row[5],
                   "select,insert,update,references", c.comment)  # fmt: skip
        rows.append(row)
    return names, rows


def _unquote(default: str) -> str:
    if default.startswith("'") and default.endswith("'"):
        return default[1:-1].replace("''", "'")
    return default


def index_rows(d: TableDef) -> tuple[list[str], Rows]:
    """SHOW INDEX FROM t."""
    names = ["Table", "Non_unique", "Key_name", "Seq_in_index", "Column_name", "Collation",
             "Cardinality", "Sub_part", "Packed", "Null", "Index_type", "Comment",
             "Index_comment", "Ignored"]  # fmt: skip
    rows: Rows = []
    for index_name, unique, cols in indexes(d):
        for seq, col in enumerate(cols, start=1):
            c = d.column(col)
            rows.append(
                (
                    d.name,
                    0 if unique else 1,
                    index_name,
                    seq,
                    col,
                    "A",
                    0,
                    None,
                    None,
                    "YES" if c is not None and c.nullable else "",
                    "BTREE",
                    "",
                    "",
                    "NO",
                )
            )
    return names, rows
