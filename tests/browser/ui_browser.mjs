// ui_browser.mjs: one check per finding of the phone (390×844) and desktop
// (1366×900) review: error summary, focus rings, copy, zh-TW interface, CJK
// typography in English pages, the contact form's suggestions, the phone's
// table of contents, secondary buttons, snippets, thread dates, feed title,
// print, 404 search, dark mode, gzip, the agent's ticket page and /admin.
//
//   node tests/browser/ui_browser.mjs BASE DATA_DIR
//
// Ends with "N passed, M failed", exit status 1 on a failure. Screenshots:
// tests/out/ui-*.png.

import { join } from 'node:path';

import { OUT, TIMEOUT, PHONE, args, check, step, finish, hcctl, launch, staffLogin } from './harness.mjs';

const { BASE, DATA } = args('ui_browser.mjs', true);
const DESK = { viewport: { width: 1366, height: 900 }, deviceScaleFactor: 1 };
const MIN_FILL_MS = 2300;
const CM_MIN_FILL_MS = 4100;
const SLUG = 'payment-methods';
const RUN = Date.now().toString(36);

async function shot(page, file) {
	await page.screenshot({ path: join(OUT, file), fullPage: true });
	console.log(`      screenshot tests/out/${file}`);
}

// Relative luminance contrast of two "rgb(r, g, b)" colours.
function contrast(a, b) {
	const lum = (s) => {
		const [r, g, bl] = s.match(/[\d.]+/g).slice(0, 3).map(Number).map((v) => {
			v /= 255;
			return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
		});
		return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
	};
	const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
	return (x + 0.05) / (y + 0.05);
}

