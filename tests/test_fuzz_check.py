"""Fuzzing ``check``: random front matter, issue files and raw bytes never make it raise.

Invariants: no exception; exit code 0 or 1; every problem names a file of the newsroom.
300 examples per strategy in `make test`, 10,000 in `make fuzz` (HYPOTHESIS_PROFILE=fuzz).
"""

from __future__ import annotations

import shutil
import tempfile
from datetime import date
from pathlib import Path

import yaml
from conftest import Newsroom
from hypothesis import given
from hypothesis import strategies as st

from bulletin.check import run_check

TODAY = date(2026, 11, 27)
REPORT_KEYS = ["id", "title", "unit", "co_units", "author", "signed_off_by", "submitted", "category", "classification",
               "secrecy_term", "urgency", "event_time", "follows", "assignment", "status", "reject_reason", "tags",
               "adopted", "instructions", "corrections", "closed"]
ISSUE_KEYS = ["series", "year", "number", "date", "status", "editor", "signer", "items", "distribution", "copies",
              "classification", "lock"]
WORDS = ["nyj", "jyj", "动态", "紧急", "秘密", "公开", "拟采用", "不采用", "2026-03-09", "2026-02-30",
         "2026-03-09T16:20:00+08:00", "zwxx", "2026-03-nyj-001", "all", "city", "own", "", " ", "---", "日前"]

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(allow_nan=True), st.sampled_from(WORDS),
    st.text(max_size=20), st.dates().map(str), st.datetimes().map(lambda d: d.isoformat()),
)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
    st.sampled_from(["level", "publication", "date", "kind", "id", "title", "leader", "follow_up", "报", "x"]) | st.text(max_size=5),
    inner, max_size=4), max_leaves=12)


def mapping(keys: list[str]):
    return st.dictionaries(st.sampled_from(keys) | st.text(max_size=8), values, max_size=len(keys))


REPORT = "content/2026/03/2026-03-nyj-001.md"
ISSUE = "issues/zwxx/2026/018.yaml"


def fresh() -> Newsroom:
    """A clean newsroom per example, so one example's file never leaks into the next."""
    return Newsroom(Path(tempfile.mkdtemp(prefix="bulletin-fuzz-")))


def assert_check_survives(newsroom: Newsroom) -> None:
    result = run_check(newsroom.root, TODAY)
    for problem in result.problems:
        assert (newsroom.root / problem.path).exists() or problem.path.endswith(".yaml"), problem
        assert problem.line >= 1
    assert result.ok in (True, False)
    shutil.rmtree(newsroom.root)


@given(front=mapping(REPORT_KEYS), body=st.text(max_size=200))
def test_fuzz_report_front_matter(front, body):
    text = "---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\n" + body
    newsroom = fresh()
    newsroom.write(REPORT, text)
    assert_check_survives(newsroom)


@given(issue=mapping(ISSUE_KEYS))
def test_fuzz_issue_file(issue):
    newsroom = fresh()
    newsroom.write(ISSUE, yaml.safe_dump(issue, allow_unicode=True))
    assert_check_survives(newsroom)


@given(raw=st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_fuzz_raw_bytes(raw):
    newsroom = fresh()
    newsroom.write(REPORT, b"---\n" + raw)
    newsroom.write("units.yaml", raw)
    assert_check_survives(newsroom)
