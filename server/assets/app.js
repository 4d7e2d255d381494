// app.js -- the aimaq dashboard: a thin page over the JSON API (docs/server.md).
// No framework and no build step: the file is served as it is, from the binary.
'use strict';

const WORDS = {
  kk: {
    high: 'жоғары', medium: 'орташа', low: 'төмен', uninhabited: 'тұрғындары жоқ', excluded: 'бағаланбады',
    methodology_store: 'Әдістемені сақтау', potential: 'Даму әлеуеті: кластар бойынша жиынтық', methodology: 'Әдістеме', allow_missing: 'Деректерде жоқ көрсеткіштерді шығарып, барларымен есептеу', class: 'Класс', count: 'Саны', population: 'Халық', share: 'Үлесі, %', missing_note: 'Деректерде жоқ, есепке алынбаған көрсеткіштер:', stored: 'Сақталды',
    tab_charts: 'Диаграммалар', chart: 'Диаграмма', chart_series: 'Айырмашылықтар динамикасы', chart_bars: 'Рейтинг', chart_dots: 'Орташаға қатысты', chart_lorenz: 'Лоренц қисығы', chart_lisa: 'Кеңістіктік кластерлер (LISA)', chart_population: 'Халық саны', chart_provenance: 'Деректердің шығу тегі',
    title: 'aimaq — аймақтық талдау', language: 'Тіл', logout: 'Шығу', login: 'Кіру', name: 'Аты',
    password: 'Құпиясөз', tab_map: 'Карта', tab_data: 'Деректер', tab_submissions: 'Өтінімдер',
    tab_analysis: 'Талдау', tab_audit: 'Аудит журналы', indicator: 'Көрсеткіш', level: 'Деңгей',
    period: 'Кезең', show: 'Көрсету', upload: 'Файл жүктеу', file: 'Файл', send: 'Жіберу',
    edit: 'Бір мәнді өзгерту', unit: 'Бірлік коды', value: 'Мән', submissions: 'Өтінімдер',
    disparity: 'Өңірлік айырмашылықтар', weight: 'Салмақ', run: 'Есептеу', results: 'Сақталған нәтижелер',
    approve: 'Бекіту', reject: 'Қабылдамау', pending: 'күтуде', approved: 'бекітілді', rejected: 'қабылданбады',
    sent_pending: 'Жіберілді: орталық талдаушының бекітуін күтуде', sent_live: 'Енгізілді', comment: 'Себебі:',
    role_admin: 'әкімші', role_central: 'орталық талдаушы', role_regional: 'өңірлік редактор', role_viewer: 'қараушы',
    id: '№', kind: 'Түрі', status: 'Күйі', by: 'Кім', at: 'Қашан', rows: 'Жолдар', action: 'Әрекет',
    object: 'Нысан', old: 'Бұрынғы', new: 'Жаңа', code: 'Код', measure: 'Өлшем', horizon: 'Деректер нұсқасы',
    sha: 'Нәтиже хэші', remove_value: 'Мәнді жою', removes: 'мәнді жояды', confirm_remove: 'Мәнді шынымен жою керек пе?', import_queued: 'Кезекте', import_running: 'Енгізілуде', rows_read: 'жол оқылды'
  },
  ru: {
    high: 'высокий', medium: 'средний', low: 'низкий', uninhabited: 'без населения', excluded: 'не оценены',
    methodology_store: 'Сохранить методику', potential: 'Потенциал развития: сводка по классам', methodology: 'Методика', allow_missing: 'Считать по имеющимся показателям, исключив отсутствующие в данных', class: 'Класс', count: 'Число', population: 'Население', share: 'Доля, %', missing_note: 'Показатели, которых нет в данных и которые не учтены:', stored: 'Сохранено',
    tab_charts: 'Диаграммы', chart: 'Диаграмма', chart_series: 'Динамика различий', chart_bars: 'Рейтинг', chart_dots: 'Относительно среднего', chart_lorenz: 'Кривая Лоренца', chart_lisa: 'Пространственные кластеры (LISA)', chart_population: 'Численность населения', chart_provenance: 'Происхождение данных',
    title: 'aimaq — территориальный анализ', language: 'Язык', logout: 'Выйти', login: 'Войти', name: 'Имя',
    password: 'Пароль', tab_map: 'Карта', tab_data: 'Данные', tab_submissions: 'Заявки', tab_analysis: 'Анализ',
    tab_audit: 'Журнал аудита', indicator: 'Показатель', level: 'Уровень', period: 'Период', show: 'Показать',
    upload: 'Загрузить файл', file: 'Файл', send: 'Отправить', edit: 'Изменить одно значение', unit: 'Код единицы',
    value: 'Значение', submissions: 'Заявки', disparity: 'Региональные диспропорции', weight: 'Вес', run: 'Рассчитать',
    results: 'Сохранённые результаты', approve: 'Утвердить', reject: 'Отклонить', pending: 'ожидает',
    approved: 'утверждено', rejected: 'отклонено', sent_pending: 'Отправлено: ожидает утверждения центральным аналитиком',
    sent_live: 'Внесено', comment: 'Причина:', role_admin: 'администратор', role_central: 'центральный аналитик',
    role_regional: 'региональный редактор', role_viewer: 'наблюдатель', id: '№', kind: 'Вид', status: 'Статус',
    by: 'Кто', at: 'Когда', rows: 'Строк', action: 'Действие', object: 'Объект', old: 'Было', new: 'Стало',
    code: 'Код', measure: 'Мера', horizon: 'Версия данных', sha: 'Хэш результата',
    remove_value: 'Удалить значение', removes: 'удаляет значение', confirm_remove: 'Действительно удалить значение?', import_queued: 'В очереди', import_running: 'Импортируется', rows_read: 'строк прочитано'
  },
  en: {
    high: 'high', medium: 'medium', low: 'low', uninhabited: 'uninhabited', excluded: 'not scored',
    methodology_store: 'Store a methodology', potential: 'Development potential: class summary', methodology: 'Methodology', allow_missing: 'Score on the indicators present, leaving out those the data lacks', class: 'Class', count: 'Count', population: 'Population', share: 'Share, %', missing_note: 'Indicators not in the data, left out:', stored: 'Stored',
    tab_charts: 'Charts', chart: 'Chart', chart_series: 'Disparities over time', chart_bars: 'Ranking', chart_dots: 'Relative to the average', chart_lorenz: 'Lorenz curve', chart_lisa: 'Spatial clusters (LISA)', chart_population: 'Population', chart_provenance: 'Provenance',
    title: 'aimaq — territorial analysis', language: 'Language', logout: 'Log out', login: 'Log in', name: 'Name',
    password: 'Password', tab_map: 'Map', tab_data: 'Data', tab_submissions: 'Submissions', tab_analysis: 'Analysis',
    tab_audit: 'Audit log', indicator: 'Indicator', level: 'Level', period: 'Period', show: 'Show',
    upload: 'Upload a file', file: 'File', send: 'Send', edit: 'Change one value', unit: 'Unit code', value: 'Value',
    submissions: 'Submissions', disparity: 'Regional disparities', weight: 'Weight', run: 'Run',
    results: 'Recorded results', approve: 'Approve', reject: 'Reject', pending: 'pending', approved: 'approved',
    rejected: 'rejected', sent_pending: 'Sent: waiting for a central analyst to approve it', sent_live: 'Applied',
    comment: 'Reason:', role_admin: 'administrator', role_central: 'central analyst', role_regional: 'regional editor',
    role_viewer: 'viewer', id: 'No.', kind: 'Kind', status: 'Status', by: 'By', at: 'At', rows: 'Rows',
    action: 'Action', object: 'Object', old: 'Old', new: 'New', code: 'Code', measure: 'Measure',
    horizon: 'Data version', sha: 'Output hash', remove_value: 'Remove the value', removes: 'removes the value',
    confirm_remove: 'Really remove the value?', import_queued: 'Queued', import_running: 'Importing',
    rows_read: 'rows read'
  }
};

