"""The interactive REPL (``codegen repl``): prompt, slash commands, live generation events."""
