"""Running lifecycle events: one step at a time, each recorded, each safe to run again.

A step is claimed in the catalog first (`step` = the event, by a conditional UPDATE, so two
clients or proxies cannot run steps of one materialization at once), then its operations run on
the backend through the service account, then the outcome is written: the new state and an event
row. MySQL commits DDL implicitly, so there is no transaction around all of this; instead a
process that dies half-way leaves the claim behind, and `recover` (at start-up) runs the same
event again. Re-running converges because every operation is idempotent, and an interrupted
`create` is first undone (its objects are ours: the name was checked free before it started).

Failures: a deadlock (1213; on Galera also a write another node's write beat) runs the step's
work again at once, a few times (`retry.retrying`); an error that retrying later may cure (the
backend went away, deadlocks every time, a lock wait timeout) leaves the state as it was with
Health `failing`; any other error needs a person and moves the materialization to `failed`, the
error and the step recorded.
"""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from jasmine_proxy import lifecycle, metrics
from jasmine_proxy.backends import Backend, StepContext
from jasmine_proxy.catalog import LEASE_SECONDS, Catalog, Materialization, now
from jasmine_proxy.errors import BackendRejected, BackendUnavailable, IllegalStep, NameTaken
from jasmine_proxy.extended import ClientSession
from jasmine_proxy.plan import CreateTableAs, Drop, Name, Op, Swap
from jasmine_proxy.retry import retrying

logger = logging.getLogger(__name__)

#: backend error codes that a later attempt may not meet: deadlock, lock wait timeout, gone
TRANSIENT_CODES = frozenset({1205, 1213, 2006, 2013, 1927, 1317})
#: JASMINE_TEST_CRASH_AFTER=<event>:<operation> SIGKILLs this process right after that operation
#: of that event (tests of crash recovery: a real kill between the DDL and the catalog update)
CRASH_AFTER = "JASMINE_TEST_CRASH_AFTER"


@dataclass(frozen=True)
class Outcome:
    """What a step did: the materialization after it (None once dropped) and its event row."""

    event: str
    before: Materialization
    after: Materialization | None
    event_id: int
    duration_ms: int
    rows: int | None
    error: Exception | None


