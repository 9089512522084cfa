// dom.js - building the page from data: text always as text nodes (never innerHTML), so a
// record's content cannot become markup; SVG in its namespace for the charts.
const SVG = 'http://www.w3.org/2000/svg';

function fill(el, attrs, kids) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === false || v === null || v === undefined) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.setAttribute('class', v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  for (const c of kids.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function h(tag, attrs, ...kids) {
  return fill(document.createElement(tag), attrs, kids);
}

export function s(tag, attrs, ...kids) {
  return fill(document.createElementNS(SVG, tag), attrs, kids);
}

// The page's content: replaced whole, focus moved to its heading for screen readers and keys.
export function show(...kids) {
  const main = document.getElementById('main');
  main.replaceChildren(...kids.flat(Infinity).filter((k) => k !== null && k !== undefined && k !== false));
  const h1 = main.querySelector('h1');
  if (h1) { h1.setAttribute('tabindex', '-1'); h1.focus(); }
}

// A message area: role=alert so the API's answer is read out.
export function alertBox() {
  const el = h('p', { class: 'alert', role: 'alert', hidden: true });
  el.say = (text, ok) => {
    el.textContent = text;
    el.hidden = !text;
    el.classList.toggle('ok', !!ok);
  };
  return el;
}
