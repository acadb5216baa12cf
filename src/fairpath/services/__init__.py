"""Use cases: the only layer that opens transactions. One verb function per mutation."""
