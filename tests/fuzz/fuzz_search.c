/* fuzz_search.c: libFuzzer target for the query path: folding, the Xapian shim's query building and search, snippets. */
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "search/fold.h"
#include "search/search.h"
#include "search/snippet.h"
#include "util/text.h"

/* As search_pages.c: longer queries get a 400 before any search. */
#define MAX_QUERY_CHARS	256

static hc_index	*ix;
static char	 dir[] = "/tmp/hc-fuzz-search.XXXXXX";

static const char *const docs[][5] = {
	/* id, lang, category, title, body */
	{ "article:refund-policy:zh-CN", "zh-CN", "billing",
	  "退款条件", "购买后七天内可申请（部分）退款。查询我的订单，然后申请退款。" },
	{ "article:refund-policy:en", "en", "billing",
	  "Refund policy", "You can ask for a refund within 7 days. "
	  "Open My orders and choose Refund." },
	{ "article:create-account:zh-TW", "zh-TW", "getting-started",
	  "建立帳號", "使用電子郵件註冊帳號，並設定密碼。" },
	{ "article:invoice:zh-CN", "zh-CN", "billing/invoices",
	  "发票", "开具电子发票：在订单页面点击“申请发票”。AND OR NOT \"quoted\"" },
	{ "thread:1", "en", "community", "Password reset email never arrives",
	  "Check the spam folder; resend after 5 minutes (C++ users: 100%)." },
};

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st; (void)flag; (void)f;
	return (remove(path));
}

static void
cleanup(void)
{
	hc_index_close(ix);
	(void)nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void
put(hc_index *w, const char *const d[5])
{
	struct hc_doc	 doc;
	char		*title, *body;

	title = fold_text(d[3], strlen(d[3]));
	body = fold_text(d[4], strlen(d[4]));
	memset(&doc, 0, sizeof(doc));
	doc.id = d[0];
	doc.type = strncmp(d[0], "thread:", 7) ? "article" : "thread";
	doc.lang = d[1];
	doc.category = d[2];
	doc.title = title;
	doc.tags = "refund 退款";
	doc.summary = "";
	doc.headings = title;
	doc.body = body;
	doc.hash = d[0];
	doc.updated = 1700000000;
	if (hc_index_put(w, &doc) != HC_SEARCH_OK)
		abort();
	free(title);
	free(body);
}

/* A small index, built once; the workers' reader opens it read-only. */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	hc_index	*w;
	size_t		 i;

	(void)argc; (void)argv;
	if (fold_init() != 0 || mkdtemp(dir) == NULL)
		abort();
	if (hc_index_open(dir, 1, &w) != HC_SEARCH_OK)
		abort();
	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++)
		put(w, docs[i]);
	(void)hc_index_set_synonyms(w, "退款 退钱\nrefund money back\n");
	if (hc_index_commit(w) != HC_SEARCH_OK)
		abort();
	hc_index_close(w);
	if (hc_index_open(dir, 0, &ix) != HC_SEARCH_OK)
		abort();
	(void)hc_index_set_synonyms(ix, "退款 退钱\nrefund money back\n");
	atexit(cleanup);
	return (0);
}

/*
 * Input: one flags byte (filters, page, suggest mode), then the query as
 * the handlers get it: valid UTF-8 without NUL, at most 256 characters.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hc_query		 q;
	struct hc_results	*r = NULL;
	hc_search_status	 s;
	char			*text, *folded, *snip;
	size_t			 i;
	uint8_t			 fl;

	if (size < 1)
		return (0);
	fl = data[0];
	text = malloc(size);
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	if (strlen(text) != size - 1 || !utf8_valid(text, size - 1) ||
	    utf8_length(text) > MAX_QUERY_CHARS) {
		free(text);
		return (0);
	}
	folded = fold_query(text);
	memset(&q, 0, sizeof(q));
	q.text = folded;
	q.category = (fl & 1) ? "billing" : NULL;
	q.lang = (fl & 2) ? "zh-CN" : NULL;
	q.type = (fl & 4) ? "article" : NULL;
	q.prefer_lang = (fl & 8) ? "en" : "zh-CN";
	q.offset = (fl & 16) ? 10 : 0;
	q.limit = (fl & 64) ? 8 : 10;
	q.prefix_last = q.titles_only = (fl & 32) != 0;
	q.facets = (fl & 128) != 0;
	s = hc_search(ix, &q, &r);
	if (s == HC_SEARCH_OK) {
		if (r == NULL || r->nhits > q.limit)
			abort();
		for (i = 0; i < r->nhits; i++)
			if (r->hits[i].id == NULL)
				abort();
		/* The snippet of a result, as the search page makes it. */
		snip = snippet_make(docs[fl % 5][4], r->highlight,
		    r->nhighlight, 120);
		if (snip == NULL || strstr(snip, "<script") != NULL)
			abort();
		free(snip);
		hc_results_free(r);
	} else {
		/* The handlers answer 503 to any failure: a bug for a query. */
		fprintf(stderr, "hc_search: %s: %s\n",
		    hc_search_status_to_string(s), hc_index_last_error(ix));
		abort();
	}
	free(folded);
	free(text);
	return (0);
}
