// Time left before each running report limit, updated every second.
(function () {
  function tick() {
    document.querySelectorAll("[data-countdown]").forEach(function (el) {
      var left = Math.floor((new Date(el.dataset.countdown) - new Date()) / 1000);
      var badge = el.querySelector(".countdown");
      if (!badge) return;
      if (left <= 0) {
        badge.className = "badge text-bg-danger countdown";
        badge.textContent = "0:00";
        return;
      }
      var m = Math.floor(left / 60), s = left % 60;
      badge.textContent = m + ":" + (s < 10 ? "0" : "") + s;
    });
  }
  tick();
  setInterval(tick, 1000);
})();
