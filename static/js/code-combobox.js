// The code field as an ARIA 1.2 combobox (editable, list autocomplete): typing a code or words
// asks the catalog search for matching codes and lists them below the field.
// Keys: Down/Up move through the list (Down opens it), Enter picks the highlighted code,
// Escape closes the list (a second Escape clears the field). Without JavaScript the field stays
// a plain text input, and words typed in it get a message listing the matching codes.
(function () {
  "use strict";
  var counter = 0;

  function setUp(input, searchUrl) {
    if (input.dataset.combobox) return;
    input.dataset.combobox = "on";
    counter += 1;
    var listId = "code-options-" + counter;
    input.removeAttribute("list"); // the native datalist would open a second popup
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);

    var list = document.createElement("ul");
    list.id = listId;
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Matching codes");
    list.className = "dropdown-menu code-combobox-list";
    list.hidden = true;
    var status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    input.parentNode.classList.add("position-relative");
    input.insertAdjacentElement("afterend", list);
    list.insertAdjacentElement("afterend", status);

    var options = [];
    var active = -1;
    var timer = null;
    var asked = "";

    function open() {
      if (!options.length) return;
      list.style.top = input.offsetTop + input.offsetHeight + "px";
      list.hidden = false;
      list.classList.add("show");
      input.setAttribute("aria-expanded", "true");
    }
    function close() {
      list.hidden = true;
      list.classList.remove("show");
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      setActive(-1);
    }
    function setActive(index) {
      active = index;
      options.forEach(function (option, i) {
        var on = i === index;
        option.setAttribute("aria-selected", on ? "true" : "false");
        option.classList.toggle("active", on);
        if (on) {
          input.setAttribute("aria-activedescendant", option.id);
          option.scrollIntoView({ block: "nearest" });
        }
      });
      if (index < 0) input.removeAttribute("aria-activedescendant");
    }
    function pick(index) {
      var option = options[index];
      if (!option) return;
      input.value = option.dataset.code;
      close();
      input.dispatchEvent(new Event("change", { bubbles: true })); // saves the draft
    }
    function show(codes) {
      list.textContent = "";
      options = codes.map(function (found, i) {
        var option = document.createElement("li");
        option.id = listId + "-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.className = "dropdown-item text-wrap";
        option.dataset.code = found.code;
        var code = document.createElement("strong");
        code.textContent = found.code;
        option.appendChild(code);
        option.appendChild(document.createTextNode(" " + found.descriptor));
        option.addEventListener("mousedown", function (event) {
          event.preventDefault(); // keep focus in the field
        });
        option.addEventListener("click", function () {
          pick(i);
        });
        list.appendChild(option);
        return option;
      });
      active = -1;
      status.textContent = codes.length
        ? codes.length + (codes.length === 1 ? " code matches" : " codes match") +
          ". Use the down arrow to choose."
        : "No code matches.";
      if (options.length) open();
      else close();
    }
    function search() {
      var query = input.value.trim();
      if (!query) {
        show([]);
        status.textContent = "";
        return;
      }
      asked = query;
      var url = searchUrl + "?format=json&q=" + encodeURIComponent(query);
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          return response.ok ? response.json() : { codes: [] };
        })
        .then(function (data) {
          if (asked === query && document.activeElement === input) show(data.codes || []);
        })
        .catch(function () {});
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(search, 200);
    });
    input.addEventListener("keydown", function (event) {
      var expanded = input.getAttribute("aria-expanded") === "true";
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (!expanded) {
          if (options.length) open();
          else search();
          if (event.altKey) return;
        }
        if (options.length) setActive((active + 1) % options.length);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        if (!expanded && options.length) open();
        if (options.length) setActive(active <= 0 ? options.length - 1 : active - 1);
      } else if (event.key === "Enter") {
        if (expanded && active >= 0) {
          event.preventDefault(); // pick the code, do not submit the answer
          pick(active);
        }
      } else if (event.key === "Escape") {
        if (expanded) {
          event.preventDefault();
          close();
        } else if (input.value) {
          event.preventDefault();
          input.value = "";
        }
      }
    });
    input.addEventListener("blur", function () {
      setTimeout(close, 150);
    });
  }

  function setUpAll(root) {
    var builder = document.getElementById("builder");
    if (!builder || !builder.dataset.codeSearch) return;
    (root || builder).querySelectorAll("input[name$='-code']").forEach(function (input) {
      if (builder.contains(input)) setUp(input, builder.dataset.codeSearch);
    });
  }

  setUpAll(document);
  document.body.addEventListener("htmx:load", function (event) {
    setUpAll(event.detail.elt);
  });
})();
