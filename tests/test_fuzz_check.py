"""Fuzzing ``check``: random front matter, issue files and raw bytes never make it raise.

Invariants: no exception; exit code 0 or 1; every problem names a file of the newsroom.
300 examples per strategy in `make test`, 10,000 in `make fuzz` (HYPOTHESIS_PROFILE=fuzz).
"""

from __future__ import annotations

import functools
import shutil
import tempfile
from datetime import date
from pathlib import Path

import pytest
import yaml
from helpers.newsroom import Newsroom, seal_published
from hypothesis import given
from hypothesis import strategies as st

from bulletin.check import run_check
from bulletin.scoring import scores

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
OPTIONAL_FILES = {"mkdocs.yml"}  # a problem may name a settings file the newsroom does not have
ISSUE = "issues/zwxx/2026/018.yaml"


_MADE: list[Path] = []  # every example's folder, removed at the end of its test even when it fails


def fresh() -> Newsroom:
    """A clean newsroom per example, so one example's file never leaks into the next."""
    folder = Path(tempfile.mkdtemp(prefix="bulletin-fuzz-"))
    _MADE.append(folder)
    return Newsroom(folder)


@pytest.fixture(autouse=True)
def _remove_examples():
    """An example removes its folder when it passes; a failing one leaves it for this fixture."""
    try:
        yield
    finally:
        while _MADE:
            shutil.rmtree(_MADE.pop(), ignore_errors=True)


@functools.cache
def published_issue() -> str:
    """Issue 18 published with its lock (the lock does not depend on scoring.yaml: made once)."""
    newsroom = fresh()
    path = newsroom.root / "issues/zwxx/2026/018.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("status: draft", "status: published"), encoding="utf-8")
    seal_published(newsroom.root)
    return path.read_text(encoding="utf-8")


def assert_check_survives(newsroom: Newsroom) -> None:
    """Check never raises; every problem names a file; a newsroom that passes also scores."""
    result = run_check(newsroom.root, TODAY, use_cache=False)
    for problem in result.problems:
        assert (newsroom.root / problem.path).exists() or problem.path in OPTIONAL_FILES, problem
        assert problem.line >= 1
    if result.ok:
        for period in ("2026-03", "2026-Q1", "2026"):
            table = scores(result.newsroom, period)
            ranked = [row for row in table.rows if row.rank is not None]
            assert all(a.points >= b.points for a, b in zip(ranked, ranked[1:], strict=False))
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


UNIT_KEYS = ["id", "name", "type", "quota", "active", "officers"]
SCORING_KEYS = ["urgent_window_hours", "adoption", "instruction", "bonus", "penalty", "quota"]


@given(units=st.lists(mapping(UNIT_KEYS), max_size=4), wrap=st.booleans())
def test_fuzz_units_file(units, wrap):
    newsroom = fresh()
    newsroom.write("units.yaml", yaml.safe_dump({"units": units} if wrap else units, allow_unicode=True))
    assert_check_survives(newsroom)


@given(scoring=mapping(SCORING_KEYS))
def test_fuzz_scoring_file(scoring):
    newsroom = fresh()
    newsroom.write("scoring.yaml", yaml.safe_dump(scoring, allow_unicode=True))
    assert_check_survives(newsroom)


numbers = st.integers(-100, 100) | st.floats(-1000, 1000, allow_nan=False, allow_infinity=False)
kinds = st.sampled_from(["bulletin", "special", "brief", "feature", "default"])


@given(
    own=st.dictionaries(kinds, numbers, min_size=1),
    city=numbers, instruction=numbers, bonus=numbers, window=st.floats(0.01, 1000),
    monthly=st.integers(0, 50), excess=numbers, shortfall=numbers,
)
def test_fuzz_valid_shaped_scoring_always_scores(own, city, instruction, bonus, window, monthly, excess, shortfall):
    newsroom = fresh()
    own = {"bulletin": 1, "special": 1, "brief": 1, **own}
    newsroom.write("scoring.yaml", yaml.safe_dump({
        "urgent_window_hours": window,
        "adoption": {"own": own, "city": {"default": city}},
        "instruction": {"own": instruction},
        "bonus": {"category": {"调研": bonus}, "assignment": bonus},
        "penalty": {"urgent_late": -abs(bonus), "assignment_missed": shortfall},
        "quota": {"monthly_default": monthly, "excess": excess, "shortfall": shortfall},
    }, allow_unicode=True))
    newsroom.write("issues/zwxx/2026/018.yaml", published_issue())
    result = run_check(newsroom.root, TODAY, use_cache=False)
    assert result.ok, [p.format() for p in result.problems]
    assert_check_survives(newsroom)


# -- personal data: whatever a body holds, the intranet view holds it only masked ------------------

digit = st.sampled_from("0123456789０１２３４５６７８９")
separator = st.sampled_from(["", "", " ", "-", "－", "—", "\u3000"])


def _spelled(number: str, draw) -> str:
    """A number as editors type it: separators between some digits, some digits full-width."""
    out = ""
    for ch in number:
        out += draw(separator) if out and draw(st.integers(0, 5)) == 0 else ""
        out += chr(ord(ch) + 0xFEE0) if draw(st.booleans()) else ch
    return out


@st.composite
def bodies_with_personal_data(draw):
    values = ["13912345678", "0571" + "86085527", "11010519491231002X", "6222021234567890128", "13800000001",
              "0571-86001234"]
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        parts.append(draw(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12)
                          | st.lists(digit, max_size=6).map("".join)))
        value = draw(st.sampled_from(values))
        parts.append(_spelled(value, draw) if draw(st.booleans()) else value)
        parts.append(draw(st.sampled_from(["，", "。", " ", "（", "）", "\n\n", "|", "@", "邮箱 a.b@jc.gov.cn "])))
    return "".join(parts)


@given(body=bodies_with_personal_data())
def test_fuzz_bodies_reach_the_intranet_only_masked(body):
    from bulletin import personal
    from bulletin.load import load_sources
    from bulletin.model import build_newsroom
    from bulletin.views import INTRANET, site_view

    newsroom = fresh()
    newsroom.write(REPORT, "---\nid: 2026-03-nyj-001\ntitle: 来信摘报\nunit: nyj\nauthor: 李明\nsigned_off_by: 副局长 陈立\n"
                           "submitted: 2026-03-09T16:20:00+08:00\ncategory: 动态\nclassification: 内部\n---\n\n"
                           + body.replace("---", "- - -").replace("\x00", "") + "\n")
    newsroom.write(ISSUE, (newsroom.root / ISSUE).read_text(encoding="utf-8").replace("status: draft", "status: published"))
    model = build_newsroom(load_sources(newsroom.root), TODAY)
    registry = personal.Registry.of(model)
    items = site_view(model, INTRANET).items.values()
    assert len(items) == 1
    for item in items:
        for text in (item.title, item.body.replace("\\*", "*"), *item.tags):
            assert personal.find(text, registry) == [], text
    shutil.rmtree(newsroom.root)
