"""Inline CSS and JavaScript of the review pages (``pipeline/review.py``).

Kept as strings so the pages are single, offline files: no CDN, no fonts, no network (the pages also
carry a Content-Security-Policy that forbids every fetch). The script never puts report data into
``innerHTML``: it reads ``data-*`` attributes and writes ``textContent`` only.
"""

from __future__ import annotations

# Kind colours: target blue, actual green, qualitative amber (background); project purple (underline,
# so the targets and actuals inside a project's span keep their colour).
CSS = """
:root{--target:#cfe2ff;--target-d:#1f5fbf;--actual:#c9efcf;--actual-d:#1d8a3a;--qual:#ffe2a3;--qual-d:#b7791f;
--project:#8e44ad;--met:#1d8a3a;--exceeded:#1f5fbf;--missed:#c62828;--other:#8a8a8a;--line:#ddd;--muted:#666}
*{box-sizing:border-box}
[hidden]{display:none!important}
html{font-family:system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC","Noto Sans SC","PingFang SC","Microsoft YaHei",sans-serif;font-size:15px}
body{margin:0;color:#222;background:#fafafa}
a{color:#1f5fbf}
header.top{padding:12px 20px 6px;background:#fff;border-bottom:1px solid var(--line)}
header.top h1{font-size:1.25rem;margin:4px 0 6px}
.meta{color:var(--muted);font-size:.85rem;margin:2px 0}
.meta b{color:#333;font-weight:600}
#filters{position:sticky;top:0;z-index:5;background:#fff;border-bottom:1px solid var(--line);padding:6px 20px;
display:flex;flex-wrap:wrap;gap:6px 16px;align-items:center;font-size:.9rem}
#filters label{white-space:nowrap;cursor:pointer}
#filters select{max-width:16rem}
#shown{margin-left:auto}
.sw{display:inline-block;width:.9em;height:.9em;border-radius:2px;vertical-align:-1px;margin-right:3px}
.sw.k-target{background:var(--target);border:1px solid var(--target-d)}
.sw.k-actual{background:var(--actual);border:1px solid var(--actual-d)}
.sw.k-qualitative{background:var(--qual);border:1px solid var(--qual-d)}
.sw.k-project{background:#fff;border:1px solid var(--project);border-bottom:3px solid var(--project)}
#shown{color:var(--muted)}
.layout{display:grid;grid-template-columns:minmax(0,1fr) 400px;gap:0}
#doc{padding:10px 28px 60vh;background:#fff;line-height:1.85;min-width:0}
#doc p,#doc .gap{margin:.35em 0;white-space:pre-wrap;overflow-wrap:anywhere}
#doc h2,#doc h3,#doc h4,#doc h5,#doc h6{margin:1em 0 .3em;line-height:1.5;white-space:pre-wrap}
#doc h2{font-size:1.2rem}#doc h3{font-size:1.1rem}#doc h4,#doc h5,#doc h6{font-size:1rem}
#doc .debris{color:#aaa;font-size:.85rem}
#doc .pg{color:#999;font-size:.75rem;border-top:1px dashed #ccc;margin:10px 0 4px;text-align:right}
body.only-hl #doc .blk.nohl{display:none}
mark.hl{background:none;color:inherit;cursor:pointer;border-radius:2px;padding:1px 0}
mark.hl.k-target{background:var(--target)}
mark.hl.k-actual{background:var(--actual)}
mark.hl.k-qualitative{background:var(--qual)}
mark.hl.k-target.k-actual{background:linear-gradient(var(--target) 50%,var(--actual) 50%)}
mark.hl.k-project{border-bottom:3px solid var(--project)}
mark.hl.k-project:not(.k-target):not(.k-actual):not(.k-qualitative){background:#f6eefa}
mark.hl.multi{outline:1px dotted #555}
mark.hl.off{background:none!important;border-bottom:none!important;outline:none!important;cursor:auto}
mark.hl.sel{outline:2px solid #e65100!important;outline-offset:1px}
figure.tbl{margin:1em 0}
figure.tbl figcaption{font-size:.8rem;color:var(--muted);margin-bottom:3px}
.tw{overflow-x:auto}
table.rt{border-collapse:collapse;font-size:.88rem;line-height:1.5}
table.rt th,table.rt td{border:1px solid #bbb;padding:3px 6px;vertical-align:top;white-space:pre-wrap}
table.rt th{background:#f2f2f2}
table.rt td.x{box-shadow:inset 3px 0 0 var(--other)}
table.rt td.x.k-target{box-shadow:inset 3px 0 0 var(--target-d)}
table.rt td.x.k-actual{box-shadow:inset 3px 0 0 var(--actual-d)}
table.rt td.x.k-qualitative{box-shadow:inset 3px 0 0 var(--qual-d)}
table.rt td.x.k-project{box-shadow:inset 3px 0 0 var(--project)}
aside#panel{position:sticky;top:42px;height:calc(100vh - 42px);overflow:auto;border-left:1px solid var(--line);
background:#fcfcfc;padding:8px 12px;font-size:.88rem}
aside h2{font-size:1rem;margin:6px 0}
#detail{position:sticky;top:-8px;z-index:2;background:#fcfcfc;max-height:55vh;overflow:auto;padding-bottom:4px;border-bottom:1px solid var(--line)}
#detail-body .hint{color:var(--muted)}
.card{border:1px solid var(--line);border-left:5px solid var(--other);background:#fff;border-radius:4px;padding:6px 8px;margin:0 0 8px}
.card.k-target{border-left-color:var(--target-d)}.card.k-actual{border-left-color:var(--actual-d)}
.card.k-qualitative{border-left-color:var(--qual-d)}.card.k-project{border-left-color:var(--project)}
.card h3{font-size:.95rem;margin:0 0 4px}
.card dl{display:grid;grid-template-columns:7.5em minmax(0,1fr);gap:1px 8px;margin:0}
.card dt{color:var(--muted)}
.card dd{margin:0;overflow-wrap:anywhere}
.card dd.big{font-size:1.15rem;font-weight:600}
#reclist{list-style:none;margin:0;padding:0}
#reclist li{padding:3px 4px;border-bottom:1px solid #eee;cursor:pointer;display:grid;
grid-template-columns:auto minmax(0,1fr) auto;gap:6px;align-items:baseline}
#reclist li:hover{background:#f0f4fa}
#reclist li.sel{background:#fff3e0}
#reclist li.unplaced{opacity:.6}
#reclist .v{font-weight:600;white-space:nowrap}
#reclist .n{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
#reclist .y{color:var(--muted)}
.note{color:var(--qual-d);font-size:.85rem}
details.charts{margin:8px 0 14px;border:1px solid var(--line);border-radius:4px;padding:4px 10px;background:#fff}
details.charts summary{cursor:pointer;font-weight:600}
.chartgrid{display:flex;flex-wrap:wrap;gap:10px 18px}
svg.chart{font-size:11px;font-family:inherit;background:#fff}
svg.chart text{fill:#333}
svg.chart .ax{stroke:#999}svg.chart .grid{stroke:#eee}
svg.chart .tg{stroke:var(--target-d);fill:none;stroke-width:2.5}
svg.chart .tgarrow{fill:var(--target-d)}
svg.chart .tgband{fill:var(--target);stroke:var(--target-d);stroke-width:1}
svg.chart .tgline{stroke:var(--target-d);fill:none;stroke-dasharray:4 3;stroke-width:1.2}
svg.chart .acline{stroke:#666;fill:none;stroke-width:1.2}
svg.chart .conn{stroke:#bbb;stroke-width:1.5}
svg.chart .o-met{fill:var(--met)}svg.chart .o-exceeded{fill:var(--exceeded)}svg.chart .o-missed{fill:var(--missed)}
svg.chart .o-other{fill:var(--other)}
svg.chart a{cursor:pointer}
svg.chart circle{stroke:#222;stroke-width:.8}
.legend{font-size:.8rem;color:var(--muted)}
.legend .dot{display:inline-block;width:.8em;height:.8em;border-radius:50%;vertical-align:-1px;margin:0 3px 0 8px;border:1px solid #222}
.o-met.dot{background:var(--met)}.o-exceeded.dot{background:var(--exceeded)}.o-missed.dot{background:var(--missed)}.o-other.dot{background:var(--other)}
/* index */
main.index{padding:10px 20px 40px}
main.index h2{font-size:1.1rem;margin:18px 0 6px}
table.list{border-collapse:collapse;font-size:.85rem;background:#fff;width:100%}
table.list th,table.list td{border-bottom:1px solid #e5e5e5;padding:3px 6px;text-align:left;vertical-align:top}
table.list th{position:sticky;top:0;background:#f2f2f2;cursor:pointer;white-space:nowrap}
table.list td.t{max-width:24em}
table.list td.num{text-align:right;font-variant-numeric:tabular-nums}
td.oc{font-weight:600}
td.oc.o-met{color:var(--met)}td.oc.o-exceeded{color:var(--exceeded)}td.oc.o-missed{color:var(--missed)}
td.oc.o-not_comparable,td.oc.o-pending{color:var(--other);font-weight:400}
.tools{display:flex;gap:12px;align-items:center;margin:4px 0 6px;font-size:.9rem}
@media (max-width:900px){.layout{grid-template-columns:1fr}aside#panel{position:static;height:auto;border-left:0}}
"""

