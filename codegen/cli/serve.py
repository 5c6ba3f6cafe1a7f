"""``codegen serve``: the JSON-RPC / LSP server editors talk to (stdio by default), or the
HTTP API (``--http``, codegen.http)."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "serve",
        help="run the JSON-RPC / LSP server for editors, or the HTTP API",
        description="Serve codegen over JSON-RPC 2.0 (the Language Server Protocol plus "
        "codegen/* methods), on stdio or on a local TCP port; or over HTTP (--http): an "
        "OpenAI-compatible API with server-sent events, plus codegen's native routes.",
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--stdio", action="store_true", help="serve one client on stdin/stdout")
    where.add_argument(
        "--tcp",
        metavar="[HOST:]PORT",
        help="listen on TCP (host 127.0.0.1 unless given; clients need the token the server "
        "writes to a 0600 file in the user runtime dir)",
    )
    where.add_argument(
        "--http",
        metavar="[HOST:]PORT",
        help="serve the OpenAI-compatible and native HTTP API (host 127.0.0.1 unless given; "
        "any other host needs http.api_keys)",
    )
    parser.add_argument(
        "--model",
        metavar="SPEC",
        help="embedded (default), embedded-small, gguf:PATH or openai:URL[,URL]#MODEL",
    )


def run(args: argparse.Namespace) -> int:
    import os
    import sys

    from codegen.backends.factory import check_spec
    from codegen.cli.common import load_settings
    from codegen.server import app

    settings = load_settings(args)
    check_spec(settings.model)
    if args.http is not None:
        from codegen.http.app import serve

        return serve(settings, args.http)
    if args.tcp is not None:
        try:
            code = app.serve_tcp(settings, args.tcp)
        except KeyboardInterrupt:
            code = 0
    else:
        code = app.serve_stdio(settings)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)  # the token file is gone; don't wait on model work a client abandoned
