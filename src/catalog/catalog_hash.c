/* catalog_hash.c: one SHA-256 of what a catalog publishes, the same on every node that built the same files, whatever their order on disk. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "catalog.h"
#include "util/strbuf.h"

#define DIGEST_LEN	32

/* A field: its length first, so that "ab","c" and "a","bc" differ. */
static void
field(EVP_MD_CTX *c, const void *p, size_t n)
{
	uint64_t	len;

	len = p == NULL ? UINT64_MAX : (uint64_t)n;
	(void)EVP_DigestUpdate(c, &len, sizeof(len));
	if (p != NULL && n > 0)
		(void)EVP_DigestUpdate(c, p, n);
}

static void
text(EVP_MD_CTX *c, const char *s)
{
	field(c, s, s == NULL ? 0 : strlen(s));
}

static void
number(EVP_MD_CTX *c, long long v)
{
	char	buf[24];

	(void)snprintf(buf, sizeof(buf), "%lld", v);
	text(c, buf);
}

static int
cmp_digest(const void *a, const void *b)
{
	return (memcmp(a, b, DIGEST_LEN));
}

/* One part's digest, started with its kind so that parts never collide. */
static void
part_begin(EVP_MD_CTX *c, const char *kind)
{
	(void)EVP_DigestInit_ex(c, EVP_sha256(), NULL);
	text(c, kind);
}

static void
part_end(EVP_MD_CTX *c, unsigned char *out)
{
	(void)EVP_DigestFinal_ex(c, out, NULL);
}

static size_t
hash_articles(EVP_MD_CTX *c, const struct article *arts, size_t n,
    const char *kind, unsigned char *out)
{
	size_t	i, j, k = 0;

	/*
	 * A version's file holds its front matter (category, order,
	 * aliases, tags): its path and bytes say all. Its time does not
	 * count: two copies of one commit have different mtimes.
	 */
	for (i = 0; i < n; i++)
		for (j = 0; j < arts[i].nversions; j++, k++) {
			part_begin(c, kind);
			text(c, arts[i].versions[j].path);
			text(c, arts[i].versions[j].markdown);
			part_end(c, out + k * DIGEST_LEN);
		}
	return (k);
}

int
catalog_hash(const struct catalog *cat, char *out, size_t size)
{
	static const char	 hex[] = "0123456789abcdef";
	EVP_MD_CTX		*c;
	unsigned char		*parts, sum[DIGEST_LEN];
	const char		*extra[4];
	size_t			 n, i, j, k;

	if (size < 2 * DIGEST_LEN + 1)
		return (-1);
	n = 4 + cat->nassets;
	for (i = 0; i < cat->narts; i++)
		n += cat->arts[i].nversions;
	for (i = 0; i < cat->ndraft_arts; i++)
		n += cat->draft_arts[i].nversions;
	for (i = 0; i < cat->ncats; i++)
		n += cat->cats[i].ntexts;
	if ((c = EVP_MD_CTX_new()) == NULL)
		return (-1);
	/*
	 * One digest per part, sorted, then one digest of them: the same
	 * set of files gives the same hash in whatever order it was read.
	 */
	parts = xcalloc(n, DIGEST_LEN);
	k = hash_articles(c, cat->arts, cat->narts, "article", parts);
	k += hash_articles(c, cat->draft_arts, cat->ndraft_arts, "draft",
	    parts + k * DIGEST_LEN);
	for (i = 0; i < cat->ncats; i++)
		for (j = 0; j < cat->cats[i].ntexts; j++, k++) {
			part_begin(c, "category");
			text(c, cat->cats[i].slug);
			text(c, cat->cats[i].parent);
			number(c, cat->cats[i].order);
			text(c, cat->cats[i].texts[j].lang);
			text(c, cat->cats[i].texts[j].title);
			text(c, cat->cats[i].texts[j].description);
			part_end(c, parts + k * DIGEST_LEN);
		}
	for (i = 0; i < cat->nassets; i++, k++) {
		part_begin(c, "asset");
		text(c, cat->assets[i].key);
		field(c, cat->assets[i].data, cat->assets[i].len);
		part_end(c, parts + k * DIGEST_LEN);
	}
	extra[0] = cat->synonyms;
	extra[1] = cat->stopwords;
	extra[2] = cat->macros;
	extra[3] = cat->polyphones;
	for (i = 0; i < 4; i++, k++) {
		part_begin(c, "extra");
		number(c, (long long)i);
		text(c, extra[i]);
		part_end(c, parts + k * DIGEST_LEN);
	}
	qsort(parts, k, DIGEST_LEN, cmp_digest);
	(void)EVP_DigestInit_ex(c, EVP_sha256(), NULL);
	(void)EVP_DigestUpdate(c, parts, k * DIGEST_LEN);
	(void)EVP_DigestFinal_ex(c, sum, NULL);
	EVP_MD_CTX_free(c);
	free(parts);
	for (i = 0; i < DIGEST_LEN; i++) {
		out[2 * i] = hex[sum[i] >> 4];
		out[2 * i + 1] = hex[sum[i] & 15];
	}
	out[2 * DIGEST_LEN] = '\0';
	return (0);
}
