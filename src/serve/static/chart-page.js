// plandb serve — indicator page: one bar per plan's target, coloured and ordered by government level,
// with the parent plan's target marked as a dash. Data comes from the page's JSON block; Chart.js draws.
(() => {
  'use strict';
  const data = JSON.parse(document.getElementById('chart-data').textContent);
  const COLOURS = { national: '#7b3294', province: '#c2a5cf', city: '#1b7837', county: '#5aae61', other: '#999999' };
  const labels = data.points.map((p) => p.label);
  const datasets = data.levels.map((level) => ({
    type: 'bar',
    label: level,
    data: data.points.map((p) => (p.level === level ? p.value : null)),
    backgroundColor: COLOURS[level] || '#999999',
    skipNull: true,
    grouped: false,
  }));
  if (data.points.some((p) => p.parent)) {
    // a dash at the parent plan's value over each bar: a line dataset drawn as points only
    datasets.push({
      type: 'line',
      label: "parent plan's target",
      data: data.points.map((p) => (p.parent ? p.parent.value : null)),
      showLine: false,
      pointStyle: 'line',
      pointRadius: 18,
      pointHoverRadius: 20,
      pointBorderWidth: 3,
      borderColor: '#d7191c',
      backgroundColor: '#d7191c',
    });
  }
  const canvas = document.getElementById('chart');
  // eslint-disable-next-line no-undef
  const chart = new Chart(canvas, {
    data: { labels, datasets },
    options: {
      animation: false,
      maintainAspectRatio: false,
      scales: { y: { beginAtZero: true, title: { display: !!data.unit, text: data.unit } } },
      plugins: {
        tooltip: {
          callbacks: {
            label: (c) => {
              const p = data.points[c.dataIndex];
              return c.dataset.type === 'line' ? `parent: ${p.parent.label} ${p.parent.target}${p.parent.verdict ? ` (this plan: ${p.parent.verdict})` : ''}` : `${p.level}: ${p.target}${p.year ? ` (${p.year})` : ''}`;
            },
          },
        },
      },
    },
  });
  canvas.dataset.ready = String(chart.data.datasets.length);
})();
