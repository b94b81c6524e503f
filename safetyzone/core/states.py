"""Status graphs: the one way a record's steps are declared and checked.

A model whose status moves through steps declares them once, as ``Hazard`` does::

    TRANSITIONS = StatusGraph({
        Status.REPORTED: (Status.RECTIFYING,),
        Status.RECTIFYING: (Status.SUBMITTED,),
        ...
    })

Services check a step with ``Model.TRANSITIONS.check(record.status, target)``, which
raises :class:`TransitionNotAllowed`; the API answers that with 409 Conflict and a page
shows its message. Views ask the graph (``allows``) and the write rule of
``safetyzone.org.scoping`` whether to offer a step, instead of recomputing it.
"""

from collections.abc import Iterable, Iterator, Mapping

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class TransitionNotAllowed(ValidationError):
    """A step the record's status graph does not allow from its current status (or a
    step already taken: a second decision on a decided request). The API answers it
    with 409 Conflict, a page with its message; it is a ``ValidationError`` so code that
    only knows those still shows it."""

    def __init__(self, message=None, code: str = "transition_not_allowed", params=None):
        super().__init__(
            message or _("This change is not allowed in the record's current state."),
            code=code,
            params=params,
        )


class StatusGraph(Mapping):
    """The allowed moves of a status field: ``{status: (next statuses...)}``.

    A mapping, so ``graph[status]`` and ``graph.get(status, ())`` read as the plain dict
    it is declared with. A status missing from the declaration has no way out.
    """

    def __init__(self, moves: Mapping[str, Iterable[str]]):
        self._moves = {str(status): tuple(targets) for status, targets in moves.items()}
        for status, targets in self._moves.items():
            unknown = [target for target in targets if target not in self._moves]
            if unknown:
                raise ValueError(f"{status} leads to undeclared statuses {unknown}")

    def __getitem__(self, status: str) -> tuple[str, ...]:
        return self._moves[status]

    def __iter__(self) -> Iterator[str]:
        return iter(self._moves)

    def __len__(self) -> int:
        return len(self._moves)

    def allows(self, current: str, target: str) -> bool:
        """May a record in ``current`` move to ``target``?"""
        return target in self._moves.get(current, ())

    def check(self, current: str, target: str, message=None) -> None:
        """Refuse with :class:`TransitionNotAllowed` unless ``current`` may move to
        ``target``."""
        if not self.allows(current, target):
            raise TransitionNotAllowed(message)

    def check_in(self, current: str, allowed: Iterable[str], message=None) -> None:
        """Refuse unless ``current`` is one of ``allowed``: for a step that is not a move
        of the status itself (a progress report while the work is open)."""
        if current not in tuple(allowed):
            raise TransitionNotAllowed(message)

    @property
    def final(self) -> tuple[str, ...]:
        """The statuses with no way out (accepted, decided, closed)."""
        return tuple(status for status, targets in self._moves.items() if not targets)

    @property
    def open(self) -> tuple[str, ...]:
        """The statuses with a way out: the record still needs someone's work."""
        return tuple(status for status, targets in self._moves.items() if targets)
