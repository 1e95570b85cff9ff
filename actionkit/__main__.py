"""``python -m actionkit generate [--root DIR] [--package PKG] [--check]``.

Exit codes: 0 done or up to date; 1 ``--check`` found files out of date; 2 the spec is
invalid (every problem is listed on stderr, one per line) or the command line is wrong.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from actionkit.codegen import SPEC_FILE, plan
from actionkit.spec import SpecError

EXIT_STALE = 1
EXIT_INVALID = 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m actionkit", description="actionkit developer tools")
    commands = parser.add_subparsers(dest="command", required=True)
    gen = commands.add_parser(
        "generate", help="write the schemas, shared types, manifest, stubs and help.md of plugin.spec.yaml"
    )
    gen.add_argument("--root", type=Path, default=Path("."), help="the plugin root (default: .)")
    gen.add_argument("--package", help="the plugin's Python package (default: icon_<name> from the spec)")
    gen.add_argument("--check", action="store_true", help="write nothing; fail when anything is out of date")
    args = parser.parse_args(argv)

    try:
        changes = plan(args.root, args.package, apply=not args.check)
    except SpecError as exc:
        print(exc, file=sys.stderr)
        count = len(exc.problems)
        problems = f"{count} problem{'s' if count != 1 else ''}"
        print(f"actionkit: {SPEC_FILE} has {problems}; nothing generated", file=sys.stderr)
        return EXIT_INVALID
    stream = sys.stderr if args.check and changes else sys.stdout
    for change in changes:
        print(change.describe(args.check), file=stream)
    if args.check and changes:
        count = len(changes)
        print(
            f"actionkit: {count} generated file{'s are' if count != 1 else ' is'} out of date; "
            "run: python -m actionkit generate",
            file=sys.stderr,
        )
        return EXIT_STALE
    if not changes:
        print("actionkit: generated files are up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
