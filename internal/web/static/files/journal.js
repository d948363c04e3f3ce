// The journal keeps a draft of what the client types: in this tab's
// session storage at every keystroke (so a reload or a dropped connection
// loses nothing), and on the server a moment after typing stops (so a
// sign-out, or another device, finds it again). Session storage is cleared
// when the tab closes, so nothing private stays on a shared device. A page
// may hold several such forms (a workbook chapter has one per prompt), each
// with its own draft. The page works without this script: each form saves.
(function () {
  "use strict";
  if (!window.fetch) {
    return;
  }
  var forms = document.querySelectorAll("form[data-draft-url]");
  for (var i = 0; i < forms.length; i++) {
    keepDrafts(forms[i]);
  }

  function keepDrafts(form) {
    var text = form.querySelector("textarea");
    var status = form.querySelector("[aria-live]");
    var key = form.getAttribute("data-draft-key");
    var url = form.getAttribute("data-draft-url");
    var store = "doorway-draft:" + key;
    var sent = text.value;
    var timer = null;

    try {
      var kept = window.sessionStorage.getItem(store);
      if (kept !== null && kept !== text.value) {
        text.value = kept;
        say("Your unsaved words from before are back.");
      }
    } catch (e) {}

    function say(msg) {
      if (status) {
        status.textContent = msg;
      }
    }

    function send() {
      timer = null;
      var body = text.value;
      if (body === sent) {
        return;
      }
      var data = new URLSearchParams();
      data.set("draft", key);
      data.set("body", body);
      fetch(url, { method: "POST", body: data, credentials: "same-origin" }).then(function (r) {
        if (r.ok) {
          sent = body;
          say("Draft kept.");
        } else {
          say("Not able to keep the draft just now; your words are still here.");
        }
      }, function () {
        say("You seem to be offline; your words are kept in this tab and will be sent when you are back.");
        timer = setTimeout(send, 5000);
      });
    }

    text.addEventListener("input", function () {
      try {
        window.sessionStorage.setItem(store, text.value);
      } catch (e) {}
      if (timer) {
        clearTimeout(timer);
      }
      timer = setTimeout(send, 1500);
    });
    window.addEventListener("online", send);
    form.addEventListener("submit", function () {
      try {
        window.sessionStorage.removeItem(store);
      } catch (e) {}
    });
  }
})();
