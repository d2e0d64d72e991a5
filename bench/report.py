"""Build ``bench/results/<date>.md`` and ``<date>.json`` from a run directory (table layout of bench/peer/report.py).

    python -m bench.report RUN_DIR OUT_BASENAME      # writes OUT_BASENAME.md and OUT_BASENAME.json

RUN_DIR holds (each optional, missing parts are reported as not run): meta.json, quiet.json, seed.json,
seed_small.json, inprocess.json, inprocess_small.json, load.json, jobs.json and peer/ (the peer's run
directory: seed.json, round*/inprocess.json, round*/load.json).
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path

from bench.gaps import note as closing_note

QUERY_LIMIT = 15
RSS_LIMIT_MB = 200
BARE_RATIO_MIN = 0.15
PLAIN_RATIO_MIN = 0.60  # our bare view ÷ a plain Django view behind Django's default middleware (issue 14)


def load1(page):
    """The 1-minute load average when the run started (and ended), for printing beside a ratio."""
    before, after = page.get("loadavg_before"), page.get("loadavg_after")
    if not before:
        return "n/a"
    return f"{before[0]:.2f}" + (f"→{after[0]:.2f}" if after else "")


def load(path):
    path = Path(path)
    return json.loads(path.read_text()) if path.exists() else None


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def fmt(x, nd=1):
    if x is None:
        return "n/a"
    if isinstance(x, float):
        return f"{x:,.{nd}f}"
    if isinstance(x, int):
        return f"{x:,}"
    return str(x)


def fmt_rps(x):
    if x is None:
        return "n/a"
    return f"{x:,.0f}" if x >= 100 else f"{x:.1f}" if x >= 10 else f"{x:.2f}"


def fmt_ratio(x):
    if x is None:
        return "n/a"
    return f"{x:.3f}" if x >= 0.01 else f"{x:.2g}"


def verdict(ok, gap=""):
    if ok is None:
        return "not measured"
    return "**pass**" if ok else f"**gap** {gap}".rstrip()


def peer_figures(peer_dir):
    """{"inprocess": {page: {...median of rounds}}, "load": {workers: {page: rps, "bare": rps}}, "seed": {...}}"""
    if not peer_dir or not Path(peer_dir).exists():
        return None
    peer_dir = Path(peer_dir)
    rounds = sorted(p for p in peer_dir.glob("round*") if (p / "inprocess.json").exists())
    if not rounds:
        return None
    inp = [load(r / "inprocess.json") for r in rounds]
    loads = [x for x in (load(r / "load.json") for r in rounds) if x]
    pages = {}
    for key in inp[0]["results"]:
        rs = [i["results"][key] for i in inp if key in i["results"]]
        pages[key] = {
            "median_ms": med([r["median_ms"] for r in rs]),
            "p95_ms": med([r["p95_ms"] for r in rs]),
            "queries_max": max(r["queries_max"] for r in rs),
        }
    lo = {}
    for block in {w for x in loads for w in x["blocks"]}:
        blks = [x["blocks"][block] for x in loads if block in x["blocks"]]
        keys = {k for b in blks for k in b["pages"]}
        lo[block] = {k: med([b["pages"].get(k, {}).get("rps") for b in blks]) for k in keys}
        lo[block]["bare"] = med([b.get("bare_rps_mean") for b in blks])
        # The load average of the (last) round's run of each page, printed beside the ratios.
        lo[block]["loadavg"] = {k: load1(blks[-1]["pages"].get(k, {})) for k in keys}
    return {
        "seed": load(peer_dir / "seed.json"),
        "versions": inp[0].get("versions"),
        "data": inp[0].get("data"),
        "inprocess": pages,
        "load": lo,
        "growth": inp[0].get("query_growth"),
    }


def build(run):
    run = Path(run)
    doc = {
        "meta": load(run / "meta.json") or {},
        "quiet": load(run / "quiet.json"),
        "seed": load(run / "seed.json"),
        "seed_small": load(run / "seed_small.json"),
        "inprocess": load(run / "inprocess.json"),
        "inprocess_small": load(run / "inprocess_small.json"),
        "load": load(run / "load.json"),
        "jobs": load(run / "jobs.json"),
        "peer": peer_figures(run / "peer" / "raw"),
    }
    if doc["load"]:
        for block in doc["load"]["blocks"].values():
            for page in block["pages"].values():
                page.pop("raw", None)
    doc["targets"] = targets(doc)
    return doc


def targets(doc):
    """[{"target", "measured", "ok", "gap"}] — the issue's targets, one row each."""
    rows = []
    inp = (doc["inprocess"] or {}).get("results", {})
    small = (doc["inprocess_small"] or {}).get("results", {})

    def row(target, measured, ok, gap="", kind="", key=""):
        entry = {"target": target, "measured": measured, "ok": ok, "gap": gap if ok is False else ""}
        if ok is False:
            entry["closes"] = closing_note(kind, key)  # what would close it (bench/gaps.py)
        rows.append(entry)

    for key, r in inp.items():
        if r.get("status") != "measured":
            row(f"{r['title']}: built and measured", r.get("status"), False, r.get("status"))
            continue
        q = r["queries_max"]
        qs = small.get(key, {}).get("queries_max")
        # Fewer at scale is a query the small data set needed and this one did not (a section with rows there,
        # empty here), not a query per row: only growth fails.
        constant = qs is None or q <= qs
        row(
            f"{r['title']}: ≤ {QUERY_LIMIT} queries, constant with scale",
            f"{q} queries" + (f" (small scale: {qs}{'; fewer here' if qs > q else ''})" if qs is not None else ""),
            q <= QUERY_LIMIT and constant,
            (f"{q - QUERY_LIMIT} over the limit; " if q > QUERY_LIMIT else "")
            + ("" if constant else f"grows with scale ({qs} → {q})"),
            "queries",
            key,
        )
        if r.get("status_codes") and set(r["status_codes"]) != {"200"}:
            row(f"{r['title']}: answers 200", str(r["status_codes"]), False, "non-200 responses", "status", key)
        big = sorted({s["table"] for s in r.get("explain", {}).get("big_seq_scans", [])})
        if "explain" in r:
            row(
                f"{r['title']}: no sequential scan over a big table",
                ", ".join(big) or "none",
                not big,
                "seq scan on " + ", ".join(big),
                "seq_scan",
                key,
            )
        if r.get("target_p95_ms"):
            row(
                f"{r['title']}: p95 ≤ {r['target_p95_ms']:.0f} ms",
                f"{r['p95_ms']:.1f} ms (median {r['median_ms']:.1f})",
                r["p95_ms"] <= r["target_p95_ms"],
                f"+{r['p95_ms'] - r['target_p95_ms']:.0f} ms ({r['p95_ms'] / r['target_p95_ms']:.1f}×)",
                "p95",
                key,
            )
    lo = doc["load"]
    peer = doc["peer"]
    if lo:
        for workers, block in sorted(lo["blocks"].items()):
            for key, page in block["pages"].items():
                if key.startswith("bare"):
                    continue
                ratio = page.get("ratio_to_bare")
                title = inp.get(key, {}).get("title", key)
                if page.get("error"):
                    row(f"{title} (w{workers}): served under load", page["error"], False, page["error"], "load", key)
                    continue
                if key.startswith("plain"):
                    continue
                row(
                    f"{title} (w{workers}): ≥ {BARE_RATIO_MIN:.0%} of the bare-view req/s",
                    f"{fmt_rps(page.get('rps'))} req/s = {fmt_ratio(ratio)} of bare (load avg {load1(page)})",
                    ratio is not None and ratio >= BARE_RATIO_MIN,
                    f"needs {BARE_RATIO_MIN / ratio:.1f}× more" if ratio else "",
                    "bare",
                    key,
                )
                want = inp.get(key, {}).get("peer_target_ratio") if inp.get(key) else None
                peer_key = inp.get(key, {}).get("peer")
                if peer and want and peer_key:
                    theirs = peer["load"].get(workers, {}).get(peer_key)
                    ours = page.get("rps")
                    x = ours / theirs if ours and theirs else None
                    their_load = peer["load"].get(workers, {}).get("loadavg", {}).get(peer_key, "n/a")
                    row(
                        f"{title} (w{workers}): ≥ {want:.0f}× django-helpdesk's {peer_key}",
                        f"{fmt_rps(ours)} ÷ {fmt_rps(theirs)} req/s = {fmt(x)}× "
                        f"(load avg ours {load1(page)}, theirs {their_load})",
                        x is not None and x >= want,
                        f"{x:.1f}× of {want:.0f}×" if x else "",
                        "peer",
                        key,
                    )
                elif want and peer_key:
                    row(f"{title} (w{workers}): ≥ {want:.0f}× django-helpdesk", "peer not run", None)
            plain = block.get("bare_to_plain")
            loads = ", ".join(
                f"{k} {load1(block['pages'][k])}" for k in ("bare_start", "plain_start") if k in block["pages"]
            )
            row(
                f"Bare view (w{workers}): ≥ {PLAIN_RATIO_MIN:.0%} of a plain Django view behind Django's default "
                "middleware",
                f"{fmt_rps(block.get('bare_rps_mean'))} ÷ {fmt_rps(block.get('plain_rps_mean'))} req/s = "
                f"{fmt_ratio(plain)} (load avg {loads or 'n/a'})",
                plain is not None and plain >= PLAIN_RATIO_MIN,
                f"needs {PLAIN_RATIO_MIN / plain:.2f}× more" if plain else "plain view not measured",
                "plain",
            )
            rss = block.get("worker_rss_mb_max")
            row(
                f"gunicorn worker RSS after the load (w{workers}) ≤ {RSS_LIMIT_MB} MB",
                f"{fmt(rss)} MB",
                rss is not None and rss <= RSS_LIMIT_MB,
                f"+{(rss or 0) - RSS_LIMIT_MB:.0f} MB",
                "rss",
            )
    jobs = (doc["jobs"] or {}).get("results", {})
    for job_key, j in jobs.items():
        job_key = job_key.removeprefix("beat:")
        if j["status"] != "measured":
            row(f"{j['title']}: measured", j["status"], False, j["status"], "job", job_key)
            continue
        first, second = j["runs"]
        r = first if j.get("first_run_target") else second
        which = "first run" if j.get("first_run_target") else "second run (nothing due)"
        if r.get("status") != "ok":
            row(f"{j['title']} ({which})", r.get("status"), False, "error", "job", job_key)
            continue
        if j.get("target_row"):
            ok = r["seconds"] <= j["target_s"] and r["peak_rss_mb"] <= j["target_mb"]
            gaps = [f"+{r['seconds'] - j['target_s']:.1f} s"] if r["seconds"] > j["target_s"] else []
            gaps += [f"+{r['peak_rss_mb'] - j['target_mb']:.0f} MB"] if r["peak_rss_mb"] > j["target_mb"] else []
            rows_written = (r.get("detail") or {}).get("rows")
            row(
                f"{j['target_row']} ({which})",
                f"{r['seconds']:.1f} s (CPU {fmt(r.get('cpu_s'))} s), {r['peak_rss_mb']:.0f} MB"
                + (f", {rows_written:,} rows" if rows_written else ""),
                ok,
                ", ".join(gaps),
                "job",
                job_key,
            )
            continue
        if j.get("target_s"):
            row(
                f"{j['title']} ({which}) ≤ {j['target_s']:.0f} s",
                f"{r['seconds']:.2f} s",
                r["seconds"] <= j["target_s"],
                f"+{r['seconds'] - j['target_s']:.1f} s",
                "job",
                job_key,
            )
        if j.get("target_mb"):
            row(
                f"{j['title']} ({which}) ≤ {j['target_mb']:.0f} MB",
                f"{r['peak_rss_mb']:.0f} MB",
                r["peak_rss_mb"] <= j["target_mb"],
                f"+{r['peak_rss_mb'] - j['target_mb']:.0f} MB",
                "job",
                job_key,
            )
    seed = doc["seed"]
    if seed and "total" in seed:
        total = seed.get("command_seconds") or seed["total"]["seconds"]
        gap = f"+{total - 300:.0f} s"
        row("Seeding at scale (seed_scale --scale) < 5 min (brief)", f"{total:.0f} s", total < 300, gap, "seed")
    return rows


