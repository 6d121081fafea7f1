/* caseapp's own small enhancements. Every page works without them; this file only adds:
 * 1. focus on the error summary (also done by designsystemet-web's <ds-error-summary>),
 * 2. a warning before leaving a form with unsaved changes,
 * 3. the session-timeout warning (WCAG 2.2.1) with one button to stay logged in,
 * 4. sorting of tables whose headers are marked data-sort,
 * 5. keyboard access to tables that scroll sideways on a phone.
 * A static file, so the strict Content-Security-Policy (script-src 'self') allows it. */
(function () {
  "use strict";

  /* 1. Error summary first. */
  function focusErrorSummary() {
    var summary = document.querySelector(".ds-error-summary");
    if (summary && document.activeElement !== summary) {
      summary.setAttribute("tabindex", "-1");
      summary.focus();
    }
  }

  /* 2. Unsaved changes: forms that change data (method post), not the header's. */
  var dirtyForms = new Set();

  function watchedForms() {
    return Array.prototype.filter.call(document.querySelectorAll("main form"), function (form) {
      return (form.getAttribute("method") || "get").toLowerCase() === "post" &&
        !form.hasAttribute("data-no-unsaved-warning");
    });
  }

  function watchForms() {
    watchedForms().forEach(function (form) {
      form.addEventListener("input", function () { dirtyForms.add(form); });
      form.addEventListener("change", function () { dirtyForms.add(form); });
      form.addEventListener("submit", function () { dirtyForms.clear(); });
    });
    window.addEventListener("beforeunload", function (event) {
      if (dirtyForms.size > 0) {
        event.preventDefault();
        event.returnValue = "";  // older browsers need a value to show their own warning
      }
    });
  }

  /* 3. Session timeout. The server ends a login session after data-idle-seconds without a
   * request; the dialog opens data-warning-seconds before that. */
  function sessionTimeout() {
    var dialog = document.getElementById("session-timeout");
    if (!dialog || typeof dialog.showModal !== "function") {
      return;
    }
    var idle = Number(dialog.getAttribute("data-idle-seconds")) * 1000;
    var warning = Number(dialog.getAttribute("data-warning-seconds")) * 1000;
    var warningPart = dialog.querySelector("[data-state=warning]");
    var expiredPart = dialog.querySelector("[data-state=expired]");
    var countdown = dialog.querySelector("[data-countdown-text]");
    var form = warningPart.querySelector("form");
    var deadline = 0;
    var timers = [];

    function clearTimers() {
      timers.forEach(function (timer) { clearTimeout(timer); clearInterval(timer); });
      timers = [];
    }

    function showCountdown() {
      var seconds = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      countdown.textContent = countdown.getAttribute("data-countdown-text").replace("%(seconds)s", seconds);
    }

    function warn() {
      warningPart.hidden = false;
      expiredPart.hidden = true;
      showCountdown();
      timers.push(setInterval(showCountdown, 1000));
      if (!dialog.open) {
        dialog.showModal();
      }
      warningPart.querySelector("button").focus();
    }

    function expire() {
      clearTimers();
      if (dirtyForms.size === 0) {
        document.getElementById(dialog.getAttribute("data-logout-form")).submit();
        return;
      }
      // Unsaved input stays on the page: say so instead of navigating away from it.
      warningPart.hidden = true;
      expiredPart.hidden = false;
      if (!dialog.open) {
        dialog.showModal();
      }
      expiredPart.querySelector("a").focus();
    }

    function start() {
      clearTimers();
      deadline = Date.now() + idle;
      timers.push(setTimeout(warn, Math.max(0, idle - warning)));
      timers.push(setTimeout(expire, idle));
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      fetch(form.action, {
        method: "POST", body: new FormData(form), credentials: "same-origin",
        headers: {"Accept": "application/json"}, redirect: "manual"
      }).then(function (response) {
        if (!response.ok) {
          throw new Error("not extended");
        }
        dialog.close();
        start();
      }).catch(function () {
        expire();
      });
    });
    expiredPart.querySelector("[data-close]").addEventListener("click", function () {
      dialog.close();
    });
    dialog.addEventListener("cancel", function (event) {
      // Escape closes the warning only; the timer keeps running.
      if (!expiredPart.hidden) {
        return;
      }
      event.preventDefault();
    });
    start();
  }

  /* 4. Sortable tables: <th data-sort> (add data-sort="number" for numbers, and data-value
   * on cells whose sort key differs from their text). The header gets a button; aria-sort
   * tells screen readers the order. */
  function sortableTables() {
    document.querySelectorAll("table").forEach(function (table) {
      var headers = table.querySelectorAll("thead th[data-sort]");
      headers.forEach(function (th) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "sort-button";
        while (th.firstChild) {
          button.appendChild(th.firstChild);
        }
        th.appendChild(button);
        th.setAttribute("aria-sort", th.getAttribute("aria-sort") || "none");
        button.addEventListener("click", function () {
          var ascending = th.getAttribute("aria-sort") !== "ascending";
          headers.forEach(function (other) { other.setAttribute("aria-sort", "none"); });
          th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
          sortBy(table, th.cellIndex, th.getAttribute("data-sort") === "number", ascending);
        });
      });
    });
  }

  function sortBy(table, index, numeric, ascending) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var key = function (row) {
      var cell = row.cells[index];
      var value = cell ? (cell.getAttribute("data-value") || cell.textContent.trim()) : "";
      return numeric ? Number(value.replace(/[^0-9,.-]/g, "").replace(",", ".")) || 0 : value;
    };
    rows.sort(function (a, b) {
      var x = key(a), y = key(b);
      var order = numeric ? x - y : String(x).localeCompare(String(y), document.documentElement.lang);
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }

  /* 5. A table wider than the screen scrolls inside its box; make the box reachable and
   * scrollable with the keyboard, named after the table's caption. */
  function scrollableTables() {
    document.querySelectorAll(".table-wrap").forEach(function (wrap) {
      if (wrap.scrollWidth > wrap.clientWidth) {
        var caption = wrap.querySelector("caption");
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", caption ? caption.textContent.trim() : document.title);
      }
    });
  }

  function init() {
    focusErrorSummary();
    scrollableTables();
    watchForms();
    sessionTimeout();
    sortableTables();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
}());
