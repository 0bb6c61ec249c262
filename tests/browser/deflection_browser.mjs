// deflection_browser.mjs: "Was this article helpful?" in Chromium without and
// with JavaScript, and the editors' analytics page (its screenshot is also
// copied to docs/analytics.png for the README with UPDATE_DOCS=1).
//
//   node tests/browser/deflection_browser.mjs BASE DATA_DIR

import { copyFileSync } from 'node:fs';
import { join } from 'node:path';

import { ROOT, OUT, TIMEOUT, DESKTOP, args, check, step, finish, hcctl, launch, staffLogin } from './harness.mjs';

const { BASE, DATA } = args('deflection_browser.mjs', true);

// Article addresses from the home page, different for each step.
async function articles(context) {
	const page = await context.newPage();
	await page.goto(BASE + '/', { timeout: TIMEOUT });
	const hrefs = await page.$$eval('a[href^="/articles/"]',
	    (as) => [...new Set(as.map((a) => a.getAttribute('href').split('?')[0]))]);
	await page.close();
	return hrefs;
}

const browser = await launch();

try {
	// Reduced motion, as in browse.mjs: smooth scrolling keeps what a
	// click aims at moving, and Playwright 1.61 waits for it to stand still.
	const nojs = await browser.newContext({ ...DESKTOP, locale: 'zh-CN',
	    javaScriptEnabled: false, reducedMotion: 'reduce' });
	const list = await articles(nojs);
	check('home page lists articles to rate', list.length >= 3, list.length);

	await step('no JavaScript: No, a reason, the ticket offer', async () => {
		const page = await nojs.newPage();
		await page.goto(BASE + list[0], { timeout: TIMEOUT });
		await page.click('.fb-vote button[value="no"]');
		await page.waitForLoadState('load');
		check('plain form comes back at #feedback', page.url().includes(
		    'feedback=no') && page.url().endsWith('#feedback'), page.url());
		check('the reasons are shown', await page.isVisible(
		    '.fb-reasons button[value="unclear"]'));
		const offer = await page.getAttribute('.fb-contact a', 'href');
		check('the offer to contact support opens the ticket form for this ' +
		    'article', offer === `/tickets/new?article=${list[0].slice(10)}` +
		    '&from=feedback', offer);
		check('the offer is visible', await page.isVisible('.fb-contact a'));
		await page.fill('#fb-comment', '步骤二和界面不一样');
		await page.click('.fb-reasons button[value="unclear"]');
		await page.waitForLoadState('load');
		check('thank-you state after the reason', await page.isVisible(
		    '.fb-thanks') && page.url().includes('feedback=sent'),
		    page.url());
		await page.screenshot({ path: join(OUT, 'feedback-nojs.png') });
		await page.close();
	});

	const js = await browser.newContext({ ...DESKTOP, locale: 'en' });
	await step('JavaScript: Yes in place', async () => {
		const page = await js.newPage();
		const errors = [];
		page.on('pageerror', (e) => errors.push(String(e)));
		page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
		await page.goto(BASE + list[1], { timeout: TIMEOUT });
		const before = page.url();
		const answer = page.waitForResponse((r) =>
		    r.url().endsWith('/feedback') && r.request().method() === 'POST');
		await page.click('.fb-vote button[value="yes"]');
		const r = await answer;
		check('the vote went to the JSON endpoint', r.status() === 201,
		    r.status());
		await page.waitForSelector('.fb-thanks', { state: 'visible',
		    timeout: TIMEOUT });
		check('thanks shown without leaving the page', page.url() === before,
		    page.url());
		check('no script errors', errors.length === 0, errors.join('; '));
		await page.close();
	});
	await step('JavaScript: No, a reason with a comment, in place', async () => {
		const page = await js.newPage();
		await page.goto(BASE + list[2], { timeout: TIMEOUT });
		await page.click('.fb-vote button[value="no"]');
		await page.waitForSelector('.fb-reasons', { state: 'visible',
		    timeout: TIMEOUT });
		check('reasons appear in place', await page.isVisible(
		    '.fb-reasons button[value="outdated"]'));
		check('the ticket offer appears', await page.isVisible('.fb-contact a'));
		await page.fill('#fb-comment', 'The screenshots are old.');
		const answer = page.waitForResponse((r) =>
		    r.url().endsWith('/feedback') && r.request().method() === 'POST');
		await page.click('.fb-reasons button[value="outdated"]');
		const r = await answer;
		check('the reason replaced the vote (200)', r.status() === 200,
		    r.status());
		await page.waitForSelector('.fb-thanks', { state: 'visible',
		    timeout: TIMEOUT });
		check('thanks shown, reasons hidden', !(await page.isVisible(
		    '.fb-reasons')));
		await page.screenshot({ path: join(OUT, 'feedback-js.png') });
		await page.close();
	});

	await step('the analytics page, for an editor', async () => {
		const out = hcctl(DATA, 'token', 'add', 'editor', 'browser-test');
		const token = (out.match(/hc_[0-9a-f]{40}/) || [''])[0];
		check('editor token made', token !== '');
		// The views and votes above are flushed within a second.
		await new Promise((r) => setTimeout(r, 1500));
		const staff = await browser.newContext({ ...DESKTOP, locale: 'en' });
		check('editor signed in', await staffLogin(staff, BASE, token));
		const page = await staff.newPage();
		const resp = await page.goto(BASE + '/admin?lang=en',
		    { timeout: TIMEOUT });
		check('/admin answers 200 to an editor', resp.status() === 200,
		    resp.status());
		check('three SVG charts', (await page.$$('svg.chart')).length === 3);
		const views = await page.textContent('.kpis');
		check('figures shown', /Deflection rate/.test(views), views);
		check('votes appear in the articles table', (await page.$$(
		    'section[aria-labelledby="an-a"] tbody tr')).length >= 3);
		await page.screenshot({ path: join(OUT, 'analytics.png'),
		    fullPage: true });
		// The README's picture changes only when asked: a test run
		// leaves the tracked tree as it was.
		if (process.env.UPDATE_DOCS === '1') {
			copyFileSync(join(OUT, 'analytics.png'), join(ROOT,
			    'docs', 'analytics.png'));
			console.log('      docs/analytics.png updated');
		}
		console.log('      screenshot tests/out/analytics.png');
		await staff.close();
	});
} finally {
	await browser.close();
}
finish();
