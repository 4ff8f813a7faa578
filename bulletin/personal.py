"""Personal data (个人信息): finding it, masking it, and the values an item means to publish.

One home for the rule that no citizen's or officer's phone number, e-mail address, ID number or
bank card number ever reaches a website. ``check`` reports what ``find`` finds, the intranet view
masks it, ``import`` moves contact lines out of the body, and the leak gate searches built sites
with the same patterns.

Text is normalised first, one character for one character (full-width digits, brackets, dashes
and ``＠`` become ASCII), so a match's offsets are offsets in the original text. Every pattern is
a fixed shape without nested quantifiers, so matching stays linear in the text's length.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import ahocorasick

MOBILE = "手机号"
LANDLINE = "固定电话"
EMAIL = "电子邮箱"
ID_NUMBER = "身份证号"
BANK_CARD = "银行卡号"

_FULL_WIDTH = {chr(0xFF10 + i): str(i) for i in range(10)}
_FULL_WIDTH.update({"－": "-", "—": "-", "–": "-", "‐": "-", "‑": "-", "―": "-", "（": "(", "）": ")",
                    "＠": "@", "．": ".", "\u3000": " ", "\u00a0": " ", "Ｘ": "X", "ｘ": "x", "＋": "+"})
_NEEDS_NORMALISING = re.compile("[" + re.escape("".join(_FULL_WIDTH)) + "]")
# Where a number may stand: from a digit to a digit through digits and separators. The patterns
# run only on these windows (most text has none), which keeps a cold check of 9,000 reports fast.
# Shorter than five characters it is shorter than any pattern (a year, an amount, a hotline):
# the engine skips those runs itself, where a loop here looked at every date's digits.
_CANDIDATE = re.compile(r"[0-9][0-9() +-]{3,}[0-9]")

# Each pattern: digits not preceded or followed by another digit, so parts of longer numbers
# (dates, amounts, document numbers) never match.
_MOBILE = re.compile(r"(?<![0-9])(?:\+86|0086|86)?[- ]?(1[3-9][0-9])[- ]?([0-9]{4})[- ]?([0-9]{4})(?![0-9])")
_LANDLINE = re.compile(
    r"(?<![0-9])(?:\((0[1-9][0-9]{1,2})\)|(0[1-9][0-9]{1,2}))[- ]?([2-9][0-9]{2,3})[- ]?([0-9]{4})(?![0-9])"
)
_ID18 = re.compile(
    r"(?<![0-9])[1-9][0-9]{5}(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx](?![0-9A-Za-z])"
)
_ID15 = re.compile(r"(?<![0-9])[1-9][0-9]{7}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}(?![0-9])")
_CARD = re.compile(r"(?<![0-9])[0-9]{4}[- ]?[0-9]{4}[- ]?[0-9]{4}[- ]?[0-9]{4}[- ]?[0-9]{0,3}(?![0-9])")
_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9-]{1,63}\.[A-Za-z0-9.-]{1,190}")
_TLD = re.compile(r"\.[A-Za-z]{2,24}$")
_FILE_SUFFIX = re.compile(r"\.(?:png|jpe?g|gif|webp|svg|pdf|docx?|xlsx?)$", re.I)
# A run of digits and separators: where a registered number may stand in any form.
_RUN = re.compile(r"(?<![0-9])[(+0-9][0-9() -]{4,30}[0-9](?![0-9])")
_NON_DIGIT = re.compile(r"[^0-9]")
_REGISTERED_LANDLINE = re.compile(r"^\(?(0[1-9][0-9]{1,2})\)?[- ]?([0-9]{7,8})$")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def normalise(text: str) -> str:
    """Full-width digits, brackets, dashes, ``＠`` and spaces as ASCII; same length as ``text``."""
    if _NEEDS_NORMALISING.search(text) is None:
        return text
    return _NEEDS_NORMALISING.sub(lambda m: _FULL_WIDTH[m.group()], text)


@dataclass(frozen=True)
class Finding:
    """One value in a text: where it stands, what it is, its canonical key and its mask."""

    start: int
    end: int
    kind: str
    key: str  # digits (phones, ID and card numbers) or the lower-cased address: compared with public_contacts
    masked: str


def id_check_digit_ok(number: str) -> bool:
    """The GB 11643 check digit of an 18-digit resident ID number."""
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == number[17].upper()


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def mask_mobile(digits: str) -> str:
    return f"{digits[:3]}****{digits[-4:]}"


def mask_landline(area: str, local: str) -> str:
    return f"{area}-****{local[-4:]}"


def mask_id(number: str) -> str:
    return f"{number[:6]}{'*' * (len(number) - 10)}{number[-4:]}"


def mask_email(address: str) -> str:
    local, domain = address.split("@", 1)
    return f"{local[0]}***@{domain}"


def mask_card(digits: str) -> str:
    return f"{digits[:4]}{'*' * (len(digits) - 8)}{digits[-4:]}"


def canonical(value: str) -> str:
    """The key of a value as listed in ``public_contacts``: an address lower-cased, else its digits."""
    value = normalise(str(value)).strip()
    if "@" in value:
        return value.lower()
    digits = _NON_DIGIT.sub("", value)
    if len(digits) == 13 and digits.startswith("861"):
        return digits[2:]
    return digits


@dataclass(frozen=True)
class Registered:
    """An officer's phone from units.yaml: every key it may be written as, and its mask."""

    keys: tuple[str, ...]  # full digits first; a landline also by its local number alone
    masked: str
    kind: str


