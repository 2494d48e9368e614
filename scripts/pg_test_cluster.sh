#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the test run: no service, no Docker, only the server binaries of Debian's
# `postgresql` package (or whatever `pg_config --bindir` names).
#
#   bash scripts/pg_test_cluster.sh start DIR [--watch PID]   # prints postgres://postgres@127.0.0.1:PORT/postgres
#   bash scripts/pg_test_cluster.sh stop DIR                  # stops it (immediately) and removes DIR
#
# start: initdb into DIR/data (superuser `postgres`, trust authentication, UTF-8), then starts the server on a free
#   TCP port of 127.0.0.1 (its Unix socket in DIR, its log in DIR/log) and prints the URL: the ONLY line on stdout,
#   everything else goes to stderr. If DIR already holds a running cluster it just prints that cluster's URL.
#   With --watch PID, a detached watchdog stops the cluster once process PID has exited (a test process that
#   crashes cannot run its own clean-up).
# stop: `pg_ctl -m immediate stop`, then removes DIR. Never fails when the cluster is already stopped or DIR is gone;
#   refuses to remove a DIR this script did not make.
#
# THROWAWAY: the server runs with fsync, synchronous_commit and full_page_writes off — speed over durability; a
# crash of the machine may corrupt it, which is fine for data that lives only as long as a test run. Never point
# anything you want to keep at it.
#
# PostgreSQL refuses to run as root. When this script runs as root, DIR is handed to the `postgres` system user
# (made by Debian's package) and initdb/pg_ctl run as that user through runuser (or su); the repository itself may
# sit where `postgres` cannot read (/root): the server only ever needs DIR. Use a short DIR under /tmp (the Unix
# socket path DIR/.s.PGSQL.PORT must stay under 107 bytes), e.g. `mktemp -d /tmp/frontdesk-pg.XXXXXX`.
set -euo pipefail

say() { printf 'pg_test_cluster: %s\n' "$*" >&2; }
die() { printf 'pg_test_cluster: error: %s\n' "$*" >&2; exit 1; }

INSTALL_HINT="install Debian's postgresql package: apt-get install postgresql"
MARKER=".frontdesk-pg-cluster"

usage() { die "usage: $0 start DIR [--watch PID] | stop DIR"; }

# The newest /usr/lib/postgresql/*/bin holding initdb and pg_ctl, else `pg_config --bindir`.
find_bindir() {
    local candidate best="" best_version=-1 version
    for candidate in /usr/lib/postgresql/*/bin; do
        [[ -x "$candidate/initdb" && -x "$candidate/pg_ctl" ]] || continue
        version="$(basename "$(dirname "$candidate")")"
        version="${version%%.*}"
        [[ "$version" =~ ^[0-9]+$ ]] || continue
        if ((version > best_version)); then best="$candidate" best_version="$version"; fi
    done
    if [[ -z "$best" ]] && command -v pg_config >/dev/null; then
        candidate="$(pg_config --bindir 2>/dev/null || true)"
        [[ -x "$candidate/initdb" && -x "$candidate/pg_ctl" ]] && best="$candidate"
    fi
    [[ -n "$best" ]] || die "no PostgreSQL server binaries (initdb, pg_ctl) under /usr/lib/postgresql/*/bin or pg_config --bindir; $INSTALL_HINT"
    printf '%s\n' "$best"
}

# Runs a command as the cluster's owner: `postgres` when we are root, else ourselves. From DIR, so the server
# never starts in a working directory it cannot read.
as_owner() {
    if ((EUID != 0)); then
        (cd "$DIR" && "$@")
    elif command -v runuser >/dev/null; then
        (cd "$DIR" && runuser -u postgres -- "$@")
    else
        (cd "$DIR" && su postgres -s /bin/sh -c "$(printf '%q ' "$@")")
    fi
}

