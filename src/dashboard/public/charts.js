/*
 * ppmat charts: the radar of the nine areas and the trends over time, on Chart.js 4.
 *
 * A classic script (not a module) that needs window.Chart, so the offline HTML report can
 * inline it as is. It defines window.ppmatCharts = { radar, levelTrends, adoptionTrends };
 * each draws on a canvas (destroying the chart already there) and returns the Chart.
 *
 * Colours are the Okabe-Ito palette (safe for the common colour-vision deficiencies), and
 * every series also differs by point shape and line dash, with its name in the legend, so
 * nothing is told by colour alone. Under prefers-reduced-motion nothing animates. The x axis
 * of the trends is linear over timestamps, formatted here, so no date adapter is needed.
 */
/* global Chart */
(function () {
  'use strict';

  var PALETTE = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#000000', '#8C7A00', '#6E6E6E'];
  var SHAPES = ['circle', 'rect', 'triangle', 'rectRot', 'star', 'crossRot', 'rectRounded', 'cross', 'circle'];
  var DASHES = [[], [6, 3], [2, 3], [10, 3, 2, 3], [], [6, 3], [2, 3], [10, 3, 2, 3], [1, 4]];
  var TEXT = '#1f2328';
  var GRID = 'rgba(31, 35, 40, 0.15)';

  function reducedMotion() {
    return typeof window.matchMedia === 'function' && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  }

  function alpha(hex, a) {
    var n = parseInt(hex.slice(1), 16);
    return 'rgba(' + ((n >> 16) & 255) + ', ' + ((n >> 8) & 255) + ', ' + (n & 255) + ', ' + a + ')';
  }

  function fresh(canvas) {
    var existing = Chart.getChart(canvas);
    if (existing) existing.destroy();
  }

  function baseOptions() {
    return {
      responsive: true,
      maintainAspectRatio: false,
      animation: reducedMotion() ? false : { duration: 250 },
      color: TEXT,
      plugins: {
        legend: { position: 'bottom', labels: { usePointStyle: true, color: TEXT, boxWidth: 10, padding: 12 } },
        tooltip: { usePointStyle: true },
      },
    };
  }

  function pad(n) {
    return n < 10 ? '0' + n : String(n);
  }

  var MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

  var DAY_MS = 86400000;

  function dayOf(d) {
    return d.getDate() + ' ' + MONTHS[d.getMonth()] + ' ' + d.getFullYear();
  }

  /** The time of day, with seconds when the axis spans under two minutes (two scans in a row). */
  function clockOf(d, span) {
    var time = pad(d.getHours()) + ':' + pad(d.getMinutes());
    return span < 120000 ? time + ':' + pad(d.getSeconds()) : time;
  }

  /** A timestamp as a date, with the time of day when the axis spans less than two days. */
  function formatTime(ms, span) {
    var d = new Date(ms);
    return span >= 2 * DAY_MS ? dayOf(d) : dayOf(d) + ' ' + clockOf(d, span);
  }

  function timeAxis() {
    return {
      type: 'linear',
      grid: { color: GRID },
      ticks: {
        color: TEXT,
        maxRotation: 0,
        autoSkip: true,
        maxTicksLimit: 6,
        // Within two days the date is said once, on the first tick; the others give the time.
        callback: function (value, index) {
          var span = this.max - this.min;
          return index === 0 || span >= 2 * DAY_MS ? formatTime(value, span) : clockOf(new Date(value), span);
        },
      },
    };
  }

  function timeTooltipTitle(items) {
    if (!items.length) return '';
    var scale = items[0].chart.scales.x;
    return formatTime(items[0].parsed.x, scale ? scale.max - scale.min : 0);
  }

  function lineDataset(name, index, points) {
    var colour = PALETTE[index % PALETTE.length];
    return {
      label: name,
      data: points,
      borderColor: colour,
      backgroundColor: colour,
      borderDash: DASHES[index % DASHES.length],
      borderWidth: 2,
      pointStyle: SHAPES[index % SHAPES.length],
      pointRadius: 4,
      pointHoverRadius: 6,
      tension: 0,
      spanGaps: true,
    };
  }

  function byTime(a, b) {
    return a.x - b.x;
  }

  /**
   * The nine areas on a 0-500 radar: the current level, the upper end of its range (if every
   * unknown or indicated statement turned out met) and the target (dashed; gaps where none).
   */
  function radar(canvas, input) {
    fresh(canvas);
    var areas = (input && input.areas) || [];
    var options = baseOptions();
    options.scales = {
      r: {
        min: 0,
        max: 500,
        beginAtZero: true,
        ticks: { stepSize: 100, color: TEXT, backdropColor: 'rgba(255, 255, 255, 0.8)', showLabelBackdrop: true, z: 1 },
        grid: { color: GRID },
        angleLines: { color: GRID },
        pointLabels: { color: TEXT, font: { size: 12 } },
      },
    };
    options.plugins.tooltip.callbacks = {
      label: function (item) {
        return item.dataset.label + ': ' + (item.raw === null ? 'none' : item.raw);
      },
    };
    return new Chart(canvas, {
      type: 'radar',
      data: {
        labels: areas.map(function (a) {
          return a.name;
        }),
        datasets: [
          {
            label: 'Current level',
            data: areas.map(function (a) {
              return a.level;
            }),
            borderColor: PALETTE[0],
            backgroundColor: alpha(PALETTE[0], 0.2),
            pointBackgroundColor: PALETTE[0],
            pointStyle: 'circle',
            pointRadius: 4,
            borderWidth: 2,
            fill: true,
          },
          {
            label: 'Upper end of range',
            data: areas.map(function (a) {
              return a.maxLevel;
            }),
            borderColor: PALETTE[1],
            backgroundColor: PALETTE[1],
            pointStyle: 'triangle',
            pointRadius: 5,
            borderDash: [2, 3],
            borderWidth: 2,
            fill: false,
          },
          {
            label: 'Target',
            data: areas.map(function (a) {
              return a.target === null || a.target === undefined ? null : a.target;
            }),
            borderColor: PALETTE[6],
            backgroundColor: PALETTE[6],
            pointStyle: 'rectRot',
            pointRadius: 5,
            borderDash: [8, 4],
            borderWidth: 2,
            fill: false,
            spanGaps: true,
          },
        ],
      },
      options: options,
    });
  }

  function trends(canvas, lines, yOptions, unit) {
    fresh(canvas);
    var options = baseOptions();
    options.interaction = { mode: 'nearest', intersect: false };
    options.scales = { x: timeAxis(), y: yOptions };
    options.plugins.tooltip.callbacks = {
      title: timeTooltipTitle,
      label: function (item) {
        return item.dataset.label + ': ' + item.parsed.y + (unit || '');
      },
    };
    return new Chart(canvas, {
      type: 'line',
      data: {
        datasets: lines.map(function (line, i) {
          return lineDataset(line.name, i, line.points.slice().sort(byTime));
        }),
      },
      options: options,
    });
  }

  function toPoint(at, y) {
    var x = Date.parse(at);
    return isNaN(x) || y === null || y === undefined ? null : { x: x, y: y };
  }

  function notNull(p) {
    return p !== null;
  }

  /** Each series' points with `field` as y, dropping the points that have no value. */
  function linesOf(input, field) {
    var series = (input && input.series) || [];
    return series.map(function (s) {
      return {
        name: s.name,
        points: s.points
          .map(function (p) {
            return toPoint(p.at, p[field]);
          })
          .filter(notNull),
      };
    });
  }

  /** The level of each area over time (100-500). */
  function levelTrends(canvas, input) {
    var lines = linesOf(input, 'level');
    var y = { min: 100, max: 500, ticks: { stepSize: 100, color: TEXT }, grid: { color: GRID }, title: { display: true, text: 'Level', color: TEXT } };
    return trends(canvas, lines, y, '');
  }

  /** Adoption counts over time (environments, makers, apps, flows, agents). */
  function adoptionTrends(canvas, input) {
    var lines = linesOf(input, 'value');
    var y = { beginAtZero: true, ticks: { precision: 0, color: TEXT }, grid: { color: GRID }, title: { display: true, text: 'Count', color: TEXT } };
    return trends(canvas, lines, y, '');
  }

  window.ppmatCharts = { radar: radar, levelTrends: levelTrends, adoptionTrends: adoptionTrends };
})();