const state = { lang: localStorage.getItem('aimaq.lang') || 'kk', csrf: '', account: null, offset: 0 };
const $ = (id) => document.getElementById(id);
const t = (key) => (WORDS[state.lang] && WORDS[state.lang][key]) || WORDS.en[key] || key;

function translate() {
  document.documentElement.lang = state.lang;
  document.querySelectorAll('[data-t]').forEach((el) => { el.textContent = t(el.dataset.t); });
  $('lang').value = state.lang;
}

// Store times are ISO 8601 in UTC ("2026-11-27T10:19:51.957Z"): shown to the second.
const ISO_TIME = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)(\.\d+)?Z$/;

function fmt(v) {
  if (typeof v === 'string' && ISO_TIME.test(v)) return v.replace(ISO_TIME, '$1 $2 UTC');
  if (typeof v !== 'number') return v === null || v === undefined ? '–' : String(v);
  // Kazakh writes numbers as Russian does (4 321,5), like the server's maps;
  // browsers without Kazakh locale data would fall back to 4,321.5.
  return v.toLocaleString(state.lang === 'en' ? 'en-GB' : 'ru-RU',
    { maximumFractionDigits: Math.abs(v) >= 100 ? 1 : 4 });
}

async function api(method, path, body, raw) {
  const headers = {};
  if (method !== 'GET') headers['X-CSRF-Token'] = state.csrf;
  if (body !== undefined && !raw) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, { method, headers, credentials: 'same-origin',
    body: body === undefined ? undefined : raw ? body : JSON.stringify(body) });
  const type = res.headers.get('Content-Type') || '';
  const data = type.startsWith('application/json') ? await res.json() : await res.text();
  if (!res.ok) throw new Error((data && data.error) || res.status + ' ' + res.statusText);
  return data;
}

