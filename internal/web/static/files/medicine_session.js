// The live view of a medicine session refreshes its panel (open alerts, time
// since the dose, the timetable) every 10 seconds without a page reload.
// The page works without this script: every form posts and comes back.
// It never replaces the panel while someone is typing an acknowledgement,
// and reloads the whole page when the session has moved on (discharged,
// stopped or signed elsewhere).
(function () {
  "use strict";
  var panel = document.getElementById("live-panel");
  if (!panel || !window.fetch) {
    return;
  }
  var url = panel.getAttribute("data-live-url");

  function typing() {
    var active = document.activeElement;
    if (active && panel.contains(active) && (active.tagName === "TEXTAREA" || active.tagName === "INPUT")) {
      return true;
    }
    var fields = panel.querySelectorAll("textarea");
    for (var i = 0; i < fields.length; i++) {
      if (fields[i].value !== "") {
        return true;
      }
    }
    return false;
  }

  function refresh() {
    if (document.hidden || typing()) {
      return;
    }
    fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (res) {
        if (res.status === 204 || (res.ok && res.headers.get("X-Session-State") !== "dosed")) {
          window.location.reload();
          return null;
        }
        return res.ok ? res.text() : null;
      })
      .then(function (html) {
        if (html !== null && html !== undefined && !typing()) {
          var open = panel.querySelector("details.timetable");
          var wasOpen = open && open.open;
          panel.innerHTML = html;
          var again = panel.querySelector("details.timetable");
          if (again && wasOpen) {
            again.open = true;
          }
        }
      })
      .catch(function () {
        // A missed refresh is tried again on the next tick; the page
        // itself says when it was last brought up to date.
      });
  }

  window.setInterval(refresh, 10000);
})();
