// Copy buttons: <button data-copy-target="#code" data-copy-status="status-id" hidden>.
// Without JavaScript the buttons stay hidden and the code is plain, selectable text.
(function () {
  "use strict";

  function reveal() {
    document.querySelectorAll("button[data-copy-target][hidden]").forEach(function (button) {
      button.hidden = false;
    });
  }

  function selectText(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-copy-target]");
    if (!button) return;
    var source = document.querySelector(button.dataset.copyTarget);
    var status = document.getElementById(button.dataset.copyStatus);
    if (!source || !status) return;
    var text = source.textContent.trim();
    var copied = navigator.clipboard && window.isSecureContext
      ? navigator.clipboard.writeText(text)
      : Promise.reject(new Error("no clipboard"));
    copied.then(
      function () { status.textContent = "Copied " + text + " to the clipboard."; },
      function () {
        selectText(source);
        status.textContent = "Could not copy: the code is selected, press Ctrl+C (or Cmd+C).";
      }
    );
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", reveal);
  } else {
    reveal();
  }
  // A new invite code arrives by htmx: show its button too.
  document.addEventListener("htmx:afterSettle", reveal);
})();