function message(text, ok) {
  const m = $('message');
  m.textContent = text || '';
  m.className = ok ? 'ok' : 'error';
}

// Fills TABLE with ROWS; COLUMNS are [key, label key, numeric?] triples.
function fillTable(table, rows, columns, extra) {
  const head = table.querySelector('thead');
  if (head) {
    head.innerHTML = '';
    const tr = head.insertRow();
    columns.forEach(([, label]) => { const th = document.createElement('th'); th.textContent = t(label); tr.appendChild(th); });
    if (extra) tr.appendChild(document.createElement('th'));
  }
  const body = table.querySelector('tbody');
  body.innerHTML = '';
  rows.forEach((row) => {
    const tr = body.insertRow();
    columns.forEach(([key, , numeric]) => {
      const td = tr.insertCell();
      const v = row[key];
      td.textContent = key === 'status' ? t(v) : fmt(v);
      if (key.endsWith('sha256') && typeof v === 'string') { td.textContent = v.slice(0, 12) + '…'; td.title = v; }
      if (numeric) td.className = 'n';
      else if (typeof v === 'string' && ISO_TIME.test(v)) td.className = 'time';
      if (key === 'status') td.className = 'status-' + v;
    });
    if (extra) extra(tr.insertCell(), row);
  });
}

async function loadIndicators() {
  const page = await api('GET', '/api/indicators?limit=1000');
  ['map-indicator', 'chart-indicator', 'data-indicator', 'disp-indicator'].forEach((id) => {
    const sel = $(id);
    const keep = sel.value;
    sel.innerHTML = '';
    page.items.forEach((it) => {
      const o = document.createElement('option');
      o.value = it.code;
      o.textContent = it['name_' + state.lang] || it.name_en || it.code;
      sel.appendChild(o);
    });
    if (keep) sel.value = keep;
    else if ([...sel.options].some((o) => o.value === 'grp_pc_kzt_thousand')) sel.value = 'grp_pc_kzt_thousand';
  });
}

