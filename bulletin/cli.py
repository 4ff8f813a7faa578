"""The ``bulletin`` command line: parse arguments, then hand over to one command module.

Each subcommand lives in ``bulletin/commands/<name>.py`` with a ``run(ctx, args) -> int``.
Global options ``--root``, ``--today`` and ``--classified`` are accepted before or after the subcommand.
Exit codes: 0 success, 1 the newsroom has errors, 2 wrong usage.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bulletin import __version__
from bulletin.dates import build_day
from bulletin.runlock import WRITERS, Busy, writer_lock
from bulletin.write import WRITE_ERRORS, write_failure


@dataclass
class Context:
    """What every command needs: the newsroom folder, the day of the build, and the classified
    store given on the command line (else mkdocs.yml's, see bulletin.store)."""

    root: Path
    today: date
    classified: Path | None = None

    def say(self, message: str) -> None:
        """Progress and messages go to standard error; standard output is for results."""
        print(message, file=sys.stderr)


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse exits 2, which is our usage code too
        self.print_usage(sys.stderr)
        translated = (
            message.replace("the following arguments are required", "缺少必需的参数")
            .replace("invalid choice", "无效的选项")
            .replace("unrecognized arguments", "无法识别的参数")
            .replace("expected one argument", "需要一个值")
        )
        print(f"bulletin: 用法错误：{translated}", file=sys.stderr)
        raise SystemExit(2)


def _globals(parser: argparse.ArgumentParser, suppress: bool) -> None:
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument("--root", default=default if suppress else ".", help="新闻室目录（默认：当前目录）")
    parser.add_argument("--today", default=default, help="构建日期 YYYY-MM-DD（默认：今天，或 SOURCE_DATE_EPOCH）")
    parser.add_argument("--classified", default=default, metavar="DIR",
                        help="涉密库目录（默认：mkdocs.yml 的 extra.bulletin.classified_store）")


COMMANDS: dict[str, str] = {
    "check": "检查全部稿件、期刊和配置",
    "doctor": "检查字体和工具是否齐全",
    "schema": "输出某类文件的 JSON Schema",
    "new": "新建一篇稿件",
    "import": "把 Word 稿件转为稿件文件",
    "issue": "新建下一期草稿",
    "publish": "发布一期并写入锁定摘要",
    "renumber": "给草稿改期号",
    "verify": "核对已发布期刊是否被改动",
    "withdraw": "撤稿：已发布的稿件撤下公众网站",
    "instructions": "领导批示办理台账",
    "build": "构建网站、PDF 和通报",
    "scores": "考核得分表",
    "move-classified": "把涉密稿件和期刊移入涉密库",
    "serve": "本地预览草稿发布后的网站，改动后自动刷新",
}


def _arguments(name: str, sub: argparse.ArgumentParser) -> None:
    """Each command's own options."""
    fmt = {"choices": ["text", "json"], "default": "text", "help": "输出格式"}
    if name == "check":
        sub.add_argument("--format", **fmt)
    elif name == "schema":
        sub.add_argument("kind", choices=["report", "issue", "series", "units", "assignments", "scoring", "mkdocs"])
    elif name == "new":
        sub.add_argument("--unit", required=True)
        sub.add_argument("--title", required=True)
        sub.add_argument("--category", default="动态")
        sub.add_argument("--classification", default=None)
        sub.add_argument("--signed-off-by", default=None, help="审签领导，如“副局长 陈立”")
    elif name == "import":
        sub.add_argument("file")
        sub.add_argument("--unit", required=True)
        sub.add_argument("--category", default="动态")
        sub.add_argument("--classification", default=None, help="密级；秘密及以上写入涉密库")
        sub.add_argument("--signed-off-by", default=None, help="审签领导；不写时取 Word 中“签发人：”一行")
    elif name == "issue":
        sub.add_argument("--series", required=True)
        sub.add_argument("--items", default=None, help="逗号分隔的稿件 id")
        sub.add_argument("--date", default=None)
        sub.add_argument("--force", action="store_true")
    elif name == "publish":
        sub.add_argument("path")
    elif name == "withdraw":
        sub.add_argument("path")
        sub.add_argument("--reason", required=True, help="撤稿原因（内网显示）")
    elif name == "renumber":
        sub.add_argument("path")
        sub.add_argument("number", type=int)
    elif name in ("verify", "instructions"):
        sub.add_argument("--format", **fmt)
    elif name == "serve":
        from bulletin.commands.serve_cmd import add_arguments

        add_arguments(sub)
    elif name == "build":
        sub.add_argument("--only", choices=["site", "intranet", "pdf", "notices"], action="append")
        sub.add_argument("--quiet", action="store_true")
    elif name == "scores":
        sub.add_argument("--period", required=True, help="YYYY-MM、YYYY-Qn 或 YYYY")
        sub.add_argument("--format", choices=["table", "json", "xlsx"], default="table")
        sub.add_argument("--unit", default=None)
        sub.add_argument("--explain", action="store_true")
        sub.add_argument("--output", default=None, help="xlsx 输出文件")
        sub.add_argument("--export-classified", action="store_true",
                         help="在涉密库所在的计算机上写出涉密信息汇总 <涉密库>/classified-summary/<期间>.yaml")


def make_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="bulletin", description="政务信息报送、编发、考核与发布")
    parser.add_argument("--version", action="version", version=f"bulletin {__version__}")
    _globals(parser, suppress=False)
    subs = parser.add_subparsers(dest="command", metavar="命令", parser_class=_Parser)
    subs.required = True
    for name, help_text in COMMANDS.items():
        sub = subs.add_parser(name, help=help_text, description=help_text)
        _globals(sub, suppress=True)
        _arguments(name, sub)
    return parser


