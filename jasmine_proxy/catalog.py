"""The catalog: every materialization and every lifecycle step, stored in the backend itself.

Several proxies on one backend share it. On MySQL it lives in its own database (`jasmine` unless
`--catalog-schema` says otherwise); on the embedded SQLite default in the same file, as tables
named `jasmine.<table>` (how the embedded backend spells database.table). Tables are SQLAlchemy
Core; `meta` carries the catalog's schema version and `open_catalog` upgrades an older one in
place, one numbered step at a time (`UPGRADES`), like alembic's version table.

Definitions are stored as SQL text (the CREATE statement as written), so a dump and restore of the
backend keeps them, and the compiled plan beside it as JSON.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import mysql
from sqlalchemy.engine import Connection, Engine

from jasmine_proxy.errors import ConfigError, NameTaken, NoSuchMaterialization
from jasmine_proxy.options import Options
from jasmine_proxy.plan import Name, Plan
from jasmine_proxy.retry import DEADLOCK, on_deadlock, run_again_on

VERSION = 2
TABLE_EXISTS, DUPLICATE_KEY = 1050, 1062  # ER_TABLE_EXISTS_ERROR, ER_DUP_ENTRY
#: a step's claim lapses this long after its holder last renewed it: how soon a dead process's
#: step is taken over (JASMINE_LEASE_SECONDS: shorter in tests, longer on a slow network)
LEASE_SECONDS = float(os.environ.get("JASMINE_LEASE_SECONDS", "30"))


def now() -> datetime:
    """The catalog's clock: UTC, microseconds, naive (MySQL DATETIME(6) has no zone)."""
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class Materialization:
    """One row of the catalog, as the core uses it."""

    id: int
    schema: str
    name: str
    strategy: str
    requested: str
    definition: str  # the CREATE MATERIALIZATION statement, canonical text
    query: str  # the SELECT as written
    default_schema: str | None
    options: Options
    plan: Plan
    state: str
    step: str | None  # the event in progress (an intermediate state), None when idle
    failed_from: str | None
    owner: str
    created: datetime
    updated: datetime
    fresh_as_of: datetime | None  # the data is known current as of this time
    last_refresh: datetime | None
    rows: int | None
    last_error: str | None
    health: str | None  # a flag set by a step: 'failing' or 'drifted'; None when fine
    watermarks: dict[str, Any]
    fence: int = 0  # the lease counter when this row was read (an optimistic lock for writes)

    @property
    def qualified(self) -> Name:
        return Name(self.schema, self.name)


@dataclass(frozen=True)
class Event:
    id: int
    materialization_id: int
    schema: str
    name: str
    event: str
    from_state: str
    to_state: str | None
    started: datetime
    duration_ms: int | None
    rows: int | None
    error: str | None


