"""Deploy a built site to its web root, and verify later that what is served is what was built.

A plain copy of ``build/site`` leaves on the server every page the new build no longer has (a
withdrawn item, a page of an issue raised to 秘密), and nobody could tell a half-finished copy or
a page edited on the server. A deploy therefore:

1. refuses a build that is not exactly the newsroom's current, gated output: the newsroom has
   no errors, the part's build record (``bulletin.buildrecord``) names the input digest a build
   would have now, every file is as the build wrote it, and the leak gate passes again;
2. copies new and changed files (on a local folder: all staged in ``TARGET/.bulletin-deploy``
   first, then renamed into place, assets before pages), then writes the manifest
   ``TARGET/.bulletin-manifest.json`` (path, size and sha256 of every file; the build's digest
   and date), then deletes what the previous manifest listed and the new one does not. Files
   bulletin never put there are recorded as foreign and left alone.

Killed while staging, the target serves the previous complete set; killed later, it serves a
mix that ``--verify`` reports, and the next deploy completes (the previous manifest and the
``removing`` list of the new one still name everything to take down). An rsync destination
(``host:path``) gets the same steps through the system's ``rsync`` (``bulletin.deploy_rsync``).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path, PurePosixPath

from bulletin.buildrecord import (
    BuildRecord,
    FileEntry,
    compare,
    read_record,
    sha256_of,
    site_files,
)
from bulletin.errors import DeployError, RecordError
from bulletin.write import FILE_MODE, atomic_write

MANIFEST = ".bulletin-manifest.json"
STAGING = ".bulletin-deploy"
FORMAT = 1
SITES = {"public": "site", "intranet": "intranet"}
SITE_NAMES = {"public": "公众网站", "intranet": "内网网站"}
_REMOTE = re.compile(r"^[^/]*:")  # rsync's rule: a colon before the first slash names a host


@dataclass(frozen=True)
class Finding:
    """One line of a deploy's refusal or a verification: where, which code, what to do."""

    path: str
    code: str
    message: str

    @property
    def severity(self) -> str:
        return "warning" if self.code.startswith("W") else "error"

    def format(self) -> str:
        return f"{self.path}: {self.severity}[{self.code}]: {self.message}"

    def as_dict(self) -> dict:
        return {"path": self.path, "severity": self.severity, "code": self.code, "message": self.message}


@dataclass
class Manifest:
    """What a deploy put on the target (``files``), what it found there and left (``foreign``),
    and what it is taking down (``removing``: emptied once the deletions are done)."""

    site: str
    digest: str
    day: str
    deployed: str
    files: dict[str, FileEntry]
    foreign: list[str] = field(default_factory=list)
    removing: list[str] = field(default_factory=list)

    def as_json(self) -> str:
        data = {"format": FORMAT, "site": self.site, "build": {"digest": self.digest, "date": self.day},
                "deployed": self.deployed, "files": [f.as_dict() for f in self.files.values()],
                "foreign": self.foreign, "removing": self.removing}
        return json.dumps(data, ensure_ascii=False, indent=1) + "\n"

    @classmethod
    def parse(cls, text: str) -> Manifest:
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError("not a bulletin manifest")
        files = {f["path"]: FileEntry(str(f["path"]), int(f["size"]), str(f["sha256"])) for f in data["files"]}
        manifest = cls(str(data["site"]), str(data["build"]["digest"]), str(data["build"]["date"]), str(data["deployed"]),
                       files, [str(p) for p in data.get("foreign", [])], [str(p) for p in data.get("removing", [])])
        unsafe = [p for p in [*files, *manifest.foreign, *manifest.removing] if not safe_path(p)]
        if unsafe:  # a deploy deletes what the manifest lists: never anything outside the target
            raise ValueError(f"路径 {unsafe[0]!r} 不在网站目录之内")
        return manifest

    def ours(self) -> set[str]:
        """Every path this manifest makes bulletin responsible for."""
        return set(self.files) | set(self.removing)


