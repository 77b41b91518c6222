"""``python -m course COMMAND …``: the kit's command line. Each command lives in its own module."""
from __future__ import annotations

import sys
from importlib import import_module

from course.core.i18n import t

# command -> (module with a main(argv) function, catalog key of its one-line description)
COMMANDS = {
    "lab": ("course.trainer.lab", "app.cli_lab"),
    "doctor": ("course.trainer.doctor", "cli.doctor"),
    "data": ("course.data.build", "cli.data"),
    "assign": ("course.exercises.assign", "cli.assign"),
    "grade": ("course.exercises.grading.cli", "cli.grade"),
    "rfm": ("course.byo", "cli.rfm"),
    "agenda": ("course.trainer.agenda", "cli.agenda"),
    "handouts": ("course.trainer.handouts", "cli.handouts"),
    "book": ("course.trainer.book", "cli.book"),
    "release": ("course.trainer.release", "cli.release"),
    "forms": ("course.trainer.forms", "cli.forms"),
    "app": ("course.trainer.app", "cli.app"),
    "classroom": ("course.classroom.cli", "classroom.cli"),
}


def usage() -> str:
    lines = [t("cli.usage")]
    lines += [f"  {name:<8} {t(key)}" for name, (_, key) in COMMANDS.items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(usage())
        return 0
    name, rest = argv[0], argv[1:]
    if name not in COMMANDS:
        print(t("cli.unknown_command", name=name), file=sys.stderr)
        print(usage(), file=sys.stderr)
        return 2
    module, _ = COMMANDS[name]
    return int(import_module(module).main(rest) or 0)


if __name__ == "__main__":
    sys.exit(main())
