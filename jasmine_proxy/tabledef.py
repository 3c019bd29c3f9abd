"""MySQL table definitions on the embedded backend: parsed once, kept as JSON, printed twice.

SQLite's own catalog cannot say what a MySQL client needs to hear back (`decimal(10,2)`,
`int(11) unsigned`, `ON UPDATE current_timestamp()`, index names), so each table's MySQL
definition is a `TableDef`, built from its CREATE TABLE statement, changed by ALTER TABLE,
stored in `jasmine_tables` as JSON, and rendered both as SHOW CREATE TABLE text (what
SQLAlchemy's reflection parses) and as the SQLite DDL that creates the table.

>>> import sqlglot
>>> d = from_create(sqlglot.parse_one(
...     "CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, p DECIMAL(10,2) NOT NULL)",
...     read="mysql"), "shop")
>>> print(d.show_create())
CREATE TABLE `t` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `p` decimal(10,2) NOT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci
>>> d.sqlite_ddl()[0].split(" CONSTRAINT")[0]  # then strict mode's CHECKs, see _checks
'CREATE TABLE "shop.t" ("id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, "p" NUMERIC NOT NULL'
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field

from sqlglot import exp

from jasmine_proxy.errors import UnsupportedStatement
from jasmine_proxy.sqlite_decimal import COLLATION, is_wide

_WIDTHS = {"tinyint": 4, "smallint": 6, "mediumint": 9, "int": 11, "bigint": 20}
_UNSIGNED_WIDTHS = {"tinyint": 3, "smallint": 5, "mediumint": 8, "int": 10, "bigint": 20}
_INT_NAMES = {
    "TINYINT": "tinyint",
    "UTINYINT": "tinyint",
    "SMALLINT": "smallint",
    "USMALLINT": "smallint",
    "MEDIUMINT": "mediumint",
    "UMEDIUMINT": "mediumint",
    "INT": "int",
    "UINT": "int",
    "BIGINT": "bigint",
    "UBIGINT": "bigint",
}
_PLAIN = {
    "TEXT": "text",
    "TINYTEXT": "tinytext",
    "MEDIUMTEXT": "mediumtext",
    "LONGTEXT": "longtext",
    "BLOB": "blob",
    "TINYBLOB": "tinyblob",
    "MEDIUMBLOB": "mediumblob",
    "LONGBLOB": "longblob",
    "DATE": "date",
    "DATETIME": "datetime",
    "TIMESTAMP": "timestamp",
    "TIMESTAMPTZ": "timestamp",
    "TIMESTAMPLTZ": "timestamp",
    "TIME": "time",
    "DOUBLE": "double",
    "FLOAT": "float",
    "JSON": "longtext",
    "YEAR": "year(4)",
    "BOOLEAN": "tinyint(1)",
}


def mysql_type(kind: exp.DataType) -> str:
    """The column type as MariaDB's SHOW CREATE TABLE prints it (`int(11)`, `decimal(10,2)`)."""
    name = kind.this.name if hasattr(kind.this, "name") else str(kind.this)
    params = [p.this.name if isinstance(p, exp.DataTypeParam) else p for p in kind.expressions]
    if name in _INT_NAMES:
        base = _INT_NAMES[name]
        unsigned = name.startswith("U")
        width = params[0] if params else (_UNSIGNED_WIDTHS if unsigned else _WIDTHS)[base]
        return f"{base}({width})" + (" unsigned" if unsigned else "")
    if name in ("DECIMAL", "UDECIMAL", "BIGDECIMAL"):
        p, s = (list(map(str, params)) + ["10", "0"][len(params) :])[:2]
        return f"decimal({p},{s})" + (" unsigned" if name == "UDECIMAL" else "")
    if name in ("VARCHAR", "CHAR", "BINARY", "VARBINARY"):
        n = params[0] if params else "1"
        return f"{name.lower()}({n})"
    if name in ("ENUM", "SET"):
        values = ",".join(e.sql("mysql") for e in kind.expressions)
        return f"{name.lower()}({values})"
    if name in ("DATETIME", "TIMESTAMP", "TIMESTAMPTZ", "TIME") and params:
        return f"{_PLAIN[name]}({params[0]})"
    if name in _PLAIN:
        return _PLAIN[name]
    raise UnsupportedStatement(
        f"not supported on the embedded backend: column type {kind.sql('mysql')}"
    )


