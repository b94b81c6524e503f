// Draws the charts of templates/core/_chart.html with Apache ECharts (static/vendor/echarts).
// Each <div data-chart="ID"> names the <script type="application/json" id="ID"> that
// Django's json_script wrote: categories, series and their translated names. Nothing is
// evaluated; the Content-Security-Policy allows no inline script. The table beside each
// chart holds the same numbers and is what prints.
(function () {
  "use strict";
  if (!window.echarts) {
    return;
  }
  var drawn = [];

  function suffixed(suffix) {
    return function (value) {
      return value === null || value === undefined ? "—" : value + (suffix || "");
    };
  }

  function pieOption(spec) {
    var series = spec.series[0];
    return {
      animation: false,
      tooltip: { trigger: "item", valueFormatter: suffixed(series.suffix) },
      legend: { bottom: 0, type: "scroll" },
      series: [
        {
          name: series.name,
          type: "pie",
          radius: ["35%", "65%"],
          center: ["50%", "45%"],
          label: { formatter: "{b}: {c}" },
          data: spec.categories.map(function (category, i) {
            return { name: category, value: series.data[i] };
          }),
        },
      ],
    };
  }

  function axesOption(spec, width) {
    var names = spec.axes.length ? spec.axes : [""];
    var values = names.map(function (name, i) {
      var axis = { type: "value", name: name, nameTextStyle: { align: "center" } };
      var percent = spec.series.some(function (s) {
        return Math.min(s.axis, names.length - 1) === i && s.suffix === "%";
      });
      if (percent) {
        axis.max = 100; // a rate reads against the whole
      } else {
        axis.minInterval = 1; // counts: no half hazards
      }
      if (i > 0) {
        axis.position = spec.horizontal ? "top" : "right";
        axis.splitLine = { show: false };
      }
      return axis;
    });
    var category = {
      type: "category",
      data: spec.categories,
      axisLabel: spec.horizontal
        ? { width: width < 500 ? 84 : 180, overflow: "truncate", interval: 0 }
        : { hideOverlap: true },
    };
    if (spec.horizontal) {
      category.inverse = true; // the first category on top, as in the table
    }
    var series = spec.series.map(function (s) {
      var one = {
        name: s.name,
        type: s.kind,
        data: s.data,
        tooltip: { valueFormatter: suffixed(s.suffix) },
      };
      if (s.stack) {
        one.stack = s.stack;
      }
      one[spec.horizontal ? "xAxisIndex" : "yAxisIndex"] = Math.min(s.axis, values.length - 1);
      return one;
    });
    return {
      animation: false,
      tooltip: { trigger: "axis", confine: true },
      legend: { top: 0, type: "scroll" },
      grid: { left: 8, right: 16, top: spec.horizontal && values.length > 1 ? 64 : 40, bottom: 8 },
      xAxis: spec.horizontal ? values : category,
      yAxis: spec.horizontal ? category : values,
      series: series,
    };
  }

  function draw(element) {
    if (element.getAttribute("data-chart-drawn")) {
      return;
    }
    var source = document.getElementById(element.getAttribute("data-chart"));
    if (!source) {
      return;
    }
    var spec = JSON.parse(source.textContent);
    var chart = window.echarts.init(element, null, { renderer: "svg" });
    var isPie = spec.series.length && spec.series[0].kind === "pie";
    chart.setOption(isPie ? pieOption(spec) : axesOption(spec, element.clientWidth));
    element.setAttribute("data-chart-drawn", "1");
    drawn.push(chart);
    if (window.ResizeObserver) {
      new ResizeObserver(function () {
        chart.resize();
      }).observe(element);
    }
  }

  function drawAll(root) {
    Array.prototype.forEach.call(root.querySelectorAll("[data-chart]"), draw);
  }

  drawAll(document);
  // Charts htmx swaps in are drawn too.
  document.addEventListener("htmx:afterSettle", function (event) {
    drawAll(event.target);
  });

  // On paper the tables stand in for the charts (static/css/safetyzone.css hides the
  // charts): open them for printing, and close again the ones that were closed.
  var closed = [];
  window.addEventListener("beforeprint", function () {
    closed = Array.prototype.filter.call(
      document.querySelectorAll("details.chart-table"),
      function (details) {
        return !details.open;
      },
    );
    closed.forEach(function (details) {
      details.open = true;
    });
  });
  window.addEventListener("afterprint", function () {
    closed.forEach(function (details) {
      details.open = false;
    });
    closed = [];
  });
})();
