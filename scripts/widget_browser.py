#!/usr/bin/env python3
"""Browser test of widget.js in a real Chromium (Debian's chromium + chromium-driver), run by `make test`.

Starts a real `frontdesk serve` (temporary database), creates a business over the admin API with one knowledge
entry, allows the widget on one local page origin, and serves two pages on 127.0.0.1 from this process: one from
the allowed origin, one from another port (a different origin). In headless Chromium, driven by PyPI's selenium:

- allowed page: the bubble opens from the keyboard, focus moves to the message box, a question sent with Enter gets
  the grounded answer with its source title, Escape closes the panel and gives focus back to the bubble; the page's
  own styles do not reach into the widget; the conversation is in the CRM as channel `web`;
- other page: the widget says chat is not available there, and the server started no conversation for it.

Waits are explicit conditions on the DOM (never sleeps). On a failure the screenshot, the page source and the
widget's shadow root are kept in the artifacts folder.

Usage: python3 scripts/widget_browser.py --binary .build/debug/frontdesk [--model-dir DIR] [--artifacts DIR]
"""
import argparse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

ADMIN_KEY = "browser-admin-key-0123456789abcdef"
QUESTION = "what time are you open on saturday"
SOURCE_TITLE = "Opening hours"
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print(f"  FAIL: {message}")
    return condition


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(method, url, body=None, headers=None):
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def page_server():
    """A page on 127.0.0.1 at a port of its own (so an origin of its own), served from a thread until shutdown().
    Its HTML is set afterwards (`server.html = …`): the page needs the key, and the key's origins need the port."""

    class Page(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the handler's API
            body = self.server.html.encode("utf-8")
            self.send_response(200 if self.path in ("/", "/index.html") else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Page)
    server.html = ""
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def page(title, script_url, key):
    # The page's own styles are loud on purpose: none of them may reach inside the widget's shadow root.
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>* {{ font-family: monospace; font-size: 40px; color: #c00; }} button {{ background: #c00; }}
textarea {{ font-size: 40px; }}</style></head>
<body><h1>{title}</h1>
<script src="{script_url}" data-key="{key}" async></script>
</body></html>"""


def shadow(driver, script, *args):
    """Runs `script` with `host` (the widget's element) and `root` (its shadow root) defined; null without a host."""
    return driver.execute_script(
        "var host = document.getElementById('frontdesk-widget'); if (!host) { return null; }"
        " var root = host.shadowRoot; " + script, *args)


def wait_for(driver, description, script, timeout=60):
    """Waits until `script` (run with `host` and `root`) returns something truthy, and returns it."""
    try:
        return WebDriverWait(driver, timeout, poll_frequency=0.1).until(lambda d: shadow(d, script), description)
    except TimeoutException:
        raise AssertionError(f"timed out after {timeout} s waiting for {description}") from None


def keep_artifacts(driver, folder, name):
    os.makedirs(folder, exist_ok=True)
    base = os.path.join(folder, name)
    try:
        driver.save_screenshot(base + ".png")
        with open(base + ".html", "w", encoding="utf-8") as out:
            out.write(driver.page_source)
        inner = shadow(driver, "return root ? root.innerHTML : null;")
        if inner:
            with open(base + ".shadow.html", "w", encoding="utf-8") as out:
                out.write(inner)
        print(f"  kept {base}.png, .html and .shadow.html")
    except Exception as error:  # noqa: BLE001 - a failed capture must not hide the failure itself
        print(f"  could not keep artifacts for {name}: {error}")


def allowed_page(driver, url, base, api_key):
    driver.get(url)
    wait_for(driver, "the widget on the page", "return host && host.getAttribute('data-state') === 'closed';")
    launcher = driver.find_element(By.ID, "frontdesk-widget").shadow_root.find_element(By.CSS_SELECTOR, "#fd-launcher")
    check(launcher.get_attribute("aria-expanded") == "false", "the closed bubble says so (aria-expanded=false)")

    # Opened from the keyboard: Enter on the focused bubble button.
    launcher.send_keys(Keys.ENTER)
    wait_for(driver, "the panel to open and the conversation to start",
             "return host.getAttribute('data-state') === 'open' && host.getAttribute('data-status') === 'idle'"
             " && host.getAttribute('data-conversation-id');")
    root = driver.find_element(By.ID, "frontdesk-widget").shadow_root
    check(launcher.get_attribute("aria-expanded") == "true", "the open bubble says so (aria-expanded=true)")
    greeting = root.find_elements(By.CSS_SELECTOR, ".fd-msg[data-role=receptionist] .fd-text")
    check(len(greeting) == 1 and "virtual receptionist" in greeting[0].text, f"the chat greeting: {[g.text for g in greeting]}")
    check(shadow(driver, "return root.activeElement && root.activeElement.id;") == "fd-input",
          "opening moves focus to the message box")
    font = shadow(driver, "return getComputedStyle(root.getElementById('fd-input')).fontSize;")
    check(font == "15px", f"the page's styles stay outside the shadow root (message box font {font})")

    box = root.find_element(By.CSS_SELECTOR, "#fd-input")
    box.send_keys(QUESTION)
    box.send_keys(Keys.ENTER)
    answer = wait_for(driver, "the grounded answer",
                      "var replies = root.querySelectorAll('.fd-msg[data-role=receptionist]');"
                      " if (replies.length < 2 || root.querySelector('[data-pending]')) { return null; }"
                      " var last = replies[replies.length - 1];"
                      " return {text: last.querySelector('.fd-text').textContent,"
                      "  sources: Array.from(last.querySelectorAll('.fd-source')).map(function (s) {"
                      "    return [s.getAttribute('data-source-title'), s.textContent]; }),"
                      "  status: host.getAttribute('data-status')};")
    visitor = shadow(driver, "return Array.from(root.querySelectorAll('.fd-msg[data-role=visitor]'))"
                             ".map(function (m) { return [m.textContent, m.getAttribute('data-message-id')]; });")
    check(len(visitor) == 1 and visitor[0][0] == QUESTION and visitor[0][1], f"the question is shown, stored: {visitor}")
    check("Saturday" in answer["text"] and "8" in answer["text"], f"the answer comes from the knowledge base: {answer['text']!r}")
    check(answer["sources"] == [[SOURCE_TITLE, "Source: " + SOURCE_TITLE]], f"the answer names its source: {answer['sources']}")
    check(answer["status"] == "idle", f"status after the answer: {answer['status']}")
    check(shadow(driver, "return root.activeElement && root.activeElement.id;") == "fd-input",
          "focus stays in the message box after sending")

    # Escape closes the panel and gives focus back to the bubble.
    root.find_element(By.CSS_SELECTOR, "#fd-input").send_keys(Keys.ESCAPE)
    wait_for(driver, "Escape to close the panel",
             "return host.getAttribute('data-state') === 'closed' && root.getElementById('fd-panel').hidden;")
    check(shadow(driver, "return root.activeElement && root.activeElement.id;") == "fd-launcher",
          "closing gives focus back to the bubble")
    check(launcher.get_attribute("aria-expanded") == "false", "the bubble says it is closed again")

    conversation_id = shadow(driver, "return host.getAttribute('data-conversation-id');")
    status, body = http("GET", f"{base}/v1/conversations/{conversation_id}", headers={"X-API-Key": api_key})
    stored = json.loads(body) if status == 200 else {}
    check(status == 200 and stored.get("channel") == "web", f"the conversation is in the CRM as web ({status}: {body[:200]})")
    bodies = [m.get("body") for m in stored.get("messages", [])]
    check(QUESTION in bodies and answer["text"] in bodies, f"the CRM has the question and the answer: {bodies}")


def other_page(driver, url):
    driver.get(url)
    wait_for(driver, "the widget on the other page", "return host && host.getAttribute('data-state') === 'closed';")
    driver.find_element(By.ID, "frontdesk-widget").shadow_root.find_element(By.CSS_SELECTOR, "#fd-launcher").click()
    wait_for(driver, "the widget to refuse an origin that is not allowed",
             "return host.getAttribute('data-status') === 'unavailable';")
    text = shadow(driver, "return root.getElementById('fd-status').textContent;")
    check(text == "Chat is not available on this page.", f"the refusal is said: {text!r}")
    check(not shadow(driver, "return host.getAttribute('data-conversation-id');"), "no conversation on a refused page")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=".build/debug/frontdesk")
    parser.add_argument("--model-dir", default=os.environ.get("FRONTDESK_MODEL_DIR", ".models/all-MiniLM-L6-v2"))
    parser.add_argument("--artifacts", default=".build/browser-artifacts")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--chromedriver", default="/usr/bin/chromedriver")
    args = parser.parse_args()

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    workdir = tempfile.mkdtemp(prefix="frontdesk-browser-")
    env = dict(os.environ, FRONTDESK_ADMIN_KEY=ADMIN_KEY, FRONTDESK_PUBLIC_BASE_URL=base, FRONTDESK_LOG_LEVEL="warning")
    env.pop("FRONTDESK_DEMO_CORPORA", None)
    server = subprocess.Popen(
        [args.binary, "serve", "--port", str(port), "--db", os.path.join(workdir, "browser.sqlite"),
         "--model-dir", args.model_dir],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True)
    pages, driver = [], None
    try:
        deadline = time.time() + 120
        while time.time() < deadline:
            line = server.stdout.readline()
            if not line and server.poll() is not None:
                raise SystemExit("frontdesk exited before listening")
            if "listening on" in line:
                break
        # Keep reading the server's output so it never blocks on a full pipe.
        threading.Thread(target=lambda: [None for _ in server.stdout], daemon=True).start()

        admin = {"Authorization": f"Bearer {ADMIN_KEY}", "Content-Type": "application/json"}
        business = {"slug": "browser-plumbing", "name": "Browser Plumbing", "time_zone": "America/Chicago"}
        status, body = http("POST", base + "/v1/admin/businesses", json.dumps(business).encode(), admin)
        assert status == 201, (status, body)
        api_key = json.loads(body)["api_key"]
        keyed = {"X-API-Key": api_key, "Content-Type": "application/json"}
        entry = {"title": SOURCE_TITLE, "category": "general",
                 "content": "We are open Monday to Friday from 7 a.m. to 6 p.m. On Saturdays we are open from 8 a.m. "
                            "to noon. We are closed on Sundays."}
        status, body = http("POST", base + "/v1/knowledge", json.dumps(entry).encode(), keyed)
        assert status == 201, (status, body)

        allowed, allowed_url = page_server()
        other, other_url = page_server()
        pages = [allowed, other]
        status, body = http("PUT", base + "/v1/widget", json.dumps({"allowed_origins": [allowed_url]}).encode(), keyed)
        assert status == 200, (status, body)
        publishable = json.loads(body)["publishable_key"]
        allowed.html = page("Allowed page", base + "/widget.js", publishable)
        other.html = page("Another site", base + "/widget.js", publishable)

        options = webdriver.ChromeOptions()
        options.binary_location = args.chromium
        for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1200,900"):
            options.add_argument(flag)
        driver = webdriver.Chrome(service=Service(executable_path=args.chromedriver), options=options)
        print(f"browser: {driver.capabilities.get('browserName')} {driver.capabilities.get('browserVersion')}")

        for name, run in (("allowed-page", lambda: allowed_page(driver, allowed_url + "/", base, api_key)),
                          ("other-origin", lambda: other_page(driver, other_url + "/"))):
            print(name)
            before = len(failures)
            try:
                run()
            except Exception as error:  # noqa: BLE001 - any error is this case's failure; the next case still runs
                failures.append(f"{name}: {error}")
                print(f"  FAIL: {name}: {error}")
                traceback.print_exc()
            if len(failures) > before:
                keep_artifacts(driver, args.artifacts, name)
    finally:
        if driver is not None:
            driver.quit()
        for server_ in pages:
            server_.shutdown()
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    if failures:
        print(f"widget browser: {len(failures)} failure(s)")
        sys.exit(1)
    print("widget browser: ok")


if __name__ == "__main__":
    main()
