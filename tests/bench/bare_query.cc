// bare_query.cc: the search latency reference for make bench: the same
// queries through a plain QueryParser + Enquire, in-process, one thread.
//
//   bare_query INDEX-DIR QUERIES-FILE [ROUNDS]
//
// Opens the project's index read-only; each query is parsed with
// FLAG_CJK_NGRAM|FLAG_DEFAULT, the English stemmer and the project's field
// prefixes as default prefixes, then get_mset(0, 10). Every query runs
// ROUNDS times (default 20); prints p50/p99/max over all runs, in
// microseconds, and how many queries matched nothing.
#include <xapian.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

int
main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: bare_query INDEX-DIR QUERIES-FILE [ROUNDS]\n");
		return 2;
	}
	int rounds = argc > 3 ? atoi(argv[3]) : 20;
	std::vector<std::string> queries;
	std::ifstream in(argv[2]);
	for (std::string line; std::getline(in, line);)
		if (!line.empty() && line[0] != '#')
			queries.push_back(line);
	if (queries.empty()) {
		fprintf(stderr, "bare_query: no queries in %s\n", argv[2]);
		return 2;
	}
	try {
		Xapian::Database db(argv[1]);
		Xapian::QueryParser qp;
		qp.set_database(db);
		qp.set_stemmer(Xapian::Stem("en"));
		for (const char *p : { "S", "K", "A", "H", "B" })
			qp.add_prefix("", p);
		unsigned flags = Xapian::QueryParser::FLAG_CJK_NGRAM |
		    Xapian::QueryParser::FLAG_DEFAULT;

		std::vector<double> us;
		size_t empty = 0;
		double worst_q = 0;
		std::string worst;
		for (int r = 0; r < rounds; r++) {
			for (const std::string &q : queries) {
				auto t0 = std::chrono::steady_clock::now();
				Xapian::Enquire enq(db);
				enq.set_query(qp.parse_query(q, flags));
				Xapian::MSet m = enq.get_mset(0, 10);
				double t = std::chrono::duration<double, std::micro>(
				    std::chrono::steady_clock::now() - t0).count();
				us.push_back(t);
				if (r == 0 && m.empty())
					empty++;
				if (t > worst_q) {
					worst_q = t;
					worst = q;
				}
			}
		}
		std::vector<double> s = us;
		std::sort(s.begin(), s.end());
		auto pct = [&](double p) {
			size_t i = (size_t)(p * (s.size() - 1) + 0.5);
			return s[i];
		};
		printf("bare_query: %zu queries x %d rounds p50 %.0f us p99 %.0f us "
		    "max %.0f us empty %zu docs %u\n", queries.size(), rounds,
		    pct(0.50), pct(0.99), s.back(), empty, db.get_doccount());
		fprintf(stderr, "bare_query: slowest: \"%s\" %.0f us\n",
		    worst.c_str(), worst_q);
		return 0;
	} catch (const Xapian::Error &e) {
		fprintf(stderr, "bare_query: %s\n", e.get_description().c_str());
	}
	return 1;
}