# The report page. Marks carry data-recs (record ids, space-separated); records are <li data-rec> in the
# list, with every field as a data attribute. Selecting: click a mark, a list item, or a #rec-ID /
# #at-OFFSET link (charts, the index page).
REPORT_JS = r"""
(function(){
'use strict';
var doc=document.getElementById('doc'),list=document.getElementById('reclist'),
    body=document.getElementById('detail-body'),shown=document.getElementById('shown');
var recs={},visible={};
Array.prototype.forEach.call(list.querySelectorAll('li.rec'),function(li){recs[li.dataset.rec]=li;visible[li.dataset.rec]=true;});
var marks=Array.prototype.slice.call(doc.querySelectorAll('mark.hl'));
var blocks=Array.prototype.slice.call(doc.querySelectorAll('.blk'));
var FIELDS=[['value','value',1],['unit','unit'],['qualifier','qualifier'],['year','year'],['indicator','indicator id'],
 ['kind','kind'],['status','status'],['parent','parent'],['raw','as written'],['wording','wording'],
 ['investment','investment'],['capacity','capacity'],['milestones','milestones'],['text','sentence'],
 ['section','section'],['table','table'],['row','row'],['column','column'],['page','page'],['span','chars'],
 ['extractor','extractor'],['path','JSON']];
function ids(m){return (m.dataset.recs||'').split(' ').filter(function(x){return x;});}
function card(li){
  var d=li.dataset,div=document.createElement('div'),h=document.createElement('h3'),dl=document.createElement('dl');
  div.className='card k-'+d.kind;div.dataset.rec=d.rec;h.textContent=d.name||'(no name)';div.appendChild(h);
  FIELDS.forEach(function(f){var v=d[f[0]];if(v===undefined||v==='')return;
    var dt=document.createElement('dt'),dd=document.createElement('dd');dt.textContent=f[1];dd.textContent=v;
    if(f[2])dd.className='big';dl.appendChild(dt);dl.appendChild(dd);});
  div.appendChild(dl);return div;}
function select(list_ids,scrollDoc){
  Array.prototype.forEach.call(document.querySelectorAll('.sel'),function(e){e.classList.remove('sel');});
  var cards=[];
  list_ids.forEach(function(id){var li=recs[id];if(!li)return;li.classList.add('sel');cards.push(card(li));
    marks.forEach(function(m){if(ids(m).indexOf(id)>=0)m.classList.add('sel');});});
  if(!cards.length)return;
  while(body.firstChild)body.removeChild(body.firstChild);
  cards.forEach(function(c){body.appendChild(c);});
  var li=recs[list_ids[0]],panel=document.getElementById('panel');
  if(li&&!li.hidden){var pr=panel.getBoundingClientRect(),lr=li.getBoundingClientRect(),
    dh=document.getElementById('detail').getBoundingClientRect().height;
    if(lr.top<pr.top+dh||lr.bottom>pr.bottom)panel.scrollTop+=lr.top-pr.top-dh-(pr.height-dh)/2;}
  if(scrollDoc){var m=doc.querySelector('mark.sel');if(m)m.scrollIntoView({block:'center'});}}
doc.addEventListener('click',function(e){
  var m=e.target.closest?e.target.closest('mark.hl'):null;if(!m||m.classList.contains('off'))return;
  var v=ids(m).filter(function(id){return visible[id];});if(v.length)select(v,false);});
list.addEventListener('click',function(e){
  var li=e.target.closest?e.target.closest('li.rec'):null;if(li)select([li.dataset.rec],true);});
var kindBoxes=Array.prototype.slice.call(document.querySelectorAll('#filters input[data-kind]'));
var indSel=document.getElementById('f-indicator'),onlyHl=document.getElementById('f-onlyhl');
function apply(){
  var kinds={};kindBoxes.forEach(function(b){kinds[b.dataset.kind]=b.checked;});
  var ind=indSel.value,n=0;
  Object.keys(recs).forEach(function(id){var li=recs[id],d=li.dataset;
    var ok=!!kinds[d.kind]&&(ind===''||(ind==='-'?!d.indicator:d.indicator===ind));
    visible[id]=ok;li.hidden=!ok;if(ok)n++;});
  marks.forEach(function(m){var ks={};ids(m).forEach(function(id){if(visible[id])ks[recs[id].dataset.kind]=1;});
    ['target','actual','qualitative','project'].forEach(function(k){m.classList.toggle('k-'+k,!!ks[k]);});
    var vis=ids(m).filter(function(id){return visible[id];}),np=vis.filter(function(id){return recs[id].dataset.kind!=='project';});
    m.classList.toggle('off',vis.length===0);m.classList.toggle('multi',np.length>1);});
  blocks.forEach(function(b){b.classList.toggle('nohl',!b.querySelector('mark.hl:not(.off)'));});
  document.body.classList.toggle('only-hl',onlyHl.checked);
  shown.textContent=n+' of '+Object.keys(recs).length+' records shown';}
kindBoxes.forEach(function(b){b.addEventListener('change',apply);});
indSel.addEventListener('change',apply);onlyHl.addEventListener('change',apply);
function fromHash(){
  var h=decodeURIComponent(location.hash.slice(1)),m;
  if(!h)return;
  if(h.indexOf('rec-')===0){select([h.slice(4)],true);return;}
  if((m=/^at-(\d+)$/.exec(h))){var at=+m[1],best=null;
    marks.forEach(function(k){if(!best&&+k.dataset.s<=at&&at<+k.dataset.e)best=k;});
    if(best){var v=ids(best);select(v,true);}}}
window.addEventListener('hashchange',fromHash);
apply();fromHash();
})();
"""

