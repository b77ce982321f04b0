/** The app's styles: readable at 1280 px (a 12-column grid) and on a phone (one column below 720 px). */
export const APP_STYLE = `
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; color: #1d2433; background: #f5f6f8; }
header { background: #1d2433; color: #fff; padding: 14px 20px; }
header h1 { margin: 0 0 4px; font-size: 22px; }
header p { margin: 0; opacity: 0.85; font-size: 13px; }
header a { color: #fff; }
#filters { display: flex; flex-wrap: wrap; gap: 10px 16px; align-items: flex-end; padding: 12px 20px; background: #fff; border-bottom: 1px solid #e4e7ec; }
#filters label { display: flex; flex-direction: column; font-size: 12px; color: #5b6475; gap: 3px; }
#filters input, #filters select { font: inherit; font-size: 14px; color: #1d2433; padding: 4px 6px; border: 1px solid #c5cad3; border-radius: 4px; background: #fff; }
#filters select[multiple] { min-width: 220px; height: 5.5em; }
#status { margin: 8px 20px 0; font-size: 13px; color: #5b6475; min-height: 1em; }
#status.error { color: #b42318; font-weight: 600; }
main { display: grid; grid-template-columns: repeat(12, minmax(0, 1fr)); gap: 14px; padding: 12px 20px 24px; max-width: 1400px; }
section.visual { position: relative; grid-column: span 6; background: #fff; border-radius: 6px; padding: 12px 14px; box-shadow: 0 1px 2px rgba(0,0,0,0.08); min-width: 0; }
section[data-kind="kpi"] { grid-column: span 3; }
section[data-kind="table"], section[data-kind="heatmap"] { grid-column: span 12; }
section.visual h2 { font-size: 15px; margin: 0 0 4px; }
.subtitle { font-size: 12px; color: #5b6475; margin: 0 0 8px; }
.kpi-value { font-size: 26px; font-weight: 650; font-variant-numeric: tabular-nums; }
.kpi-line { font-size: 13px; color: #5b6475; margin-top: 4px; font-variant-numeric: tabular-nums; }
.change-up { color: #00704a; } .change-down { color: #b42318; }
.chart-box { position: relative; height: 280px; }
.table-box { overflow-x: auto; max-height: 480px; overflow-y: auto; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { padding: 4px 8px; border-bottom: 1px solid #e4e7ec; text-align: left; white-space: nowrap; }
th { background: #f0f2f5; position: sticky; top: 0; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.heat td.num { color: #1d2433; }
.drill { font-size: 12px; margin: 0 0 6px; display: flex; flex-wrap: wrap; gap: 4px; align-items: center; }
.drill button { font: inherit; border: 1px solid #c5cad3; background: #f0f2f5; border-radius: 3px; padding: 1px 6px; cursor: pointer; }
.empty { color: #5b6475; font-style: italic; font-size: 13px; }
.sr-only { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
ul.dashboards { list-style: none; padding: 0 20px; } ul.dashboards li { margin: 12px 0; } ul.dashboards a { font-size: 18px; }
@media (max-width: 1000px) { section[data-kind="kpi"] { grid-column: span 6; } section.visual { grid-column: span 12; } }
@media (max-width: 720px) {
  main { grid-template-columns: minmax(0, 1fr); padding: 10px; gap: 10px; }
  section.visual, section[data-kind="kpi"] { grid-column: 1 / -1; }
  #filters { padding: 10px; } #filters label { flex: 1 1 40%; } #filters select[multiple] { min-width: 0; width: 100%; }
  .chart-box { height: 240px; }
}
`;
