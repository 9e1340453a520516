"""The ``smilepayz`` console script: the Rust command line of the native module.

Nothing is reimplemented here; ``smilepayz --help`` lists the commands and exit codes.
"""

import signal
import sys

from smilepayz import _native


def main() -> int:
    """Runs ``smilepayz`` with this process's arguments; returns its exit code."""
    # The Rust code handles SIGINT and SIGTERM itself (the mock stops cleanly, a pay-out
    # in flight is reported as an unknown outcome). Python's own SIGINT handler would
    # raise KeyboardInterrupt for the same Ctrl-C once the command returned.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    sys.stdout.flush()
    return _native.run_cli(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