# The index page: a text filter and an outcome filter for the comparison rows, sortable columns.
INDEX_JS = r"""
(function(){
'use strict';
function sortable(table){
  var ths=table.tHead?table.tHead.rows[0].cells:[];
  Array.prototype.forEach.call(ths,function(th,i){th.addEventListener('click',function(){
    var tb=table.tBodies[0],rows=Array.prototype.slice.call(tb.rows),dir=th.dataset.dir==='a'?-1:1;
    th.dataset.dir=dir===1?'a':'d';
    rows.sort(function(a,b){var x=a.cells[i].dataset.v||a.cells[i].textContent,y=b.cells[i].dataset.v||b.cells[i].textContent;
      var nx=parseFloat(x),ny=parseFloat(y);
      if(!isNaN(nx)&&!isNaN(ny)&&String(nx)===x.trim()&&String(ny)===y.trim())return (nx-ny)*dir;
      return x.localeCompare(y,'zh')*dir;});
    rows.forEach(function(r){tb.appendChild(r);});});});}
Array.prototype.forEach.call(document.querySelectorAll('table.list'),sortable);
var q=document.getElementById('q-rows'),oc=document.getElementById('q-outcome'),t=document.getElementById('rows'),
    cnt=document.getElementById('rows-shown');
function filt(){if(!t)return;var s=(q.value||'').trim().toLowerCase(),o=oc.value,n=0;
  Array.prototype.forEach.call(t.tBodies[0].rows,function(r){
    var ok=(!s||r.textContent.toLowerCase().indexOf(s)>=0)&&(!o||r.dataset.outcome===o);r.hidden=!ok;if(ok)n++;});
  cnt.textContent=n+' rows shown';}
if(q){q.addEventListener('input',filt);oc.addEventListener('change',filt);filt();}
var qr=document.getElementById('q-reports'),tr=document.getElementById('reports');
if(qr)qr.addEventListener('input',function(){var s=qr.value.trim().toLowerCase();
  Array.prototype.forEach.call(tr.tBodies[0].rows,function(r){r.hidden=!!s&&r.textContent.toLowerCase().indexOf(s)<0;});});
})();
"""
