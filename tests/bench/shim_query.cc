// shim_query.cc: the search CPU reference for make bench: the same queries
// through the project's shim (hc_search) and through bare Xapian running
// the very query the shim builds (hc_search_final_query), in-process, one
// thread, every query new (the shim keeps no results; the server's caches
// are not in this program).
//
//   shim_query INDEX-DIR QUERIES-FILE MODE [ROUNDS] [ARTICLES-DIR]
//
// MODE: "shim" (hc_search, the floor, collapse, facets), "bare" (the
// final query with Enquire::get_mset(0, 10), nothing else) or "prep"
// (building and serialising the queries only, to subtract under
// callgrind). "cpu" is the user and system time of the timed parts per
// query (getrusage), which a shared machine disturbs less than the wall
// clock. One untimed pass over the queries comes first, in either mode:
// the shim's first search loads ICU's transliterator and word dictionary
// (a worker does that once, before the server's measured load), and the
// index's blocks reach the page cache for both modes alike. The question
// words, synonyms and polyphones are read from
// ARTICLES-DIR (default ./articles) as the server does. Prints mean, p50
// and p99 in microseconds and how many queries found nothing.
#include <xapian.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sys/resource.h>
#include <sstream>
#include <string>
#include <vector>

extern "C" {
#include "search/fold.h"
#include "search/search.h"
}

static std::string
slurp(const std::string &path)
{
	std::ifstream in(path);
	std::stringstream ss;
	ss << in.rdbuf();
	return ss.str();
}

int
main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: shim_query INDEX-DIR QUERIES-FILE "
		    "shim|bare|prep [ROUNDS] [ARTICLES-DIR]\n");
		return 2;
	}
	std::string mode = argv[3];
	int rounds = argc > 4 ? atoi(argv[4]) : 1;
	std::string articles = argc > 5 ? argv[5] : "articles";
	hc_index *ix = NULL;

	if (fold_init() != 0 || hc_index_open(argv[1], 0, &ix) !=
	    HC_SEARCH_OK) {
		fprintf(stderr, "shim_query: cannot open %s\n", argv[1]);
		return 1;
	}
	std::string sw = slurp(articles + "/_stopwords.txt");
	std::string sy = slurp(articles + "/_synonyms.txt");
	std::string pp = slurp(articles + "/_polyphones.txt");
	char *f;
	f = fold_text(sw.c_str(), sw.size());
	hc_index_set_stopwords(ix, f);
	free(f);
	f = fold_text(sy.c_str(), sy.size());
	hc_index_set_synonyms(ix, f);
	free(f);
	f = fold_text(pp.c_str(), pp.size());
	hc_index_set_polyphones(ix, pp.empty() ? NULL : f);
	free(f);

	std::vector<std::string> queries;
	std::ifstream in(argv[2]);
	for (std::string line; std::getline(in, line);)
		if (!line.empty() && line[0] != '#') {
			char *fq = fold_query(line.c_str());
			queries.push_back(fq);
			free(fq);
		}
	if (queries.empty()) {
		fprintf(stderr, "shim_query: no queries in %s\n", argv[2]);
		return 2;
	}

	try {
		Xapian::Database db(argv[1]);
		std::vector<double> us;
		size_t empty = 0;
		double cpu = 0;	// user + system, of the timed parts only
		for (int r = -1; r < rounds; r++) {
			for (const std::string &text : queries) {
				struct hc_query q;
				memset(&q, 0, sizeof(q));
				q.text = text.c_str();
				q.limit = 10;
				q.prefer_lang = "zh-CN";
				std::string ser;
				if (mode != "shim") {
					char *s;
					size_t len;
					if (hc_search_final_query(ix, &q, &s, &len) !=
					    HC_SEARCH_OK) {
						fprintf(stderr, "shim_query: %s\n",
						    text.c_str());
						return 1;
					}
					ser.assign(s, len);
					free(s);
				}
				struct rusage ru0, ru1;
				getrusage(RUSAGE_SELF, &ru0);
				auto t0 = std::chrono::steady_clock::now();
				size_t found = 0;
				if (mode == "shim") {
					struct hc_results *res;
					if (hc_search(ix, &q, &res) != HC_SEARCH_OK)
						return 1;
					found = res->total;
					hc_results_free(res);
				} else {
					Xapian::Query xq = Xapian::Query::unserialise(
					    ser);
					if (mode == "bare") {
						Xapian::Enquire enq(db);
						enq.set_query(xq);
						found = enq.get_mset(0, 10).size();
					} else
						found = 1;
				}
				double took = std::chrono::duration<double,
				    std::micro>(std::chrono::steady_clock::now() -
				    t0).count();
				getrusage(RUSAGE_SELF, &ru1);
				if (r < 0)
					continue;	// the warm-up pass
				us.push_back(took);
				cpu += (ru1.ru_utime.tv_sec - ru0.ru_utime.tv_sec +
				    ru1.ru_stime.tv_sec - ru0.ru_stime.tv_sec) * 1e6 +
				    (ru1.ru_utime.tv_usec - ru0.ru_utime.tv_usec +
				    ru1.ru_stime.tv_usec - ru0.ru_stime.tv_usec);
				if (r == 0 && found == 0)
					empty++;
			}
		}
		std::sort(us.begin(), us.end());
		double sum = 0;
		for (double u : us)
			sum += u;
		auto pct = [&](double p) {
			return us[(size_t)(p * (double)(us.size() - 1) + 0.5)];
		};
		printf("shim_query: %s %zu queries x %d rounds mean %.0f us "
		    "p50 %.0f us p99 %.0f us cpu %.0f us empty %zu\n",
		    mode.c_str(), queries.size(), rounds, sum / (double)us.size(),
		    pct(0.5), pct(0.99), cpu / (double)us.size(), empty);
	} catch (const Xapian::Error &e) {
		fprintf(stderr, "shim_query: %s\n", e.get_description().c_str());
		return 1;
	}
	hc_index_close(ix);
	return 0;
}
