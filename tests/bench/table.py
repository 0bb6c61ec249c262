#!/usr/bin/env python3
"""table.py: make bench's one table: every part's figures beside their references and targets (SPEC 7).

    tests/bench/table.py [OUT_DIR]      (tests/out by default)

Reads the figures the parts wrote in this run (OUT_DIR/bench-*.tsv, one
"key TAB value" a line: article.sh, run.sh, deflection.sh, tickets.sh, mail.sh,
community.sh, backends.sh, crash.sh with CRASH_KV) and the parts' exit statuses and
times (bench-status.tsv, written by all.sh), prints one Markdown table,
figure | this project | reference | target | met/missed, and writes it to
OUT_DIR/bench-table.md. A missed target reads MISS; it never changes the
exit status (all.sh fails only when a part failed outright).
"""

import datetime
import glob
import os
import subprocess
import sys

OUT = sys.argv[1] if len(sys.argv) > 1 else "tests/out"


def load():
    kv = {}
    for path in sorted(glob.glob(os.path.join(OUT, "bench-*.tsv"))):
        with open(path, encoding="utf-8") as f:
            for line in f:
                key, sep, value = line.rstrip("\n").partition("\t")
                if sep:
                    kv[key] = value.strip()
    return kv


KV = load()


def num(key):
    """The figure as a float, or None when it is missing or not a number."""
    try:
        return float(KV[key])
    except (KeyError, ValueError):
        return None


def n0(v):
    return "n/a" if v is None else "{:,.0f}".format(v)


def ms(v):
    if v is None:
        return "n/a"
    return "%.2f ms" % v if v < 10 else "%.1f ms" % v if v < 100 else "%.0f ms" % v


def verdict(ok, detail=""):
    if ok is None:
        return "n/a (not measured)"
    return ("met" if ok else "**MISS**") + (" (%s)" % detail if detail else "")


def cmp(v, op, t):
    if v is None or t is None:
        return None
    return v >= t if op == ">=" else v < t if op == "<" else v == t


ROWS = []


def row(figure, ours, ref="-", target="-", result="-"):
    ROWS.append((figure, ours, ref, target, result))


def article_rows():
    o, n, b = (num("article.%s.rps" % w) for w in ("ours", "nginx", "bare"))
    what = "article page req/s (%s bytes, wrk -t2 -c32 %s s, best of %s)" % (
        KV.get("article.bytes", "?"), KV.get("article.seconds", "?"),
        KV.get("article.rounds", "?"))
    for name, ref, need in (("bare Kore handler", b, 0.90), ("nginx static file", n, 0.70)):
        share = o / ref if o is not None and ref else None
        row(what if name.startswith("bare") else "article page req/s",
            "%s/s" % n0(o), "%s %s/s" % (name, n0(ref)),
            ">= %d %% of %s" % (need * 100, "bare Kore" if need > 0.8 else "nginx"),
            verdict(None if share is None else share >= need,
                    "" if share is None else "%.0f %%" % (100 * share)))
    for p in ("p50", "p99"):
        row("article page latency %s" % p, ms(num("article.ours.%s" % p)),
            "nginx %s, bare Kore %s" % (ms(num("article.nginx.%s" % p)),
                                        ms(num("article.bare.%s" % p))))
    on, off = num("deflection.page_events_on.rps"), num("deflection.page_events_off.rps")
    cost = num("deflection.cost_pct")
    row("article page, cost of event recording (wrk -c16)",
        "%s/s recording" % n0(on), "%s/s with EVENTS=off" % n0(off), "< 10 %",
        verdict(cmp(cost, "<", 10), "" if cost is None else "%.1f %%" % cost))


