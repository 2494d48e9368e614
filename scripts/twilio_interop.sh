#!/usr/bin/env bash
# Runs scripts/twilio_interop.py with the official twilio package, installed from PyPI into .pydeps (once).
set -euo pipefail
TWILIO_PACKAGE="twilio==9.13.0"
DEPS=.pydeps/twilio-9.13.0
if [ ! -f "$DEPS/.installed" ]; then
    echo "interop: installing $TWILIO_PACKAGE from PyPI into $DEPS" >&2
    rm -rf "$DEPS"
    # --target: a private folder, never the system's Python (Debian marks it externally managed).
    if ! python3 -m pip install --quiet --disable-pip-version-check --target "$DEPS" "$TWILIO_PACKAGE"; then
        echo "interop: error: could not install $TWILIO_PACKAGE from PyPI (no network?)" >&2
        exit 1
    fi
    touch "$DEPS/.installed"
fi
PYTHONPATH="$DEPS" exec python3 scripts/twilio_interop.py --binary "${1:-.build/debug/frontdesk}"
