"""Patient data stays on the machine: a full headless session (``analyze --demo --report``
with PNG and PDF figures) runs with every Python route to the network made to raise, and
opens no socket at all; Qt's networking module is never loaded."""

from __future__ import annotations

import sys
from pathlib import Path

from resort_gui.app.cli import main
from tests.security.isolation import no_network, run_bounded


def test_headless_session_opens_no_socket(tmp_path: Path) -> None:
    with no_network() as attempts:
        code = main(["analyze", "--demo", "--report", "--formats", "png,pdf,svg",
                     "--out", str(tmp_path)])
    assert code == 0 and attempts == []
    assert (tmp_path / "report.pdf").is_file() and (tmp_path / "km.png").is_file()
    assert "PySide6.QtNetwork" not in sys.modules


def test_refusal_is_real() -> None:
    """The guard itself: a connection attempt inside ``no_network`` is caught."""
    import socket

    with no_network() as attempts:
        try:
            socket.create_connection(("192.0.2.1", 80), timeout=0.01)
        except AssertionError:
            pass
    assert len(attempts) == 1


CLI_IN_CHILD = '''
import json, socket, sys
created = []
real_socket = socket.socket.__init__
def record(self, *args, **kwargs):
    created.append(repr(args))
    real_socket(self, *args, **kwargs)
socket.socket.__init__ = record
from resort_gui.app.cli import main
code = main(["analyze", "--demo", "--report", "--formats", "png,pdf", "--out", sys.argv[1]])
print(json.dumps({"code": code, "sockets": created,
                  "qtnetwork": "PySide6.QtNetwork" in sys.modules}))
'''


def test_no_socket_is_even_created_in_a_fresh_process(tmp_path: Path) -> None:
    """In a clean interpreter (nothing imported before), not one socket object exists."""
    outcome = run_bounded(CLI_IN_CHILD, str(tmp_path))
    assert outcome == {"code": 0, "sockets": [], "qtnetwork": False}
