#!/usr/bin/env bash
# The storage layering rules, checked on the source tree (run by `make test`; exit 1 on any breach):
#   1. Only the GRDB layer, Sources/Server/Storage/GRDB/, imports GRDB or touches the connection pool (`.dbPool`,
#      reachable through `AppDatabase` without importing GRDB): everything else reads and writes through the
#      repository protocols, so a second backend can implement them.
#      Likewise only Sources/Server/Storage/Postgres/ imports PostgresNIO.
#   2. Pure modules (every target under Sources/ except the Server shell, the frontdesk CLI and the C system
#      libraries) never import GRDB, Hummingbird, NIO or networking.
# Usage: bash scripts/check_layers.sh   (from anywhere; it reads the repository the script is in)
set -euo pipefail
cd "$(dirname "$0")/.."

# `import GRDB`, `@testable import GRDB`, `import struct GRDB.Row`, `@preconcurrency import GRDB` …
import_of() {
    local modules="$1"
    printf '^[[:space:]]*(@[A-Za-z_]+[[:space:]]+)*import[[:space:]]+((typealias|struct|class|enum|protocol|let|var|func)[[:space:]]+)?(%s)([.[:space:]]|$)' "$modules"
}

status=0

# Fails the check when a file outside `layer` imports `module`.
imported_only_under() {
    local layer="$1" module="$2" offenders
    offenders=$(grep -rlE --include='*.swift' "$(import_of "$module")" Sources | sort | grep -v "^${layer}" || true)
    if [[ -n "$offenders" ]]; then
        echo "Files outside ${layer} that import ${module} (move their queries behind a repository):"
        sed 's/^/  /' <<<"$offenders"
        status=1
    else
        echo "${module} is imported only under ${layer}."
    fi
}

grdb_layer="Sources/Server/Storage/GRDB/"
imported_only_under "$grdb_layer" GRDB
imported_only_under "Sources/Server/Storage/Postgres/" PostgresNIO

pool_users=$(grep -rlE --include='*.swift' '\.dbPool\b' Sources | sort | grep -v "^${grdb_layer}" || true)
if [[ -n "$pool_users" ]]; then
    echo "Files outside ${grdb_layer} that use the connection pool (move their queries behind a repository):"
    sed 's/^/  /' <<<"$pool_users"
    status=1
else
    echo "The connection pool is used only under ${grdb_layer}."
fi

pure_modules=()
for dir in Sources/*/; do
    name=$(basename "$dir")
    # The I/O shell, the CLI, and system libraries (a module map, no Swift) are not pure modules. (A name pattern
    # like `C*` would also skip `Campaigns`.)
    [[ -f "$dir/module.modulemap" ]] && continue
    case "$name" in
        Server | frontdesk) ;;
        *) pure_modules+=("$name") ;;
    esac
done
forbidden='GRDB|PostgresNIO|Hummingbird[A-Za-z]*|NIO[A-Za-z]*|AsyncHTTPClient|FoundationNetworking'
impure=0
for module in "${pure_modules[@]}"; do
    found=$(grep -rnE --include='*.swift' "$(import_of "$forbidden")" "Sources/$module" || true)
    if [[ -n "$found" ]]; then
        echo "Pure module $module imports storage, HTTP or networking:"
        sed 's/^/  /' <<<"$found"
        impure=1
        status=1
    fi
done
if [[ $impure -eq 0 ]]; then
    echo "Pure modules (${pure_modules[*]}) import no GRDB, Hummingbird, NIO or networking."
fi
exit $status
