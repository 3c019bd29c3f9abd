"""`view`: a plain SQL VIEW. Always current; nothing to refresh.

>>> from jasmine_proxy.patterns import PATTERNS
>>> PATTERNS["view"].options
frozenset({'build'})
"""

from __future__ import annotations

from jasmine_proxy.patterns import Definition, register
from jasmine_proxy.plan import CreateView, Drop, Owned, Plan


@register
class View:
    name = "view"
    options = frozenset({"build"})
    summary = "a plain SQL VIEW: always current, computed by every read"

    def obstacle(self, d: Definition) -> str | None:
        return None  # any SELECT

    def compile(self, d: Definition) -> Plan:
        target = d.name
        return Plan(
            strategy=self.name,
            reasons=("view: accepts any SELECT; always current, nothing stored",),
            default_schema=d.default_schema,
            objects=(Owned(target, "VIEW"),),
            events={
                "create": (CreateView(target, d.query_text),),
                "rebuild": (CreateView(target, d.query_text, replace=True),),
                "drop": (Drop(target, "VIEW"),),
            },
        )
