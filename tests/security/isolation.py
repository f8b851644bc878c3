"""Run code as an untrusted file's reader would: in a child process with bounded memory and
time, and with every way of reaching the network made to raise."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

MEMORY_LIMIT = 2 << 30  # address space of the child (python + pandas + Qt use ~1 GB of it)
TIME_LIMIT_S = 120

NO_NETWORK = '''
import socket
def _refuse(*args, **kwargs):
    raise AssertionError("network access attempted")
socket.socket.connect = _refuse
socket.socket.connect_ex = _refuse
socket.socket.sendto = _refuse
socket.create_connection = _refuse
socket.getaddrinfo = _refuse
'''


class NetworkUsed(AssertionError):
    pass


@contextmanager
def no_network() -> Iterator[list[str]]:
    """Every attempt to resolve a name or connect a socket raises (and is recorded)."""
    attempts: list[str] = []
    saved = (socket.socket.connect, socket.socket.connect_ex, socket.socket.sendto,
             socket.create_connection, socket.getaddrinfo)

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(repr(args[1:] if args else args))
        raise NetworkUsed(f"network access attempted: {args!r}")

    socket.socket.connect = refuse  # type: ignore[method-assign]
    socket.socket.connect_ex = refuse  # type: ignore[method-assign]
    socket.socket.sendto = refuse  # type: ignore[method-assign]
    socket.create_connection = refuse  # type: ignore[assignment]
    socket.getaddrinfo = refuse  # type: ignore[assignment]
    try:
        yield attempts
    finally:
        (socket.socket.connect, socket.socket.connect_ex, socket.socket.sendto,
         socket.create_connection, socket.getaddrinfo) = saved  # type: ignore[method-assign]


def run_bounded(code: str, *args: str) -> dict[str, object]:
    """Run ``code`` (which prints one JSON object last) in a child limited to
    ``MEMORY_LIMIT`` bytes and ``TIME_LIMIT_S`` seconds with the network refused."""
    prelude = ("import resource\nresource.setrlimit(resource.RLIMIT_AS, "
               f"({MEMORY_LIMIT}, {MEMORY_LIMIT}))\n") + NO_NETWORK
    done = subprocess.run([sys.executable, "-c", prelude + code, *args], capture_output=True,
                          text=True, timeout=TIME_LIMIT_S, check=False)
    assert done.returncode == 0, (done.returncode, done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])
