"""A realistic, deterministic, scalable demo data set in the journey format.

`generate` streams a fictional supply chain — brands, suppliers and their sites in Malaysia,
Qatar, Taiwan, Thailand and Hong Kong, origin and destination recruiters, sub-agents, lenders,
an NGO and a union — and thousands to millions of migrant workers' journeys along the field's
real corridors, with a realistic share of abuse (see `shares`). `write_jsonl` writes it to a
JSON Lines file; `events_for` sizes a data set by the number of events wanted.
"""

from fairpath.demo.stream import (
    REFERENCE_AS_OF,
    Counts,
    default_processes,
    events_for,
    generate,
    write_jsonl,
)

__all__ = [
    "REFERENCE_AS_OF",
    "Counts",
    "default_processes",
    "events_for",
    "generate",
    "write_jsonl",
]