class Steps:
    def __init__(self, backend: Backend, catalog: Catalog) -> None:
        self.backend = backend
        self.catalog = catalog
        self.verify_hooks: list[Callable[[Materialization, ClientSession | None], None]] = []
        #: who holds the leases this process takes (logged, and kept in the catalog row)
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"

    @contextmanager
    def _renewing(self, m: Materialization, fence: int) -> Iterator[None]:
        """Keep the lease alive while the step runs (a thread renewing it every third of its
        life), so a long refresh is not taken for a dead one."""
        done = threading.Event()

        def renew() -> None:
            while not done.wait(LEASE_SECONDS / 3):
                try:
                    if not self.catalog.renew(m, fence):
                        logger.error("lost the lease on %s during %s", m.qualified, m.step)
                        return
                except Exception:  # the backend may be away for a moment: keep trying
                    logger.warning("could not renew the lease on %s", m.qualified, exc_info=True)

        thread = threading.Thread(target=renew, name=f"lease {m.qualified}", daemon=True)
        thread.start()
        try:
            yield
        finally:
            done.set()
            thread.join()

    def run(
        self,
        m: Materialization,
        event: str,
        session: ClientSession | None = None,
        recovering: bool = False,
    ) -> Outcome:
        """Run `event` on `m`: claim, act, record. Errors of the step itself are recorded and
        returned in the outcome; a refused step raises `IllegalStep` and changes nothing."""
        goal = lifecycle.target(m.state, event)
        if event == "resume" and m.state == "failed":
            goal = lifecycle.resume_target(m.failed_from, self._objects_exist(m))
        if m.step is not None and not recovering:
            raise IllegalStep(
                f"a {m.step} step of '{m.qualified}' is in progress (since {m.updated}); "
                "wait for it (a step whose process died is taken over once its lease lapses)"
            )
        previous = self.catalog.holder(m) if recovering else None
        dead = previous if previous and dead_here(previous) else None
        # the step's backend connection first, so that the claim names its process (which a
        # taker-over KILLs): no second catalog write to note it
        with self._connection(event) as conn:
            process = None if conn is None else self.backend.process_id(conn)
            holder = self.owner if process is None else f"{self.owner} process={process}"
            fence = self.catalog.claim(
                m, event, holder[:128], take_over=recovering, dead_holder=dead
            )
            if fence is None:
                raise IllegalStep(f"another step of '{m.qualified}' has just started")
            return self._claimed(m, event, session, recovering, goal, fence, previous, conn)

    def _connection(self, event: str) -> AbstractContextManager[Any]:
        """The backend connection a step's operations run on (None for the events that run
        none: they open what they need)."""
        if event in ("verify", "check", "pause", "resume"):
            return nullcontext()
        return self.backend.connect()

    def _claimed(
        self,
        m: Materialization,
        event: str,
        session: ClientSession | None,
        recovering: bool,
        goal: str,
        fence: int,
        previous: str | None,
        conn: Any,
    ) -> Outcome:
        """`run`, once the lease is ours: act, then record the outcome."""
        if previous and (process := _process(previous)) is not None:
            self.backend.cancel(process)  # the dead holder's statement may still be running
        if recovering:  # whoever takes the step over (start-up or scheduler) says so, once
            self.catalog.record(
                m, event, now(), to_state=None, error="interrupted: the process running it died"
            )
        started, clock = now(), time.monotonic()
        claimed = replace(m, step=event, fence=fence)
        catalog = self.catalog
        table = Name(catalog.schema, catalog.mats.name) if catalog.schema else None
        context = StepContext(m.id, fence, table, dict(m.watermarks))
        try:
            with self._renewing(claimed, fence):
                # a 1213 rolled the work back (Galera: another node's change won): run it again,
                # a create undoing its first attempt as a recovery does
                rows = retrying(
                    lambda attempt: self._act(
                        claimed, event, session, recovering or attempt > 0, context, conn
                    ),
                    f"{event} of {m.qualified}",
                )
        except Exception as exc:  # recorded, then returned to the caller
            metrics.step_done(m, event, time.monotonic() - clock, None, ok=False)
            return self._failed(claimed, event, started, clock, exc, fence)
        metrics.step_done(m, event, time.monotonic() - clock, rows, ok=True)
        duration = int((time.monotonic() - clock) * 1000)
        claimed = replace(claimed, watermarks=context.watermarks)  # as the step committed them
        after = self._succeeded(claimed, event, goal, started, rows)
        values = {"to_state": goal, "duration_ms": duration, "rows": rows}
        if after is None:  # dropped
            event_id = self.catalog.record(claimed, event, started, **values)
            self.catalog.remove(claimed)
        else:  # the new row and the event in one transaction
            after, event_id = self.catalog.finish(claimed, after, fence, event, started, **values)
        logger.info(
            "step %s",
            logfmt(
                materialization=m.qualified,
                event=event,
                from_state=m.state,
                to_state=goal,
                duration_ms=duration,
                rows=rows,
                owner=self.owner,
            ),
        )
        return Outcome(event, m, after, event_id, duration, rows, None)

    # -- what each event does --------------------------------------------------------------

    def _act(
        self,
        m: Materialization,
        event: str,
        session: ClientSession | None,
        recovering: bool,
        context: StepContext,
        conn: Any,
    ) -> int | None:
        """What `event` does; the rows of the result after it (None if not counted)."""
        backend, plan = self.backend, m.plan
        if event == "verify":
            for hook in self.verify_hooks:
                hook(m, session)
            if m.state in ("defined", "verified"):
                self._check_name_free(m)
            return None
        if event == "check":
            return self._check(m)
        if event in ("pause", "resume"):
            return None
        ops = plan.ops(event)
        if event == "drop" and m.state in ("defined", "verified"):
            # never built: a table by its name now is someone else's (only internals are ours)
            ops = tuple(op for op in ops if getattr(op, "target", None) != m.qualified)
        if event == "create" and recovering:
            ops = plan.ops("drop") + ops  # undo the interrupted attempt, then start again
        written: dict[Name, int] = {}  # tables whose row count an operation reported
        for op in ops:
            if getattr(op, "stateful", False):  # only backends that compile these take it
                run: Callable[..., int | None] = backend.run
                rows = run(conn, op, plan.default_schema, context=context)
            else:
                rows = backend.run(conn, op, plan.default_schema)
            _follow(written, op, rows)
            _maybe_crash(event, op)
        if event == "drop":
            return None
        rows = written.get(m.qualified)
        return backend.count(conn, m.qualified) if rows is None else rows

    def _check_name_free(self, m: Materialization) -> None:
        with self.backend.connect() as conn:
            kind = self.backend.kind(conn, m.qualified)
        if kind is not None:
            raise NameTaken(
                f"Table '{m.qualified}' already exists and is not a materialization of Jasmine's"
            )

    def _check(self, m: Materialization) -> int:
        """Compare the stored rows with a fresh run of the query: same multiset of rows?"""
        backend = self.backend
        with backend.connect() as conn:
            stored = _fingerprint(backend.table_rows(conn, m.qualified))
        with backend.connect() as conn:
            fresh = _fingerprint(backend.query_rows(conn, m.query, m.plan.default_schema))
        if stored != fresh:
            raise Drifted(
                f"the stored rows ({stored[0]}) differ from a fresh run of the query "
                f"({fresh[0]} rows)"
            )
        return stored[0]

    def _objects_exist(self, m: Materialization) -> bool:
        target = m.plan.objects[0]
        with self.backend.connect() as conn:
            return self.backend.kind(conn, target.name) is not None

    # -- recording -------------------------------------------------------------------------

    def _succeeded(
        self,
        m: Materialization,
        event: str,
        goal: str,
        started: datetime,
        rows: int | None,
    ) -> Materialization | None:
        """The row after a step that succeeded (None: dropped), not yet saved."""
        if event == "drop":
            return None
        changes: dict[str, Any] = {"state": goal, "step": None, "last_error": None}
        if event in ("create", "refresh", "rebuild"):
            changes.update(fresh_as_of=started, last_refresh=started, rows=rows, health=None)
        elif event == "check":
            changes.update(health=None, rows=rows)
        elif m.health == "failing":
            changes["health"] = None
        if goal != "failed":
            changes["failed_from"] = None
        return replace(m, **changes)

    def _failed(
        self,
        m: Materialization,
        event: str,
        started: datetime,
        clock: float,
        exc: Exception,
        fence: int,
    ) -> Outcome:
        duration = int((time.monotonic() - clock) * 1000)
        # SQLAlchemy's text keeps the backend's error and the statement; its link is noise
        message = str(exc).split("\n(Background on this error at: ")[0]
        if _code(exc) == 1049:  # ER_BAD_DB_ERROR: its database was dropped, and it with it
            self.catalog.remove(m)
            event_id = self.catalog.record(
                m, event, started, to_state="dropped", duration_ms=duration,
                error=f"its database {m.schema} was dropped: {message}",
            )  # fmt: skip
            logger.warning("step %s", logfmt(materialization=m.qualified, event=event,
                                             to_state="dropped", error=message))  # fmt: skip
            return Outcome(event, m, None, event_id, duration, None, exc)
        if isinstance(exc, Drifted):
            after = replace(m, step=None, health="drifted", last_error=None)
            state = m.state
        elif _transient(exc) or event in ("verify", "drop"):
            # a verify that fails changes nothing; a drop that fails can be run again
            after = replace(m, step=None, health="failing", last_error=f"{event}: {message}")
            state = m.state
        else:
            state = "failed"
            after = replace(
                m,
                state="failed",
                step=None,
                failed_from=m.failed_from if m.state == "failed" else m.state,
                health="failing",
                last_error=f"{event}: {message}",
            )
        after, event_id = self.catalog.finish(
            m, after, fence, event, started, to_state=state, duration_ms=duration, error=message
        )
        logger.warning(
            "step %s",
            logfmt(
                materialization=m.qualified,
                event=event,
                from_state=m.state,
                to_state=state,
                duration_ms=duration,
                error=message,
                owner=self.owner,
            ),
        )
        return Outcome(event, m, after, event_id, duration, None, exc)

    def recover(self) -> list[Outcome]:
        """Run again every step that a dead process left half-done (call at start-up)."""
        outcomes = []
        for m, _ in self.catalog.interrupted(dead_here):
            logger.warning("recovering %s: its %s step was interrupted", m.qualified, m.step)
            try:
                outcomes.append(self.run(m, m.step or "verify", recovering=True))
            except IllegalStep as exc:  # another process took it over first
                logger.info("not recovering %s: %s", m.qualified, exc)
        return outcomes


