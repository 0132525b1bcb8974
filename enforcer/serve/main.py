"""``enforce serve``: settings, the listening socket, uvicorn, and a clean exit on SIGTERM.

uvicorn re-raises the signal it stopped on once it has shut down; here the receiver drains
its queue on SIGTERM (or Ctrl-C), bounded by ``ROLLOUT_ENFORCER_DRAIN_SECONDS``, and exits 0.
"""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import Callable

from enforcer.platforms.base import Environ

EXIT_OK, EXIT_USAGE = 0, 2
SWITCH_INTERVAL = 0.001  # seconds; Python's default is 0.005
INSTALL_HINT = "pip install 'rollout-enforcer[serve]'"


def serve(host: str, port: int, env: Environ, say: Callable[[str], None]) -> int:
    """Run the receiver until SIGTERM or SIGINT; the exit code."""
    from enforcer.serve.settings import SettingsError, from_env

    try:
        settings = from_env(env)
    except SettingsError as error:
        say(f"serve: {error}")
        return EXIT_USAGE
    try:
        import uvicorn

        from enforcer.serve.app import Receiver, create_app
        from enforcer.serve.logs import JsonLines, uvicorn_log_config
    except ImportError as error:
        say(f"serve: {error.name or 'a library'} is not installed; {INSTALL_HINT}")
        return EXIT_USAGE

    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(2048)
        sock.set_inheritable(True)
    except (OSError, OverflowError) as error:
        say(f"serve: cannot listen on {host}:{port}: {getattr(error, 'strerror', None) or error}")
        return EXIT_USAGE

    # A receiver has no working tree: checks must not read templates or rule files from
    # wherever it was started (a repository checkout, say). An empty folder holds none; on a
    # read-only file system, the root folder, as daemons do.
    empty = _empty_folder()
    os.chdir(empty or "/")
    # Checks parse Markdown in worker threads while the event loop answers webhooks: a
    # shorter switch interval hands the loop the GIL sooner (measured in benchmarks/load.py).
    sys.setswitchinterval(SWITCH_INTERVAL)
    log = JsonLines()
    receiver = Receiver(settings, log)
    config = uvicorn.Config(
        create_app(receiver),
        log_config=uvicorn_log_config("warning"),
        access_log=False,
        lifespan="on",
        proxy_headers=False,
        server_header=False,
        timeout_graceful_shutdown=5,
        timeout_keep_alive=30,
    )
    bound = sock.getsockname()
    log("listening", url=f"http://{_host(bound[0])}:{bound[1]}")
    server = _server_class()(config)
    try:
        server.run(sockets=[sock])
    finally:
        if empty:
            os.rmdir(empty)
    if not server.started:
        say("serve: the receiver did not start")
        return EXIT_USAGE
    return EXIT_OK


def _empty_folder() -> str | None:
    import tempfile

    try:
        return tempfile.mkdtemp(prefix="enforce-serve-")
    except OSError:
        return None


def _host(address: str) -> str:
    return f"[{address}]" if ":" in address else address


def _server_class():  # type: ignore[no-untyped-def]
    import uvicorn

    class Server(uvicorn.Server):
        """uvicorn's server, without raising the stop signal again once drained (that would
        end the process with the signal's status, or a KeyboardInterrupt, instead of 0)."""

        def handle_exit(self, sig, frame):  # type: ignore[no-untyped-def]
            super().handle_exit(sig, frame)
            self._captured_signals.clear()

    return Server
