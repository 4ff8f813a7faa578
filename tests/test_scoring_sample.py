"""The sample newsroom's October 2026 scores, computed by hand from its files.

Day of the build: 2026-11-27 (as in test_sample.py). scoring.yaml: own {bulletin 1, special 2,
brief 2}; city default 3; province default 5, special 10; instruction own 2, city 4; bonus 调研 2,
问题 1, assignment 1; urgent_late −5; assignment_missed −2; quota default 4, shortfall −1.

What lands in October (read from the files):
- issues/zwxx/2026/043.yaml, published 2026-10-16 (bulletin, 1 each): 2026-10-gaj-001,
  2026-10-xc-county-001, 2026-09-hexi-001 (经验), 2026-09-jyj-002 (问题), 2026-09-sthj-001 (问题).
  The two 问题 items first adopted here also earn the 问题 bonus (1) on 10-16.
- issues/xxzb/2026/008.yaml, published 2026-10-23 (special, 2): 2026-10-xfj-001, a 问题 item of
  xfj with co_units [gaj] → 2 + 问题 bonus 1 + own instruction 2 (10-24) = 5, i.e. 2.5 each.
- 2026-10-nyj-001 (调研, answers yg-2026-05): province 《信息专报》 kind special 10 on 10-20, its first
  adoption, so the 调研 bonus 2 and assignment bonus 1 are dated 10-20 too. Its ldcy/012 adoption
  (11-02) and city instruction (11-04) are November's.
- 2026-10-xc-county-001 (经验, answers yg-2026-05): zwxx/043 1 (10-16) + city 《江城信息》 3 (10-18)
  + assignment bonus 1 (first adoption 10-16) = 5.
- 2026-10-dongcheng-001 (紧急): event 10-11 19:20, received 10-12 01:20 → 6 h > 4 h → −5.
- issues/assignments.yaml yg-2026-05 due 2026-10-20 for [nyj, xc-county, nanhu, qingshi]: nyj (10-09),
  xc-county (10-12) and qingshi (10-14) answered in time; nanhu did not → −2.
- Not in October: ldcy/012 (11-02: gaj-002, nyj-001, sjj-001) and zwxx/044 (11-06: sthj-001, mzj-001,
  qingshi-001, gxq-zbd-001); zwxx/045 is a draft.
Quota: October's submissions (content/2026/10, joint items for each unit) against units.yaml quotas.
Adopted: October submissions with any adoption by 11-27 (November issues count).
"""

from __future__ import annotations

import json
from pathlib import Path

from bulletin.cli import main

ROOT = Path(__file__).resolve().parent.parent

