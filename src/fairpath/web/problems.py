"""Errors as RFC 9457 problem documents (API) or a plain error page (pages) — never a traceback.

`status_of` maps the domain's errors to HTTP statuses once, for both kinds of response. The
OpenAPI document is rewritten so that every documented error response is
`application/problem+json` with the `Problem` schema (what the API really sends).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field
from starlette.responses import JSONResponse

from fairpath.domain.errors import ConflictError, FairpathError, InvalidInputError, NotFoundError
from fairpath.services.access import UploadRefused
from fairpath.services.accounts import LoginRefused, LoginThrottled
from fairpath.services.importing import ImportRejected

PROBLEM_JSON = "application/problem+json"

TITLES = {
    400: "Bad request",
    401: "Sign-in required",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "File too large",
    415: "Unsupported file",
    422: "The input has problems",
    429: "Too many attempts",
    500: "Something went wrong",
}


class ProblemItem(BaseModel):
    """One problem in a list: where (file, line, field) and what to do."""

    file: str | None = None
    line: int | None = None
    field: str | None = None
    message: str


class Problem(BaseModel):
    """RFC 9457 problem details, with `problems` listing each one when there are several."""

    type: str = Field(default="about:blank", description="A URI naming the kind of problem.")
    title: str = Field(description="A short, human-readable summary of the kind of problem.")
    status: int = Field(description="The HTTP status code.")
    detail: str | None = Field(default=None, description="What went wrong, and what to do.")
    problems: list[ProblemItem] | None = Field(
        default=None, description="Every problem found (e.g. each bad line of an upload)."
    )


class HttpProblem(Exception):
    """Raised by web code to answer with a given status and sentence."""

    def __init__(self, status: int, detail: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.headers = headers or {}


#: Domain and service errors → HTTP status; the first matching class wins.
STATUS_OF: tuple[tuple[type[FairpathError], int], ...] = (
    (NotFoundError, 404),
    (UploadRefused, 403),
    (LoginThrottled, 429),
    (LoginRefused, 401),
    (ConflictError, 409),
    (InvalidInputError, 422),
    (ImportRejected, 422),
)


def status_of(error: FairpathError) -> int:
    """The HTTP status for a domain or service error (400 for any other)."""
    return next((status for kind, status in STATUS_OF if isinstance(error, kind)), 400)


def problem_response(
    status: int,
    detail: str | None,
    *,
    problems: list[ProblemItem] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """A problem document response."""
    body = Problem(
        title=TITLES.get(status, "Error"), status=status, detail=detail, problems=problems
    )
    return JSONResponse(
        body.model_dump(exclude_none=True),
        status_code=status,
        media_type=PROBLEM_JSON,
        headers=headers,
    )


def rewrite_error_responses(schema: dict[str, Any]) -> dict[str, Any]:
    """Make every 4xx/5xx response in the OpenAPI document a `Problem` problem+json."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["Problem"] = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    item = components["Problem"].pop("$defs", {}).get("ProblemItem")
    if item is not None:
        components["ProblemItem"] = item
    for components_key in ("HTTPValidationError", "ValidationError"):
        components.pop(components_key, None)
    ref = {"$ref": "#/components/schemas/Problem"}
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for code, response in responses.items():
                if code.isdigit() and int(code) >= 400:
                    response["content"] = {PROBLEM_JSON: {"schema": ref}}
                    response.setdefault("description", TITLES.get(int(code), "Error"))
    return schema
