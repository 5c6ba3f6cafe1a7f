"""The local JSON-RPC 2.0 / LSP server behind ``codegen serve``.

Layers: ``framing`` (Content-Length frames, size limits) / ``dispatch`` (envelope checks, the
codegen/* methods, cancellation, error mapping; standard LSP methods go to pygls) / ``handlers``
(plain functions calling the Assistant) / ``lsp`` (pygls features: diagnostics, code actions).
"""
