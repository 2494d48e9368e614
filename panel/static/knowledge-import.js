// FrontDesk panel: the knowledge import's progress bar. Plain JavaScript, no build step, loaded with `defer` by the
// knowledge page only. Without it the import form posts as an ordinary form and the page that answers says how it
// went; with it the file is sent by XMLHttpRequest — the bar follows the upload, then the server's progress
// (GET <data-progress><import_id>: {phase, done, total, imported, error, percent}) until the upload's answer.
(function () {
  "use strict";

  var form = document.getElementById("import-form");
  if (!form || !window.XMLHttpRequest || !window.FormData) return;
  var box = document.getElementById("import-progress");
  var bar = document.getElementById("import-bar");
  var status = document.getElementById("import-status");
  var idField = form.querySelector('input[name="import_id"]');
  var button = form.querySelector('button[type="submit"]');

  function show(percent, text) {
    box.hidden = false;
    bar.value = Math.max(0, Math.min(100, percent));
    status.textContent = text;
  }

  // A new id for each import after the first (the page's id is used once).
  function freshId() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  form.addEventListener("submit", function (event) {
    if (!window.crypto || !window.crypto.getRandomValues) return; // the plain form post
    event.preventDefault();
    var id = idField.value;
    var polling = null;
    var uploaded = false;
    button.disabled = true;

    function poll() {
      var request = new XMLHttpRequest();
      request.open("GET", form.getAttribute("data-progress") + encodeURIComponent(id));
      request.setRequestHeader("Accept", "application/json");
      request.onload = function () {
        if (request.status !== 200 || !polling) return;
        var progress = JSON.parse(request.responseText);
        if (progress.phase === "embedding") show(50 + progress.percent / 2, "Reading entries: " + progress.done + " of " + progress.total);
        else if (progress.phase === "saving") show(98, "Saving " + progress.total + " entries…");
        else if (progress.phase === "reading") show(50, "Checking the file…");
      };
      request.send();
    }

    function finish(text, failed) {
      if (polling) window.clearInterval(polling);
      polling = null;
      button.disabled = false;
      idField.value = freshId();
      show(failed ? bar.value : 100, text);
      status.className = failed ? "error" : "";
    }

    var upload = new XMLHttpRequest();
    upload.open("POST", form.getAttribute("action"));
    upload.setRequestHeader("Accept", "application/json");
    upload.setRequestHeader("X-CSRF-Token", form.querySelector('input[name="_csrf"]').value);
    // The upload is the first half of the bar, the server's work the second.
    upload.upload.onprogress = function (progress) {
      if (progress.lengthComputable) show(progress.loaded * 50 / progress.total, "Uploading…");
    };
    upload.upload.onload = function () {
      uploaded = true;
      show(50, "Checking the file…");
      polling = window.setInterval(poll, 500);
    };
    upload.onload = function () {
      var answer = {};
      try { answer = JSON.parse(upload.responseText); } catch (ignored) { answer = {}; }
      if (upload.status === 201) {
        finish("Imported " + answer.imported + (answer.imported === 1 ? " entry." : " entries.") + " Reload to see them.", false);
        return;
      }
      var error = answer.error || { message: "The import failed (" + upload.status + ")." };
      var lines = (error.details || []).slice(0, 20).map(function (detail) {
        return (detail.row ? "row " + detail.row + " " : "") + (detail.field ? detail.field + ": " : "") + detail.message;
      });
      finish([error.message].concat(lines).join("\n"), true);
    };
    upload.onerror = function () {
      finish(uploaded ? "The connection was lost; the import may still finish: reload to check." : "The upload failed.", true);
    };
    upload.send(new FormData(form));
  });
})();