def sqlite_type(mysql: str) -> str:
    """The SQLite declared type (and so the affinity) for a MySQL column type."""
    base = mysql.split("(")[0].split()[0]
    if base in _WIDTHS or base == "year":
        return "INTEGER"
    if base in ("decimal",):
        return "TEXT" if is_wide(decimal_precision(mysql)[0]) else "NUMERIC"
    if base in ("double", "float"):
        return "REAL"
    if base in ("blob", "tinyblob", "mediumblob", "longblob", "binary", "varbinary"):
        return "BLOB"
    return "TEXT"


@dataclass
class Column:
    name: str
    type: str
    nullable: bool = True
    default: str | None = None  # SQL text as SHOW CREATE TABLE prints it; None: no DEFAULT
    auto_increment: bool = False
    on_update: bool = False
    comment: str = ""


@dataclass
class Index:
    name: str
    columns: list[str]
    unique: bool = False


@dataclass
class ForeignKey:
    name: str
    columns: list[str]
    ref_database: str
    ref_table: str
    ref_columns: list[str]
    options: list[str] = field(default_factory=list)


@dataclass
class TableDef:
    database: str
    name: str
    columns: list[Column] = field(default_factory=list)
    primary_key: list[str] = field(default_factory=list)
    indexes: list[Index] = field(default_factory=list)
    foreign_keys: list[ForeignKey] = field(default_factory=list)
    auto_increment: int | None = None  # the table option AUTO_INCREMENT=N

    def to_json(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> TableDef:
        raw = json.loads(text)
        return cls(
            database=raw["database"],
            name=raw["name"],
            columns=[Column(**c) for c in raw["columns"]],
            primary_key=raw["primary_key"],
            indexes=[Index(**i) for i in raw["indexes"]],
            foreign_keys=[ForeignKey(**f) for f in raw["foreign_keys"]],
            auto_increment=raw.get("auto_increment"),
        )

    @property
    def sqlite_name(self) -> str:
        return f"{self.database}.{self.name}"

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name.lower() == name.lower()), None)

    def show_create(self) -> str:
        """SHOW CREATE TABLE's second column, in MariaDB's layout."""
        lines = [f"  {_bq(c.name)} {_column_sql(c)}" for c in self.columns]
        if self.primary_key:
            lines.append(f"  PRIMARY KEY ({_bq_list(self.primary_key)})")
        for ix in self.indexes:
            kind = "UNIQUE KEY" if ix.unique else "KEY"
            lines.append(f"  {kind} {_bq(ix.name)} ({_bq_list(ix.columns)})")
        for fk in self.foreign_keys:
            ref = (
                _bq(fk.ref_table)
                if fk.ref_database == self.database
                else (f"{_bq(fk.ref_database)}.{_bq(fk.ref_table)}")
            )
            opts = "".join(f" {o}" for o in fk.options)
            lines.append(
                f"  CONSTRAINT {_bq(fk.name)} FOREIGN KEY ({_bq_list(fk.columns)}) "
                f"REFERENCES {ref} ({_bq_list(fk.ref_columns)}){opts}"
            )
        body = ",\n".join(lines)
        return (
            f"CREATE TABLE {_bq(self.name)} (\n{body}\n) "
            "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci"
        )

    def sqlite_ddl(self) -> list[str]:
        """CREATE TABLE, its indexes and ON UPDATE triggers, in SQLite's dialect."""
        table = _dq(self.sqlite_name)
        auto = next((c for c in self.columns if c.auto_increment), None)
        if auto and [auto.name] != self.primary_key:
            raise UnsupportedStatement(
                "not supported on the embedded backend: AUTO_INCREMENT on a column that is "
                "not the whole primary key"
            )
        parts = []
        for c in self.columns:
            text = f"{_dq(c.name)} {sqlite_type(c.type)}"
            if not c.nullable:
                text += " NOT NULL"
            if c.auto_increment:
                text = f"{_dq(c.name)} INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT"
            elif c.default is not None and c.default != "NULL":
                default = _sqlite_default(c.default)
                if sqlite_type(c.type) == "TEXT" and c.type.startswith("decimal"):
                    default = "'" + default.strip("'") + "'"  # every digit, as text
                text += f" DEFAULT {default}"
            if _is_text(c.type):
                text += " COLLATE NOCASE"
            elif sqlite_type(c.type) == "TEXT" and c.type.startswith("decimal"):
                text += f" COLLATE {COLLATION}"  # wide DECIMAL: exact text, numeric order
            text += "".join(_checks(c))
            parts.append(text)
        if self.primary_key and not auto:
            parts.append(f"PRIMARY KEY ({_dq_list(self.primary_key)})")
        for fk in self.foreign_keys:
            ref = _dq(f"{fk.ref_database}.{fk.ref_table}")
            opts = "".join(f" {o}" for o in fk.options)
            parts.append(
                f"FOREIGN KEY ({_dq_list(fk.columns)}) REFERENCES {ref} "
                f"({_dq_list(fk.ref_columns)}){opts}"
            )
        out = [f"CREATE TABLE {table} ({', '.join(parts)})"]
        out += [self.index_ddl(ix) for ix in self.indexes]
        out += self.trigger_ddl()
        if self.auto_increment and self.auto_increment > 1:
            out.append(
                "INSERT INTO sqlite_sequence (name, seq) VALUES "
                f"('{self.sqlite_name.replace(chr(39), chr(39) * 2)}', {self.auto_increment - 1})"
            )
        return out

    def index_ddl(self, ix: Index) -> str:
        unique = "UNIQUE " if ix.unique else ""
        name = _dq(f"{self.sqlite_name}.{ix.name}")
        return f"CREATE {unique}INDEX {name} ON {_dq(self.sqlite_name)} ({_dq_list(ix.columns)})"

    def trigger_ddl(self) -> list[str]:
        """ON UPDATE CURRENT_TIMESTAMP: a trigger that sets the column when a row changed and
        the statement did not set it itself."""
        out = []
        others = [c.name for c in self.columns if not c.on_update]
        for c in self.columns:
            if not c.on_update:
                continue
            changed = " OR ".join(f"NEW.{_dq(o)} IS NOT OLD.{_dq(o)}" for o in others) or "1"
            out.append(
                f"CREATE TRIGGER {_dq(self.on_update_trigger(c.name))} AFTER UPDATE ON "
                f"{_dq(self.sqlite_name)} FOR EACH ROW WHEN NEW.{_dq(c.name)} IS OLD."
                f"{_dq(c.name)} AND ({changed}) BEGIN UPDATE {_dq(self.sqlite_name)} SET "
                f"{_dq(c.name)} = datetime('now', 'localtime') WHERE rowid = NEW.rowid; END"
            )
        return out

    def on_update_trigger(self, column: str) -> str:
        return f"jasmine_on_update:{self.sqlite_name}.{column}"


