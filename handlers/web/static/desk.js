// The web desk's keyboard shortcuts: j/k (or the arrows) pick a queue row, Enter opens it;
// on a card: n next submission, a approve (to the KPJ field), r reject (to the reasons, where
// Enter rejects with the reason picked). A waiting card opens with the KPJ field focused: a KPJ is
// digits only, so a letter typed there is still a shortcut.
(function () {
  "use strict";
  function typing(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }
  var selected = -1;
  function rows() { return document.querySelectorAll("#queue tbody tr"); }
  function select(index) {
    var all = rows();
    if (!all.length) { return; }
    selected = Math.max(0, Math.min(all.length - 1, index));
    all.forEach(function (row, i) { row.classList.toggle("selected", i === selected); });
    all[selected].scrollIntoView({ block: "nearest" });
  }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var target = event.target;
    if (target && target.id === "reason" && event.key === "Enter") {
      target.form.requestSubmit();
      event.preventDefault();
      return;
    }
    var letterInKpj = target && target.id === "kpj" && /^[a-z]$/.test(event.key);
    if (typing(target) && !letterInKpj) { return; }
    var key = event.key;
    if (rows().length) {
      if (key === "j" || key === "ArrowDown") { select(selected + 1); event.preventDefault(); return; }
      if (key === "k" || key === "ArrowUp") { select(selected - 1); event.preventDefault(); return; }
      if ((key === "Enter" || key === "o") && selected >= 0) {
        window.location.href = rows()[selected].getAttribute("data-href");
        return;
      }
    }
    var next = document.getElementById("next");
    if ((key === "n" || key === "j") && next) { window.location.href = next.getAttribute("href"); return; }
    var kpj = document.getElementById("kpj");
    if (key === "a" && kpj) { kpj.focus(); event.preventDefault(); return; }
    var reason = document.getElementById("reason");
    if (key === "r" && reason) { reason.focus(); event.preventDefault(); }
  });
  // The live count of the queue: asked every 30 s, only while the page is in view (a hidden tab
  // asks nothing); the request does not keep the session alive.
  function refreshCount() {
    var shown = document.getElementById("waiting");
    if (!shown || document.visibilityState !== "visible") { return; }
    fetch("/hitung", { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (answer) { return answer.ok ? answer.json() : null; })
      .then(function (data) {
        if (data) { shown.textContent = shown.getAttribute("data-template").replace("{count}", data.waiting); }
      })
      .catch(function () { /* the next round tries again */ });
  }
  document.addEventListener("visibilitychange", refreshCount);
  window.setInterval(refreshCount, 30000);
  document.addEventListener("DOMContentLoaded", function () {
    refreshCount();
    rows().forEach(function (row, i) {
      row.addEventListener("click", function () { select(i); });
    });
  });
})();
