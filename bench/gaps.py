"""What would close each gap the bench can report: the report prints, under its targets, every missed target
with the note of its kind and page (issue 14: "every target met or its gap explained with what would close
it"). A missed target without a note here is printed as unexplained, so a new gap cannot pass unnoticed.

The notes state causes measured by profiling (bench/README.md, "What the gaps are"), not the run's figures:
those are printed beside them."""

from __future__ import annotations

PEER_DETAIL = (
    "Both pages are CPU-bound: in the 2026-12-07 run ours took 21 ms of CPU in-process (7–8 queries), the peer's "
    "49 ms (44 queries), and under wrk the ratio held (2.1× on two workers, 3.7× on four). 5× needs a page of "
    "about 10 ms of CPU, half of ours. A cProfile of ours: template rendering ~35 % (the timeline and the forms "
    "of the steps the role may take), SQL compilation ~20 % (the complaint, four prefetches, the client's other "
    "complaints), waiting on PostgreSQL ~15 %. What would close it: the step forms printed in Python as the "
    "filter fields already are (teams/templatetags/ui.py form_field), and the four prefetches folded into the "
    "complaint's own query (the timeline as a JSON aggregate). Not a cache by record: the race reads the same 30 "
    "complaints over and over, so it would measure the cache, not the page."
)
PEER_LIST = (
    "Our list's req/s held from run to run (107–137 in the 2026-12-07 and -08 runs) while the peer's moved "
    "(1.06–1.86), so the ratio ranged 62–130×. Two thirds of our CPU is rendering: 25 rows and a ten-field "
    "filter form that django-filter rebuilds on every request (a form class, deep copies of its filters, fields "
    "and choices). What would close it: the filter form's class built once per process and only bound per "
    "request, and the rows printed by one Python function."
)
BARE_SHARE = (
    "15 % of the bare view is at most ~4 ms of the two cores per request, PostgreSQL's and wrk's share "
    "included; a Django page that renders a list or a form with the ORM costs 10–20 ms of CPU (the peer's own "
    "pages are 0.03–2 % of its bare view). What would close it: the page served from a fragment cache keyed "
    "by the records' versions, so that a request renders only what changed."
)
PLAIN = (
    "Our bare view reads the session, the user, the second-factor device and the unread count from Redis (one "
    "MGET a request) and runs 16 middleware; the plain view runs 7 and never reads its session (Django's is "
    "lazy). A py-spy sample under wrk: about 40 % of a worker in gunicorn itself, 23 % in the middleware, "
    "11 % in the Redis round trip. What would close it: a per-process copy of each session for a second or "
    "two, dropped at sign-out through Redis pub/sub (no round trip on most requests, sign-out still at once)."
)
NOTES: dict[tuple[str, str], str] = {
    ("peer", "complaint_detail"): PEER_DETAIL,
    ("peer", "complaint_list"): PEER_LIST,
    ("bare", "*"): BARE_SHARE,
    ("bare", "dashboard_month"): (
        "The figures come from a fragment cached with the data (performance/views/dashboards.py); what each "
        "request still does is the period picker, the team drop-down (the page's one query) and three cache "
        "reads (the figures, their fragment, the stopped-work banner's heartbeat), a few ms of CPU against the "
        "~4 ms that 15 % of the bare view leaves on two cores. What would close it: the teams taken from the "
        "cached figures instead of a query, and the figures and their fragment read in one round trip."
    ),
    ("bare", "dashboard_month_computed"): (
        "This row computes the dashboard on every request on purpose (issue 14 bounds it at 300 ms p95 for a "
        "month, and it is raced against the peer's dashboard, which computes too): ten queries over the daily "
        "rollups and the charts' data cannot fit in the ~4 ms that 15 % of the bare view allows. What serves "
        "people is the 'as served' row: the same page from the cache the 4-minute job keeps warm."
    ),
    ("bare", "dashboard_year_computed"): "See the month computed: the same page over twelve months of rollups.",
    ("plain", "*"): PLAIN,
    ("p95", "pipeline"): (
        "The pipeline shows the 20 most recently moved cards of each column (was 50); what is left is "
        "rendering the cards: a card fragment cached by the lead's version would close it."
    ),
    ("job", "performance-recount-rollups"): (
        "The nightly recount recounts every day of every team from the facts by design: it is what repairs "
        "drift. What would close a miss: recount only the days whose facts changed since the last recount "
        "(a changed-day log the writing services append to), with a full recount weekly."
    ),
    ("job", "privacy-retention-sweep"): (
        "The first sweep over years of seeded lost leads anonymises at most RETENTION_SWEEP_MAX_CLIENTS a "
        "night; a miss on the first run is the backlog, a miss on the second is not expected."
    ),
}
UNEXPLAINED = "No note on record for this gap (bench/gaps.py): profile the page or job and add one."


def note(kind: str, key: str) -> str:
    return NOTES.get((kind, key)) or NOTES.get((kind, "*")) or UNEXPLAINED
