"""The core: answers each extended statement (the `extended.Executor` the wire front end calls).

    statement text -> grammar.parse -> node -> handler below -> compiler / catalog / steps

Handlers are synchronous and run in a worker thread while the client waits. They act on the
backend through the service account (catalog, plans) and check what the client may do on the
client's own connection (`ClientSession.query`): a client reads and creates only what its own
backend user may, and sees only materializations in schemas it can see.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

import sqlglot
from sqlglot import exp
from sqlglot.executor import execute as evaluate
from sqlglot.optimizer.qualify_tables import qualify_tables

from jasmine_proxy import analysis, compiler, grammar, patterns, report
from jasmine_proxy.backends import Backend
from jasmine_proxy.catalog import Catalog, LeaseLost, Materialization, now
from jasmine_proxy.errors import (
    BackendRejected,
    IllegalStep,
    JasmineError,
    NameTaken,
    NoSuchMaterialization,
    WrongValue,
)
from jasmine_proxy.extended import ClientSession, Result
from jasmine_proxy.options import parse_options
from jasmine_proxy.plan import Name
from jasmine_proxy.statements import (
    AlterMaterialization,
    CreateMaterialization,
    DropMaterialization,
    ExplainCreateMaterialization,
    RefreshMaterialization,
    ShowCreateMaterialization,
    ShowMaterializationEvents,
    ShowMaterializations,
    Statement,
)
from jasmine_proxy.steps import Outcome, Steps

logger = logging.getLogger(__name__)

EVENT_COLUMNS = [
    "Id",
    "Name",
    "Event",
    "From_state",
    "To_state",
    "Started",
    "Duration_ms",
    "Rows",
    "Error",
]


class Core:
    """Jasmine's statements on one backend; `open` creates/upgrades the catalog and recovers
    steps that a dead process left half-done."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self.catalog = Catalog(backend.engine, backend.catalog_schema, backend.catalog_prefix)
        self.steps = Steps(backend, self.catalog)
        self.steps.verify_hooks.append(self._verify_as_client)
        self._handlers: dict[type[Statement], Callable[[Any, str, ClientSession], Result]] = {
            CreateMaterialization: self.create,
            ExplainCreateMaterialization: self.explain,
            ShowMaterializations: self.show,
            ShowCreateMaterialization: self.show_create,
            ShowMaterializationEvents: self.show_events,
            AlterMaterialization: self.alter,
            RefreshMaterialization: self.refresh,
            DropMaterialization: self.drop,
        }

    def open(self) -> list[Outcome]:
        self.catalog.open()
        return self.steps.recover()

    def execute(self, sql: str, session: ClientSession) -> Result:
        node = grammar.parse(sql)
        return self._handlers[type(node)](node, sql, session)

    # -- helpers ---------------------------------------------------------------------------

    def _name(self, table: exp.Table, session: ClientSession) -> Name:
        current = None if table.db else self.backend.current_database(session)
        return compiler.qualify(table, current)

    def _visible(self, m: Materialization, session: ClientSession) -> bool:
        return m.schema in self.backend.visible_schemas(session)

    def _get(self, table: exp.Table, session: ClientSession) -> Materialization:
        name = self._name(table, session)
        m = self.catalog.find(name)
        if m is None or not self._visible(m, session):
            raise NoSuchMaterialization(str(name))
        return m

    def _may_change(self, m: Materialization, event: str, session: ClientSession) -> None:
        """Only a client whose user could create the materialization (and, to drop it, drop
        tables in its schema) may step, refresh, alter or drop it; the work itself runs as the
        service account."""
        if event == "drop":
            privilege = "DROP"
        else:
            privilege = "CREATE VIEW" if m.plan.objects[0].kind == "VIEW" else "CREATE"
        self.backend.require(session, m.qualified, privilege)

    def _verify_as_client(self, m: Materialization, session: ClientSession | None) -> None:
        """A verify step run by a client checks the client's own rights (the scheduler's runs
        as the service account, which is checked by running the plan)."""
        if session is None:
            return
        current = self.backend.current_database(session)
        query = m.query
        if current != m.default_schema:  # the client is elsewhere: name every table fully
            tree = sqlglot.parse_one(m.query, read="mysql")
            query = qualify_tables(tree, db=m.default_schema).sql("mysql")
        kind = m.plan.objects[0].kind if m.plan.objects else "TABLE"
        self.backend.verify_as_client(session, m.qualified, query, kind)
        for owned in m.plan.objects:  # triggers go on the sources: the client may put them there
            if owned.kind == "TRIGGER":
                self.backend.require(session, owned.name, "TRIGGER")

    def _analyzed(self, d: patterns.Definition) -> patterns.Definition:
        """`d` with the analysis of its query, from the backend's facts about its sources."""
        tables = analysis.source_tables(d.query, d.default_schema)
        with self.backend.connect() as conn:
            keys = self.backend.keys(conn, tables)
        found = analysis.analyze(
            d.query, keys, d.default_schema, text=d.query_text, options=d.options
        )
        return replace(d, analysis=found, backend=self.backend.name)

    def _step(self, m: Materialization, event: str, session: ClientSession | None) -> Outcome:
        outcome = self.steps.run(m, event, session)
        if outcome.error is not None:
            raise _as_jasmine(outcome.error)
        return outcome

    # -- statements ------------------------------------------------------------------------

    def create(self, node: CreateMaterialization, sql: str, session: ClientSession) -> Result:
        current = self.backend.current_database(session)
        d = compiler.define(node, sql, current)
        kind = "VIEW" if d.requested == "view" else "TABLE"
        self.backend.verify_as_client(session, d.name, d.query_text, kind)
        d = self._analyzed(d)
        plan = compiler.compile_plan(d)
        existing = self.catalog.find(d.name)
        if existing is not None:
            if node.args.get("exists"):
                return None
            raise NameTaken(f"Materialization '{d.name}' already exists")
        stamp = now()
        m = Materialization(
            id=0,
            schema=d.name.schema,
            name=d.name.name,
            strategy=plan.strategy,
            requested=d.requested,
            definition=compiler.definition_text(d),
            query=d.query_text,
            default_schema=d.default_schema,
            options=d.options,
            plan=plan,
            state="defined",
            step=None,
            failed_from=None,
            owner=session.user,
            created=stamp,
            updated=stamp,
            fresh_as_of=None,
            last_refresh=None,
            rows=None,
            last_error=None,
            health=None,
            watermarks={},
        )
        if plan.objects and plan.objects[0].kind != kind:  # auto chose a view
            self.backend.verify_as_client(session, d.name, d.query_text, plan.objects[0].kind)
        self.steps._check_name_free(m)
        m = self.catalog.add(m)
        if d.options.build == "deferred":
            return None
        for event in ("verify", "create"):
            outcome = self.steps.run(m, event, session)
            if outcome.error is not None:
                self._undo(m)
                raise _as_jasmine(outcome.error)
            assert outcome.after is not None
            m = outcome.after
        return None

    def _undo(self, m: Materialization) -> None:
        """A CREATE that failed leaves nothing behind but its events (kept for debugging)."""
        current = self.catalog.find(m.qualified)
        if current is None:
            return
        with self.backend.connect() as conn:
            for op in current.plan.ops("drop"):
                self.backend.run(conn, op, current.plan.default_schema)
        self.catalog.remove(current)

    def explain(
        self, node: ExplainCreateMaterialization, sql: str, session: ClientSession
    ) -> Result:
        create = node.this
        current = self.backend.current_database(session)
        inner = sql[re.search(r"(?i)\bEXPLAIN\b", sql).end() :]  # type: ignore[union-attr]
        d = compiler.define(create, inner, current)
        session.query(f"SELECT * FROM ({d.query_text}) AS `_jasmine_verify` LIMIT 0")
        plan = compiler.compile_plan(self._analyzed(d))
        return compiler.explain_rows(d, plan, self.backend.render), ["Part", "Step", "Detail"]

    def show(self, node: ShowMaterializations, sql: str, session: ClientSession) -> Result:
        visible = self.backend.visible_schemas(session)
        db = node.args.get("db")
        at = now()
        rows = []
        for m in self.catalog.all():
            if m.schema not in visible or (db is not None and m.schema != db.name):
                continue
            rows.append(report.show_row(m, at))
        like = node.args.get("like")
        if like is not None:
            pattern = _like(like.name)
            rows = [r for r in rows if pattern.fullmatch(r[0])]
        where = node.args.get("where")
        if where is not None:
            rows = _where(rows, report.SHOW_COLUMNS, where)
        return rows, report.SHOW_COLUMNS

    def show_create(
        self, node: ShowCreateMaterialization, sql: str, session: ClientSession
    ) -> Result:
        m = self._get(node.this, session)
        return [(m.name, m.definition)], ["Materialization", "Create Materialization"]

    def show_events(
        self, node: ShowMaterializationEvents, sql: str, session: ClientSession
    ) -> Result:
        name = None
        if node.this is not None:
            name = self._name(node.this, session)
            if name.schema not in self.backend.visible_schemas(session):
                raise NoSuchMaterialization(str(name))
        limit_node = node.args.get("limit")
        limit = int(limit_node.name) if limit_node is not None else None
        visible = self.backend.visible_schemas(session)
        rows: list[tuple[Any, ...]] = []
        for e in self.catalog.history(name, None if name is None else limit):
            if limit is not None and len(rows) >= limit:
                break
            if e.schema not in visible:
                continue
            rows.append(
                (
                    e.id,
                    str(Name(e.schema, e.name)),
                    e.event,
                    e.from_state,
                    e.to_state,
                    e.started,
                    e.duration_ms,
                    e.rows,
                    e.error,
                )
            )
        return rows, EVENT_COLUMNS

    def alter(self, node: AlterMaterialization, sql: str, session: ClientSession) -> Result:
        m = self._get(node.this, session)
        action = node.args["action"]
        event = node.args.get("event")
        self._may_change(m, event.name.lower() if event is not None else action.lower(), session)
        if action == "STEP":
            return self._step_report(m, node.args.get("event"), session)
        if action == "SET":
            return self._set(m, node, session)
        self._step(m, action.lower(), session)
        return None

    def _step_report(
        self, m: Materialization, event_node: exp.Expression | None, session: ClientSession
    ) -> Result:
        from jasmine_proxy import lifecycle

        event = event_node.name.lower() if event_node is not None else lifecycle.next_event(m.state)
        # refuse at once: the report reads the objects, which waits for a running step's DDL
        lifecycle.target(m.state, event)
        if m.step is not None:
            raise IllegalStep(f"a {m.step} step of '{m.qualified}' is in progress: try again")
        before = report.snapshot(self.backend, m)
        outcome = self.steps.run(m, event, session)
        step = [
            ("event", event),
            ("transition", f"{m.state} -> {outcome.after.state if outcome.after else 'dropped'}"),
            ("duration_ms", outcome.duration_ms),
            ("rows", outcome.rows),
            ("error", None if outcome.error is None else str(outcome.error)),
            ("event id", outcome.event_id),
        ]
        after = report.snapshot(self.backend, outcome.after)
        return report.rows(before, step, after), report.COLUMNS

    def _set(
        self, m: Materialization, node: AlterMaterialization, session: ClientSession
    ) -> Result:
        changes = parse_options(compiler.written_options(node))
        if m.step is not None:  # the step's outcome would write its own copy over this change
            raise IllegalStep(f"a {m.step} step of '{m.qualified}' is in progress: try again")
        options = m.options.merged(changes.given)
        if "build" in changes.given:
            raise WrongValue("Incorrect option: 'build' applies only to CREATE")
        tree = sqlglot.parse_one(m.query, read="mysql")
        assert isinstance(tree, exp.Query)
        d = patterns.Definition(
            name=m.qualified,
            query_text=m.query,
            query=tree,
            default_schema=m.default_schema,
            options=options,
            requested=m.requested,
        )
        plan = compiler.compile_plan(self._analyzed(d))
        if plan.strategy != m.strategy:
            raise WrongValue(
                f"Incorrect option change: it would change the strategy from {m.strategy} to "
                f"{plan.strategy}; DROP and CREATE the materialization instead"
            )
        try:
            self.catalog.save(
                replace(m, options=options, plan=plan, definition=compiler.definition_text(d)),
                fence=m.fence,  # unless a step started meanwhile
            )
        except LeaseLost:
            raise IllegalStep(f"a step of '{m.qualified}' started meanwhile: try again") from None
        self.catalog.record(m, "set", now(), to_state=m.state, duration_ms=0)
        return None

    def refresh(self, node: RefreshMaterialization, sql: str, session: ClientSession) -> Result:
        m = self._get(node.this, session)
        self._may_change(m, "refresh", session)
        self._step(m, "refresh", session)
        return None

    def drop(self, node: DropMaterialization, sql: str, session: ClientSession) -> Result:
        try:
            m = self._get(node.this, session)
        except NoSuchMaterialization:
            if node.args.get("exists"):
                return None
            raise
        self._may_change(m, "drop", session)
        self._step(m, "drop", session)
        return None


