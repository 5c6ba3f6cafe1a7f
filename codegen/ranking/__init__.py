"""Ranking of valid candidates with evidence."""
