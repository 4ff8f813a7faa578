"""Deploy to an rsync destination (``host:path``) through the system's ``rsync`` and ``ssh``.

The same steps as a local deploy (``bulletin.deploy``): the target's manifest is fetched, the
built files are sent with ``--checksum --delay-updates`` (updated files are renamed into place at
the end), the new manifest goes next, then the files that the previous manifest listed and this
build no longer has are deleted (``--delete-missing-args``), and the manifest is written again
without its ``removing`` list. Emptied folders are left on the server (rsync cannot remove a
folder without also removing what else is in it). ``RSYNC_RSH`` chooses the remote shell, as for
rsync itself; the tests use it to run the "remote" side on this machine.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from bulletin.buildrecord import RECORD, BuildRecord
from bulletin.deploy import (
    MANIFEST,
    SITE_NAMES,
    STAGING,
    Finding,
    Manifest,
    Plan,
    manifest_for,
    own_leftover,
    read_manifest,
    take_stock,
    verify_folder,
)
from bulletin.errors import DeployError


def _rsync() -> str:
    found = shutil.which("rsync")
    if found is None:
        raise DeployError([Finding("rsync", "E356", "发布到 主机:路径 需要 rsync；请安装 rsync（apt-get install rsync）"
                                   "，或把网站目录挂载到本机后写本地路径")])
    return found


def _remote(target: str, path: str = "") -> str:
    base = target if target.endswith(("/", ":")) else target + "/"
    return base + path


def _run(args: list[str], target: str) -> subprocess.CompletedProcess:
    result = subprocess.run([_rsync(), *args], capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if result.returncode != 0:
        detail = (result.stderr.strip().splitlines() or [f"退出码 {result.returncode}"])[-1]
        raise DeployError([Finding(target, "E356", f"rsync 失败：{detail}；请检查主机名、路径、ssh 登录和磁盘空间。"
                                   "网站上已有的文件保持原样，修好后重新运行 bulletin deploy")])
    return result


def _remote_manifest(target: str, work: Path) -> Manifest | None:
    """The target's manifest, fetched; None when it has none (rsync: 'No such file', exit 23)."""
    result = subprocess.run([_rsync(), "-q", _remote(target, MANIFEST), str(work / MANIFEST)],
                            capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if result.returncode == 23 and "No such file" in result.stderr:
        return None
    if result.returncode != 0:
        _run(["-q", _remote(target, MANIFEST), str(work / MANIFEST)], target)  # raises with the message
    return read_manifest((work / MANIFEST).read_text(encoding="utf-8"), _remote(target, MANIFEST))


def _remote_files(target: str) -> list[str]:
    """Files on the target as ``rsync --list-only`` names them."""
    out = _run(["-r", "--list-only", "--no-human-readable", _remote(target)], target).stdout
    files = []
    for line in out.splitlines():
        parts = line.split(None, 4)
        if len(parts) == 5 and parts[0].startswith("-"):
            files.append(parts[4])
    return [p for p in files if p != MANIFEST and not own_leftover(p)]


def _itemized(out: str) -> tuple[list[str], list[str]]:
    """Added and changed files from rsync's ``%i|%n`` lines (``>f+++++++++|a`` is a new file)."""
    added, changed = [], []
    for line in out.splitlines():
        flags, _, name = line.partition("|")
        if flags.startswith((">f", "<f")):
            (added if "+++" in flags else changed).append(name)
    return added, changed


def deploy_remote(folder: Path, record: BuildRecord, target: str, site: str) -> Plan:
    """The same steps as ``deploy_local`` through rsync; updates are renamed in at the end
    (``--delay-updates``), the manifest goes last, then the deletions."""
    with tempfile.TemporaryDirectory(prefix="bulletin-deploy-") as tmp:
        work = Path(tmp)
        old = _remote_manifest(target, work)
        if old is not None and old.site != site:
            raise DeployError([Finding(_remote(target, MANIFEST), "E355", f"该目录发布的是{SITE_NAMES.get(old.site, old.site)}"
                                       f"，不能再发布{SITE_NAMES[site]}；请换一个目录")])
        copied = _run(["-r", "--checksum", "--delay-updates", "--chmod=D755,F644", "--out-format=%i|%n",
                       f"--exclude=/{RECORD}", f"{folder}/", _remote(target)], target)
        plan = Plan()
        plan.added, plan.changed = (sorted(p) for p in _itemized(copied.stdout))
        plan.unchanged = len(record.files) - len(plan.added) - len(plan.changed)
        present = _remote_files(target)
        foreign = take_stock(plan, record, old, present)
        manifest = manifest_for(record, site, foreign, plan.removed)
        _put_manifest(work, manifest, target)
        if plan.removed:
            listing = work / "removed.list"
            listing.write_bytes(b"\0".join(p.encode() for p in plan.removed) + b"\0")
            empty = work / "empty"  # the removed files' folders without the files: rsync deletes just those
            for path in plan.removed:
                (empty / path).parent.mkdir(parents=True, exist_ok=True)
            _run(["-r", "--from0", f"--files-from={listing}", "--delete-missing-args", f"{empty}/", _remote(target)], target)
        manifest.removing = []
        _put_manifest(work, manifest, target)
    return plan


def _put_manifest(work: Path, manifest: Manifest, target: str) -> None:
    path = work / MANIFEST
    path.write_text(manifest.as_json(), encoding="utf-8")
    _run(["--chmod=F644", str(path), _remote(target, MANIFEST)], target)


def verify_remote(target: str, builds: dict[str, BuildRecord | None] | None = None) -> list[Finding]:
    """Fetch the target into a temporary folder (rsync) and verify that copy."""
    with tempfile.TemporaryDirectory(prefix="bulletin-verify-") as tmp:
        _run(["-r", f"--exclude=/{STAGING}", _remote(target), f"{tmp}/"], target)
        return verify_folder(Path(tmp), target.rstrip("/"), builds)
