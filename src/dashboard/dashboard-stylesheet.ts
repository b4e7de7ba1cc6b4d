import { createStaticAsset } from '../web/static-asset.ts';

/**
 * The dashboard's additions to the pages' stylesheet (/assets/semaswift.css, whose colours,
 * type, fields and buttons it reuses): an app shell with a settings navigation that becomes a
 * row of tabs on a phone, panels, tables that become stacked cards on a phone, and the one-time
 * secret boxes.
 */
const CSS = `
body.app { display: block; padding: 0; }
.skip-link { position: absolute; left: -999rem; top: .5rem; z-index: 10; background: var(--card); color: var(--text); padding: .5rem 1rem; border-radius: .5rem; }
.skip-link:focus { left: .5rem; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
.app-header {
  display: flex; justify-content: space-between; align-items: center; gap: 1rem; flex-wrap: wrap;
  padding: .75rem 1.5rem; background: var(--card); border-bottom: 1px solid var(--border);
}
.app-header .brand { margin: 0; color: var(--text); text-decoration: none; }
.account { display: flex; align-items: center; gap: .75rem; color: var(--muted); min-width: 0; }
.account-name { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.app-shell { display: grid; grid-template-columns: 13rem minmax(0, 1fr); gap: 2.5rem; max-width: 68rem; margin: 0 auto; padding: 2rem 1.5rem 4rem; }
.side-nav .nav-title { font-size: .75rem; font-weight: 600; letter-spacing: .06em; text-transform: uppercase; color: var(--muted); margin: .5rem .75rem; }
.side-nav ul { list-style: none; padding: 0; margin: 0; display: grid; gap: .25rem; }
.side-nav a { display: block; padding: .5rem .75rem; border-radius: .5rem; color: var(--text); text-decoration: none; }
.side-nav a:hover { background: var(--bg); }
.side-nav a[aria-current="page"] { background: var(--notice-bg); color: var(--accent); font-weight: 600; }
.app-main:focus { outline: none; }
.eyebrow { color: var(--muted); font-size: .875rem; margin: 0 0 .25rem; }
.eyebrow a { color: inherit; }
.page-head { display: flex; justify-content: space-between; align-items: flex-start; gap: 1rem; flex-wrap: wrap; margin-bottom: 1.5rem; }
.page-head > div { flex: 1 1 20rem; }
.page-head .lead { margin: 0; max-width: 40rem; }
.panel { background: var(--card); border: 1px solid var(--border); border-radius: .75rem; padding: 1.5rem; margin: 0 0 1.5rem; }
.panel > h2 { font-size: 1.125rem; margin: 0 0 .75rem; }
.panel > h2 + p:not(.warning) { color: var(--muted); margin-top: -.5rem; }
.panel-head { display: flex; justify-content: space-between; align-items: center; gap: 1rem; flex-wrap: wrap; }
.panel-head h2 { font-size: 1.125rem; margin: 0; }
.panel.success { border-color: var(--accent); box-shadow: 0 0 0 3px var(--notice-bg); }
.narrow { max-width: 36rem; }
a.button { display: inline-flex; align-items: center; justify-content: center; min-height: 2.75rem; padding: .5rem 1rem; border-radius: .5rem; font-weight: 600; text-decoration: none; border: 1px solid var(--accent); background: var(--accent); color: var(--accent-text); }
a.button.secondary { background: transparent; color: var(--text); border-color: var(--border); }
button.small, a.button.small { min-height: 2.25rem; padding: .25rem .75rem; font-size: .875rem; }
button.danger { background: transparent; color: var(--danger); border-color: var(--danger); }
.inline-form { display: inline; }
.button-row { display: flex; flex-wrap: wrap; gap: .75rem; align-items: center; margin-top: 1rem; }
input[type=date], input[type=tel], select {
  font: inherit; padding: .625rem .75rem; border: 1px solid var(--border); border-radius: .5rem;
  background: var(--card); color: var(--text); max-width: 100%;
}
input[type=tel], .code-input { width: 100%; max-width: 16rem; }
input[type=checkbox], input[type=radio] { width: 1.125rem; height: 1.125rem; accent-color: var(--accent); flex: none; }
.choice input[type=checkbox], .choice input[type=radio] { margin: .1875rem 0 0; }
.choice > span { min-width: 0; }
.choice-title { white-space: nowrap; }
.field-error { color: var(--danger); font-weight: 600; font-size: .875rem; margin: .25rem 0 0; }
input[aria-invalid="true"]:not([type=checkbox], [type=radio]) { border-color: var(--danger); box-shadow: 0 0 0 1px var(--danger); }
.alert a { color: inherit; }
.alert p { margin: 0; }
.alert ul { margin: .25rem 0 0; padding-left: 1.25rem; }
.field.short input[type=text], .field.short input[type=password] { max-width: 24rem; }
.choices { display: grid; gap: .25rem; }
.choice .when { color: var(--muted); font-size: .875rem; }
.custom-date { display: flex; align-items: center; gap: .25rem .75rem; flex-wrap: wrap; }
table { width: 100%; border-collapse: collapse; font-size: .9375rem; }
th, td { text-align: left; padding: .625rem .5rem; border-top: 1px solid var(--border); vertical-align: top; }
thead th { border-top: 0; color: var(--muted); font-size: .8125rem; font-weight: 600; }
td.actions-cell { text-align: right; white-space: nowrap; }
.perm-list { display: flex; flex-wrap: wrap; gap: .25rem; margin: 0; padding: 0; list-style: none; }
.perm { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .75rem; background: var(--bg); border: 1px solid var(--border); border-radius: .375rem; padding: 0 .375rem; }
.badge { display: inline-block; font-size: .75rem; font-weight: 600; border-radius: 999px; padding: .125rem .5rem; background: var(--bg); color: var(--muted); border: 1px solid var(--border); }
.badge.on { background: var(--notice-bg); color: var(--accent); border-color: transparent; }
.badge.warn { background: var(--danger-bg); color: var(--danger); border-color: transparent; }
.muted { color: var(--muted); }
.empty { color: var(--muted); margin: .5rem 0 0; }
.secret-box { display: flex; gap: .5rem; align-items: stretch; flex-wrap: wrap; margin: .75rem 0; }
.secret-box input { flex: 1 1 20rem; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .9375rem; }
.warning { border-left: 4px solid var(--danger); background: var(--danger-bg); color: var(--danger); padding: .5rem .75rem; border-radius: .25rem; margin: .75rem 0; }
.example { background: var(--bg); border: 1px solid var(--border); border-radius: .5rem; padding: .75rem 1rem; margin: .5rem 0 0; overflow-x: auto; }
.example code { white-space: pre; }
.steps { padding-left: 1.25rem; margin: 0; }
.steps > li { margin-bottom: 1.5rem; padding-left: .25rem; }
.qr { display: block; width: 12rem; height: 12rem; margin: .75rem 0; background: #fff; padding: .5rem; border-radius: .5rem; border: 1px solid var(--border); }
.setup-key { font-size: 1rem; letter-spacing: .05em; }
.key-group { white-space: nowrap; }
.codes { columns: 2; column-gap: 2rem; padding-left: 1.75rem; margin: 1rem 0; font-size: 1.0625rem; }
.codes li { margin-bottom: .375rem; }
.method { display: flex; justify-content: space-between; align-items: flex-start; gap: 1rem; flex-wrap: wrap; }
.method > div { flex: 1 1 20rem; }
.method h2 { font-size: 1.125rem; margin: 0 0 .25rem; display: flex; align-items: center; gap: .5rem; }
.method p { margin: 0; color: var(--muted); }
.or { color: var(--muted); margin: 1.5rem 0 1rem; display: flex; align-items: center; gap: .75rem; }
.or::before, .or::after { content: ""; flex: 1; border-top: 1px solid var(--border); }
@media (max-width: 48rem) {
  .app-header { padding: .75rem 1rem; }
  .app-shell { grid-template-columns: minmax(0, 1fr); gap: 1rem; padding: 1rem 1rem 3rem; }
  .side-nav .nav-title { display: none; }
  .side-nav ul { display: flex; gap: .5rem; overflow-x: auto; border-bottom: 1px solid var(--border); padding-bottom: .5rem; }
  .panel { padding: 1.25rem 1rem; }
  table.stack thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); }
  table.stack tr { display: block; border-top: 1px solid var(--border); padding: .75rem 0; }
  table.stack td { display: grid; grid-template-columns: 7rem minmax(0, 1fr); gap: .5rem; border: 0; padding: .125rem 0; }
  table.stack td::before { content: attr(data-label); color: var(--muted); font-size: .8125rem; }
  table.stack td.actions-cell { text-align: left; padding-top: .5rem; }
  .codes { columns: 1; }
}
`;

/** `/assets/dashboard.css`. */
export const dashboardStylesheet = createStaticAsset({
  path: '/assets/dashboard.css',
  contentType: 'text/css; charset=utf-8',
  body: CSS,
});