OUTSIDE_NEWSROOM = {"schema", "doctor"}  # they read no newsroom and write nothing


def is_newsroom(root: Path) -> bool:
    """A newsroom has units.yaml or content/; anywhere else no command may write (not even a cache)."""
    return (root / "units.yaml").exists() or (root / "content").is_dir()


def main(argv: list[str] | None = None) -> int:
    """Run one command; a closed output pipe (``check --format json | head -1``) ends quietly."""
    try:
        code = _main(argv)
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        # Nobody reads any more: point stdout at /dev/null so the interpreter's last flush is silent.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1


def _main(argv: list[str] | None) -> int:
    args = make_parser().parse_args(argv)
    try:
        today = build_day(args.today)
    except ValueError as exc:
        print(f"bulletin: 用法错误：{exc}", file=sys.stderr)
        return 2
    root = Path(args.root)
    if not root.is_dir():
        print(f"bulletin: 用法错误：--root {args.root} 不是一个目录", file=sys.stderr)
        return 2
    if args.command not in OUTSIDE_NEWSROOM and not is_newsroom(root):
        print(f"bulletin: 这里不是新闻室：{root.resolve()} 中既没有 units.yaml 也没有 content/；"
              "请用 --root 指向新闻室目录，或先从示例新闻室复制一份（见 README.md）", file=sys.stderr)
        return 1
    classified = Path(args.classified).expanduser().absolute() if args.classified else None
    ctx = Context(root=root.resolve(), today=today, classified=classified)
    try:
        module = importlib.import_module(f"bulletin.commands.{args.command.replace('-', '_')}_cmd")
    except ModuleNotFoundError as exc:
        if not (exc.name or "").startswith("bulletin.commands."):
            raise
        print(f"bulletin: {args.command} 尚未实现", file=sys.stderr)
        return 2
    try:
        with writer_lock(ctx.root) if args.command in WRITERS else nullcontext():
            return module.run(ctx, args)
    except Busy as exc:
        print(f"bulletin: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        if exc.errno not in WRITE_ERRORS:
            raise
        print(f"bulletin: {write_failure(exc, ctx.root)}", file=sys.stderr)
        return 1
    except UsageError as exc:
        print(f"bulletin: 用法错误：{exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("bulletin: 已中断", file=sys.stderr)
        return 130
