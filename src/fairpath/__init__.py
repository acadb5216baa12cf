"""fairpath."""
