"""The classified store (涉密库): reports and issues above 内部, kept apart from the networked newsroom.

涉密不上网: the networked repository (pushed to the office's git server, cloned by CI and every
editor's PC) must hold nothing classified. The store is a folder with the newsroom's layout
(``content/YYYY/MM/``, ``issues/<series>/YYYY/``) on an isolated machine; units, series and
scoring always come from the newsroom. It is named by ``--classified DIR`` or by
``extra.bulletin.classified_store`` in mkdocs.yml (relative to the newsroom).

- Store configured and present (the isolated machine): every command sees both folders; each
  record keeps its origin, and its path in messages carries the store's prefix
  (``classified/content/2026/08/x.md``), so an editor can tell the two apart.
- Store configured but absent (the networked machine's normal state): the newsroom alone; a
  classified record left in the newsroom is an error (E237).
- No store configured: the newsroom as before.

Sites are never built from the store: ``networked`` gives the newsroom as the networked machine
sees it, with the store's assessment figures as per-unit numbers only (see
``bulletin.classified_summary``). ``printed_dir`` is the one place deciding where an issue's
PDF and Word files go.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from bulletin import enums
from bulletin.cache import DigestCache
from bulletin.load import Sources, load_records
from bulletin.mkdocs_yml import bulletin_extra
from bulletin.model import Issue, Newsroom, build_newsroom
from bulletin.problems import Problem

SETTING = "extra.bulletin.classified_store"


@dataclass(frozen=True)
class Store:
    """Where the store is, and how newsroom-relative paths name it."""

    path: Path  # absolute
    prefix: str  # "classified/" (inside the newsroom) or "/media/涉密库/" (outside), ends in "/"
    config_path: str  # "mkdocs.yml", or the store's own path when given by --classified
    config_line: int

    @property
    def present(self) -> bool:
        return self.path.is_dir()

    @property
    def build_dir(self) -> Path:
        """The store's own build/: classified PDFs and Word files, never the newsroom's build/."""
        return self.path / "build"

    @property
    def display_name(self) -> str:
        """The store as messages to the editor name it: its prefix, ``classified/`` or ``/media/涉密库/``."""
        return self.prefix


def _setting(root: Path) -> tuple[object, int]:
    """The value of extra.bulletin.classified_store in mkdocs.yml, and its line (None if unset).

    Read through the one mkdocs.yml reader (regular file, size cap, bounded nesting); a file it
    cannot read is reported by check, and configures no store.
    """
    value = bulletin_extra(root).get("classified_store")
    if value is None:
        return None, 1
    text = (root / "mkdocs.yml").read_text(encoding="utf-8")  # a regular UTF-8 file of at most 1 MB: read above
    match = re.search(r"^\s*classified_store\s*:", text, re.MULTILINE)
    return value, text[: match.start()].count("\n") + 1 if match else 1


def locate(root: Path, option: str | Path | None = None) -> tuple[Store | None, list[Problem]]:
    """The configured store (the option wins over mkdocs.yml), or None when none is configured."""
    if option:
        path, config, line = Path(option).expanduser(), "", 1
        path = path if path.is_absolute() else Path.cwd() / path
    else:
        value, line = _setting(root)
        if value is None:
            return None, []
        if not isinstance(value, str) or not value.strip():
            return None, [Problem("mkdocs.yml", line, "E240",
                                  f"{SETTING} 应写涉密库文件夹的路径（相对于新闻室），例如 classified_store: ../涉密库")]
        path, config = root / value.strip(), "mkdocs.yml"
    path = Path(os.path.normpath(path.absolute()))
    root = Path(os.path.normpath(root.absolute()))
    if path == root or root.is_relative_to(path):
        return None, [Problem(config, line, "E240",
                              f"涉密库 {path} 不能是新闻室本身或其上级文件夹；请另建一个文件夹作涉密库")]
    prefix = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.as_posix()
    prefix = prefix.rstrip("/") + "/"
    return Store(path, prefix, config or prefix.rstrip("/"), line), []


def load_store(sources: Sources, store: Store | None, cache: DigestCache | None = None) -> None:
    """Add the store's reports and issues (when it is present) to the newsroom's sources."""
    if store is not None and store.present:
        load_records(sources, store.path, store.prefix, cache)


def is_classified(issue: Issue) -> bool:
    return enums.CLASSIFICATION_RANK[issue.effective_classification] >= enums.CLASSIFIED_FROM


def printed_dir(root: Path, store: Store | None, issue: Issue) -> Path:
    """The build folder that receives an issue's printed outputs (PDF, Word).

    A stored or classified issue prints into the store's own build/ whenever a store is
    configured; everything else into the newsroom's build/. Every command that prints asks here.
    """
    if store is not None and (issue.src.stored or is_classified(issue)):
        return store.build_dir
    return root / "build"


def home_for(root: Path, store: Store | None, classification: str | None) -> Path:
    """The folder a new report (or issue) of ``classification`` is written into."""
    rank = enums.CLASSIFICATION_RANK.get(classification or "内部", 1)
    if store is None or rank < enums.CLASSIFIED_FROM:
        return root
    if not store.present:
        from bulletin.errors import UsageError

        raise UsageError(f"密级为{classification}的稿件和期刊只能写入涉密库，而涉密库 {store.path} 不在本机；"
                         "请在涉密库所在的（不联网的）计算机上操作")
    return store.path


def record_path(root: Path, store: Store | None, full: Path) -> str | None:
    """The path a record's messages use for the file ``full`` (None when in neither folder)."""
    for folder, prefix in ([(store.path, store.prefix)] if store else []) + [(root, "")]:
        if full.resolve().is_relative_to(folder.resolve()):
            return prefix + full.resolve().relative_to(folder.resolve()).as_posix()
    return None


