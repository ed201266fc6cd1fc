// A stand-in for GitHub's OAuth and REST API (the machines have no
// internet), for the federation tests: GitHub Enterprise Server layout,
// web at http://127.0.0.1:PORT and API at http://127.0.0.1:PORT/api/v3.
//
// Usage: node github_standin.mjs PORT
// Prints one JSON line {"web": ..., "api": ...} when listening.
// The authorize page answers at once (as if the person clicked Authorize),
// redirecting to redirect_uri with a code. Each client id is a scenario:
//   gh-private:    /user has email null; /user/emails has a primary
//                  verified address (the common "private email" case);
//   gh-unverified: no verified address at all.
// The code exchange checks client_secret "gh-secret", the redirect_uri and
// the PKCE verifier (S256) like GitHub does.
import http from 'node:http';
import crypto from 'node:crypto';

const port = Number(process.argv[2]);
const base = `http://127.0.0.1:${port}`;
const codes = new Map(); // code -> {client, redirect, challenge}
const tokens = new Map(); // token -> client

const users = {
  'gh-private': {
    user: { id: 4242, login: 'octocat', name: 'Mona Octocat', email: null },
    emails: [
      { email: 'octo-old@users.example', primary: false, verified: false },
      { email: 'mona@octo.example', primary: true, verified: true },
    ],
  },
  'gh-unverified': {
    user: { id: 777, login: 'ghost', name: null, email: null },
    emails: [{ email: 'ghost@octo.example', primary: true, verified: false }],
  },
};

function json(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function readBody(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, base);
  if (req.method === 'GET' && url.pathname === '/login/oauth/authorize') {
    const p = url.searchParams;
    if (!users[p.get('client_id')] || p.get('code_challenge_method') !== 'S256') {
      return json(res, 400, { error: 'bad authorize request' });
    }
    const code = crypto.randomBytes(16).toString('hex');
    codes.set(code, { client: p.get('client_id'), redirect: p.get('redirect_uri'), challenge: p.get('code_challenge') });
    const back = new URL(p.get('redirect_uri'));
    back.searchParams.set('code', code);
    back.searchParams.set('state', p.get('state'));
    res.writeHead(302, { location: back.toString() });
    return res.end();
  }
  if (req.method === 'POST' && url.pathname === '/login/oauth/access_token') {
    const p = await readBody(req);
    const grant = codes.get(p.get('code'));
    codes.delete(p.get('code'));
    const challenge = crypto.createHash('sha256').update(p.get('code_verifier') ?? '').digest('base64url');
    if (!grant || grant.client !== p.get('client_id') || p.get('client_secret') !== 'gh-secret'
        || grant.redirect !== p.get('redirect_uri') || grant.challenge !== challenge) {
      return json(res, 200, { error: 'bad_verification_code' });
    }
    const token = `gho_${crypto.randomBytes(16).toString('hex')}`;
    tokens.set(token, grant.client);
    return json(res, 200, { access_token: token, token_type: 'bearer', scope: 'read:user,user:email' });
  }
  const client = tokens.get((req.headers.authorization ?? '').replace(/^Bearer /, ''));
  if (req.method === 'GET' && url.pathname === '/api/v3/user' && client) return json(res, 200, users[client].user);
  if (req.method === 'GET' && url.pathname === '/api/v3/user/emails' && client) return json(res, 200, users[client].emails);
  return json(res, 401, { message: 'Requires authentication' });
});
server.listen(port, '127.0.0.1', () => {
  console.log(JSON.stringify({ web: base, api: `${base}/api/v3` }));
});
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => server.close(() => process.exit(0)));
