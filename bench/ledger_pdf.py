"""The ledger PDF's cost, measured on a seeded database (``manage.py seed_scale``, e.g.
``--hazards 10000``): ``python -m bench.ledger_pdf`` renders the first pieces of the
ledger of ``bench-staff`` (every unit) with the product's own piece renderer
(``inspections.exports.ledger_pdf_piece``, PDF_CHUNK_ROWS rows each) and prints each
piece's wall-clock and CPU time and the load of the machine; ``--whole`` runs the export
job's writer (``write_ledger_pdf_export``: every piece, then the join) and prints its
time, pages, size and peak memory. Not a suite of ``make bench``: a piece takes seconds,
the whole ledger at 100,000 rows tens of minutes; bench/README.md has the figures.

    DATABASE_URL=postgres://... python -m bench.ledger_pdf [--pieces 3] [--whole]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from itertools import islice


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pieces", type=int, default=3)
    parser.add_argument("--whole", action="store_true")
    options = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safetyzone.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.utils import translation

    from bench.core import peak_rss_mb
    from inspections import exports
    from safetyzone.documents.services import Progress
    from safetyzone.org.models import User

    translation.activate(settings.LANGUAGE_CODE)
    user = User.objects.get(username="bench-staff")
    hazards = exports.ledger_hazards(user, {})
    total = hazards.count()
    size = exports.PDF_CHUNK_ROWS
    context = exports.ledger_pdf_context(total, exports.ledger_filters_described(user, {}))
    rows = exports.ledger_rows(hazards)
    print(f"{total:,} hazards; pieces of {size} rows; load {_load()}")
    for index in range(options.pieces):
        chunk = list(islice(rows, size))
        if not chunk:
            break
        wall, cpu = time.perf_counter(), time.process_time()
        pdf = exports.ledger_pdf_piece(context, chunk, first_number=index * size + 1, first_page=1)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(
            f"piece {index + 1}: {wall:.2f} s wall, {cpu:.2f} s CPU "
            f"({cpu / len(chunk) * 1000:.1f} ms CPU a row), {len(pdf) // 1024} KB; "
            f"load {_load()}"
        )
    if options.whole:
        from pypdf import PdfReader

        fd, path = tempfile.mkstemp(suffix=".pdf")
        os.close(fd)
        try:
            wall, cpu = time.perf_counter(), time.process_time()
            exports.write_ledger_pdf_export(user, {}, Progress(), path)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            pages = len(PdfReader(path).pages)
            print(
                f"whole ledger: {total:,} rows, {wall:.1f} s wall, {cpu:.1f} s CPU, "
                f"{pages:,} pages, {os.path.getsize(path) / 2**20:.1f} MB, "
                f"peak RSS {peak_rss_mb():.0f} MB; load {_load()}"
            )
        finally:
            os.unlink(path)


if __name__ == "__main__":
    main()