@dataclass
class Plan:
    """What a deploy changes on the target, for the report printed afterwards."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    foreign_found: list[str] = field(default_factory=list)


def safe_path(path: str) -> bool:
    """A relative POSIX path inside the target: no root, no ``..``, no empty or ``.`` parts."""
    parts = path.split("/")
    return bool(path) and not path.startswith("/") and all(p not in ("", ".", "..") for p in parts) and "\0" not in path


class Inside:
    """Paths of a local target, refused when a folder on the way is a link leading out of it
    (someone with write access to the web root must not make the deploy write elsewhere).
    Each folder is resolved once: a site has a folder per item."""

    def __init__(self, target: Path):
        self.target = target
        self.root = target.resolve()
        self.safe: set[str] = set()

    def __call__(self, path: str) -> Path:
        full = self.target / path
        folder = path.rpartition("/")[0]
        if folder not in self.safe:
            if not full.parent.resolve().is_relative_to(self.root):
                folders = [self.target.joinpath(*path.split("/")[:n]) for n in range(1, path.count("/") + 1)]
                link = next((f for f in folders if f.is_symlink()), full.parent)
                raise DeployError([Finding(str(link), "E354", "网站目录中的这个文件夹是指向网站目录之外的符号链接；"
                                           "请核对网站目录，删去该链接后重新发布")])
            self.safe.add(folder)
        return full


def is_remote(target: str) -> bool:
    """``host:path`` (and ``user@host:path``) as rsync reads it; ``./a:b`` and ``/a:b`` are local."""
    return bool(_REMOTE.match(target)) or target.startswith("rsync://")


def manifest_for(record: BuildRecord, site: str, foreign: list[str], removing: list[str]) -> Manifest:
    stamp = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    return Manifest(site, record.digest, record.day, stamp, dict(record.files), sorted(foreign), sorted(removing))


def _order(paths: list[str]) -> list[str]:
    """Assets before pages, so that a page switched in never points at an asset not yet there."""
    return sorted(paths, key=lambda p: (p.endswith(".html"), p))


# -- refusals before anything is copied ---------------------------------------------------------


def target_problem(root: Path, target: Path) -> Finding | None:
    """A local TARGET must be a folder (or a new one in an existing folder) outside the newsroom."""
    resolved = target.resolve()
    newsroom = root.resolve()
    if resolved.is_relative_to(newsroom):
        where = " build/ " if resolved.is_relative_to(newsroom / "build") else "新闻室"
        return Finding(str(target), "E354", f"发布目录在{where}中；请写网站根目录（Web 服务器的目录，"
                       "如 /var/www/site 或 服务器:/var/www/site），它不能在新闻室或 build/ 中")
    if newsroom.is_relative_to(resolved):
        return Finding(str(target), "E354", "发布目录包含了新闻室；请写网站根目录，它不能是新闻室的上级目录")
    if resolved.exists() and not resolved.is_dir():
        return Finding(str(target), "E354", "发布目录不是文件夹；请写网站根目录")
    if not resolved.exists() and not resolved.parent.is_dir():
        return Finding(str(target), "E354", f"发布目录的上级目录 {resolved.parent} 不存在；请先创建或挂载网站目录")
    return None


def changed_since_build(folder: Path, record: BuildRecord, label: str) -> list[Finding]:
    """Each file of the built folder that differs from what the build recorded."""
    words = {"changed": "构建后被改动", "added": "不是构建写入的", "removed": "构建后被删除"}
    return [Finding(f"{label}/{d.path}", "E352", f"{words[d.kind]}；build/ 中的输出不能手改，请重新运行 bulletin build")
            for d in compare(folder, record.files)]


def leak_findings(folder: Path, label: str, forbidden: list, guard) -> list[Finding]:
    """The leak gate run again over the built folder, as on the build's last step."""
    from bulletin.site.leakgate import find_leaks, find_personal

    found = [Finding(where, "E353", message) for where, message in find_personal(folder, guard)]
    found += [Finding(f"{label}/{path}", "E353", f"含有本网站不应收录的内容：{text}；请重新运行 bulletin build")
              for path, text in find_leaks(folder, forbidden)]
    return found


