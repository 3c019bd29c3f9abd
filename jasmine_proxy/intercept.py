"""The cheap check: is this COM_QUERY one of Jasmine's extended statements?

It looks only at the first bytes of the statement text and never parses: everything it says no
to is relayed to the backend untouched. Comments and any whitespace may sit between keywords,
and keywords are matched in any case, as the grammar allows.

>>> is_extended(b"create /* nightly */ Materialization m AS SELECT 1")
True
>>> is_extended(b"SELECT * FROM materialization")
False
"""

from __future__ import annotations

import re

#: How many bytes of a statement the check needs to see (longer leading comments: relayed).
PEEK = 512

_GAP = rb"(?:\s|/\*(?!!).*?\*/|\#[^\n]*(?:\n|$)|--[ \t][^\n]*(?:\n|$)|--(?:\n|$))"
_EXTENDED = re.compile(
    rb"%s*(?:create|alter|refresh|drop|explain%s+create|show(?:%s+create)?)%s+materializations?\b"
    % (_GAP, _GAP, _GAP, _GAP),
    re.IGNORECASE | re.DOTALL,
)

#: Bytes a gap (whitespace or comment) can start with.
_GAP_START = frozenset(b" \t\r\n/#-")
#: The first two letters of each leading keyword, in any case: SELECT and SET fail at "se".
_KEYWORD_START = frozenset(
    bytes((a, b))
    for word in (b"cr", b"al", b"re", b"dr", b"ex", b"sh")
    for a in (word[0], word[0] - 32)
    for b in (word[1], word[1] - 32)
)


def is_extended(statement: bytes | bytearray | memoryview) -> bool:
    """True if `statement` (the text of a COM_QUERY, or its first PEEK bytes) is Jasmine's."""
    if not might_be_extended(statement, 0):
        return False
    return _EXTENDED.match(bytes(statement[:PEEK])) is not None


def might_be_extended(data: bytes | bytearray | memoryview, i: int) -> bool:
    """False when a statement whose text starts at data[i] cannot be Jasmine's.

    Decides nearly every ordinary statement from its first two bytes, so the relay can pass
    it on without looking further.
    """
    if i >= len(data):
        return False
    if data[i] in _GAP_START:
        return True
    return i + 1 >= len(data) or bytes(data[i : i + 2]) in _KEYWORD_START
