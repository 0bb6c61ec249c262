// harness.mjs: what every browser test shares: its arguments, tests/out/,
// the pass/fail count, steps that may throw, Chromium, and hcctl.

import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const OUT = resolve(ROOT, 'tests', 'out');
mkdirSync(OUT, { recursive: true });
export const TIMEOUT = 10000;
export const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2,
	isMobile: true, hasTouch: true };
export const DESKTOP = { viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 };

// BASE (without a trailing slash) and DATA_DIR from the command line; exits
// 2 with the usage when one the script needs is missing.
export function args(script, needData) {
	const BASE = (process.argv[2] || process.env.BASE || '').replace(/\/$/, '');
	const DATA = process.argv[3] || '';
	if (!BASE || (needData && !DATA)) {
		console.error(`usage: node ${script} BASE${needData ? ' DATA_DIR' : ''}`);
		process.exit(2);
	}
	return { BASE, DATA };
}

let passed = 0, failed = 0;
export function check(name, ok, detail) {
	if (ok) {
		passed++;
		console.log(`ok    ${name}`);
	} else {
		failed++;
		console.log(`FAIL  ${name}${detail !== undefined ? `: ${detail}` : ''}`);
	}
	return ok;
}

// Runs one step; an exception (a timeout, a missing element) is one failure.
export async function step(name, fn) {
	console.log(`# ${name}`);
	try {
		await fn();
	} catch (e) {
		check(`${name} (step ran to its end)`, false,
		    String(e && e.message || e).split('\n')[0]);
	}
}

// "N passed, M failed" (after "label: ..." when given), exit 1 on a failure.
export function finish(label) {
	if (label)
		console.log(`${label}: ${passed} passed, ${failed} failed`);
	console.log(`${passed} passed, ${failed} failed`);
	process.exit(failed ? 1 : 0);
}

// build/hcctl on the server's data folder; its standard output.
export function hcctl(data, ...argv) {
	return execFileSync(join(ROOT, 'build', 'hcctl'), argv,
	    { env: { ...process.env, DATA: data }, encoding: 'utf8' });
}

// Signs a browser context in through /login with a staff token (the
// staff cookie is a session id, never the token); true when it worked.
export async function staffLogin(ctx, base, token, next = '/admin') {
	const page = await ctx.newPage();
	try {
		await page.goto(`${base}/login?next=${next}`);
		await page.fill('#tk-token', token);
		await Promise.all([page.waitForURL((u) => u.pathname === next),
		    page.click('.tk-form button[type="submit"]')]);
		return (await ctx.cookies(base)).some((c) => c.name === 'hc_staff');
	} catch (e) {
		return false;
	} finally {
		await page.close();
	}
}

// Debian's Chromium ($CHROMIUM to use another), headless.
export function launch() {
	return chromium.launch({
		executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
		args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic',
		    '--no-first-run', '--disable-background-networking',
		    '--disable-component-update', '--disable-sync'],
	});
}
