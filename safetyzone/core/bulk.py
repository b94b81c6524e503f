"""Fast bulk inserts for generated data (``manage.py seed_scale``).

Rows are plain dicts keyed by the model's attribute names (``enterprise_id``), not model
instances: building hundreds of thousands of instances costs more than inserting them.
Primary keys are reserved from the table's sequence before the insert, so that the caller
knows every new row's id (to point other rows at it) and the seed run can record the
exact ranges it inserted. On PostgreSQL the rows go in through ``COPY``; elsewhere
(SQLite in the tests) through one prepared INSERT.

Nothing here calls ``save()``: no signal fires, simple-history records nothing by
itself (the generators write the historical rows they want), and ``auto_now`` fields
take the value given in the row (``now`` when the row has none).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal

from django.apps import apps
from django.db import connections, models
from django.utils import timezone

_MISSING = object()


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
NULL = "\\N"


def _escape(text: str) -> str:
    return text.translate(_ESCAPES)


def _copy_text(value) -> str:
    """One value in PostgreSQL's COPY text format, whatever its type."""
    if value is None:
        return NULL
    kind = type(value)
    if kind is str:
        return value.translate(_ESCAPES)
    if kind is bool:
        return "t" if value else "f"
    if kind is int or kind is Decimal or kind is float:
        return str(value)
    if kind is dt.datetime or kind is dt.date:
        return value.isoformat()
    if kind is dict or kind is list:
        return json.dumps(value, ensure_ascii=False).translate(_ESCAPES)
    return str(value).translate(_ESCAPES)


# How each kind of field's values become COPY text; ``v`` is the value, not None.
_FORMATS = {
    **dict.fromkeys(
        ["CharField", "TextField", "SlugField", "EmailField", "URLField", "FileField"],
        # str.translate walks every character: check first (most texts need nothing)
        '(escape(v) if ("\\\\" in v or "\\t" in v or "\\n" in v or "\\r" in v) else v)',
    ),
    # Dates repeat (a few thousand days), so do a hazard's moments in its history rows.
    **dict.fromkeys(
        ["DateField", "DateTimeField"], "(moments.get(v) or moments.setdefault(v, v.isoformat()))"
    ),
    "BooleanField": '("t" if v else "f")',
    **dict.fromkeys(
        [
            "AutoField",
            "BigAutoField",
            "IntegerField",
            "BigIntegerField",
            "SmallIntegerField",
            "PositiveIntegerField",
            "PositiveSmallIntegerField",
            "PositiveBigIntegerField",
            "ForeignKey",
            "OneToOneField",
            "DecimalField",
        ],
        "str(v)",
    ),
}


def _line_function(plan: list[tuple]):
    """A function turning one row (a dict) into a line of COPY text, written out for
    the model's columns: a call per value would cost more than the COPY itself.
    ``plan`` holds (attribute name, default, field) per column."""
    namespace: dict = {"NULL": NULL, "escape": _escape, "copy_text": _copy_text, "moments": {}}
    parts = []
    for n, (name, default, field) in enumerate(plan):
        namespace[f"d{n}"] = default
        value = f"get({name!r}, d{n})"
        form = _FORMATS.get(field.get_internal_type())
        if form is None:
            parts.append(f"copy_text({value})")
        else:
            parts.append(f"(NULL if (v := {value}) is None else {form})")
    source = "def line(row):\n    get = row.get\n    return '\\t'.join((\n"
    source += "".join(f"        {part},\n" for part in parts) + "    ))\n"
    exec(source, namespace)  # noqa: S102 - source built above from the model's field names
    return namespace["line"]


