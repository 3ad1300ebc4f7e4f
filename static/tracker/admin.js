// One-click review in the queue: publish or reject a row without reloading.
// Without this script the same buttons submit the list's form (which holds
// the CSRF token) to the same URLs and the page reloads.
"use strict";

(function () {
  function outcome(cell, text, isError, link) {
    const box = document.createElement("span");
    box.className = "review-outcome" + (isError ? " is-error" : "");
    box.textContent = text;
    if (link) {
      const a = document.createElement("a");
      a.href = link;
      a.textContent = " Public page";
      a.className = "review-public-link";
      box.append(a);
    }
    cell.replaceChildren(box);
  }

  document.addEventListener("click", async function (event) {
    const button = event.target.closest("button[data-review-decision]");
    if (!button || !button.form) {
      return;
    }
    event.preventDefault();
    const token = button.form.querySelector("input[name=csrfmiddlewaretoken]");
    const cell = button.closest(".review-decision") || button.parentElement;
    const row = button.closest("tr");
    cell.querySelectorAll("button").forEach((b) => { b.disabled = true; });
    try {
      const response = await fetch(button.formAction, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": token ? token.value : "", "Accept": "application/json" },
      });
      const type = response.headers.get("Content-Type") || "";
      if (!type.includes("application/json")) {
        outcome(cell, response.status === 403 ? "Not allowed." : "Failed (" + response.status + ").", true);
        return;
      }
      const data = await response.json();
      outcome(cell, data.ok ? (data.status === "published" ? "Published." : "Rejected.") : data.message, !data.ok, data.url);
      if (data.ok && row) {
        row.classList.add("review-done");
        const box = row.querySelector("input.action-select");
        if (box) {
          box.checked = false;
          box.disabled = true;
        }
      }
    } catch (error) {
      outcome(cell, "Network error: try again.", true);
      cell.querySelectorAll("button").forEach((b) => { b.disabled = false; });
    }
  });
})();