def logfmt(**fields: object) -> str:
    """One structured log line: key=value pairs, values quoted when they need it.

    >>> logfmt(materialization="shop.daily revenue", event="refresh", rows=3, error=None)
    'materialization="shop.daily revenue" event=refresh rows=3 error=null'
    """
    parts = []
    for key, value in fields.items():
        text = "null" if value is None else str(value)
        if not text or any(c in text for c in ' "=\n\t'):
            text = json.dumps(text)
        parts.append(f"{key}={text}")
    return " ".join(parts)


class Drifted(Exception):
    """`check` found the stored rows differ from the query's."""


def dead_here(holder: str) -> bool:
    """Whether a lease holder (`host:pid:tag ...`) is a process of this host that is gone, so
    its step can be taken over at once rather than when its lease lapses."""
    host, _, rest = holder.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _process(holder: str) -> int | None:
    """The backend process id a lease holder noted (`... process=<id>`), if any."""
    match = re.search(r"process=(\d+)$", holder)
    return int(match.group(1)) if match else None


def _code(exc: Exception) -> int | None:
    """The backend's error code behind `exc`, if it is a backend error."""
    if isinstance(exc, BackendRejected):
        return exc.code
    args: tuple[Any, ...] = getattr(getattr(exc, "orig", None), "args", ())
    return args[0] if args and isinstance(args[0], int) else None


