/* Draw every chart on the page from its JSON data (rendered with json_script).
 *
 * The one script for all reader charts: no inline JS, no eval (CSP).
 * A point whose customdata starts with a site-relative URL opens it on click.
 */
(function () {
  "use strict";

  function localUrl(value) {
    // Only same-site paths: never "//host", "javascript:" or anything absolute.
    if (typeof value !== "string" || value.charAt(0) !== "/" || value.charAt(1) === "/" || value.charAt(1) === "\\") {
      return null;
    }
    return value;
  }

  function pointUrl(point) {
    var data = point && point.customdata;
    return localUrl(Array.isArray(data) ? data[0] : data);
  }

  function draw(element) {
    var source = document.getElementById(element.getAttribute("data-figure"));
    if (!source) {
      return;
    }
    var figure = JSON.parse(source.textContent);
    var config = Object.assign(
      {
        responsive: true,
        displaylogo: false,
        scrollZoom: false,
        topojsonURL: document.body.getAttribute("data-topojson-url"),
        modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d"],
        toImageButtonOptions: { format: "png", scale: 2 }
      },
      figure.config || {}
    );
    element.textContent = "";
    window.Plotly.newPlot(element, figure.data, figure.layout, config).then(function (plot) {
      plot.on("plotly_click", function (event) {
        var url = event && event.points && event.points.length ? pointUrl(event.points[0]) : null;
        if (url) {
          window.location.assign(url);
        }
      });
      plot.on("plotly_hover", function (event) {
        plot.style.cursor = event && event.points && pointUrl(event.points[0]) ? "pointer" : "";
      });
      plot.on("plotly_unhover", function () {
        plot.style.cursor = "";
      });
      element.classList.add("is-drawn");
    });
  }

  function drawAll() {
    if (!window.Plotly) {
      return;
    }
    Array.prototype.forEach.call(document.querySelectorAll(".js-chart"), draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
