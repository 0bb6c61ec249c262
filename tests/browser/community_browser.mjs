// community_browser.mjs: a thread whose title and body carry script and
// event-handler payloads is loaded and no script runs; a customer asks and
// answers on a phone (suggestions while typing, the no-JavaScript forms).
//
//   node tests/browser/community_browser.mjs BASE DATA_DIR
//
// Ends with "N passed, M failed" and exit status 1 on any failure;
// screenshots go to tests/out/community-*.png.

import { join } from 'node:path';

import { OUT, PHONE, args, check, step, finish, launch } from './harness.mjs';

const { BASE, DATA } = args('community_browser.mjs', true);
const RUN = Date.now().toString(36);

const browser = await launch();

await step('payload thread: nothing runs', async () => {
	// Posted through the API, then viewed in a browser that traps every way
	// a payload could run.
	const payloadTitle = `<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2"> ${RUN}`;
	const body = '<svg onload="window.__pwned=3"></svg>\n\n[link](javascript:window.__pwned=4)\n\n' +
	    '<a href="#" onclick="window.__pwned=5">x</a> <iframe src="javascript:parent.__pwned=6"></iframe>';
	const res = await fetch(`${BASE}/api/v1/threads`, { method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify({ title: payloadTitle, body, display_name: 'Mallory' }) });
	const j = await res.json();
	check('payload thread stored (201)', res.status === 201, res.status);
	const ctx = await browser.newContext();
	const page = await ctx.newPage();
	const dialogs = [];
	page.on('dialog', d => { dialogs.push(d.message()); d.dismiss(); });
	await page.goto(BASE + j.url);
	await page.click('a[href^="javascript:"]', { timeout: 1000 }).catch(() => {});
	await page.click('.cm-body a', { timeout: 1000 }).catch(() => {});
	await page.waitForTimeout(300);
	const pwned = await page.evaluate(() => window.__pwned);
	check('no payload ran', pwned === undefined, pwned);
	check('no dialog opened', dialogs.length === 0, dialogs.join());
	const h1 = await page.textContent('h1');
	check('title shown as text', h1.includes('<script>'), h1);
	check('no img/svg/iframe from user text', await page.evaluate(() =>
	    document.querySelectorAll('.cm-body img, .cm-body svg, .cm-body iframe, .cm-question h1 img').length === 0));
	await page.screenshot({ path: join(OUT, 'community-payload.png') });
	await ctx.close();
});

await step('ask and answer on a phone', async () => {
	const ctx = await browser.newContext(PHONE);
	const page = await ctx.newPage();
	await page.goto(BASE + '/community/new');
	await page.fill('#cm-title', 'refund');
	await page.waitForTimeout(900);
	const shown = await page.isVisible('#cm-similar');
	check('suggestions shown while typing', shown);
	const title = `My phone question about pairing ${RUN}`;
	await page.fill('#cm-title', title);
	await page.fill('#cm-body', 'The remote blinks twice. What now?');
	await page.fill('#cm-name', 'PhoneUser');
	await page.waitForTimeout(3200);   // the minimum fill time
	await Promise.all([page.waitForNavigation(), page.click('button[value="post"]')]);
	check('posted: on the thread page', /\/community\/questions\/\d+(\?posted=question)?$/.test(page.url()), page.url());
	check('title shown', (await page.textContent('h1')).includes(RUN));
	const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
	check('no horizontal scroll on a phone', !overflow);
	await page.screenshot({ path: join(OUT, 'community-phone-thread.png'), fullPage: true });
	// Another visitor answers.
	const ctx2 = await browser.newContext(PHONE);
	const p2 = await ctx2.newPage();
	await p2.goto(page.url());
	await p2.fill('#cm-answer-body', `Hold the button for five seconds. ${RUN}`);
	await p2.fill('#cm-name', 'Helper');
	await p2.waitForTimeout(3200);
	await Promise.all([p2.waitForNavigation(), p2.click('.cm-reply button[type=submit]')]);
	check('answer shown', (await p2.textContent('.cm-answers')).includes('five seconds'));
	// Voting in place (JavaScript): the score changes without a reload.
	await page.reload();
	const before = page.url();
	await page.click('.cm-answer .cm-vote button[value="1"]');
	await page.waitForTimeout(500);
	check('vote in place', (await page.textContent('.cm-answer .cm-score')).trim() === '1' && page.url() === before);
	// The asker accepts.
	await Promise.all([page.waitForNavigation(), page.click('.cm-answer button.secondary')]);
	check('accepted', await page.isVisible('.cm-accepted'));
	await ctx.close();
	await ctx2.close();
});

await browser.close();
finish('community browser');
