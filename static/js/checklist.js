/* Filing a checklist in the field: every answer is saved as it is typed; answers that
   cannot be saved (no signal, a conflict, an invalid value) stay in this browser
   (localStorage), are marked "not yet saved", and are sent again when the connection
   returns. Nothing typed is dropped: a conflict shows both versions and lets the
   inspector save theirs deliberately. */
(function () {
  "use strict";
  var form = document.getElementById("checklist");
  if (!form) return;
  var status = document.getElementById("sync-status");
  var key = "dairy-checklist-" + form.dataset.inspection;
  var url = form.dataset.autosaveUrl;
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var revision = parseInt(form.dataset.revision, 10);
  var state = load();
  var timer = null, inflight = false, conflict = null, invalid = false;

  function load() {
    try {
      var stored = JSON.parse(localStorage.getItem(key) || "null");
      if (stored && stored.answers) return stored;
    } catch (e) { /* a damaged entry is replaced below */ }
    return { base: revision, answers: {}, remarks: null };
  }
  function persist() {
    if (pendingCount() === 0 && state.remarks === null) localStorage.removeItem(key);
    else localStorage.setItem(key, JSON.stringify(state));
  }
  function pendingCount() { return Object.keys(state.answers).length + (state.remarks === null ? 0 : 1); }
  function setRevision(value) {
    revision = value;
    state.base = value;
    document.querySelectorAll("input[name=revision]").forEach(function (el) { el.value = value; });
  }
  function itemOf(code) { return form.querySelector('[data-code="' + code + '"]'); }
  function readItem(item) {
    var code = item.dataset.code, value = null;
    var checked = item.querySelector('input[name="a-' + code + '"]:checked');
    var field = item.querySelector('[name="a-' + code + '"]:not([type=radio])');
    if (checked) value = checked.value;
    else if (field) value = field.value;
    var note = item.querySelector('[name="n-' + code + '"]');
    return { value: value === "" ? null : value, note: note ? note.value : "" };
  }
  function writeItem(item, answer) {
    var code = item.dataset.code;
    item.querySelectorAll('input[name="a-' + code + '"][type=radio]').forEach(function (el) {
      el.checked = el.value === answer.value;
    });
    var field = item.querySelector('[name="a-' + code + '"]:not([type=radio])');
    if (field) field.value = answer.value === null ? "" : answer.value;
    var note = item.querySelector('[name="n-' + code + '"]');
    if (note) note.value = answer.note || "";
  }
  function fmt(text) { return text.replace("%(n)s", pendingCount()); }
  function show(kind, text) {
    status.className = "alert small py-2 sticky-top alert-" + kind;
    status.textContent = text;
  }
  function render() {
    form.querySelectorAll("[data-code]").forEach(function (item) {
      var badge = item.querySelector(".unsaved");
      if (badge) badge.classList.toggle("d-none", !(item.dataset.code in state.answers));
    });
    if (conflict) {
      show("danger", status.dataset.conflict);
      var button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-sm btn-danger ms-2";
      button.textContent = status.dataset.keep;
      button.dataset.testid = "keep-mine";
      button.addEventListener("click", function () {
        setRevision(conflict.revision);
        conflict = null;
        form.querySelectorAll(".saved-version").forEach(function (el) { el.textContent = ""; });
        flush();
      });
      status.appendChild(button);
    } else if (invalid) show("danger", status.dataset.invalid);
    else if (pendingCount() === 0) show("success", status.dataset.saved);
    else if (!navigator.onLine) show("warning", fmt(status.dataset.offline));
    else if (inflight) show("info", status.dataset.saving);
    else show("warning", fmt(status.dataset.unsaved));
  }
  function schedule(delay) {
    clearTimeout(timer);
    timer = setTimeout(flush, delay === undefined ? 700 : delay);
  }
  function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }

  function flush() {
    if (inflight || conflict || pendingCount() === 0) { render(); return; }
    if (!navigator.onLine) { render(); return; }
    inflight = true;
    invalid = false;
    render();
    var sent = JSON.parse(JSON.stringify(state));
    var body = { revision: state.base, answers: sent.answers };
    if (sent.remarks !== null) body.remarks = sent.remarks;
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (data) { return { status: response.status, data: data }; });
    }).then(function (result) {
      if (result.status === 200) {
        Object.keys(sent.answers).forEach(function (code) {
          if (same(state.answers[code], sent.answers[code])) delete state.answers[code];
          var error = itemOf(code) && itemOf(code).querySelector(".item-error");
          if (error) error.textContent = "";
        });
        if (state.remarks === sent.remarks) state.remarks = null;
        setRevision(result.data.revision);
      } else if (result.status === 409) {
        conflict = result.data;
        Object.keys(state.answers).forEach(function (code) {
          var saved = (result.data.answers || {})[code] || {};
          var box = itemOf(code) && itemOf(code).querySelector(".saved-version");
          if (box) box.textContent = status.dataset.savedByOther + " " + (saved.value || "—") + (saved.note ? " · " + saved.note : "");
        });
      } else if (result.status === 400) {
        invalid = true;
        var errors = result.data.errors || {};
        Object.keys(errors).forEach(function (code) {
          var error = itemOf(code) && itemOf(code).querySelector(".item-error");
          if (error) error.textContent = errors[code];
        });
      } else {
        schedule(10000);  // the server had a problem: keep the answers and try again later
      }
    }).catch(function () {
      schedule(10000);  // no connection: the answers stay on this device
    }).then(function () {
      inflight = false;
      persist();
      render();
    });
  }

  form.addEventListener("input", function (event) {
    var item = event.target.closest("[data-code]");
    if (item) state.answers[item.dataset.code] = readItem(item);
    else if (event.target.name === "remarks") state.remarks = event.target.value;
    else return;
    invalid = false;
    persist();
    render();
    schedule();
  });
  // A full save posts every answer itself; what it carried no longer waits here.
  form.addEventListener("submit", function (event) {
    if (!navigator.onLine) { event.preventDefault(); render(); return; }
    localStorage.removeItem(key);
  });
  document.getElementById("sign-form").addEventListener("submit", function (event) {
    if (!navigator.onLine) { event.preventDefault(); show("warning", status.dataset.offlineSubmit); return; }
    if (pendingCount() > 0 || inflight) { event.preventDefault(); flush(); var target = event.target; waitThenSubmit(target); }
  });
  function waitThenSubmit(target) {
    setTimeout(function () {
      if (inflight) return waitThenSubmit(target);
      if (pendingCount() === 0 && !conflict && !invalid) target.submit();
    }, 200);
  }
  // Photos carry the device's time of the file and, when asked, the position.
  document.querySelectorAll(".photo-form").forEach(function (photoForm) {
    photoForm.addEventListener("submit", function (event) {
      var input = document.querySelector('input[type=file][form="' + photoForm.id + '"]');
      if (!input || !input.files.length) { event.preventDefault(); return; }
      photoForm.querySelector("[name=taken_at]").value = new Date(input.files[0].lastModified).toISOString();
      var locate = document.getElementById("record-location");
      if (locate && locate.checked && navigator.geolocation && !photoForm.dataset.located) {
        event.preventDefault();
        navigator.geolocation.getCurrentPosition(function (position) {
          photoForm.querySelector("[name=latitude]").value = position.coords.latitude.toFixed(6);
          photoForm.querySelector("[name=longitude]").value = position.coords.longitude.toFixed(6);
          photoForm.dataset.located = "1";
          photoForm.requestSubmit();
        }, function () { photoForm.dataset.located = "1"; photoForm.requestSubmit(); }, { timeout: 8000 });
      }
    });
  });
  window.addEventListener("online", function () { flush(); });
  window.addEventListener("offline", render);
  setInterval(flush, 15000);

  // Answers typed earlier on this device and never saved come back into the form.
  if (pendingCount() > 0) {
    Object.keys(state.answers).forEach(function (code) {
      var item = itemOf(code);
      if (item) writeItem(item, state.answers[code]);
      else delete state.answers[code];
    });
    if (state.remarks !== null) document.getElementById("remarks").value = state.remarks;
    revision = state.base;
    flush();
  } else {
    setRevision(revision);
  }
  render();
})();
