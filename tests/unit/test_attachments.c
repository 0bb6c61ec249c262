/* test_attachments.c: unit tests of the multipart parser (util/multipart.h) and of attachment types, names and blobs (tickets/attachments.h). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/stat.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/db.h"
#include "testdb.h"
#include "tickets/attachments.h"
#include "tickets/tickets.h"
#include "util/multipart.h"
#include "util/strbuf.h"

/* What the callbacks saw: "[name|filename]data" per part. */
struct seen {
	struct strbuf	out;
	int		stop_at;	/* stop in the nth begin (1-based), 0: never */
	int		begins;
};

static int
on_begin(void *arg, const struct mp_part *p)
{
	struct seen	*s = arg;

	if (++s->begins == s->stop_at)
		return (-1);
	sb_printf(&s->out, "[%s|%s%s]", p->name, p->has_filename ? "f:" : "",
	    p->filename);
	return (0);
}

static int
on_data(void *arg, const unsigned char *d, size_t n)
{
	struct seen	*s = arg;

	sb_append(&s->out, (const char *)d, n);
	return (0);
}

static int
on_end(void *arg)
{
	struct seen	*s = arg;

	sb_puts(&s->out, "<end>");
	return (0);
}

static const struct mp_callbacks	cbs = { on_begin, on_data, on_end };

static const char	body[] =
    "preamble ignored\r\n"
    "--XyZ\r\n"
    "Content-Disposition: form-data; name=\"subject\"\r\n"
    "\r\n"
    "Hello\r\nworld --XyZ not a boundary\r\n"
    "--XyZ  \r\n"
    "content-disposition: form-data; name=attachments; "
    "filename=\"a \\\"b\\\".png\"\r\n"
    "Content-Type: text/html\r\n"
    "\r\n"
    "\x89PNG\r\n\x1a\n\r\n-"
    "\r\n--XyZ--\r\n"
    "epilogue\r\n--XyZ\r\n";

static const char	expect[] =
    "[subject|]Hello\r\nworld --XyZ not a boundary<end>"
    "[attachments|f:a \"b\".png]\x89PNG\r\n\x1a\n\r\n-<end>";

/* Fed in pieces of every size from 1 to the whole: the same parts. */
static void
test_multipart_chunks(void **state)
{
	struct multipart	m;
	struct seen		s;
	enum mp_status		st;
	size_t			len, step, off, n;

	(void)state;
	len = sizeof(body) - 1;
	for (step = 1; step <= len; step++) {
		memset(&s, 0, sizeof(s));
		sb_init(&s.out);
		sb_append(&s.out, "", 0);
		mp_init(&m, "XyZ", &cbs, &s);
		st = MP_MORE;
		for (off = 0; off < len && st == MP_MORE; off += n) {
			n = len - off < step ? len - off : step;
			st = mp_feed(&m, body + off, n);
		}
		assert_int_equal(st, MP_DONE);
		assert_int_equal(mp_finish(&m), MP_DONE);
		assert_int_equal(s.out.len, sizeof(expect) - 1);
		assert_memory_equal(s.out.data, expect, sizeof(expect) - 1);
		mp_free(&m);
		sb_free(&s.out);
	}
}

static enum mp_status
parse_all(const char *b, struct seen *s)
{
	struct multipart	m;
	enum mp_status		st;

	memset(s, 0, sizeof(*s));
	sb_init(&s->out);
	mp_init(&m, "b", &cbs, s);
	if ((st = mp_feed(&m, b, strlen(b))) == MP_MORE)
		st = mp_finish(&m);
	mp_free(&m);
	sb_free(&s->out);
	return (st);
}

static void
test_multipart_bad(void **state)
{
	struct seen	 s;
	char		*big;

	(void)state;
	/* Cut short: no closing delimiter. */
	assert_int_equal(parse_all("--b\r\nContent-Disposition: form-data; "
	    "name=\"x\"\r\n\r\nabc", &s), MP_BAD);
	/* Garbage after a delimiter. */
	assert_int_equal(parse_all("--bXX\r\n\r\nabc\r\n--b--", &s), MP_BAD);
	/* A header line without a colon. */
	assert_int_equal(parse_all("--b\r\nnonsense\r\n\r\nabc\r\n--b--", &s),
	    MP_BAD);
	/* A field name longer than any of ours. */
	big = calloc(1, 600);
	memcpy(big, "--b\r\nContent-Disposition: form-data; name=\"", 43);
	memset(big + 43, 'n', 300);
	strcat(big, "\"\r\n\r\nx\r\n--b--");
	assert_int_equal(parse_all(big, &s), MP_BAD);
	free(big);
	/* A header block over 8 KB. */
	big = calloc(1, 20000);
	strcpy(big, "--b\r\nX-Pad: ");
	memset(big + strlen(big), 'p', 10000);
	strcat(big, "\r\n\r\nx\r\n--b--");
	assert_int_equal(parse_all(big, &s), MP_BAD);
	free(big);
	/* A part without any header is a part all the same. */
	assert_int_equal(parse_all("--b\r\n\r\nx\r\n--b--", &s), MP_DONE);
}

