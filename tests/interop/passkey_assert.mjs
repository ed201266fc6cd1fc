// One WebAuthn assertion in headless Chromium, for server-side ceremonies
// the hosted pages do not start themselves (the MFA second-factor API):
// imports a credential exported from a CDP virtual authenticator, runs
// navigator.credentials.get() with the given options on BASE_URL's origin
// and prints the credential JSON as the server expects it.
// Usage: node passkey_assert.mjs BASE_URL OPTIONS_JSON CREDENTIAL_JSON
import { chromium } from 'playwright-core';

const [base, optionsJson, credentialJson] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const context = await browser.newContext();
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2', transport: 'internal', hasResidentKey: true,
      hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true,
    },
  });
  const exported = JSON.parse(credentialJson);
  await cdp.send('WebAuthn.addCredential', {
    authenticatorId,
    credential: {
      credentialId: exported.credentialId,
      isResidentCredential: exported.isResidentCredential,
      rpId: exported.rpId,
      privateKey: exported.privateKey,
      userHandle: exported.userHandle,
      signCount: exported.signCount,
    },
  });
  await page.goto(base + '/login');
  const assertion = await page.evaluate(async (options) => {
    const buf = (s) => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')
      .padEnd(Math.ceil(s.length / 4) * 4, '=')), (c) => c.charCodeAt(0)).buffer;
    const b64 = (b) => (b ? btoa(String.fromCharCode(...new Uint8Array(b)))
      .replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '') : null);
    const pk = { ...options.publicKey, challenge: buf(options.publicKey.challenge) };
    pk.allowCredentials = (pk.allowCredentials || []).map((c) => ({ ...c, id: buf(c.id) }));
    const cred = await navigator.credentials.get({ publicKey: pk });
    return {
      id: cred.id,
      rawId: b64(cred.rawId),
      type: cred.type,
      response: {
        authenticatorData: b64(cred.response.authenticatorData),
        clientDataJSON: b64(cred.response.clientDataJSON),
        signature: b64(cred.response.signature),
        userHandle: b64(cred.response.userHandle),
      },
      extensions: cred.getClientExtensionResults(),
    };
  }, JSON.parse(optionsJson));
  console.log(JSON.stringify(assertion));
} catch (e) {
  console.error(e);
  process.exitCode = 1;
} finally {
  await browser.close();
}
