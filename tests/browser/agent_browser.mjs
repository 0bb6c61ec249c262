// agent_browser.mjs: the customer's loop closed in Chromium: an agent signs
// in through /login, opens a ticket, inserts a suggested article's link and
// a macro into the reply, replies and solves in one submit; the customer
// opens the status link, rates the support (good, with a reason) and sees
// the rating recorded; /admin shows it in the CSAT figures.
//
//   node tests/browser/agent_browser.mjs BASE DATA_DIR
//
// Every check is counted; a step that throws counts as one failure. Prints
// "N passed, M failed", exit status 1 on failure. Screenshots to tests/out/:
// agent-reply.png (the reply before submit), agent-solved.png,
// agent-rated.png, agent-admin-csat.png.

import { join } from 'node:path';

import { OUT, TIMEOUT, DESKTOP, args, check, step, finish, hcctl, launch, staffLogin } from './harness.mjs';

const { BASE, DATA } = args('agent_browser.mjs', true);
const RUN = Date.now().toString(36);

function newToken(role) {
	const m = hcctl(DATA, 'token', 'add', role, `${role}-browser-${RUN}`).match(/hc_[0-9a-f]{40}/);
	if (!m)
		throw new Error(`hcctl token add ${role}: no token`);
	return m[0];
}

// Console errors (CSP violations among them) of a page, collected.
function watch(page, label, problems) {
	page.on('console', (m) => {
		if (m.type() === 'error' || /Content[- ]Security[- ]Policy/i.test(m.text()))
			problems.push(`${label}: ${m.text()}`);
	});
	page.on('pageerror', (e) => problems.push(`${label}: ${e.message}`));
}

const browser = await launch();
const problems = [];
let ref = null, statusUrl = null, reply = '';

await step('a customer\'s ticket about a refund (API)', async () => {
	const r = await fetch(`${BASE}/api/v1/tickets`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json', 'Accept-Language': 'zh-CN' },
		body: JSON.stringify({ name: '王芳', email: `wf-${RUN}@example.com`,
		    subject: `退款什么时候到账 ${RUN}`, body: '我申请了退款，一周了还没到账。' }),
	});
	const j = await r.json();
	check('the ticket is created', r.status === 201 && /^HC-\d{4}-\d{6}$/.test(j.ref || ''),
	    `${r.status} ${JSON.stringify(j).slice(0, 200)}`);
	ref = j.ref;
	statusUrl = new URL(j.url, BASE).href;
});

await step('agent: sign in, insert a suggested link and a macro, reply and solve', async () => {
	const ctx = await browser.newContext({ ...DESKTOP, locale: 'zh-CN' });
	check('the agent signs in through /login', await staffLogin(ctx, BASE, newToken('agent'), '/agent'));
	const page = await ctx.newPage();
	page.setDefaultTimeout(TIMEOUT);
	watch(page, 'agent', problems);
	await page.goto(`${BASE}/agent`);
	const link = page.locator(`a[href="/agent/tickets/${ref}"]`).first();
	check('the ticket is in the agent\'s queue', await link.count() === 1);
	await Promise.all([page.waitForURL(`**/agent/tickets/${ref}`), link.click()]);

	const box = page.locator('#tk-agent-body');
	const suggest = page.locator('.tk-ws-list button.tk-insert:not([data-macro])').first();
	await suggest.waitFor({ state: 'visible' });
	const linkText = await suggest.getAttribute('data-insert');
	check('a suggested article has a visible insert button', !!linkText, linkText);
	await suggest.click();
	check('the article link is in the reply', (await box.inputValue()) === linkText,
	    await box.inputValue());
	check('the link is to an article', /\/articles\/[a-z0-9-]+/.test(linkText || ''), linkText);

	const macro = page.locator('button.tk-insert[data-macro="refund-on-the-way"]');
	check('the refund macro has a visible insert button', await macro.isVisible());
	await macro.click();
	reply = await box.inputValue();
	check('the macro is appended after a blank line, filled in (name, ref)',
	    reply.startsWith(`${linkText}\n\n`) && reply.includes('王芳') &&
	    reply.includes(ref) && !reply.includes('{{'), reply.slice(0, 200));
	await page.selectOption('#c-status', 'solved');
	await page.screenshot({ path: join(OUT, 'agent-reply.png'), fullPage: true });
	await Promise.all([page.waitForURL(`**/agent/tickets/${ref}**`),
	    page.click('#tk-reply-form button[name="action"][value="reply"]')]);
	const text = await page.textContent('main');
	check('the reply is on the ticket', text.includes('款项将在') && text.includes(ref));
	check('the ticket is solved in the same submit',
	    await page.$eval('#c-status', (s) => s.value) === 'solved');
	await page.screenshot({ path: join(OUT, 'agent-solved.png'), fullPage: true });
	await ctx.close();
});

await step('customer: the status link, the reply, and a rating', async () => {
	const ctx = await browser.newContext({ ...DESKTOP, locale: 'zh-CN' });
	const page = await ctx.newPage();
	page.setDefaultTimeout(TIMEOUT);
	watch(page, 'customer', problems);
	await page.goto(`${statusUrl}#rate`);
	check('the customer sees the agent\'s reply', (await page.textContent('main')).includes('款项将在'));
	check('the rating form is offered once solved', await page.isVisible('#rate form'));
	await page.check('#cs-good');
	const reason = page.locator('.tk-csat-good input[name="reason"]').first();
	await reason.waitFor({ state: 'visible' });
	await reason.check();
	await page.fill('#cs-comment', `很快就解决了 ${RUN}`);
	await Promise.all([page.waitForURL(/#rate$/),
	    page.click('#rate form button[type="submit"]')]);
	const now = page.locator('.tk-csat-now');
	check('the rating is recorded and shown', await now.isVisible() &&
	    (await now.textContent()).trim().length > 0, await now.count());
	check('the recorded rating is the one given', await page.isChecked('#cs-good'));
	await page.screenshot({ path: join(OUT, 'agent-rated.png'), fullPage: true });
	await ctx.close();
});

await step('editor: /admin shows the rating in CSAT', async () => {
	const ctx = await browser.newContext({ ...DESKTOP, locale: 'zh-CN' });
	check('the editor signs in through /login', await staffLogin(ctx, BASE, newToken('editor'), '/admin'));
	const page = await ctx.newPage();
	page.setDefaultTimeout(TIMEOUT);
	watch(page, 'editor', problems);
	await page.goto(`${BASE}/admin`);
	const rows = await page.$$eval('section[aria-labelledby="an-cs"] table tbody tr',
	    (trs) => trs.map((tr) => Array.from(tr.cells, (c) => c.textContent.trim())));
	// A row whose answered and good counts are at least one.
	const answered = rows.some((r) => Number(r[2]) >= 1 && Number(r[3]) >= 1);
	check('the CSAT table counts an answered, good rating', answered, JSON.stringify(rows).slice(0, 300));
	await page.locator('section[aria-labelledby="an-cs"]').screenshot({ path: join(OUT, 'agent-admin-csat.png') });
	await ctx.close();
});

check('no console error or CSP violation', problems.length === 0, problems.join(' | '));
await browser.close();
finish('agent');
