"""Running the web app with uvicorn: logging without personal data, and the URL to print.

uvicorn's own access log is switched off — it writes the full path and query string, which can
carry worker references typed into a search or names in a filter. The app's `EdgeMiddleware`
logs one line per request with the route *template* instead (`fairpath.web.access`).
"""

from __future__ import annotations

import socket
from typing import Any

import uvicorn
from sqlalchemy import Engine

from fairpath.config import Settings
from fairpath.web.app import create_app

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


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


def make_server(
    settings: Settings, host: str, port: int, engine: Engine | None = None
) -> uvicorn.Server:
    """A uvicorn server for the app (run it with `.run()`)."""
    config = uvicorn.Config(
        create_app(settings, engine),
        host=host,
        port=port,
        access_log=False,
        log_config=log_config(),
        proxy_headers=False,
        server_header=False,
    )
    return uvicorn.Server(config)


def bind(host: str, port: int) -> socket.socket:
    """A listening socket (port 0 picks a free port), so the printed URL is the real one."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    # Listen now: a client that connects as soon as the URL is printed waits in the backlog
    # instead of being refused while the server is still starting.
    sock.listen(2048)
    return sock


def serve(
    settings: Settings,
    sock: socket.socket,
    engine: Engine | None = None,
) -> None:
    """Serve on the bound socket until interrupted."""
    host, port = sock.getsockname()[:2]
    make_server(settings, host, port, engine).run(sockets=[sock])
