/* test_nodes.c: catalog pinning's table: each node's report, the live nodes compared, since when this node's snapshot differs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "store/nodes.h"
#include "testdb.h"

#define H1	"1111111111111111111111111111111111111111111111111111111111111111"
#define H2	"2222222222222222222222222222222222222222222222222222222222222222"

static void
test_report_and_compare(void **state)
{
	struct store		*db;
	struct node_catalog	 out[4];
	int			 n;

	(void)state;
	assert_non_null(db = testdb_open("/tmp/hc-test-nodes.db"));
	/* Alone: nothing to differ from. */
	assert_int_equal(node_catalog_report(db, "node-a", "", H1, 1000, out,
	    4, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(out[0].name, "node-a");
	assert_int_equal(out[0].differs_since, 0);

	/* node-b serves the same: no difference. */
	assert_int_equal(node_catalog_report(db, "node-b", "abc", H1, 1001,
	    out, 4, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(out[1].name, "node-a");
	assert_int_equal(out[1].differs, 0);
	assert_int_equal(out[0].differs_since, 0);

	/* node-b's articles change: both see it, the clock keeps its start. */
	assert_int_equal(node_catalog_report(db, "node-b", "abd", H2, 1010,
	    out, 4, &n), 0);
	assert_int_equal(out[0].differs_since, 1010);
	assert_int_equal(out[1].differs, 1);
	assert_int_equal(node_catalog_report(db, "node-a", "", H1, 1012, out,
	    4, &n), 0);
	assert_int_equal(out[0].differs_since, 1012);
	assert_string_equal(out[1].name, "node-b");
	assert_string_equal(out[1].snapshot_hash, H2);
	assert_string_equal(out[1].git_commit, "abd");
	assert_int_equal(node_catalog_report(db, "node-a", "", H1, 1080, out,
	    4, &n), 0);
	assert_int_equal(out[0].differs_since, 1012);

	/* A node without a snapshot yet is not compared. */
	assert_int_equal(node_catalog_report(db, "node-c", "", "", 1081, out,
	    4, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(out[0].differs_since, 0);

	/* Same again: cleared. */
	assert_int_equal(node_catalog_report(db, "node-b", "abc", H1, 1090,
	    out, 4, &n), 0);
	assert_int_equal(out[0].differs_since, 0);
	assert_int_equal(node_catalog_report(db, "node-a", "", H1, 1091, out,
	    4, &n), 0);
	assert_int_equal(out[0].differs_since, 0);

	/* A node silent for NODE_LIVE_SECS is gone: not compared. */
	assert_int_equal(node_catalog_report(db, "node-b", "abd", H2, 1100,
	    out, 4, &n), 0);
	assert_int_equal(node_catalog_report(db, "node-a", "", H1,
	    1101 + NODE_LIVE_SECS, out, 4, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(out[0].differs_since, 0);
	db_close(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_report_and_compare),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
