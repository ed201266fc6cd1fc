// The console's provider wizard for a SAML 2.0 identity provider in
// Chromium (see console_lib.mjs), in both variants: the SAML card, what to
// register at the IdP (entity ID, ACS URL, metadata URL — they hold the
// provider's id, shown before saving), a metadata URL the outbound rules
// or the checks refuse shown next to its field, the provider created from
// the pysaml2 IdP's metadata URL of config {metadataUrl} (first variant)
// or its metadata file {metadataXml} loaded into the form (second), its page showing
// the same addresses with a link to our SP metadata, and "test connection"
// passing every step.
// Returns {created: [ids], passed: [count per variant], acs: [urls]}.
import { run } from './console_lib.mjs';

await run(async (ctx) => {
  const c = ctx.config;
  const created = [];
  const passed = [];
  const acs = [];
  for (const v of ctx.variants) {
    const page = await ctx.open(v);
    await ctx.visit(v, page, '/admin/providers/new', 'saml-choose');
    ctx.expect(await page.locator('#kind-saml:disabled').count() === 0, 'the SAML card is available');
    await page.locator('label[for="kind-saml"]').click();
    await page.locator('form[action="/admin/providers/new"] button[type=submit]').click();
    await page.waitForURL((u) => u.pathname === '/admin/providers/new' && u.searchParams.get('kind') === 'saml');
    const id = new URL(page.url()).searchParams.get('id');
    ctx.expect(await page.locator('#callback-url').count() === 0, 'no OIDC callback URL');
    const entity = (await page.locator('#sp-entity-id').innerText()).trim();
    const acsUrl = (await page.locator('#sp-acs-url').innerText()).trim();
    ctx.expect(entity === `${ctx.base}/saml/${id}`, `the entity ID before saving: ${entity}`);
    ctx.expect(acsUrl === `${ctx.base}/saml/${id}/acs`, `the ACS URL before saving: ${acsUrl}`);
    ctx.expect((await page.locator('#sp-metadata-url').innerText()).trim() === `${ctx.base}/saml/${id}/metadata`, 'the SP metadata URL');
    ctx.expect(await page.locator('#f-client-id').count() === 0, 'no client ID');
    await ctx.shot(v, page, 'saml-new');

    // Not metadata: refused next to the field, nothing saved.
    const name = `Corp SAML (${v.name})`;
    await page.locator('#f-name').fill(name);
    await page.locator('#f-metadata-url').fill(c.notMetadataUrl);
    page.expectedFailures.push(new RegExp(`^${ctx.base}/admin/providers/new$`));
    await page.locator('form.provider-form button[type=submit]').click();
    await page.locator('#f-metadata-url-error').waitFor();
    ctx.expect(await page.locator('#f-metadata-url[aria-invalid="true"]').count() === 1, 'the metadata URL is marked');
    ctx.expect((await page.locator('#sp-entity-id').innerText()).trim() === entity, 'the same id after a refusal');
    await ctx.shot(v, page, 'saml-refused');

    // The first variant gives the metadata URL; the second loads the
    // metadata file into the document field (the form posts its text).
    const byUrl = created.length === 0;
    if (byUrl) {
      await page.locator('#f-metadata-url').fill(c.metadataUrl);
    } else {
      await page.locator('#f-metadata-url').fill('');
      await page.locator('#f-metadata-file').setInputFiles({
        name: 'idp-metadata.xml', mimeType: 'application/xml', buffer: Buffer.from(c.metadataXml),
      });
      await page.locator('#f-metadata-file-status:not(:empty)').waitFor();
      ctx.expect((await page.locator('#f-metadata-xml').inputValue()).includes('EntityDescriptor'), 'the file is in the document field');
    }
    await page.locator('#f-saml-preset').selectOption('okta');
    await ctx.shot(v, page, 'saml-filled');
    await page.locator('form.provider-form button[type=submit]').click();
    await page.waitForURL((u) => u.pathname === `/admin/providers/${id}`);
    created.push(id);
    ctx.expect((await page.locator('#sp-acs-url').innerText()).trim() === acsUrl, 'the page shows the ACS URL');
    ctx.expect((await page.locator('#sp-entity-id').innerText()).trim() === entity, 'the page shows the entity ID');
    ctx.expect(await page.locator('#sp-metadata-link').getAttribute('href') === `${ctx.base}/saml/${id}/metadata`, 'a link to our SP metadata');
    ctx.expect(await page.locator('#f-metadata-url').inputValue() === (byUrl ? c.metadataUrl : ''), 'the metadata URL is shown');
    ctx.expect(await page.locator('#f-attribute-email').inputValue() === 'email', "the preset's email attribute");
    acs.push(acsUrl);
    await ctx.shot(v, page, 'saml-created');

    await page.locator('form[action$="/test#test"] button').click();
    await page.locator('.checks').waitFor();
    const ok = await page.locator('.check-passed').count();
    const failed = await page.locator('.check-failed').count();
    ctx.expect(ok === 4 && failed === 0, `test connection: ${ok} passed, ${failed} failed`);
    passed.push(ok);
    await ctx.shot(v, page, 'saml-test-passed');
  }
  return { created, passed, acs };
});