def markdown(doc, run):
    L = []
    w = L.append
    meta = doc["meta"]
    inp = doc["inprocess"] or {}
    mach = inp.get("machine", {})
    v = inp.get("versions", {})
    w(f"# Benchmark at company scale — {meta.get('finished_utc', '')}")
    w("")
    w(f"Run `{Path(run).name}`, scale **{meta.get('scale', '?')}** clients. Generated by `bench/report.py`.")
    w("")
    w("## Machine and method")
    w("")
    w(
        f"- {mach.get('nproc')} vCPU ({mach.get('cpu_model')}), {mach.get('mem_gib')} GiB RAM. "
        f"Python {v.get('python')}, Django {v.get('Django')}, "
        f"PostgreSQL {v.get('postgresql', v.get('database'))}, gunicorn {v.get('gunicorn')}, "
        f"{meta.get('wrk_version', 'wrk')}."
    )
    pg = v.get("postgresql_settings")
    if pg:
        w(
            "- Our PostgreSQL: "
            + ", ".join(f"{k} {val}" for k, val in sorted(pg.items()))
            + " (bench/pg.sh: a private cluster on 127.0.0.1 configured like the peer's, unless KEFU_PG was set)."
        )
    q = doc["quiet"]
    if q:
        w(
            f"- **Shared machine**: before measuring, the harness waited {q.get('waited_s')} s for other processes to "
            f"use < 25% CPU; found {q.get('busy_before', 0) * 100:.0f}% busy, "
            f"loadavg {' '.join(q.get('loadavg') or [])}. "
            "Trust ratios (ours ÷ bare view, ours ÷ peer in the same run) more than absolute ms."
        )
    w(
        "- In-process: Django test client, logged in as the page's role (`force_login`), "
        f"{inp.get('warmup', 5)} warm-up then {inp.get('n', 30)} timed requests per page "
        "(detail pages rotate over 30 records), query counts from "
        f"{inp.get('capture_reps', 3)} further requests under `CaptureQueriesContext`; every SELECT of one request "
        "EXPLAINed, sequential scans over tables above 10,000 rows flagged. Settings `bench.settings` (DEBUG off, "
        "cached-DB sessions, Redis cache, CONN_MAX_AGE=600)."
    )
    lo = doc["load"]
    if lo:
        w(
            f"- Load: gunicorn sync workers on 127.0.0.1, `wrk -t{lo['threads']} -c{lo['conns']} -d{lo['duration_s']}s "
            "--latency` with the logged-in session cookie, each URL pre-checked for 200 and warmed 3 s, workers "
            "drained between runs (until no query is active on our database nor the peer's, pg_stat_activity, and "
            "the workers use no CPU); bare view (`HttpResponse('ok')` behind the same middleware, signed in) first "
            "and last, each followed by a plain Django project's same view behind Django's default middleware "
            "(bench/plain) under the same gunicorn; ratio = page req/s ÷ mean bare req/s of the block. "
            "The cache (and the cached-DB sessions) is Redis, as in production. The deputy GM's dashboard runs "
            "twice: as served (from the cache the 4-minute job refreshes) and computed (cache bypassed). Every "
            "ratio is printed with the 1-minute load average at the start→end of its run. wrk, gunicorn, Redis and "
            "PostgreSQL share the 2 cores."
        )
    w("")
    w("## Targets")
    w("")
    w("| Target | Measured | Verdict |")
    w("|---|---|---|")
    for t in doc["targets"]:
        w(f"| {t['target']} | {t['measured']} | {verdict(t['ok'], t['gap'])} |")
    w("")
    passed = sum(1 for t in doc["targets"] if t["ok"])
    w(f"{passed} of {len(doc['targets'])} targets met.")
    w("")
    missed = [t for t in doc["targets"] if t["ok"] is False]
    if missed:
        w("## Gaps, and what would close them")
        w("")
        for t in missed:
            w(f"- **{t['target']}** — {t['measured']} ({t['gap']}). {t['closes']}")
        w("")
    w("## Pages")
    w("")
    workers = sorted(lo["blocks"], key=int) if lo else []
    small = (doc["inprocess_small"] or {}).get("results", {})
    w(
        "| Page | as | median ms | p95 ms | CPU ms | queries | queries small scale | big seq scans | "
        + " | ".join(f"req/s w{x}" for x in workers)
        + (" | " if workers else "")
        + " | ".join(f"÷ bare w{x}" for x in workers)
        + " |"
    )
    w("|" + "---|" * (8 + 2 * len(workers)))
    if lo:
        w(
            "| Bare view (ceiling) | – | – | – | – | 0 | 0 | – | "
            + " | ".join(fmt_rps(lo["blocks"][x].get("bare_rps_mean")) for x in workers)
            + " | "
            + " | ".join("1.000" for _ in workers)
            + " |"
        )
        w(
            "| Plain Django view, Django's default middleware (floor) | – | – | – | – | 0 | 0 | – | "
            + " | ".join(fmt_rps(lo["blocks"][x].get("plain_rps_mean")) for x in workers)
            + " | "
            + " | ".join(
                fmt_ratio(lo["blocks"][x]["plain_rps_mean"] / lo["blocks"][x]["bare_rps_mean"])
                if lo["blocks"][x].get("plain_rps_mean") and lo["blocks"][x].get("bare_rps_mean")
                else "n/a"
                for x in workers
            )
            + " |"
        )
    for key, r in (inp.get("results") or {}).items():
        if r.get("status") != "measured":
            w(f"| {r['title']} | {r['user']} | {r.get('status')} |" + " |" * (5 + 2 * len(workers)))
            continue
        big = sorted({s["table"] for s in r.get("explain", {}).get("big_seq_scans", [])})
        rps = [lo["blocks"][x]["pages"].get(key, {}).get("rps") if lo else None for x in workers]
        rat = [lo["blocks"][x]["pages"].get(key, {}).get("ratio_to_bare") if lo else None for x in workers]
        qs = sorted(set(r["queries"]))
        w(
            f"| {r['title']} | {r['user']} | {fmt(r['median_ms'])} | {fmt(r['p95_ms'])} | {fmt(r['cpu_median_ms'])} | "
            f"{'/'.join(map(str, qs))} | {fmt(small.get(key, {}).get('queries_max'))} | {', '.join(big) or '–'} | "
            + " | ".join(fmt_rps(x) if x else "–" for x in rps)
            + (" | " if workers else "")
            + " | ".join(fmt_ratio(x) if x else "–" for x in rat)
            + " |"
        )
    w("")
    peer = doc["peer"]
    if peer:
        w("## Side by side with django-helpdesk (same run, same machine)")
        w("")
        ps = peer.get("seed") or {}
        w(
            f"django-helpdesk {peer['versions'].get('django-helpdesk')} in its own virtualenv and PostgreSQL cluster "
            f"(bench/peer), seeded with {fmt(ps.get('tickets'))} tickets and {fmt(ps.get('followups'))} follow-ups "
            f"(ours: {fmt((inp.get('data') or {}).get('complaints.Complaint'))} complaints, "
            f"{fmt((inp.get('data') or {}).get('complaints.ComplaintEvent'))} timeline events)."
        )
        w("")
        w(
            "| Pair (ours ↔ theirs) | our p95 ms | their p95 ms | our queries | their queries | workers "
            "| our req/s | their req/s | ours ÷ theirs | load avg ours | load avg theirs | target |"
        )
        w("|---|---|---|---|---|---|---|---|---|---|---|---|")
        for key, r in (inp.get("results") or {}).items():
            if not r.get("peer"):
                continue
            theirs = peer["inprocess"].get(r["peer"], {})
            for x in workers or ["–"]:
                ours_rps = lo["blocks"][x]["pages"].get(key, {}).get("rps") if lo else None
                their_rps = peer["load"].get(x, {}).get(r["peer"])
                ratio = ours_rps / their_rps if ours_rps and their_rps else None
                ours_load = load1(lo["blocks"][x]["pages"].get(key, {})) if lo else "n/a"
                their_load = peer["load"].get(x, {}).get("loadavg", {}).get(r["peer"], "n/a")
                w(
                    f"| {r['title']} ↔ {r['peer']} | {fmt(r.get('p95_ms'))} | {fmt(theirs.get('p95_ms'))} | "
                    f"{fmt(r.get('queries_max'))} | {fmt(theirs.get('queries_max'))} | {x} | {fmt_rps(ours_rps)} | "
                    f"{fmt_rps(their_rps)} | {fmt(ratio)}× | {ours_load} | {their_load} | "
                    f"≥ {fmt(r.get('peer_target_ratio'))}× |"
                )
        bare = (
            [
                f"w{x}: ours {fmt_rps(lo['blocks'][x].get('bare_rps_mean'))}, "
                f"theirs {fmt_rps(peer['load'].get(x, {}).get('bare'))}, "
                f"plain Django {fmt_rps(lo['blocks'][x].get('plain_rps_mean'))}"
                for x in workers
            ]
            if lo
            else []
        )
        if bare:
            w("")
            w("Bare-view ceilings (req/s): " + "; ".join(bare) + ".")
        w("")
    if lo:
        for x in workers:
            block = lo["blocks"][x]
            w(f"Load detail, gunicorn {x} sync workers (worker RSS after the load: {block.get('worker_rss_mb')} MB):")
            w("")
            w(
                "| URL | req/s | ÷ bare | p50 ms | p90 ms | p99 ms | requests | non-2xx/3xx | socket errors "
                "| load avg | drain s |"
            )
            w("|---|---|---|---|---|---|---|---|---|---|---|")
            for key, p in block["pages"].items():
                if p.get("error"):
                    w(f"| {key} | {p['error']} |" + " |" * 9)
                    continue
                errs = sum(p["socket_errors"].values()) if p.get("socket_errors") else 0
                drained = p.get("drain") or {}
                w(
                    f"| {key} | {fmt_rps(p.get('rps'))} | {fmt_ratio(p.get('ratio_to_bare'))} | "
                    f"{fmt(p.get('p50_ms'), 0)} | {fmt(p.get('p90_ms'), 0)} | {fmt(p.get('p99_ms'), 0)} | "
                    f"{fmt(p.get('requests'))} | "
                    f"{p.get('non_2xx_3xx')} | {errs} | {load1(p)} | "
                    f"{fmt(drained.get('waited_s'))}{'' if drained.get('drained', True) else ' (timed out)'} |"
                )
            w("")
    jobs = (doc["jobs"] or {}).get("results", {})
    if jobs:
        w("## Jobs (each in a fresh process; run 1 = due work at this scale, run 2 = nothing due)")
        w("")
        w("| Job | task | run 1 s | run 1 CPU s | run 1 peak MB | run 2 s | run 2 CPU s | run 2 peak MB |")
        w("|---|---|---|---|---|---|---|---|")
        for j in jobs.values():
            runs = j.get("runs") or [{}, {}]
            cells = []
            for r in runs:
                if r.get("status") == "ok":
                    cells += [f"{r['seconds']:.2f}", fmt(r.get("cpu_s"), 2), f"{r['peak_rss_mb']:.0f}"]
                else:
                    cells += [r.get("status", j["status"]), "–", "–"]
            w(f"| {j['title']} | `{j['task']}` | " + " | ".join(cells) + " |")
        w("")
    findings = [
        (r["title"], s)
        for r in (inp.get("results") or {}).values()
        for s in r.get("explain", {}).get("big_seq_scans", [])
    ]
    if findings:
        w("## EXPLAIN: sequential scans over big tables")
        w("")
        for title, s in findings:
            w(f"- {title}: `{s['table']}` (~{fmt(s['table_rows'])} rows): `{s['sql'][:300]}`")
        w("")
    seed = doc["seed"]
    if seed:
        w("## Data set and seeding")
        w("")
        data = inp.get("data") or {}
        w("Rows: " + ", ".join(f"{k.split('.')[-1]} {fmt(v)}" for k, v in data.items() if k != "db_size_mb") + ".")
        if "db_size_mb" in data:
            w(f"Database size {fmt(data['db_size_mb'])} MB.")
        w("")
        w("| Table | rows | seconds |")
        w("|---|---|---|")
        for k, v in seed.items():
            if isinstance(v, dict):
                w(f"| {k} | {fmt(v.get('rows'))} | {fmt(v.get('seconds'), 1)} |")
        if seed.get("command_seconds"):
            whole = "whole `seed_scale --scale` command (demo data, staff, bulk load, ANALYZE)"
            w(f"| {whole} | | {seed['command_seconds']} |")
        w("")
    w("## Rerun")
    w("")
    w("```bash")
    w("make bench                  # = bash bench/run.sh 100000")
    w("bash bench/run.sh 20000     # smaller; env: PEER=0 N=30 WORKERS='2 4' DURATION=15 SMALL=1000 SKIP_SEED=1")
    w("```")
    return "\n".join(L) + "\n"


def main():
    run, base = sys.argv[1], Path(sys.argv[2])
    doc = build(run)
    base.parent.mkdir(parents=True, exist_ok=True)
    Path(f"{base}.json").write_text(json.dumps(doc, indent=2, ensure_ascii=False, default=str))
    Path(f"{base}.md").write_text(markdown(doc, run))
    print(f"{base}.md")


if __name__ == "__main__":
    main()
