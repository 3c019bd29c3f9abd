"""`auto` (the default): the cheapest registered strategy that accepts the query and meets
`target_lag`: zero lag wants `trigger`; otherwise `window_join` for a join of two event streams
within a time window (it appends, keeping no lineage), `incremental` where it applies, and
`snapshot` for the rest. The plan's reasons say why each other strategy was not chosen.
"""

from __future__ import annotations

from dataclasses import replace

from jasmine_proxy.errors import NotMaintainable
from jasmine_proxy.patterns import PATTERNS, Definition, register
from jasmine_proxy.plan import Plan

PREFERENCE = ("trigger", "window_join", "incremental", "snapshot")


@register
class Auto:
    name = "auto"
    options = frozenset(
        {"target_lag", "unique_key", "watermark", "window", "allowed_lateness", "build"}
    )
    summary = "the cheapest strategy that accepts the query and meets target_lag"

    def obstacle(self, d: Definition) -> str | None:
        return None if self._choose(d)[0] else "no strategy accepts this query"

    def _choose(self, d: Definition) -> tuple[str | None, list[str]]:
        reasons: list[str] = []
        order = PREFERENCE if d.options.target_lag == 0 else PREFERENCE[1:] + PREFERENCE[:1]
        chosen = None
        for name in order:
            pattern = PATTERNS.get(name)
            if chosen:
                reasons.append(f"{name}: not considered, {chosen} comes first for this lag")
            elif pattern is None:
                reasons.append(f"{name}: not available in this version")
            elif unknown := set(d.options.given) - pattern.options:
                reasons.append(f"{name}: does not take option {', '.join(sorted(unknown))}")
            elif obstacle := pattern.obstacle(d):
                reasons.append(f"{name}: {obstacle}")
            else:
                chosen = name
        return chosen, reasons

    def compile(self, d: Definition) -> Plan:
        chosen, reasons = self._choose(d)
        if chosen is None:
            raise NotMaintainable("no strategy accepts this query: " + "; ".join(reasons))
        plan = PATTERNS[chosen].compile(d)
        why = f"auto chose {chosen}: the cheapest strategy that accepts the query"
        return replace(plan, reasons=(why, *plan.reasons, *reasons))
