"""``bulletin move-classified``: every classified report and issue out of the networked newsroom.

Reports of 秘密 and above, issues whose classification (their own marking or an item's) is 秘密
or above, and the images only those reports use are moved into the configured store at the
same relative path, byte for byte (copied, compared, then removed from the newsroom). Nothing is
overwritten: a different file already at the target stops the move before anything is touched.
The files remain in the git history, so the command ends by printing, in Chinese, how to remove
them from the index (``git rm --cached``) and from the history (``git filter-repo``).
"""

from __future__ import annotations

import posixpath
import shutil
from pathlib import Path
from urllib.parse import unquote

from bulletin.commands._common import load_newsroom
from bulletin.errors import UsageError
from bulletin.lints import body_targets
from bulletin.model import Newsroom, Report
from bulletin.store import Store, git_work_tree, is_classified, locate

NOT_CONFIGURED = ("没有配置涉密库；请用 --classified DIR 指定，"
                  "或在 mkdocs.yml 的 extra.bulletin 中写 classified_store: <涉密库路径>")


def _images(report: Report) -> set[str]:
    """Newsroom-relative paths of the images a report's body shows (files inside content/)."""
    found = set()
    for kind, raw, _alt in body_targets(report.body):
        url = unquote(raw.strip().split("#", 1)[0].split("?", 1)[0]).replace("\\", "/")
        if kind != "img" or not url or ":" in url or url.startswith("/"):
            continue
        target = posixpath.normpath(posixpath.join(posixpath.dirname(report.src.rel), url))
        if target.startswith("content/"):
            found.add(target)
    return found


def to_move(newsroom: Newsroom) -> list[str]:
    """The newsroom files that belong in the store: classified reports and issues, and the
    images that only those reports use."""
    reports = [r for r in newsroom.reports.values() if r.classified and not r.src.stored]
    issues = [i for i in newsroom.issues if is_classified(i) and not i.src.stored]
    kept = set().union(*(_images(r) for r in newsroom.reports.values() if not r.classified and not r.src.stored))
    images = set().union(*(_images(r) for r in reports)) - kept
    images = {rel for rel in images if (newsroom.root / rel).is_file()}
    return sorted({r.src.rel for r in reports} | {i.src.rel for i in issues} | images)


def _conflicts(root: Path, store: Store, files: list[str]) -> list[str]:
    return [rel for rel in files
            if (store.path / rel).exists() and (store.path / rel).read_bytes() != (root / rel).read_bytes()]


def move(root: Path, store: Store, files: list[str]) -> None:
    """Copy each file into the store, compare the bytes, then remove it from the newsroom."""
    for rel in files:
        source, target = root / rel, store.path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            shutil.copy2(source, target)
        if target.read_bytes() != source.read_bytes():
            raise UsageError(f"复制 {rel} 后内容不一致；新闻室中的文件未删除，请检查涉密库所在的磁盘")
        source.unlink()
        _prune_empty(root, source.parent)


def _prune_empty(root: Path, folder: Path) -> None:
    """Remove the folders a move emptied (content/2026/08/ …), never content/ or issues/ themselves."""
    while folder.parent != root and folder != root and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def instructions(root: Path, store: Store, files: list[str]) -> str:
    """What to remove from git, and how to purge the history, in Chinese."""
    quoted = " ".join(f"'{rel}'" for rel in files)
    paths = " ".join(f"--path '{rel}'" for rel in files)
    lines = [
        f"已把 {len(files)} 个文件移入涉密库 {store.path}（相对路径和内容不变）：",
        *(f"  {rel}" for rel in files),
        "",
        "这些文件仍在 git 的历史中。请在联网的新闻室仓库中：",
        "  1. 从 git 中删除（文件已不在工作区）并提交：",
        f"     git rm --cached --ignore-unmatch -- {quoted}",
        "     git commit -m \"涉密稿件和期刊移入涉密库\"",
        "  2. 从全部历史中清除（需先安装 git-filter-repo；会改写历史，请先备份）：",
        f"     git filter-repo --invert-paths {paths}",
        "     git push --force --all && git push --force --tags",
        "  3. 请所有克隆过仓库的同事和 CI 删除旧的克隆、重新克隆；git 服务器上的旧提交、分支和备份按保密规定清理。",
    ]
    top = git_work_tree(root)
    if top is not None and store.path.resolve().is_relative_to(top.resolve()):
        lines += ["", f"注意：涉密库 {store.display_name} 在新闻室的 git 工作区内，移入的文件仍会被提交和推送；"
                      "实际工作中涉密库须放在不联网的计算机上、不进 git（见 docs/security.md）。"]
    return "\n".join(lines)


def add_arguments(parser) -> None:
    """No options of its own."""


def run(ctx, args) -> int:
    store, problems = locate(ctx.root, ctx.classified)
    if store is None:
        raise UsageError(problems[0].message if problems else NOT_CONFIGURED)
    newsroom = load_newsroom(ctx)
    files = to_move(newsroom)
    if not files:
        ctx.say(f"新闻室中没有秘密及以上的稿件或期刊，无需移动（涉密库 {store.path}）")
        return 0
    clashes = _conflicts(ctx.root, store, files)
    if clashes:
        for rel in clashes:
            ctx.say(f"{rel}: 涉密库中已有同名但内容不同的文件 {store.path / rel}；请核对后删去其中一份")
        ctx.say("未移动任何文件")
        return 1
    move(ctx.root, store, files)
    print(instructions(ctx.root, store, files))
    ctx.say("下一步：运行 bulletin check 确认新闻室中已没有涉密内容")
    return 0
