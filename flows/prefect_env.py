"""Prefect settings for the command line, and cleaning up after its ephemeral server.

Prefect reads its settings when it is first imported, so :func:`apply_defaults` runs
before anything imports it. A user's own environment always wins.
"""

from __future__ import annotations

import os

DEFAULTS = {
    # No telemetry from a news crawler's scheduler, and none attempted offline.
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    # On a loaded machine the ephemeral server can miss Prefect's default 20 s limit.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    # SQLite answers 503 "database is locked" under bursts; the client retries those.
    "PREFECT_CLIENT_MAX_RETRIES": "10",
}


def apply_defaults(quiet_logs: bool = False) -> None:
    for key, value in DEFAULTS.items():
        os.environ.setdefault(key, value)
    if quiet_logs and not os.environ.get("PREFECT_API_URL"):
        # Without a Prefect server nobody reads Prefect's own log lines: the terminal
        # gets sinorus's progress and summary instead. With a server they go to its UI.
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "CRITICAL")
        # The temporary server is a child in the terminal's process group: a Ctrl-C
        # reaches it mid-request and it would log the interrupted transaction's traceback.
        os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "CRITICAL")


def stop_ephemeral_servers() -> None:
    """Terminate any ephemeral API server this process started.

    Prefect stops it at exit, except when it missed its start-up limit: then the
    server process is left running. This makes sure nothing outlives the command.
    """
    import sys

    module = sys.modules.get("prefect.server.api.server")
    if module is None:
        return
    for server in list(module.SubprocessASGIServer._instances.values()):
        process = server.server_process
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except Exception:
                process.kill()
