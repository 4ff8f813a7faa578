"""Domain enumerations: the Chinese value editors write, and the English alias also accepted.

The JSON Schemas list both spellings; tests keep the two in step.
"""

from __future__ import annotations

CATEGORY = {"动态": "dynamic", "经验": "experience", "问题": "problem", "调研": "research", "建议": "proposal", "紧急": "urgent"}
CLASSIFICATION = {"公开": "public", "内部": "internal", "秘密": "confidential", "机密": "secret", "绝密": "top-secret"}
URGENCY = {"特急": "very-urgent", "加急": "urgent"}
STATUS = {"已报送": "submitted", "拟采用": "accepted", "不采用": "rejected"}
ISSUE_STATUS = {"draft": "草稿", "published": "已发布"}
SERIES_KIND = {"bulletin": "简报", "special": "专报", "brief": "参阅", "feature": "专刊"}
NUMBERING = {"yearly": "按年", "continuous": "连续"}
# Levels and publication kinds are keys of scoring.yaml (English); editors may write the Chinese word.
LEVEL = {"own": "本级", "city": "市级", "province": "省级", "national": "国家级"}
PUBLICATION_KIND = {**SERIES_KIND, "default": "默认"}
UNIT_TYPE = {"县区": "county", "乡镇": "township", "街道": "subdistrict", "市直单位": "department", "信息直报点": "direct", "其他": "other"}

# Classification ranks: higher is more restricted. 秘密 and above never reach a website.
CLASSIFICATION_RANK = {name: rank for rank, name in enumerate(CLASSIFICATION)}
CLASSIFIED_FROM = CLASSIFICATION_RANK["秘密"]
VAGUE_TIME_WORDS = ("日前", "近日", "近期", "前不久")
# Levels of an adoption or of the leader who wrote an instruction, as pages and score traces name them.
LEVEL_NAMES = LEVEL


def level_name(level: str | None) -> str:
    """``city`` → 市级; an unknown level shows as written, a missing one as a dash."""
    return LEVEL_NAMES.get(level or "", level or "—")


def canonical(table: dict[str, str], value: object) -> str | None:
    """The first-column spelling of ``value`` (either spelling accepted), or None if unknown."""
    if not isinstance(value, str):
        return None
    if value in table:
        return value
    for key, alias in table.items():
        if alias == value:
            return key
    return None


def keyed(table: dict[str, str], value: object) -> str | None:
    """A scoring key (``city``) for either spelling (``市级``); other text as written (a
    newsroom's own scoring.yaml key), so check can name it; None for no text."""
    if not isinstance(value, str) or not value.strip():
        return None
    return canonical(table, value) or value


def both(table: dict[str, str], keys) -> str:
    """``city（市级）、province（省级）``: each key with its Chinese word, for messages."""
    return "、".join(f"{k}（{table[k]}）" if k in table else str(k) for k in keys)


def spellings(table: dict[str, str]) -> list[str]:
    """Every accepted spelling, for schemas and messages."""
    return [*table.keys(), *table.values()]