def networked(sources: Sources, complete: Newsroom, store: Store | None) -> Newsroom:
    """The newsroom as the networked machine sees it: without the store's records, and with
    the store's assessment figures added as per-unit numbers (exactly the export's figures).

    Sites and the newsroom's build/ are made from this, so the store never reaches them.
    """
    if store is None or not store.present:
        return complete
    from bulletin.classified_summary import StoreFigures

    alone = Sources(
        root=sources.root,
        reports=[d for d in sources.reports if not d.origin],
        issues=[d for d in sources.issues if not d.origin],
        series=sources.series,
        units=sources.units,
        assignments=sources.assignments,
        scoring=sources.scoring,
    )
    newsroom = build_newsroom(alone, complete.today)
    newsroom.classified = StoreFigures(complete, newsroom)
    newsroom.pages = complete.pages  # the office's pages (checked with the complete newsroom)
    return newsroom


# -- check -----------------------------------------------------------------------------------------


def store_problems(newsroom: Newsroom, store: Store | None) -> list[Problem]:
    """Classified records left in the newsroom, newsroom issues listing stored items, records in
    the store that are not classified, and a store inside the newsroom's git work tree."""
    if store is None:
        return []
    found: list[Problem] = []
    move = (f"请在涉密库所在的计算机上运行 bulletin move-classified 把它移入涉密库 {store.display_name}，"
            "再按提示用 git rm --cached 和 git filter-repo 从 git 历史中清除")
    for r in newsroom.reports.values():
        if r.classified and not r.src.stored:
            found.append(Problem(r.src.path, r.src.line("classification"), "E237",
                                 f"密级为{r.classification}的稿件不能留在联网的新闻室中；{move}"))
        elif r.src.stored and not r.classified:
            found.append(Problem(r.src.path, r.src.line("classification"), "W008",
                                 f"涉密库只放秘密及以上的稿件，本稿密级为{r.classification}；请移回新闻室的 {r.src.rel}"))
    for issue in newsroom.issues:
        found += _issue_problems(issue, move)
    found += _work_tree_problems(newsroom.root, store)
    return found


def _issue_problems(issue: Issue, move: str) -> list[Problem]:
    path = issue.src.path
    if issue.src.stored:
        if not is_classified(issue):
            return [Problem(path, 1, "W008", f"涉密库只放秘密及以上的期刊，本期密级为{issue.effective_classification}；"
                                             f"请移回新闻室的 {issue.src.rel}")]
        return []
    found = []
    for item in issue.items:
        report = next((r for r in issue.reports if r.id == item.id), None)
        if report is not None and report.src.stored:
            found.append(Problem(path, item.line, "E238",
                                 f"稿件 {item.id} 在涉密库中，联网新闻室的期刊不能编入它；"
                                 f"请删去该条目，或运行 bulletin move-classified 把本期移入涉密库"))
    own = [enums.CLASSIFICATION_RANK[issue.classification]] if issue.classification else []
    ranks = own + [r.rank for r in issue.reports if not r.src.stored]
    if ranks and max(ranks) >= enums.CLASSIFIED_FROM:
        name = list(enums.CLASSIFICATION)[max(ranks)]
        found.append(Problem(path, issue.src.line("classification") if own and max(own) == max(ranks) else 1, "E237",
                             f"密级为{name}的期刊不能留在联网的新闻室中；{move}"))
    return found


def git_work_tree(folder: Path) -> Path | None:
    """The top of the git work tree holding ``folder`` (None when it is in none)."""
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


def _work_tree_problems(root: Path, store: Store) -> list[Problem]:
    top = git_work_tree(root)
    if top is None or not store.present or not store.path.resolve().is_relative_to(top.resolve()):
        return []
    return [Problem(store.config_path, store.config_line, "W007",
                    f"涉密库 {store.display_name} 在新闻室的 git 工作区内，会随仓库推送到联网的服务器；"
                    "实际工作中涉密库须放在不联网的计算机上、不进 git（示例新闻室有意如此，见 docs/security.md）")]