def registered_phone(phone: str) -> Registered | None:
    text = normalise(str(phone)).strip()
    landline = _REGISTERED_LANDLINE.match(text.replace(" ", "-"))
    if landline:
        area, local = landline.groups()
        return Registered((area + local, local), mask_landline(area, local), LANDLINE)
    digits = _NON_DIGIT.sub("", text)
    if len(digits) == 13 and digits.startswith("861"):
        digits = digits[2:]
    if len(digits) == 11 and digits.startswith("1"):
        return Registered((digits,), mask_mobile(digits), MOBILE)
    if len(digits) >= 7:
        return Registered((digits,), f"****{digits[-4:]}", LANDLINE)
    return None  # a short extension is not distinctive


class Registry:
    """Registered officer phones (units.yaml), matched in any form after normalisation."""

    def __init__(self, phones: Iterable[str]):
        self.numbers = [r for r in map(registered_phone, phones) if r is not None]
        self.fingerprint = "\x00".join(sorted(k for r in self.numbers for k in r.keys))
        self._key: bytes | None = None
        self._automaton: ahocorasick.Automaton | None = None

    @property
    def key(self) -> bytes:
        """The digest of the registered numbers: part of every kept finding's cache key."""
        if self._key is None:
            from bulletin.cache import digest

            self._key = digest(self.fingerprint.encode())
        return self._key

    @classmethod
    def of(cls, newsroom) -> Registry:
        return cls(o.phone for u in newsroom.units.values() for o in u.officers if o.phone)

    def match(self, digits: str) -> Registered | None:
        """The registered number a run of digits holds (as a whole, after +86, or inside the run);
        of several, the one registered first.

        One pass of an automaton over every key: a five-year archive has hundreds of officers and
        its sites 170,000 runs of digits, and trying each number on each run was a third of the
        personal-data gate."""
        if self._automaton is None:
            self._automaton = ahocorasick.Automaton()
            for index, number in enumerate(self.numbers):
                for key in number.keys:
                    known = self._automaton.get(key, index)
                    self._automaton.add_word(key, min(known, index))
            self._automaton.make_automaton()
        if not self.numbers:
            return None
        first = min((index for _end, index in self._automaton.iter(digits)), default=None)
        return None if first is None else self.numbers[first]


def _digit_findings(text: str) -> list[Finding]:
    found: list[Finding] = []
    for m in _ID18.finditer(text):
        if id_check_digit_ok(m.group()):
            found.append(Finding(m.start(), m.end(), ID_NUMBER, m.group().upper(), mask_id(m.group().upper())))
    for m in _ID15.finditer(text):
        found.append(Finding(m.start(), m.end(), ID_NUMBER, m.group(), mask_id(m.group())))
    for m in _CARD.finditer(text):
        digits = _NON_DIGIT.sub("", m.group())
        if 16 <= len(digits) <= 19 and luhn_ok(digits):
            end = m.start() + len(m.group().rstrip("- "))
            found.append(Finding(m.start(), end, BANK_CARD, digits, mask_card(digits)))
    for m in _MOBILE.finditer(text):
        digits = "".join(m.groups())
        start = m.start(1) if text[m.start()] in "- " else m.start()
        found.append(Finding(start, m.end(), MOBILE, digits, mask_mobile(digits)))
    for m in _LANDLINE.finditer(text):
        area = m.group(1) or m.group(2)
        local = m.group(3) + m.group(4)
        found.append(Finding(m.start(), m.end(), LANDLINE, area + local, mask_landline(area, local)))
    return found


def _emails(text: str) -> list[Finding]:
    found = []
    for m in _EMAIL.finditer(text):
        address = m.group().rstrip(".-")
        if _TLD.search(address) and not _FILE_SUFFIX.search(address):
            found.append(Finding(m.start(), m.start() + len(address), EMAIL, address.lower(), mask_email(address)))
    return found


def _registered(text: str, registry: Registry | None) -> list[Finding]:
    if registry is None or not registry.numbers:
        return []
    found = []
    for m in _RUN.finditer(text):
        number = registry.match(_NON_DIGIT.sub("", m.group()))
        if number is not None:
            found.append(Finding(m.start(), m.end(), number.kind, number.keys[0], number.masked))
    return found


