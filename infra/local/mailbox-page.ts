/**
 * The mailbox a person opens at /_local/mailbox: every captured message, newest first, with its headers and both
 * bodies. HTML bodies are shown in a sandboxed iframe (no scripts), exactly as the message carries them.
 */
export const mailboxPage = (tenantName: string): string => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Quotaflow local mailbox</title>
<style>
 body{font-family:system-ui,sans-serif;margin:0;display:flex;height:100vh;color:#222}
 #list{width:38%;overflow:auto;border-right:1px solid #ddd}
 #list div{padding:10px 14px;border-bottom:1px solid #eee;cursor:pointer}
 #list div:hover,#list div.on{background:#eef4ff}
 .meta{color:#666;font-size:12px}
 #view{flex:1;overflow:auto;padding:16px}
 iframe{width:100%;height:55vh;border:1px solid #ddd}
 pre{white-space:pre-wrap;background:#f7f7f7;padding:8px;font-size:12px}
 header{padding:10px 14px;background:#16325c;color:#fff}
</style></head>
<body><div id="list"><header>Quotaflow · <span id="tenant"></span> · <span id="count">no messages yet</span></header></div>
<div id="view"><p>Select a message. This page refreshes every 2 seconds.</p></div>
<script>
const tenant = ${JSON.stringify(tenantName)};
document.getElementById('tenant').textContent = tenant;
let selected = null, seen = '';
const el = (tag, text, cls) => { const e = document.createElement(tag); if (text !== undefined) e.textContent = text; if (cls) e.className = cls; return e; };
function show(m) {
  selected = m.id;
  const v = document.getElementById('view'); v.replaceChildren();
  v.append(el('h2', m.subject), el('div', 'From: ' + m.from, 'meta'), el('div', 'To: ' + m.to.join(', ') + (m.cc.length ? '  Cc: ' + m.cc.join(', ') : ''), 'meta'), el('div', 'Sent: ' + m.sentAt, 'meta'));
  if (m.html) { const f = document.createElement('iframe'); f.setAttribute('sandbox', ''); f.srcdoc = m.html; v.append(el('h3', 'HTML'), f); }
  if (m.text) v.append(el('h3', 'Text'), el('pre', m.text));
  v.append(el('h3', 'Headers'), el('pre', Object.entries(m.headers).map(([k, x]) => k + ': ' + x).join('\\n')));
  const a = el('a', 'Download .eml'); a.href = '/_local/emails/' + encodeURIComponent(m.id) + '.eml'; v.append(a);
  render(window.lastMessages || []);
}
function render(msgs) {
  window.lastMessages = msgs;
  const list = document.getElementById('list'); const head = list.firstElementChild; list.replaceChildren(head);
  document.getElementById('count').textContent = msgs.length === 1 ? '1 message' : msgs.length + ' messages';
  for (const m of [...msgs].reverse()) {
    const d = el('div'); if (m.id === selected) d.className = 'on';
    d.append(el('strong', m.subject), el('div', m.to.join(', ') + ' · ' + new Date(m.sentAt).toLocaleString(), 'meta'));
    d.onclick = () => show(m); list.append(d);
  }
}
async function poll() {
  try {
    const r = await fetch('/_local/emails'); const msgs = await r.json(); const key = msgs.map(m => m.id).join();
    if (key !== seen) { seen = key; render(msgs); if (!selected && msgs.length) show(msgs[msgs.length - 1]); }
  } catch {}
  setTimeout(poll, 2000);
}
poll();
</script></body></html>`;
