"""The error every layer raises when a person has to act: a sentence, never a traceback."""

from __future__ import annotations


class FairpathError(Exception):
    """An error whose message tells a person what went wrong and what to do.

    `where` names the place (file, line, field, record) when there is one.
    """

    def __init__(self, message: str, *, where: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.where = where

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class NotFoundError(FairpathError):
    """A record asked for by its reference does not exist (or is not visible to the asker)."""


class ConflictError(FairpathError):
    """A record would contradict one already stored."""


class InvalidInputError(FairpathError):
    """Input that does not follow the journey format or the rules of the domain."""
