"""List rows read as values and written as JSON without a serializer.

A list of twenty records through a DRF ModelSerializer builds a model instance per row
(and per related record) and then walks every field of every row through its serializer
field: most of the time of a large list's page. A :class:`Rows` names the columns of a
list's row once (the names of its serializer, in its order) and reads a page as
``values()``; the few types whose JSON the serializer writes differently from the
renderer are converted here (date-times in the current time zone, as DRF's field does).
A list action uses it through :meth:`safetyzone.core.api.Pagination.paginate_rows`; the
detail keeps its serializer, and a test of each list asserts the two agree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import F, QuerySet
from django.utils import timezone

_PLAIN = (str, int, bool, type(None))


def json_value(value):
    if type(value) in _PLAIN:  # most values: nothing to convert
        return value
    if isinstance(value, dt.datetime):
        # As rest_framework.fields.DateTimeField: in the current time zone, ISO 8601.
        text = timezone.localtime(value).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


class Rows:
    """``columns``: each field of the row, by its name in the JSON, with the column or
    path it is read from when that differs (``{"enterprise_name": "enterprise__name"}``;
    a plain name is a column or an annotation of the queryset)."""

    def __init__(self, columns: Iterable[str | tuple[str, str]]):
        self.plain: list[str] = []  # read by their own name (columns, annotations)
        self.paths: dict[str, F] = {}  # read through a relation, under the row's name
        self.source: dict[str, str] = {}  # the row's name -> the key values() gives
        for column in columns:
            name, path = column if isinstance(column, tuple) else (column, column)
            if "__" in path:
                self.paths[name] = F(path)
                self.source[name] = name
            else:
                # A column read under another name (``enterprise`` from
                # ``enterprise_id``) is renamed here: values() may not alias it.
                self.plain.append(path)
                self.source[name] = path

    def values(self, queryset: QuerySet) -> QuerySet:
        return queryset.values(*self.plain, **self.paths)

    def json(self, row: dict) -> dict:
        return {name: json_value(row[key]) for name, key in self.source.items()}

    def complete(self, rows: list[dict]) -> list[dict]:
        """A page's rows, with what one query for the whole page adds to them (a
        subclass's nested lists); as they are by default."""
        return rows

    def page(self, found: Iterable[dict]) -> list[dict]:
        """A page of ``values()`` rows, ready for the JSON renderer."""
        return self.complete([self.json(row) for row in found])

    def read(self, queryset: QuerySet) -> list[dict]:
        """The rows of ``queryset`` (a page's slice), ready for the JSON renderer."""
        return self.page(self.values(queryset))
