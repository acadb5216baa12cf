"""The witness HTTP server (C2SP tlog-witness) an NGO or union runs: a small ASGI app.

It lives beside the `fairpath witness serve` command rather than in `fairpath.web`: it is a
program of its own (no database, no data directory), and the layer rules keep cli and web apart.

Routes:
- `POST /add-checkpoint` — the spec's request and status codes (404/403/400/409/422/200),
  handled by `services.witnessing.WitnessKeeper` (checks, persists state, then cosigns);
- `GET /<hex SHA-256 of origin>/checkpoint` — the last checkpoint cosigned for that log
  (tlog-witness "monitoring prefix"), so anyone can compare what the witness saw.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from socket import socket

import uvicorn
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from fairpath.services.witnessing import MAX_REQUEST_BYTES, WitnessKeeper

Clock = Callable[[], float]


def create_app(keeper: WitnessKeeper, clock: Clock = time.time) -> Starlette:
    """The witness app over `keeper`; `clock` gives the cosignature time (POSIX seconds)."""

    async def add_checkpoint(request: Request) -> Response:
        body = b""
        async for piece in request.stream():
            body += piece
            if len(body) > MAX_REQUEST_BYTES:
                return PlainTextResponse("The request is larger than 64 KiB.\n", status_code=400)
        result = await run_in_threadpool(keeper.add_checkpoint, body, int(clock()))
        return Response(result.body, status_code=result.status, headers=dict(result.headers))

    async def checkpoint(request: Request) -> Response:
        note = await run_in_threadpool(keeper.checkpoint_for, request.path_params["origin"])
        if note is None:
            return PlainTextResponse("No checkpoint cosigned for this log.\n", status_code=404)
        return PlainTextResponse(note)

    return Starlette(
        routes=[
            Route("/add-checkpoint", add_checkpoint, methods=["POST"]),
            Route("/{origin:str}/checkpoint", checkpoint, methods=["GET"]),
        ]
    )


def server(keeper: WitnessKeeper, host: str, port: int) -> uvicorn.Server:
    """A uvicorn server for the witness (run it with `.run()`, or `.run(sockets=[...])`)."""
    config = uvicorn.Config(
        create_app(keeper), host=host, port=port, log_level="warning", access_log=False
    )
    return uvicorn.Server(config)


def serve_on(keeper: WitnessKeeper, sock: socket) -> uvicorn.Server:
    """A server for an already bound socket (tests bind port 0 to get a free one)."""
    host, port = sock.getsockname()[:2]
    return server(keeper, host, port)
