/**
 * The app's one stylesheet, served from /app/assets/app.css (a module so that tsc's build
 * carries it into dist/ with the rest). Mobile first: one column, readable at 360 px; colours
 * meet WCAG 2.2 AA contrast (4.5:1 for text), focus is always visible.
 */
export const stylesheet = `
:root { --ink: #1b1f24; --muted: #4a5360; --accent: #0b5cad; --accent-dark: #083f77; --bg: #ffffff; --panel: #f3f5f8;
  --line: #c9d0d9; --error: #b3261e; --ok: #1e6b34; --focus: #ffbf47; }
* { box-sizing: border-box; }
html { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; font-size: 100%; line-height: 1.5; color: var(--ink); background: var(--bg); }
body { margin: 0; }
a { color: var(--accent); }
a:hover { color: var(--accent-dark); }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; box-shadow: 0 0 0 5px var(--ink); }
.skip { position: absolute; left: -999px; top: 0; background: var(--focus); color: var(--ink); padding: .5rem 1rem; }
.skip:focus { left: 0; }
.top { background: var(--accent-dark); color: #fff; padding: .5rem 1rem; display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; align-items: center; }
.top a, .top .link { color: #fff; }
.brand { font-weight: 700; font-size: 1.25rem; text-decoration: none; }
.top nav ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: .25rem 1rem; }
.top nav a[aria-current="page"] { font-weight: 700; text-decoration-thickness: 3px; }
main { max-width: 52rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.75rem; line-height: 1.2; margin: .5rem 0 1rem; }
h2 { font-size: 1.35rem; margin: 2rem 0 .75rem; }
h3 { font-size: 1.1rem; margin: 1.25rem 0 .5rem; }
p, li { max-width: 42rem; }
.hint { color: var(--muted); margin: .25rem 0; font-size: .95rem; }
.notice { border-left: 6px solid var(--ok); background: #e8f3eb; padding: .75rem 1rem; }
.error-summary { border: 4px solid var(--error); padding: .75rem 1rem; margin-bottom: 1.5rem; }
.error-summary h2 { margin-top: 0; }
.error-summary a { color: var(--error); font-weight: 600; }
.field { margin: 0 0 1.25rem; border: 0; padding: 0; }
.field.invalid { border-left: 5px solid var(--error); padding-left: .75rem; }
.field-error { color: var(--error); font-weight: 700; margin: .25rem 0; }
label, legend { font-weight: 600; display: block; margin-bottom: .25rem; }
fieldset { min-width: 0; }
legend { padding: 0; }
input[type="text"], input[type="password"], input[type="number"], input[type="date"], input[type="datetime-local"], select, textarea {
  font: inherit; width: 100%; max-width: 28rem; padding: .5rem; border: 2px solid var(--ink); border-radius: 0; background: #fff; color: var(--ink); }
textarea { max-width: 40rem; }
.choice { display: flex; align-items: flex-start; gap: .5rem; margin: .35rem 0; }
.choice input { width: 1.5rem; height: 1.5rem; margin: 0; flex: none; }
.choice label { font-weight: 400; margin: 0; }
.inline-choices .choice { display: inline-flex; margin-right: 1rem; }
button, .button { font: inherit; font-weight: 600; background: var(--accent); color: #fff; border: 2px solid var(--accent); padding: .5rem 1.1rem; cursor: pointer; display: inline-block; text-decoration: none; }
button:hover, .button:hover { background: var(--accent-dark); color: #fff; }
button.secondary { background: #fff; color: var(--accent-dark); }
button.danger { background: var(--error); border-color: var(--error); }
button.link { background: none; border: 0; padding: 0; text-decoration: underline; font-weight: 400; color: inherit; }
form.inline { display: inline; }
.actions { display: flex; flex-wrap: wrap; gap: .75rem; align-items: center; margin: 1rem 0; }
.card { border: 1px solid var(--line); background: var(--panel); padding: 1rem; margin: 0 0 1rem; }
.card > :first-child { margin-top: 0; }
.card > :last-child { margin-bottom: 0; }
.plain { list-style: none; padding: 0; }
.chart { margin: 0 0 2rem; }
.chart figcaption { display: flex; flex-wrap: wrap; justify-content: space-between; gap: .25rem 1rem; margin-bottom: .25rem; }
.chart-svg { width: 100%; height: auto; display: block; background: #fff; border: 1px solid var(--line); }
.chart-svg .band rect { opacity: 1; }
.chart-svg .band-0 rect { fill: #e6f0e8; } .chart-svg .band-1 rect { fill: #f2f2e2; } .chart-svg .band-2 rect { fill: #f7eadb; }
.chart-svg .band-3 rect { fill: #f5e0dc; } .chart-svg .band-4 rect { fill: #eddbe6; }
.chart-svg text { font-size: 15px; fill: var(--ink); }
.chart-svg .axis { stroke: var(--muted); stroke-width: 1.5; }
.chart-svg .line { fill: none; stroke: var(--accent-dark); stroke-width: 3; }
.chart-svg .point { fill: var(--accent-dark); }
.chart-svg .meaningful { fill: none; stroke: #a3340f; stroke-width: 3; }
details { margin: .5rem 0; }
summary { cursor: pointer; color: var(--accent); text-decoration: underline; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
th, td { text-align: left; border-bottom: 1px solid var(--line); padding: .4rem .5rem .4rem 0; vertical-align: top; }
.visually-hidden { position: absolute !important; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
meter, progress { width: 100%; max-width: 20rem; height: 1.25rem; }
.timeline { list-style: none; padding: 0; border-left: 3px solid var(--line); margin-left: .5rem; }
.timeline li { position: relative; padding: 0 0 1rem 1rem; }
.timeline time { display: block; color: var(--muted); font-size: .95rem; }
.receipt { word-break: break-all; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .85rem; background: var(--panel); padding: .75rem; }
.badge { display: inline-block; min-width: 1.5rem; margin-left: .35rem; padding: 0 .4rem; border-radius: .75rem; background: var(--focus); color: var(--ink); font-weight: 700; text-align: center; text-decoration: none; }
.acting { background: #fff4d6; border-bottom: 4px solid var(--focus); padding: .5rem 1rem; display: flex; flex-wrap: wrap; gap: .25rem 1rem; align-items: center; }
.acting p { margin: 0; }
.unread-item { border-left: 6px solid var(--accent); }
.alert-item.unacked { border-left: 6px solid #a3340f; }
@media (min-width: 40rem) { main { padding: 1.5rem 2rem; } h1 { font-size: 2.25rem; } }
`;