static void
test_multipart_stop(void **state)
{
	struct multipart	m;
	struct seen		s;
	const char		*input;

	(void)state;
	memset(&s, 0, sizeof(s));
	sb_init(&s.out);
	s.stop_at = 2;
	mp_init(&m, "b", &cbs, &s);
	input = "--b\r\n\r\nx\r\n--b\r\n\r\ny\r\n--b--";
	assert_int_equal(mp_feed(&m, input, strlen(input)), MP_STOPPED);
	assert_int_equal(mp_feed(&m, "more", 4), MP_BAD);
	mp_free(&m);
	sb_free(&s.out);
}

static void
test_boundary(void **state)
{
	char	b[MP_BOUNDARY_MAX + 1];

	(void)state;
	assert_int_equal(mp_boundary("multipart/form-data; boundary=abc", b), 0);
	assert_string_equal(b, "abc");
	assert_int_equal(mp_boundary("Multipart/Form-Data;charset=utf-8; "
	    "boundary=\"a b:c\"", b), 0);
	assert_string_equal(b, "a b:c");
	assert_int_equal(mp_boundary("multipart/form-data", b), -1);
	assert_int_equal(mp_boundary("multipart/mixed; boundary=abc", b), -1);
	assert_int_equal(mp_boundary("multipart/form-data; boundary=", b), -1);
	assert_int_equal(mp_boundary("multipart/form-data; boundary=a<b", b),
	    -1);
	assert_int_equal(mp_boundary("multipart/form-data; boundary="
	    "12345678901234567890123456789012345678901234567890123456789012345"
	    "678901", b), -1);
}

static void
test_sniff(void **state)
{
	(void)state;
	assert_string_equal(attachment_sniff((const unsigned char *)
	    "\x89PNG\r\n\x1a\n....", 12), "image/png");
	assert_string_equal(attachment_sniff((const unsigned char *)
	    "\xff\xd8\xff\xe0", 4), "image/jpeg");
	assert_string_equal(attachment_sniff((const unsigned char *)
	    "GIF89a<html>", 12), "image/gif");
	assert_string_equal(attachment_sniff((const unsigned char *)
	    "RIFF\x10\0\0\0WEBPVP8 ", 16), "image/webp");
	assert_string_equal(attachment_sniff((const unsigned char *)
	    "%PDF-1.7", 8), "application/pdf");
	assert_null(attachment_sniff((const unsigned char *)"<svg xmlns=", 11));
	assert_null(attachment_sniff((const unsigned char *)"<!doctype html>",
	    15));
	assert_null(attachment_sniff((const unsigned char *)"RIFF\0\0\0\0WAVE",
	    12));
	assert_null(attachment_sniff((const unsigned char *)" %PDF-1.7", 9));
	assert_null(attachment_sniff((const unsigned char *)"\x89PNG", 4));
	assert_null(attachment_sniff((const unsigned char *)"PK\x03\x04", 4));
	assert_true(attachment_inline("image/gif"));
	assert_false(attachment_inline("application/pdf"));
}

static void
name_is(const char *raw, const char *mime, const char *want)
{
	char	out[ATTACH_NAME_BYTES];

	attachment_display_name(raw, mime, out, sizeof(out));
	assert_string_equal(out, want);
}

static void
test_display_name(void **state)
{
	char	raw[600], out[ATTACH_NAME_BYTES];

	(void)state;
	name_is("screenshot.png", "image/png", "screenshot.png");
	name_is("Photo.JPEG", "image/jpeg", "Photo.JPEG");
	name_is("report.pdf", "image/png", "report.png");
	name_is("shot.png", "application/pdf", "shot.pdf");
	name_is("../../etc/passwd", "image/png", "passwd.png");
	name_is("C:\\Users\\me\\file.gif", "image/gif", "file.gif");
	name_is("a\x01" "b\x7f" "c.png", "image/png", "abc.png");
	name_is("x\xe2\x80\xaegnp.exe", "image/png", "xgnp.png");
	name_is("bad\xff\xfeutf8.png", "image/png", "badutf8.png");
	name_is("..", "image/png", "attachment.png");
	name_is(".htaccess", "application/pdf", "htaccess.pdf");
	name_is("", "image/webp", "attachment.webp");
	name_is("say \"hi\".png", "image/png", "say hi.png");
	name_is("收据 2024.pdf", "application/pdf", "收据 2024.pdf");
	name_is("archive.tar.gz", "image/png", "archive.tar.png");
	memset(raw, 'a', 300);
	strcpy(raw + 300, ".png");
	attachment_display_name(raw, "image/png", out, sizeof(out));
	assert_int_equal(strlen(out), ATTACH_NAME_MAX + 4);
	assert_string_equal(out + ATTACH_NAME_MAX, ".png");
}

