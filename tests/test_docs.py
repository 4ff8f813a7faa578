"""The reference docs name every problem code the program can report."""

from pathlib import Path

from bulletin.problems import CATALOGUE

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_every_code_is_documented():
    text = (DOCS / "reference.md").read_text(encoding="utf-8")
    missing = [code for code in CATALOGUE if f"| {code} |" not in text]
    assert missing == []


def test_schema_enums_match_domain_enumerations():
    from bulletin import enums
    from bulletin.schema import schema

    props = schema("report")["properties"]
    assert props["category"]["enum"] == enums.spellings(enums.CATEGORY)
    assert props["classification"]["enum"] == enums.spellings(enums.CLASSIFICATION)
    assert props["urgency"]["enum"] == enums.spellings(enums.URGENCY)
    assert props["status"]["enum"] == enums.spellings(enums.STATUS)
    assert schema("issue")["properties"]["status"]["enum"] == enums.spellings(enums.ISSUE_STATUS)