def tables(schema: str | None, prefix: str) -> tuple[sa.MetaData, sa.Table, sa.Table, sa.Table]:
    """The catalog's tables: in database `schema` (MySQL) or named `<prefix>table` (SQLite)."""
    md = sa.MetaData(schema=schema)
    text = sa.Text().with_variant(mysql.LONGTEXT(), "mysql")
    stamp = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql")
    meta = sa.Table(
        f"{prefix}meta",
        md,
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.String(255), nullable=False),
        mysql_engine="InnoDB",
    )
    mats = sa.Table(
        f"{prefix}materializations",
        md,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("schema_name", sa.String(64), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("strategy", sa.String(32), nullable=False),
        sa.Column("requested", sa.String(32), nullable=False),
        sa.Column("definition", text, nullable=False),
        sa.Column("query", text, nullable=False),
        sa.Column("default_schema", sa.String(64)),
        sa.Column("options", text, nullable=False),
        sa.Column("plan", text, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("step", sa.String(16)),
        sa.Column("failed_from", sa.String(16)),
        sa.Column("owner", sa.String(255), nullable=False),
        sa.Column("created", stamp, nullable=False),
        sa.Column("updated", stamp, nullable=False),
        sa.Column("fresh_as_of", stamp),
        sa.Column("last_refresh", stamp),
        sa.Column("rows", sa.BigInteger),
        sa.Column("last_error", text),
        sa.Column("health", sa.String(16)),
        sa.Column("watermarks", text, nullable=False),
        # version 2: the claim on a running step is a lease (holder, expiry, fencing counter)
        sa.Column("lease_owner", sa.String(128)),
        sa.Column("lease_expires", stamp),
        sa.Column("fence", sa.BigInteger, nullable=False, server_default="0"),
        sa.UniqueConstraint("schema_name", "name", name="materialization_name"),
        mysql_engine="InnoDB",
        mysql_charset="utf8mb4",
        mysql_collate="utf8mb4_bin",
    )
    events = sa.Table(
        f"{prefix}events",
        md,
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
        sa.Column("materialization_id", sa.Integer, nullable=False),
        sa.Column("schema_name", sa.String(64), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("event", sa.String(16), nullable=False),
        sa.Column("from_state", sa.String(16), nullable=False),
        sa.Column("to_state", sa.String(16)),
        sa.Column("started", stamp, nullable=False),
        sa.Column("duration_ms", sa.BigInteger),
        sa.Column("rows", sa.BigInteger),
        sa.Column("error", text),
        sa.Index("events_by_materialization", "materialization_id", "id"),
        mysql_engine="InnoDB",
        mysql_charset="utf8mb4",
        mysql_collate="utf8mb4_bin",
    )
    return md, meta, mats, events


def _add_leases(conn: Connection, catalog: Catalog) -> None:
    """Version 2: a step's claim becomes a lease with an expiry and a fencing counter."""
    table = conn.dialect.identifier_preparer.format_table(catalog.mats)
    for name in ("lease_owner", "lease_expires", "fence"):
        column = catalog.mats.c[name]
        kind = column.type.compile(dialect=conn.dialect)
        extra = " NOT NULL DEFAULT 0" if name == "fence" else ""
        quoted = conn.dialect.identifier_preparer.quote(name)
        conn.exec_driver_sql(f"ALTER TABLE {table} ADD COLUMN {quoted} {kind}{extra}")


#: version -> the step that brings a catalog at version-1 to it
UPGRADES: dict[int, Callable[[Connection, Catalog], None]] = {2: _add_leases}


class LeaseLost(Exception):
    """Another process took over this step's lease: this holder must not write its outcome."""


class Catalog:
    """Reads and writes the catalog through the service account's SQLAlchemy engine.

    Each method is one transaction, run again on a 1213 (`retry.on_deadlock`): on a Galera
    cluster a catalog write that another node's write beat to the same row fails certification
    at COMMIT, and a claim retried after it sees the winner's row (so it loses cleanly)."""

    def __init__(self, engine: Engine, schema: str | None, prefix: str = "") -> None:
        self.engine = engine
        self.schema = schema
        self.md, self.meta, self.mats, self.events = tables(schema, prefix)

    # -- set-up ------------------------------------------------------------------------------

    @run_again_on(DEADLOCK, TABLE_EXISTS, DUPLICATE_KEY)
    def open(self) -> None:
        """Create the catalog if missing, upgrade it in place if older; idempotent. Processes
        opening it at once (proxies starting on every node of a cluster) race to create a table
        or the version row: a loser (1050, 1062; 1213 on Galera) runs again and finds it."""
        with self.engine.begin() as conn:
            if self.schema is not None:
                conn.exec_driver_sql(
                    "CREATE DATABASE IF NOT EXISTS "
                    + conn.dialect.identifier_preparer.quote(self.schema)
                    + " CHARACTER SET utf8mb4"
                )
            self.md.create_all(conn, checkfirst=True)
            found = conn.execute(
                sa.select(self.meta.c.value).where(self.meta.c.key == "version")
            ).scalar()
            if found is None:
                conn.execute(sa.insert(self.meta).values(key="version", value=str(VERSION)))
                return
            if int(found) > VERSION:
                raise ConfigError(
                    f"the catalog in {self.schema or 'this database'} has version {found}, "
                    f"newer than this Jasmine knows ({VERSION}): upgrade jasmine-proxy"
                )
            for version in range(int(found) + 1, VERSION + 1):
                UPGRADES[version](conn, self)
                conn.execute(
                    sa.update(self.meta)
                    .where(self.meta.c.key == "version")
                    .values(value=str(version))
                )

    def exists(self) -> bool:
        """Whether a catalog was ever created here (read-only callers must not create one)."""
        return sa.inspect(self.engine).has_table(self.mats.name, schema=self.schema)

    # -- materializations ----------------------------------------------------------------------

    @on_deadlock
    def find(self, name: Name) -> Materialization | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(self.mats).where(
                    self.mats.c.schema_name == name.schema, self.mats.c.name == name.name
                )
            ).first()
        return None if row is None else _materialization(row._mapping)

    def get(self, name: Name) -> Materialization:
        found = self.find(name)
        if found is None:
            raise NoSuchMaterialization(str(name))
        return found

    @on_deadlock
    def all(self) -> list[Materialization]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(self.mats).order_by(self.mats.c.schema_name, self.mats.c.name)
            )
            return [_materialization(r._mapping) for r in rows]

    @on_deadlock
    def all_since(self, known: Mapping[int, Materialization]) -> list[Materialization]:
        """`all()`, reading in full only the rows that changed since `known` were read: every
        write changes `updated` (a claim `fence` too), so a row with both as known is as known
        (the scheduler reads every second, and most rows have not changed)."""
        c = self.mats.c
        with self.engine.connect() as conn:
            stamps = conn.execute(
                sa.select(c.id, c.updated, c.fence).order_by(c.schema_name, c.name)
            ).all()
            changed = [
                key
                for key, updated, fence in stamps
                if (m := known.get(key)) is None or (m.updated, m.fence) != (updated, fence)
            ]
            read = {}
            for at in range(0, len(changed), 500):
                chunk = changed[at : at + 500]
                for row in conn.execute(sa.select(self.mats).where(c.id.in_(chunk))):
                    read[row.id] = _materialization(row._mapping)
        return [read.get(key) or known[key] for key, _, _ in stamps if key in read or key in known]

    @on_deadlock
    def add(self, m: Materialization) -> Materialization:
        """Record a new materialization; `NameTaken` if the name is recorded already."""
        values = _row(m)
        values.pop("id")
        try:
            with self.engine.begin() as conn:
                result = conn.execute(sa.insert(self.mats).values(**values))
                new_id = result.inserted_primary_key[0] if result.inserted_primary_key else 0
        except sa.exc.IntegrityError:
            raise NameTaken(f"Materialization '{m.qualified}' already exists") from None
        return replace(m, id=int(new_id))

    @on_deadlock
    def save(self, m: Materialization, fence: int | None = None) -> Materialization:
        """Write `m`; with `fence`, only while that lease is still ours (else `LeaseLost`), and
        a step that ended (`m.step` None) gives its lease up."""
        m = replace(m, updated=now())
        values = _row(m)
        query = sa.update(self.mats).where(self.mats.c.id == m.id)
        if fence is not None:
            query = query.where(self.mats.c.fence == fence)
            if m.step is None:
                values.update(lease_owner=None, lease_expires=None)
        with self.engine.begin() as conn:
            if conn.execute(query.values(**values)).rowcount != 1 and fence is not None:
                raise LeaseLost(f"the lease on {m.qualified} was taken over (fence {fence})")
        return m

    @on_deadlock
    def finish(
        self,
        before: Materialization,
        after: Materialization,
        fence: int,
        event: str,
        started: datetime,
        **values: Any,
    ) -> tuple[Materialization, int]:
        """A step's outcome in one transaction: `save(after, fence)` and `record(before,
        event, started, **values)`, both written or neither. Returns `after` as saved and the
        event's id. Only the columns that changed since `before` are written (a refresh's
        few, not the definition and plan)."""
        after = replace(after, updated=now())
        row = _changes(before, after)
        if after.step is None:
            row.update(lease_owner=None, lease_expires=None)
        query = sa.update(self.mats).where(self.mats.c.id == after.id, self.mats.c.fence == fence)
        with self.engine.begin() as conn:
            if conn.execute(query.values(**row)).rowcount != 1:
                raise LeaseLost(f"the lease on {after.qualified} was taken over (fence {fence})")
            return after, self._insert_event(conn, before, event, started, values)

    @on_deadlock
    def claim(
        self,
        m: Materialization,
        event: str,
        owner: str,
        take_over: bool = False,
        dead_holder: str | None = None,
    ) -> int | None:
        """Lease `m` to run `event`: one winner among every process on the backend (a
        conditional UPDATE judged on affected rows, which holds on Galera too, unlike
        GET_LOCK). `take_over` claims a step whose holder's lease lapsed (it died) instead of
        an idle one. The row must still be as `m` was read (its fence): a claim on stale facts
        fails. Returns the lease's fencing counter, or None when someone else got there."""
        c = self.mats.c
        stamp = now()
        if take_over:  # the lease lapsed, or its holder is known dead (`dead_holder`)
            gone = [c.lease_expires.is_(None), c.lease_expires < stamp]
            if dead_holder is not None:
                gone.append(c.lease_owner == dead_holder)
            free = sa.and_(c.step.is_not(None), sa.or_(*gone))
        else:
            free = c.step.is_(None)
        with self.engine.begin() as conn:
            result = conn.execute(
                sa.update(self.mats)
                .where(c.id == m.id, c.fence == m.fence, free)
                .values(
                    step=event,
                    updated=stamp,
                    lease_owner=owner,
                    lease_expires=stamp + timedelta(seconds=LEASE_SECONDS),
                    fence=c.fence + 1,
                )
            )
            return m.fence + 1 if result.rowcount == 1 else None

    @on_deadlock
    def holder(self, m: Materialization) -> str | None:
        """Who holds (or last held, if it died) the lease on `m`'s running step."""
        with self.engine.connect() as conn:
            found = conn.execute(
                sa.select(self.mats.c.lease_owner).where(self.mats.c.id == m.id)
            ).scalar()
            return None if found is None else str(found)

    @on_deadlock
    def renew(self, m: Materialization, fence: int) -> bool:
        """Extend a lease this holder still has; False once it was taken over."""
        with self.engine.begin() as conn:
            result = conn.execute(
                sa.update(self.mats)
                .where(self.mats.c.id == m.id, self.mats.c.fence == fence)
                .values(lease_expires=now() + timedelta(seconds=LEASE_SECONDS))
            )
            return result.rowcount == 1

    @on_deadlock
    def remove(self, m: Materialization) -> None:
        with self.engine.begin() as conn:
            conn.execute(sa.delete(self.mats).where(self.mats.c.id == m.id))

    @on_deadlock
    def interrupted(
        self, dead: Callable[[str], bool] = lambda owner: False
    ) -> list[tuple[Materialization, str | None]]:
        """Materializations left in the middle of a step whose holder died half-way: its lease
        lapsed, or `dead(holder)` says so (a process of this host that is gone). With each,
        the holder to name when taking it over (None: its lease lapsed)."""
        c = self.mats.c
        at = now()
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(self.mats).where(c.step.is_not(None)))
            found: list[tuple[Materialization, str | None]] = []
            for row in rows:
                holder, expires = row._mapping["lease_owner"], row._mapping["lease_expires"]
                if expires is None or expires < at:
                    found.append((_materialization(row._mapping), None))
                elif holder and dead(holder):
                    found.append((_materialization(row._mapping), str(holder)))
            return found

    # -- events ----------------------------------------------------------------------------

    @on_deadlock
    def record(self, m: Materialization, event: str, started: datetime, **values: Any) -> int:
        """Append one event to the log; `values` are to_state, duration_ms, rows, error."""
        with self.engine.begin() as conn:
            return self._insert_event(conn, m, event, started, values)

    def _insert_event(
        self, conn: Connection, m: Materialization, event: str, started: datetime, values: Any
    ) -> int:
        result = conn.execute(
            sa.insert(self.events).values(
                materialization_id=m.id,
                schema_name=m.schema,
                name=m.name,
                event=event,
                from_state=m.state,
                started=started,
                **values,
            )
        )
        key = result.inserted_primary_key
        return int(key[0]) if key else 0

    def history(self, name: Name | None = None, limit: int | None = None) -> Iterator[Event]:
        query = sa.select(self.events).order_by(self.events.c.id.desc())
        if name is not None:
            query = query.where(
                self.events.c.schema_name == name.schema, self.events.c.name == name.name
            )
        if limit is not None:
            query = query.limit(limit)
        with self.engine.connect() as conn:
            for row in conn.execute(query):
                values = dict(row._mapping)
                values["schema"] = values.pop("schema_name")
                yield Event(**{f.name: values[f.name] for f in fields(Event)})


