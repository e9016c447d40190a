// Drag and drop for an ordered list: <ol id="set-order" data-reorder-url="...">, one <li> per
// case with data-case-id. Each drop posts the whole order; the "Move up"/"Move down" forms
// stay the keyboard (and no-JavaScript) way to do the same.
(function () {
  "use strict";

  var list = document.getElementById("set-order");
  if (!list) return;
  var status = document.getElementById("order-status");
  var token = document.querySelector("input[name=csrfmiddlewaretoken]").value;
  var dragged = null;

  function items() {
    return Array.prototype.slice.call(list.querySelectorAll("li[data-case-id]"));
  }

  function refreshButtons() {
    var all = items();
    all.forEach(function (item, index) {
      item.querySelector("button[value=up]").disabled = index === 0;
      item.querySelector("button[value=down]").disabled = index === all.length - 1;
    });
  }

  function save(title) {
    var body = new URLSearchParams();
    body.append("csrfmiddlewaretoken", token);
    items().forEach(function (item) { body.append("order", item.dataset.caseId); });
    status.textContent = "Saving the new order...";
    fetch(list.dataset.reorderUrl, {
      method: "POST",
      body: body,
      headers: { "X-Requested-With": "fetch", "X-CSRFToken": token },
      credentials: "same-origin",
    }).then(function (response) {
      var position = items().findIndex(function (i) { return i.dataset.title === title; }) + 1;
      status.textContent = response.ok
        ? "Saved: " + title + " is now number " + position + "."
        : "Not saved: reload the page and try again.";
    }, function () {
      status.textContent = "Not saved: reload the page and try again.";
    });
  }

  items().forEach(function (item) {
    item.draggable = true;
    item.querySelector(".drag-handle").hidden = false;
  });

  list.addEventListener("dragstart", function (event) {
    dragged = event.target.closest("li[data-case-id]");
    if (!dragged) return;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged.dataset.caseId);
    dragged.classList.add("dragging");
  });

  list.addEventListener("dragover", function (event) {
    var over = event.target.closest("li[data-case-id]");
    if (!dragged || !over || over === dragged) return;
    event.preventDefault();
    var box = over.getBoundingClientRect();
    var after = event.clientY > box.top + box.height / 2;
    list.insertBefore(dragged, after ? over.nextSibling : over);
  });

  list.addEventListener("drop", function (event) {
    if (dragged) event.preventDefault();
  });

  list.addEventListener("dragend", function () {
    if (!dragged) return;
    dragged.classList.remove("dragging");
    var title = dragged.dataset.title;
    dragged = null;
    refreshButtons();
    save(title);
  });
})();
