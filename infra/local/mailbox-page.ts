/**
 * The mailbox a person opens at /_local/mailbox: every captured message, newest first, with its headers and both
 * bodies, and the chat-group messages workflows posted (marked "chat"). HTML bodies are shown in a sandboxed iframe
 * (no scripts), exactly as the message carries them.
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
 .chat{display:inline-block;font-size:11px;background:#2e7d32;color:#fff;border-radius:3px;padding:0 5px;margin-right:6px}
</style></head>
<body><div id="list"><header>Quotaflow · <span id="tenant"></span> · <span id="count">no messages yet</span></header></div>
<div id="view"><p>Select a message. This page refreshes every 2 seconds.</p></div>
<script>
const tenant = ${JSON.stringify(tenantName)};
document.getElementById('tenant').textContent = tenant;
let selected = null, seen = '';
const el = (tag, text, cls) => { const e = document.createElement(tag); if (text !== undefined) e.textContent = text; if (cls) e.className = cls; return e; };
const chatText = (b) => (b && (b.content?.text ?? b.text?.content ?? (typeof b.text === 'string' ? b.text : undefined))) ?? JSON.stringify(b);
function showChat(c) {
  selected = c.id;
  const v = document.getElementById('view'); v.replaceChildren();
  v.append(el('h2', 'Chat message · ' + c.provider), el('div', 'To: ' + c.url, 'meta'), el('div', 'Posted: ' + c.receivedAt, 'meta'));
  v.append(el('h3', 'Text'), el('pre', chatText(c.body)), el('h3', 'Body as posted'), el('pre', JSON.stringify(c.body, null, 2)));
  render(window.lastMessages || []);
}
function show(m) {
  if (m.kind === 'chat') return showChat(m);
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
    if (m.kind === 'chat') {
      const title = el('strong'); title.append(el('span', 'chat', 'chat'), chatText(m.body).split('\\n')[0]);
      d.append(title, el('div', m.provider + ' · ' + new Date(m.receivedAt).toLocaleString(), 'meta'));
    } else d.append(el('strong', m.subject), el('div', m.to.join(', ') + ' · ' + new Date(m.sentAt).toLocaleString(), 'meta'));
    d.onclick = () => show(m); list.append(d);
  }
}
async function poll() {
  try {
    const [mail, chat] = await Promise.all([fetch('/_local/emails').then(r => r.json()), fetch('/_local/chat').then(r => r.json())]);
    const msgs = [...mail, ...chat.map(c => ({ ...c, kind: 'chat' }))].sort((a, b) => (a.sentAt ?? a.receivedAt).localeCompare(b.sentAt ?? b.receivedAt));
    const key = msgs.map(m => m.id).join();
    if (key !== seen) { seen = key; render(msgs); if (!selected && msgs.length) show(msgs[msgs.length - 1]); }
  } catch {}
  setTimeout(poll, 2000);
}
poll();
</script></body></html>`;
