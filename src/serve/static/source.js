// plandb serve — source page: click a highlighted fact to see its fields and review it; select text to add a
// missed fact. Every text goes into the page through textContent (never innerHTML): plan text is untrusted.
(() => {
  'use strict';
  const source = document.getElementById('source');
  const panel = document.getElementById('panel');
  const data = JSON.parse(document.getElementById('facts').textContent);
  const token = document.querySelector('meta[name="plandb-token"]').content;
  const planId = source.dataset.plan;
  const facts = new Map();
  for (const t of data.targets) facts.set(t.fact, { type: 'target', ...t });
  for (const r of data.responsibilities) facts.set(r.fact, { type: 'responsibility', ...r });

  const el = (tag, props = {}, ...children) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(props)) {
      if (k === 'class') e.className = v;
      else if (k === 'text') e.textContent = v;
      else if (k.startsWith('data-')) e.setAttribute(k, v);
      else e[k] = v;
    }
    for (const c of children) if (c) e.append(c);
    return e;
  };
  const show = (v) => (v === null || v === undefined ? '' : String(v));

  const TARGET_FIELDS = [
    ['indicator', 'indicator'], ['op', 'op'], ['value', 'value'], ['value2', 'value2'], ['unit', 'unit'],
    ['year', 'year'], ['effective_year', 'effective year'], ['kind', 'kind'], ['units', 'units and roles'],
  ];
  const RESP_FIELDS = [['role', 'role'], ['units', 'units'], ['units_as_written', 'as written']];
  const COMMON = [['heading_path', 'heading'], ['quote', 'quote'], ['rule_id', 'rule'], ['page', 'page'], ['status', 'status']];
  const EDITABLE = {
    target: ['indicator', 'op', 'value', 'value2', 'unit', 'year', 'kind'],
    responsibility: ['role', 'units'],
  };

  function message(card, text, ok) {
    const old = card.querySelector('.msg');
    if (old) old.remove();
    card.append(el('p', { class: ok ? 'msg ok' : 'msg error-message', role: ok ? 'status' : 'alert', text }));
  }

  async function send(card, body) {
    let res;
    try {
      res = await fetch(`/plans/${planId}/review`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-plandb-token': token },
        body: JSON.stringify(body),
      });
    } catch (e) {
      message(card, `not recorded: ${e.message}`, false);
      return null;
    }
    const out = await res.json().catch(() => ({}));
    if (!res.ok) {
      message(card, `not recorded: ${out.error ? out.error.message : res.status}`, false);
      return null;
    }
    message(card, out.message || 'recorded', true);
    return out;
  }

  function markPending(id, action) {
    for (const m of source.querySelectorAll('mark.f')) if (m.dataset.f.split(' ').includes(id)) m.classList.add('pending', `pending-${action}`);
  }

  function editForm(card, f) {
    const form = el('form', { class: 'edit' });
    for (const k of EDITABLE[f.type]) {
      const input = el('input', { name: k, value: show(f[k]) });
      form.append(el('label', {}, `${k} `, input));
    }
    form.append(el('button', { type: 'submit', text: 'Save edit' }));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const set = {};
      for (const k of EDITABLE[f.type]) {
        const v = form.elements[k].value;
        if (v !== show(f[k])) set[k] = v;
      }
      if (!Object.keys(set).length) return message(card, 'nothing changed', false);
      if (await send(card, { action: 'edit', fact: f.fact, set })) markPending(f.fact, 'edit');
    });
    return form;
  }

  function factCard(f) {
    const card = el('section', { class: `fact st-${f.status}`, 'data-fact': f.fact });
    card.append(el('h2', { text: f.type === 'target' ? `Target · ${f.kind}` : `Responsibility · ${f.role}` }));
    const dl = el('dl');
    for (const [k, label] of [...(f.type === 'target' ? TARGET_FIELDS : RESP_FIELDS), ...COMMON]) {
      if (k === 'page' && (f.page === null || f.page === undefined)) continue;
      dl.append(el('dt', { text: label }), el('dd', { text: show(f[k]), 'data-field': k }));
    }
    if (f.decision) {
      dl.append(el('dt', { text: 'decision' }), el('dd', { text: `#${f.decision.id} ${f.decision.action}${f.decision.applied ? '' : ' (recorded: shows after plandb rebuild)'}`, 'data-field': 'decision' }));
    }
    card.append(dl);
    const bar = el('p', { class: 'actions' });
    const confirm = el('button', { type: 'button', class: 'confirm', text: 'Confirm' });
    const reject = el('button', { type: 'button', class: 'reject', text: 'Reject' });
    const edit = el('button', { type: 'button', class: 'edit', text: 'Edit…' });
    confirm.addEventListener('click', async () => { if (await send(card, { action: 'confirm', fact: f.fact })) markPending(f.fact, 'confirm'); });
    reject.addEventListener('click', async () => { if (await send(card, { action: 'reject', fact: f.fact })) markPending(f.fact, 'reject'); });
    edit.addEventListener('click', () => { if (!card.querySelector('form.edit')) card.append(editForm(card, f)); });
    bar.append(confirm, reject, edit);
    card.append(bar);
    return card;
  }

  function showFacts(ids) {
    panel.replaceChildren(...ids.map((id) => facts.get(id)).filter(Boolean).map(factCard));
    for (const m of source.querySelectorAll('mark.current')) m.classList.remove('current');
    for (const m of source.querySelectorAll('mark.f')) if (m.dataset.f.split(' ').some((x) => ids.includes(x))) m.classList.add('current');
  }

  source.addEventListener('click', (ev) => {
    const m = ev.target.closest('mark.f');
    if (!m || !window.getSelection().isCollapsed) return;
    showFacts(m.dataset.f.split(' '));
  });
  source.addEventListener('keydown', (ev) => {
    const m = ev.target.closest('mark.f');
    if (m && (ev.key === 'Enter' || ev.key === ' ')) {
      ev.preventDefault();
      showFacts(m.dataset.f.split(' '));
    }
  });

  // ---- add from a selection: offsets come from the pieces' data-o (offsets into the normalized text)
  const offsetOf = (node, off) => {
    const host = node.nodeType === Node.TEXT_NODE ? node.parentElement : node;
    const piece = host.closest('[data-o]');
    if (!piece || !source.contains(piece)) return null;
    return Number(piece.dataset.o) + (node.nodeType === Node.TEXT_NODE ? off : 0);
  };

  function addForm(quote, start, end) {
    const card = el('section', { class: 'fact add' });
    card.append(el('h2', { text: 'Add a missed fact' }), el('blockquote', { text: quote }));
    const form = el('form', { class: 'add' });
    const type = el('select', { name: 'type' }, el('option', { value: 'target', text: 'target' }), el('option', { value: 'responsibility', text: 'responsibility' }));
    form.append(el('label', {}, 'type ', type));
    const fields = {
      target: ['indicator', 'op', 'value', 'value2', 'unit', 'year', 'kind'],
      responsibility: ['role', 'units'],
    };
    const box = el('div');
    const draw = () => box.replaceChildren(...fields[type.value].map((k) => el('label', {}, `${k} `, el('input', { name: k, value: k === 'kind' ? 'goal' : k === 'op' ? '>=' : k === 'role' ? 'lead' : '' }))));
    type.addEventListener('change', draw);
    draw();
    form.append(box, el('button', { type: 'submit', text: 'Add' }));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const set = {};
      for (const k of fields[type.value]) if (form.elements[k].value !== '') set[k] = form.elements[k].value;
      await send(card, { action: 'add', type: type.value, quote, start, end, set });
    });
    card.append(form);
    panel.replaceChildren(card);
  }

  source.addEventListener('mouseup', () => {
    const sel = window.getSelection();
    if (sel.isCollapsed || !sel.rangeCount) return;
    const r = sel.getRangeAt(0);
    if (!source.contains(r.commonAncestorContainer)) return;
    const start = offsetOf(r.startContainer, r.startOffset);
    const end = offsetOf(r.endContainer, r.endOffset);
    if (start === null || end === null || end <= start) return;
    addForm(sel.toString(), start, end);
  });

  // ---- #t12 / #r5 in the address opens that fact
  const open = () => {
    const id = decodeURIComponent(location.hash.slice(1));
    if (!facts.has(id)) return;
    const m = [...source.querySelectorAll('mark.f')].find((x) => x.dataset.f.split(' ').includes(id));
    if (m) m.scrollIntoView({ block: 'center' });
    showFacts([id]);
  };
  window.addEventListener('hashchange', open);
  open();
})();
