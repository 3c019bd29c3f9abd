"""ALTER TABLE on the embedded backend: change the MySQL definition, then rebuild the table.

SQLite's own ALTER TABLE cannot change a column's type, position, nullability or keys, so every
ALTER TABLE is done the one way that always works: apply the actions to the table's
`TableDef`, create the new table under a scratch name, copy the rows across (renamed columns
mapped, dropped ones left out, added ones taking their defaults), drop the old table and rename
the new one into place, all in one transaction with foreign-key checks deferred.
"""

from __future__ import annotations

import sqlite3

from sqlglot import exp

from jasmine_proxy import tabledef
from jasmine_proxy.errors import BackendRejected
from jasmine_proxy.tabledef import TableDef
from jasmine_proxy.translate import quote, table_for, unsupported

SCRATCH = "jasmine_rebuild"


def apply_alter(
    old: TableDef, actions: list[exp.Expression], database: str | None
) -> tuple[TableDef, dict[str, str]]:
    """The definition after `actions`, and {new column name: old column name} for the copy."""
    d = TableDef.from_json(old.to_json())
    sources = {c.name: c.name for c in d.columns}
    for action in actions:
        if isinstance(action, exp.ColumnDef):
            if d.column(action.name):
                raise BackendRejected(f"Duplicate column name '{action.name}'", 1060, "42S21")
            col = tabledef.column_from(d, action)
            _place(d, col, action.args.get("position"))
        elif isinstance(action, exp.Drop) and (action.args.get("kind") or "").upper() == "COLUMN":
            for target in action.args.get("tables") or [action.this]:
                col = _column(d, target.name)
                d.columns.remove(col)
                sources.pop(col.name, None)
                d.primary_key = [c for c in d.primary_key if c != col.name]
                for ix in d.indexes:
                    ix.columns = [c for c in ix.columns if c != col.name]
                d.indexes = [ix for ix in d.indexes if ix.columns]
        elif isinstance(action, exp.Drop) and (action.args.get("kind") or "").upper() == "INDEX":
            for target in action.args.get("tables") or [action.this]:
                found = next((i for i in d.indexes if i.name.lower() == target.name.lower()), None)
                if found is None:
                    raise BackendRejected(
                        f"Can't DROP INDEX `{target.name}`; check that it exists", 1091, "42000"
                    )
                d.indexes.remove(found)
        elif isinstance(action, exp.ModifyColumn):
            cdef = action.this
            old_name = action.args.get("rename_from")
            prior = _column(d, old_name.name if old_name else cdef.name)
            if cdef.name != prior.name:
                _rename(d, sources, prior.name, cdef.name)
            new = tabledef.column_from(d, cdef)
            d.columns[d.columns.index(prior)] = new
            if cdef.args.get("position") is not None:
                d.columns.remove(new)
                _place(d, new, cdef.args.get("position"))
        elif isinstance(action, exp.RenameColumn):
            col = _column(d, action.this.name)
            _rename(d, sources, col.name, action.args["to"].name)
        elif isinstance(action, exp.AlterRename):
            db, name = table_for(action.this, database)
            d.database, d.name = db, name
        elif isinstance(action, exp.AddConstraint):
            for item in action.expressions:
                tabledef.add_item(d, item)
        elif isinstance(action, exp.AlterColumn):
            col = _column(d, action.this.name)
            default = action.args.get("default")
            if default is not None:
                col.default = tabledef._default_sql(default)
            elif action.args.get("drop"):
                col.default = None
            else:
                raise unsupported(f"ALTER TABLE {action.sql('mysql')}")
        else:
            raise unsupported(f"ALTER TABLE {action.sql('mysql')[:60]}")
    return d, sources


def _column(d: TableDef, name: str) -> tabledef.Column:
    col = d.column(name)
    if col is None:
        raise BackendRejected(f"Unknown column '{name}' in '{d.name}'", 1054, "42S22")
    return col


def _rename(d: TableDef, sources: dict[str, str], old: str, new: str) -> None:
    col = _column(d, old)
    col.name = new
    if old in sources:
        sources[new] = sources.pop(old)
    d.primary_key = [new if c == old else c for c in d.primary_key]
    for ix in d.indexes:
        ix.columns = [new if c == old else c for c in ix.columns]


def _place(d: TableDef, col: tabledef.Column, position: exp.Expression | None) -> None:
    if position is None:
        d.columns.append(col)
        return
    where = (position.args.get("position") or "").upper()
    if where == "FIRST":
        d.columns.insert(0, col)
        return
    after = _column(d, position.this.name)
    d.columns.insert(d.columns.index(after) + 1, col)


def rebuild(
    conn: sqlite3.Connection, old: TableDef, new: TableDef, sources: dict[str, str]
) -> None:
    """Replace `old`'s SQLite table by one made from `new`, keeping its rows, and the triggers
    on it that are not the engine's own (a `trigger` materialization's, a user's), as SQLite
    drops them with the old table (not when the table is renamed too: they name the old one)."""
    ddl = new.sqlite_ddl()
    kept = [
        str(row[0])
        for row in conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? "
            "AND name NOT LIKE 'jasmine_on_update:%'",
            (old.sqlite_name,),
        )
        if old.sqlite_name == new.sqlite_name
    ]
    create = ddl[0].replace(f"CREATE TABLE {quote(new.sqlite_name)}", f"CREATE TABLE {SCRATCH}", 1)
    copied = [c.name for c in new.columns if c.name in sources]
    conn.execute("PRAGMA foreign_keys = OFF")
    # the rename must not check other triggers and views that name the table while it is gone
    conn.execute("PRAGMA legacy_alter_table = ON")
    try:
        conn.execute("BEGIN")
        try:
            conn.execute(f"DROP TABLE IF EXISTS {SCRATCH}")
            conn.execute(create)
            if copied:
                targets = ", ".join(quote(c) for c in copied)
                values = ", ".join(quote(sources[c]) for c in copied)
                conn.execute(
                    f"INSERT INTO {SCRATCH} ({targets}) SELECT {values} "
                    f"FROM {quote(old.sqlite_name)}"
                )
            conn.execute(f"DROP TABLE {quote(old.sqlite_name)}")
            conn.execute(f"ALTER TABLE {SCRATCH} RENAME TO {quote(new.sqlite_name)}")
            for statement in [*ddl[1:], *kept]:
                conn.execute(statement)
            conn.execute("DELETE FROM jasmine_tables WHERE name = ?", (old.sqlite_name,))
            conn.execute(
                "INSERT OR REPLACE INTO jasmine_tables (name, definition) VALUES (?, ?)",
                (new.sqlite_name, new.to_json()),
            )
            problems = conn.execute(f"PRAGMA foreign_key_check({quote(new.sqlite_name)})")
            if problems.fetchone() is not None:
                raise BackendRejected(
                    "Cannot add or update a child row: a foreign key constraint fails",
                    1452,
                    "23000",
                )
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    finally:
        conn.execute("PRAGMA legacy_alter_table = OFF")
        conn.execute("PRAGMA foreign_keys = ON")