def _as_jasmine(exc: Exception) -> Exception:
    """A step's error as the client should see it (backend errors keep their code)."""
    if isinstance(exc, JasmineError):
        return exc
    orig = getattr(exc, "orig", None)
    args: Sequence[Any] = getattr(orig, "args", ())
    if len(args) >= 2 and isinstance(args[0], int):
        return BackendRejected(str(args[1]), args[0])
    return exc


def _like(pattern: str) -> re.Pattern[str]:
    """MySQL LIKE (case-insensitive, % and _, backslash escapes) as a regex."""
    out, escaped = [], False
    for ch in pattern:
        if escaped:
            out.append(re.escape(ch))
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == "%":
            out.append(".*")
        elif ch == "_":
            out.append(".")
        else:
            out.append(re.escape(ch))
    return re.compile("".join(out), re.IGNORECASE | re.DOTALL)


def _where(rows: list[tuple[Any, ...]], columns: list[str], where: exp.Expression) -> list[Any]:
    """SHOW ... WHERE: the condition evaluated over the rows by sqlglot's Python executor.
    Text compares without case, as under MySQL's information_schema collation."""
    data = [{c.lower(): _folded(v) for c, v in zip(columns, row, strict=True)} for row in rows]
    condition, data_columns = where.copy(), {c.lower() for c in columns}
    for literal in list(condition.find_all(exp.Literal)):
        if literal.is_string:
            literal.replace(exp.Literal.string(literal.this.lower()))
    for column in condition.find_all(exp.Column):
        if column.name.lower() not in data_columns:
            raise BackendRejected(f"Unknown column '{column.name}' in 'WHERE'", 1054, "42S22")
        column.set("this", exp.to_identifier(column.name.lower()))
        column.set("table", None)
    query = exp.select("*").from_("m").where(condition)
    try:
        result = evaluate(query, tables={"m": data or [{c.lower(): None for c in columns}]})
    except Exception as exc:
        raise WrongValue(f"Incorrect WHERE condition: {exc}") from None
    keep = {tuple(r) for r in result.rows} if data else set()
    return [row for row, d in zip(rows, data, strict=True) if tuple(d.values()) in keep]


def _folded(value: Any) -> Any:
    value = _plain(value)
    return value.lower() if isinstance(value, str) else value


def _plain(value: Any) -> Any:
    return value.isoformat(sep=" ") if hasattr(value, "isoformat") else value