const browser = await launch();
try {
	const phone = await browser.newContext({ ...PHONE, locale: 'zh-CN' });
	const desk = await browser.newContext({ ...DESK, locale: 'zh-CN' });
	phone.setDefaultTimeout(TIMEOUT);
	desk.setDefaultTimeout(TIMEOUT);
	const pp = await phone.newPage();
	const dp = await desk.newPage();

	await step('1: the contact form\'s error summary, once per field, naming it', async () => {
		await pp.goto(`${BASE}/tickets/new`);
		await pp.fill('#tk-email', 'not-an-email');
		await pp.waitForTimeout(MIN_FILL_MS);
		await Promise.all([pp.waitForURL(/\/tickets\/new$/),
		    pp.click('.tk-form > button[type="submit"]')]);
		const items = await pp.$$eval('.tk-alert li', (li) => li.map((l) => l.textContent));
		check('4 bad fields: 4 summary entries', items.length === 4, JSON.stringify(items));
		const labels = ['您的称呼', '电子邮箱', '主题', '问题描述'];
		check('each entry names its field', labels.every((l, i) =>
		    (items[i] || '').includes(l)), JSON.stringify(items));
		await shot(pp, 'ui-ticket-errors-phone.png');
	});

	await step('3: focus rings are visible and 3:1 against white', async () => {
		await dp.goto(`${BASE}/`);
		const card = dp.locator('.card a').first();
		await card.focus();
		const r = await card.evaluate((a) => {
			const s = getComputedStyle(a);
			const b = a.getBoundingClientRect();
			return { style: s.outlineStyle, width: parseFloat(s.outlineWidth),
			    color: s.outlineColor, display: s.display, h: b.height };
		});
		check('the card link is a block with an outline when focused',
		    r.style !== 'none' && r.width >= 2 && r.display !== 'inline' && r.h > 20,
		    JSON.stringify(r));
		check(`the focus ring is 3:1 against white (${contrast(r.color, 'rgb(255,255,255)').toFixed(2)})`,
		    contrast(r.color, 'rgb(255,255,255)') >= 3, r.color);
		await dp.keyboard.press('Tab');
		await dp.focus('#header-q').catch(() => {});
		await dp.goto(`${BASE}/articles/${SLUG}`);
		await dp.focus('#header-q');
		const q = await dp.$eval('#header-q', (i) => {
			const s = getComputedStyle(i);
			return { pos: s.position, z: s.zIndex, off: parseFloat(s.outlineOffset),
			    w: parseFloat(s.outlineWidth) };
		});
		check('the search box\'s ring is drawn above its button (or inside the box)',
		    (q.pos !== 'static' && Number(q.z) >= 1) || q.off <= -q.w, JSON.stringify(q));
		await shot(dp, 'ui-focus-desktop.png');
	});

	await step('4: copy promises no email and forbids passwords', async () => {
		await pp.goto(`${BASE}/tickets/new`);
		const hint = await pp.textContent('#tk-email-hint');
		check('the email hint does not promise an email reply', !/发到|发送到/.test(hint) &&
		    /状态|链接/.test(hint), hint);
		await pp.goto(`${BASE}/community/new`);
		const bh = await pp.textContent('#cm-body-hint');
		check('the community hint forbids passwords', !/以外的个人信息/.test(bh) &&
		    /密码/.test(bh), bh);
	});

	await step('5: zh-TW has its own interface and lang', async () => {
		await dp.goto(`${BASE}/articles/${SLUG}?lang=zh-TW`);
		check('<html lang="zh-TW">', await dp.getAttribute('html', 'lang') === 'zh-TW',
		    await dp.getAttribute('html', 'lang'));
		const body = await dp.textContent('body');
		check('traditional interface strings (首頁, 更新於, 這篇文章有幫助嗎)',
		    /首頁/.test(body) && /更新於/.test(body) && /這篇文章有幫助嗎/.test(body),
		    body.slice(0, 200));
		const notice = await dp.$eval('.notice', (n) => ({ lang: n.lang,
		    text: n.textContent })).catch(() => null);
		check('the no-translation notice is traditional, lang=zh-TW',
		    notice && notice.lang === 'zh-TW' && /這篇文章還沒有/.test(notice.text),
		    JSON.stringify(notice));
		await shot(dp, 'ui-zh-TW-desktop.png');
	});

	await step('6: Chinese inside English pages uses the CJK fonts', async () => {
		await dp.goto(`${BASE}/?lang=en`);
		const f = await dp.$$eval('.lang-switch a', (as) => as.map((a) => ({ lang: a.lang,
		    font: getComputedStyle(a).fontFamily, quotes: getComputedStyle(a).quotes })));
		const cn = f.find((x) => x.lang === 'zh-CN'), tw = f.find((x) => x.lang === 'zh-TW');
		check('zh-CN text in an English page: a SC font first',
		    cn && /^"?(PingFang SC|Noto Sans CJK SC)/.test(cn.font), JSON.stringify(cn));
		check('zh-TW text in an English page: a TC font first',
		    tw && /^"?(PingFang TC|Noto Sans CJK TC)/.test(tw.font), JSON.stringify(tw));
		check('Chinese quotes for zh-CN', cn && /“/.test(cn.quotes), cn && cn.quotes);
	});

	await step('7: the contact form\'s suggestions on a phone', async () => {
		await pp.goto(`${BASE}/tickets/new`);
		check('a fresh form shows no empty suggestion box',
		    !(await pp.isVisible('.tk-suggest')) && !(await pp.isVisible('text=问题已解决')));
		await pp.goto(`${BASE}/tickets/new?article=${SLUG}&from=feedback`);
		await pp.type('#tk-subject', '支付 付款方式', { delay: 30 });
		await pp.waitForSelector('#tk-suggestions li a');
		const hrefs = await pp.$$eval('#tk-suggestions a', (as) => as.map((a) => a.href));
		check('the article just rated unhelpful is not suggested',
		    hrefs.length > 0 && !hrefs.some((h) => decodeURIComponent(h).includes(SLUG)),
		    JSON.stringify(hrefs));
		const y = await pp.evaluate(() => ({
			sug: document.querySelector('.tk-suggest').getBoundingClientRect().top,
			sub: document.querySelector('.tk-form > button[type="submit"]').getBoundingClientRect().top,
			body: document.querySelector('#tk-body').getBoundingClientRect().top }));
		check('suggestions come under the subject, before the description and submit',
		    y.sug < y.body && y.sug < y.sub, JSON.stringify(y));
		await shot(pp, 'ui-ticket-suggest-phone.png');
	});

	await step('8: the table of contents before the body on a phone', async () => {
		await pp.goto(`${BASE}/articles/${SLUG}`);
		const y = await pp.evaluate(() => ({
			toc: (document.querySelector('.toc') || { getBoundingClientRect: () => ({ top: 1e9 }) }).getBoundingClientRect().top,
			body: document.querySelector('.article-body').getBoundingClientRect().top,
			fb: document.querySelector('.feedback').getBoundingClientRect().top }));
		check('TOC above the article body on a phone', y.toc < y.body, JSON.stringify(y));
		await shot(pp, 'ui-article-phone.png');
		await dp.goto(`${BASE}/articles/${SLUG}`);
		const d = await dp.evaluate(() => ({
			toc: document.querySelector('.toc').getBoundingClientRect().left,
			body: document.querySelector('.article-body').getBoundingClientRect().left }));
		check('TOC beside the body on a desktop', d.toc > d.body, JSON.stringify(d));
		await shot(dp, 'ui-article-desktop.png');
	});

	await step('9: secondary buttons look secondary; one "solved" button', async () => {
		await dp.goto(`${BASE}/articles/${SLUG}`);
		const bg = (sel) => dp.$eval(sel, (b) => getComputedStyle(b).backgroundColor);
		const yes = await bg('.fb-vote button[value="yes"]');
		const no = await bg('.fb-vote button[value="no"]');
		check('"No" differs from "Yes"', yes !== no, `${yes} / ${no}`);
		const reasons = await dp.$$eval('.fb-reasons button', (bs) =>
		    bs.map((b) => getComputedStyle(b).backgroundColor));
		check('the five reason buttons are secondary', reasons.length === 5 &&
		    reasons.every((c) => c !== yes), JSON.stringify(reasons));
		await dp.goto(`${BASE}/community/new`);
		const n = await dp.locator('button[value="deflected"]').count();
		check('"已有文章解决了我的问题" once', n === 1, n);
		const db = await dp.$eval('button[value="deflected"]', (b) =>
		    getComputedStyle(b).backgroundColor);
		const post = await dp.$eval('button[value="post"]', (b) =>
		    getComputedStyle(b).backgroundColor);
		check('the deflect button is secondary', db !== post, `${db} / ${post}`);
		// Without JavaScript the suggestions never show: the button must.
		const nojs = await browser.newContext({ ...PHONE, locale: 'zh-CN', javaScriptEnabled: false,
		    reducedMotion: 'reduce' });
		const np = await nojs.newPage();
		await np.goto(`${BASE}/community/new`);
		check('without script, "已有文章解决了我的问题" is visible',
		    await np.isVisible('button[value="deflected"]'));
		await Promise.all([np.waitForLoadState('load'), np.waitForURL(/\/community\/new/),
		    np.click('button[value="deflected"]')]);
		check('without script, it records the deflection', /太好了/.test(await np.textContent('main')),
		    (await np.textContent('main')).slice(0, 100));
		await shot(np, 'ui-ask-nojs-phone.png');
		await nojs.close();
	});

	await step('10: snippets separate blocks and take two lines on a phone', async () => {
		await pp.goto(`${BASE}/search?q=${encodeURIComponent('退款')}`);
		const s = await pp.$$eval('.snippet', (ps) => ps.map((p) => ({ t: p.textContent,
		    h: p.getBoundingClientRect().height,
		    lh: parseFloat(getComputedStyle(p).lineHeight) })));
		check('snippets carry block separators', s.length > 0 && s.some((x) => x.t.includes(' · ')),
		    JSON.stringify(s.map((x) => x.t)).slice(0, 300));
		check('a snippet has at most about two lines on a phone', s.every((x) =>
		    x.h <= 2 * x.lh + 2), JSON.stringify(s.map((x) => [x.h, x.lh])));
		await shot(pp, 'ui-search-phone.png');
	});

	let threadUrl = null;
	await step('11: threads show dates and are in sitemap.xml', async () => {
		const r = await fetch(`${BASE}/api/v1/threads`, { method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify({ title: `How do dates show ${RUN}`,
			    body: 'Question body for the date check.', display_name: `DateUser ${RUN}` }) });
		const j = await r.json();
		threadUrl = j.url;
		await dp.goto(BASE + j.url);
		const t = await dp.$$eval('.cm-question time[datetime]', (ts) => ts.map((x) => x.dateTime));
		check('the question shows its date', t.length > 0, JSON.stringify(t));
		await dp.goto(`${BASE}/community`);
		const lt = await dp.$$eval('.cm-thread .cm-meta time[datetime]', (ts) =>
		    ts.map((x) => [x.dateTime, x.textContent]));
		check('the community list shows dates', lt.length > 0 &&
		    lt.every(([d, t]) => /^\d{4}-\d\d-\d\dT/.test(d) && d.startsWith(t)),
		    JSON.stringify(lt.slice(0, 3)));
		const sm = await (await fetch(`${BASE}/sitemap.xml`)).text();
		const entry = sm.match(new RegExp(`<url><loc>[^<]*${j.url}</loc><lastmod>(\\d{4}-\\d\\d-\\d\\d)</lastmod>`));
		check('sitemap.xml lists threads with lastmod', entry !== null, j.url);
	});

	await step('12: feed title, print, 404 search words, dark mode, gzip', async () => {
		const feed = await (await fetch(`${BASE}/feed.atom`)).text();
		check('the Atom feed is titled with the site name',
		    /<title>云帆商城帮助中心<\/title>/.test(feed), feed.slice(0, 200));
		await dp.goto(`${BASE}/articles/${SLUG}`);
		await dp.emulateMedia({ media: 'print' });
		const vis = await dp.evaluate(() => ['.feedback', '.lang-switch', '.source',
		    '.meta a[hreflang]'].map((s) => {
			const e = document.querySelector(s);
			return e && e.getClientRects().length > 0 &&
			    getComputedStyle(e).visibility !== 'hidden' ? s : null;
		}).filter(Boolean));
		check('print hides votes, language links and the Markdown link', vis.length === 0,
		    JSON.stringify(vis));
		const meta = await dp.$eval('.meta', (m) => m.innerText.trim());
		check('print: no " · " left from the hidden language links', !meta.includes('·'),
		    JSON.stringify(meta));
		await dp.emulateMedia({ media: 'screen' });
		await dp.goto(`${BASE}/articles/refund-policy-express`);
		const v = await dp.inputValue('#q404');
		check('the 404 search box holds the URL\'s words', /refund/.test(v) &&
		    /express/.test(v), v);
		await dp.emulateMedia({ colorScheme: 'dark' });
		await dp.goto(`${BASE}/`);
		const c = await dp.evaluate(() => ({ bg: getComputedStyle(document.body).backgroundColor,
		    fg: getComputedStyle(document.body).color }));
		check('dark mode: a dark background', contrast(c.bg, 'rgb(0,0,0)') < 2, JSON.stringify(c));
		check('dark mode: text 7:1 on it', contrast(c.bg, c.fg) >= 7, JSON.stringify(c));
		await shot(dp, 'ui-home-dark-desktop.png');
		await dp.emulateMedia({ colorScheme: 'light' });
		// What Chromium itself was sent for the page and its stylesheet.
		const seen = {};
		const onResp = (r) => { seen[new URL(r.url()).pathname] = r.headers(); };
		dp.on('response', onResp);
		await dp.goto(`${BASE}/articles/${SLUG}`);
		dp.off('response', onResp);
		const html = await dp.content();
		const css = (html.match(/href="(\/assets\/site[^"]*\.css)"/) || [])[1] || '/assets/site.css';
		for (const p of ['/assets/site.css', `/articles/${SLUG}`]) {
			const h = seen[p] || {};
			check(`the browser got ${p} gzip'd`, h['content-encoding'] === 'gzip',
			    JSON.stringify(h['content-encoding']));
		}
		for (const path of [css, '/']) {
			// Node's fetch inflates; the raw bytes are checked with curl (e2e).
			const r = await fetch(BASE + path, { headers: { 'Accept-Encoding': 'gzip' } });
			const text = await r.text();
			check(`${path}: gzip with Vary: Accept-Encoding`,
			    r.headers.get('content-encoding') === 'gzip' &&
			    /accept-encoding/i.test(r.headers.get('vary') || '') && text.length > 1000,
			    `${r.headers.get('content-encoding')} / ${r.headers.get('vary')}`);
		}
		const plainR = await fetch(BASE + css, { headers: { 'Accept-Encoding': 'identity' } });
		check('no gzip without Accept-Encoding: gzip',
		    plainR.headers.get('content-encoding') === null, plainR.headers.get('content-encoding'));
		const q0 = await fetch(BASE + css, { headers: { 'Accept-Encoding': 'gzip;q=0, br' } });
		check('no gzip with gzip;q=0', q0.headers.get('content-encoding') === null,
		    q0.headers.get('content-encoding'));
	});

	await step('13: the agent\'s ticket page in the agents\' words', async () => {
		// A customer votes No with a reason, then writes from that article.
		const cust = await browser.newContext({ ...DESK, locale: 'zh-CN' });
		const cp = await cust.newPage();
		await cp.goto(`${BASE}/articles/${SLUG}`);
		await cp.click('.fb-vote button[value="no"]');
		await cp.waitForSelector('.fb-reasons', { state: 'visible' });
		await cp.click('.fb-reasons button[value="outdated"]');
		await cp.waitForSelector('.fb-thanks', { state: 'visible' });
		await cp.goto(`${BASE}/tickets/new?article=${SLUG}&from=feedback`);
		await cp.fill('#tk-name', '韩梅梅');
		await cp.fill('#tk-email', 'hmm@example.com');
		await cp.fill('#tk-subject', `付款失败 ${RUN}`);
		await cp.fill('#tk-body', '银行卡付款一直失败。');
		await cp.selectOption('#tk-category', { index: 1 }).catch(() => {});
		await cp.waitForTimeout(MIN_FILL_MS);
		await Promise.all([cp.waitForURL(/\/tickets\/HC-/), cp.click('.tk-form > button[type="submit"]')]);
		const ref = cp.url().match(/HC-\d{4}-\d{6}/)[0];
		await cust.close();
		const token = hcctl(DATA, 'token', 'add', 'agent', `ui-${RUN}`).match(/hc_[0-9a-f]{40}/)[0];
		check('the agent signs in', await staffLogin(desk, BASE, token, '/agent'));
		await dp.goto(`${BASE}/agent/tickets/${ref}?lang=zh-CN`);
		const opts = await dp.$$eval('#c-status option', (os) => os.map((o) => o.textContent));
		check('"pending" reads 等待客户回复 for agents', opts.includes('等待客户回复'),
		    JSON.stringify(opts));
		const text = await dp.textContent('main');
		check('no raw codes (article_feedback, requester, created, outdated, billing)',
		    !/article_feedback|requester|created|outdated|billing/.test(text),
		    (text.match(/article_feedback|requester|created|outdated|billing/g) || []).join());
		const ctx = await dp.textContent('.tk-context');
		const title = await (async () => { const p = await desk.newPage();
			await p.goto(`${BASE}/articles/${SLUG}`); const t = (await p.textContent('h1')).trim();
			await p.close(); return t; })();
		check('articles by title', ctx.includes(title), ctx);
		check('no emoji (👎/👍) in the context', !/[\u{1F44D}\u{1F44E}]/u.test(ctx), ctx);
		const votes = await dp.$$eval('.tk-votes li', (li) => li.map((l) => l.textContent));
		check('the vote is listed once', votes.length === 1, JSON.stringify(votes));
		await shot(dp, 'ui-agent-ticket-desktop.png');
	});

	await step('14: /admin and moderation', async () => {
		const token = hcctl(DATA, 'token', 'add', 'editor', `ui-ed-${RUN}`).match(/hc_[0-9a-f]{40}/)[0];
		const ed = await browser.newContext({ ...DESK, locale: 'zh-CN' });
		check('the editor signs in', await staffLogin(ed, BASE, token, '/admin'));
		const p = await ed.newPage();
		await p.goto(`${BASE}/admin/moderation`);
		const navM = await p.$$eval('.admin-nav a', (as) => as.map((a) => a.textContent.trim()));
		const empty = await p.isVisible('text=队列为空');
		if (empty)
			check('an empty queue has no table header', await p.locator('table.cm-queue').count() === 0);
		const sections = await p.$$eval('main h2', (hs) => hs.map((h) => {
			const n = h.nextElementSibling;
			return { h: h.textContent, next: n ? n.tagName + ':' + n.textContent.trim() : '' };
		}));
		check('no section is only its heading', sections.every((s) => !/^UL:$/.test(s.next)),
		    JSON.stringify(sections));
		await shot(p, 'ui-moderation-desktop.png');
		await p.goto(`${BASE}/admin`);
		const navA = await p.$$eval('.admin-nav a', (as) => as.map((a) => a.textContent.trim()));
		check('one set of menu labels', JSON.stringify(navA) === JSON.stringify(navM),
		    `${navA} / ${navM}`);
		const kp = await p.textContent('.kpis');
		check('no "÷ +N" in the figures', !/÷ \+/.test(kp), kp);
		await shot(p, 'ui-admin-desktop.png');
		await ed.close();
		// A question posted through the form: a notice after the redirect.
		const cx = await browser.newContext({ ...PHONE, locale: 'zh-CN' });
		const q = await cx.newPage();
		await q.goto(`${BASE}/community/new`);
		await q.fill('#cm-title', `确认提示测试 ${RUN}`);
		await q.fill('#cm-body', '发帖后应该看到一条提示。');
		await q.fill('#cm-name', `Notice ${RUN}`);
		await q.waitForTimeout(CM_MIN_FILL_MS);
		await Promise.all([q.waitForURL(/\/community\/questions\//),
		    q.click('button[value="post"]')]);
		const note = await q.$eval('[role="status"]', (n) => n.textContent).catch(() => null);
		check('a notice after posting a question, in the page\'s language',
		    note !== null && /问题已发布/.test(note), `${q.url()} ${note}`);
		await shot(q, 'ui-posted-phone.png');
		// An answer, in English: the same notice for it.
		await q.goto(`${q.url().replace(/\?.*$/, '')}?lang=en`);
		await q.fill('#cm-answer-body', `An answer to see the notice after posting (${RUN}).`);
		if (await q.locator('.cm-reply #cm-name').count())
			await q.fill('.cm-reply #cm-name', `Answerer ${RUN}`);
		// The community's minimum is 3 whole seconds (CM_MIN_FILL).
		await q.waitForTimeout(CM_MIN_FILL_MS);
		await Promise.all([q.waitForURL(/posted=answer/),
		    q.click('.cm-reply button[type="submit"]')]);
		const an = await q.$eval('[role="status"]', (n) => n.textContent).catch(() => null);
		check('a notice after posting an answer, in English',
		    an !== null && /answer is posted/.test(an), `${q.url()} ${an}`);
		await cx.close();
		void threadUrl;
	});
	await phone.close();
	await desk.close();
} finally {
	await browser.close();
}
finish('ui');
