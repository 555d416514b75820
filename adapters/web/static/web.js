// copbot's pages work without this script; it only enhances them.
(function () {
  "use strict";
  // Show times in the browser's own zone: tell the server once (a cookie), then the
  // form on the page switches it. A zone the visitor picked (tz in the URL) wins.
  var zone = null;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { zone = null; }
  var told = /(?:^|; )tz=/.test(document.cookie);
  var picked = /[?&]tz=/.test(location.search);
  // IANA names are letters, digits and / _ + -: safe in a cookie as they are
  if (zone && /^[A-Za-z0-9_\/+-]+$/.test(zone) && !told && !picked) {
    document.cookie = "tz=" + zone + "; path=/; max-age=31536000; SameSite=Lax";
    var once = "copbot-tz-reloaded";
    if (zone !== document.body.getAttribute("data-zone") && !sessionStorage.getItem(once)) {
      sessionStorage.setItem(once, "1");
      location.reload();
      return;
    }
  }

  // Live search of the repertoire: the same results the form gives, without a reload.
  var form = document.getElementById("search");
  var target = document.getElementById("repertoire");
  if (!form || !target || !window.fetch) { return; }
  var timer = null;
  var latest = 0;
  function run() {
    var params = new URLSearchParams(new FormData(form)).toString();
    var ticket = ++latest;
    fetch(form.getAttribute("data-partial") + "?" + params, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null || ticket !== latest) { return; }
        target.innerHTML = html;
        history.replaceState(null, "", "?" + params);
      })
      .catch(function () { /* the form still works by submitting */ });
  }
  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(run, 250);
  });
})();
