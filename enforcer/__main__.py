"""The ``enforce`` command and ``python -m enforcer``."""

from __future__ import annotations

import gc


def main() -> None:
    # Start-up makes tens of thousands of objects that live as long as the process: modules,
    # classes, click's commands. The cyclic collector's passes over them free nothing, so
    # they load with it off and are then frozen out of its sight for the check itself.
    gc.disable()
    from enforcer.cli import main as cli

    gc.freeze()
    gc.enable()
    cli()


if __name__ == "__main__":
    main()