def _transient(exc: Exception) -> bool:
    if isinstance(exc, BackendUnavailable):
        return True
    code = getattr(exc, "code", None)
    if isinstance(exc, BackendRejected) and code in TRANSIENT_CODES:
        return True
    orig = getattr(exc, "orig", None)  # a SQLAlchemy DBAPIError around pymysql's
    args: tuple[Any, ...] = getattr(orig, "args", ())
    return bool(args) and args[0] in TRANSIENT_CODES


def _fingerprint(rows: Iterable[Sequence[Any]]) -> tuple[int, int]:
    """(row count, order-independent sum of row hashes): equal multisets give equal prints."""
    count, total = 0, 0
    for row in rows:
        count += 1
        total = (total + hash(tuple(row))) & 0xFFFFFFFFFFFFFFFF
    return count, total


def _follow(written: dict[Name, int], op: Op, rows: int | None) -> None:
    """Keep track of the row counts operations report (`CREATE TABLE ... AS` does) through
    the renames after them, so a snapshot's refresh needs no `SELECT COUNT(*)`; any other
    operation may change any table, and what was known is forgotten."""
    if isinstance(op, CreateTableAs) and rows is not None:
        written[op.target] = rows
    elif isinstance(op, Swap):
        moved = written.pop(op.shadow, None)
        written.pop(op.target, None)
        if moved is not None:
            written[op.target] = moved
    elif isinstance(op, Drop):
        written.pop(op.target, None)
    else:
        written.clear()


def _maybe_crash(event: str, op: Op) -> None:
    if os.environ.get(CRASH_AFTER) == f"{event}:{type(op).__name__}":
        logger.warning("%s: killing this process after %s", CRASH_AFTER, os.environ[CRASH_AFTER])
        os.kill(os.getpid(), signal.SIGKILL)
