/* Live Q6 check of a sampling plan while typing: marks lines below their minimum before
   anything is saved. The messages come translated in the #live-check element's data. */
(function () {
  "use strict";
  var grid = document.getElementById("plan-grid");
  var out = document.getElementById("live-check");
  var data = document.getElementById("q3-data");
  if (!grid || !out || !data) return;
  var q3 = JSON.parse(data.textContent);
  function check() {
    var inputs = grid.querySelectorAll("input[type=number]");
    var short = 0, sampled = 0;
    inputs.forEach(function (input) {
      var value = parseInt(input.value || "0", 10);
      if (value >= 1) sampled += 1;
      var min = input.dataset.minimum;
      var low = min !== "" && (isNaN(value) || value < parseInt(min, 10));
      input.classList.toggle("is-invalid", low);
      if (low) short += 1;
    });
    out.textContent = q3
      ? out.dataset.farms + " " + (q3.elsewhere + sampled) + " / " + q3.need
      : out.dataset.below + " " + short;
  }
  grid.addEventListener("input", check);
  check();
})();
