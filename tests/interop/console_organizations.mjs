// The console's organization pages in both variants (see console_lib.mjs),
// driven as an administrator would: the list, a new organization, its
// page, adding two existing accounts, inviting someone (the link shown
// once), changing a role, removing a member through the confirmation.
// CONFIG adds { members: [email, email] } (accounts that exist).
// Result: { orgs: { variant: organization id } }.
import { run } from './console_lib.mjs';

/** Click `button` and wait for the page it loads to match `url`. */
async function submit(page, button, url) {
  await Promise.all([page.waitForURL(url), button.click()]);
  await page.waitForLoadState('domcontentloaded');
}

await run(async (ctx) => {
  const [stays, leaves] = ctx.config.members;
  const orgs = {};
  for (const v of ctx.variants) {
    const page = await ctx.open(v);
    await ctx.visit(v, page, '/admin/organizations', 'organizations');
    ctx.expect(await page.locator('table a', { hasText: 'Acme' }).count() === 1, 'Acme is listed');

    // A new organization.
    await submit(page, page.locator('a[href="/admin/organizations/new"]'), /\/admin\/organizations\/new$/);
    await ctx.shot(v, page, 'organization-new');
    const name = `Team ${v.name}`;
    await page.locator('#org-name').fill(name);
    await submit(page, page.locator('form[action="/admin/organizations"] button[type=submit]'), /notice=org_created/);
    const id = new URL(page.url()).pathname.split('/').pop();
    orgs[v.name] = id;
    ctx.expect(await page.locator('h1').textContent() === name, 'the page of the new organization');
    ctx.expect(await page.locator('[role=status]').count() === 1, 'a success notice');

    // Two existing accounts join.
    for (const [email, role] of [[stays, 'member'], [leaves, 'auditor']]) {
      await page.locator('#add-email').fill(email);
      await page.locator('#add-role').selectOption(role);
      await submit(page, page.locator(`form[action="/admin/organizations/${id}/members"] button[type=submit]`), /notice=org_member_added/);
    }
    ctx.expect(await page.locator('.org-members tbody tr').count() === 2, 'two members');

    // An invitation: the link is shown once.
    await page.locator('#invite-email').fill(`new-${v.name}@example.com`);
    await page.locator('#invite-role').selectOption('admin');
    await submit(page, page.locator(`form[action="/admin/organizations/${id}/invitations"] button[type=submit]`), /\/invitations$/);
    const link = await page.locator('#invite-link').textContent();
    ctx.expect(link.includes('/invitation?token='), `the invitation link (${link})`);
    await ctx.shot(v, page, 'organization-invited');
    await submit(page, page.locator(`main a.button-primary[href="/admin/organizations/${id}"]`), new RegExp(`/admin/organizations/${id}$`));
    const invited = page.locator('tr', { has: page.locator('td > span.break', { hasText: `new-${v.name}@example.com` }) });
    ctx.expect(await invited.count() === 1, 'the invitation is listed');

    // An invitation is revoked after confirming.
    await invited.locator('details.confirm > summary').click();
    await ctx.shot(v, page, 'organization-revoke-invitation');
    await submit(page, invited.locator('form[action$="/revoke"] button[type=submit]'), /notice=org_invitation_revoked/);
    ctx.expect(await page.locator('td > span.break', { hasText: `new-${v.name}@example.com` }).count() === 0, 'the revoked invitation is gone');

    // A role changes.
    const first = page.locator('.org-members tbody tr', { hasText: stays });
    await first.locator('select[name=role]').selectOption('admin');
    await submit(page, first.locator('form[action$="/role"] button[type=submit]'), /notice=org_role_changed/);
    ctx.expect(await page.locator('.org-members tbody tr', { hasText: stays }).locator('select[name=role]').inputValue() === 'admin', 'the new role shows');

    // A member leaves, after confirming.
    const second = page.locator('.org-members tbody tr', { hasText: leaves });
    await second.locator('details.confirm > summary').click();
    const yes = second.locator('details.confirm form button[type=submit]');
    ctx.expect(await yes.isVisible(), 'the confirmation opens');
    await ctx.shot(v, page, 'organization-remove-confirm');
    await submit(page, yes, /notice=org_member_removed/);
    ctx.expect(await page.locator('.org-members tbody tr', { hasText: leaves }).count() === 0, 'the member is gone');
    await ctx.shot(v, page, 'organization');

    // The list finds it.
    await page.goto(`${ctx.base}/admin/organizations?q=${encodeURIComponent(v.name)}`);
    ctx.expect(await page.locator('table tbody tr').count() === 1, 'the search finds the new organization');
  }
  return { orgs };
});
