/**
 * Hours per week by category, potential vs implemented, as a chart.js bar chart that follows the
 * shared `dashboard` signal (it redraws when a status change comes back from the server).
 *
 * Server render and first paint: a plain data table (all that a reader without JavaScript needs).
 * Once hydrated, the chart is drawn and the table moves into a "show the data" disclosure.
 * Only the bar controller, bar element, two scales, legend and tooltip are registered, so the
 * bundle stays small. Colours come from the page's CSS variables (light and dark).
 */
import type { Signal } from "@preact/signals";
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  Tooltip,
} from "chart.js";
import { useEffect, useRef, useState } from "preact/hooks";
import { fill, formatNumber, type ViewFormat } from "../lib/opportunities/dashboard_view.ts";
import type { DashboardJson } from "../lib/opportunities/service.ts";
import type { Category } from "../lib/opportunities/types.ts";

export interface ChartLabels {
  categories: Record<Category, string>;
  category: string;
  potential: string;
  implemented: string;
  axis: string;
  perWeek: string;
  summary: string;
  showTable: string;
}

interface Row {
  label: string;
  potential: number;
  implemented: number;
}

let registered = false;

function palette() {
  const css = getComputedStyle(document.documentElement);
  const read = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    potential: read("--chart-potential", "#99d5cf"),
    implemented: read("--accent", "#0f766e"),
    text: read("--muted", "#5b6474"),
    grid: read("--border", "#dde1e8"),
  };
}

function rowsOf(dashboard: DashboardJson, labels: ChartLabels): Row[] {
  return dashboard.opportunities.map((o) => ({
    label: labels.categories[o.category] ?? o.category,
    potential: o.hours_per_week,
    implemented: o.status === "IMPLEMENTED" ? o.hours_per_week : 0,
  }));
}

export function SavingsChart(
  { dashboard, format, labels }: {
    dashboard: Signal<DashboardJson>;
    format: ViewFormat;
    labels: ChartLabels;
  },
) {
  const [ready, setReady] = useState(false);
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<Chart<"bar"> | null>(null);
  const rows = rowsOf(dashboard.value, labels);
  const key = JSON.stringify(rows);
  const n = (value: number) => formatNumber(value, format.locale);
  const summary = rows.map((row) =>
    fill(labels.summary, {
      category: row.label,
      implemented: n(row.implemented),
      potential: n(row.potential),
    })
  ).join("; ");

  // Hydrated: show the canvas (drawn by the next effect, once it has a size).
  useEffect(() => {
    setReady(true);
    return () => {
      chart.current?.destroy();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    const el = canvas.current;
    if (!ready || !el) return;
    const colors = palette();
    const datasets = [
      {
        label: labels.potential,
        data: rows.map((r) => r.potential),
        backgroundColor: colors.potential,
        borderRadius: 4,
      },
      {
        label: labels.implemented,
        data: rows.map((r) => r.implemented),
        backgroundColor: colors.implemented,
        borderRadius: 4,
      },
    ];
    if (chart.current) {
      chart.current.data.labels = rows.map((r) => r.label);
      chart.current.data.datasets.forEach((dataset, i) => (dataset.data = datasets[i].data));
      chart.current.update();
    } else {
      if (!registered) {
        Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);
        registered = true;
      }
      const reduceMotion = matchMedia("(prefers-reduced-motion: reduce)").matches;
      chart.current = new Chart(el, {
        type: "bar",
        data: { labels: rows.map((r) => r.label), datasets },
        options: {
          responsive: true,
          maintainAspectRatio: false,
          animation: reduceMotion ? false : { duration: 300 },
          scales: {
            x: { ticks: { color: colors.text }, grid: { display: false } },
            y: {
              beginAtZero: true,
              ticks: { color: colors.text, precision: 0 },
              grid: { color: colors.grid },
              title: { display: true, text: labels.axis, color: colors.text },
            },
          },
          plugins: {
            legend: { position: "bottom", labels: { color: colors.text } },
            tooltip: {
              callbacks: {
                label: (item) =>
                  `${item.dataset.label}: ${
                    fill(labels.perWeek, { hours: n(item.parsed.y ?? 0) })
                  }`,
              },
            },
          },
        },
      });
    }
    // What is drawn, for tests and debugging.
    el.dataset.series = JSON.stringify(chart.current.data.datasets.map((d) => d.data));
  }, [ready, key]);

  // Follow the light/dark switch.
  useEffect(() => {
    const query = matchMedia("(prefers-color-scheme: dark)");
    const recolor = () => {
      const current = chart.current;
      if (!current) return;
      const colors = palette();
      current.data.datasets[0].backgroundColor = colors.potential;
      current.data.datasets[1].backgroundColor = colors.implemented;
      for (const axis of ["x", "y"] as const) {
        const scale = current.options.scales?.[axis];
        if (scale?.ticks) scale.ticks.color = colors.text;
      }
      const y = current.options.scales?.y;
      if (y?.grid) y.grid.color = colors.grid;
      if (y && "title" in y && y.title) y.title.color = colors.text;
      const legend = current.options.plugins?.legend?.labels;
      if (legend) legend.color = colors.text;
      current.update();
    };
    query.addEventListener("change", recolor);
    return () => query.removeEventListener("change", recolor);
  }, []);

  const table = (
    <table class="data-table">
      <thead>
        <tr>
          <th scope="col">{labels.category}</th>
          <th scope="col">{labels.potential}</th>
          <th scope="col">{labels.implemented}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr>
            <th scope="row">{row.label}</th>
            <td>{fill(labels.perWeek, { hours: n(row.potential) })}</td>
            <td>{fill(labels.perWeek, { hours: n(row.implemented) })}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );

  return (
    <div class="chart" data-testid="savings-chart">
      <div class="chart-box" hidden={!ready}>
        <canvas ref={canvas} role="img" aria-label={summary}>{summary}</canvas>
      </div>
      {ready
        ? (
          <details class="chart-data">
            <summary>{labels.showTable}</summary>
            {table}
          </details>
        )
        : table}
    </div>
  );
}
