"""Pagination that never counts a whole large table.

Django's paginator runs ``SELECT COUNT(*)`` over every row the list matches before it
reads a page; at hundreds of thousands of hazards or notifications that count costs far
more than the twenty rows shown. This paginator counts at most ``cap`` rows
(``SELECT COUNT(*) FROM (SELECT … LIMIT cap + 1)``): below the cap it is Django's
paginator exactly; above it the count reads "more than 10,000", pages are still numbered
and any page can be reached, and whether there is a next page is learnt by reading one
row more than the page.

The cap is ``settings.PAGINATION_COUNT_CAP`` (default 10,000), or a subclass's
``count_cap``. The pages and the API (``safetyzone.core.api.Pagination``) both use it.

Counting up to the cap still reads 10,001 rows, on every request of a large list's
first page. A count that reached the cap is therefore remembered in the cache for
``CAPPED_COUNT_SECONDS`` (a minute), keyed by its SQL (the same list, as the same
scope sees it): for that minute "more than 10,000" is said without counting. A count
below the cap is never remembered, so a list of fewer rows always shows its exact
count; a capped list that shrinks below the cap says so within the minute.
"""

from __future__ import annotations

import hashlib
import uuid

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.core.paginator import Page as DjangoPage
from django.core.paginator import Paginator as DjangoPaginator
from django.db.models import QuerySet
from django.db.models.query import ModelIterable
from django.utils.functional import cached_property

DEFAULT_COUNT_CAP = 10_000
CAPPED_COUNT_SECONDS = 60
_GENERATION_KEY = "pagination:capped:generation"


def _capped_key(rows: QuerySet) -> str:
    sql = f"{rows.db}:{rows.query}".encode()
    return f"pagination:capped:{hashlib.sha256(sql).hexdigest()}"


def _remembered_capped(key: str) -> bool:
    """Whether the count of ``key`` reached the cap within the minute, in the current
    generation (one round trip to the cache: the entry holds its generation)."""
    found = cache.get_many([_GENERATION_KEY, key])
    generation = found.get(_GENERATION_KEY)
    return generation is not None and found.get(key) == generation


def _remember_capped(key: str) -> None:
    generation = cache.get(_GENERATION_KEY)
    if generation is None:
        cache.add(_GENERATION_KEY, uuid.uuid4().hex, None)
        generation = cache.get(_GENERATION_KEY)
    cache.set(key, generation, CAPPED_COUNT_SECONDS)


def forget_capped_counts() -> None:
    """Count every list again from the next request on (the remembered capped counts
    are dropped)."""
    cache.set(_GENERATION_KEY, uuid.uuid4().hex, None)


class Page(DjangoPage):
    """A page of a list whose count was capped: it knows whether a page follows from
    the extra row read with it, not from the count."""

    def __init__(self, object_list, number, paginator, *, has_next: bool):
        super().__init__(object_list, number, paginator)
        self._has_next = has_next

    def has_next(self) -> bool:
        return self._has_next

    def end_index(self) -> int:
        return self.start_index() + len(self.object_list) - 1


class Paginator(DjangoPaginator):
    """Django's Paginator with a capped count (see the module's docstring). ``read``,
    when given, reads a page's slice of the list (a list of rows instead of the
    queryset's objects, e.g. :meth:`safetyzone.core.rows.Rows.read`); the count is
    still of the list itself."""

    count_cap: int | None = None

    def __init__(self, object_list, per_page, *args, read=None, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        self.read = read

    @property
    def cap(self) -> int:
        return self.count_cap or getattr(settings, "PAGINATION_COUNT_CAP", DEFAULT_COUNT_CAP)

    @cached_property
    def _counted(self) -> int:
        """The number of rows, counted up to one more than the cap."""
        rows = self.object_list
        if not isinstance(rows, QuerySet):
            return len(rows)
        if not rows.query.distinct_fields:
            # The order does not change a count, and it would make the database sort.
            rows = rows.order_by()
        if rows._iterable_class is ModelIterable and not rows.query.combinator:
            # Rows of model instances: count their keys, so that the annotations the
            # page shows (a subquery per row...) are not computed for the count.
            rows = rows.values("pk")
        rows = rows[: self.cap + 1]
        try:
            key = _capped_key(rows)
        except EmptyResultSet:  # a list that cannot have rows (``none()``, ``__in=[]``)
            return 0
        if _remembered_capped(key):
            return self.cap + 1
        counted = rows.count()
        if counted > self.cap:
            _remember_capped(key)
        return counted

    @property
    def count_is_capped(self) -> bool:
        """True when there are more rows than the cap: ``count`` is then the cap."""
        return self._counted > self.cap

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.cap)

    def validate_number(self, number) -> int:
        if not self.count_is_capped:
            return super().validate_number(number)
        # Past the cap, a page exists while it has rows: page() finds out.
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError) as exc:
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from exc
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number

    def get_page(self, number) -> DjangoPage:
        try:
            return super().get_page(number)
        except EmptyPage:
            # A page past the rows, beyond the cap: the last page counted, as Django does.
            return self.page(self.num_pages)

    def page(self, number) -> DjangoPage:
        if not self.count_is_capped:
            if self.read is None:
                return super().page(number)
            # Django's page, with its slice read by ``read``.
            number = self.validate_number(number)
            bottom = (number - 1) * self.per_page
            top = bottom + self.per_page
            if top + self.orphans >= self.count:
                top = self.count
            return DjangoPage(self.read(self.object_list[bottom:top]), number, self)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = self.object_list[bottom : bottom + self.per_page + 1]
        rows = self.read(rows) if self.read is not None else list(rows)
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        return Page(rows[: self.per_page], number, self, has_next=len(rows) > self.per_page)
