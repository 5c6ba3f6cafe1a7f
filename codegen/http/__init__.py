"""``codegen serve --http``: an OpenAI-compatible and native HTTP API with server-sent events.

Layered like the JSON-RPC server: ``app`` builds the Starlette application and runs uvicorn;
``routes`` (native) and ``chat`` (OpenAI) are the handlers, which only call the Assistant and
its stages; ``auth``, ``limits``, ``queue``, ``metrics`` and ``errors`` are the shared-use
machinery; ``jobs`` carries one generation from its worker thread to the event loop, and
``sse`` frames events. Every failure becomes an OpenAI-style error object, never a traceback.
"""