# A TCP port nobody listens on at 127.0.0.1 right now (the kernel's pick; a bash probe without python3).
free_port() {
    if command -v python3 >/dev/null; then
        python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()' && return
    fi
    local port tries
    for tries in $(seq 1 50); do
        port=$((20000 + RANDOM % 40000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            printf '%s\n' "$port"
            return
        fi
    done
    die "found no free TCP port on 127.0.0.1"
}

url_for() { printf 'postgres://postgres@127.0.0.1:%s/postgres\n' "$1"; }

# The port of the cluster running in DIR (line 4 of postmaster.pid), or nothing if none runs.
running_port() {
    [[ -f "$DIR/data/PG_VERSION" ]] || return 0
    as_owner "$BINDIR/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1 || return 0
    sed -n 4p "$DIR/data/postmaster.pid" 2>/dev/null || true
}

initdb_cluster() {
    local locale=C
    if locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then locale=C.UTF-8; fi
    say "initdb ($BINDIR, locale $locale) into $DIR/data"
    # --no-sync: nothing here outlives the run. Its chatter goes to DIR/initdb.log, shown only on failure.
    if ! as_owner "$BINDIR/initdb" -D "$DIR/data" -A trust -U postgres -E UTF8 --locale="$locale" --no-sync \
            --no-instructions >"$DIR/initdb.log" 2>&1; then
        cat "$DIR/initdb.log" >&2
        die "initdb failed (output above)"
    fi
}

start_server() {
    local port attempt
    for attempt in 1 2 3; do
        port="$(free_port)"
        say "starting the server on 127.0.0.1:$port (log: $DIR/log)"
        if as_owner "$BINDIR/pg_ctl" -w -t 60 -D "$DIR/data" -l "$DIR/log" -o "-p $port -k $DIR \
-c listen_addresses=127.0.0.1 -c max_connections=400 -c fsync=off -c synchronous_commit=off \
-c full_page_writes=off" start >&2; then
            url_for "$port"
            return
        fi
        # Another process may have taken the port between our probe and the server's bind: try another.
        if grep -qE 'could not bind|Address already in use' "$DIR/log" 2>/dev/null; then
            say "port $port was taken meanwhile; retrying"
            continue
        fi
        break
    done
    tail -n 20 "$DIR/log" >&2 2>/dev/null || true
    die "the server did not start (log above: $DIR/log)"
}

# A detached process that stops the cluster once PID has gone. Its output goes nowhere, so it never holds the
# caller's pipes open.
start_watchdog() {
    local pid="$1"
    [[ "$pid" =~ ^[0-9]+$ ]] || die "--watch wants a process id, got '$pid'"
    setsid bash -c 'while kill -0 "$1" 2>/dev/null; do sleep 1; done; exec bash "$2" stop "$3"' \
        pg-watchdog "$pid" "$SCRIPT" "$DIR" </dev/null >/dev/null 2>&1 &
}

# The server and the watchdog outlive this script, so they must not hold the caller's descriptors open: Foundation's
# Process, for one, learns that its child has exited when a socket the child inherited closes, and would wait for
# the server to stop. Only stdin, stdout and stderr go on (255 is bash's own, close-on-exec).
close_inherited_fds() {
    local fd dir="/proc/$$/fd"
    [[ -d "$dir" ]] || dir=/dev/fd
    for fd in $(ls "$dir"); do
        if [[ "$fd" =~ ^[0-9]+$ ]] && ((fd > 2 && fd != 255)); then eval "exec $fd>&-" 2>/dev/null || true; fi
    done
}

cmd_start() {
    close_inherited_fds
    # The marker lets `stop` remove DIR, so only a new or empty directory (or one already ours) gets it.
    if [[ -d "$DIR" && ! -f "$DIR/$MARKER" && -n "$(ls -A "$DIR")" ]]; then
        die "$DIR is neither empty nor a cluster directory made by this script"
    fi
    mkdir -p "$DIR"
    DIR="$(cd "$DIR" && pwd)"
    touch "$DIR/$MARKER"
    BINDIR="$(find_bindir)"
    if ((EUID == 0)); then
        getent passwd postgres >/dev/null || die "no 'postgres' system user to run the server as (PostgreSQL refuses to run as root); $INSTALL_HINT"
        chown postgres: "$DIR"
        chmod 700 "$DIR"
        as_owner test -w "$DIR" 2>/dev/null \
            || die "user postgres cannot write $DIR (is a parent directory closed to it?); use a directory under /tmp"
    fi
    local port
    port="$(running_port)"
    if [[ -n "$port" ]]; then
        say "a cluster already runs in $DIR"
        url_for "$port"
    else
        [[ -f "$DIR/data/PG_VERSION" ]] || initdb_cluster
        start_server
    fi
    if [[ -n "$WATCH" ]]; then start_watchdog "$WATCH"; fi
}

cmd_stop() {
    [[ -d "$DIR" ]] || return 0
    DIR="$(cd "$DIR" && pwd)"
    if [[ -f "$DIR/data/postmaster.pid" ]]; then
        local bindir
        bindir="$(find_bindir 2>/dev/null)" || bindir=""
        if [[ -n "$bindir" ]]; then
            as_owner "$bindir/pg_ctl" -D "$DIR/data" -m immediate -w stop >&2 2>/dev/null || true
        fi
        # pg_ctl missing or refusing: end the postmaster by its pid (line 1), which takes its children with it —
        # only if that pid still is a postgres process (a stale pid file may name someone else by now).
        local pid
        pid="$(sed -n 1p "$DIR/data/postmaster.pid" 2>/dev/null || true)"
        if [[ "$pid" =~ ^[0-9]+$ ]] && [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == postgres ]]; then
            kill -QUIT "$pid" 2>/dev/null || true
            for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        fi
    fi
    if [[ -f "$DIR/$MARKER" ]]; then
        rm -rf "$DIR"
    else
        say "not removing $DIR: it was not made by this script"
    fi
}

SCRIPT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")"
(($# >= 2)) || usage
COMMAND="$1" DIR="$2"
shift 2
[[ -n "$DIR" && "$DIR" != "/" ]] || usage
[[ "$DIR" != *[[:space:]]* ]] || die "DIR must not contain spaces (it goes into the server's options): '$DIR'"
WATCH=""
while (($#)); do
    case "$1" in
        --watch) (($# >= 2)) || usage; WATCH="$2"; shift 2 ;;
        *) usage ;;
    esac
done

case "$COMMAND" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    *) usage ;;
esac
