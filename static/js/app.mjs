// Start GOV.UK Frontend components, and start them again inside anything htmx swaps in.
import { initAll } from "/static/vendor/govuk-frontend/govuk-frontend.min.js";

function onError(error) {
  // A component already started, or not supported here: the no-JS page still works.
  if (error && error.name !== "InitError") {
    console.error(error);
  }
}

initAll({ onError });

document.addEventListener("htmx:load", (event) => {
  const scope = event.target && event.target.parentElement;
  if (scope) {
    initAll({ scope, onError });
  }
});

// Focus the error summary after htmx swaps in a form with errors (as on a full page load).
document.addEventListener("htmx:afterSettle", (event) => {
  const summary = event.target.querySelector && event.target.querySelector(".govuk-error-summary");
  if (summary) {
    summary.focus();
  }
});

// After htmx swaps in a question's form, or the list after a save, focus the heading it marks
// (data-cp-focus) so keyboard and screen reader users carry on from there. A form with errors
// has its error summary focused instead (above).
document.addEventListener("htmx:afterSettle", (event) => {
  const scope = event.target;
  if (!scope || !scope.querySelector || scope.querySelector(".govuk-error-summary")) {
    return;
  }
  const marked = scope.matches("[data-cp-focus]") ? scope : scope.querySelector("[data-cp-focus]");
  if (marked) {
    marked.removeAttribute("data-cp-focus");
    marked.focus();
  }
});
