#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL cluster (scripts/pg_test_cluster.sh) that lives exactly as long as it:
#
#   bash scripts/with_postgres.sh swift test --skip-build --parallel
#
# Starts the cluster in a fresh `mktemp -d /tmp/frontdesk-pg.XXXXXX`, exports FRONTDESK_TEST_POSTGRES_URL
# (postgres://postgres@127.0.0.1:PORT/postgres) for the command, and stops the cluster and removes its directory when
# the command ends, fails or is interrupted (on INT or TERM the command gets TERM). Exits with the command's status.
# If FRONTDESK_TEST_POSTGRES_URL is already set (a server of your own, CI's), it only runs the command.
set -euo pipefail

(($#)) || { echo "usage: $0 COMMAND [ARGS…]" >&2; exit 2; }

if [[ -n "${FRONTDESK_TEST_POSTGRES_URL:-}" ]]; then
    exec "$@"
fi

cluster="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/pg_test_cluster.sh"
dir="$(mktemp -d /tmp/frontdesk-pg.XXXXXX)"
child=""

cleanup() {
    trap - EXIT INT TERM
    bash "$cluster" stop "$dir" || true
}
# The command gets TERM for either signal: a background command ignores INT (bash's rule without job control).
on_signal() {
    local status="$1"
    if [[ -n "$child" ]]; then
        kill -TERM "$child" 2>/dev/null || true
        wait "$child" 2>/dev/null || true
    fi
    cleanup
    exit "$status"
}
trap cleanup EXIT
trap 'on_signal 130' INT
trap 'on_signal 143' TERM

url="$(bash "$cluster" start "$dir")"
export FRONTDESK_TEST_POSTGRES_URL="$url"
echo "with_postgres: FRONTDESK_TEST_POSTGRES_URL=$url" >&2

# In the background so a signal reaches our trap while the command runs (bash defers traps until a foreground
# command ends); stdin is handed on explicitly because a background command would otherwise read /dev/null.
exec 3<&0
"$@" <&3 3<&- &
child=$!
set +e
wait "$child"
status=$?
set -e
child=""
exit "$status"
