// bare_index.cc: the indexing reference for make bench: a bare Xapian
// TermGenerator loop over the same Markdown files, single thread.
//
//   bare_index ARTICLES-DIR NEW-DB-DIR
//
// One Xapian::Document per article file (names starting with "_" are
// category files and are skipped), YAML front matter removed, the rest
// indexed with FLAG_CJK_NGRAM, the English stemmer and positions, one
// commit at the end. Prints "bare_index: <n> docs <seconds> s <rate> articles/s".
#include <xapian.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

static std::string
strip_front_matter(const std::string &s)
{
	if (s.compare(0, 4, "---\n") != 0)
		return s;
	size_t end = s.find("\n---\n", 3);
	if (end == std::string::npos)
		return s;
	return s.substr(end + 5);
}

int
main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: bare_index ARTICLES-DIR NEW-DB-DIR\n");
		return 2;
	}
	try {
		std::vector<fs::path> files;
		for (const auto &e : fs::recursive_directory_iterator(argv[1])) {
			const fs::path &p = e.path();
			if (e.is_regular_file() && p.extension() == ".md" &&
			    p.filename().string()[0] != '_')
				files.push_back(p);
		}
		std::sort(files.begin(), files.end());

		auto t0 = std::chrono::steady_clock::now();
		Xapian::WritableDatabase db(argv[2], Xapian::DB_CREATE_OR_OVERWRITE);
		Xapian::TermGenerator tg;
		tg.set_stemmer(Xapian::Stem("en"));
		tg.set_flags(Xapian::TermGenerator::FLAG_CJK_NGRAM);
		for (const fs::path &p : files) {
			std::ifstream in(p, std::ios::binary);
			std::ostringstream ss;
			ss << in.rdbuf();
			std::string text = strip_front_matter(ss.str());
			Xapian::Document doc;
			tg.set_document(doc);
			tg.index_text(text);
			doc.set_data(p.filename().string());
			db.add_document(doc);
		}
		db.commit();
		db.close();
		double secs = std::chrono::duration<double>(
		    std::chrono::steady_clock::now() - t0).count();
		printf("bare_index: %zu docs %.3f s %.1f articles/s\n",
		    files.size(), secs, files.size() / secs);
		return 0;
	} catch (const Xapian::Error &e) {
		fprintf(stderr, "bare_index: %s\n", e.get_description().c_str());
	} catch (const std::exception &e) {
		fprintf(stderr, "bare_index: %s\n", e.what());
	}
	return 1;
}