def from_create(create: exp.Create, database: str) -> TableDef:
    """The definition in a parsed MySQL CREATE TABLE (with a column list)."""
    schema = create.this
    assert isinstance(schema, exp.Schema)
    table = schema.this
    assert isinstance(table, exp.Table)
    d = TableDef(database=table.db or database, name=table.name)
    for item in schema.expressions:
        add_item(d, item)
    option = create.find(exp.AutoIncrementProperty)
    if option is not None:
        d.auto_increment = int(option.this.name)
    return d


def add_item(d: TableDef, item: exp.Expression) -> None:
    """Add one element of a CREATE TABLE column list (or an ALTER TABLE ADD) to `d`."""
    if isinstance(item, exp.ColumnDef):
        if d.column(item.name) is not None:
            raise DuplicateColumn(item.name)
        d.columns.append(column_from(d, item))
    elif isinstance(item, exp.PrimaryKey):
        d.primary_key = [_name(e) for e in item.expressions]
    elif isinstance(item, exp.IndexColumnConstraint):
        cols = [_name(e) for e in item.expressions]
        d.indexes.append(Index(item.name or _free_index_name(d, cols[0]), cols))
    elif isinstance(item, exp.UniqueColumnConstraint):
        schema = item.this
        cols = [_name(e) for e in schema.expressions] if isinstance(schema, exp.Schema) else []
        name = schema.name if isinstance(schema, exp.Schema) and schema.this else ""
        d.indexes.append(Index(name or _free_index_name(d, cols[0]), cols, unique=True))
    elif isinstance(item, exp.Constraint):
        for fk in item.expressions:
            if isinstance(fk, exp.ForeignKey):
                add_foreign_key(d, fk, item.name)
    elif isinstance(item, exp.ForeignKey):
        add_foreign_key(d, item, "")
    else:
        raise UnsupportedStatement(
            f"not supported on the embedded backend: {item.sql('mysql')[:60]} in CREATE TABLE"
        )


