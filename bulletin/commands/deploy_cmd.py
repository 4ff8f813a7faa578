"""``bulletin deploy [--site public|intranet] TARGET`` and ``bulletin deploy --verify TARGET``.

Deploy: refuse a build that is not the newsroom's current, gated output, then copy it to TARGET
(a local web root, or rsync's ``host:path``) with its manifest, taking down what the previous
deploy put there and this build no longer has (``bulletin.deploy``). Holds the writer lock, so
no build swaps build/ and no withdraw edits the newsroom while it reads them.

Verify: compare TARGET with its manifest and the manifest with the current build; one line per
file that differs, nothing on success (a cron job mails only when something is wrong).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bulletin.deploy import (
    MANIFEST,
    SITE_NAMES,
    SITES,
    Finding,
    Plan,
    built_record,
    deploy_local,
    is_remote,
    ready_build,
    target_problem,
    verify_folder,
)
from bulletin.deploy_rsync import deploy_remote, verify_remote
from bulletin.errors import DeployError, UsageError
from bulletin.load import is_newsroom
from bulletin.runlock import writer_lock


def add_arguments(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("target", metavar="TARGET", help="网站根目录，或 rsync 目标 主机:路径")
    sub.add_argument("--site", choices=list(SITES), default="public", help="发布哪个网站（默认：public 公众网站）")
    sub.add_argument("--verify", action="store_true", help="只核对：网站目录与发布清单、清单与当前构建是否一致")
    sub.add_argument("--format", choices=["text", "json"], default="text", help="--verify 的输出格式")


def run(ctx, args) -> int:
    if not args.target.strip():
        raise UsageError("请写发布目录，例如 bulletin deploy /var/www/site 或 bulletin deploy 服务器:/var/www/site")
    if args.verify:
        return _verify(ctx, args)
    if args.format != "text":
        raise UsageError("--format 只用于 --verify")
    if not is_remote(args.target):
        refused = target_problem(ctx.root, Path(args.target).expanduser())
        if refused is not None:
            return _refused([refused])
    with writer_lock(ctx.root):
        try:
            ready = ready_build(ctx.root, ctx.classified, args.site)
            if is_remote(args.target):
                plan = deploy_remote(ready.folder, ready.record, args.target, args.site)
            else:
                plan = deploy_local(ready.folder, ready.record, Path(args.target).expanduser().absolute(), args.site)
        except DeployError as exc:
            return _refused(exc.findings)
    _report(ctx, args, plan, ready.record.day)
    return 0


def _refused(findings: list[Finding]) -> int:
    for finding in findings:
        print(finding.format(), file=sys.stderr)
    print("未发布；网站上已有的文件保持原样", file=sys.stderr)
    return 1


def _report(ctx, args, plan: Plan, day: str) -> None:
    for word, paths in (("新增", plan.added), ("更新", plan.changed), ("删除", plan.removed)):
        for path in paths:
            print(f"{word} {path}")
    for path in plan.foreign_found:
        where = f"{args.target.rstrip('/')}/{path}"
        print(f"{where}: warning[W350]: 不是 bulletin 发布的文件，保持原样（此后核对时不再报告）", file=sys.stderr)
    ctx.say(f"已发布{SITE_NAMES[args.site]}（{day} 的构建）→ {args.target}：新增 {len(plan.added)}、更新 {len(plan.changed)}、"
            f"删除 {len(plan.removed)}、未变 {plan.unchanged} 个文件；清单 {MANIFEST}")


def _verify(ctx, args) -> int:
    builds = None
    if is_newsroom(ctx.root):
        builds = {site: built_record((ctx.root / "build" / part).resolve()) for site, part in SITES.items()}
    try:
        if is_remote(args.target):
            findings = verify_remote(args.target, builds)
        else:
            target = Path(args.target).expanduser()
            findings = verify_folder(target, args.target.rstrip("/") or "/", builds)
    except DeployError as exc:
        findings = exc.findings
    if args.format == "json":
        print(json.dumps({"target": args.target, "ok": not findings, "problems": [f.as_dict() for f in findings]},
                         ensure_ascii=False, indent=2))
    else:
        for finding in findings:
            print(finding.format())
    return 1 if findings else 0
