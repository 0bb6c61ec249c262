// attachments_browser.mjs: files on tickets in Chromium: a customer attaches
// a screenshot on the contact form and sees it on the status page; an agent
// sees it on the ticket page and answers with a PDF, which the customer
// gets as a download.
//
//   node tests/browser/attachments_browser.mjs BASE DATA_DIR
//
// Every check is counted; a step that throws counts as one failure. Prints
// "N passed, M failed", exit status 1 on failure. Screenshots to tests/out/:
// attachments-status.png, attachments-agent.png.

import { join } from 'node:path';

import { OUT, TIMEOUT, DESKTOP, args, check, step, finish, hcctl, launch, staffLogin } from './harness.mjs';

const { BASE, DATA } = args('attachments_browser.mjs', true);
const MIN_FILL_MS = 2300;	// the form's minimum fill time (2 s) and a margin
const RUN = Date.now().toString(36);
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n' +
    'trailer << /Root 1 0 R >>\n%%EOF\n');

// Console errors (CSP violations among them) of a page, collected.
function watch(page, label, problems) {
	page.on('console', (m) => {
		if (m.type() === 'error' || /Content[- ]Security[- ]Policy/i.test(m.text()))
			problems.push(`${label}: ${m.text()}`);
	});
	page.on('pageerror', (e) => problems.push(`${label}: ${e.message}`));
}

// The images under messages that the browser loaded and decoded. They
// are loading="lazy": brought into view, and given time to finish, first
// (a broken one still fails: complete with no width).
async function loadedImages(page) {
	for (const img of await page.$$('.tk-files img'))
		await img.scrollIntoViewIfNeeded().catch(() => {});
	await page.waitForFunction(() => [...document.querySelectorAll('.tk-files img')]
	    .every((i) => i.complete), null, { timeout: 10000 }).catch(() => {});
	return page.$$eval('.tk-files img', (imgs) => imgs.map((i) => ({
		src: i.getAttribute('src'), alt: i.alt, ok: i.complete && i.naturalWidth > 0 })));
}

const browser = await launch();
const problems = [];
let statusUrl = null, ref = null;

await step('customer: the contact form with a screenshot', async () => {
	const ctx = await browser.newContext({ ...DESKTOP, locale: 'en-US' });
	const page = await ctx.newPage();
	page.setDefaultTimeout(TIMEOUT);
	watch(page, 'customer', problems);
	await page.goto(`${BASE}/tickets/new`);
	check('the form has a file field for images and PDFs',
	    (await page.getAttribute('#tk-files', 'accept') || '').includes('image/png') &&
	    (await page.getAttribute('form.tk-form', 'enctype')) === 'multipart/form-data');
	// A real screenshot: of this very page.
	const shot = await page.screenshot();
	await page.fill('#tk-name', 'Ann Example');
	await page.fill('#tk-email', 'ann@example.com');
	await page.fill('#tk-subject', `The app shows an error ${RUN}`);
	await page.fill('#tk-body', 'The screenshot shows what I see.');
	await page.setInputFiles('#tk-files', { name: 'screenshot.png', mimeType: 'image/png', buffer: shot });
	await page.waitForTimeout(MIN_FILL_MS);
	await Promise.all([page.waitForURL(/\/tickets\/HC-\d{4}-\d{6}\?t=[0-9a-f]{32}$/),
	    page.click('form.tk-form button[type="submit"]:not([form])')]);
	statusUrl = page.url();
	ref = new URL(statusUrl).pathname.split('/')[2];
	check('the status page opened', !!ref, statusUrl);
	await page.waitForLoadState('load');
	const imgs = await loadedImages(page);
	check('the status page shows the screenshot, loaded', imgs.length === 1 && imgs[0].ok &&
	    imgs[0].alt === 'screenshot.png', JSON.stringify(imgs));
	check('its link carries the status token', imgs.length === 1 &&
	    imgs[0].src.includes(`/tickets/${ref}/attachments/`) && imgs[0].src.includes('?t='));
	check('the file name is shown', (await page.textContent('.tk-files')).includes('screenshot.png'));
	await page.screenshot({ path: join(OUT, 'attachments-status.png'), fullPage: true });
	// Opened on its own, the image is an image (its own headers apply).
	const resp = await page.goto(new URL(imgs[0].src, BASE).href);
	check('the screenshot alone is image/png with nosniff',
	    resp.headers()['content-type'] === 'image/png' &&
	    resp.headers()['x-content-type-options'] === 'nosniff');
	await ctx.close();
});

await step('agent: the ticket page shows it; a reply with a PDF', async () => {
	const token = (hcctl(DATA, 'token', 'add', 'agent', `att-browser-${RUN}`).match(/hc_[0-9a-f]{40}/) || [''])[0];
	const ctx = await browser.newContext({ ...DESKTOP, locale: 'en-US' });
	check('agent signed in', await staffLogin(ctx, BASE, token, '/agent'));
	const page = await ctx.newPage();
	page.setDefaultTimeout(TIMEOUT);
	watch(page, 'agent', problems);
	await page.goto(`${BASE}/agent/tickets/${ref}`);
	await page.waitForLoadState('load');
	const imgs = await loadedImages(page);
	check('the agent sees the screenshot, loaded', imgs.length === 1 && imgs[0].ok,
	    JSON.stringify(imgs));
	await page.screenshot({ path: join(OUT, 'attachments-agent.png'), fullPage: true });
	await page.fill('#tk-agent-body', 'Thanks: the steps are in this PDF.');
	await page.setInputFiles('#tk-files', { name: 'steps.pdf', mimeType: 'application/pdf', buffer: PDF });
	await Promise.all([page.waitForURL(new RegExp(`/agent/tickets/${ref}$`)),
	    page.click('button[name="action"][value="reply"]')]);
	check('the reply lists steps.pdf', (await page.textContent('.tk-thread')).includes('steps.pdf'));
	await ctx.close();
});

await step('customer: the reply\'s PDF is a download', async () => {
	const ctx = await browser.newContext({ ...DESKTOP, locale: 'en-US', acceptDownloads: true });
	const page = await ctx.newPage();
	page.setDefaultTimeout(TIMEOUT);
	watch(page, 'customer', problems);
	await page.goto(statusUrl);
	const link = page.locator('.tk-files a', { hasText: 'steps.pdf' });
	check('the customer sees the agent\'s PDF', await link.count() === 1);
	const [dl] = await Promise.all([page.waitForEvent('download'), link.click()]);
	check('it downloads as steps.pdf', dl.suggestedFilename() === 'steps.pdf', dl.suggestedFilename());
	await ctx.close();
});

check('no console error or CSP violation', problems.length === 0, problems.join(' | '));
await browser.close();
finish('attachments');
