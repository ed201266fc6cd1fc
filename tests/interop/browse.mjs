// A tiny scripted "browser" for Ostiary's hosted pages (and, for checking the
// scripts without Ostiary, oidc-provider's dev interaction pages): a cookie
// jar, manual redirects, and an HTML form driver that keeps hidden inputs
// (CSRF tokens), fills email/password and approves consent or device pages.
// No dependencies: used by oidc_client.mjs and benches/code_roundtrip.mjs.

/** Cookie jar keyed by name (one origin per jar is all these scripts need). */
export class CookieJar {
  constructor() {
    this.cookies = new Map();
  }

  /** Remember every Set-Cookie of a fetch Response (Max-Age=0 deletes). */
  store(response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq < 1) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => {
        const [k, v] = a.trim().split('=');
        if (k.toLowerCase() === 'max-age') return Number(v) <= 0;
        if (k.toLowerCase() === 'expires') return Date.parse(v) < Date.now();
        return false;
      });
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

export function decodeEntities(s) {
  return s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (m, e) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return String.fromCodePoint(code);
    }
    return ENTITIES[e.toLowerCase()] ?? m;
  });
}

function attrs(tag) {
  const out = {};
  const re = /([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
  // Skip the tag name.
  const body = tag.replace(/^<\s*[a-zA-Z]+/, '').replace(/\/?>$/, '');
  let m;
  while ((m = re.exec(body))) {
    out[m[1].toLowerCase()] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? '');
  }
  return out;
}

/**
 * Every <form> of a page with its inputs and submit buttons. Buttons outside
 * the form element that point at it with `form="id"` count too.
 */
export function parseForms(html) {
  const forms = [];
  const formRe = /<form\b[^>]*>([\s\S]*?)<\/form>/gi;
  let m;
  while ((m = formRe.exec(html))) {
    const open = m[0].match(/^<form\b[^>]*>/i)[0];
    const a = attrs(open);
    const form = {
      id: a.id,
      action: a.action ?? '',
      method: (a.method ?? 'get').toLowerCase(),
      inputs: [],
      buttons: [],
    };
    const inner = m[1];
    for (const t of inner.match(/<input\b[^>]*>/gi) ?? []) {
      const ia = attrs(t);
      const type = (ia.type ?? 'text').toLowerCase();
      if (type === 'submit') form.buttons.push({ name: ia.name, value: ia.value ?? '' });
      else form.inputs.push({ name: ia.name, value: ia.value ?? '', type, checked: 'checked' in ia });
    }
    for (const t of inner.match(/<textarea\b[^>]*>/gi) ?? []) {
      const ia = attrs(t);
      form.inputs.push({ name: ia.name, value: '', type: 'textarea' });
    }
    for (const t of inner.match(/<button\b[^>]*>/gi) ?? []) {
      const ba = attrs(t);
      if ((ba.type ?? 'submit').toLowerCase() === 'submit') form.buttons.push({ name: ba.name, value: ba.value ?? '' });
    }
    forms.push(form);
  }
  // Buttons and inputs associated by the form="" attribute.
  for (const t of html.match(/<(button|input)\b[^>]*\bform\s*=[^>]*>/gi) ?? []) {
    const ba = attrs(t);
    const target = forms.find((f) => f.id && f.id === ba.form);
    if (!target) continue;
    const isButton = /^<button/i.test(t) || (ba.type ?? '').toLowerCase() === 'submit';
    if (isButton) target.buttons.push({ name: ba.name, value: ba.value ?? '' });
    else target.inputs.push({ name: ba.name, value: ba.value ?? '', type: (ba.type ?? 'text').toLowerCase() });
  }
  return forms;
}

/** Decisions a form driver picks, in order of preference; never these. */
const REFUSE = /^(deny|abort|cancel|reject|no)$/i;

/**
 * Fill a form the way a user who says "yes" would: email/login and password
 * from `credentials`, `user_code` when given, hidden inputs kept, and the
 * submit button that approves (decision=allow) rather than refuses.
 * Returns URLSearchParams, or null when the form is not one we understand.
 */
export function fillForm(form, credentials = {}) {
  const body = new URLSearchParams();
  for (const input of form.inputs) {
    if (!input.name) continue;
    const name = input.name;
    if ((input.type === 'checkbox' || input.type === 'radio') && !input.checked) continue;
    if (name === 'email' || name === 'login' || name === 'username') body.append(name, credentials.email ?? '');
    else if (name === 'password') body.append(name, credentials.password ?? '');
    else if (name === 'user_code' && credentials.userCode && !input.value) body.append(name, credentials.userCode);
    else body.append(name, input.value);
  }
  const named = form.buttons.filter((b) => b.name);
  const allow = named.find((b) => /^(allow|approve|accept|yes|confirm)$/i.test(b.value) && !REFUSE.test(b.name));
  if (allow) body.append(allow.name, allow.value);
  else {
    const neutral = named.find((b) => !REFUSE.test(b.name) && !REFUSE.test(b.value));
    if (neutral) body.append(neutral.name, neutral.value);
  }
  return body;
}

/** Pick the form a user would submit on this page. */
export function pickForm(forms) {
  return (
    forms.find((f) => f.inputs.some((i) => i.name === 'password')) ??
    forms.find((f) => f.buttons.some((b) => b.name === 'decision')) ??
    forms.find((f) => f.inputs.some((i) => i.name === 'user_code')) ??
    forms.find((f) => f.method === 'post' && !/logout|end_session/.test(f.action)) ??
    null
  );
}

/**
 * Browse from `url` following redirects and submitting forms until a
 * redirect leaves for a URL that starts with `stopPrefix` (the client's
 * redirect_uri), which is returned without being fetched. Throws with the
 * path it took when it gets stuck. `trace` collects the steps.
 */
export async function browseUntil(jar, url, stopPrefix, credentials = {}, opts = {}) {
  const maxSteps = opts.maxSteps ?? 20;
  const trace = opts.trace ?? [];
  let method = 'GET';
  let body;
  let current = new URL(url);
  for (let step = 0; step < maxSteps; step++) {
    if (current.href.startsWith(stopPrefix)) return current;
    const headers = { cookie: jar.header(), accept: 'text/html' };
    if (body) headers['content-type'] = 'application/x-www-form-urlencoded';
    if (method === 'POST') headers.origin = current.origin;
    const res = await fetch(current, { method, body, headers, redirect: 'manual' });
    jar.store(res);
    trace.push(`${method} ${current.pathname} -> ${res.status}`);
    if (res.status >= 300 && res.status < 400) {
      const loc = res.headers.get('location');
      await res.body?.cancel();
      if (!loc) throw new Error(`redirect without Location: ${trace.join(', ')}`);
      current = new URL(loc, current);
      method = 'GET';
      body = undefined;
      continue;
    }
    const html = await res.text();
    if (res.status !== 200) {
      throw new Error(`HTTP ${res.status} while browsing (${trace.join(', ')}): ${html.slice(0, 300)}`);
    }
    const form = pickForm(parseForms(html));
    if (!form) {
      if (opts.acceptPage?.(html, current)) return current;
      throw new Error(`stuck on a page without a usable form (${trace.join(', ')}): ${html.replace(/\s+/g, ' ').slice(0, 300)}`);
    }
    if (opts.onForm) opts.onForm(form, current, html);
    const filled = fillForm(form, credentials);
    const action = new URL(form.action || current.href, current);
    if (form.method === 'post') {
      method = 'POST';
      body = filled.toString();
      current = action;
    } else {
      for (const [k, v] of filled) action.searchParams.set(k, v);
      method = 'GET';
      body = undefined;
      current = action;
    }
  }
  throw new Error(`too many steps: ${trace.join(', ')}`);
}