def add_foreign_key(d: TableDef, fk: exp.ForeignKey, name: str) -> None:
    ref = fk.args["reference"]
    target = ref.this
    table = target.this
    options = [
        o.sql("mysql") if isinstance(o, exp.Expression) else str(o)
        for o in ref.args.get("options") or []
    ]
    d.foreign_keys.append(
        ForeignKey(
            name=name or f"{d.name}_ibfk_{len(d.foreign_keys) + 1}",
            columns=[_name(e) for e in fk.expressions],
            ref_database=table.db or d.database,
            ref_table=table.name,
            ref_columns=[_name(e) for e in target.expressions],
            options=options,
        )
    )


def column_from(d: TableDef, cdef: exp.ColumnDef) -> Column:
    kind = cdef.args.get("kind")
    if not isinstance(kind, exp.DataType):
        raise UnsupportedStatement("not supported on the embedded backend: a column without type")
    col = Column(name=cdef.name, type=mysql_type(kind))
    numeric = (
        sqlite_type(col.type) in ("INTEGER", "NUMERIC", "REAL") or col.type.startswith("decimal")
    ) and not col.type.startswith("year")
    for constraint in cdef.constraints:
        k = constraint.kind
        if isinstance(k, exp.NotNullColumnConstraint):
            col.nullable = bool(k.args.get("allow_null"))
        elif isinstance(k, exp.AutoIncrementColumnConstraint):
            col.auto_increment = True
            col.nullable = False
        elif isinstance(k, exp.PrimaryKeyColumnConstraint):
            d.primary_key = [col.name]
            col.nullable = False
        elif isinstance(k, exp.UniqueColumnConstraint):
            d.indexes.append(Index(_free_index_name(d, col.name), [col.name], unique=True))
        elif isinstance(k, exp.DefaultColumnConstraint):
            col.default = _default_sql(k.this)
            if numeric and col.default.startswith("'"):
                col.default = _numeric_default(col.default.strip("'"), col.type)
        elif isinstance(k, exp.OnUpdateColumnConstraint):
            col.on_update = True
        elif isinstance(k, exp.CommentColumnConstraint):
            col.comment = k.this.name
        elif isinstance(k, exp.Reference):
            table = k.this.this
            d.foreign_keys.append(
                ForeignKey(
                    name=f"{d.name}_ibfk_{len(d.foreign_keys) + 1}",
                    columns=[col.name],
                    ref_database=table.db or d.database,
                    ref_table=table.name,
                    ref_columns=[_name(e) for e in k.this.expressions],
                )
            )
        elif isinstance(k, (exp.CharacterSetColumnConstraint, exp.CollateColumnConstraint)):
            pass
        else:
            raise UnsupportedStatement(
                f"not supported on the embedded backend: column option {k.sql('mysql')}"
            )
    if col.type.startswith("timestamp") and col.default is None and not col.nullable:
        pass  # MariaDB would add DEFAULT current_timestamp() to the first; not emulated
    if col.default is None and col.nullable and not col.auto_increment:
        col.default = "NULL"
    return col


class DuplicateColumn(UnsupportedStatement):
    code = 1060  # ER_DUP_FIELDNAME
    sqlstate = "42S21"

    def __init__(self, name: str) -> None:
        super().__init__(f"Duplicate column name '{name}'")


_INT_RANGES = {
    "tinyint": (-(2**7), 2**7 - 1, 2**8 - 1),
    "smallint": (-(2**15), 2**15 - 1, 2**16 - 1),
    "mediumint": (-(2**23), 2**23 - 1, 2**24 - 1),
    "int": (-(2**31), 2**31 - 1, 2**32 - 1),
    "bigint": (-(2**63), 2**63 - 1, 2**63 - 1),
}


def decimal_precision(mysql: str) -> tuple[int, int]:
    """(precision, scale) of a `decimal(p,s)` column type."""
    m = re.match(r"decimal\((\d+),(\d+)\)", mysql)
    return (int(m.group(1)), int(m.group(2))) if m else (10, 0)


def _is_text(mysql: str) -> bool:
    base = mysql.split("(")[0].split()[0]
    return base in ("varchar", "char", "text", "tinytext", "mediumtext", "longtext", "enum", "set")