class BulkWriter:
    """Insert generated rows and remember, per model, the ranges of keys inserted.

    ``rows`` is the record kept by the seed run: ``[label, "raw", first, last]`` for
    rows inserted here (deleted again by key range), ``[label, "orm", pk, pk]`` for
    objects a service created (deleted through the ORM, with their cascade)."""

    def __init__(self, using: str = "default", *, log=None) -> None:
        self.using = using
        self.connection = connections[using]
        self.rows: list[list] = []
        self.log = log or (lambda message: None)
        # Rows inserted and seconds spent inserting them, per model.
        self.counts: dict[str, int] = {}
        self.seconds: dict[str, float] = {}

    @property
    def is_postgres(self) -> bool:
        return self.connection.vendor == "postgresql"

    # --- keys ---------------------------------------------------------------------

    def reserve(self, model: type[models.Model], n: int) -> int:
        """Take ``n`` consecutive primary keys of ``model``; returns the first."""
        table = model._meta.db_table
        column = model._meta.pk.column
        with self.connection.cursor() as cursor:
            if self.is_postgres:
                cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, column])
                sequence = cursor.fetchone()[0]
                cursor.execute("SELECT nextval(%s)", [sequence])
                first = cursor.fetchone()[0]
                if n > 1:
                    cursor.execute("SELECT setval(%s, %s)", [sequence, first + n - 1])
                return first
            quoted = self.connection.ops.quote_name
            cursor.execute(f"SELECT MAX({quoted(column)}) FROM {quoted(table)}")  # noqa: S608
            highest = cursor.fetchone()[0] or 0
            if self.connection.vendor == "sqlite":
                cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
                found = cursor.fetchone()
                highest = max(highest, found[0] if found else 0)
            return highest + 1

    def remember(self, model: type[models.Model], first: int, last: int, how: str = "raw"):
        label = model._meta.label_lower
        previous = self.rows[-1] if self.rows else None
        if previous and previous[0] == label and previous[1] == how and previous[3] + 1 == first:
            previous[3] = last
        else:
            self.rows.append([label, how, first, last])

    def remember_object(self, obj: models.Model) -> None:
        """An object a service created: removed with its cascade when the run is undone."""
        self.remember(type(obj), obj.pk, obj.pk, "orm")

    # --- inserting ----------------------------------------------------------------

    def insert(self, model: type[models.Model], rows: list[dict]) -> list[dict]:
        """Insert ``rows`` (dicts of attribute names); each row without a primary key
        gets one reserved here, written back into the dict."""
        if not rows:
            return rows
        pk = model._meta.pk.attname
        missing = [row for row in rows if row.get(pk) is None]
        if missing:
            first = self.reserve(model, len(missing))
            for offset, row in enumerate(missing):
                row[pk] = first + offset
            self.remember(model, first, first + len(missing) - 1)
        start = time.perf_counter()
        if self.is_postgres:
            self._copy(model, rows)
        else:
            self._insert_many(model, rows)
        label = model._meta.label_lower
        self.counts[label] = self.counts.get(label, 0) + len(rows)
        self.seconds[label] = self.seconds.get(label, 0.0) + time.perf_counter() - start
        return rows

    def insert_chunked(
        self, model: type[models.Model], rows: Iterable[dict], size: int = 20000
    ) -> int:
        """Insert rows from a generator ``size`` at a time; returns how many."""
        batch: list[dict] = []
        total = 0
        for row in rows:
            batch.append(row)
            if len(batch) >= size:
                self.insert(model, batch)
                total += len(batch)
                batch = []
        if batch:
            self.insert(model, batch)
            total += len(batch)
        return total

    def _columns(self, model: type[models.Model]):
        now = timezone.now()
        columns = []
        for field in model._meta.concrete_fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                default = now
            elif field.has_default():
                default = field.get_default  # called per row: token defaults differ
            elif field.blank and field.empty_strings_allowed and not field.null:
                default = ""
            elif field.null:
                default = None
            else:
                default = _MISSING
            columns.append((field, default))
        return columns

    def _value(self, row: dict, field, default):
        value = row.get(field.attname, _MISSING)
        if value is _MISSING:
            if default is _MISSING:
                raise ValueError(f"{field.model.__name__}.{field.attname} needs a value")
            value = default() if callable(default) else default
        return value

    def _copy(self, model: type[models.Model], rows: list[dict]) -> None:
        columns = self._columns(model)
        # Defaults that differ per row (tokens) are filled in first; a missing value
        # without a default is an error.
        for field, default in columns:
            if default is _MISSING or callable(default):
                for row in rows:
                    if field.attname not in row:
                        row[field.attname] = self._value(row, field, default)
        line = _line_function(
            [
                (
                    field.attname,
                    None if default is _MISSING or callable(default) else default,
                    field,
                )
                for field, default in columns
            ]
        )
        buffer = io.StringIO()
        buffer.write("\n".join(map(line, rows)))
        buffer.write("\n")
        buffer.seek(0)
        quoted = self.connection.ops.quote_name
        names = ", ".join(quoted(field.column) for field, _default in columns)
        sql = f"COPY {quoted(model._meta.db_table)} ({names}) FROM STDIN"
        self.connection.ensure_connection()
        with self.connection.cursor() as cursor:
            raw = cursor.cursor
            if hasattr(raw, "copy_expert"):  # psycopg2
                raw.copy_expert(sql, buffer)
            else:  # psycopg 3
                with raw.copy(sql) as copy:
                    copy.write(buffer.getvalue())

    def _insert_many(self, model: type[models.Model], rows: list[dict]) -> None:
        """Other databases (SQLite in the tests): one prepared INSERT, run for every
        row, with the values prepared by the fields as the ORM would."""
        columns = self._columns(model)
        quoted = self.connection.ops.quote_name
        names = ", ".join(quoted(field.column) for field, _default in columns)
        marks = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {quoted(model._meta.db_table)} ({names}) VALUES ({marks})"  # noqa: S608
        params = [
            [
                field.get_db_prep_save(self._value(row, field, default), self.connection)
                for field, default in columns
            ]
            for row in rows
        ]
        with self.connection.cursor() as cursor:
            cursor.executemany(sql, params)

    # --- undoing ------------------------------------------------------------------

    def delete_recorded(self, rows: list[list]) -> None:
        """Delete what an earlier run recorded, newest first. Rows of other people that
        point at them make the database refuse, and nothing is deleted."""
        for label, how, first, last in reversed(rows):
            model = apps.get_model(label)
            found = model._base_manager.using(self.using).filter(pk__gte=first, pk__lte=last)
            if how == "orm":
                found.delete()
            else:
                found._raw_delete(self.using)

    @contextmanager
    def loading(self, tables: Iterable[type[models.Model]]) -> Iterator[None]:
        """PostgreSQL's recipe for populating a database: the foreign keys and the plain
        (non-unique) indexes of ``tables`` are dropped while the rows go in, then
        created again with the same names and definitions. Adding a foreign key checks
        every row in one join, instead of one deferred check per row at commit; an
        index built once is cheaper than one kept up row by row. Primary keys and
        unique constraints stay, so duplicates are still refused at once.

        Everything is transactional: if anything fails, the constraints and indexes
        are back as they were. The tables stay locked until the transaction ends."""
        if not self.is_postgres:
            yield
            return
        names = sorted({m._meta.db_table for m in tables})
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
                "FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY(%s::regclass[]) "
                "ORDER BY 1, 2",
                [names],
            )
            foreign_keys = cursor.fetchall()
            cursor.execute(
                "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) "
                "FROM pg_index i WHERE i.indrelid = ANY(%s::regclass[]) "
                "AND NOT i.indisprimary AND NOT i.indisunique AND NOT EXISTS "
                "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) ORDER BY 1",
                [names],
            )
            indexes = cursor.fetchall()
            # Checks of rows written before (by a caller's transaction) run now: no table
            # can be altered while trigger events wait.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table, name, _definition in foreign_keys:
                cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
            for name, _definition in indexes:
                cursor.execute(f"DROP INDEX {name}")
        yield
        with self.connection.cursor() as cursor:
            # Run the checks still deferred (rows written through the ORM), so that no
            # table is altered with trigger events pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for _name, definition in indexes:
                cursor.execute(definition)
            for table, name, definition in foreign_keys:
                cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}")
            # Django's foreign keys are all deferrable, initially deferred: so again.
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")

    def analyze(self) -> None:
        """Refresh the planner's statistics of every table written to (PostgreSQL)."""
        if not self.is_postgres:
            return
        tables = sorted({apps.get_model(label)._meta.db_table for label, *_rest in self.rows})
        with self.connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"ANALYZE {self.connection.ops.quote_name(table)}")


class Progress:
    """Timed progress lines: ``with progress.step("hazards"): ...``."""

    def __init__(self, write) -> None:
        self.write = write
        self.started = time.perf_counter()

    @contextmanager
    def step(self, what: str) -> Iterator[None]:
        start = time.perf_counter()
        yield
        now = time.perf_counter()
        self.write(f"  {what}: {now - start:.1f} s (total {now - self.started:.1f} s)")
