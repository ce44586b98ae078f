#!/usr/bin/env bash
# Create .venv if it is missing and install the pinned requirements into it, again only when a
# requirements file changed since the last install.   Usage: scripts/setup_venv.sh requirements.txt
set -euo pipefail
cd "$(dirname "$0")/.."
requirements="${1:-requirements.txt}"
python="${PYTHON:-python3}"

as_root_with_apt() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; }

apt_install() {
    echo "setup: installing $* with apt-get ..."
    DEBIAN_FRONTEND=noninteractive apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@"
}

if ! command -v "$python" >/dev/null; then
    if as_root_with_apt; then apt_install python3 python3-venv; else
        echo "setup: $python not found. Install Python 3.11+: sudo apt-get install -y python3 python3-venv" >&2
        exit 1
    fi
fi
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    echo "setup: StreamSync needs Python 3.11 or newer; $python is $("$python" -V 2>&1). Set PYTHON=/path/to/python3.11." >&2
    exit 1
fi

# A venv made without ensurepip (Debian without python3-venv) has a python but no pip: make it again.
if ! { [ -x .venv/bin/python ] && .venv/bin/python -m pip --version >/dev/null 2>&1; }; then
    rm -rf .venv
    if ! "$python" -m venv .venv 2>/dev/null; then
        rm -rf .venv
        if as_root_with_apt; then apt_install python3-venv; "$python" -m venv .venv; else
            echo "setup: '$python -m venv' failed (Debian needs the python3-venv package): sudo apt-get install -y python3-venv" >&2
            exit 1
        fi
    fi
    echo "setup: created .venv with $("$python" -V 2>&1)"
fi

# requirements-dev.txt includes requirements.txt, so both files decide whether to install again.
stamp=".venv/.installed-$(basename "$requirements")"
wanted="$(cat requirements.txt "$requirements" | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
    echo "setup: installing $requirements into .venv ..."
    .venv/bin/python -m pip install --disable-pip-version-check -q -r "$requirements"
    echo "$wanted" > "$stamp"
fi