async function loadMap() {
  const q = new URLSearchParams({ indicator: $('map-indicator').value, level: $('map-level').value, lang: state.lang });
  try {
    $('map').innerHTML = await api('GET', '/api/map?' + q); // server-made HTML, every text escaped there
  } catch (e) { $('map').textContent = e.message; }
}

async function loadChart() {
  const q = new URLSearchParams({ section: $('chart-section').value, indicator: $('chart-indicator').value,
    level: 'region', lang: state.lang });
  try {
    $('chart').innerHTML = await api('GET', '/api/chart?' + q); // server-made HTML, every text escaped there
  } catch (e) { $('chart').textContent = e.message; }
}

async function loadData() {
  const q = new URLSearchParams({ indicator: $('data-indicator').value, offset: state.offset, limit: 50 });
  if ($('data-period').value) q.set('period', $('data-period').value);
  if ($('data-level').value) q.set('level', $('data-level').value);
  const page = await api('GET', '/api/observations?' + q);
  fillTable($('data-table'), page.items, [['code', 'code'], ['name_' + state.lang, 'name'], ['period', 'period'],
    ['value', 'value', true]]);
  $('data-page').textContent = `${page.offset + 1}–${page.offset + page.items.length} / ${page.total}`;
}

async function loadSubmissions() {
  const data = await api('GET', '/api/submissions');
  // An edit without a new value removes one: said in words, so that an
  // analyst never approves a removal by mistake for a blank cell.
  data.items.forEach((row) => { if (row.kind === 'edit' && row.value === null) row.value = t('removes'); });
  const central = ['admin', 'central'].includes(state.account.role);
  fillTable($('submissions-table'), data.items, [['id', 'id'], ['kind', 'kind'], ['status', 'status'],
    ['submitted_by', 'by'], ['submitted_at', 'at'], ['file', 'file'], ['unit', 'unit'], ['indicator', 'indicator'],
    ['period', 'period'], ['old_value', 'old', true], ['value', 'new', true], ['rows', 'rows', true]],
  central ? (td, row) => {
    if (row.status !== 'pending') { td.textContent = row.comment || ''; return; }
    const ok = document.createElement('button');
    ok.textContent = t('approve');
    ok.className = 'approve';
    ok.onclick = () => decide(row.id, 'approve');
    const no = document.createElement('button');
    no.textContent = t('reject');
    no.className = 'reject';
    no.onclick = () => decide(row.id, 'reject');
    td.append(ok, ' ', no);
  } : null);
}

async function decide(id, what) {
  let comment = '';
  if (what === 'reject') comment = prompt(t('comment')) || '';
  try {
    await api('POST', `/api/submissions/${id}/${what}`, { comment });
    message(`${t(what === 'approve' ? 'approved' : 'rejected')}: ${id}`, true);
    await Promise.all([loadSubmissions(), loadMap()]);
  } catch (e) { message(e.message); }
}

async function loadMethods() {
  const data = await api('GET', '/api/methodologies');
  const sel = $('pot-method');
  sel.innerHTML = '';
  data.items.forEach((m) => {
    const o = document.createElement('option');
    o.value = m.sha256;
    o.textContent = `${m.name} (${m.sha256.slice(0, 12)})`;
    sel.appendChild(o);
  });
}

async function loadResults() {
  loadMethods().catch((e) => message(e.message));
  const data = await api('GET', '/api/results');
  fillTable($('results-table'), data.items, [['id', 'id'], ['kind', 'kind'], ['created_at', 'at'],
    ['created_by', 'by'], ['horizon', 'horizon', true], ['output_sha256', 'sha']]);
}

