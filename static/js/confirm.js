// Ask before a graded or destructive action, in a <dialog>.
//
// A form (or one of its submit buttons) with data-confirm="question" opens the dialog instead
// of submitting; data-confirm-detail and data-confirm-button word it. Confirming sends the form
// with confirm=yes, so the server does it at once; without this script the form arrives with
// confirm=ask and the server shows the same question as a page (clinic_coder/confirming.py).
(function () {
  "use strict";

  let dialog = null;

  function buildDialog() {
    dialog = document.createElement("dialog");
    dialog.id = "confirm-dialog";
    dialog.className = "confirm-dialog";
    dialog.setAttribute("aria-labelledby", "confirm-dialog-title");
    dialog.setAttribute("aria-describedby", "confirm-dialog-detail");
    dialog.innerHTML =
      '<form method="dialog">' +
      '<h2 class="h5" id="confirm-dialog-title"></h2>' +
      '<p id="confirm-dialog-detail"></p>' +
      '<div class="d-flex gap-2 justify-content-end">' +
      '<button type="submit" value="cancel" class="btn btn-outline-secondary" id="confirm-dialog-cancel">Cancel</button>' +
      '<button type="submit" value="confirm" class="btn btn-danger" id="confirm-dialog-confirm"></button>' +
      "</div></form>";
    document.body.appendChild(dialog);
    return dialog;
  }

  function ask(source, onConfirm, returnFocus) {
    const box = dialog || buildDialog();
    box.querySelector("#confirm-dialog-title").textContent = source.dataset.confirm;
    box.querySelector("#confirm-dialog-detail").textContent = source.dataset.confirmDetail || "";
    box.querySelector("#confirm-dialog-confirm").textContent =
      source.dataset.confirmButton || "Confirm";
    box.returnValue = "";
    box.addEventListener(
      "close",
      function () {
        if (box.returnValue === "confirm") {
          onConfirm();
        } else if (returnFocus && document.contains(returnFocus)) {
          returnFocus.focus();
        }
      },
      { once: true }
    );
    box.showModal();
    // The least harmful choice first: Enter on a key press too many cancels.
    box.querySelector("#confirm-dialog-cancel").focus();
  }

  function setConfirm(form, value) {
    const field = form.querySelector('input[name="confirm"]');
    if (field) field.value = value;
  }

  // Capture phase: this runs before htmx's own submit handler, and stops it until confirmed.
  document.addEventListener(
    "submit",
    function (event) {
      const form = event.target;
      if (!(form instanceof HTMLFormElement) || form.method === "dialog") return;
      const submitter = event.submitter;
      const source =
        submitter && submitter.dataset.confirm !== undefined
          ? submitter
          : form.dataset.confirm !== undefined &&
              !(submitter && submitter.hasAttribute("formaction"))
            ? form
            : null;
      if (!source) return;
      if (form.dataset.confirmed === "yes") {
        delete form.dataset.confirmed;
        return;
      }
      event.preventDefault();
      event.stopPropagation();
      ask(
        source,
        function () {
          form.dataset.confirmed = "yes";
          setConfirm(form, "yes");
          if (submitter) form.requestSubmit(submitter);
          else form.requestSubmit();
          setConfirm(form, "ask");
        },
        submitter || document.activeElement
      );
    },
    true
  );
})();
