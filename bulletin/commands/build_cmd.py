"""``bulletin build``: sites, PDFs and notices under build/, swapped in only when all succeed."""

from __future__ import annotations

from bulletin.build import PARTS, run_build


def add_arguments(parser) -> None:
    """This command's own options (the global ones are added by ``bulletin.cli``)."""
    parser.add_argument("--only", choices=list(PARTS), action="append")
    parser.add_argument("--quiet", action="store_true")


def run(ctx, args) -> int:
    parts = tuple(args.only) if args.only else PARTS
    return run_build(ctx.root, ctx.today, parts, quiet=args.quiet, classified=ctx.classified, until_exit=True)
