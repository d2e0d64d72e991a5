"""The report prints every missed target with what would close it (bench/gaps.py), from a real run's figures
(bench/results/2026-12-04.json, the 100,000-client run with the peer)."""

import json
from pathlib import Path

from bench import gaps
from bench.report import markdown, targets

RUN = Path(__file__).resolve().parents[2] / "bench" / "results" / "2026-12-04.json"


def _doc():
    doc = json.loads(RUN.read_text())
    doc["targets"] = targets(doc)
    return doc


def test_every_missed_target_is_printed_with_what_would_close_it():
    doc = _doc()
    missed = [t for t in doc["targets"] if t["ok"] is False]
    assert missed, "the run missed targets; the report must list them"
    text = markdown(doc, "run")
    section = text[text.index("## Gaps, and what would close them") :]
    for t in missed:
        assert f"**{t['target']}**" in section
        assert t["closes"] in section
    assert not any("closes" in t for t in doc["targets"] if t["ok"])


def test_the_known_gaps_have_their_own_note():
    by_target = {t["target"]: t for t in _doc()["targets"]}
    detail = next(t for name, t in by_target.items() if "django-helpdesk's ticket_detail" in name)
    assert detail["closes"] == gaps.PEER_DETAIL
    plain = next(t for name, t in by_target.items() if name.startswith("Bare view (w2)"))
    assert plain["closes"] == gaps.PLAIN
    pipeline = by_target["Lead pipeline: p95 ≤ 100 ms"]
    assert pipeline["closes"] != gaps.UNEXPLAINED


def test_a_gap_of_a_kind_without_a_note_says_it_is_unexplained():
    assert gaps.note("queries", "a_new_page") == gaps.UNEXPLAINED
    assert gaps.note("bare", "a_new_page") == gaps.BARE_SHARE
