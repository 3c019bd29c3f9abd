"""Plans: what a materialization does on the backend, as data.

A pattern compiles a definition into a `Plan`: the backend objects the materialization owns and,
per lifecycle event, the operations to run. Operations are small frozen dataclasses, not SQL
strings; a backend module renders each one in its own dialect (`Backend.render`) and runs it
(`Backend.run`). So a plan can be printed without running anything (EXPLAIN), stored in the
catalog (`to_json` / `from_json`) and run on MySQL or SQLite alike.

Query text is kept exactly as the user wrote it (MySQL dialect), to be run with the
materialization's default schema as the current database, the way MySQL itself stores a view:
so column names such as `count(*)` come out as MySQL would name them.

>>> t = Name("shop", "daily revenue")
>>> str(t), t.sql()
('shop.daily revenue', '`shop`.`daily revenue`')
>>> p = Plan("view", ("any SELECT",), "shop", (Owned(t, "VIEW"),), {"drop": (Drop(t, "VIEW"),)})
>>> Plan.from_json(p.to_json()) == p
True
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlglot import exp


@dataclass(frozen=True)
class Name:
    """A schema-qualified backend object name."""

    schema: str
    name: str

    def __str__(self) -> str:
        return f"{self.schema}.{self.name}"

    def sql(self, dialect: str = "mysql") -> str:
        """The quoted name: names reach SQL only through here (or sqlglot's quoting)."""
        return self.table().sql(dialect)

    def table(self) -> exp.Table:
        return exp.Table(
            this=exp.to_identifier(self.name, quoted=True),
            db=exp.to_identifier(self.schema, quoted=True),
        )


@dataclass(frozen=True)
class Owned:
    """A backend object the materialization owns: `kind` is TABLE or VIEW."""

    name: Name
    kind: str


@dataclass(frozen=True)
class CreateView:
    """CREATE VIEW target AS query (OR REPLACE only when `replace`)."""

    target: Name
    query: str
    replace: bool = False

    def creates(self) -> Name | None:
        """The name this operation brings into being (which must not exist), if any."""
        return None if self.replace else self.target


@dataclass(frozen=True)
class CreateTableAs:
    """A new table holding the query's rows; `key` becomes its primary key when given."""

    target: Name
    query: str
    key: tuple[str, ...] | None = None

    def creates(self) -> Name | None:
        return self.target


@dataclass(frozen=True)
class Swap:
    """Make `shadow` the new `target` atomically, readers seeing old or new, never neither;
    the previous `target` (if any) goes through `old` and is dropped."""

    target: Name
    shadow: Name
    old: Name
    first: bool = False  # the first build: EXPLAIN shows the plain rename (run adapts anyway)


@dataclass(frozen=True)
class Drop:
    """DROP TABLE/VIEW IF EXISTS: dropping what is already gone is not an error."""

    target: Name
    kind: str


@dataclass(frozen=True)
class Run:
    """One pattern-specific statement in MySQL dialect (later patterns: upserts, triggers)."""

    sql: str


@dataclass(frozen=True)
class CreateTrigger:
    """CREATE TRIGGER name AFTER `event` ON table FOR EACH ROW BEGIN body END (`trigger`).
    `follows`: the trigger it runs after; the backend sets it when it runs (the table's last
    trigger of the same timing and event, so Jasmine's runs after the user's). `when`: a
    condition on NEW and OLD (MySQL dialect) under which the body runs (None: always)."""

    name: Name
    table: Name
    event: str  # INSERT, UPDATE or DELETE
    body: tuple[str, ...]
    follows: str | None = None
    when: str | None = None


@dataclass(frozen=True)
class DropTrigger:
    """DROP TRIGGER IF EXISTS name: only ever a trigger of Jasmine's, by its exact name."""

    name: Name


@dataclass(frozen=True)
class Fill:
    """Replace every row of `target` with `query`'s rows in one transaction, the tables
    `reads` (name, alias as the query uses it) locked against writers meanwhile (`trigger`)."""

    target: Name
    reads: tuple[tuple[Name, str], ...]
    columns: tuple[str, ...]
    query: str


@dataclass(frozen=True)
class IncrementalBuild:
    """(`incremental`) Create `target` (keyed on `key`) and `lineage` (the output keys each
    driving row feeds: `pairs` selects them) and fill both from one consistent read of the
    sources; record the starting watermarks (`watermarks`: label, SELECT NOW(6), MAX(column)
    per tracked column) in the catalog. Runs with the step's context (`stateful`)."""

    target: Name
    lineage: Name
    query: str
    key: tuple[str, ...]
    pairs: str
    watermarks: tuple[tuple[str, str], ...]
    stateful = True  # a class constant, not a field: the backend needs the step's context

    def creates(self) -> Name | None:
        return self.target


@dataclass(frozen=True)
class IncrementalRefresh:
    """(`incremental`) Recompute the output rows whose keys the source rows past the stored
    watermarks affect, and move the watermarks in the catalog, in one transaction.
    The statements read `@jasmine_floor_<i>` (the floor of watermark i) and the temporary
    tables `_jasmine_changed` (driving keys) and `_jasmine_keys` (output keys): `changed`
    select driving primary keys, `pairs` their new (driving key, output key) pairs, `recompute`
    the query restricted to `_jasmine_keys`, `recompute_null` restricted to the one output key
    `@jasmine_k<j>` (a key holding NULL)."""

    target: Name
    lineage: Name
    key: tuple[str, ...]
    primary_key: tuple[str, ...]
    watermarks: tuple[tuple[str, str], ...]
    changed: tuple[str, ...]
    pairs: str
    recompute: str
    recompute_null: str
    stateful = True


@dataclass(frozen=True)
class WindowJoinBuild:
    """(`window_join`) Create `target` (keyed on `key`) and `late` (the rows found arriving
    later than allowed_lateness, one per stream and id) and fill `target` with `query`'s rows
    from one consistent read; record per stream the starting arrival watermark (`watermarks`:
    label, SELECT NOW(6), MAX(id), MIN(id)) and the event-time watermark (`highs`: the latest
    timestamp of the rows below the floor `@jasmine_floor_<i>`). Runs with the step's context."""

    target: Name
    late: Name
    query: str
    key: tuple[str, ...]
    streams: tuple[str, ...]
    watermarks: tuple[tuple[str, str], ...]
    highs: tuple[str, ...]
    stateful = True

    def creates(self) -> Name | None:
        return self.target


@dataclass(frozen=True)
class WindowJoinRefresh:
    """(`window_join`) Append the pairs the rows past each stream's arrival floor make, count
    the rows that arrived later than `lateness` seconds, and move the watermarks in the catalog,
    in one transaction. `arrivals[i]` selects stream i's (id, timestamp) at or past
    `@jasmine_floor_<i>` in id order; `pairs` are the query restricted to new rows of the first
    stream, and to new rows of the second joined to old rows of the first (no pair twice)."""

    target: Name
    late: Name
    key: tuple[str, ...]
    streams: tuple[str, ...]
    watermarks: tuple[tuple[str, str], ...]
    arrivals: tuple[str, ...]
    pairs: tuple[str, ...]
    lateness: float
    stateful = True


Op = (
    CreateView
    | CreateTableAs
    | Swap
    | Drop
    | Run
    | CreateTrigger
    | DropTrigger
    | Fill
    | IncrementalBuild
    | IncrementalRefresh
    | WindowJoinBuild
    | WindowJoinRefresh
)
_OPS: dict[str, type[Op]] = {
    t.__name__: t
    for t in (
        CreateView,
        CreateTableAs,
        Swap,
        Drop,
        Run,
        CreateTrigger,
        DropTrigger,
        Fill,
        IncrementalBuild,
        IncrementalRefresh,
        WindowJoinBuild,
        WindowJoinRefresh,
    )
}


@dataclass(frozen=True)
class Plan:
    """The compiled form of a materialization."""

    strategy: str
    reasons: tuple[str, ...]
    default_schema: str | None
    objects: tuple[Owned, ...]
    events: dict[str, tuple[Op, ...]] = field(default_factory=dict)

    def ops(self, event: str) -> tuple[Op, ...]:
        return self.events.get(event, ())

    def to_json(self) -> str:
        return json.dumps(
            {
                "strategy": self.strategy,
                "reasons": list(self.reasons),
                "default_schema": self.default_schema,
                "objects": [asdict(o) for o in self.objects],
                "events": {
                    event: [{"op": type(op).__name__, **asdict(op)} for op in ops]
                    for event, ops in self.events.items()
                },
            },
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> Plan:
        data = json.loads(text)
        return cls(
            strategy=data["strategy"],
            reasons=tuple(data["reasons"]),
            default_schema=data["default_schema"],
            objects=tuple(Owned(Name(**o["name"]), o["kind"]) for o in data["objects"]),
            events={event: tuple(_op(d) for d in ops) for event, ops in data["events"].items()},
        )


def _op(data: dict[str, Any]) -> Op:
    kind = _OPS[data.pop("op")]
    fields: dict[str, Any] = {k: _value(v) for k, v in data.items()}
    if "key" in fields and fields["key"] is not None:
        fields["key"] = tuple(fields["key"])
    return kind(**fields)


def _value(v: Any) -> Any:
    """A JSON value back as an operation holds it: objects are names, lists are tuples."""
    if isinstance(v, dict):
        return Name(**v)
    if isinstance(v, list):
        return tuple(_value(x) for x in v)
    return v
