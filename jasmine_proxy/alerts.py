"""Alerts: run `--alert-command` when a materialization's health or state turns bad, and when
it recovers.

The scheduler shows every catalog read to `Alerts.observe`, which compares each
materialization's (state, health) with what it saw last: a change into `stale`, `failing`,
`drifted` or state `failed` is an alert, and so is the change back to `ok`. The command runs
through the shell with a JSON description on stdin, one process per alert, in the scheduler's
worker thread, with a timeout; its failure is logged, never raised.

>>> a = Alerts(None)
>>> [x["event"] for x in a.changes([("s.m", "live", "ok")])]
[]
>>> [x["event"] for x in a.changes([("s.m", "live", "stale")])]
['stale']
>>> [x["event"] for x in a.changes([("s.m", "live", "ok")])]
['recovered']
"""

from __future__ import annotations

import json
import logging
import subprocess
from collections.abc import Iterable
from typing import Any

from jasmine_proxy.catalog import Materialization, now
from jasmine_proxy.report import health, staleness

logger = logging.getLogger(__name__)

BAD_HEALTH = frozenset({"stale", "failing", "drifted"})
TIMEOUT = 30.0


class Alerts:
    def __init__(self, command: str | None) -> None:
        self.command = command
        self.seen: dict[str, tuple[str, str]] = {}

    def observe(self, materializations: Iterable[Materialization]) -> None:
        """Compare with the last observation; send an alert for each change that matters."""
        if not self.command:
            return
        at = now()
        details = {}
        current = []
        for m in materializations:
            key = str(m.qualified)
            current.append((key, m.state, health(m, at)))
            details[key] = {
                "target_lag_seconds": m.options.target_lag,
                "staleness_seconds": staleness(m, at),
                "last_refresh": None if m.last_refresh is None else m.last_refresh.isoformat(),
                "last_error": m.last_error,
                "strategy": m.strategy,
            }
        for alert in self.changes(current):
            alert.update(details.get(alert["materialization"], {}))
            self.send(alert)

    def changes(self, current: Iterable[tuple[str, str, str]]) -> list[dict[str, Any]]:
        """The alerts that (name, state, health) observations call for (pure)."""
        alerts = []
        for name, state, status in current:
            bad = state == "failed" or status in BAD_HEALTH
            before = self.seen.get(name)
            self.seen[name] = (state, status)
            was_bad = before is not None and (before[0] == "failed" or before[1] in BAD_HEALTH)
            if bad and (state, status) != before:
                event = "failed" if state == "failed" else status
            elif was_bad and not bad:
                event = "recovered"
            else:
                continue
            alerts.append(
                {
                    "event": event,
                    "materialization": name,
                    "state": state,
                    "health": status,
                    "previous_state": None if before is None else before[0],
                    "previous_health": None if before is None else before[1],
                    "at": now().isoformat(),
                }
            )
        return alerts

    def send(self, alert: dict[str, Any]) -> None:
        assert self.command
        logger.info("alert: %s %s", alert["materialization"], alert["event"])
        try:
            done = subprocess.run(
                self.command,
                shell=True,
                input=json.dumps(alert),
                text=True,
                capture_output=True,
                timeout=TIMEOUT,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            logger.warning("alert command failed: %s", exc)
            return
        if done.returncode != 0:
            logger.warning(
                "alert command exited %d: %s", done.returncode, done.stderr.strip()[:500]
            )
