"""The refresh scheduler: keeps every live materialization within its target_lag (trio).

It reads the catalog every tick (1 s) and, between reads, sleeps until the next step falls due
or a running one ends (from the rows it read and the outcomes of its own steps). At most
`concurrency` steps run at once; when more are due than slots are free, the one whose deadline
is earliest goes first (earliest deadline first: a refresh's deadline is when its data turns
`target_lag` old, so under overload the short lags are not queued behind long ones that became
due earlier). The steps:

* a refresh, planned from the observed refresh duration rather than a fixed period: data is
  current as of the start of its last refresh (`fresh_as_of`), and the next refresh must *end*
  before `fresh_as_of + target_lag`, so it starts at `fresh_as_of + target_lag - expected
  duration - margin`;
* the take-over of a step whose holder died (its lease lapsed), run again to converge;
* a `check` (drift detection) now and then for patterns that maintain their result change by
  change (incremental, trigger, window_join), every max(5 min, 10 x target_lag);
* after a failure, the same step again with exponential backoff (1 s, 2 s, 4 s ... 5 min); a
  failure that needs a person has moved the materialization to `failed`, which is not scheduled
  until someone RESUMEs it.

Steps are the synchronous core's (`steps.Steps.run`) and run in worker threads; trio's threads
are not abandoned on cancellation, so at shutdown an in-flight step finishes (or fails and is
recorded) before `run` returns. Several schedulers on one backend (proxies, workers) never run
the same step at once: each step is claimed by a lease in the catalog first.
"""

from __future__ import annotations

import logging
import math
import signal
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import trio

from jasmine_proxy import metrics
from jasmine_proxy.alerts import Alerts
from jasmine_proxy.catalog import Materialization, now
from jasmine_proxy.errors import IllegalStep
from jasmine_proxy.steps import Steps, dead_here

logger = logging.getLogger(__name__)

MAX_BACKOFF = 300.0
#: strategies whose result is maintained change by change, so it can drift from the query: the
#: scheduler runs `check` on them every max(CHECK_EVERY, 10 x target_lag) seconds
CHECKED = frozenset({"incremental", "trigger", "window_join"})
CHECK_EVERY = 300.0


@dataclass
class Backoff:
    failures: int = 0
    not_before: datetime = field(default_factory=now)


