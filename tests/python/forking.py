"""Runs a check in a forked child (gunicorn and celery fork after import): the child's
exit status is the verdict, and what failed there is reported to the parent's test."""

from __future__ import annotations

import os
import signal
from typing import Callable


def in_forked_child(check: Callable[[], None]) -> None:
    """Forks; the child runs `check` (a child stuck on something it inherited dies of
    SIGALRM instead of hanging the suite); the parent fails with what went wrong there."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        code, message = 1, b"the child ended before reporting"
        signal.alarm(60)
        try:
            check()
            code, message = 0, b"ok"
        except BaseException as failed:  # any failure, reported to the parent
            code, message = 2, repr(failed).encode()[:4000]
        finally:
            os.write(write, message)
            os._exit(code)
    os.close(write)
    _, status = os.waitpid(pid, 0)
    with os.fdopen(read, "rb") as pipe:
        said = pipe.read().decode(errors="replace")
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, f"child status {status:#x}: {said}"
    assert said == "ok", said
