"""A misbehaving HTTP server and generated fixture sites for the fault tests (issue #12)."""
