#!/usr/bin/env bash
# Runs scripts/widget_browser.py (widget.js in headless Chromium) with PyPI's selenium, installed into .pydeps
# (once). Chromium and its driver are Debian's chromium and chromium-driver (scripts/bootstrap.sh installs them):
# one source package, so their versions always match, and selenium is given both paths (it never downloads a
# browser or a driver of its own).
set -euo pipefail
# 4.51.0: 4.52.0 requires a certifi newer than the package index here offers.
SELENIUM_PACKAGE="selenium==4.51.0"
DEPS=.pydeps/selenium-4.51.0
for tool in /usr/bin/chromium /usr/bin/chromedriver; do
    [ -x "$tool" ] || { echo "widget browser: error: $tool is missing (scripts/bootstrap.sh installs chromium and chromium-driver)" >&2; exit 1; }
done
if [ ! -f "$DEPS/.installed" ]; then
    echo "widget browser: installing $SELENIUM_PACKAGE from PyPI into $DEPS" >&2
    rm -rf "$DEPS"
    # --target: a private folder, never the system's Python (Debian marks it externally managed).
    if ! python3 -m pip install --quiet --disable-pip-version-check --target "$DEPS" "$SELENIUM_PACKAGE"; then
        echo "widget browser: error: could not install $SELENIUM_PACKAGE from PyPI (no network?)" >&2
        exit 1
    fi
    touch "$DEPS/.installed"
fi
# SE_OFFLINE: Selenium Manager never goes online (both paths are given anyway).
PYTHONPATH="$DEPS" SE_OFFLINE=true exec python3 scripts/widget_browser.py --binary "${1:-.build/debug/frontdesk}" \
    --chromium /usr/bin/chromium --chromedriver /usr/bin/chromedriver
