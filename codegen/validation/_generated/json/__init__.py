"""Generated from grammars/JSON.g4; do not edit."""
