"""Generated from grammars/SQL.g4; do not edit."""
