"""Dates as the office uses them: Asia/Shanghai time, the day of the build, Chinese forms."""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta, timezone

from bulletin.schema import parse_date, parse_datetime

# China has kept UTC+8 without daylight saving since 1991; a fixed zone keeps builds reproducible.
SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")


def to_date(value: object) -> date | None:
    return parse_date(value) if isinstance(value, str) else None


def to_datetime(value: object) -> datetime | None:
    """An aware datetime; a time written without zone is Asia/Shanghai."""
    if not isinstance(value, str):
        return None
    moment = parse_datetime(value)
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=SHANGHAI)


def local(moment: datetime) -> datetime:
    return moment.astimezone(SHANGHAI)


def build_day(today: str | None) -> date:
    """The day of the build: ``--today``, else SOURCE_DATE_EPOCH, else the clock (Shanghai)."""
    if today:
        parsed = parse_date(today)
        if parsed is None:
            raise ValueError(f"--today 应写成 2026-03-12 这样的日期，而不是 {today}")
        return parsed
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), SHANGHAI).date()
        except (ValueError, OverflowError, OSError):
            raise ValueError(f"SOURCE_DATE_EPOCH 应为整数秒，而不是 {epoch}") from None
    return datetime.now(SHANGHAI).date()


def cn_date(day: date) -> str:
    """``2026年5月8日``: no leading zeros, as people write dates."""
    return f"{day.year}年{day.month}月{day.day}日"


def month_key(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"