async function loadAudit() {
  const data = await api('GET', '/api/audit?limit=200');
  fillTable($('audit-table'), data.items.reverse(), [['id', 'id'], ['at', 'at'], ['account', 'by'],
    ['action', 'action'], ['object', 'object'], ['old_value', 'old'], ['new_value', 'new']]);
}

const loaders = { map: loadMap, charts: loadChart, data: loadData, submissions: loadSubmissions, analysis: loadResults, audit: loadAudit };

function showTab(name) {
  document.querySelectorAll('.tab').forEach((el) => { el.hidden = el.id !== 'tab-' + name; });
  document.querySelectorAll('nav button').forEach((b) => b.classList.toggle('active', b.dataset.tab === name));
  state.tab = name;
  message('');
  loaders[name]().catch((e) => message(e.message));
}

function showApp() {
  $('login-view').hidden = true;
  $('app-view').hidden = false;
  $('logout').hidden = false;
  const a = state.account;
  $('who').textContent = `${a.name} · ${t('role_' + a.role)}${a.scope ? ' · ' + a.scope : ''}`;
  document.querySelectorAll('.central-only').forEach((el) => { el.hidden = !['admin', 'central'].includes(a.role); });
  loadIndicators().then(() => showTab(state.tab || 'map')).catch((e) => message(e.message));
}

function showLogin() {
  $('login-view').hidden = false;
  $('app-view').hidden = true;
  $('logout').hidden = true;
  $('who').textContent = '';
}

