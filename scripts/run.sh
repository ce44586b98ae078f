#!/usr/bin/env bash
# `make run`: StreamSync on demo data. Makes .venv, finds or starts a database server
# (scripts/dbserver.py), loads the demo data into an empty database, applies pending schema migrations to
# an existing one (never dropping data; a database newer than this code is refused), then serves the app.
# STREAMSYNC_PORT picks the web port (default 8501, or the next free one); STREAMSYNC_ADDRESS the
# address to listen on: 127.0.0.1 (this machine only) by default, because the README publishes the demo
# accounts' password; 0.0.0.0 opens it to the network once those passwords are changed.
# STREAMSYNC_WORKERS=N (`make run WORKERS=N`) serves from N Streamlit processes behind HAProxy
# (manage.py serve, docs/deployment.md); `--dev` (`make dev`) reruns on save.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup_venv.sh requirements.txt
configured_url="${STREAMSYNC_DB_URL:-}"
STREAMSYNC_DB_URL="$(.venv/bin/python scripts/dbserver.py url)"
export STREAMSYNC_DB_URL
# Which server that is (the user's, the default one on 3306, or this checkout's private one), for the banner.
if [ -n "$configured_url" ]; then
    server="configured"
else
    server="$(env -u STREAMSYNC_DB_URL .venv/bin/python scripts/dbserver.py status)"
fi
case "$server" in
    private:*) stop_note="A private database server keeps running for next time; \`make stop-db\` stops it." ;;
    *) stop_note="The database server is yours: it keeps running." ;;
esac
.venv/bin/python manage.py reset --if-empty
.venv/bin/python manage.py migrate upgrade

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port="${STREAMSYNC_PORT:-8501}"
while port_in_use "$port"; do port=$((port + 1)); done

address="${STREAMSYNC_ADDRESS:-127.0.0.1}"
export STREAMSYNC_ADDRESS="$address"  # the app asks a demo account to change its password when not 127.0.0.1

cat <<BANNER

  StreamSync is starting: open http://localhost:$port (listening on $address)
  Demo accounts (password StreamSync!2024): admin (admin), moderator (moderator), user001 .. user150
  Stop with Ctrl-C. $stop_note
$([ "$address" = 127.0.0.1 ] || echo "  Reachable from other machines: a demo account still on that password must choose a new one at login.")

BANNER
workers="${STREAMSYNC_WORKERS:-1}"
if [ "$workers" != 1 ] || [ "${1:-}" = "--dev" ]; then
    serve_options=(--workers "$workers" --port "$port" --address "$address")
    if [ "${1:-}" = "--dev" ]; then serve_options+=(--dev); fi
    exec .venv/bin/python manage.py serve "${serve_options[@]}"
fi
exec .venv/bin/python -m streamlit run streamlit_app.py --server.port "$port" --server.address "$address"
