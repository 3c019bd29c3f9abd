"""SHOW statements on the embedded backend, answered from the catalog as MariaDB answers them."""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING, Any

import sqlglot
from sqlglot import exp

from jasmine_proxy import introspect, result_types, translate
from jasmine_proxy.errors import BackendRejected
from jasmine_proxy.result_types import ColumnType
from jasmine_proxy.translate import unsupported

if TYPE_CHECKING:
    from jasmine_proxy.embedded import EmbeddedSession, Rows

TEXT = result_types.TEXT_TYPE
_STARTED = time.monotonic()
BIGINT = ColumnType(result_types.LONGLONG)


def _rows(session: EmbeddedSession, names: list[str], rows: introspect.Rows, show: exp.Show,
          like_column: int = 0, types: list[ColumnType] | None = None) -> Rows:  # fmt: skip
    from jasmine_proxy.embedded import Rows

    pattern = introspect.show_like(show)
    if pattern is not None:
        rows = [r for r in rows if pattern.match(str(r[like_column]))]
        if names[0] == "Database" or names[0].startswith("Tables_in_"):
            names = [f"{names[0]} ({show.args['like'].name})", *names[1:]]
    rows = session.filter_rows([n.split(" (")[0] for n in names], rows, show.args.get("where"))
    cols = types or [TEXT] * len(names)
    return Rows(list(zip(names, cols, strict=True)), [tuple(r) for r in rows])


def _database(session: EmbeddedSession, show: exp.Show) -> str:
    db = show.text("db") or session.database
    if not db:
        raise translate.NoDatabaseSelected()
    if db.lower() != "information_schema" and not session.catalog.database_exists(db):
        raise BackendRejected(f"Unknown database '{db}'", 1049, "42000")
    return db


def _table(session: EmbeddedSession, show: exp.Show) -> tuple[str, Any]:
    db = _database(session, show)
    name = show.text("target")
    d = session.catalog.table(db, name)
    if d is None:
        raise BackendRejected(f"Table '{db}.{name}' doesn't exist", 1146, "42S02")
    return db, d


def answer(session: EmbeddedSession, show: exp.Show) -> Rows:
    kind = show.name.upper()
    rows: introspect.Rows
    row: tuple[Any, ...]
    if kind == "DATABASES":
        names = ["information_schema", *session.catalog.databases()]
        return _rows(session, ["Database"], [(n,) for n in names], show)
    if kind == "TABLES":
        db = _database(session, show)
        objects = session.catalog.objects(db)
        column = f"Tables_in_{db}"
        if show.args.get("full"):
            rows = [(name, kind) for name, kind in objects]
            return _rows(session, [column, "Table_type"], rows, show)
        return _rows(session, [column], [(name,) for name, _ in objects], show)
    if kind == "COLUMNS":
        _, d = _table(session, show)
        full = bool(show.args.get("full"))
        names, rows = introspect.describe_rows(d, full=full)
        blob = ColumnType(result_types.BLOB)
        types = [TEXT] * len(names)
        for i, n in enumerate(names):
            if n in ("Type", "Default"):
                types[i] = blob
        return _rows(session, names, rows, show, types=types)
    if kind in ("INDEX", "INDEXES", "KEYS"):
        _, d = _table(session, show)
        names, rows = introspect.index_rows(d)
        types = [TEXT, BIGINT, TEXT, ColumnType(result_types.LONG), TEXT, TEXT, BIGINT, BIGINT]
        types += [TEXT] * 6
        return _rows(session, names, rows, show, types=types)
    if kind == "CREATE TABLE":
        db = _database(session, show)
        name = show.text("target")
        if session._is_view(db, name):
            return _create_view(session, db, name)
        _, d = _table(session, show)
        return _rows(session, ["Table", "Create Table"], [(d.name, d.show_create())], show)
    if kind == "CREATE VIEW":
        return _create_view(session, _database(session, show), show.text("target"))
    if kind == "CREATE DATABASE":
        name = show.text("target")
        if not session.catalog.database_exists(name):
            raise BackendRejected(f"Unknown database '{name}'", 1049, "42000")
        ddl = f"CREATE DATABASE `{name}` /*!40100 DEFAULT CHARACTER SET utf8mb4 */"
        return _rows(session, ["Database", "Create Database"], [(name, ddl)], show)
    if kind == "VARIABLES":
        rows = [(k, _show_value(k, v)) for k, v in sorted(session.variables.items())]
        return _rows(session, ["Variable_name", "Value"], rows, show)
    if kind == "STATUS":
        uptime = int(time.monotonic() - _STARTED)
        rows = [("Uptime", str(uptime)), ("Threads_connected", "1"), ("Questions", "0")]
        return _rows(session, ["Variable_name", "Value"], rows, show)
    if kind in ("WARNINGS", "ERRORS"):
        rows = list(session.warnings) if kind == "WARNINGS" else []
        types = [TEXT, ColumnType(result_types.LONG), TEXT]
        return _rows(session, ["Level", "Code", "Message"], rows, show, types=types)
    if kind == "ENGINES":
        row = ("InnoDB", "DEFAULT", "SQLite, as the embedded backend", "YES", "NO", "YES")
        names = ["Engine", "Support", "Comment", "Transactions", "XA", "Savepoints"]
        return _rows(session, names, [row], show)
    if kind == "CHARACTER SET":
        row = ("utf8mb4", "UTF-8 Unicode", "utf8mb4_general_ci", 4)
        names = ["Charset", "Description", "Default collation", "Maxlen"]
        return _rows(session, names, [row], show, types=[TEXT, TEXT, TEXT, BIGINT])
    if kind == "COLLATION":
        names = ["Collation", "Charset", "Id", "Default", "Compiled", "Sortlen"]
        rows = [("utf8mb4_general_ci", "utf8mb4", 45, "Yes", "Yes", 1),
                ("utf8mb4_bin", "utf8mb4", 46, "", "Yes", 1)]  # fmt: skip
        types = [TEXT, TEXT, BIGINT, TEXT, TEXT, BIGINT]
        return _rows(session, names, rows, show, types=types)
    if kind == "TABLE STATUS":
        db = _database(session, show)
        names = ["Name", "Engine", "Version", "Row_format", "Rows", "Avg_row_length",
                 "Data_length", "Max_data_length", "Index_length", "Data_free",
                 "Auto_increment", "Create_time", "Update_time", "Check_time", "Collation",
                 "Checksum", "Create_options", "Comment"]  # fmt: skip
        rows = []
        for name, kind_ in session.catalog.objects(db):
            if kind_ == "VIEW":
                rows.append((name, *([None] * 16), "VIEW"))
            else:
                rows.append((name, "InnoDB", 10, "Dynamic", None, 0, 0, 0, 0, 0, None, None,
                             None, None, "utf8mb4_general_ci", None, "", ""))  # fmt: skip
        return _rows(session, names, rows, show)
    if kind == "PROCESSLIST":
        names = ["Id", "User", "Host", "db", "Command", "Time", "State", "Info"]
        row = (session.connection_id, session.user, "localhost", session.database, "Query", 0,
               "", "SHOW PROCESSLIST")  # fmt: skip
        return _rows(session, names, [row], show)
    if kind == "GRANTS":
        grant = f"GRANT ALL PRIVILEGES ON *.* TO `{session.user}`@`%` WITH GRANT OPTION"
        return _rows(session, [f"Grants for {session.user}@%"], [(grant,)], show)
    raise unsupported(f"SHOW {kind}")


