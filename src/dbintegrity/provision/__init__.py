"""Fetch database engine binaries into a private directory, for machines without Docker."""
