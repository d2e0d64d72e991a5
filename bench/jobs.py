"""Time and peak memory of the periodic jobs at scale, each in its own process.

    DJANGO_SETTINGS_MODULE=bench.settings python -m bench.jobs OUT.json

Jobs = ``JOBS`` below (the monthly report and the weekly summary, by task name) plus every task of
``config.celery.BEAT_SCHEDULE`` (the scans and reminders), with the schedule's args. Each runs twice in a fresh
``python -m bench.jobs --one TASK`` process: the first run does the work due at this scale (at a freshly
seeded company-scale database, that can be a lot), the second finds nothing due — the issue's "≤ 2 s when
there is nothing due". The child reports the wall time of the task call, its CPU time (this process only) and
its peak RSS (getrusage: the whole process, Django included; ``rss_before_mb`` is the level before the call).
Tasks that do not exist yet are reported as "not built".
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Job:
    key: str
    title: str
    task: str  # dotted path of the Celery task (or plain function)
    args: tuple | object = ()  # or a function returning them (JSON-serialisable), e.g. last month's year and month
    kwargs: dict | object = None
    target_s: float | None = None  # on the second run ("nothing due") unless first_run_target
    target_mb: float | None = None
    first_run_target: bool = False  # the target applies to the first run (a report generated from scratch)
    target_row: str = ""  # one row for the time and the memory target, with this label (else one row each)


# THE JOB LIST: the named jobs. Every other task of BEAT_SCHEDULE (complaint deadline scan, call forward
# scan, visit reminders and escalation, drawing reminders, maintenance escalation, meeting planning, agendas and
# reminders, target card creation, notification delivery) is added automatically with a 2 s target on its
# second run.
JOBS = [
    Job(
        "monthly_report",
        "Monthly report, all teams (generate)",
        "performance.tasks.generate_monthly_reports",
        target_s=30,
        target_mb=300,
        first_run_target=True,
    ),
    Job("monthly_report_send", "Monthly reports due: render and send", "performance.tasks.send_due_reports"),
    # No target in the issue for the weekly summary: time and memory are reported.
    Job("weekly_summary", "Weekly complaint summary", "complaints.tasks.weekly_summary_send"),
    Job(
        "complaint_escalation",
        "Complaint deadline scan (reminders, escalation)",
        "complaints.tasks.complaint_deadlines_scan",
        target_s=2,
    ),
    Job("call_forwards", "Call forward scan", "reception.tasks.call_forwards_scan", target_s=2),
    Job("visit_reminders", "Follow-up visit reminders", "clients.tasks.remind_due_visits", target_s=2),
    Job("visit_escalation", "Overdue follow-up visits escalation", "clients.tasks.escalate_overdue_visits", target_s=2),
    Job("drawing_reminders", "Drawing deadline reminders", "projects.tasks.remind_drawing_deadlines", target_s=2),
    Job(
        "maintenance_escalation",
        "Overdue maintenance escalation",
        "projects.tasks.escalate_overdue_maintenance",
        target_s=2,
    ),
    Job("meeting_agendas", "Meeting agendas", "meetings.tasks.send_meeting_agendas", target_s=2),
    Job("meeting_reminders", "Meeting reminders", "meetings.tasks.send_meeting_reminders", target_s=2),
    Job("month_cards", "Target card creation", "performance.tasks.create_month_cards", target_s=2),
    # Issue 14 item 5: a whole list exported by the background job, as a worker runs it (every complaint: 300,000
    # at --scale 100000). One row in the targets for both limits, with the process's CPU time beside the wall.
    Job(
        "export_complaints",
        "Export of every complaint (background job)",
        "bench.jobs.export_complaints",
        target_s=60,
        target_mb=200,
        first_run_target=True,
        target_row="Export 300k complaints ≤ 60 s, ≤ 200 MB",
    ),
]
SCAN_TARGET_S = 2.0
# Beat tasks that are not scans for due work: the nightly recount reads every counted fact by design (a repair,
# so its every run is a full one), and the retention sweep's first run anonymises a bounded batch of the
# backlog (RETENTION_SWEEP_MAX_CLIENTS). Their targets are on the first run.
FULL_RUN_TARGET_S = {"performance.tasks.recount_rollups": 120.0, "teams.tasks.retention_sweep": 600.0}


def _import(dotted):
    module, _, attr = dotted.rpartition(".")
    try:
        return getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError):
        return None


def all_jobs():
    from config.celery import BEAT_SCHEDULE

    jobs = list(JOBS)
    known = {j.task for j in jobs}
    for name, entry in BEAT_SCHEDULE.items():
        task = entry["task"]
        if task in known:
            continue
        known.add(task)
        jobs.append(
            Job(
                f"beat:{name}",
                f"{name} (beat)",
                task,
                tuple(entry.get("args", ())),
                dict(entry.get("kwargs", {})),
                target_s=FULL_RUN_TARGET_S.get(task, SCAN_TARGET_S),
                first_run_target=task in FULL_RUN_TARGET_S,
            )
        )
    return jobs


def export_complaints() -> dict:
    """The deputy GM's export of every complaint, run as the export job runs in a Celery worker
    (``teams.tasks.run_job``: the list view replayed, every row streamed into the workbook, the file stored);
    the stored file is deleted afterwards. Returns the job's state, the rows written and the file's size."""
    import uuid

    from django.urls import reverse

    from clients.models import AccessLog
    from teams import tasks
    from teams.exports import EXPORT_JOB
    from teams.jobs import params_hash
    from teams.models import Job as JobRow
    from teams.models import User
    from teams.roles import Role

    owner = User.objects.filter(role=Role.DEPUTY_GM, is_active=True).order_by("pk").first()
    # A unique parameter: an earlier run that died mid-way leaves an active job with the same path.
    params = {"path": reverse("complaints:list") + "?export=xlsx&scope=all", "bench": uuid.uuid4().hex}
    job = JobRow.objects.create(
        owner=owner, kind=EXPORT_JOB, title="bench: export", params=params, params_hash=params_hash(params)
    )
    state = tasks.run_job(job.pk)
    job.refresh_from_db()
    log = AccessLog.objects.filter(user=owner, action=AccessLog.Action.EXPORT).order_by("-pk").first()
    size = job.result.size if job.result else 0
    if job.result:
        job.result.delete(save=False)
    job.delete()
    if state != "done":
        raise RuntimeError(f"export job {state}: {job.message}")
    return {"rows": log.row_count if log else None, "file_mb": round(size / 2**20, 1)}


def run_one(task, args, kwargs):
    """In the child: call the task synchronously, print {"seconds": …}."""
    import django

    django.setup()
    fn = _import(task)
    if fn is None:
        print(json.dumps({"status": "not built"}))
        return
    usage = resource.getrusage(resource.RUSAGE_SELF)
    before, cpu0 = usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime
    t0 = time.perf_counter()
    result = fn(*args, **kwargs)  # a Celery task called directly runs in this process
    seconds = time.perf_counter() - t0
    usage = resource.getrusage(resource.RUSAGE_SELF)
    peak = usage.ru_maxrss / 1024  # KiB on Linux
    # CPU of this process only (PostgreSQL's work is in its own): on a shared machine the wall time waits too.
    cpu = usage.ru_utime + usage.ru_stime - cpu0
    print(
        json.dumps(
            {
                "status": "ok",
                "seconds": round(seconds, 3),
                "cpu_s": round(cpu, 3),
                "peak_rss_mb": round(peak, 1),
                "rss_before_mb": round(before, 1),
                "result": repr(result)[:200],
                # What a bench job says it did (the export: rows and file size), kept as is.
                "detail": result if isinstance(result, dict) else None,
            }
        )
    )


JOB_TIMEOUT_S = 1800


def spawn(job):
    cmd = [
        sys.executable,
        "-m",
        "bench.jobs",
        "--one",
        job.task,
        json.dumps(list(job.args() if callable(job.args) else job.args)),
        json.dumps((job.kwargs() if callable(job.kwargs) else job.kwargs) or {}),
    ]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # noqa: S603
    try:
        out, err = proc.communicate(timeout=JOB_TIMEOUT_S)
    except subprocess.TimeoutExpired:  # reported as a gap; the rest of the run goes on
        proc.kill()
        proc.communicate()
        return {"status": "timeout", "process_wall_s": round(time.perf_counter() - t0, 2)}
    wall = time.perf_counter() - t0
    line = out.strip().splitlines()[-1] if out.strip() else "{}"
    try:
        doc = json.loads(line)
    except json.JSONDecodeError:
        doc = {"status": "error"}
    if proc.returncode:
        doc = {"status": "error", "stderr": err[-1500:]}
    doc["process_wall_s"] = round(wall, 2)
    return doc


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out", nargs="?")
    ap.add_argument("--one", nargs=3, metavar=("TASK", "ARGS", "KWARGS"))
    ap.add_argument("--only", nargs="*")
    args = ap.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    sys.path.insert(0, str(ROOT))
    if args.one:
        task, a, k = args.one
        run_one(task, json.loads(a), json.loads(k))
        return
    import django

    django.setup()
    results = {}
    for job in all_jobs():
        if args.only and job.key not in args.only:
            continue
        entry = {
            "title": job.title,
            "task": job.task,
            "target_s": job.target_s,
            "target_mb": job.target_mb,
            "first_run_target": job.first_run_target,
            "target_row": job.target_row,
        }
        if _import(job.task) is None:
            entry["status"] = "not built"
        else:
            entry["status"] = "measured"
            entry["runs"] = [spawn(job), spawn(job)]
        results[job.key] = entry
        runs = entry.get("runs", [])
        print(
            f"  {job.key:28s} {entry['status']:10s} "
            + "  ".join(
                f"{r.get('seconds', r.get('status'))}s (CPU {r.get('cpu_s')}s)/{r.get('peak_rss_mb')}MB" for r in runs
            ),
            file=sys.stderr,
            flush=True,
        )
    Path(args.out).write_text(json.dumps({"kind": "jobs", "results": results}, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
