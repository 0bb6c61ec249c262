// browse.mjs: drive Debian's Chromium through the help center like a customer
// would (SPEC section 3), on a phone and on a desktop, in zh-CN, en and zh-TW.
//
//   node tests/browser/browse.mjs http://127.0.0.1:PORT
//
// Every check is counted; a failed check does not stop the run, a step that
// throws counts as one failure and the next step goes on. Screenshots go to
// tests/out/. Ends with "N passed, M failed" and exit status 1 on any failure.

import { join } from 'node:path';

import { OUT, TIMEOUT, PHONE, DESKTOP, args, check, step, finish, launch } from './harness.mjs';

const { BASE, DATA } = args('browse.mjs', false);

const CJK = /[\u3400-\u9fff]/;

// Console errors, uncaught exceptions, CSP violations and failed subresources,
// per context; since(mark) returns what came after mark().
async function watch(context, label) {
	const problems = [];
	// CSP violations also arrive as console errors, but this catches them even
	// when Chromium reports them only as events (report-only, eval, ...).
	await context.addInitScript(() => {
		window.__csp = [];
		document.addEventListener('securitypolicyviolation', (e) => {
			window.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`);
		});
	});
	context.on('page', (page) => attach(page));
	function attach(page) {
		page.on('console', (m) => {
			// The favicon has a check of its own (home page step).
			if (/\/favicon\.ico$/.test((m.location() || {}).url || '')) return;
			if (m.type() === 'error' ||
			    /Content[- ]Security[- ]Policy/i.test(m.text()))
				problems.push(`${label} console ${m.type()}: ${m.text()} @ ${page.url()}`);
		});
		page.on('pageerror', (e) => problems.push(`${label} page error: ${e.message} @ ${page.url()}`));
		page.on('requestfailed', (r) => {
			// A navigation replaced by the next one is not a failure.
			if (r.failure() && /ERR_ABORTED/.test(r.failure().errorText)) return;
			problems.push(`${label} request failed: ${r.url()} ${r.failure() && r.failure().errorText}`);
		});
		page.on('response', (r) => {
			if (r.status() >= 400 && r.request().resourceType() !== 'document')
				problems.push(`${label} ${r.status()} for ${r.request().resourceType()} ${r.url()}`);
		});
	}
	return {
		attach,
		mark: () => problems.length,
		since: (m) => problems.slice(m),
	};
}

async function cspViolations(page) {
	return page.evaluate(() => window.__csp || []);
}

async function noProblems(page, w, mark, what) {
	const csp = await cspViolations(page);
	const p = w.since(mark).concat(csp.map((c) => `CSP: ${c}`));
	check(`no console errors, page errors, failed requests or CSP violations (${what})`,
	    p.length === 0, p.join(' | '));
}

async function htmlLang(page) {
	return page.evaluate(() => document.documentElement.getAttribute('lang'));
}

// document.documentElement.scrollWidth <= clientWidth, naming what sticks out.
async function noHorizontalScroll(page, what) {
	const r = await page.evaluate(() => {
		const de = document.documentElement;
		const cw = de.clientWidth;
		const wide = [];
		for (const el of document.body.querySelectorAll('*')) {
			const b = el.getBoundingClientRect();
			if (b.width > 0 && b.right > cw + 0.5 && wide.length < 5)
				wide.push(`${el.tagName.toLowerCase()}${el.className ? '.' + String(el.className).replace(/ /g, '.') : ''} right=${Math.round(b.right)}`);
		}
		return { sw: de.scrollWidth, cw, wide };
	});
	check(`no horizontal scrollbar on the phone (${what}): scrollWidth ${r.sw} <= clientWidth ${r.cw}`,
	    r.sw <= r.cw, r.wide.join(', '));
}

async function shot(page, file) {
	await page.screenshot({ path: join(OUT, file), fullPage: true });
	console.log(`      screenshot tests/out/${file}`);
}

async function loaded(page) {
	await page.waitForLoadState('load');
	// Wait for the web fonts the system has to be laid out before measuring.
	await page.evaluate(() => document.fonts.ready.then(() => true));
}

const browser = await launch();
const started = Date.now();

// Shared between steps.
let articleUrl = null;		// the article reached by clicking from the home page
let noTwSlug = null;		// an article with an English version and no zh-TW one

try {
	// ---------------------------------------------------------------- phone
	const phone = await browser.newContext({ ...PHONE, locale: 'zh-CN' });
	phone.setDefaultTimeout(TIMEOUT);
	const pw = await watch(phone, 'phone');
	const page = await phone.newPage();

	await step('home page on a phone (zh-CN)', async () => {
		const m = pw.mark();
		const resp = await page.goto(`${BASE}/`);
		await loaded(page);
		check('home answers 200', resp && resp.status() === 200, resp && resp.status());
		check('<html lang="zh-CN">', await htmlLang(page) === 'zh-CN', await htmlLang(page));
		const title = await page.title();
		check('home has a Chinese <title>', CJK.test(title), title);
		// One search box in <main>; site.js may turn it into a combobox.
		const boxes = page.locator('main form[role=search] input[name=q]');
		check('home has one search box (form role=search, input name=q)', await boxes.count() === 1, await boxes.count());
		const box = await boxes.first().evaluate((el) => {
			const l = el.labels && el.labels[0];
			const by = el.getAttribute('aria-labelledby');
			const name = (el.getAttribute('aria-label') ||
			    (by && document.getElementById(by) && document.getElementById(by).textContent) ||
			    (l && l.textContent) || '').trim();
			return { name, role: el.getAttribute('role') || 'searchbox',
			    action: el.form.getAttribute('action') };
		});
		check('search box has an accessible label (label[for], aria-label or aria-labelledby)',
		    box.name.length > 0, JSON.stringify(box));
		check(`search box is found by its role (${box.role}) and accessible name (${box.name})`,
		    box.name.length > 0 && await page.getByRole(box.role, { name: box.name, exact: true }).count() === 1);
		check('search form goes to /search', box.action === '/search', box.action);
		const cards = page.locator('main .cards .card');
		const n = await cards.count();
		check('home shows category cards', n >= 1, n);
		const bad = await cards.evaluateAll((cs) => cs.filter((c) =>
		    !c.querySelector('a[href^="/categories/"]') ||
		    !/\d+/.test((c.querySelector('.count') || {}).textContent || '')).length);
		check('every card links to its category and shows an article count', bad === 0, `${bad} cards without`);
		check('home lists popular or recent articles',
		    await page.locator('main a[href^="/articles/"]').count() > 0);
		// Browsers ask for an icon on every page: a 404 there is a console error.
		const icon = await page.evaluate(() => {
			const l = document.querySelector('link[rel~="icon"]');
			return l ? l.href : new URL('/favicon.ico', location.href).href;
		});
		const ir = await page.request.get(icon);
		check(`the site icon loads (${icon.replace(BASE, '')})`,
		    ir.status() === 200 && /^image\//.test(ir.headers()['content-type'] || ''),
		    `${ir.status()} ${ir.headers()['content-type']}`);
		await noHorizontalScroll(page, 'home');
		await shot(page, 'home-phone.png');
		await noProblems(page, pw, m, 'home');
	});

	await step('category page from the first card', async () => {
		const m = pw.mark();
		const card = page.locator('main .cards .card').first();
		const cardTitle = (await card.locator('h3').innerText()).trim();
		await Promise.all([page.waitForURL(/\/categories\/[^/?#]+/), card.locator('a').first().click()]);
		await loaded(page);
		const h1 = (await page.locator('h1').innerText()).trim();
		check(`category page h1 is the card's title (${cardTitle})`, h1 === cardTitle, h1);
		check('category page has a breadcrumb back home',
		    await page.locator('nav.breadcrumb a[href="/"]').count() === 1);
		const hrefs = await page.locator('main a[href^="/articles/"]').evaluateAll(
		    (as) => as.map((a) => a.getAttribute('href')));
		check('category page lists articles', hrefs.length > 0, hrefs.length);
		const dups = [...new Set(hrefs.filter((h, i) => hrefs.indexOf(h) !== i))];
		check('category page lists each article once', dups.length === 0,
		    `${hrefs.length} article links, repeated: ${dups.join(' ')}`);
		await noHorizontalScroll(page, 'category');
		await shot(page, 'category.png');
		await noProblems(page, pw, m, 'category');
	});

	await step('article page from the category page', async () => {
		const m = pw.mark();
		// reset-password has headings, an image and translations; else the first.
		let link = page.locator('main a[href="/articles/reset-password"]').first();
		if (await link.count() === 0)
			link = page.locator('main a[href^="/articles/"]').first();
		const linkText = (await link.innerText()).trim();
		await Promise.all([page.waitForURL(/\/articles\/[^/?#]+/), link.click()]);
		await loaded(page);
		articleUrl = page.url().replace(/[?#].*$/, '');
		const h1 = page.locator('main h1');
		check('article has one h1', await h1.count() === 1, await h1.count());
		check(`article h1 is the link's text (${linkText})`,
		    (await h1.first().innerText()).trim() === linkText, await h1.first().innerText());
		check('article has a table of contents with anchor links',
		    await page.locator('nav.toc a[href^="#"]').count() > 0);
		const body = (await page.locator('.article-body').innerText()).trim();
		check('article has a body', body.length > 50, body.length);
		check('article shows its updated date',
		    await page.locator('.meta time[datetime]').count() === 1);
		check('breadcrumb leads to the category',
		    await page.locator('nav.breadcrumb a[href^="/categories/"]').count() >= 1);
		const brokenImgs = await page.locator('.article-body img').evaluateAll(
		    (is) => is.filter((i) => !i.complete || i.naturalWidth === 0).map((i) => i.src));
		check('article images load', brokenImgs.length === 0, brokenImgs.join(' '));
		check('"Still need help? Contact us" links to the ticket form',
		    await page.locator('.contact a[href^="/tickets/new?article="]').count() === 1);
		await noHorizontalScroll(page, 'article');
		await page.screenshot({ path: join(OUT, 'article-phone.png'), fullPage: true });
		console.log('      screenshot tests/out/article-phone.png');
		await noProblems(page, pw, m, 'article on phone');
	});

	await step('search results on a phone', async () => {
		const m = pw.mark();
		await page.goto(`${BASE}/search?q=${encodeURIComponent('退款')}`);
		await loaded(page);
		check('search page answers with results', await page.locator('main a[href^="/articles/"]').count() > 0);
		await noHorizontalScroll(page, 'search');
		await page.screenshot({ path: join(OUT, 'search-phone.png'), fullPage: true });
		console.log('      screenshot tests/out/search-phone.png');
		await noProblems(page, pw, m, 'search on phone');
	});
	await phone.close();

	// -------------------------------------------------------------- desktop
	const desk = await browser.newContext({ ...DESKTOP, locale: 'zh-CN' });
	desk.setDefaultTimeout(TIMEOUT);
	const dw = await watch(desk, 'desktop');
	const dpage = await desk.newPage();
	if (!articleUrl) articleUrl = `${BASE}/articles/reset-password`;

	await step('article on a desktop: layout and table of contents', async () => {
		const m = dw.mark();
		await dpage.goto(articleUrl);
		await loaded(dpage);
		check('<html lang="zh-CN"> on the article', await htmlLang(dpage) === 'zh-CN', await htmlLang(dpage));
		const art = await dpage.locator('article.article').boundingBox();
		const toc = await dpage.locator('nav.toc').boundingBox();
		check('desktop: table of contents sits beside the article, on the right',
		    art && toc && toc.x >= art.x + art.width && toc.y < art.y + 400,
		    JSON.stringify({ art, toc }));
		await shot(dpage, 'article-desktop.png');

		const links = dpage.locator('nav.toc a[href^="#"]');
		const target = links.nth(Math.min(2, (await links.count()) - 1));
		const hash = await target.getAttribute('href');
		await target.click();
		await dpage.waitForFunction((h) => location.hash === h ||
		    decodeURIComponent(location.hash) === decodeURIComponent(h), hash);
		check(`clicking a TOC entry changes the URL hash to ${decodeURIComponent(hash)}`, true);
		const id = decodeURIComponent(hash.slice(1));
		// Smooth scrolling: wait until the heading reaches the top, or the page
		// its end when the heading is too near the end to get to the top.
		const top = await dpage.waitForFunction((i) => {
			const el = document.getElementById(i);
			if (!el) return null;
			const t = el.getBoundingClientRect().top;
			const atEnd = scrollY + innerHeight >= document.documentElement.scrollHeight - 1;
			return scrollY > 0 && t >= -2 && (t < 120 || (atEnd && t < innerHeight - 40)) ?
			    { top: Math.round(t), scrollY } : null;
		}, id, { timeout: 5000 }).then((h) => h.jsonValue()).catch(() => null);
		check('the heading it points to is scrolled into view at the top of the window',
		    top !== null, await dpage.evaluate((i) => {
			    const el = document.getElementById(i);
			    return JSON.stringify({ id: i, found: !!el, top: el && el.getBoundingClientRect().top, scrollY });
		    }, id));
		const cur = await dpage.waitForFunction((h) =>
		    document.querySelector(`nav.toc a[href="${h}"][aria-current]`) !== null, hash)
		    .then(() => true).catch(() => false);
		check('site.js marks the TOC entry being read (aria-current)', cur);
		await noProblems(dpage, dw, m, 'article on desktop');
	});

	await step('keyboard: skip link', async () => {
		const m = dw.mark();
		await dpage.goto(articleUrl);
		await loaded(dpage);
		await dpage.keyboard.press('Tab');
		const f = await dpage.evaluate(() => {
			const a = document.activeElement;
			const b = a.getBoundingClientRect();
			const s = getComputedStyle(a);
			return {
				cls: a.className, href: a.getAttribute('href'), text: a.textContent.trim(),
				x: b.x, y: b.y, w: b.width, h: b.height,
				vw: innerWidth, vh: innerHeight,
				outline: `${s.outlineStyle} ${s.outlineWidth}`,
				focusVisible: a.matches(':focus-visible'),
			};
		});
		check('first Tab focuses the skip link', f.cls === 'skip' && f.href === '#main', JSON.stringify(f));
		check('focused skip link is on screen',
		    f.w > 0 && f.h > 0 && f.x >= 0 && f.y >= 0 && f.x + f.w <= f.vw && f.y + f.h <= f.vh,
		    JSON.stringify(f));
		check('focused skip link shows a focus outline (:focus-visible)',
		    f.focusVisible && !/^none/.test(f.outline) && !/ 0px$/.test(f.outline), f.outline);
		await dpage.screenshot({ path: join(OUT, 'skip-link.png') });
		await dpage.keyboard.press('Enter');
		await dpage.waitForFunction(() => location.hash === '#main');
		await dpage.keyboard.press('Tab');
		const inMain = await dpage.evaluate(() =>
		    document.getElementById('main').contains(document.activeElement));
		check('after following the skip link, the next Tab lands inside <main>', inMain,
		    await dpage.evaluate(() => document.activeElement.outerHTML.slice(0, 80)));
		await noProblems(dpage, dw, m, 'keyboard');
	});

	await step('language switcher: English', async () => {
		const m = dw.mark();
		await dpage.goto(articleUrl);
		await loaded(dpage);
		const en = dpage.locator('nav.lang-switch a[hreflang="en"]');
		await Promise.all([dpage.waitForURL(/lang=en/), en.click()]);
		await loaded(dpage);
		check('<html lang="en"> after choosing English', await htmlLang(dpage) === 'en', await htmlLang(dpage));
		const title = await dpage.title();
		check('English <title>', /Help Center/i.test(title) && !CJK.test(title), title);
		const h1 = (await dpage.locator('main h1').innerText()).trim();
		check('English article title', h1.length > 0 && !CJK.test(h1), h1);
		check('switcher marks English as current',
		    await dpage.locator('nav.lang-switch a[hreflang="en"][aria-current]').count() === 1);
		check('English page shows no fallback notice',
		    await dpage.locator('.notice').count() === 0);
		await shot(dpage, 'article-en.png');
		// The choice is remembered (cookie): the home page, without ?lang=, is English.
		await Promise.all([dpage.waitForURL(`${BASE}/`), dpage.locator('a.brand').click()]);
		await loaded(dpage);
		check('the choice sticks: home without ?lang= is English',
		    await htmlLang(dpage) === 'en', await htmlLang(dpage));
		await noProblems(dpage, dw, m, 'English');
	});

	await step('language switcher: 繁體中文 on an article without a zh-TW version', async () => {
		const m = dw.mark();
		const r = await dpage.request.get(`${BASE}/api/v1/articles`);
		const list = (await r.json()).articles || [];
		const pick = list.find((a) => a.langs && a.langs.includes('en') && !a.langs.includes('zh-TW')) ||
		    list.find((a) => a.langs && !a.langs.includes('zh-TW'));
		check('the catalog has an article without a zh-TW version', !!pick);
		noTwSlug = pick.slug;
		await dpage.goto(`${BASE}/articles/${noTwSlug}`);
		await loaded(dpage);
		const tw = dpage.locator('nav.lang-switch a[hreflang="zh-TW"]');
		check('switcher offers 繁體中文', (await tw.innerText()).trim() === '繁體中文', await tw.innerText());
		await Promise.all([dpage.waitForURL(/lang=zh-TW/), tw.click()]);
		await loaded(dpage);
		const notice = dpage.locator('main .notice');
		check(`fallback notice is visible on /articles/${noTwSlug}?lang=zh-TW`,
		    await notice.count() === 1 && await notice.isVisible());
		const nt = await notice.count() ? (await notice.innerText()).trim() : '';
		check('fallback notice names the language shown', /简体中文|中文/.test(nt), nt);
		const artLang = await dpage.locator('article.article').getAttribute('lang');
		check('the article shown is marked with its own language (lang="zh-CN")', artLang === 'zh-CN', artLang);
		check('the article body is there below the notice',
		    (await dpage.locator('.article-body').innerText()).trim().length > 50);
		await dpage.screenshot({ path: join(OUT, 'article-zh-TW-fallback.png') });
		await noProblems(dpage, dw, m, 'zh-TW fallback');
	});
	await step('search from the home page', async () => {
		const m = dw.mark();
		await dpage.goto(`${BASE}/?lang=zh-CN`);
		await loaded(dpage);
		const q = dpage.locator('main form[role=search] input[name=q]');
		await q.fill('');
		await q.pressSequentially('退款', { delay: 30 });
		// Search as you type (site.js) shows suggestions when it is there.
		const opts = dpage.locator('[role=listbox] [role=option] a[href^="/articles/"]');
		const suggested = await opts.first().waitFor({ state: 'visible', timeout: 3000 })
		    .then(() => true).catch(() => false);
		check('typing in the search box suggests articles', suggested);
		await Promise.all([dpage.waitForURL(/\/search\?/), q.press('Enter')]);
		await loaded(dpage);
		const u = new URL(dpage.url());
		check('Enter opens /search?q=退款', u.pathname === '/search' && u.searchParams.get('q') === '退款', dpage.url());
		check('search page keeps the query in its box',
		    await dpage.locator('main input[name=q]').first().inputValue() === '退款');
		const results = dpage.locator('main a[href^="/articles/"]');
		check('search finds articles', await results.count() > 0, await results.count());
		check('search highlights the words found (<mark>)',
		    await dpage.locator('main mark').count() > 0);
		await shot(dpage, 'search.png');
		await noProblems(dpage, dw, m, 'search');
	});
	await desk.close();

	// ------------------------------------------------------- no JavaScript
	// Reduced motion: the page's smooth scrolling (after the TOC click)
	// keeps the header's links moving, and Playwright 1.61 (the last on
	// Debian's Node.js 18) waits for them to stand still.
	const nojs = await browser.newContext({ ...DESKTOP, locale: 'zh-CN', javaScriptEnabled: false,
	    reducedMotion: 'reduce' });
	nojs.setDefaultTimeout(TIMEOUT);
	const nw = await watch(nojs, 'no-js');
	const npage = await nojs.newPage();
	await step('pages work without JavaScript', async () => {
		const m = nw.mark();
		await npage.goto(`${BASE}/`);
		await Promise.all([npage.waitForURL(/\/categories\//),
		    npage.locator('main .cards .card a').first().click()]);
		// An article with an English version, for the switcher below.
		const list = (await (await npage.request.get(`${BASE}/api/v1/articles`)).json()).articles || [];
		const withEn = new Set(list.filter((a) => (a.langs || []).includes('en')).map((a) => a.url));
		const hrefs = await npage.locator('main a[href^="/articles/"]').evaluateAll(
		    (as) => as.map((a) => a.getAttribute('href')));
		const href = hrefs.find((h) => withEn.has(h)) || hrefs[0];
		await Promise.all([npage.waitForURL(/\/articles\//),
		    npage.locator(`main a[href="${href}"]`).first().click()]);
		check('no-JS: home -> category -> article by links',
		    await npage.locator('main h1').count() === 1 &&
		    (await npage.locator('.article-body').innerText()).trim().length > 50);
		const links = npage.locator('nav.toc a[href^="#"]');
		if (await links.count() > 0) {
			const hash = await links.last().getAttribute('href');
			await links.last().click();
			check('no-JS: a TOC link changes the URL hash',
			    decodeURIComponent(new URL(npage.url()).hash) === decodeURIComponent(hash), npage.url());
		}
		await Promise.all([npage.waitForURL(/lang=en/),
		    npage.locator('nav.lang-switch a[hreflang="en"]').click()]);
		if (withEn.has(href))
			check('no-JS: the language switcher works', await htmlLang(npage) === 'en', await htmlLang(npage));
		else
			check('no-JS: the language switcher shows the fallback notice',
			    await npage.locator('main .notice').isVisible());
		await noProblems(npage, nw, m, 'no JavaScript');
	});
	await nojs.close();
} catch (e) {
	check('browser session', false, String(e && e.stack || e));
} finally {
	await browser.close();
}

console.log(`browser run took ${((Date.now() - started) / 1000).toFixed(1)} s`);
finish();
