// query_syntax.cc: a whitelist of the typed query shapes handed to Xapian's query parser.
//
// Xapian 1.4.22 leaks a query term (96 bytes) whenever its parser fails on
// a query holding Chinese text ("OR a 退 b", "NOT x 退a"; found by
// tests/fuzz/fuzz_search.c). Any client could repeat such a query and grow
// the workers, so the shim never lets the parser fail: only queries that
// pass this check reach it, and every other query with operators is
// searched as plain words. The check is deliberately narrow: items are
// words or quoted phrases, optionally marked + or -; AND, OR, NOT and
// AND NOT join non-empty groups of items, each with an item not marked -.

#include <xapian.h>

#include <vector>

#include "query_syntax.h"

namespace {

bool
is_space(unsigned ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' ||
	    Xapian::Unicode::get_category(ch) ==
	    Xapian::Unicode::SPACE_SEPARATOR;
}

// Punctuation Xapian reads inside one word ("e.g", "a/b", "it's").
bool
is_joiner(unsigned ch)
{
	return ch == '.' || ch == '-' || ch == '/' || ch == ':' ||
	    ch == '\\' || ch == '@' || ch == '\'' || ch == '&' || ch == '_';
}

// Xapian's CJK n-gram ranges (CJK ideographs, kana, hangul, full-width).
bool
is_cjk(unsigned ch)
{
	return (ch >= 0x2E80 && ch <= 0x2EFF) || (ch >= 0x3000 && ch <= 0x9FFF) ||
	    (ch >= 0xA700 && ch <= 0xA71F) || (ch >= 0xAC00 && ch <= 0xD7AF) ||
	    (ch >= 0xF900 && ch <= 0xFAFF) || (ch >= 0xFE30 && ch <= 0xFE4F) ||
	    (ch >= 0xFF00 && ch <= 0xFFEF) ||
	    (ch >= 0x20000 && ch <= 0x2A6DF) ||
	    (ch >= 0x2F800 && ch <= 0x2FA1F);
}

// Which scripts a word holds: bit 1 CJK, bit 2 any other.
enum { SCRIPT_CJK = 1, SCRIPT_OTHER = 2 };

// A word starts and ends with a word character and holds only word
// characters and joiners; 0 when it is not a word, else its scripts.
int
word_scripts(const std::string &w)
{
	std::vector<unsigned> cps;
	int scripts = 0;
	for (Xapian::Utf8Iterator it(w); it != Xapian::Utf8Iterator(); ++it)
		cps.push_back(*it);
	if (cps.empty() || !Xapian::Unicode::is_wordchar(cps.front()) ||
	    !Xapian::Unicode::is_wordchar(cps.back()))
		return 0;
	for (unsigned ch : cps) {
		if (!Xapian::Unicode::is_wordchar(ch) && !is_joiner(ch))
			return 0;
		if (Xapian::Unicode::is_wordchar(ch))
			scripts |= is_cjk(ch) ? SCRIPT_CJK : SCRIPT_OTHER;
	}
	return scripts;
}

bool
is_operator(const std::string &w)
{
	return w == "AND" || w == "OR" || w == "NOT";
}

// Operators the whitelist does not take (they need terms, not groups).
bool
is_other_operator(const std::string &w)
{
	return w == "XOR" || w.compare(0, 4, "NEAR") == 0 ||
	    w.compare(0, 3, "ADJ") == 0;
}

std::vector<std::string>
split_words(const std::string &s)
{
	std::vector<std::string> out;
	std::string cur;
	for (Xapian::Utf8Iterator it(s); it != Xapian::Utf8Iterator(); ++it) {
		if (is_space(*it)) {
			if (!cur.empty())
				out.push_back(cur);
			cur.clear();
		} else {
			Xapian::Unicode::append_utf8(cur, *it);
		}
	}
	if (!cur.empty())
		out.push_back(cur);
	return out;
}

}  // namespace

bool
syntax_well_formed(const std::string &query)
{
	std::vector<std::string> words = split_words(query);
	bool in_phrase = false, has_operator = false, has_negative = false;
	bool group_empty = true, group_has_positive = false;
	int run_scripts = 0;
	std::string prev;

	for (std::string w : words) {
		if (in_phrase) {
			in_phrase = w.back() != '"';
			if (!in_phrase)
				w.pop_back();
			if (word_scripts(w) == 0)
				return false;
			continue;
		}
		if (is_other_operator(w))
			return false;
		if (is_operator(w)) {
			bool and_not = w == "NOT" && prev == "AND";
			if (!and_not && (group_empty || !group_has_positive))
				return false;
			prev = w;
			has_operator = true;
			group_empty = true;
			group_has_positive = false;
			run_scripts = 0;
			continue;
		}
		prev = w;
		group_empty = false;
		char mark = (w[0] == '+' || w[0] == '-') ? w[0] : 0;
		if (mark)
			w.erase(0, 1);
		has_negative |= mark == '-';
		group_has_positive |= mark != '-';
		if (!w.empty() && w[0] == '"') {
			w.erase(0, 1);
			in_phrase = w.empty() || w.back() != '"';
			if (!in_phrase)
				w.pop_back();
			if (word_scripts(w) == 0)
				return false;
			run_scripts = 0;
			continue;
		}
		int scripts = word_scripts(w);
		if (scripts == 0)
			return false;
		if (mark) {
			run_scripts = 0;
			continue;
		}
		// Xapian fails on Chinese and other words in one run of bare
		// words ("x 退 y", "x 退R").
		run_scripts |= scripts;
		if (run_scripts == (SCRIPT_CJK | SCRIPT_OTHER))
			return false;
	}
	// Xapian reads "x OR -y z" as an error; - only without operators.
	if (has_operator && has_negative)
		return false;
	return !in_phrase && !group_empty && group_has_positive;
}
