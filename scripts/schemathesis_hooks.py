"""Loaded by schemathesis (SCHEMATHESIS_HOOKS, set by scripts/schemathesis)."""

import schemathesis


@schemathesis.serializer("message/rfc822")
def rfc822(ctx, value):
    """POST /api/v1/bounces takes a mail message as it is: whatever was generated goes on
    the wire as its bytes."""
    if isinstance(value, bytes):
        return value
    return str(value).encode("utf-8")
