"""Ledger export (issue 7, point 4): every hazard to .xlsx from the database, the way the
ledger's Excel button does it, against XlsxWriter in constant-memory mode writing the same
rows already in memory.

Each run is a fresh child process (``python -m bench.suites.export --child ...``), so the
peak RSS (VmHWM) measured is that of a process doing nothing but the export, as a web
worker would, Django loaded. The product's child times the view's code path: the filter
form with no filter, the scoped selector for the committee staff user ``bench-staff``
(who sees every unit), and ``inspections.exports.write_ledger_xlsx``. The baseline's child
first loads the same rows as plain Python values (untimed), then times only the writing:
the same sheet, column widths, formats, title, header, freeze and autofilter. Runs take
turns; the figures are medians. The two files must hold the same sheet (the export-time
stamp aside), else the comparison would not be of the same work."""

from __future__ import annotations

import hashlib
import json
import os
import re
import statistics
import subprocess
import sys
import time
import zipfile
from pathlib import Path

from bench.core import Result, emit, peak_rss_mb, setup_django

STAFF = "bench-staff"
RSS_LIMIT_MB = 150
TIME_RATIO = 1.3


# --- The children ---------------------------------------------------------------------


def _staff():
    from safetyzone.org.models import User

    return User.objects.get(username=STAFF)


def product_export(path: str) -> dict:
    """The ledger export's writer (what the export job runs) for bench-staff with no
    filter, writing to ``path``."""
    from inspections import exports
    from inspections.selectors import hazards as hazard_selectors

    user = _staff()
    start = time.perf_counter()
    hazards = hazard_selectors.hazard_list(user=user)
    exports.write_ledger_xlsx(hazards, path)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "rss_mb": peak_rss_mb()}


def load_rows() -> list[list]:
    """Every hazard as the ledger's cells, plain values in the ledger's order: read
    here on their own (not through the product's export code) so that the comparison
    of the two files checks the product too."""
    from django.utils import timezone
    from django.utils.translation import gettext

    from inspections.models import Hazard, HazardLevel
    from inspections.selectors import hazards as hazard_selectors

    yes, no = gettext("Yes"), gettext("No")
    levels = dict(HazardLevel.choices)
    statuses = dict(Hazard.Status.choices)
    today = timezone.localdate()
    rows = []
    for values in (
        Hazard.objects.order_by("-found_on", "-pk")
        .values(*hazard_selectors.LEDGER_COLUMNS)
        .iterator(5000)
    ):
        closed = values["closed_at"]
        rows.append(
            [
                values["code"],
                values["enterprise__name"],
                values["place"],
                values["key_area__name"],
                str(levels[values["level"]]),
                values["description"],
                values["found_on"],
                values["responsible_unit__name"],
                values["responsible_person"],
                values["deadline"],
                str(statuses[values["status"]]),
                yes
                if values["status"] in Hazard.OPEN_STATUSES and today > values["deadline"]
                else no,
                yes if values["is_supervised"] else no,
                yes if values["is_recurrence"] else no,
                timezone.localtime(closed).strftime("%Y-%m-%d %H:%M") if closed else "",
                values["plan_responsibility"],
                values["plan_measures"],
                float(values["plan_funds"]) if values["plan_funds"] is not None else None,
                values["plan_time_limit"],
                values["plan_contingency"],
            ]
        )
    return rows


def baseline_write(rows: list[list], path: str) -> None:
    """XlsxWriter alone: the ledger's sheet from rows already in memory."""
    import xlsxwriter
    from django.utils import timezone
    from django.utils.translation import gettext

    from inspections.exports import ledger_columns

    workbook = xlsxwriter.Workbook(
        path, {"constant_memory": True, "default_date_format": "yyyy-mm-dd"}
    )
    title_text = gettext("Hazard ledger")
    sheet = workbook.add_worksheet(title_text[:31])
    header = workbook.add_format({"bold": True, "bg_color": "#DDDDDD", "border": 1})
    title = workbook.add_format({"bold": True, "font_size": 14})
    money = workbook.add_format({"num_format": "#,##0.00"})
    columns = ledger_columns()
    funds_column = len(columns) - 3
    for index, (_label, width) in enumerate(columns):
        sheet.set_column(index, index, width, money if index == funds_column else None)
    sheet.write(0, 0, title_text, title)
    stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    sheet.write(0, 5, gettext("Exported at %(time)s") % {"time": stamp})
    for index, (label, _width) in enumerate(columns):
        sheet.write(1, index, label, header)
    row_number = 2
    for row in rows:
        sheet.write_row(row_number, 0, row)
        row_number += 1
    sheet.freeze_panes(2, 1)
    sheet.autofilter(1, 0, max(row_number - 1, 1), len(columns) - 1)
    workbook.close()