def _checks(c: Column) -> list[str]:
    """MySQL's strict mode as named CHECK constraints: `jasmine:<error code>:<column>`; the
    engine turns a failed one into that MySQL error."""
    q = _dq(c.name)
    base = c.type.split("(")[0].split()[0]
    params = [int(p) for p in re.findall(r"\d+", c.type.split(")")[0])] if "(" in c.type else []
    out = []

    def check(code: int, condition: str) -> None:
        out.append(f" CONSTRAINT {_dq(f'jasmine:{code}:{c.name}')} CHECK ({condition})")

    if base in ("varchar", "char", "varbinary", "binary") and params:
        check(1406, f"length({q}) <= {params[0]}")
    elif base in _INT_RANGES and not c.auto_increment:
        lo, hi, uhi = _INT_RANGES[base]
        check(1366, f"typeof({q}) NOT IN ('text', 'blob')")
        if "unsigned" in c.type:
            check(1264, f"{q} BETWEEN 0 AND {uhi}")
        else:
            check(1264, f"{q} BETWEEN {lo} AND {hi}")
    elif base == "decimal" and is_wide(decimal_precision(c.type)[0]):
        p, s = decimal_precision(c.type)
        check(1366, f"jasmine_is_decimal({q})")
        check(1264, f"jasmine_decimal_fits({q}, {p}, {s})")
    elif base == "decimal":
        p, s = decimal_precision(c.type)
        check(1366, f"typeof({q}) NOT IN ('text', 'blob')")
        check(1264, f"abs({q}) < 1e{p - s}")
    elif base in ("date", "datetime", "timestamp"):
        check(1292, f"jasmine_valid_date({q})")
    elif base == "enum" and "(" in c.type:  # strict mode refuses a value not in the list
        members = c.type[c.type.index("(") : c.type.rindex(")") + 1]
        check(1265, f"{q} IN {members}")
    elif base == "year":
        check(1264, f"{q} = 0 OR {q} BETWEEN 1901 AND 2155")
    return out


def _default_sql(value: exp.Expression) -> str:
    if isinstance(value, (exp.CurrentTimestamp, exp.CurrentDate)) or (
        isinstance(value, exp.Anonymous) and value.name.upper() in ("NOW", "CURRENT_TIMESTAMP")
    ):
        return "current_timestamp()"
    if isinstance(value, exp.Null):
        return "NULL"
    if isinstance(value, exp.Literal):
        text = value.this.replace("'", "''")
        return f"'{text}'"
    if isinstance(value, exp.Neg) and isinstance(value.this, exp.Literal):
        return f"'-{value.this.this}'"
    if isinstance(value, exp.Boolean):
        return "1" if value.this else "0"
    raise UnsupportedStatement(
        f"not supported on the embedded backend: DEFAULT {value.sql('mysql')}"
    )


def _numeric_default(text: str, mysql: str) -> str:
    """A numeric column's default as MariaDB prints it: unquoted, at the column's scale."""
    m = re.match(r"decimal\(\d+,(\d+)\)", mysql)
    try:
        if m:
            from decimal import ROUND_HALF_UP, Decimal

            scale = int(m.group(1))
            return str(Decimal(text).quantize(Decimal(1).scaleb(-scale), rounding=ROUND_HALF_UP))
        if sqlite_type(mysql) == "INTEGER":
            return str(int(float(text)))
        return repr(float(text)).removesuffix(".0")
    except (ValueError, ArithmeticError):
        return f"'{text}'"


def _sqlite_default(default: str) -> str:
    if default == "current_timestamp()":
        return "(datetime('now', 'localtime'))"
    return default


def _free_index_name(d: TableDef, column: str) -> str:
    taken = {ix.name.lower() for ix in d.indexes}
    name, n = column, 2
    while name.lower() in taken:
        name, n = f"{column}_{n}", n + 1
    return name


def _name(e: exp.Expression) -> str:
    if isinstance(e, exp.Ordered):
        e = e.this
    return e.name


def _column_sql(c: Column) -> str:
    text = c.type
    if not c.nullable:
        text += " NOT NULL"
    if c.default is not None:
        text += f" DEFAULT {c.default}"
    if c.auto_increment:
        text += " AUTO_INCREMENT"
    if c.on_update:
        text += " ON UPDATE current_timestamp()"
    if c.comment:
        text += " COMMENT '" + c.comment.replace("'", "''") + "'"
    return text


def _bq(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def _bq_list(names: list[str]) -> str:
    return ",".join(_bq(n) for n in names)


def _dq(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _dq_list(names: list[str]) -> str:
    return ", ".join(_dq(n) for n in names)
