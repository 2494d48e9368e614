import Crypto
import Foundation

/// `GET /widget.js`: the chat widget a business puts on its pages. Plain JavaScript, written by hand, served as it
/// is (no build step, no third-party code). Kept in this file rather than as a package resource so the binary
/// always carries the script that matches its API.
enum WidgetScript {
    /// The script's text.
    static let source: String = #"""
/* FrontDesk web chat widget. Plain JavaScript, no dependencies.
   <script src="https://HOST/widget.js" data-key="pk_…" async></script> */
(function () {
  "use strict";
  var script = document.currentScript ||
    document.querySelector('script[data-key][src*="widget.js"]');
  if (!script || document.getElementById("frontdesk-widget")) { return; }
  var key = script.getAttribute("data-key") || "";
  var base = script.src.replace(/\/widget\.js(?:[?#].*)?$/, "");
  var api = base + "/widget/v1/" + encodeURIComponent(key);
  var storageKey = "frontdesk-widget:" + key;
  var maxLength = 2000;

  var css = [
    ":host{all:initial}",
    "*{box-sizing:border-box;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif}",
    ".fd-root{position:fixed;right:20px;bottom:20px;z-index:2147483000;display:flex;flex-direction:column;align-items:flex-end;gap:12px}",
    "#fd-launcher{width:56px;height:56px;border-radius:50%;border:none;background:#1f5fbf;color:#fff;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.25);display:flex;align-items:center;justify-content:center}",
    "#fd-launcher svg{width:28px;height:28px;fill:currentColor}",
    "#fd-launcher:focus-visible,button:focus-visible,textarea:focus-visible{outline:3px solid #f5a623;outline-offset:2px}",
    "#fd-panel{width:min(360px,calc(100vw - 40px));height:min(520px,calc(100vh - 110px));background:#fff;color:#1a1a1a;border-radius:12px;box-shadow:0 8px 30px rgba(0,0,0,.25);display:flex;flex-direction:column;overflow:hidden;font-size:15px;line-height:1.4}",
    "#fd-panel[hidden]{display:none}",
    ".fd-header{display:flex;align-items:center;justify-content:space-between;padding:12px 14px;background:#1f5fbf;color:#fff}",
    "#fd-title{margin:0;font-size:16px;font-weight:600}",
    "#fd-close{background:transparent;border:none;color:#fff;font-size:22px;line-height:1;cursor:pointer;padding:2px 8px;border-radius:6px}",
    "#fd-log{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:8px;background:#f6f7f9}",
    ".fd-msg{max-width:85%;padding:8px 11px;border-radius:12px;white-space:pre-wrap;word-wrap:break-word}",
    ".fd-msg p{margin:0}",
    ".fd-msg[data-role=visitor]{align-self:flex-end;background:#1f5fbf;color:#fff;border-bottom-right-radius:4px}",
    ".fd-msg[data-role=receptionist]{align-self:flex-start;background:#fff;border:1px solid #dde1e6;border-bottom-left-radius:4px}",
    ".fd-source{margin-top:6px!important;font-size:12px;color:#4a5563}",
    ".fd-typing{align-self:flex-start;color:#4a5563;font-style:italic;font-size:13px}",
    "#fd-status{margin:0;padding:0 12px;min-height:0;font-size:13px;color:#9a3412}",
    "#fd-status:not(:empty){padding:6px 12px}",
    "#fd-form{display:flex;gap:8px;padding:10px;border-top:1px solid #dde1e6;background:#fff}",
    "#fd-form[hidden]{display:none}",
    "#fd-input{flex:1;resize:none;border:1px solid #b8bfc8;border-radius:8px;padding:8px;font-size:15px;color:#1a1a1a;background:#fff}",
    "#fd-send,#fd-restart{border:none;border-radius:8px;background:#1f5fbf;color:#fff;padding:0 14px;font-size:15px;cursor:pointer}",
    "#fd-send[disabled]{opacity:.6;cursor:default}",
    "#fd-restart{margin:10px;padding:10px 14px}",
    "#fd-restart[hidden]{display:none}",
    ".fd-visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}",
    "@media (prefers-reduced-motion:no-preference){#fd-launcher{transition:transform .15s}#fd-launcher:hover{transform:scale(1.05)}}"
  ].join("\n");

  var host = document.createElement("div");
  host.id = "frontdesk-widget";
  host.setAttribute("data-frontdesk-widget", "");
  host.setAttribute("data-state", "closed");
  host.setAttribute("data-status", "idle");
  var root = host.attachShadow({ mode: "open" });
  root.innerHTML =
    '<style>' + css + '</style>' +
    '<div class="fd-root">' +
      '<section id="fd-panel" role="dialog" aria-modal="false" aria-labelledby="fd-title" hidden>' +
        '<div class="fd-header"><h2 id="fd-title">Chat with us</h2>' +
          '<button id="fd-close" type="button" aria-label="Close chat">&times;</button></div>' +
        '<div id="fd-log" role="log" aria-live="polite" aria-relevant="additions" tabindex="0" aria-label="Conversation"></div>' +
        '<p id="fd-status" role="status" aria-live="polite"></p>' +
        '<button id="fd-restart" type="button" hidden>Start a new conversation</button>' +
        '<form id="fd-form" novalidate>' +
          '<label class="fd-visually-hidden" for="fd-input">Your message</label>' +
          '<textarea id="fd-input" rows="2" maxlength="' + maxLength + '" placeholder="Type your question…" ' +
            'aria-describedby="fd-hint"></textarea>' +
          '<span id="fd-hint" class="fd-visually-hidden">Press Enter to send, Shift+Enter for a new line, Escape to close.</span>' +
          '<button id="fd-send" type="submit">Send</button>' +
        '</form>' +
      '</section>' +
      '<button id="fd-launcher" type="button" aria-label="Open chat" aria-expanded="false" aria-controls="fd-panel">' +
        '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z"/></svg>' +
      '</button>' +
    '</div>';

  var $ = function (id) { return root.getElementById(id); };
  var launcher = $("fd-launcher"), panel = $("fd-panel"), closeButton = $("fd-close"), log = $("fd-log");
  var statusLine = $("fd-status"), form = $("fd-form"), input = $("fd-input"), send = $("fd-send");
  var restart = $("fd-restart"), title = $("fd-title");

  var session = null;      // {conversationId, token, expiresAt}
  var started = false;     // the conversation is loaded (or being loaded)
  var busy = false;

  function setStatus(state, text) {
    host.setAttribute("data-status", state);
    statusLine.textContent = text || "";
  }

  function load() {
    try {
      var saved = JSON.parse(window.localStorage.getItem(storageKey) || "null");
      if (saved && saved.token && saved.conversationId && Date.parse(saved.expiresAt) > Date.now() + 60000) { return saved; }
    } catch (e) { /* storage blocked or unreadable: start afresh */ }
    return null;
  }

  function save(value) {
    try {
      if (value) { window.localStorage.setItem(storageKey, JSON.stringify(value)); }
      else { window.localStorage.removeItem(storageKey); }
    } catch (e) { /* storage blocked: the conversation lasts as long as the page */ }
  }

  function request(method, path, body) {
    var headers = { "Accept": "application/json" };
    if (body !== undefined) { headers["Content-Type"] = "application/json"; }
    if (session) { headers["Authorization"] = "Bearer " + session.token; }
    return fetch(api + path, {
      method: method, mode: "cors", credentials: "omit", headers: headers,
      body: body === undefined ? undefined : JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (json) {
        return { status: response.status, json: json, retryAfter: response.headers.get("Retry-After") };
      });
    });
  }

  function addMessage(message) {
    var item = document.createElement("div");
    item.className = "fd-msg";
    item.setAttribute("data-role", message.role);
    if (message.id) { item.setAttribute("data-message-id", String(message.id)); }
    var text = document.createElement("p");
    text.className = "fd-text";
    text.textContent = message.text;
    item.appendChild(text);
    (message.sources || []).forEach(function (source) {
      if (!source.title) { return; }
      var line = document.createElement("p");
      line.className = "fd-source";
      line.setAttribute("data-source-title", source.title);
      line.setAttribute("data-source-entry", source.entry_id || "");
      line.textContent = "Source: " + source.title;
      item.appendChild(line);
    });
    log.appendChild(item);
    log.scrollTop = log.scrollHeight;
    return item;
  }

  function showConversation(json) {
    log.textContent = "";
    if (json.business_name) {
      title.textContent = "Chat with " + json.business_name;
      launcher.setAttribute("aria-label", (host.getAttribute("data-state") === "open" ? "Close chat with " : "Open chat with ") + json.business_name);
    }
    host.setAttribute("data-conversation-id", json.conversation_id || "");
    (json.messages || []).forEach(addMessage);
    setEnded(!!json.ended);
  }

  function setEnded(ended) {
    host.setAttribute("data-ended", ended ? "true" : "false");
    form.hidden = ended;
    restart.hidden = !ended;
    if (ended) { setStatus("ended", "This conversation has ended."); }
  }

  function failure(result, fallback) {
    var code = result.json && result.json.error && result.json.error.code;
    if (result.status === 429) {
      var wait = parseInt(result.retryAfter || "0", 10);
      return code === "too_many_conversations"
        ? "Too many conversations have been started from your network. Please try again later."
        : "You're sending messages too quickly. Please wait " + (wait > 0 ? wait + " seconds" : "a moment") + ".";
    }
    if (result.status === 0) { return "Cannot reach the chat service. Please try again."; }
    return fallback;
  }

  function expire() {
    session = null;
    save(null);
    form.hidden = true;
    restart.hidden = false;
    setStatus("expired", "Your chat session has expired.");
  }

  function begin() {
    started = true;
    setStatus("loading", "Connecting…");
    session = load();
    var resume = session
      ? request("GET", "/conversations/" + encodeURIComponent(session.conversationId)).then(function (result) {
          if (result.status === 200) { return result; }
          session = null;
          save(null);
          return null;
        })
      : Promise.resolve(null);
    return resume.then(function (resumed) {
      if (resumed) { return resumed; }
      return request("POST", "/conversations", {}).then(function (result) {
        if (result.status === 201) {
          session = { conversationId: result.json.conversation_id, token: result.json.token, expiresAt: result.json.expires_at };
          save(session);
        }
        return result;
      });
    }).then(function (result) {
      if (result.status !== 200 && result.status !== 201) {
        started = false;
        var unavailable = result.status === 401 || result.status === 403;
        setStatus(unavailable ? "unavailable" : "error",
                  unavailable ? "Chat is not available on this page." : failure(result, "Sorry, the chat could not start. Please try again."));
        if (unavailable && window.console) { window.console.warn("FrontDesk widget:", result.json && result.json.error); }
        return;
      }
      showConversation(result.json);
      if (!result.json.ended) { setStatus("idle", ""); }
      if (host.getAttribute("data-state") === "open" && !form.hidden) { input.focus(); }
    }, function () {
      // The request failed in the browser. A page whose origin is not allowed gets no CORS headers, so the browser
      // hides the server's 403 and the request fails as if the server were down. The script's own URL loads
      // without CORS: if it does, the server is up and has refused this page.
      return fetch(script.src, { mode: "no-cors", cache: "no-store", credentials: "omit" }).then(function () {
        started = false;
        setStatus("unavailable", "Chat is not available on this page.");
        if (window.console) { window.console.warn("FrontDesk widget: this page's origin is not allowed for key " + key); }
      }, function () {
        started = false;
        setStatus("error", "Cannot reach the chat service. Please try again.");
      });
    });
  }

  function submit() {
    var text = input.value.trim();
    if (!text || busy || !session) { return; }
    if (text.length > maxLength) { setStatus("error", "Messages can be at most " + maxLength + " characters."); return; }
    busy = true;
    send.disabled = true;
    input.value = "";
    var pending = addMessage({ role: "visitor", text: text, sources: [] });
    pending.setAttribute("data-pending", "true");
    var typing = document.createElement("div");
    typing.className = "fd-typing";
    typing.id = "fd-typing";
    typing.textContent = "…";
    typing.setAttribute("aria-hidden", "true");
    log.appendChild(typing);
    setStatus("sending", "");
    request("POST", "/conversations/" + encodeURIComponent(session.conversationId) + "/messages", { text: text })
      .then(function (result) {
        typing.remove();
        if (result.status === 200) {
          pending.removeAttribute("data-pending");
          (result.json.messages || []).forEach(function (message) {
            if (message.role === "visitor") { pending.setAttribute("data-message-id", String(message.id)); }
            else { addMessage(message); }
          });
          setStatus("idle", "");
          setEnded(!!result.json.ended);
          return;
        }
        pending.remove();
        var code = result.json && result.json.error && result.json.error.code;
        if (result.status === 401) { expire(); return; }
        if (code === "conversation_ended") { setEnded(true); return; }
        input.value = text;
        setStatus("error", failure(result, "Sorry, your message could not be sent. Please try again."));
      }, function () {
        typing.remove();
        pending.remove();
        input.value = text;
        setStatus("error", "Cannot reach the chat service. Please try again.");
      })
      .then(function () {
        busy = false;
        send.disabled = false;
        if (!form.hidden) { input.focus(); }
      });
  }

  function open() {
    panel.hidden = false;
    host.setAttribute("data-state", "open");
    launcher.setAttribute("aria-expanded", "true");
    launcher.setAttribute("aria-label", launcher.getAttribute("aria-label").replace(/^Open/, "Close"));
    if (!started) { begin(); }
    if (!form.hidden) { input.focus(); } else if (!restart.hidden) { restart.focus(); }
  }

  function close() {
    panel.hidden = true;
    host.setAttribute("data-state", "closed");
    launcher.setAttribute("aria-expanded", "false");
    launcher.setAttribute("aria-label", launcher.getAttribute("aria-label").replace(/^Close/, "Open"));
    launcher.focus();
  }

  launcher.addEventListener("click", function () { if (panel.hidden) { open(); } else { close(); } });
  closeButton.addEventListener("click", close);
  root.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !panel.hidden) { event.preventDefault(); close(); }
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) { event.preventDefault(); submit(); }
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); submit(); });
  restart.addEventListener("click", function () {
    session = null;
    save(null);
    log.textContent = "";
    form.hidden = false;
    restart.hidden = true;
    begin();
  });

  function mount() { document.body.appendChild(host); }
  if (document.body) { mount(); } else { document.addEventListener("DOMContentLoaded", mount); }
})();
"""#

    /// A strong validator of the script's bytes: a browser revalidates after `maxAge` and gets 304 while unchanged.
    static let etag: String = {
        let digest = SHA256.hash(data: Data(source.utf8))
        return "\"" + digest.prefix(12).map { String(format: "%02x", $0) }.joined() + "\""
    }()

    /// Seconds a browser or CDN may reuse the script without asking: short, so a new release reaches pages soon.
    static let maxAge = 300
}
