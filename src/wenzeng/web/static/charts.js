// Draws every chart of a page: <div class="chart" data-spec="ID"> with its Plotly JSON in
// <script type="application/json" id="ID">. Tooltips and zoom come with plotly.js.
document.addEventListener("DOMContentLoaded", () => {
  for (const div of document.querySelectorAll("div.chart[data-spec]")) {
    const spec = JSON.parse(document.getElementById(div.dataset.spec).textContent);
    Plotly.newPlot(div, spec.data, spec.layout, { responsive: true, displaylogo: false });
  }
});