#: how a field of `Materialization` is stored, where it is not stored as it is
_COLUMNS = {"schema": "schema_name"}
_ENCODE: dict[str, Callable[[Any], Any]] = {
    "options": lambda options: json.dumps(options.given, sort_keys=True),
    "plan": lambda plan: plan.to_json(),
    "watermarks": lambda marks: json.dumps(marks, sort_keys=True),
}


def _changes(before: Materialization, after: Materialization) -> dict[str, Any]:
    """The columns of `after` whose fields differ from `before`'s (as `_row` writes them)."""
    changed = {}
    for f in fields(Materialization):
        value = getattr(after, f.name)
        if f.name not in ("id", "fence") and value != getattr(before, f.name):
            changed[_COLUMNS.get(f.name, f.name)] = _ENCODE.get(f.name, lambda v: v)(value)
    return changed


def _row(m: Materialization) -> dict[str, Any]:
    return {
        "id": m.id,
        "schema_name": m.schema,
        "name": m.name,
        "strategy": m.strategy,
        "requested": m.requested,
        "definition": m.definition,
        "query": m.query,
        "default_schema": m.default_schema,
        "options": json.dumps(m.options.given, sort_keys=True),
        "plan": m.plan.to_json(),
        "state": m.state,
        "step": m.step,
        "failed_from": m.failed_from,
        "owner": m.owner,
        "created": m.created,
        "updated": m.updated,
        "fresh_as_of": m.fresh_as_of,
        "last_refresh": m.last_refresh,
        "rows": m.rows,
        "last_error": m.last_error,
        "health": m.health,
        "watermarks": json.dumps(m.watermarks, sort_keys=True),
    }


# the scheduler reads every row every second: a definition is parsed once per text (both are
# frozen and never changed in place)
@functools.lru_cache(maxsize=4096)
def _plan(text: str) -> Plan:
    return Plan.from_json(text)


@functools.lru_cache(maxsize=4096)
def _options(text: str) -> Options:
    return Options(json.loads(text))


def _materialization(row: Any) -> Materialization:
    return Materialization(
        id=row["id"],
        schema=row["schema_name"],
        name=row["name"],
        strategy=row["strategy"],
        requested=row["requested"],
        definition=row["definition"],
        query=row["query"],
        default_schema=row["default_schema"],
        options=_options(row["options"]),
        plan=_plan(row["plan"]),
        state=row["state"],
        step=row["step"],
        failed_from=row["failed_from"],
        owner=row["owner"],
        created=row["created"],
        updated=row["updated"],
        fresh_as_of=row["fresh_as_of"],
        last_refresh=row["last_refresh"],
        rows=row["rows"],
        last_error=row["last_error"],
        health=row["health"],
        watermarks=json.loads(row["watermarks"]),
        fence=row["fence"],
    )
