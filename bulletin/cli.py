"""The ``bulletin`` command line: parse arguments, then hand over to one command module.

Each subcommand lives in ``bulletin/commands/<name>_cmd.py`` with ``add_arguments(parser)`` (its own
options) and ``run(ctx, args) -> int``; only the named command's module is imported.
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
from bulletin.errors import Busy, UsageError
from bulletin.load import is_newsroom
from bulletin.runlock import WRITERS, writer_lock
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
    "deploy": "把网站发布到网站目录，或核对网站是否被改动",
    "print": "按份号逐份印制一期（分份编号的 PDF 和登记表）",
    "serve": "本地预览草稿发布后的网站，改动后自动刷新",
}


def command_module(name: str):
    """``bulletin.commands.<name>_cmd``: the command's ``add_arguments(parser)`` and ``run(ctx, args)``."""
    return importlib.import_module(f"bulletin.commands.{name.replace('-', '_')}_cmd")


GLOBAL_VALUES = {"--root", "--today", "--classified"}


def chosen_command(argv: list[str]) -> str | None:
    """The subcommand named in ``argv``: the first word that is not a global option or its value.

    Only that command's module is imported to declare its options, so ``bulletin check`` never
    pays for importing what ``bulletin import`` needs (mammoth) or ``bulletin build`` renders with.
    """
    words = iter(argv)
    for word in words:
        if word in GLOBAL_VALUES:
            next(words, None)
        elif not word.startswith("-"):
            return word if word in COMMANDS else None
    return None


def make_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The parser; the options of the command ``argv`` names are declared by its own module."""
    parser = _Parser(prog="bulletin", description="政务信息报送、编发、考核与发布")
    parser.add_argument("--version", action="version", version=f"bulletin {__version__}")
    _globals(parser, suppress=False)
    subs = parser.add_subparsers(dest="command", metavar="命令", parser_class=_Parser)
    subs.required = True
    chosen = chosen_command(sys.argv[1:] if argv is None else argv)
    for name, help_text in COMMANDS.items():
        sub = subs.add_parser(name, help=help_text, description=help_text)
        _globals(sub, suppress=True)
        if name == chosen:
            command_module(name).add_arguments(sub)
    return parser


OUTSIDE_NEWSROOM = {"schema", "doctor"}  # they read no newsroom and write nothing


def main(argv: list[str] | None = None) -> int:
    """Run one command; a closed output pipe (``check --format json | head -1``) ends any
    command quietly with exit code 0."""
    try:
        code = _main(argv)
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        # Nobody reads any more (``| head``), whichever command it was: point both outputs at
        # /dev/null so the interpreter's last flush is silent, and end with 0, as ``head`` did.
        devnull = os.open(os.devnull, os.O_WRONLY)
        for stream in (sys.stdout, sys.stderr):
            try:
                os.dup2(devnull, stream.fileno())
            except (OSError, ValueError):  # a stream replaced by one without a descriptor (tests)
                pass
        return 0


def _main(argv: list[str] | None) -> int:
    args = make_parser(argv).parse_args(argv)
    try:
        today = build_day(args.today)
    except ValueError as exc:
        print(f"bulletin: 用法错误：{exc}", file=sys.stderr)
        return 2
    root = Path(args.root)
    if not root.is_dir():
        print(f"bulletin: 用法错误：--root {args.root} 不是一个目录", file=sys.stderr)
        return 2
    reads_newsroom = args.command not in OUTSIDE_NEWSROOM and not (args.command == "deploy" and args.verify)
    if reads_newsroom and not is_newsroom(root):
        print(f"bulletin: 这里不是新闻室：{root.resolve()} 中既没有 units.yaml 也没有 content/；"
              "请用 --root 指向新闻室目录，或先从示例新闻室复制一份（见 README.md）", file=sys.stderr)
        return 1
    classified = Path(args.classified).expanduser().absolute() if args.classified else None
    ctx = Context(root=root.resolve(), today=today, classified=classified)
    module = command_module(args.command)
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
