//! The report's style sheet: inline, so the file needs nothing from anywhere.

pub(crate) const STYLE: &str = r#"
:root{--ink:#1d2330;--muted:#5b6475;--line:#d9dee7;--bg:#f5f7fa;--card:#fff;
--block:#b42318;--hold:#c4570a;--review:#a37b00;--info:#2470a6;--clear:#2f7d32;--error:#6e2c91}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;color:var(--ink);background:var(--bg)}
code{overflow-wrap:break-word}
code,q,td,dd,li,.row,.msg,.note{unicode-bidi:isolate}
code,.mono{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:12.5px}
header.top{background:#1d2330;color:#fff;padding:18px 28px 0}
header.top h1{margin:0;font-size:20px;font-weight:600}
header.top .sub{margin:4px 0 12px;color:#c9d1e0;font-size:13px}
header.top nav{display:flex;gap:4px;flex-wrap:wrap}
header.top nav a{color:#fff;text-decoration:none;padding:7px 12px;border-radius:6px 6px 0 0;background:#2c3446;font-size:13px}
header.top nav a:hover{background:#3a445a}
main{display:flex;flex-direction:column;gap:18px;padding:20px 28px 28px;max-width:1200px;margin:0 auto}
section{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:16px 20px}
section h2{margin:0 0 12px;font-size:17px}
.cards{display:grid;grid-template-columns:repeat(6,minmax(0,1fr));gap:10px}
@media (max-width:720px){.cards{grid-template-columns:repeat(3,minmax(0,1fr))}}
.card{border:1px solid var(--line);border-radius:6px;padding:8px 12px;border-top:4px solid var(--line)}
.card .n{font-size:22px;font-weight:650;display:block}
.card .l{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.card.block{border-top-color:var(--block)}.card.hold{border-top-color:var(--hold)}.card.review{border-top-color:var(--review)}
.card.info{border-top-color:var(--info)}.card.clear{border-top-color:var(--clear)}.card.error{border-top-color:var(--error)}
.verdicts{margin-top:12px}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(460px,1fr));gap:18px}
figure{margin:0}figcaption{font-weight:600;margin-bottom:6px}
svg.chart{width:100%;height:auto;display:block}
svg.chart text{font:12px system-ui,sans-serif;fill:var(--ink)}
svg.chart text.c{fill:var(--muted)}
.legend{display:flex;gap:14px;color:var(--muted);font-size:12px;margin-top:6px;flex-wrap:wrap}
.legend i{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:4px;vertical-align:-1px}
.badge{display:inline-block;min-width:58px;text-align:center;padding:1px 7px;border-radius:4px;color:#fff;font-size:11px;font-weight:700;letter-spacing:.05em;text-transform:uppercase}
.b-block{background:var(--block)}.b-hold{background:var(--hold)}.b-review{background:var(--review)}.b-info{background:var(--info)}.b-clear{background:var(--clear)}.b-error{background:var(--error)}
.order{border:1px solid var(--line);border-left:5px solid var(--line);border-radius:6px;margin:10px 0;padding:10px 14px;background:#fff}
.order.v-block{border-left-color:var(--block)}.order.v-hold{border-left-color:var(--hold)}.order.v-review{border-left-color:var(--review)}
.order.v-info{border-left-color:var(--info)}.order.v-error{border-left-color:var(--error)}
.order.v-clear{border-left-color:var(--clear);padding:5px 14px;margin:4px 0}
.order h3{margin:0;font-size:15px;display:flex;gap:10px;align-items:baseline;flex-wrap:wrap}
.order .oid{font-weight:650;word-break:break-all}
.order .loc,.order .count{color:var(--muted);font-weight:400;font-size:12.5px}
.finding{border-top:1px solid var(--line);margin-top:10px;padding-top:10px;overflow-x:auto}
.finding h4{margin:0 0 4px;font-size:14px;display:flex;gap:8px;align-items:baseline;flex-wrap:wrap}
.finding .title{font-weight:500}
.finding .msg{margin:4px 0 8px;font-size:14px}
.finding .note{color:var(--muted);margin:2px 0}
.undecided{color:var(--error);font-weight:600;font-size:12.5px}
table{border-collapse:collapse;width:100%;margin:6px 0}
th,td{text-align:left;vertical-align:top;padding:4px 8px;border-bottom:1px solid var(--line)}
th{font-size:12px;color:var(--muted);font-weight:600;background:#f8f9fb}
td.m{width:1.5em;text-align:center;font-weight:700}
tr.t-true td.m{color:var(--clear)}tr.t-false td.m{color:var(--muted)}tr.t-unknown td.m{color:var(--error)}
td ul{margin:0;padding-left:16px}
.row{color:var(--muted);font-size:12.5px;overflow-wrap:anywhere}
.nowrap{white-space:nowrap}
.hash{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px;word-break:break-all}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:6px 0 0}
dl.meta dt{color:var(--muted);font-size:12.5px}dl.meta dd{margin:0}
details>summary{cursor:pointer;color:var(--muted);margin:8px 0}
.problems{margin:6px 0 0;padding-left:18px}
.notice{background:#fff6e0;border:1px solid #e8c66b;border-radius:6px;padding:8px 12px;margin:0 0 12px}
.ctx{color:var(--muted);margin:2px 0 0;font-size:13px}
.block{content-visibility:auto;contain-intrinsic-size:auto 12000px}
table.ix{table-layout:fixed;margin:0}table.ix.head{position:sticky;top:0;z-index:1}
table.ix td{padding:2px 8px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
table.ix th{cursor:default;user-select:none}
td.num{text-align:right;font-variant-numeric:tabular-nums}
td.vd{font-weight:700;font-size:11px;text-transform:uppercase;letter-spacing:.05em}
tr.v-block td.vd{color:var(--block)}tr.v-hold td.vd{color:var(--hold)}tr.v-review td.vd{color:var(--review)}
tr.v-info td.vd{color:var(--info)}tr.v-clear td.vd{color:var(--clear)}tr.v-error td.vd{color:var(--error)}
pre.ev,pre.ix{white-space:pre-wrap;overflow-wrap:anywhere;margin:0;font:12.5px/1.4 ui-monospace,Menlo,Consolas,monospace;unicode-bidi:isolate}
pre.ix{white-space:pre;overflow-x:auto}pre.ix.head{position:sticky;top:0;z-index:1;background:#f8f9fb;color:var(--muted);font-weight:600;border-bottom:1px solid var(--line)}
pre.ev b{display:inline-block;margin-top:8px}pre.ev b.v-block{color:var(--block)}pre.ev b.v-hold{color:var(--hold)}pre.ev b.v-review{color:var(--review)}pre.ev b.v-info{color:var(--info)}pre.ev b.v-error{color:var(--error)}
footer{color:var(--muted);font-size:12px;text-align:center;padding:0 0 24px}
@media print{header.top nav{display:none}main{display:block}section{break-inside:auto;margin-bottom:14px}}
"#;

/// The report's style sheet, for pages that show its order cards (`redflag serve`'s review page).
pub fn style() -> &'static str {
    STYLE
}