# -- the local folder ---------------------------------------------------------------------------


def read_manifest(text: str | None, label: str) -> Manifest | None:
    if text is None:
        return None
    try:
        return Manifest.parse(text)
    except (ValueError, KeyError, TypeError) as exc:
        raise DeployError([Finding(label, "E355", f"发布清单无法读取（{exc}）；它只应由 bulletin deploy 写入。"
                                   "如网站目录被改动过，请核对后删去该文件再发布（网站上原有的文件将视为其他文件保留）")]) from None


def _local_manifest(target: Path) -> Manifest | None:
    path = target / MANIFEST
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise DeployError([Finding(str(path), "E355", f"发布清单无法读取（{exc}）")]) from None
    return read_manifest(text, str(path))


def target_files(target: Path) -> list[str]:
    """Files on the target, without the manifest and the deploy's own staging folder."""
    if not target.is_dir():
        return []
    return [p for p in site_files(target, frozenset({MANIFEST})) if not own_leftover(p)]


def own_leftover(path: str) -> bool:
    """The staging folder, or a manifest's temporary file left by a killed write."""
    return PurePosixPath(path).parts[0] == STAGING or (path.startswith(f".{MANIFEST}.") and path.endswith(".tmp"))


def _same(path: Path, entry: FileEntry) -> bool:
    return path.is_file() and not path.is_symlink() and path.stat().st_size == entry.size and sha256_of(path) == entry.sha256


def plan_local(record: BuildRecord, old: Manifest | None, inside: Inside, present: list[str]) -> Plan:
    plan = Plan()
    for path, entry in record.files.items():
        full = inside(path)
        if _same(full, entry):
            plan.unchanged += 1
        elif os.path.lexists(full):
            plan.changed.append(path)
        else:
            plan.added.append(path)
    return plan


def take_stock(plan: Plan, record: BuildRecord, old: Manifest | None, present: list[str]) -> list[str]:
    """Fill in what goes (files the previous manifest made bulletin's that this build lacks) and
    the foreign files met for the first time; return every foreign file still on the target."""
    ours = old.ours() if old else set()
    before = set(old.foreign) if old else set()
    on_target = set(present)
    plan.removed = sorted(p for p in ours if p not in record.files and p in on_target)
    plan.foreign_found = sorted(p for p in present if p not in record.files and p not in ours and p not in before)
    return sorted(set(plan.foreign_found) | (before & on_target))


def _copy_checked(source: Path, staged: Path, entry: FileEntry) -> None:
    """Copy one built file into staging, checking its sha256 on the way (the build may not
    change under the deploy's feet)."""
    h = hashlib.sha256()
    with source.open("rb") as src, staged.open("wb") as dst:
        while chunk := src.read(1 << 20):
            h.update(chunk)
            dst.write(chunk)
    os.chmod(staged, FILE_MODE)
    if h.hexdigest() != entry.sha256:
        raise DeployError([Finding(str(source), "E352", "发布过程中构建输出被改动；请重新运行 bulletin build 再发布")])


def stage_files(folder: Path, record: BuildRecord, staging: Path, paths: list[str]) -> dict[str, Path]:
    """Copy each file into staging under a number (no folder tree to make and remove again)."""
    staging.mkdir()
    staged = {path: staging / f"{n:06d}" for n, path in enumerate(paths)}
    for path, copy in staged.items():
        _copy_checked(folder / path, copy, record.files[path])
    return staged


def switch_in(staged: dict[str, Path], inside: Inside) -> None:
    """Rename every staged file into place: each replacement is one rename, never half a file."""
    made: set[Path] = set()
    for path in _order(list(staged)):
        destination = inside(path)
        if destination.parent not in made:
            destination.parent.mkdir(parents=True, exist_ok=True)
            made.add(destination.parent)
        os.replace(staged[path], destination)