@dataclass
class Scheduler:
    steps: Steps
    concurrency: int = 4
    tick: float = 1.0  # how often the catalog is read again (others' changes, new ones)
    running: set[int] = field(default_factory=set)
    backoff: dict[int, Backoff] = field(default_factory=dict)
    durations: dict[int, float] = field(default_factory=dict)  # last refresh, seconds
    alerts: Alerts = field(default_factory=lambda: Alerts(None))
    known: dict[int, Materialization] = field(default_factory=dict)  # the last catalog read
    checked: dict[int, datetime] = field(default_factory=dict)  # last drift check, this process
    started: datetime = field(default_factory=now)
    #: id -> (when due, deadline, event) of each idle materialization's next step, planned when
    #: its row or the outcome of its last step changed (not again on every wake-up)
    planned: dict[int, tuple[datetime, datetime, str]] = field(default_factory=dict)
    #: materializations another scheduler refreshes (this one lost a claim on them since its
    #: last step on them): refreshed from here only once late by a tick, so several
    #: schedulers split the work instead of racing for the same claims on stale rows
    theirs: set[int] = field(default_factory=set)
    _wake: trio.Event = field(default_factory=trio.Event)

    async def run(self, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        """Schedule until cancelled; in-flight steps finish before this returns.

        The catalog is read every `tick`; between reads the loop sleeps until the next step
        falls due (from the cached rows and the outcomes of its own steps), so a 1 s target
        lag is kept without reading the catalog many times a second."""
        limiter = trio.CapacityLimiter(self.concurrency)
        async with trio.open_nursery() as nursery:
            task_status.started()
            next_read = trio.current_time()
            interrupted: list[Materialization] = []
            while True:
                if trio.current_time() >= next_read:
                    try:
                        began, known = now(), dict(self.known)
                        rows, interrupted = await trio.to_thread.run_sync(self.read, known)
                        self.apply(rows, began)
                    except Exception:
                        logger.warning("scheduler: cannot read the catalog", exc_info=True)
                    next_read = trio.current_time() + self.tick
                work, wait = self.due(now(), interrupted)
                free = max(0, self.concurrency - len(self.running))
                for m, event, recovering in work[:free]:
                    self.running.add(m.id)
                    self.planned.pop(m.id, None)
                    nursery.start_soon(self._step, m, event, recovering, limiter)
                interrupted = [m for m in interrupted if m.id not in self.running]
                metrics.QUEUE.set(len(work) - min(free, len(work)))
                self._wake = trio.Event()
                if len(work) > free:  # busy: the next slot that frees is taken at once
                    wait = math.inf
                with trio.move_on_after(max(0.0, min(wait, next_read - trio.current_time()))):
                    await self._wake.wait()  # a step ended: plan again at once

    def read(
        self, known: dict[int, Materialization]
    ) -> tuple[list[Materialization], list[Materialization]]:
        """Read the catalog (alerts and metrics see it too): every row (in full only those
        that changed since `known`), and the steps to take over. Runs in a worker thread: the
        rows are applied by `apply`, in the loop."""
        everything = self.steps.catalog.all_since(known)
        self.alerts.observe(everything)
        metrics.observe(everything, now())
        return everything, [m for m, _ in self.steps.catalog.interrupted(dead_here) if m.step]

    def apply(self, rows: Sequence[Materialization], began: datetime) -> None:
        """Take a catalog read (begun at `began`) as what is known, except a row this process
        wrote since (a step of its own that ended while the read ran), then plan again."""
        known = {}
        for m in rows:
            mine = self.known.get(m.id)
            newer = mine is not None and mine.updated > began and mine.fence >= m.fence
            known[m.id] = mine if newer and mine is not None else m
        self.known = known
        self.planned.clear()
        for m in known.values():
            self.plan(m)

    def plan(self, m: Materialization) -> None:
        """Plan `m`'s next step (or none) from its row, its last duration and its backoff."""
        self.planned.pop(m.id, None)
        if m.id in self.running or m.step is not None:
            return
        planned = self.next_step(m)
        if planned is None:
            return
        event, when = planned
        backoff = self.backoff.get(m.id)
        if backoff and backoff.not_before > when:
            when = backoff.not_before
        deadline = when
        if event == "refresh" and m.fresh_as_of is not None:
            deadline = m.fresh_as_of + timedelta(seconds=m.options.target_lag)
            if m.id in self.theirs:  # the other one's: taken over once clearly late
                when = max(when, deadline + timedelta(seconds=self.tick))
        # several schedulers see the same due steps: each orders near deadlines its own way (a
        # stable nudge of up to 5% of the lag), so they do not all race for the same claims
        share = (hash((self.owner, m.id)) % 1000) / 1000
        nudge = timedelta(seconds=0.05 * share * m.options.target_lag)
        self.planned[m.id] = (when, deadline + nudge, event)

    @property
    def owner(self) -> str:
        return self.steps.owner if self.steps is not None else ""

    def due(
        self,
        at: datetime,
        interrupted: Sequence[Materialization] = (),
    ) -> tuple[list[tuple[Materialization, str, bool]], float]:
        """What may run now, most urgent first ((materialization, event, taking over a dead
        holder's step)): take-overs, then earliest deadline first; and how many seconds until
        the next planned step falls due."""
        work = [(m, str(m.step), True) for m in interrupted if m.id not in self.running]
        ready: list[tuple[datetime, int, str]] = []
        wait = math.inf
        for key, (when, deadline, event) in self.planned.items():
            if when <= at:
                ready.append((deadline, key, event))
            else:
                wait = min(wait, (when - at).total_seconds())
        ready.sort()
        work += [(self.known[key], event, False) for _, key, event in ready]
        return work, wait

    def next_step(self, m: Materialization) -> tuple[str, datetime] | None:
        """The next event `m` needs and when: a refresh starts early enough to end before the
        data is `target_lag` old (its last duration plus a margin for the unexpected)."""
        if m.state == "defined" and m.options.build == "deferred":
            return "verify", m.created
        if m.state == "verified":
            return "create", m.updated
        if m.state != "live":
            return None  # paused, or failed: a person's move
        lag = m.options.target_lag
        due: list[tuple[str, datetime]] = []
        if m.plan.ops("refresh") and m.fresh_as_of is None:
            due.append(("refresh", m.updated))
        elif m.plan.ops("refresh") and m.fresh_as_of is not None:
            expected = self.durations.get(m.id, 0.0)
            margin = 0.05 + 0.1 * lag + 0.5 * expected
            start = m.fresh_as_of + timedelta(seconds=max(0.0, lag - expected - margin))
            due.append(("refresh", start))
        if m.strategy in CHECKED:  # drift: maintained incrementally, compared now and then
            last = self.checked.get(m.id, self.started)
            due.append(("check", last + timedelta(seconds=max(CHECK_EVERY, 10 * lag))))
        return min(due, key=lambda d: d[1]) if due else None

    def next_event(self, m: Materialization, at: datetime) -> str | None:
        """The event due for `m` at `at`, if any."""
        planned = self.next_step(m)
        return planned[0] if planned and planned[1] <= at else None

    async def _step(
        self, m: Materialization, event: str, recovering: bool, limiter: trio.CapacityLimiter
    ) -> None:
        try:
            async with limiter:
                clock = trio.current_time()
                try:
                    outcome = await trio.to_thread.run_sync(
                        lambda: self.steps.run(m, event, None, recovering)
                    )
                except IllegalStep as exc:  # someone else got there first, or state moved on
                    logger.debug("scheduler: %s %s not run: %s", m.qualified, event, exc)
                    self.known.pop(m.id, None)  # wait for the next catalog read
                    self.theirs.add(m.id)
                    return
                except Exception:
                    logger.exception("scheduler: %s %s crashed", m.qualified, event)
                    self._failed(m)
                    return
                self.theirs.discard(m.id)
                if outcome.after is None:
                    self.known.pop(m.id, None)
                else:
                    self.known[m.id] = outcome.after
                if outcome.error is not None:
                    self._failed(m)
                    return
                self.backoff.pop(m.id, None)
                if event in ("refresh", "create", "rebuild"):
                    self.durations[m.id] = trio.current_time() - clock
                if event in ("check", "create", "rebuild"):
                    self.checked[m.id] = now()
        finally:
            self.running.discard(m.id)
            if (known := self.known.get(m.id)) is not None:
                self.plan(known)
            self._wake.set()

    def _failed(self, m: Materialization) -> None:
        wait = self.backoff.setdefault(m.id, Backoff())
        wait.failures += 1
        delay = min(MAX_BACKOFF, math.pow(2, wait.failures - 1))
        wait.not_before = now() + timedelta(seconds=delay)
        logger.warning(
            "scheduler: %s failed %d time(s) in a row; next attempt in %.0f s",
            m.qualified,
            wait.failures,
            delay,
        )


class Background:
    """A scheduler on its own thread with its own trio loop, beside `serve`'s wire front end.

    `stop()` cancels it and waits for in-flight steps to finish (at most `grace` seconds)."""

    def __init__(self, scheduler: Scheduler) -> None:
        self.scheduler = scheduler
        self._started = threading.Event()
        self._token: trio.lowlevel.TrioToken | None = None
        self._scope: trio.CancelScope | None = None
        self._thread = threading.Thread(target=self._main, name="jasmine scheduler", daemon=True)

    def start(self) -> None:
        self._thread.start()
        self._started.wait()

    def _main(self) -> None:
        async def main() -> None:
            self._token = trio.lowlevel.current_trio_token()
            with trio.CancelScope() as self._scope:
                self._started.set()
                await self.scheduler.run()

        try:
            trio.run(main)
        except Exception:
            logger.exception("the scheduler stopped")
        finally:
            self._started.set()

    def stop(self, grace: float = 30.0) -> None:
        if not self._thread.is_alive():
            return  # never started (serve failed before listening), or over already
        if self._token is not None and self._scope is not None:
            scope = self._scope
            try:
                self._token.run_sync_soon(scope.cancel)
            except trio.RunFinishedError:
                pass
        self._thread.join(grace)


async def run_until_signalled(scheduler: Scheduler) -> None:
    """`jasmine-proxy worker`: schedule until SIGINT/SIGTERM, then let in-flight steps end."""
    with trio.open_signal_receiver(signal.SIGINT, signal.SIGTERM) as signals:
        async with trio.open_nursery() as nursery:
            await nursery.start(scheduler.run)
            async for signum in signals:
                logger.info("scheduler: %s, finishing in-flight steps", signal.Signals(signum).name)
                nursery.cancel_scope.cancel()
                break