/* Blobs: staged, committed to their address, rows, the mail-in hook. */
static void
test_blobs_and_rows(void **state)
{
	static const unsigned char	png[] = "\x89PNG\r\n\x1a\nabcdefgh";
	struct attachment_blob		b;
	struct attachment_info		info;
	struct ticket_input		in;
	struct ticket_created		out;
	unsigned char			secret[32];
	char				dir[] = "/tmp/hc-att-XXXXXX", path[600];
	char				blob[ATTACH_PATH_MAX];
	struct store			*db;
	json_t				*list;
	struct stat			st;
	DIR				*d;
	int				n;
	struct dirent			*de;

	(void)state;
	assert_non_null(mkdtemp(dir));
	(void)snprintf(path, sizeof(path), "%s/attachments", dir);
	attachments_set_dir(path);
	assert_int_equal(attachments_prepare_dir(), 0);

	assert_int_equal(attachment_blob_from_bytes("x.svg", "<svg/>", 6, &b),
	    ATTACH_TYPE_REFUSED);
	assert_int_equal(attachment_blob_from_bytes("e.png", "", 0, &b),
	    ATTACH_EMPTY);
	assert_int_equal(attachment_blob_from_bytes("../shot.pdf", png,
	    sizeof(png) - 1, &b), ATTACH_OK);
	assert_string_equal(b.mime, "image/png");
	assert_string_equal(b.name, "shot.png");
	assert_true(b.staged[0] != '\0');
	assert_int_equal(attachment_blob_commit(&b), 0);
	assert_int_equal(attachment_blob_path(b.sha256, blob, sizeof(blob)), 0);
	assert_int_equal(stat(blob, &st), 0);
	assert_int_equal(st.st_size, sizeof(png) - 1);
	assert_int_equal(attachment_blob_path("../../x", blob, sizeof(blob)),
	    -1);
	/* Nothing stays staged. */
	(void)snprintf(path, sizeof(path), "%s/attachments/tmp", dir);
	d = opendir(path);
	n = 0;
	while ((de = readdir(d)) != NULL)
		n += de->d_name[0] != '.';
	closedir(d);
	assert_int_equal(n, 0);

	(void)snprintf(path, sizeof(path), "%s/helpcenter.db", dir);
	assert_non_null(db = testdb_open(path));
	memset(secret, 7, sizeof(secret));
	memset(&in, 0, sizeof(in));
	in.name = "Ann";
	in.email = "ann@example.com";
	in.subject = "s";
	in.body = "b";
	in.channel = "web_form";
	in.attachments = &b;
	in.nattachments = 1;
	assert_int_equal(ticket_create(db, secret, &in, &out), TICKET_CREATED);
	assert_non_null(list = attachments_list(db, out.ref, 1));
	assert_int_equal(json_array_size(list), 1);
	json_decref(list);
	assert_int_equal(attachment_find(db, out.ref, 1, 1, &info), ATTACH_OK);
	assert_string_equal(info.sha256, b.sha256);
	assert_int_equal(attachment_find(db, "HC-2000-000000", 1, 1, &info),
	    ATTACH_NOT_FOUND);
	/* The mail-in hook: a reply's file, then five more is too many. */
	assert_int_equal(attachment_store(db, out.ref, 0, "m.gif", "GIF89a;",
	    7, &info), ATTACH_OK);
	assert_string_equal(info.mime, "image/gif");
	assert_true(info.id > 1);	/* the new row's, after the form's */
	assert_int_equal(attachment_find(db, out.ref, info.id, 1, &info),
	    ATTACH_OK);
	assert_string_equal(info.mime, "image/gif");
	for (n = 0; n < 3; n++)
		assert_int_equal(attachment_store(db, out.ref, 0, "m.gif",
		    "GIF89a;", 7, NULL), ATTACH_OK);
	assert_int_equal(attachment_store(db, out.ref, 0, "m.gif", "GIF89a;",
	    7, NULL), ATTACH_TOO_MANY);
	assert_int_equal(attachment_store(db, out.ref, 999, "m.gif", "GIF89a;",
	    7, NULL), ATTACH_NOT_FOUND);
	assert_int_equal(attachment_store(db, "HC-2000-000000", 0, "m.gif",
	    "GIF89a;", 7, NULL), ATTACH_NOT_FOUND);
	db_close(db);
	(void)snprintf(path, sizeof(path), "rm -rf %s", dir);
	assert_int_equal(system(path), 0);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_multipart_chunks),
		cmocka_unit_test(test_multipart_bad),
		cmocka_unit_test(test_multipart_stop),
		cmocka_unit_test(test_boundary),
		cmocka_unit_test(test_sniff),
		cmocka_unit_test(test_display_name),
		cmocka_unit_test(test_blobs_and_rows),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
