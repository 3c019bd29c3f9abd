"""Prometheus metrics (`--metrics-port`), with prometheus-client.

Refresh work is measured where it happens (`steps` observes each step); the scheduler hands
over each catalog read, and the per-materialization gauges (staleness, target lag, health,
state) are computed from the latest one at scrape time, so a tick costs nothing more; the relay's
counters are plain integers in
`relay.STATS`, read at scrape time by a collector, so the pass-through path pays one integer
increment per command and nothing else. With `--workers N` the endpoint is served by the first
process and counts its clients only.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime

from prometheus_client import Counter, Gauge, Histogram, start_http_server
from prometheus_client.core import (
    REGISTRY,
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
)
from prometheus_client.registry import Collector

from jasmine_proxy.catalog import Materialization, now
from jasmine_proxy.report import health, staleness

MAT = ["materialization"]

STEP_SECONDS = Histogram(
    "jasmine_step_duration_seconds",
    "Duration of lifecycle steps (refresh, create, rebuild, check, ...)",
    ["materialization", "event"],
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900),
)
STEP_FAILURES = Counter(
    "jasmine_step_failures", "Lifecycle steps that failed", ["materialization", "event"]
)
ROWS = Gauge(
    "jasmine_rows", "Rows in the materialization after its last build", ["materialization"]
)
QUEUE = Gauge("jasmine_scheduler_queue_depth", "Steps due and waiting for a refresh slot")


def step_done(m: Materialization, event: str, seconds: float, rows: int | None, ok: bool) -> None:
    name = str(m.qualified)
    STEP_SECONDS.labels(name, event).observe(seconds)
    if not ok:
        STEP_FAILURES.labels(name, event).inc()
    elif rows is not None:
        ROWS.labels(name).set(rows)


class MaterializationCollector(Collector):
    """The per-materialization gauges, from the latest catalog read (dropped ones disappear),
    as of the scrape."""

    observed: Sequence[Materialization] = ()

    def collect(self) -> Iterator[GaugeMetricFamily]:
        at = now()
        staleness_ = GaugeMetricFamily(
            "jasmine_staleness_seconds", "Seconds since the data was last known current", labels=MAT
        )
        lag = GaugeMetricFamily("jasmine_target_lag_seconds", "The target lag", labels=MAT)
        health_ = GaugeMetricFamily(
            "jasmine_health",
            "1 for the materialization's current health",
            labels=[*MAT, "health"],
        )
        state = GaugeMetricFamily(
            "jasmine_state", "1 for the materialization's lifecycle state", labels=[*MAT, "state"]
        )
        for m in self.observed:
            name = str(m.qualified)
            stale = staleness(m, at)
            if stale is not None:
                staleness_.add_metric([name], stale)
            lag.add_metric([name], m.options.target_lag)
            health_.add_metric([name, health(m, at)], 1)
            state.add_metric([name, m.state], 1)
        yield from (staleness_, lag, health_, state)


MATERIALIZATIONS = MaterializationCollector()
REGISTRY.register(MATERIALIZATIONS)


def observe(materializations: Iterable[Materialization], at: datetime) -> None:
    """Keep one catalog read (as of `at`) for the per-materialization gauges: they are
    computed from it when scraped, not on every scheduler tick."""
    MATERIALIZATIONS.observed = list(materializations)


class RelayCollector(Collector):
    def collect(self) -> Iterator[CounterMetricFamily | GaugeMetricFamily | HistogramMetricFamily]:
        from jasmine_proxy.relay import LATENCY_BUCKETS, SAMPLE, STATS

        cumulative, buckets = 0, []
        for bound, count in zip(
            [*map(str, LATENCY_BUCKETS), "+Inf"], STATS.latency_counts, strict=True
        ):
            cumulative += count
            buckets.append((bound, cumulative))
        yield HistogramMetricFamily(
            "jasmine_passthrough_reply_seconds",
            f"Pass-through commands (one in {SAMPLE}): time from forwarding the command to the "
            "backend's first reply bytes",
            buckets=buckets,
            sum_value=STATS.latency_sum,
        )

        yield CounterMetricFamily(
            "jasmine_client_commands", "Client commands relayed or answered", value=STATS.commands
        )
        yield GaugeMetricFamily(
            "jasmine_client_connections", "Clients connected now", value=STATS.connections
        )


def serve(port: int, host: str = "127.0.0.1") -> None:
    """Serve /metrics on `host:port` from a daemon thread."""
    REGISTRY.register(RelayCollector())
    start_http_server(port, addr=host)
