"""Meeting notice PDF (issue 7, point 5).

The suite issues one meeting of its own (through the campaigns services, as committee
staff ``bench-staff``) and removes it, its document number and its documents afterwards.

(a) Render: the product's path, ``documents.services.document_file_render`` (context,
    template, WeasyPrint: what the worker calls), against WeasyPrint rendering the same
    final HTML string (the product's ``render_html``), with the same base URL and URL
    fetcher, so that both load the same stylesheet and fonts. Turn about, medians.
(b) Size of the product's PDF.
(c) The job through a real Celery worker on Redis (``celery -A bench.celery_app worker
    --pool=solo`` on a queue of its own, this run's database): T_job from the request
    (``document_subject_get`` and ``document_request``, as the view calls them) until the
    document's row reads done; T_render, the rendering time the worker records on the
    document; T_rt, a bare round trip: the no-op ``bench.ping`` sent to the same worker,
    observed the same way (polling its row in the database). Goal: the median of
    T_job − T_render at most twice the median T_rt.
"""

from __future__ import annotations

import io
import os
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

from bench.core import Result, emit, interleaved_medians, setup_django, stop_process

STAFF = "bench-staff"
KIND = "meeting_notice"
RENDER_RATIO = 1.2
SIZE_LIMIT_KB = 1024
OVERHEAD_RATIO = 2
POLL_SECONDS = 0.003
WORKER_START_SECONDS = 120
JOB_TIMEOUT_SECONDS = 120

NAME_RENDER = "pdf: meeting notice render (time)"
NAME_SIZE = "pdf: meeting notice size"
NAME_JOB = "pdf: notice job through Celery, beyond the render"


def prepare_environment() -> Path:
    """Before Django starts: a broker for the tasks this process sends, and media of the
    run's own (the worker writes the PDFs there too)."""
    media = Path(os.environ.get("BENCH_OUT_DIR", "bench/out")).resolve() / "pdf-media"
    os.environ["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL") or "redis://127.0.0.1:6379/14"
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "0"
    os.environ["MEDIA_ROOT"] = str(media)
    return media


# --- The meeting ----------------------------------------------------------------------


def issue_meeting(staff):
    """An issued mobilisation meeting of the safety office, attended by every member unit,
    with the demo's agenda and requirements."""
    import datetime as dt

    from django.utils import timezone

    from campaigns.demo import AGENDA, REQUIREMENTS
    from campaigns.models import Meeting
    from campaigns.services.meetings import meeting_create, meeting_issue
    from safetyzone.org.models import Unit

    members = Unit.objects.filter(membership=Unit.Membership.MEMBER, is_active=True)
    starts = timezone.localtime() + dt.timedelta(days=3)
    meeting = meeting_create(
        actor=staff,
        title="近期安全生产工作暨“安全生产月”启动部署会议",
        kind=Meeting.Kind.MOBILISATION,
        starts_at=starts.replace(hour=9, minute=0, second=0, microsecond=0),
        place="高新区管委会三楼会议室",
        chair="王立（高新区管委会副主任）",
        organiser=staff.unit,
        notice_body="为贯彻落实上级关于近期安全防范工作的部署，安排部署中考、端午节、吉马赛事"
        "及安全生产月咨询日等重要节日和重要活动安全防范工作，经研究，定于近期召开近期安全"
        "生产工作暨“安全生产月”启动部署会议。现将有关事项通知如下：",
        attending_units=members,
        agenda=AGENDA,
        requirements=REQUIREMENTS,
    )
    meeting_issue(meeting=meeting, actor=staff)
    return Meeting.objects.get(pk=meeting.pk)


def remove_meeting(meeting) -> None:
    from django.contrib.contenttypes.models import ContentType

    from campaigns.models import DocumentNumber, Meeting
    from safetyzone.documents.models import GeneratedDocument

    documents = GeneratedDocument.objects.filter(
        content_type=ContentType.objects.get_for_model(Meeting), object_id=meeting.pk
    )
    for document in documents:
        if document.file:
            document.file.delete(save=False)
    documents.delete()
    number_id = Meeting.objects.filter(pk=meeting.pk).values_list("document_number", flat=True)
    number_id = number_id.first()
    Meeting.objects.filter(pk=meeting.pk).delete()
    if number_id:
        DocumentNumber.objects.filter(pk=number_id).delete()


# --- (a) and (b): the rendering -------------------------------------------------------