def remove_files(inside: Inside, paths: list[str], keep: set[str]) -> None:
    """Delete what was taken down, then the folders it leaves empty (never a folder still in use)."""
    target = inside.target
    folders: set[Path] = set()
    for path in paths:
        inside(path).unlink(missing_ok=True)
        folders.update(p for p in PurePosixPath(path).parents if str(p) != ".")
    in_use = {str(p) for kept in keep for p in PurePosixPath(kept).parents}
    for folder in sorted(folders, key=lambda p: len(p.parts), reverse=True):
        if str(folder) not in in_use:
            try:
                (target / folder).rmdir()
            except OSError:
                pass  # not empty: it holds files bulletin did not put there


def deploy_local(folder: Path, record: BuildRecord, target: Path, site: str) -> Plan:
    """Copy the built ``folder`` to the local ``target`` (see the module docstring for the order)."""
    target.mkdir(exist_ok=True)
    old = _local_manifest(target)
    if old is not None and old.site != site:
        raise DeployError([Finding(str(target / MANIFEST), "E355", f"该目录发布的是{SITE_NAMES.get(old.site, old.site)}，"
                                   f"不能再发布{SITE_NAMES[site]}；请换一个目录")])
    staging = target / STAGING
    shutil.rmtree(staging, ignore_errors=True)  # a killed deploy's leftovers
    for leftover in target.glob(f".{MANIFEST}.*.tmp"):
        leftover.unlink(missing_ok=True)
    present = target_files(target)
    inside = Inside(target)
    plan = plan_local(record, old, inside, present)
    try:
        switch_in(stage_files(folder, record, staging, plan.added + plan.changed), inside)
        foreign = take_stock(plan, record, old, present)
        manifest = manifest_for(record, site, foreign, plan.removed)
        atomic_write(target / MANIFEST, manifest.as_json())
        remove_files(inside, plan.removed, set(record.files) | set(foreign))
        manifest.removing = []
        atomic_write(target / MANIFEST, manifest.as_json())
    finally:  # a full disk or a refused write: no half-copied staging stays behind
        shutil.rmtree(staging, ignore_errors=True)
    return plan


# -- verification ---------------------------------------------------------------------------------


def _listed_zone(manifest: Manifest, path: str) -> bool:
    """Is ``path`` inside a folder the manifest lists files in? The web root counts for the files
    right in it; a foreign top-level folder (``/uploads/``) is not bulletin's."""
    folders = {str(p) for f in manifest.files for p in PurePosixPath(f).parents}
    parents = [str(p) for p in PurePosixPath(path).parents]
    return parents[0] in folders or any(p in folders for p in parents[:-1])


def verify_folder(target: Path, label: str, builds: dict[str, BuildRecord | None] | None = None) -> list[Finding]:
    """How ``target`` differs from its manifest, and the manifest from the current build of its
    site (``builds``: each site's build record, when verifying in the newsroom)."""
    if not (target / MANIFEST).exists():
        return [Finding(f"{label}/{MANIFEST}", "E365", "网站目录中没有发布清单：这里从未用 bulletin deploy 发布过；"
                        "请先运行 bulletin deploy 发布到这里")]
    try:
        manifest = _local_manifest(target)
    except DeployError as exc:
        return [Finding(f"{label}/{MANIFEST}", f.code, f.message) for f in exc.findings]
    assert manifest is not None
    build = (builds or {}).get(manifest.site)
    present = target_files(target)
    foreign = set(manifest.foreign)
    findings: list[Finding] = []
    for d in compare(target, manifest.files, [p for p in present if p not in foreign]):
        where = f"{label}/{d.path}"
        if d.kind == "changed":
            findings.append(Finding(where, "E360", "与发布清单不符：网站上的文件被改动；请重新运行 bulletin deploy 恢复"))
        elif d.kind == "removed":
            findings.append(Finding(where, "E362", "发布清单中的文件在网站上不见了；请重新运行 bulletin deploy 恢复"))
        elif d.path in manifest.removing:
            findings.append(Finding(where, "E364", "已撤下的文件仍在网站上（上次发布未完成）；请重新运行 bulletin deploy"))
        elif _listed_zone(manifest, d.path):
            findings.append(Finding(where, "E361", "发布清单中没有这个文件，它被放进了网站的目录；请核对后删去，"
                                    "或重新运行 bulletin deploy（会把它记为其他文件保留）"))
    if build is not None:
        findings += _against_build(manifest, build, label)
    return findings


