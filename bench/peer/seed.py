#!/usr/bin/env python
"""Seed a django-helpdesk database with a realistic customer-service load.

Usage: seed.py [SCALE] [FOLLOWUPS]   (SCALE = number of tickets, default 100000;
FOLLOWUPS = total follow-ups wanted, default 3 per ticket: the kefu benchmark passes
its own complaint and timeline-event counts so both sides hold the same rows)

Creates 10 queues, 50 staff agents (agent01 is the benchmark login; a separate
'admin' superuser also exists), SCALE tickets spread over the last 3 years with
varied status / priority / assignee / queue, and ~3 follow-ups per ticket
(1..5, mean 3). Tickets and follow-ups go in with bulk_create. Deterministic
(fixed RNG seed). Prints a JSON summary line with the timings.
"""
import json
import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "project"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hdbench.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from helpdesk.models import FollowUp, Queue, Ticket  # noqa: E402

User = get_user_model()
RNG = random.Random(20240501)
BENCH_PASSWORD = "bench-pass-123"
N_QUEUES = 10
N_STAFF = 50
N_CUSTOMERS = 20000
BATCH = 5000

QUEUE_NAMES = [
    ("Wallpaper", 18), ("Paint & finishes", 16), ("Curtains & blinds", 12),
    ("Flooring", 12), ("Tiling", 9), ("Furniture", 9), ("Lighting", 7),
    ("Delivery", 7), ("Installation visits", 6), ("Billing & refunds", 4),
]
WORDS = (
    "delivery late damaged colour shade wrong roll missing panel tile crack "
    "refund invoice installer visit appointment curtain rail blind motor "
    "paint batch finish gloss matt primer sample order reference stock "
    "replacement warranty scratch dent measurement fitting quote discount "
    "pattern repeat adhesive grout spacer lamp bulb fixture wiring sofa "
    "fabric stain leg wobble drawer hinge handle courier tracking address"
).split()


def words(n):
    return " ".join(RNG.choice(WORDS) for _ in range(n))


def sentence_block(min_words, max_words):
    n = RNG.randint(min_words, max_words)
    text = words(n)
    return text[0].upper() + text[1:] + "."


def pick_status(age_days):
    r = RNG.random()
    if age_days > 60:
        # Old tickets are mostly finished.
        table = [(0.04, Ticket.OPEN_STATUS), (0.06, Ticket.REOPENED_STATUS),
                 (0.26, Ticket.RESOLVED_STATUS), (0.98, Ticket.CLOSED_STATUS),
                 (1.01, Ticket.DUPLICATE_STATUS)]
    else:
        table = [(0.50, Ticket.OPEN_STATUS), (0.62, Ticket.REOPENED_STATUS),
                 (0.82, Ticket.RESOLVED_STATUS), (0.98, Ticket.CLOSED_STATUS),
                 (1.01, Ticket.DUPLICATE_STATUS)]
    for threshold, status in table:
        if r < threshold:
            return status
    return Ticket.CLOSED_STATUS


