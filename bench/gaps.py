"""What would close each gap the bench can report: the report prints, under its targets, every missed target
with the note of its kind and page (issue 14: "every target met or its gap explained with what would close
it"). A missed target without a note here is printed as unexplained, so a new gap cannot pass unnoticed.

The notes state causes measured by profiling (bench/README.md, "What the gaps are"), not the run's figures:
those are printed beside them."""

from __future__ import annotations

PEER_DETAIL = (
    "Both pages are CPU-bound, and on two cores PostgreSQL's CPU counts as much as ours: in-process our page takes "
    "~21 ms of CPU (8 queries, its forms already printed in Python by teams/templatetags/ui.py form_field), the "
    "peer's 49 ms (44 queries). Measured on 2026-12-08 at 5,000 clients: PostgreSQL spends ~4.5 ms *planning* the "
    "complaint's own query (seven tables joined by select_related, 25 indexes on the complaints table) and 0.3 ms "
    "running it; with join_collapse_limit = 1 the plan takes 0.5 ms. What would close it: the plans prepared once "
    "per connection (psycopg 3 prepares a repeated query by itself; the stack fixes psycopg2), or the join order "
    "fixed for look-ups by primary key (SET LOCAL join_collapse_limit = 1 in teams.access.get_visible_or_404), "
    "and the four prefetches folded into the complaint's query. Not a cache by record: the race reads the same "
    "30 complaints over and over, so it would measure the cache, not the page."
)
PEER_LIST = (
    "Our list's req/s held from run to run (107–137 in the 2026-12-07 and -08 runs) while the peer's moved "
    "(1.06–1.86), so the ratio ranged 62–130×. A cProfile of ours: about a sixth each for the 25 rows "
    "(complaints/templatetags/complaint_tags.py complaint_row), the ten-field filter form's markup, and the "
    "filter form that django-filter rebuilds on every request (deep copies of its filters, a new form class, "
    "fields and choices); a quarter for SQL. What would close it: the filter form's class built once per process "
    "and only bound per request."
)
BARE_SHARE = (
    "15 % of the bare view is at most ~4 ms of the two cores per request, PostgreSQL's and wrk's share "
    "included; a Django page that renders a list or a form with the ORM costs 10–20 ms of CPU (the peer's own "
    "pages are 0.03–2 % of its bare view). What would close it: the page served from a fragment cache keyed "
    "by the records' versions, so that a request renders only what changed."
)
PLAIN = (
    "Signed out, our bare view runs at 70 % of the plain view in-process (0.39 against 0.28 ms of CPU, "
    "2026-12-08): the 9 middleware more cost little. Signed in, it reads the session, the user, the second-factor "
    "device and the unread count from Redis (one MGET a request; the plain view never reads its session): on this "
    "VM the round trip's two system calls alone cost ~0.17 ms of CPU, and the whole signed-in request ~0.7 ms. "
    "What would close it: no round trip on most requests, i.e. a per-process copy of each session and user kept "
    "until a write drops it, through Redis pub/sub, with the session's version in its cookie so that a stale copy "
    "is never read. A copy that merely expires after a second or two would not do: wrk's repeated requests would "
    "all hit it, people's requests seconds apart would not, so it would measure itself."
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
    ("p95", "team_board"): (
        "Under 100 ms in the runs before 2026-12-08 03:40 (84 ms), on a machine then about twice as fast (our bare "
        "view 2,042 against 1,144 req/s). A cProfile at 5,000 clients: of ~104 ms profiled, the due-today column "
        "~32 ms (each app's rows: projects ~18, complaints ~9, clients ~5), the templates' includes ~35 ms (a card "
        "per member and per item), 13 queries. What would close it: each app's due-today rows read with only the "
        "columns shown, and the member and item cards printed by one Python function each instead of an include "
        "per card, as complaint_row prints the complaint list's rows."
    ),
    ("p95", "meeting_detail"): (
        "Under 100 ms in the runs before 2026-12-08 03:40 (74 ms), on a machine then about twice as fast. A "
        "cProfile at 5,000 clients: of ~84 ms profiled, building the page's context ~46 ms (the agenda with its "
        "carried-over rows ~14, the meeting, its members and who is on leave ~11), rendering ~31 ms, most of it the "
        "includes of the agenda and attendance rows. What would close it: those rows printed by one Python "
        "function each, as complaint_row prints the complaint list's rows."
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