def search_rows():
    sizes = KV.get("search.sizes", "").split()
    sizes = [s for s in sizes if int(s) >= 10000] or sizes
    for s in sizes:
        size = int(s)
        nice = "{:,}".format(size)
        at_target = size == 10000

        def tg(text):
            return text if at_target else "-"

        def res(ok, detail=""):
            return verdict(ok, detail) if at_target else "-"

        k = "search.%s." % s
        bp50, bp99 = num(k + "bare_p50"), num(k + "bare_p99")
        bqps = 1000 / bp50 if bp50 else None
        for kind, label in (("", "repeated queries"), ("unique_", "every query new")):
            rps = num(k + kind + "rps")
            row("search req/s at %s articles, %s (wrk -t1 -c16)" % (nice, label),
                "%s/s" % n0(rps), "bare query, 1 thread: ~%s/s" % n0(bqps),
                tg(">= 2,000/s"), res(cmp(rps, ">=", 2000)))
            row("search p50 / p99 at %s, %s" % (nice, label),
                "%s / %s" % (ms(num(k + kind + "p50")), ms(num(k + kind + "p99"))),
                "bare query %s / %s" % (ms(bp50), ms(bp99)),
                tg("p99 < 10 ms"), res(cmp(num(k + kind + "p99"), "<", 10)))
        row("  repeated queries with wrk -t2 (load on both cores)",
            "%s/s, p99 %s" % (n0(num(k + "t2_rps")), ms(num(k + "t2_p99"))),
            "-", "-", "-")
        rate, bare = num(k + "index_rate"), num(k + "bare_index_rate")
        row("indexing rate at %s, whole tree" % nice,
            "%s art/s (%s s)" % (n0(rate), KV.get(k + "index_wall", "?")),
            "bare Xapian loop %s art/s (%s s)" % (n0(bare), KV.get(k + "bare_index_wall", "?")),
            tg(">= bare loop"), res(cmp(rate, ">=", bare)))
        re = num(k + "restart_reindexed")
        row("restart with an unchanged tree at %s" % nice,
            "%s re-indexed (%s s)" % (KV.get(k + "restart_reindexed", "n/a"),
                                      KV.get(k + "restart_wall", "?")),
            "-", tg("0 re-indexed"), res(cmp(re, "==", 0)))
        e = num(k + "edit_ms")
        row("one edit searchable at %s" % nice, ms(e) if e is not None else
            KV.get(k + "edit_ms", "n/a"), "-", tg("< 1 s"), res(cmp(e, "<", 1000)))
        row("index size at %s" % nice, "%s MB" % KV.get(k + "index_mb", "n/a"),
            "bare loop %s MB" % KV.get(k + "bare_index_mb", "n/a"))
        rss = KV.get(k + "rss", "").split()
        row("RSS per worker at %s, after the search load" % nice,
            ", ".join("%s MB (%s MB private)" % tuple(r.split("/")) for r in rss) or "n/a",
            "-", "-", "-")
        if KV.get(k + "malloc_workaround"):
            row("server start at %s as configured" % nice,
                "workers died in the sandbox; measured with a malloc tunable",
                "-", "starts", verdict(False))


def searchnew_rows():
    """search_new.sh: every query new, realistic queries, three engines."""
    for s in KV.get("searchnew.sizes", "").split():
        k = "searchnew.%s." % s
        nice = "{:,}".format(int(s))
        at_target = int(s) == 10000
        rps, p99 = num(k + "server_rps"), num(k + "server_p99")
        shim, bare = num(k + "shim_mean_us"), num(k + "bare_mean_us")
        fts = num(k + "fts5_mean_us")

        def per_s(us):
            return "n/a" if not us else "~%s/s" % n0(1e6 / us)

        def us_ms(key):
            v = num(k + key)
            return ms(None if v is None else v / 1000)
        row("new queries at %s documents: this server (wrk -t1 -c16, "
            "SEARCH_CACHE=off)" % nice,
            "%s/s, p50 %s, p99 %s" % (n0(rps), ms(num(k + "server_p50")), ms(p99)),
            "bare Xapian, same final queries, 1 thread: %s, p50 %s, p99 %s; "
            "SQLite FTS5 trigram, 1 thread: %s, p50 %s, p99 %s" % (
                per_s(bare), us_ms("bare_p50_us"), us_ms("bare_p99_us"),
                per_s(fts), us_ms("fts5_p50_us"), us_ms("fts5_p99_us")),
            ">= 2,000/s, p99 <= 10 ms" if at_target else "p99 <= 30 ms",
            verdict(None if rps is None or p99 is None else
                    (rps >= 2000 and p99 <= 10) if at_target else p99 <= 30,
                    "" if rps is None else "%s/s, p99 %s" % (n0(rps), ms(p99))))
        # CPU (user + system) when measured: a shared machine disturbs it
        # less than the wall clock.
        if num(k + "shim_cpu_us") and num(k + "bare_cpu_us"):
            shim, bare = num(k + "shim_cpu_us"), num(k + "bare_cpu_us")
        ratio = shim / bare if shim and bare else None
        row("  CPU per new query at %s, in-process, 1 thread: the shim" % nice,
            "%s (wall p50 %s, p99 %s)" % (ms(shim / 1000 if shim else None),
                                          us_ms("shim_p50_us"), us_ms("shim_p99_us")),
            "bare Xapian on the shim's final query %s" % ms(
                bare / 1000 if bare else None),
            "<= 2x bare" if at_target else "-",
            verdict(None if ratio is None else ratio <= 2,
                    "" if ratio is None else "%.1fx" % ratio)
            if at_target else "%.1fx" % ratio if ratio else "-")


