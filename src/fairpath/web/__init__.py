"""The web application: JSON API under /api/v1, server-rendered pages, the log under /log/."""
