// The live view of a medicine session refreshes its panel (open alerts, time
// since the dose, the timetable) every 10 seconds without a page reload.
// The joint view of a couple's session has one panel per partner, each
// refreshed from that partner's own record.
// The page works without this script: every form posts and comes back.
// It never replaces a panel while someone is typing an acknowledgement in
// it, and reloads the whole page when a session has moved on (discharged,
// stopped or signed elsewhere).
(function () {
  "use strict";
  var panels = document.querySelectorAll("section.live[data-live-url]");
  if (panels.length === 0 || !window.fetch) {
    return;
  }

  function typing(panel) {
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

  function refresh(panel) {
    if (document.hidden || typing(panel)) {
      return;
    }
    var url = panel.getAttribute("data-live-url");
    fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (res) {
        if (res.status === 204 || (res.ok && res.headers.get("X-Session-State") !== "dosed")) {
          window.location.reload();
          return null;
        }
        return res.ok ? res.text() : null;
      })
      .then(function (html) {
        if (html !== null && html !== undefined && !typing(panel)) {
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

  window.setInterval(function () {
    for (var i = 0; i < panels.length; i++) {
      refresh(panels[i]);
    }
  }, 10000);
})();
