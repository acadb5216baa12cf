"""The journey log's static files under `/log/`: `checkpoint` and the C2SP tlog-tiles tiles.

Only names of the tlog-tiles layout are served (`checkpoint`, `tile/<L>/<N>`,
`tile/entries/<N>`, each optionally `.p/<W>`); anything else — `..`, other files in the
directory such as the writer's lock — is 404, and the resolved path must stay inside the log
directory. Caching follows C2SP tlog-tiles: a full tile never changes, so it is
`immutable` for a year; a partial tile is replaced when it grows and the checkpoint moves on
every publish, so both are revalidated.
"""

from __future__ import annotations

import re
from pathlib import Path

from fastapi import APIRouter, Request
from starlette.responses import FileResponse, Response

from fairpath.web.auth import settings_of
from fairpath.web.problems import HttpProblem

TILE_PATH = re.compile(r"^tile/(?:[0-9]{1,2}|entries)/(?:x[0-9]{3}/)*[0-9]{3}(?:\.p/[0-9]{1,3})?$")
FULL_TILE_CACHE = "public, max-age=31536000, immutable"
PARTIAL_TILE_CACHE = "public, max-age=10, must-revalidate"
CHECKPOINT_CACHE = "no-cache"

router = APIRouter(include_in_schema=False)


def log_file(root: Path, name: str) -> tuple[Path, str, str] | None:
    """The file, media type and Cache-Control for `/log/<name>`, or None when not servable."""
    if name == "checkpoint":
        cache, media = CHECKPOINT_CACHE, "text/plain; charset=utf-8"
    elif TILE_PATH.match(name):
        cache = PARTIAL_TILE_CACHE if ".p/" in name else FULL_TILE_CACHE
        media = "application/octet-stream"
    else:
        return None
    base = root.resolve()
    path = (base / name).resolve()
    if not path.is_relative_to(base) or not path.is_file():
        return None
    return path, media, cache


@router.get("/log/{name:path}")
def serve_log_file(request: Request, name: str) -> Response:
    found = log_file(settings_of(request).log_dir, name)
    if found is None:
        raise HttpProblem(404, "no such log file")
    path, media, cache = found
    return FileResponse(
        path,
        media_type=media,
        headers={"Cache-Control": cache, "Access-Control-Allow-Origin": "*"},
    )