def _against_build(manifest: Manifest, build: BuildRecord, label: str) -> list[Finding]:
    """The manifest against the current build: behind it (one line), or, from the same build,
    a file whose entry differs (the manifest was edited along with the file it hides)."""
    if build.digest != manifest.digest:
        return [Finding(f"{label}/{MANIFEST}", "E363", f"网站上是 {manifest.day} 的构建（{manifest.digest[:12]}），build/ 中是 "
                        f"{build.day} 的构建（{build.digest[:12]}）；请运行 bulletin deploy 发布最新构建")]
    return [Finding(f"{label}/{path}", "E363", "发布清单中这个文件与 build/ 中同一次构建的记录不符（清单被改动）；"
                    "请核对网站目录，重新运行 bulletin deploy")
            for path in sorted(set(build.files) | set(manifest.files)) if build.files.get(path) != manifest.files.get(path)]


def built_record(folder: Path) -> BuildRecord | None:
    try:
        return read_record(folder)
    except RecordError:
        return None


# -- the build to deploy --------------------------------------------------------------------------


@dataclass
class Ready:
    """A built site part that may be deployed: its folder (the generation build/<part> points to)
    and its record."""

    folder: Path
    record: BuildRecord


def ready_build(root: Path, classified: Path | None, site: str) -> Ready:
    """The part ``site`` of build/, proved current and clean; ``DeployError`` saying why not.

    Refused: a newsroom with errors (its build fails), no build or no record, a build whose
    inputs differ from the newsroom as it is now (edited, withdrawn, or a failed or partial
    build since), a file changed after the build, and anything the leak gate finds.
    """
    from bulletin.build import build_jobs, current_site_digest, site_gate
    from bulletin.check import run_check

    part = SITES[site]
    label = f"build/{part}"
    folder = (root / "build" / part).resolve()
    try:
        record = read_record(folder)
        day = date.fromisoformat(record.day)
    except (RecordError, ValueError):
        raise DeployError([Finding(label, "E350", f"没有可发布的{SITE_NAMES[site]}构建（或它不是本版本 bulletin 构建的）；"
                                   "先运行 bulletin build")]) from None
    # The day of the build, not today: a site built last night is still the build of the newsroom.
    result = run_check(root, day, classified=classified)
    if not result.ok:
        raise DeployError([Finding(p.path, p.code, p.message) for p in result.errors] + [
            Finding(label, "E357", f"新闻室有 {len(result.errors)} 个错误，构建不会成功，未发布；请改正后运行 bulletin build 再发布")])
    _, newsroom, _, gate = build_jobs(root, result, (part,))[0]
    if record.part != part or current_site_digest(newsroom, part, root / "build" / ".cache") != record.digest:
        raise DeployError([Finding(label, "E351", f"{label} 不是新闻室现在的构建（构建于 {record.day}；之后稿件、期刊、配置或"
                                   "程序有改动，或最近一次构建失败、未构建这一部分）；先运行 bulletin build")])
    changed = changed_since_build(folder, record, label)
    if changed:
        raise DeployError(changed)
    forbidden, guard = site_gate(newsroom, "public" if part == "site" else "intranet", gate)
    leaks = leak_findings(folder, label, forbidden, guard)
    if leaks:
        raise DeployError(leaks)
    return Ready(folder, record)