def baseline_export(path: str) -> dict:
    import gc

    rows = load_rows()
    gc.collect()
    # The rows stay in memory through the timing; freezing them keeps the collector from
    # walking them again and again, which is no part of writing the file.
    gc.freeze()
    start = time.perf_counter()
    baseline_write(rows, path)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "rss_mb": peak_rss_mb(), "rows": len(rows)}


def child(which: str, path: str) -> None:
    from django.conf import settings
    from django.utils import translation

    setup_django()
    # A request without the language cookie: the site's language.
    with translation.override(settings.LANGUAGE_CODE):
        result = product_export(path) if which == "product" else baseline_export(path)
    print("CHILD " + json.dumps(result), flush=True)


# --- The parent -----------------------------------------------------------------------


def run_child(ctx, which: str, path: Path) -> dict:
    env = {**os.environ, **ctx.env()}
    proc = subprocess.run(
        [sys.executable, "-m", "bench.suites.export", "--child", which, str(path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    for line in proc.stdout.splitlines():
        if line.startswith("CHILD "):
            return json.loads(line[len("CHILD ") :])
    raise RuntimeError(f"{which} export exited with {proc.returncode}: {proc.stderr[-1500:]}")


def sheet_digest(path: Path) -> str:
    """A hash of the worksheet's XML with the export-time stamp (cell F1) left out."""
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml")
    xml = re.sub(rb'<c r="F1"[^>]*>.*?</c>', b"", xml, count=1)
    return hashlib.sha256(xml).hexdigest()


def main() -> None:
    ctx = setup_django()
    from inspections.models import Hazard

    out = Path(ctx.out_dir) / "export"
    out.mkdir(parents=True, exist_ok=True)
    product_path, baseline_path = out / "ledger-product.xlsx", out / "ledger-baseline.xlsx"
    rows_seeded = ctx.sizes.get("hazards") or Hazard.objects.count()
    label = f"{rows_seeded:,}"
    time_name = f"export: ledger xlsx, {label} rows (time)"
    rss_name = f"export: ledger xlsx, {label} rows (peak RSS)"
    try:
        _staff()
        # Warm PostgreSQL's cache, so that the first run of either is not the one paying.
        total = len(Hazard.objects.values_list("pk", "code", "description"))
        repeat = 7 if ctx.quick else 3
        runs: dict[str, list[dict]] = {"product": [], "baseline": []}
        for i in range(repeat):
            order = ("product", "baseline") if i % 2 == 0 else ("baseline", "product")
            for which in order:
                path = product_path if which == "product" else baseline_path
                result = run_child(ctx, which, path)
                runs[which].append(result)
                print(
                    f"{which:8} run {i + 1}/{repeat}: {result['seconds']:.2f} s, "
                    f"peak RSS {result['rss_mb']:.0f} MB",
                    flush=True,
                )
        ours = statistics.median(r["seconds"] for r in runs["product"])
        base = statistics.median(r["seconds"] for r in runs["baseline"])
        same = sheet_digest(product_path) == sheet_digest(baseline_path)
        note = (
            f"{total:,} rows; {repeat} runs each, turn about, medians; "
            f"product and baseline sheets {'identical' if same else 'DIFFER'}"
        )
        time_row = Result.ratio_at_most(time_name, ours, base, "s", TIME_RATIO, note=note)
        if not same:
            time_row.passed = False
        rss = max(r["rss_mb"] for r in runs["product"])
        rss_base = max(r["rss_mb"] for r in runs["baseline"])
        rss_row = Result.at_most(
            rss_name,
            rss,
            "MB",
            RSS_LIMIT_MB,
            baseline=rss_base,
            note="VmHWM of a fresh process doing only the export, Django loaded (max of the "
            "runs); baseline: the baseline's process, all rows in memory",
        )
        rows = [time_row, rss_row]
    except Exception as exc:  # noqa: BLE001 - a suite reports, it never crashes the run
        rows = [Result.failed(time_name, exc), Result.failed(rss_name, exc)]
    finally:
        for path in (product_path, baseline_path):
            path.unlink(missing_ok=True)
    emit(rows)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3])
    else:
        main()