def measure_render(meeting) -> list[Result]:
    from pypdf import PdfReader
    from weasyprint import HTML

    from safetyzone.documents import services
    from safetyzone.documents.registry import get_document_kind
    from safetyzone.documents.rendering import BASE_URL, StaticFilesURLFetcher, render_html

    kind = get_document_kind(KIND)
    html = render_html(kind.template, kind.context(meeting))
    files: dict[str, bytes] = {}

    def ours() -> None:
        files["ours"] = services.document_file_render(kind=KIND, subject=meeting)

    def baseline() -> None:
        files["baseline"] = HTML(
            string=html, base_url=BASE_URL, url_fetcher=StaticFilesURLFetcher()
        ).write_pdf()

    repeat = 7
    ours_s, base_s = interleaved_medians(ours, baseline, repeat=repeat, warmup=1)
    pages = {name: len(PdfReader(io.BytesIO(data)).pages) for name, data in files.items()}
    kb, base_kb = len(files["ours"]) / 1024, len(files["baseline"]) / 1024
    print(
        f"render: product {ours_s:.3f} s, WeasyPrint on the same HTML {base_s:.3f} s; "
        f"{kb:.0f} KB and {base_kb:.0f} KB",
        flush=True,
    )
    return [
        Result.ratio_at_most(
            NAME_RENDER,
            ours_s,
            base_s,
            "s",
            RENDER_RATIO,
            note=f"{repeat} runs each, turn about, medians; the same HTML ({len(html):,} "
            f"characters), base URL and URL fetcher; pages {pages['ours']} and "
            f"{pages['baseline']}",
        ),
        Result.at_most(
            NAME_SIZE,
            kb,
            "KB",
            SIZE_LIMIT_KB,
            baseline=base_kb,
            note="fonts subset by WeasyPrint; baseline: the same HTML through WeasyPrint",
        ),
    ]


# --- (c): the job through a real worker -----------------------------------------------


class Worker:
    """A Celery worker on a queue of its own, stopped however the suite ends."""

    def __init__(self, ctx, media: Path, log_path: Path):
        self.queue = f"bench-pdf-{uuid.uuid4().hex[:8]}"
        self.log_path = log_path
        env = {
            **os.environ,
            **ctx.env(),
            "DATABASE_URL": ctx.database_url,
            "REDIS_URL": os.environ["REDIS_URL"],
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "MEDIA_ROOT": str(media),
        }
        celery = Path(sys.executable).parent / "celery"
        base_dir = Path(__file__).resolve().parent.parent.parent
        with open(log_path, "wb") as log:
            self.process = subprocess.Popen(
                [
                    str(celery),
                    "-A",
                    "bench.celery_app",
                    "worker",
                    "--pool=solo",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                    "-Q",
                    self.queue,
                    "-n",
                    f"{self.queue}@%h",
                    "--loglevel=" + os.environ.get("BENCH_WORKER_LOGLEVEL", "WARNING"),
                ],
                cwd=base_dir,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def check(self) -> None:
        if self.process.poll() is not None:
            tail = self.log_path.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"the worker exited ({self.process.returncode}): {tail}")

    def stop(self) -> None:
        stop_process(self.process)


