// The answer builder's keyboard care. After "Remove line" or "Add a line" htmx replaces the
// builder, and the button that had focus is gone: without this, focus falls to <body> and a
// keyboard or screen-reader user is thrown back to the top of the page.
(function () {
  "use strict";
  var pending = null;

  document.body.addEventListener("htmx:beforeRequest", function (event) {
    var button = event.detail.elt;
    if (!button || !button.closest || !button.closest("#builder")) return;
    if (button.name === "remove") pending = { action: "remove", index: Number(button.value) };
    else if (button.name === "action" && button.value === "add") pending = { action: "add" };
  });

  document.body.addEventListener("htmx:afterSettle", function () {
    if (!pending) return;
    var builder = document.getElementById("builder");
    var wanted = pending;
    pending = null;
    if (!builder) return;
    var lines = builder.querySelectorAll("fieldset.answer-line");
    var index = wanted.action === "add" ? lines.length - 1 : wanted.index;
    var line = lines[index];
    var target = line ? line.querySelector("input[name$='-code']") : null;
    (target || document.getElementById("add-line")).focus();
  });
})();
