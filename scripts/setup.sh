#!/usr/bin/env bash
# Sourced by scripts/run and scripts/test: find Python 3.12+, make .venv, install pinned
# requirements (again only when a requirements file changed), migrate.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

python_ok() {
  "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1
}

find_python() {
  if [ -n "${PYTHON:-}" ]; then
    if python_ok "$PYTHON"; then echo "$PYTHON"; return 0; fi
    echo "PYTHON=$PYTHON is not Python 3.12 or newer." >&2
    return 1
  fi
  local candidate
  for candidate in python3.14 python3.13 python3.12 python3 python; do
    if command -v "$candidate" >/dev/null 2>&1 && python_ok "$(command -v "$candidate")"; then
      command -v "$candidate"; return 0
    fi
  done
  # pyenv installs that are not the active version are not on PATH.
  local root="${PYENV_ROOT:-$HOME/.pyenv}"
  for candidate in $(ls -d "$root"/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do
    if python_ok "$candidate"; then echo "$candidate"; return 0; fi
  done
  echo "No Python 3.12+ found. Install one, or point PYTHON=/path/to/python3.12 at it." >&2
  return 1
}

REQUIREMENTS="${REQUIREMENTS:-requirements-dev.txt}"

if [ ! -x .venv/bin/python ] || ! python_ok .venv/bin/python; then
  PY="$(find_python)"
  echo "Creating .venv with $PY ($("$PY" --version))"
  rm -rf .venv
  "$PY" -m venv .venv
fi

STAMP=.venv/.requirements-stamp
WANT="$(cat requirements.txt "$REQUIREMENTS" | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$STAMP" 2>/dev/null)" != "$WANT" ]; then
  echo "Installing $REQUIREMENTS into .venv"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$REQUIREMENTS"
  echo "$WANT" > "$STAMP"
fi
