"""``python -m bench`` (``make bench``): create the benchmark databases on PostgreSQL,
seed them with ``seed_scale``, run every suite against its baseline, print one table,
write it under ``bench/results/`` as JSON and Markdown, drop the databases, and exit
non-zero when a goal fails.

Three databases are seeded from one migrated template: the full scale (100,000 hazards;
10,000 with ``--quick``), a tenth of it (for the growth ratios) and a tiny one of 50 rows
(for the query counts that must not depend on the size)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from .core import Context, Result, parse

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS_DIR = BASE_DIR / "bench" / "results"

SUITES = ["explain", "queries", "load", "export", "pdf", "sweep", "roster"]

FULL = {
    "enterprises": 5000,
    "inspections": 30000,
    "hazards": 100000,
    "tasks": 2000,
    "notifications": 200000,
    "roster_people": 40,
}
SMALL = {
    "enterprises": 20,
    "inspections": 30,
    "hazards": 50,
    "tasks": 10,
    "notifications": 50,
    "roster_people": 40,
}


def scaled(sizes: dict, factor: float) -> dict:
    return {k: v if k == "roster_people" else max(1, round(v * factor)) for k, v in sizes.items()}


def database_url(admin_url: str, name: str) -> str:
    parts = urlsplit(admin_url)
    return urlunsplit(parts._replace(path="/" + name))


def run_sql(admin_url: str, *statements: str) -> None:
    import psycopg2

    conn = psycopg2.connect(admin_url)
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
    finally:
        conn.close()


def manage(env: dict, *args: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, check=True)
    return time.perf_counter() - start


def seed_args(sizes: dict, seed: int) -> list[str]:
    args = ["seed_scale", "--seed", str(seed)]
    for key, value in sizes.items():
        args += [f"--{key.replace('_', '-')}", str(value)]
    return args


def run_suite(name: str, ctx: Context) -> list[Result]:
    print(f"\n== {name}", flush=True)
    env = {**os.environ, **ctx.env()}
    try:
        proc = subprocess.run(
            [sys.executable, "-m", f"bench.suites.{name}"],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
            timeout=3600,
        )
    except subprocess.TimeoutExpired:
        return [Result.failed(name, "did not finish within an hour")]
    rows = parse(proc.stdout)
    for line in proc.stdout.splitlines():
        if not line.startswith("BENCH-RESULTS "):
            print("  " + line)
    if proc.returncode != 0:
        rows.append(Result.failed(name, f"exited with {proc.returncode}"))
    elif not rows:
        rows.append(Result.failed(name, "reported nothing"))
    return rows


def fmt(value: float | None, unit: str = "") -> str:
    if value is None:
        return "—"
    if value != value:  # NaN
        return "error"
    text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"
    return f"{text} {unit}".strip()


def table(rows: list[Result]) -> list[list[str]]:
    return [
        [
            r.name,
            fmt(r.ours, r.unit),
            fmt(r.baseline, r.unit),
            "—" if r.ratio is None else f"{r.ratio:.2f}",
            r.goal,
            "pass" if r.passed else "FAIL",
        ]
        for r in rows
    ]


HEADER = ["benchmark", "ours", "baseline", "ratio", "goal", "pass"]


def as_text(rows: list[Result]) -> str:
    body = [HEADER, *table(rows)]
    widths = [max(len(line[i]) for line in body) for i in range(len(HEADER))]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(line)) for line in body]
    lines.insert(1, "  ".join("-" * w for w in widths))
    notes = [f"- {r.name}: {r.note}" for r in rows if r.note]
    return "\n".join(lines + ([""] + notes if notes else []))


def as_markdown(rows: list[Result], meta: dict) -> str:
    lines = [
        f"# make bench — {meta['finished']}",
        "",
        f"Mode: {'QUICK' if meta['quick'] else 'full'}; sizes: "
        + ", ".join(f"{k} {v:,}" for k, v in meta["sizes"].items()),
        "",
        "| " + " | ".join(HEADER) + " |",
        "|" + "---|" * len(HEADER),
    ]
    lines += ["| " + " | ".join(cells) + " |" for cells in table(rows)]
    notes = [f"- {r.name}: {r.note}" for r in rows if r.note]
    return "\n".join(lines + ([""] + notes if notes else [])) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="10,000 hazards instead of 100,000")
    parser.add_argument("--only", nargs="*", choices=SUITES, help="run only these suites")
    parser.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    parser.add_argument(
        "--reuse", action="store_true", help="use the databases a --keep run left (no seeding)"
    )
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    admin_url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
    sizes = scaled(FULL, 0.1) if args.quick else dict(FULL)
    # BENCH_DB_PREFIX: another name, so that two runs on one server keep apart.
    prefix = os.environ.get("BENCH_DB_PREFIX", "safetyzone_bench") + (
        "_quick" if args.quick else ""
    )
    names = {"full": prefix, "tenth": prefix + "_tenth", "small": prefix + "_small"}
    all_sizes = {"full": sizes, "tenth": scaled(sizes, 0.1), "small": dict(SMALL)}
    ctx = Context(
        quick=args.quick,
        database_url=database_url(admin_url, names["full"]),
        database_url_tenth=database_url(admin_url, names["tenth"]),
        database_url_small=database_url(admin_url, names["small"]),
        redis_url=redis_url,
        sizes=all_sizes["full"],
        sizes_tenth=all_sizes["tenth"],
        sizes_small=all_sizes["small"],
        out_dir=str(BASE_DIR / "bench" / "out"),
    )
    started = time.perf_counter()
    base_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "REDIS_URL": ""}
    base_env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    try:
        run_sql(admin_url, "SELECT 1")
    except Exception as exc:
        print(f"make bench needs PostgreSQL at {admin_url} (BENCH_DATABASE_URL): {exc}")
        return 2
    if not args.reuse:
        template = prefix + "_template"
        run_sql(
            admin_url,
            *(f'DROP DATABASE IF EXISTS "{n}" WITH (FORCE)' for n in [*names.values(), template]),
            f'CREATE DATABASE "{template}"',
        )
        print(f"migrating {template} …", flush=True)
        manage({**base_env, "DATABASE_URL": database_url(admin_url, template)}, "migrate", "-v0")
        run_sql(
            admin_url, *(f'CREATE DATABASE "{n}" TEMPLATE "{template}"' for n in names.values())
        )
        run_sql(admin_url, f'DROP DATABASE "{template}"')
        for key, name in names.items():
            env = {**base_env, "DATABASE_URL": database_url(admin_url, name)}
            print(f"seeding {name}: {all_sizes[key]} …", flush=True)
            seconds = manage(env, *seed_args(all_sizes[key], args.seed))
            print(f"  seeded in {seconds:.0f} s", flush=True)
    rows: list[Result] = []
    try:
        for suite in args.only or SUITES:
            rows += run_suite(suite, ctx)
    finally:
        if not args.keep:
            run_sql(
                admin_url, *(f'DROP DATABASE IF EXISTS "{n}" WITH (FORCE)' for n in names.values())
            )
    finished = dt.datetime.now().astimezone()
    meta = {
        "finished": finished.isoformat(timespec="seconds"),
        "quick": args.quick,
        "sizes": sizes,
        "seconds": round(time.perf_counter() - started),
        "command": "make bench" + (" QUICK=1" if args.quick else ""),
    }
    print("\n" + as_text(rows))
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = finished.strftime("%Y%m%d-%H%M%S") + ("-quick" if args.quick else "")
    document = {**meta, "results": [asdict(r) for r in rows]}
    for name in (f"bench-{stamp}", "latest" + ("-quick" if args.quick else "")):
        (RESULTS_DIR / f"{name}.json").write_text(
            json.dumps(document, ensure_ascii=False, indent=2, allow_nan=True)
        )
        (RESULTS_DIR / f"{name}.md").write_text(as_markdown(rows, meta))
    print(f"\nwritten to {RESULTS_DIR}/bench-{stamp}.json and .md ({meta['seconds']} s)")
    failed = [r.name for r in rows if not r.passed]
    if failed:
        print(f"{len(failed)} goal(s) failed: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
