// axe_browser.mjs: axe-core on every page type, in zh-CN, en and zh-TW, on a
// phone and on a desktop, and in dark mode (prefers-color-scheme: dark) on a
// phone in zh-CN and en; fails on any serious or critical violation.
//
//   node tests/browser/axe_browser.mjs BASE DATA_DIR
//
// Pages: home, category, article, search with and without results, the
// contact form with errors, a ticket's status page, the community list, a
// thread, the ask page, login, the agent queue, an agent's ticket, /admin,
// moderation. Screenshots: tests/out/axe-<page>-<lang>-<device>.png (device
// phone, desktop or phone-dark).

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

import { OUT, TIMEOUT, PHONE, args, check, step, finish, hcctl, launch, staffLogin } from './harness.mjs';

const { BASE, DATA } = args('axe_browser.mjs', true);
const DESK = { viewport: { width: 1366, height: 900 }, deviceScaleFactor: 1 };
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const RUN = Date.now().toString(36);

// Fixtures: a ticket (its status URL), a thread, staff tokens.
const tk = await (await fetch(`${BASE}/api/v1/tickets`, { method: 'POST',
	headers: { 'Content-Type': 'application/json' },
	body: JSON.stringify({ name: 'Axe', email: 'axe@example.com',
	    subject: `Axe check ${RUN}`, body: 'A ticket for the accessibility check.' }) })).json();
const th = await (await fetch(`${BASE}/api/v1/threads`, { method: 'POST',
	headers: { 'Content-Type': 'application/json' },
	body: JSON.stringify({ title: `Accessibility check thread ${RUN}`,
	    body: 'A thread for the accessibility check.', display_name: 'AxeUser' }) })).json();
const editor = hcctl(DATA, 'token', 'add', 'editor', `axe-${RUN}`).match(/hc_[0-9a-f]{40}/)[0];
const su = new URL(tk.url);
const statusUrl = su.pathname + su.search;

const pages = [
	['home', '/'],
	['category', '/categories/refunds'],
	['article', '/articles/payment-methods'],
	['search', '/search?q=' + encodeURIComponent('退款')],
	['search-none', '/search?q=zzzqqqxxyy'],
	['contact-errors', '/tickets/new', async (p) => {
		await p.click('.tk-form > button[type="submit"]');
		await p.waitForSelector('.tk-alert');
	}],
	['ticket-status', statusUrl],
	['community', '/community'],
	['thread', th.url],
	['ask', '/community/new'],
	['login', '/login', null, true],
	['agent-queue', '/agent'],
	['agent-ticket', `/agent/tickets/${tk.ref}`],
	['admin', '/admin'],
	['moderation', '/admin/moderation'],
];

const browser = await launch();
try {
	// Dark mode on a phone, in a Chinese and the English interface: the
	// colours are the same CSS in every language, so two keep the time down.
	const runs = [['phone', PHONE, 'light', ['zh-CN', 'en', 'zh-TW']],
	    ['desktop', DESK, 'light', ['zh-CN', 'en', 'zh-TW']],
	    ['phone-dark', PHONE, 'dark', ['zh-CN', 'en']]];
	for (const [dev, opts, colorScheme, langs] of runs) {
		for (const lang of langs) {
			// bypassCSP: the pages allow only their own scripts; axe is injected.
			const staff = await browser.newContext({ ...opts, locale: lang, bypassCSP: true, colorScheme });
			const anon = await browser.newContext({ ...opts, locale: lang, bypassCSP: true, colorScheme });
			// A session from /login: the token itself is no cookie.
			check(`editor signed in (${lang} ${dev})`, await staffLogin(staff, BASE, editor, '/admin'));
			for (const c of [staff, anon])
				c.setDefaultTimeout(TIMEOUT);
			const sp = await staff.newPage(), ap = await anon.newPage();
			for (const [name, path, then, anonymous] of pages) {
				await step(`axe ${name} ${lang} ${dev}`, async () => {
					const p = anonymous ? ap : sp;
					const u = new URL(BASE + path);
					u.searchParams.set('lang', lang);
					await p.goto(u.href);
					if (!anonymous)
						check(`${name} ${lang} ${dev}: the staff page itself, not the sign-in page`,
						    !new URL(p.url()).pathname.startsWith('/login'), p.url());
					if (then)
						await then(p);
					await p.addScriptTag({ content: AXE });
					const r = await p.evaluate(async () => {
						const res = await window.axe.run(document, {
						    resultTypes: ['violations'] });
						return res.violations.filter((v) => v.impact === 'serious' ||
						    v.impact === 'critical').map((v) => `${v.id} (${v.impact}): ` +
						    v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', '));
					});
					check(`${name} ${lang} ${dev}: no serious or critical axe violation`,
					    r.length === 0, r.join(' | '));
					if (lang === 'zh-CN' || (name === 'article' && colorScheme === 'light'))
						await p.screenshot({ path: join(OUT,
						    `axe-${name}-${lang}-${dev}.png`), fullPage: true });
				});
			}
			await staff.close();
			await anon.close();
		}
	}
} finally {
	await browser.close();
}
finish('axe');