async function start() {
  translate();
  $('lang').onchange = () => {
    state.lang = $('lang').value;
    localStorage.setItem('aimaq.lang', state.lang);
    translate();
    if (state.account) showApp();
  };
  $('login-form').onsubmit = async (ev) => {
    ev.preventDefault();
    try {
      const r = await api('POST', '/api/login', { name: $('login-name').value, password: $('login-password').value });
      state.csrf = r.csrf;
      state.account = r.account;
      $('login-error').textContent = '';
      $('login-password').value = '';
      state.tab = 'map';
      showApp();
    } catch (e) { $('login-error').textContent = e.message; }
  };
  $('logout').onclick = async () => {
    try { await api('POST', '/api/logout', {}); } catch (e) { /* the cookie is cleared either way */ }
    state.account = null;
    showLogin();
  };
  document.querySelectorAll('nav button').forEach((b) => { b.onclick = () => showTab(b.dataset.tab); });
  $('map-indicator').onchange = loadMap;
  $('map-level').onchange = loadMap;
  $('chart-indicator').onchange = loadChart;
  $('chart-section').onchange = loadChart;
  $('data-form').onsubmit = (ev) => { ev.preventDefault(); state.offset = 0; loadData().catch((e) => message(e.message)); };
  $('data-prev').onclick = () => { state.offset = Math.max(0, state.offset - 50); loadData().catch((e) => message(e.message)); };
  $('data-next').onclick = () => { state.offset += 50; loadData().catch((e) => message(e.message)); };
  $('upload-form').onsubmit = async (ev) => {
    ev.preventDefault();
    const f = $('upload-file').files[0];
    const q = new URLSearchParams({ name: f.name });
    if ($('upload-indicator').value) q.set('indicator', $('upload-indicator').value);
    if ($('upload-period').value) q.set('period', $('upload-period').value);
    try {
      let r = await api('POST', '/api/uploads?' + q, f, true);
      // A large file is imported in the background (202): follow its job.
      while (r.state === 'queued' || r.state === 'running') {
        $('upload-status').textContent = `${t('import_' + r.state)}: ${r.rows_read} ${t('rows_read')} (${r.percent} %)`;
        $('upload-status').className = '';
        await new Promise((resolve) => setTimeout(resolve, 1000));
        r = await api('GET', `/api/imports/${r.import}`);
      }
      if (r.state === 'failed') throw new Error(r.error);
      const status = r.submission_status || r.status;
      $('upload-status').textContent = `${t(status === 'pending' ? 'sent_pending' : 'sent_live')} (№ ${r.submission})`;
      $('upload-status').className = 'ok';
      await loadSubmissions();
    } catch (e) { $('upload-status').textContent = e.message; $('upload-status').className = 'error'; }
  };
  // The value goes as typed ("2 917,9"): the server reads it with aimaq's
  // number parser and names what it cannot read; the page's language says
  // which mark is decimal when text reads two ways ("1,234").
  const sendEdit = async (change) => {
    try {
      const r = await api('POST', '/api/edits', { unit: $('edit-unit').value, indicator: $('edit-indicator').value,
        period: $('edit-period').value, ...change });
      $('edit-status').textContent = `${t(r.status === 'pending' ? 'sent_pending' : 'sent_live')} (№ ${r.submission})`;
      $('edit-status').className = 'ok';
      await loadSubmissions();
    } catch (e) { $('edit-status').textContent = e.message; $('edit-status').className = 'error'; }
  };
  $('edit-form').onsubmit = (ev) => {
    ev.preventDefault();
    return sendEdit({ value: $('edit-value').value, decimal: state.lang === 'en' ? '.' : ',' });
  };
  $('edit-remove').onclick = () => {
    if (!['edit-unit', 'edit-indicator', 'edit-period'].every((id) => $(id).reportValidity())) return undefined;
    const what = [$('edit-unit').value, $('edit-indicator').value, $('edit-period').value].join(' · ');
    if (!confirm(`${t('confirm_remove')}\n${what}`)) return undefined;
    return sendEdit({ remove: true });
  };
  $('disparity-form').onsubmit = async (ev) => {
    ev.preventDefault();
    const body = { indicator: $('disp-indicator').value, level: 'region' };
    if ($('disp-period').value) body.period = $('disp-period').value;
    if ($('disp-weight').value) body.weight = $('disp-weight').value;
    try {
      const r = await api('POST', '/api/analysis/disparity', body);
      const rows = Object.entries(r.output.measures).map(([k, v]) => ({ measure: k, value: v }));
      fillTable($('disparity-table'), rows, [['measure', 'measure'], ['value', 'value', true]]);
      await loadResults();
    } catch (e) { message(e.message); }
  };
  $('method-form').onsubmit = async (ev) => {
    ev.preventDefault();
    const f = $('method-file').files[0];
    try {
      const r = await api('POST', '/api/methodologies', { name: f.name.replace(/\.ya?ml$/i, ''), text: await f.text() });
      $('method-status').textContent = `${t('stored')}: SHA-256 ${r.sha256}`;
      $('method-status').className = 'ok';
      await loadMethods();
    } catch (e) { $('method-status').textContent = e.message; $('method-status').className = 'error'; }
  };
  $('potential-form').onsubmit = async (ev) => {
    ev.preventDefault();
    const body = { method: $('pot-method').value };
    if ($('pot-level').value) body.level = $('pot-level').value;
    if ($('pot-period').value) body.period = $('pot-period').value;
    if ($('pot-allow').checked) body.allow_missing = 'true';
    try {
      const r = await api('POST', '/api/analysis/potential', body);
      const total = r.output.classes.reduce((a, c) => a + (c.population || 0), 0);
      const rows = r.output.classes.map((c) => ({ ...c, class: t(c.class), share: total ? 100 * (c.population || 0) / total : null }));
      fillTable($('classes-table'), rows, [['class', 'class'], ['count', 'count', true], ['population', 'population', true],
        ['share', 'share', true]]);
      const missing = r.output.missing_indicators || [];
      $('pot-note').textContent = missing.length ? `${t('missing_note')} ${missing.join(', ')}` : '';
      await loadResults();
    } catch (e) { message(e.message); }
  };
  try {
    const me = await api('GET', '/api/me');
    state.csrf = me.csrf;
    state.account = me.account;
    showApp();
  } catch (e) { showLogin(); }
}

document.addEventListener('DOMContentLoaded', start);