def find(text: str, registry: Registry | None = None, allowed: frozenset[str] | set[str] = frozenset(),
         patterns: bool = True) -> list[Finding]:
    """Every piece of personal data in ``text``, in order, none overlapping; ``allowed`` keys pass.

    ``patterns=False`` looks for the registered numbers only (the intranet's leak gate).
    """
    if not text:
        return []
    plain = normalise(text)
    candidates: list[Finding] = []
    for run in _CANDIDATE.finditer(plain):
        start = max(run.start() - 1, 0)  # the "(" or "+" before the digits
        window = plain[start:run.end() + 1]
        found = _registered(window, registry) + (_digit_findings(window) if patterns else [])
        candidates += [Finding(f.start + start, f.end + start, f.kind, f.key, f.masked) for f in found]
    if patterns and "@" in plain:
        candidates += _emails(plain)
    kept: list[Finding] = []
    for f in sorted(candidates, key=lambda f: (f.start, -(f.end - f.start))):
        if kept and f.start < kept[-1].end:
            continue  # the earlier, longer match (a registered number first) wins
        kept.append(f)
    return [f for f in kept if f.key not in allowed]


def mask(text: str, registry: Registry | None = None, allowed: frozenset[str] | set[str] = frozenset(),
         markdown: bool = False) -> str:
    """``text`` with every unlisted piece of personal data replaced by its mask (for the intranet).

    In Markdown (a body) the mask's ``*`` are escaped, so they are shown, not read as emphasis.
    A mask changes what its neighbours stand next to (``0571 86085527`` next to a number that is
    masked can become a landline of its own), so masking repeats until nothing is found; each
    round removes digits, so it ends.
    """
    star = "\\*" if markdown else "*"
    for _ in range(len(text)):
        findings = find(text, registry, allowed)
        if not findings:
            break
        out, last = [], 0
        for f in findings:
            out += [text[last:f.start], f.masked.replace("*", star)]
            last = f.end
        out.append(text[last:])
        text = "".join(out)
    return text


def allowed_keys(values: Iterable[str]) -> frozenset[str]:
    """The keys of an item's ``public_contacts``."""
    return frozenset(k for k in map(canonical, values) if k)


def line_offset(text: str, start: int) -> int:
    """How many lines into ``text`` offset ``start`` stands."""
    return text.count("\n", 0, start)


# -- the check rule (个人信息) ------------------------------------------------------------------

ERROR_CODE = "E260"
WARNING_CODE = "W060"


def message(kind: str, masked: str) -> str:
    return (f"{kind} {masked} 可能是个人信息，不能上网站；请删去，或移到 front matter 的 contact（只存档，不上任何网站），"
            f"如是单位对外公开的号码或邮箱，请把它列入 public_contacts")


def report_texts(report) -> list[tuple[str, int]]:
    """Each text of a report that can reach a site, with the file line it starts on."""
    line = report.src.line
    texts = [(report.title, line("title"))]
    texts += [(tag, line("tags", i)) for i, tag in enumerate(report.tags)]
    texts += [(c.note, line("corrections", i, "note")) for i, c in enumerate(report.corrections)]
    texts.append((report.body, report.body_line))
    return texts


def report_findings(report, registry: Registry) -> list[tuple[int, str, str]]:
    """(line, kind, mask) of each unlisted value in the report's site texts."""
    allowed = allowed_keys(report.public_contacts)
    found = []
    for text, first in report_texts(report):
        for f in find(text, registry, allowed):
            found.append((first + line_offset(text, f.start), f.kind, f.masked))
    return found


def kept_findings(report, registry: Registry, cache=None) -> list[tuple[int, str, str]]:
    """``report_findings``, kept in the check cache by the report's bytes and the registry."""
    if not report.key or cache is None:
        return report_findings(report, registry)
    key = b"personal:" + registry.key + report.key
    return cache.get_or_make(key, lambda: report_findings(report, registry))


def on_public_site_path(report, newsroom) -> bool:
    """A 公开 item of an issue (draft or published) of a public series: on its way to the website."""
    if report.classification != "公开" or not report.classification_given:
        return False
    return any((s := newsroom.series.get(i.series or "")) is not None and s.public for i in report.issues)


def check_problems(newsroom, cache=None) -> list:
    """Personal data in every text that can reach a site: an error on the way to the public site.

    The findings of a report depend only on its bytes and on units.yaml's phones, so they are
    cached by both digests: a warm check of a large newsroom does one dictionary look-up per file.
    """
    from bulletin.problems import Problem

    registry = Registry.of(newsroom)
    problems = []
    for report in newsroom.reports.values():
        found = kept_findings(report, registry, cache)
        code = ERROR_CODE if on_public_site_path(report, newsroom) else WARNING_CODE
        problems += [Problem(report.src.path, line, code, message(kind, masked)) for line, kind, masked in found]
    for issue in newsroom.issues:
        problems += _headline_problems(issue, newsroom, registry)
    return problems


def _headline_problems(issue, newsroom, registry: Registry) -> list:
    from bulletin.problems import Problem

    series = newsroom.series.get(issue.series or "")
    problems = []
    for item in issue.items:
        report = newsroom.reports.get(item.id)
        if not item.title or report is None:
            continue
        public = series is not None and series.public and report.classification == "公开" and report.classification_given
        for f in find(item.title, registry, allowed_keys(report.public_contacts)):
            problems.append(Problem(issue.src.path, item.line, ERROR_CODE if public else WARNING_CODE, message(f.kind, f.masked)))
    return problems