def _create_view(session: EmbeddedSession, db: str, name: str) -> Rows:
    from jasmine_proxy.embedded import Rows

    row = session.conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'view' AND name = ? COLLATE NOCASE",
        (f"{db}.{name}",),
    ).fetchone()
    if row is None:
        raise BackendRejected(f"Table '{db}.{name}' doesn't exist", 1146, "42S02")
    body = row[0].split(" AS ", 1)[-1]
    ddl = (
        "CREATE ALGORITHM=UNDEFINED DEFINER=`root`@`%` SQL SECURITY DEFINER "
        f"VIEW `{name}` AS {body}"
    )
    names = ["View", "Create View", "character_set_client", "collation_connection"]
    return Rows([(n, TEXT) for n in names], [(name, ddl, "utf8mb4", "utf8mb4_general_ci")])


def answer_command(session: EmbeddedSession, statement: exp.Command) -> Rows:
    """SHOW forms sqlglot leaves unparsed: SHOW KEYS/INDEXES FROM t [IN db], SHOW COUNT(*)
    WARNINGS, SHOW COLLATION WHERE ..."""
    from jasmine_proxy.embedded import Rows

    raw = statement.args.get("expression")
    text = raw.name if isinstance(raw, exp.Expression) else str(raw or "")
    words = text.replace("`", "").split()
    upper = [w.upper() for w in words]
    if upper[:2] in (["COUNT(*)", "WARNINGS"], ["COUNT(*)", "ERRORS"]):
        count = len(session.warnings) if upper[1] == "WARNINGS" else 0
        name = f"@@session.{upper[1].lower()[:-1]}_count"
        return Rows([(name, BIGINT)], [(count,)])
    if (
        upper
        and upper[0] in ("COLLATION", "VARIABLES", "DATABASES", "TABLES", "STATUS")
        and ("WHERE" in upper)
    ):
        condition = text.split(" ", 1)[1].split(None, 1)[1]
        # column names of SHOW output that sqlglot reads as keywords: quoted
        condition = re.sub(r"(?<![`'\w])(Collation|Charset|Default|Id)(?![`'\w])", r"`\1`",
                           condition)  # fmt: skip
        where = sqlglot.parse_one("SELECT 1 WHERE " + condition, read="mysql").args.get("where")
        return answer(session, exp.Show(this=upper[0], where=where))
    if upper and upper[0] in ("KEYS", "INDEXES", "INDEX") and len(words) >= 3:
        table = words[2]
        db = words[4] if len(words) >= 5 and upper[3] in ("IN", "FROM") else None
        if "." in table and db is None:
            db, table = table.split(".", 1)
        if len(words) >= 5 and upper[3] in ("IN", "FROM"):
            db = words[4]
        show = exp.Show(
            this="INDEX",
            target=exp.to_identifier(table),
            db=exp.to_identifier(db) if db else None,
        )
        return answer(session, show)
    raise unsupported(f"SHOW {' '.join(upper[:2])}")


_BOOLEAN_VARIABLES = {"autocommit", "sql_auto_is_null", "transaction_read_only", "tx_read_only",
                      "performance_schema", "foreign_key_checks", "unique_checks"}  # fmt: skip


def _show_value(name: str, value: Any) -> str:
    if name in _BOOLEAN_VARIABLES and str(value) in ("0", "1"):
        return "ON" if str(value) == "1" else "OFF"
    return str(value)