def write_rows():
    v, vp99 = num("deflection.vote.rps"), num("deflection.vote.p99")
    row("vote POST, durable (wrk -c32)", "%s/s, p50 %s, p99 %s" % (
        n0(v), ms(num("deflection.vote.p50")), ms(vp99)), "-", "p99 < 20 ms",
        verdict(cmp(vp99, "<", 20)))
    a = num("community.answer.rate")
    lost = KV.get("community.answer.lost", "n/a")
    row("answer POST to a thread, durable (wrk -c16)", "%s/s, p50 %s, p99 %s" % (
        n0(a), ms(num("community.answer_wrk.p50")), ms(num("community.answer_wrk.p99"))),
        "-", "every acknowledged answer stored",
        verdict(cmp(num("community.answer.lost"), "==", 0), "%s lost" % lost))
    t = num("tickets.rate")
    row("ticket form POST, durable (wrk -c16)", "%s/s, p50 %s, p99 %s" % (
        n0(t), ms(num("tickets.p50")), ms(num("tickets.p99"))), "-", ">= 300/s",
        verdict(cmp(t, ">=", 300)))
    mr, d99 = num("mail.rate"), num("mail.delay_p99")
    row("emails under ticket load (form, wrk -c%s %s s; SMTP sink)" % (
        KV.get("mail.clients", "?"), KV.get("mail.seconds", "?")),
        "%s emails/s; queued -> delivered p50 %s, p99 %s; %s of %s left, %s twice" % (
            KV.get("mail.rate", "n/a"), ms(num("mail.delay_p50")), ms(d99),
            KV.get("mail.left", "n/a"), KV.get("mail.queued", "n/a"),
            KV.get("mail.duplicates", "n/a")),
        "%s tickets/s" % n0(num("mail.tickets_rps")), "every email once",
        verdict(None if num("mail.left") is None else
                num("mail.left") == 0 and num("mail.duplicates") == 0))
    row("one email at a time (20 tickets, 4/s)", "queued -> delivered p50 %s, p99 %s" % (
        ms(num("mail.idle.delay_p50")), ms(num("mail.idle.delay_p99"))),
        "the mailer looks every 500 ms", "-", "-")
    acked, failed = num("crash.acked"), num("crash.failed")
    row("kill -9 under ticket load (%s s, %s clients)" % (
        KV.get("crash.seconds", "?"), KV.get("crash.clients", "?")),
        "%s acknowledged, %s checks failed" % (n0(acked), KV.get("crash.failed", "n/a")),
        "-", "no acknowledged ticket lost", verdict(cmp(failed, "==", 0)))


