"""Persistent stores: the response cache (SQLite) and the audit log (JSONL)."""
