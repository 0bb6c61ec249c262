// tickets_browser.mjs: from a "No" on an article to an agent's answer, in
// Chromium: a customer on a phone votes No, follows "contact support", gets
// suggestions while typing, meets a field error, submits and lands on the
// status page; an agent logs in, finds the ticket in /agent, replies; the
// customer sees the reply.
//
//   node tests/browser/tickets_browser.mjs BASE DATA_DIR
//
// Every check is counted; a step that throws counts as one failure. Prints
// "N passed, M failed", exit status 1 on failure. Screenshots to tests/out/:
// ticket-form-phone.png, ticket-status.png, agent-queue.png.

import { join } from 'node:path';
import { execFileSync } from 'node:child_process';

import { OUT, TIMEOUT, PHONE, DESKTOP, args, check, step, finish, hcctl, launch } from './harness.mjs';

const { BASE, DATA } = args('tickets_browser.mjs', true);
const MIN_FILL_MS = 2300;	// the form's minimum fill time (2 s) and a margin
const CJK = /[\u3400-\u9fff]/;
const SLUG = 'payment-methods';	// in the starter articles (orders-payment)
const RUN = Date.now().toString(36);

// Console errors, page errors, CSP violations and failed subresources per
// context (as in browse.mjs). A form answered 400 on purpose is a document
// and logs "Failed to load resource" for it: that one is expected.
async function watch(context, label) {
	const problems = [];
	await context.addInitScript(() => {
		window.__csp = [];
		document.addEventListener('securitypolicyviolation', (e) => {
			window.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`);
		});
	});
	context.on('page', (page) => {
		page.on('console', (m) => {
			if (/\/favicon\.ico$/.test((m.location() || {}).url || ''))
				return;
			if (m.type() === 'error' && /status of 400/.test(m.text()) &&
			    /\/tickets\/new$/.test((m.location() || {}).url || ''))
				return;
			if (m.type() === 'error' ||
			    /Content[- ]Security[- ]Policy/i.test(m.text()))
				problems.push(`${label} console ${m.type()}: ${m.text()} @ ${page.url()}`);
		});
		page.on('pageerror', (e) => problems.push(`${label} page error: ${e.message} @ ${page.url()}`));
		page.on('requestfailed', (r) => {
			if (r.failure() && /ERR_ABORTED/.test(r.failure().errorText))
				return;
			problems.push(`${label} request failed: ${r.url()} ${r.failure() && r.failure().errorText}`);
		});
		page.on('response', (r) => {
			if (r.status() >= 400 && r.request().resourceType() !== 'document')
				problems.push(`${label} ${r.status()} for ${r.request().resourceType()} ${r.url()}`);
		});
	});
	return problems;
}

async function noProblems(page, problems, what) {
	const csp = await page.evaluate(() => window.__csp || []);
	const p = problems.concat(csp.map((c) => `CSP: ${c}`));
	check(`no console errors, page errors, failed requests or CSP violations (${what})`,
	    p.length === 0, p.join(' | '));
}

async function noHorizontalScroll(page, what) {
	const r = await page.evaluate(() => ({
		sw: document.documentElement.scrollWidth,
		cw: document.documentElement.clientWidth }));
	check(`no horizontal scrollbar on the phone (${what}): ${r.sw} <= ${r.cw}`,
	    r.sw <= r.cw);
}

async function shot(page, file) {
	await page.screenshot({ path: join(OUT, file), fullPage: true });
	console.log(`      screenshot tests/out/${file}`);
}

const browser = await launch();

// Shared between steps.
let articleTitle = null;
let statusUrl = null;
let ref = null;
const subject = `支付失败了怎么办 ${RUN}`;
const reply = `您好，请换一张银行卡再试。${RUN}`;

try {
	const phone = await browser.newContext({ ...PHONE, locale: 'zh-CN' });
	phone.setDefaultTimeout(TIMEOUT);
	const cw = await watch(phone, 'customer');
	const page = await phone.newPage();

	await step('customer: an article on a phone, No, a reason', async () => {
		const resp = await page.goto(`${BASE}/articles/${SLUG}`);
		check(`/articles/${SLUG} answers 200`, resp && resp.status() === 200,
		    resp && resp.status());
		articleTitle = (await page.textContent('main h1')).trim();
		await page.click('.fb-vote button[value="no"]');
		await page.waitForSelector('.fb-reasons', { state: 'visible' });
		check('the reasons appear after No', await page.isVisible(
		    '.fb-reasons button[value="unclear"]'));
		const answer = page.waitForResponse((r) =>
		    r.url().endsWith('/feedback') && r.request().method() === 'POST');
		await page.click('.fb-reasons button[value="unclear"]');
		const r = await answer;
		check('the reason is saved (200 replaces the No)', r.status() === 200,
		    r.status());
		await page.waitForSelector('.fb-thanks', { state: 'visible' });
		check('"contact support" is offered', await page.isVisible('.fb-contact a'));
	});

	let formLoadedAt = 0;
	await step('customer: "contact support" opens the form for this article', async () => {
		await Promise.all([page.waitForURL(/\/tickets\/new\?/),
		    page.click('.fb-contact a')]);
		formLoadedAt = Date.now();
		const u = new URL(page.url());
		check('the form is opened with article & from=feedback',
		    u.searchParams.get('article') === SLUG &&
		    u.searchParams.get('from') === 'feedback', page.url());
		const came = (await page.textContent('.tk-came-from')) || '';
		check('the form names the article', came.includes(articleTitle),
		    `${came} / ${articleTitle}`);
		// The honeypot is moved off-screen (people never see it; bots fill it).
		const hp = await page.$eval('#tk-website', (el) => {
			const b = el.getBoundingClientRect();
			return { right: b.right, tab: el.tabIndex, value: el.value };
		});
		check('the honeypot is off-screen, out of the tab order and empty',
		    hp.right <= 0 && hp.tab === -1 && hp.value === '', JSON.stringify(hp));
		await noHorizontalScroll(page, 'contact form');
	});

	await step('customer: typing the subject shows matching articles', async () => {
		const asked = page.waitForResponse((r) =>
		    r.url().includes('/api/v1/tickets/suggest?q='));
		await page.type('#tk-subject', subject, { delay: 40 });
		const r = await asked;
		check('suggestions asked while typing', r.status() === 200, r.status());
		await page.waitForSelector('#tk-suggestions li a');
		const items = await page.$$eval('#tk-suggestions li a', (as) =>
		    as.map((a) => ({ text: a.textContent, href: a.getAttribute('href') })));
		check('suggested articles appear', items.length > 0 &&
		    items.every((i) => i.href.startsWith('/tickets/suggested?to=')),
		    JSON.stringify(items));
		check('a suggestion is about the subject (支付)',
		    items.some((i) => i.text.includes('支付')), JSON.stringify(items));
		await shot(page, 'ticket-form-phone.png');
	});

	await step('customer: an empty email is refused in the page language, text kept', async () => {
		await page.fill('#tk-name', '李雷');
		await page.fill('#tk-body', `我的银行卡付款失败了。\n已经试了两次。${RUN}`);
		// Past the minimum fill time, so the answer is about the email.
		await page.waitForTimeout(Math.max(0, formLoadedAt + MIN_FILL_MS - Date.now()));
		await Promise.all([page.waitForLoadState('load'),
		    page.waitForURL(/\/tickets\/new$/),
		    page.click('.tk-form > button[type="submit"]')]);
		check('the email field shows an error', await page.isVisible('#tk-email-err'));
		const err = (await page.textContent('#tk-email-err')) || '';
		check('the error is in Chinese', CJK.test(err), err);
		check('<html lang="zh-CN">', await page.getAttribute('html', 'lang') === 'zh-CN');
		check('the email field is marked invalid',
		    await page.getAttribute('#tk-email', 'aria-invalid') === 'true');
		check('the subject is kept', await page.inputValue('#tk-subject') === subject,
		    await page.inputValue('#tk-subject'));
		check('the description is kept', (await page.inputValue('#tk-body')).includes(
		    '已经试了两次'), await page.inputValue('#tk-body'));
		check('the name is kept', await page.inputValue('#tk-name') === '李雷');
		check('the article is still named', ((await page.textContent(
		    '.tk-came-from')) || '').includes(articleTitle));
	});

	await step('customer: fixed, submitted, on the status page', async () => {
		await page.fill('#tk-email', 'lilei@example.com');
		await page.waitForTimeout(Math.max(0, formLoadedAt + MIN_FILL_MS - Date.now()));
		await Promise.all([page.waitForURL(/\/tickets\/HC-\d{4}-\d{6}\?t=[0-9a-f]{32}$/),
		    page.click('.tk-form > button[type="submit"]')]);
		statusUrl = page.url();
		ref = statusUrl.match(/HC-\d{4}-\d{6}/)[0];
		check('landed on /tickets/<ref>?t=', !!ref, statusUrl);
		check('the status page shows the subject',
		    ((await page.textContent('main h1')) || '').trim() === subject);
		check('the status page shows the ref',
		    ((await page.textContent('.tk-ref')) || '').includes(ref));
		await noHorizontalScroll(page, 'status page');
		await shot(page, 'ticket-status.png');
		await noProblems(page, cw, 'customer');
	});

	// An overdue ticket, so the queue's overdue marking can be seen: made by
	// the API, its due time then put an hour in the past.
	let lateRef = null;
	await step('an overdue ticket for the queue', async () => {
		const r = await fetch(`${BASE}/api/v1/tickets`, { method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify({ name: 'Late', email: 'late@example.com',
			    subject: `Still waiting ${RUN}`, body: 'Nobody answered.' }) });
		check('API ticket created', r.status === 201, r.status);
		lateRef = (await r.json()).ref;
		execFileSync('python3', ['-c', 'import sqlite3,sys,time\n' +
		    'c=sqlite3.connect(sys.argv[1],timeout=10)\n' +
		    'c.execute("UPDATE tickets SET due_at=? WHERE ref=?",(int(time.time())-3600,sys.argv[2]))\n' +
		    'c.commit()', join(DATA, 'helpcenter.db'), lateRef]);
	});

	const staff = await browser.newContext({ ...DESKTOP, locale: 'zh-CN' });
	staff.setDefaultTimeout(TIMEOUT);
	const sw = await watch(staff, 'agent');
	const ap = await staff.newPage();
	await step('agent: /login with a token, the queue', async () => {
		const token = (hcctl(DATA, 'token', 'add', 'agent', `browser-${RUN}`)
		    .match(/hc_[0-9a-f]{40}/) || [''])[0];
		check('agent token made', token !== '');
		await ap.goto(`${BASE}/login?next=/agent`);
		await ap.fill('#tk-token', token);
		await Promise.all([ap.waitForURL(/\/agent$/),
		    ap.click('.tk-form button[type="submit"]')]);
		check('logged in, on /agent', new URL(ap.url()).pathname === '/agent', ap.url());
		const row = ap.locator(`.tk-queue tbody tr:has(a[href="/agent/tickets/${ref}"])`);
		check('the customer\'s ticket is in the queue', await row.count() === 1);
		const late = ap.locator(`.tk-queue tbody tr:has(a[href="/agent/tickets/${lateRef}"])`);
		check('the overdue ticket is marked overdue',
		    await late.count() === 1 && await late.locator('.tk-late').isVisible(),
		    await late.count());
		check('the fresh ticket is not marked overdue',
		    await row.locator('.tk-late').count() === 0);
		await shot(ap, 'agent-queue.png');
	});

	await step('agent: opens the ticket, sees the context, replies', async () => {
		await Promise.all([ap.waitForURL(new RegExp(`/agent/tickets/${ref}$`)),
		    ap.click(`.tk-queue a[href="/agent/tickets/${ref}"]`)]);
		const ctx = (await ap.textContent('.tk-context')) || '';
		// In words (no emoji font is needed): the title, 没有帮助, the reason.
		check('the context names the article and the No vote',
		    ctx.includes(articleTitle) && ctx.includes('没有帮助') &&
		    ctx.includes('看不懂'), ctx);
		await ap.fill('#tk-agent-body', reply);
		await Promise.all([ap.waitForLoadState('load'),
		    ap.waitForResponse((r) => r.request().method() === 'POST'),
		    ap.click('button[name="action"][value="reply"]')]);
		await ap.waitForSelector('.tk-thread .tk-from-agent');
		const msgs = await ap.$$eval('.tk-thread .tk-from-agent .tk-text',
		    (els) => els.map((e) => e.textContent));
		check('the reply is in the ticket\'s thread', msgs.includes(reply),
		    JSON.stringify(msgs));
		await noProblems(ap, sw, 'agent');
	});

	await step('customer: the status page shows the reply', async () => {
		await page.goto(statusUrl);
		const msgs = await page.$$eval('.tk-thread .tk-from-agent .tk-text',
		    (els) => els.map((e) => e.textContent));
		check('the agent\'s reply is visible to the customer', msgs.includes(reply),
		    JSON.stringify(msgs));
		await noProblems(page, cw, 'customer, after the reply');
	});
	await staff.close();
	await phone.close();
} finally {
	await browser.close();
}
finish();
