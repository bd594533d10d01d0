"""What a model backend's failure means: worth asking again, and what the user should do.

Read from the exception's type and its HTTP status (the ``status_code`` attribute the openai
client's errors carry), never from its message text.
"""

from __future__ import annotations

RETRY_STATUSES = frozenset({408, 409, 425, 429})


def status(exc: BaseException) -> int | None:
    code = getattr(exc, "status_code", None)
    return code if isinstance(code, int) else None


def transient(exc: BaseException) -> bool:
    """Down (connection refused or reset), timed out, rate-limited or failing on its side:
    asking again later may work. A bad key (401), a refused request (400, 403, 404) will not."""
    code = status(exc)
    if code is not None:
        return code in RETRY_STATUSES or code >= 500
    if isinstance(exc, (ConnectionError, TimeoutError)):
        return True
    try:
        import openai
    except ImportError:  # pragma: no cover - openai is a dependency
        return False
    return isinstance(exc, (openai.APIConnectionError, openai.APITimeoutError))


def advice(exc: BaseException) -> str:
    """The fix to name for this failure."""
    code = status(exc)
    if code in (401, 403):
        return "Check the API key (OPENAI_API_KEY) and that it may use this model."
    if code == 429:
        return "The backend is rate-limiting: try again later, or lower the load."
    return "Check that it is running and reachable, or switch ASSISTANT_LLM."
