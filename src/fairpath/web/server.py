"""Running the web app with uvicorn: worker processes, logging without personal data, and the
URL to print.

uvicorn runs with uvloop and httptools when they are installed (`uvicorn[standard]`), else with
asyncio and h11. `workers` > 1 forks that many processes after binding the socket — each with
its own app, engine and connection pool, all accepting on the one socket — because one Python
process uses one core for the app's own work. Only the first worker runs the grievance
scheduler (two would both tick). A worker that dies is started again; SIGINT/SIGTERM stop all.

uvicorn's own access log is switched off — it writes the full path and query string, which can
carry worker references typed into a search or names in a filter. The app's `EdgeMiddleware`
logs one line per request with the route *template* instead (`fairpath.web.access`).
"""

from __future__ import annotations

import contextlib
import importlib.util
import logging
import os
import signal
import socket
import time
from typing import Any

import uvicorn
from sqlalchemy import Engine

from fairpath.config import Settings
from fairpath.domain.errors import FairpathError
from fairpath.web.app import PAGE_CACHE_ENTRIES, THREADS, create_app

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
log = logging.getLogger("fairpath.web.server")
BACKLOG = 2048
_REUSE_PORT: int = getattr(socket, "SO_REUSEPORT", 0)


def log_config() -> dict[str, Any]:
    """uvicorn's logging, with the access logger silenced and ours writing to stderr."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"plain": {"format": LOG_FORMAT}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "plain",
                "stream": "ext://sys.stderr",
            }
        },
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
            "uvicorn.error": {"level": "INFO"},
            "uvicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
            "fairpath.web": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        },
    }


def url_of(host: str, port: int, settings: Settings) -> str:
    """The address to open in a browser."""
    scheme = "https" if settings.https else "http"
    shown = f"[{host}]" if ":" in host else host
    return settings.public_url or f"{scheme}://{shown}:{port}/"


def event_loop() -> str:
    """uvloop when installed (`uvicorn[standard]`), else asyncio."""
    return "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"


def http_parser() -> str:
    """httptools when installed (`uvicorn[standard]`), else h11."""
    return "httptools" if importlib.util.find_spec("httptools") else "h11"


def make_server(
    settings: Settings,
    host: str,
    port: int,
    engine: Engine | None = None,
    *,
    page_cache: int = PAGE_CACHE_ENTRIES,
    threads: int = THREADS,
) -> uvicorn.Server:
    """A uvicorn server for the app (run it with `.run()`)."""
    config = uvicorn.Config(
        create_app(settings, engine, page_cache=page_cache, threads=threads),
        host=host,
        port=port,
        loop=event_loop(),
        http=http_parser(),
        access_log=False,
        log_config=log_config(),
        proxy_headers=False,
        server_header=False,
    )
    return uvicorn.Server(config)


def bind(host: str, port: int, *, workers: int = 1) -> socket.socket:
    """A bound socket (port 0 picks a free port), so the printed URL is the real one.

    One worker: the socket listens now, so a client that connects as soon as the URL is
    printed waits in the backlog instead of being refused while the server is still starting.
    More workers, where the system has SO_REUSEPORT (Linux): the socket only holds the
    address; each worker listens on a socket of its own on it, and the kernel spreads new
    connections evenly over them (on one shared socket, whichever process wakes first takes
    a burst of connections, and one worker ends up serving most of them). Connections in the
    second before the workers listen are refused, not queued."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if workers > 1 and _REUSE_PORT:
        sock.setsockopt(socket.SOL_SOCKET, _REUSE_PORT, 1)
    sock.bind((host, port))
    if workers <= 1 or not _REUSE_PORT:
        sock.listen(BACKLOG)
    return sock


def _worker_socket(shared: socket.socket) -> socket.socket:
    """The socket a worker accepts on: its own on the same address (SO_REUSEPORT), or the
    shared one when that already listens."""
    if shared.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN):
        return shared
    own = socket.socket(shared.family, socket.SOCK_STREAM)
    own.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    own.setsockopt(socket.SOL_SOCKET, _REUSE_PORT, 1)
    own.bind(shared.getsockname()[:2])
    own.listen(BACKLOG)
    return own


def serve(
    settings: Settings,
    sock: socket.socket,
    engine: Engine | None = None,
    *,
    workers: int = 1,
    page_cache: int = PAGE_CACHE_ENTRIES,
    threads: int = THREADS,
) -> None:
    """Serve on the bound socket until interrupted, in `workers` processes of `threads`
    threads each."""
    host, port = sock.getsockname()[:2]
    if workers <= 1:
        if not sock.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN):
            sock.listen(BACKLOG)
        server = make_server(settings, host, port, engine, page_cache=page_cache, threads=threads)
        server.run(sockets=[sock])
        return
    if not hasattr(os, "fork"):
        raise FairpathError("--workers above 1 needs a system with fork(); use --workers 1")
    if engine is not None:
        engine.dispose()  # no pooled connection may be shared across the fork
    _Workers(settings, sock, workers, page_cache, threads).run()


class _Workers:
    """Forked uvicorn workers on one listening socket, started again when one dies."""

    def __init__(
        self, settings: Settings, sock: socket.socket, count: int, page_cache: int, threads: int
    ) -> None:
        self.settings, self.sock, self.count, self.page_cache = settings, sock, count, page_cache
        self.threads = threads
        self.children: dict[int, int] = {}  # pid → worker number
        self.stopping = False

    def run(self) -> None:
        """Start every worker; wait; on SIGINT/SIGTERM stop them all."""
        for number in range(self.count):
            self._start(number)
        signal.signal(signal.SIGINT, self._stop)
        signal.signal(signal.SIGTERM, self._stop)
        while self.children:
            try:
                pid, _status = os.wait()
            except ChildProcessError:
                return
            number = self.children.pop(pid, -1)
            if number >= 0 and not self.stopping:
                log.warning("web worker %d ended unexpectedly; starting it again", number)
                time.sleep(1)  # a worker that cannot start must not spin
                self._start(number)

    def _stop(self, _signum: int, _frame: Any) -> None:
        self.stopping = True
        for pid in list(self.children):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)

    def _start(self, number: int) -> None:
        pid = os.fork()
        if pid:
            self.children[pid] = number
            return
        code = 0
        try:
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            settings = self.settings
            if number > 0:  # one grievance scheduler for the whole server
                settings = settings.model_copy(update={"grievance_tick_seconds": 0})
            sock = _worker_socket(self.sock)
            host, port = sock.getsockname()[:2]
            server = make_server(
                settings, host, port, page_cache=self.page_cache, threads=self.threads
            )
            server.run(sockets=[sock])
        except BaseException as error:  # the child must never return into the parent's code
            log.error("web worker %d failed: %s", number, type(error).__name__)
            code = 1
        finally:
            os._exit(code)