def main():
    scale = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
    wanted_fu = int(sys.argv[2]) if len(sys.argv) > 2 else 3 * scale
    fu_mean = max(1.0, wanted_fu / max(1, scale))
    fu_max = max(5, int(round(2 * fu_mean - 1)))
    t_start = time.perf_counter()
    now = timezone.now().replace(microsecond=0)
    pw_hash = make_password(BENCH_PASSWORD)

    with transaction.atomic():
        # --- users ------------------------------------------------------
        admin = User.objects.create(
            username="admin", email="admin@example.com", is_staff=True,
            is_superuser=True, password=pw_hash, first_name="Site", last_name="Admin",
        )
        staff = []
        for i in range(1, N_STAFF + 1):
            # objects.create() so django-helpdesk's post_save signal creates
            # the UserSettings row, as it would for a real user.
            staff.append(User.objects.create(
                username=f"agent{i:02d}", email=f"agent{i:02d}@decor.example",
                first_name=f"Agent{i:02d}", last_name="Support",
                is_staff=True, password=pw_hash,
            ))
        # --- queues -----------------------------------------------------
        queues = []
        for title, _weight in QUEUE_NAMES[:N_QUEUES]:
            slug = "".join(c for c in title.lower() if c.isalnum())[:12]
            queues.append(Queue.objects.create(
                title=title, slug=slug, email_address=f"{slug}@decor.example",
                allow_public_submission=False,
            ))
        queue_weights = [w for _t, w in QUEUE_NAMES[:N_QUEUES]]
        # Mildly skewed workload: some agents carry more than others.
        staff_weights = [1.0 + (i % 5) * 0.25 for i in range(N_STAFF)]
    t_users = time.perf_counter()

    # Seed historical rows with explicit timestamps: switch off auto_now /
    # auto_now_add for the duration of the seed only.
    f_created = Ticket._meta.get_field("created")
    f_modified = Ticket._meta.get_field("modified")
    f_created.auto_now_add = False
    f_modified.auto_now = False

    span = timedelta(days=3 * 365)
    n_tickets = 0
    n_followups = 0
    t_tickets_s = 0.0
    t_followups_s = 0.0
    remaining = scale
    fu_left = wanted_fu  # follow-ups still to place: the total comes out exactly as asked
    tickets_left = scale
    while remaining > 0:
        n = min(BATCH, remaining)
        remaining -= n
        plans = []
        tickets = []
        for _ in range(n):
            age = span * (RNG.random() ** 1.25)  # volume grows towards today
            created = now - age
            age_days = age.days
            status = pick_status(age_days)
            active = status in (Ticket.OPEN_STATUS, Ticket.REOPENED_STATUS)
            unassigned_p = 0.25 if active else 0.03
            assignee = None if RNG.random() < unassigned_p else RNG.choices(
                staff, weights=staff_weights)[0]
            queue = RNG.choices(queues, weights=queue_weights)[0]
            if tickets_left == 1:
                n_fu = max(1, fu_left)
            else:
                mean_rest = fu_left / tickets_left
                n_fu = max(1, min(fu_max, int(round(RNG.gauss(mean_rest, 1)))))
            fu_left -= n_fu
            tickets_left -= 1
            gaps = sorted(RNG.random() for _ in range(n_fu))
            life = timedelta(days=min(age_days, RNG.randint(1, 30)) or 0,
                             hours=RNG.randint(1, 23))
            fu_dates = [min(now, created + life * g) for g in gaps]
            modified = fu_dates[-1] if fu_dates else created
            finished = status in (Ticket.RESOLVED_STATUS, Ticket.CLOSED_STATUS)
            tickets.append(Ticket(
                title=sentence_block(4, 10)[:200],
                queue=queue,
                created=created,
                modified=modified,
                submitter_email=f"customer{RNG.randrange(N_CUSTOMERS):05d}@mail.example",
                assigned_to=assignee,
                status=status,
                on_hold=active and RNG.random() < 0.03,
                description=sentence_block(30, 120),
                resolution=sentence_block(10, 40) if finished else None,
                priority=RNG.choices([1, 2, 3, 4, 5], weights=[5, 15, 50, 20, 10])[0],
                due_date=(created + timedelta(days=RNG.randint(2, 21)))
                if RNG.random() < 0.3 else None,
            ))
            plans.append((fu_dates, assignee, status))
        t0 = time.perf_counter()
        with transaction.atomic():
            Ticket.objects.bulk_create(tickets, batch_size=1000)
        t1 = time.perf_counter()
        followups = []
        for ticket, (fu_dates, assignee, status) in zip(tickets, plans):
            last = len(fu_dates) - 1
            for k, d in enumerate(fu_dates):
                inbound = k > 0 and RNG.random() < 0.35
                followups.append(FollowUp(
                    ticket_id=ticket.pk,
                    date=d,
                    title=("Ticket Opened" if k == 0 else
                           "Comment from submitter" if inbound else "Follow-up"),
                    comment=sentence_block(15, 80),
                    public=inbound or RNG.random() < 0.6,
                    user=None if inbound else (assignee or RNG.choice(staff)),
                    new_status=status if (k == last and k > 0) else None,
                    time_spent=(timedelta(minutes=RNG.randint(5, 90))
                                if not inbound and RNG.random() < 0.3 else None),
                ))
        with transaction.atomic():
            FollowUp.objects.bulk_create(followups, batch_size=2000)
        t2 = time.perf_counter()
        t_tickets_s += t1 - t0
        t_followups_s += t2 - t1
        n_tickets += len(tickets)
        n_followups += len(followups)
        print(f"  seeded {n_tickets}/{scale} tickets, {n_followups} follow-ups "
              f"({time.perf_counter() - t_start:.0f}s)", file=sys.stderr, flush=True)

    f_created.auto_now_add = True
    f_modified.auto_now = True
    t_rows = time.perf_counter()

    # VACUUM ANALYZE now, so autovacuum does not wake up mid-measurement and
    # planner statistics / visibility map look like a settled production DB.
    with connection.cursor() as cur:
        cur.execute("VACUUM (ANALYZE)")
    t_end = time.perf_counter()

    with connection.cursor() as cur:
        cur.execute("SELECT pg_database_size(current_database())")
        db_bytes = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM helpdesk_ticket WHERE status IN (1,2)")
        active = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM helpdesk_ticket WHERE assigned_to_id = %s",
                    [staff[0].pk])
        agent01_tickets = cur.fetchone()[0]
    summary = {
        "scale": scale,
        "tickets": n_tickets,
        "followups": n_followups,
        "followups_wanted": wanted_fu,
        "queues": len(queues),
        "staff_users": len(staff),
        "superuser": admin.username,
        "active_tickets": active,
        "agent01_assigned_tickets": agent01_tickets,
        "db_size_mb": round(db_bytes / 1e6, 1),
        "seconds_users_queues": round(t_users - t_start, 2),
        "seconds_tickets_insert": round(t_tickets_s, 2),
        "seconds_followups_insert": round(t_followups_s, 2),
        "seconds_rows_total_incl_python": round(t_rows - t_users, 2),
        "seconds_vacuum_analyze": round(t_end - t_rows, 2),
        "seconds_total": round(t_end - t_start, 2),
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
