/**
 * The inline script of the HTML report (browser code, ES5-compatible, no network): reads the chart data from
 * `<script type="application/json" id="report-data">`, draws the charts with the inlined Chart.js and records each
 * chart in `window.reportCharts`. It sets `data-charts="ready"` on `<html>` when done, or `data-charts="error"` (and
 * shows the message in `#chart-error`) when Chart.js is missing or a chart fails. Animations are off so the page
 * prints and screenshots as drawn.
 */
export const REPORT_CHART_SCRIPT = `(function () {
  'use strict';
  var root = document.documentElement;
  function fail(message) {
    root.setAttribute('data-charts', 'error');
    var box = document.getElementById('chart-error');
    if (box) { box.textContent = message; box.hidden = false; }
  }
  try {
    var data = JSON.parse(document.getElementById('report-data').textContent);
    if (typeof Chart === 'undefined') { fail('Charts could not be drawn: Chart.js is missing from this file.'); return; }
    window.reportCharts = [];
    Chart.defaults.animation = false;
    Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
    Chart.defaults.color = '#333';
    Chart.defaults.maintainAspectRatio = false;
    function draw(id, config) {
      var canvas = document.getElementById(id);
      if (!canvas) return;
      window.reportCharts.push(new Chart(canvas, config));
    }
    if (data.intensity) {
      draw('chart-intensity', {
        type: 'line',
        data: {
          labels: data.intensity.labels,
          datasets: data.intensity.datasets.map(function (d) {
            return { label: d.label, data: d.data, borderColor: d.color, backgroundColor: d.color,
              borderWidth: 2, pointRadius: d.data.filter(function (v) { return v !== null; }).length > 72 ? 0 : 2.5,
              spanGaps: true, tension: 0 };
          })
        },
        options: {
          interaction: { mode: 'index', intersect: false },
          scales: {
            x: { ticks: { maxTicksLimit: 12, maxRotation: 0, autoSkip: true } },
            y: { beginAtZero: true, title: { display: true, text: 'gCO\\u2082e/kWh' } }
          },
          plugins: { legend: { position: 'bottom' } }
        }
      });
    }
    if (data.destinations) {
      draw('chart-destinations', {
        type: 'bar',
        data: {
          labels: data.destinations.labels,
          datasets: data.destinations.datasets.map(function (d) {
            return { label: d.label, data: d.data, backgroundColor: d.color };
          })
        },
        options: {
          indexAxis: 'y',
          scales: { x: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: 'jobs' } } },
          plugins: { legend: { position: 'bottom' } }
        }
      });
    }
    if (document.getElementById('chart-actions')) draw('chart-actions', {
      type: 'bar',
      data: {
        labels: data.actions.labels,
        datasets: [
          { label: 'Starts', data: data.actions.starts, backgroundColor: '#009E73' },
          { label: 'Stops', data: data.actions.stops, backgroundColor: '#D55E00' }
        ]
      },
      options: {
        scales: { x: { ticks: { maxRotation: 0, autoSkip: true } },
          y: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: 'actions' } } },
        plugins: { legend: { position: 'bottom' } }
      }
    });
    draw('chart-savings', {
      type: 'bar',
      data: {
        labels: data.savings.labels,
        datasets: [
          { type: 'line', label: 'Cumulative USD saved', data: data.savings.cumulativeUsd, borderColor: '#0072B2',
            backgroundColor: '#0072B2', yAxisID: 'usd', borderWidth: 2, pointRadius: 2 },
          { type: 'line', label: 'Cumulative kg CO\\u2082e avoided and saved', data: data.savings.cumulativeKgCO2e,
            borderColor: '#009E73', backgroundColor: '#009E73', yAxisID: 'kg', borderWidth: 2, pointRadius: 2 },
          { type: 'bar', label: 'USD saved that day', data: data.savings.dailyUsd, backgroundColor: 'rgba(86, 180, 233, 0.6)',
            yAxisID: 'usd' }
        ]
      },
      options: {
        interaction: { mode: 'index', intersect: false },
        scales: {
          x: { ticks: { maxRotation: 0, autoSkip: true } },
          usd: { type: 'linear', position: 'left', beginAtZero: true, title: { display: true, text: 'USD' } },
          kg: { type: 'linear', position: 'right', beginAtZero: true, grid: { drawOnChartArea: false },
            title: { display: true, text: 'kg CO\\u2082e' } }
        },
        plugins: { legend: { position: 'bottom' } }
      }
    });
    window.addEventListener('beforeprint', function () {
      var details = document.querySelectorAll('details');
      for (var i = 0; i < details.length; i += 1) details[i].open = true;
    });
    root.setAttribute('data-charts', 'ready');
  } catch (error) {
    fail('Charts could not be drawn: ' + (error && error.message ? error.message : String(error)));
  }
})();
`;
