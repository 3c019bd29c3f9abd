"""`snapshot`: the query computed into a shadow table and swapped in atomically.

Every build (create, refresh, rebuild) is the same three operations: drop a leftover shadow,
compute the query into the shadow, swap it in. Readers of the target see the old complete result
until the swap and the new one after it, never an empty or partial table. Running the sequence
again after a crash at any point converges.

>>> from jasmine_proxy.patterns import PATTERNS
>>> sorted(PATTERNS["snapshot"].options)
['build', 'target_lag', 'unique_key']
"""

from __future__ import annotations

from jasmine_proxy.patterns import Definition, internal, register
from jasmine_proxy.plan import CreateTableAs, Drop, Op, Owned, Plan, Swap


@register
class Snapshot:
    name = "snapshot"
    options = frozenset({"target_lag", "unique_key", "build"})
    summary = "a table fully recomputed into a shadow table and swapped in atomically"

    def obstacle(self, d: Definition) -> str | None:
        return d.obstacle(self.name)  # any SELECT; a unique_key must be an output column

    def compile(self, d: Definition) -> Plan:
        target = d.name
        shadow, old = internal(target, "new"), internal(target, "old")
        compute = (Drop(shadow, "TABLE"), CreateTableAs(shadow, d.query_text, d.options.unique_key))
        build: tuple[Op, ...] = (*compute, Swap(target, shadow, old))
        return Plan(
            strategy=self.name,
            reasons=("snapshot: accepts any SELECT; recomputed in full by each refresh",),
            default_schema=d.default_schema,
            objects=(Owned(target, "TABLE"), Owned(shadow, "TABLE"), Owned(old, "TABLE")),
            events={
                "create": (*compute, Swap(target, shadow, old, first=True)),
                "refresh": build,
                "rebuild": build,
                "drop": (Drop(target, "TABLE"), Drop(shadow, "TABLE"), Drop(old, "TABLE")),
            },
        )
