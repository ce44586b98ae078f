#!/usr/bin/env bash
# `make test` (and .ci/run): the whole test suite, browser tests included. Makes .venv with the dev
# requirements, makes sure a database server is reachable (the same discovery as `make run`, so it also
# works where no server runs yet) and that Debian's Chromium is installed, then runs pytest.
# Arguments go to pytest (e.g. scripts/test.sh tests/test_landing.py -x). Exits with pytest's status.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup_venv.sh requirements-dev.txt

chromium="${STREAMSYNC_CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$chromium" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "test: installing Debian's chromium for the browser tests ..."
        DEBIAN_FRONTEND=noninteractive apt-get update -q
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium \
            || echo "test: installing chromium failed: the browser tests will fail." >&2
    else
        echo "test: $chromium is missing and installing it needs root: the browser tests will FAIL." \
             "Install it with: sudo apt-get install -y chromium" >&2
    fi
fi

# Tests make and drop their own *_test databases on this server; the app's database is never touched.
if [ -z "${STREAMSYNC_TEST_SERVER_URL:-}" ]; then
    STREAMSYNC_TEST_SERVER_URL="$(.venv/bin/python scripts/dbserver.py server-url)"
    export STREAMSYNC_TEST_SERVER_URL
fi

# .streamlit/config.toml hides exception details from users; a failing AppTest should show them.
# (tests/browser's live app drops this again, so the browser sees what users see.)
export STREAMLIT_CLIENT_SHOW_ERROR_DETAILS="${STREAMLIT_CLIENT_SHOW_ERROR_DETAILS:-full}"

status=0
.venv/bin/python -m pytest "$@" || status=$?
if [ "$status" = 5 ]; then
    echo "test: pytest collected no tests (exit 5): that is a failure, not a pass." >&2
fi
exit "$status"