def forget_queue(queue: str) -> None:
    """Delete the worker's queue and the binding sets kombu keeps in Redis for it (the
    exchange is named after the queue), so that a run leaves no keys behind."""
    import redis

    from safetyzone.celery import app as celery_app

    with celery_app.connection_for_write() as conn:
        conn.default_channel.queue_delete(queue)
    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    client.delete(f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")


def wait_for(worker: Worker, check, timeout: float):
    """Poll ``check`` every few ms until it returns something; the time it did, and that."""
    deadline = time.perf_counter() + timeout
    while True:
        found = check()
        now = time.perf_counter()
        if found is not None:
            return now, found
        if now > deadline:
            raise TimeoutError(f"nothing after {timeout:.0f} s")
        worker.check()
        time.sleep(POLL_SECONDS)


def measure_job(ctx, meeting, staff, media: Path) -> list[Result]:
    from django.db import connection

    from bench.celery_app import ping
    from safetyzone.celery import app as celery_app
    from safetyzone.documents import selectors, services
    from safetyzone.documents.models import GeneratedDocument
    from safetyzone.org.models import User

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_ping (token varchar(40) PRIMARY KEY)")
    log_path = Path(ctx.out_dir) / "pdf-worker.log"
    worker = Worker(ctx, media, log_path)
    default_queue = celery_app.conf.task_default_queue
    # The product's tasks go where this worker listens (its .delay() names no queue).
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = worker.queue
    active = list(GeneratedDocument.ACTIVE_STATUSES)

    def round_trip(timeout: float = JOB_TIMEOUT_SECONDS) -> float:
        token = uuid.uuid4().hex

        def arrived():
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1 FROM bench_ping WHERE token = %s", [token])
                return cursor.fetchone()

        start = time.perf_counter()
        ping.delay(token)
        end, _row = wait_for(worker, arrived, timeout)
        return end - start

    def job() -> tuple[float, float]:
        user = User.objects.get(pk=staff.pk)  # as a request's user: no permission cache
        start = time.perf_counter()
        subject = selectors.document_subject_get(user=user, kind=KIND, object_id=meeting.pk)
        document = services.document_request(user=user, kind=KIND, subject=subject)
        finished = GeneratedDocument.objects.filter(pk=document.pk).exclude(status__in=active)
        end, (status, duration, error) = wait_for(
            worker,
            lambda: finished.values_list("status", "duration", "error").first(),
            JOB_TIMEOUT_SECONDS,
        )
        if status != GeneratedDocument.Status.DONE:
            raise RuntimeError(f"the job {status}: {error}")
        return end - start, duration.total_seconds()

    try:
        # The first message waits for the worker to start; then one of each, unmeasured
        # (the worker's first rendering imports WeasyPrint and loads the fonts).
        started = time.perf_counter()
        round_trip(WORKER_START_SECONDS)
        print(f"worker {worker.queue} up in {time.perf_counter() - started:.1f} s", flush=True)
        job()
        round_trip()
        repeat = 9
        jobs: list[tuple[float, float]] = []
        trips: list[float] = []
        for i in range(repeat):
            if i % 2 == 0:
                jobs.append(job())
                trips.append(round_trip())
            else:
                trips.append(round_trip())
                jobs.append(job())
            total, render = jobs[-1]
            print(
                f"run {i + 1}/{repeat}: job {total * 1000:.0f} ms (render {render * 1000:.0f} "
                f"ms, beyond it {(total - render) * 1000:.1f} ms); round trip "
                f"{trips[-1] * 1000:.1f} ms",
                flush=True,
            )
    finally:
        worker.stop()
        celery_app.conf.task_default_queue = default_queue
        try:
            forget_queue(worker.queue)
        except Exception as exc:  # noqa: BLE001 - cleaning up; the figures stand
            print(f"could not delete the queue {worker.queue}: {exc}", flush=True)
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS bench_ping")
    overhead = statistics.median(total - render for total, render in jobs) * 1000
    t_job = statistics.median(total for total, _render in jobs) * 1000
    t_render = statistics.median(render for _total, render in jobs) * 1000
    t_rt = statistics.median(trips) * 1000
    return [
        Result.ratio_at_most(
            NAME_JOB,
            overhead,
            t_rt,
            "ms",
            OVERHEAD_RATIO,
            note=f"median of T_job − T_render over {repeat} runs (T_job {t_job:.0f} ms, T_render "
            f"{t_render:.0f} ms as the worker records it) against a bare round trip to the "
            f"same worker (bench.ping), both observed by polling PostgreSQL every "
            f"{POLL_SECONDS * 1000:.0f} ms; turn about",
        )
    ]


def main() -> None:
    media = prepare_environment()
    ctx = setup_django()
    from safetyzone.org.models import User

    rows: list[Result] = []
    meeting = None
    try:
        staff = User.objects.select_related("unit").get(username=STAFF)
        meeting = issue_meeting(staff)
        print(f"meeting {meeting.pk} issued as {meeting.document_number.text}", flush=True)
        try:
            rows += measure_render(meeting)
        except Exception as exc:  # noqa: BLE001 - a suite reports, it never crashes the run
            rows += [Result.failed(NAME_RENDER, exc), Result.failed(NAME_SIZE, exc)]
        try:
            rows += measure_job(ctx, meeting, staff, media)
        except Exception as exc:  # noqa: BLE001
            rows.append(Result.failed(NAME_JOB, exc))
    except Exception as exc:  # noqa: BLE001
        rows = [Result.failed(name, exc) for name in (NAME_RENDER, NAME_SIZE, NAME_JOB)]
    finally:
        if meeting is not None:
            try:
                remove_meeting(meeting)
            except Exception as exc:  # noqa: BLE001 - the figures stand; say what is left
                print(f"could not remove meeting {meeting.pk}: {exc}", flush=True)
        shutil.rmtree(media, ignore_errors=True)
    emit(rows)


if __name__ == "__main__":
    main()
