#!/usr/bin/env bash
# Debian packages the test suite drives for real (a real terminal for the REPL, SQLite's shell).
# Installs only what is missing, and only when it can (root with apt-get).
set -euo pipefail
need=()
command -v tmux >/dev/null 2>&1 || need+=(tmux)
command -v sqlite3 >/dev/null 2>&1 || need+=(sqlite3)
# Java runs the ANTLR tool (make grammars, codegen grammar add, their tests).
command -v java >/dev/null 2>&1 || need+=(openjdk-17-jre-headless)
# javac and rustc compile candidates: compile verdicts, execution evidence and the
# multi-language benchmark's hidden tests (tests/unit/test_multilang_bench.py).
command -v javac >/dev/null 2>&1 || need+=(openjdk-17-jdk-headless)
command -v rustc >/dev/null 2>&1 || need+=(rustc)
# Node.js builds and tests the VS Code extension (make vscode).
command -v npm >/dev/null 2>&1 || need+=(nodejs npm)
# Neovim drives the server with its built-in LSP client (tests/integration/test_server_neovim.py).
command -v nvim >/dev/null 2>&1 || need+=(neovim)
# curl checks the SSE framing of codegen serve --http (tests/integration/test_http_server.py).
command -v curl >/dev/null 2>&1 || need+=(curl)
# Go and TypeScript candidates are built and run by the execution harness (codegen/execution/).
command -v go >/dev/null 2>&1 || need+=(golang-go)
command -v tsc >/dev/null 2>&1 || need+=(node-typescript)
# The execution sandbox (codegen/execution/sandbox.py): bubblewrap runs each run in its
# namespaces, setpriv (util-linux) gives it its own uid, libseccomp2 builds its seccomp filter.
command -v bwrap >/dev/null 2>&1 || need+=(bubblewrap)
command -v setpriv >/dev/null 2>&1 || need+=(util-linux)
ldconfig -p 2>/dev/null | grep -q 'libseccomp\.so\.2' || need+=(libseccomp2)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing system packages: ${need[*]}"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
else
  echo "missing system packages: ${need[*]} (install them with your package manager)" >&2
  exit 1
fi
