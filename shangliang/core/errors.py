"""Domain errors: what the UI shows as a clear message, never a 403 or a 500.

"Not allowed for you" and "not possible in this state" are different answers.
"""


class DomainError(Exception):
    """Base for refusals that the user should read. `message` is user-facing (Chinese first, via gettext)."""

    status_code = 400

    def __init__(self, message, *, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field


class NotAllowed(DomainError):
    """The actor may not do this (a permission answer)."""

    status_code = 403


class NotPossible(DomainError):
    """Nobody may do this now: the object's state does not allow it."""

    status_code = 409


class InvalidInput(DomainError):
    """The input is wrong; nothing was changed."""

    status_code = 400