# unit: (submitted, adopted, adoption_rate, instructions, points, rank)
EXPECTED = {
    # nyj-001: 10 + 2 + 1; quota 1 of 5
    "nyj": (1, 1, 1.0, 0, 10 + 2 + 1 - (5 - 1), 1),
    # gaj-001 own 1; half of xfj-001's 5; quota gaj-001, gaj-002, xfj-001 = 3 of 3
    # adopted: gaj-001 (10-16), gaj-002 (ldcy/012, 11-02), xfj-001 (10-23); xfj-001's instruction counts
    "gaj": (3, 3, 1.0, 1, 1 + 5 / 2 + 0, 2),
    # half of xfj-001's 5; quota 1 of 2
    "xfj": (1, 1, 1.0, 1, 5 / 2 - (2 - 1), 3),
    # 2026-09-hexi-001 own 1; quota hexi-001 and mzj-001 (co) = 2 of 2; mzj-001 adopted 11-06
    "hexi": (2, 1, 0.5, 0, 1 + 0, 4),
    # xc-county-001: 1 + 3 + 1; quota 1 of 6
    "xc-county": (1, 1, 1.0, 0, 1 + 3 + 1 - (6 - 1), 5),
    # 2026-09-jyj-002: own 1 + 问题 1; quota 1 of 4 (default)
    "jyj": (1, 0, 0.0, 0, 1 + 1 - (4 - 1), 6),
    # 2026-09-sthj-001: own 1 + 问题 1; quota 1 of 4; sthj-001 adopted 11-06
    "sthj": (1, 1, 1.0, 0, 1 + 1 - (4 - 1), 6),
    # quota 1 of 2; qingshi-001 adopted 11-06
    "qingshi": (1, 1, 1.0, 0, -(2 - 1), 6),
    # quota 1 of 2; gxq-zbd-001 adopted 11-06
    "gxq-zbd": (1, 1, 1.0, 0, -(2 - 1), 6),
    # quota rsj-001 and gxq-zbd-001 (co) = 2 of 4; only the joint one adopted
    "rsj": (2, 1, 0.5, 0, -(4 - 2), 10),
    # quota 1 of 3; mzj-001 adopted 11-06
    "mzj": (1, 1, 1.0, 0, -(3 - 1), 10),
    # quota 1 of 3; sjj-001 adopted 11-02
    "sjj": (1, 1, 1.0, 0, -(3 - 1), 10),
    # wjw-001 rejected; quota 1 of 4
    "wjw": (1, 0, 0.0, 0, -(4 - 1), 13),
    # zjj-001 not in any issue; quota 1 of 4
    "zjj": (1, 0, 0.0, 0, -(4 - 1), 13),
    # nothing submitted; quota 0 of 5
    "yjj": (0, 0, 0.0, 0, -(5 - 0), 15),
    # missed yg-2026-05 −2; quota 1 of 5
    "nanhu": (1, 0, 0.0, 0, -2 - (5 - 1), 16),
    # late urgent −5; quota 1 of 6
    "dongcheng": (1, 0, 0.0, 0, -5 - (6 - 1), 17),
    # inactive: no quota, no rank
    "lvw": (0, 0, 0.0, 0, 0, None),
}


def test_sample_october_scores_match_the_hand_computation(capsys):
    code = main(["scores", "--root", str(ROOT), "--today", "2026-11-27", "--period", "2026-10", "--format", "json"])
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    got = {u["unit"]: (u["submitted"], u["adopted"], u["adoption_rate"], u["instructions"], u["points"], u["rank"])
           for u in data["units"]}
    assert got == {unit: (s, a, r, i, float(p), k) for unit, (s, a, r, i, p, k) in EXPECTED.items()}
    # listed by rank, inactive last
    assert [u["unit"] for u in data["units"]][:5] == ["nyj", "gaj", "xfj", "hexi", "xc-county"]
    assert data["units"][-1]["unit"] == "lvw"


def test_every_period_reads_exactly_its_own_months():
    """The month indexes give each period what a scan of the whole ledger gives (but in time
    proportional to the period, so a 5-year archive's 85 notices stay linear)."""
    from datetime import date

    from bulletin.check import run_check
    from bulletin.notice_view import NoticeMaker
    from bulletin.scoring import RULES, Ledger

    newsroom = run_check(ROOT, date(2026, 11, 27)).newsroom
    ledger = Ledger(newsroom)
    order = list(RULES)
    periods = NoticeMaker(newsroom, lambda r: r.title, "办公室").periods()
    for period in periods:
        assert sorted(f.report.id for f in ledger.facts_in(period)) == sorted(
            f.report.id for f in ledger.facts if period.contains(f.day))
        assert sorted(ledger.instructions_in(period)) == sorted(i for i in ledger.instructions if period.contains(i[1]))
        scanned = [e for e in ledger.entries if period.contains(e.day)] + ledger.quota_entries(period)
        assert ledger.entries_in(period) == sorted(
            scanned, key=lambda e: (e.unit, e.day, order.index(e.rule), e.report or "", e.source))
    assert sum(len(ledger.facts_in(p)) for p in periods if p.kind == "month") == len(ledger.facts)
