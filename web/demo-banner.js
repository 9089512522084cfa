// demo-banner.js - the banner of a demo data directory (`brokersec init --demo`, `make demo`):
// GET /me says "demo": true, and every page then says, right under the header and on paper
// too, that its records are generated demo data, not real records (datadir.h).
import { h } from './dom.js';
import { addStrings, t } from './i18n.js';

addStrings({
  dm_banner: ['示範資料 — 非真實紀錄', 'Demo data — not real records'],
  dm_banner_more: ['本資料目錄由 brokersec init --demo 產生，所有紀錄皆為虛構之示範資料。',
    'This data directory was made by brokersec init --demo: every record is made-up demo data.'],
});

// Shows (me.demo) or removes the banner; called by app.js whenever the header is drawn.
export function demoBanner(me) {
  let b = document.getElementById('demo-banner');
  if (!me || !me.demo) {
    if (b) b.remove();
    return;
  }
  if (!b) {
    b = h('div', { id: 'demo-banner', class: 'demo-banner', role: 'note' });
    document.querySelector('header.top').after(b);
  }
  b.replaceChildren(h('strong', {}, t('dm_banner')), ' ', h('span', { class: 'dm-more' }, t('dm_banner_more')));
}