def backend_rows():
    """backends.sh: the same writes on SQLite and PostgreSQL, one run; the
    article page through haproxy with two nodes beside one node."""
    for what, label, conns in (("tickets", "ticket form POST", 16),
                               ("votes", "vote POST", 32),
                               ("answers", "answer POST", 16)):
        def fig(b):
            return "%s/s, p50 %s, p99 %s" % (
                n0(num("%s.%s.rate" % (b, what))),
                ms(num("%s.%s.p50" % (b, what))),
                ms(num("%s.%s.p99" % (b, what))))
        row("%s, durable, on PostgreSQL (wrk -c%d, rows stored/s)" % (
            label, conns), fig("pg"), "SQLite, same run: %s" % fig("sqlite"))
    one, two = num("nodes.one.rps"), num("nodes.two.rps")
    share = two / one if one and two else None
    row("article page, two nodes through haproxy (wrk -t2 -c32; on %s "
        "cores a cost figure, not a scaling figure)" % KV.get("nodes.cores", "?"),
        "%s/s, p50 %s, p99 %s%s" % (n0(two), ms(num("nodes.two.p50")),
                                   ms(num("nodes.two.p99")),
                                   "" if share is None else
                                   " (%.0f %% of one node)" % (100 * share)),
        "one node directly: %s/s, p50 %s, p99 %s" % (
            n0(one), ms(num("nodes.one.p50")), ms(num("nodes.one.p99"))))


def other_rows():
    names = ("all", "groupbilling", "statusopen", "overdue")
    p50 = [num("tickets.list_%s.p50" % q) for q in names]
    p99 = [num("tickets.list_%s.p99" % q) for q in names]
    worst = None if None in p99 else max(p99)
    row("agent list at 100,000 tickets (4 filters, 1 connection)",
        "p50 %s, p99 %s (worst filter)" % (ms(None if None in p50 else max(p50)), ms(worst)),
        "-", "< 20 ms", verdict(cmp(worst, "<", 20)))
    row("thread page with 200 answers (wrk -c16)", "%s/s, p99 %s" % (
        n0(num("community.thread_page.rps")), ms(num("community.thread_page.p99"))))
    th, ar = KV.get("community.threads"), KV.get("community.articles")
    if th:
        th, ar = "{:,}".format(int(th)), "{:,}".format(int(ar))
    for kind, label in (("1", "every query new"), ("0", "repeated queries")):
        k = "community.search_all_%s." % kind
        row("search at %s threads + %s articles, %s" % (th, ar, label),
            "%s/s, p50 %s, p99 %s" % (n0(num(k + "rps")), ms(num(k + "p50")), ms(num(k + "p99"))),
            "bare query %s / %s" % (ms(num("community.bare_p50")), ms(num("community.bare_p99"))))


def status():
    parts = []
    path = os.path.join(OUT, "bench-status.tsv")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            for line in f:
                f_ = line.rstrip("\n").split("\t")
                if len(f_) >= 3:
                    parts.append(f_ + ["?"] * (4 - len(f_)))
    return parts


def main():
    article_rows()
    search_rows()
    searchnew_rows()
    write_rows()
    backend_rows()
    other_rows()
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True).stdout.strip()
    except OSError:
        commit = "?"
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    parts = status()
    total = sum(int(p[2]) for p in parts if p[2].isdigit())
    out = ["make bench, %s, commit %s, %d cores (%s); wrk runs on the same cores." % (
        datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        commit, os.cpu_count(), cpu), ""]
    out.append("| figure | this project | reference (same run) | target | met/missed |")
    out.append("| --- | --- | --- | --- | --- |")
    for r in ROWS:
        out.append("| " + " | ".join(c.replace("|", "/") for c in r) + " |")
    met = sum(1 for r in ROWS if r[4].startswith("met"))
    miss = sum(1 for r in ROWS if "MISS" in r[4])
    out.append("")
    out.append("Targets: %d met, %d missed." % (met, miss))
    if parts:
        out.append("Parts: " + ", ".join("%s %s (%s s, load %s)" % (
            p[0], "ok" if p[1] == "0" else "FAILED (status %s)" % p[1], p[2], p[3])
            for p in parts) + "; total %d s (%.1f min)." % (total, total / 60))
    text = "\n".join(out) + "\n"
    with open(os.path.join(OUT, "bench-table.md"), "w", encoding="utf-8") as f:
        f.write(text)
    sys.stdout.write(text)


if __name__ == "__main__":
    main()
