// shim.cc: the Xapian side of search.h: indexing, query building, facets; no exception leaves it.
#include <xapian.h>
#include <unicode/ubrk.h>
#include <unicode/utrans.h>
#include <unicode/ustring.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <set>
#include <unordered_map>
#include <unordered_set>
#include <string>
#include <vector>

#include "query_syntax.h"
#include "search.h"

#define EXPORT	__attribute__((visibility("default")))

namespace {

// Value slots of every document.
enum { SLOT_CATEGORY = 0, SLOT_LANG = 1, SLOT_TYPE = 2, SLOT_HASH = 3,
    SLOT_UPDATED = 4, SLOT_GROUP = 5, SLOT_FACETS = 6, SLOT_FORMAT = 7 };

// The way documents are written; a document of another format reports no
// content hash (hc_index_each), so that the builders write it again.
const char	INDEX_FORMAT[] = "2";

// Text fields. Every field is indexed without prefix, each occurrence
// counted wdf times, so that a query reads one posting list per piece
// (not one per field: five times fewer, the matcher's main cost) and a
// word in a short field (title, tags, summary, headings) weighs more than
// one in the body. Titles are also kept under their own prefix, for
// suggestions and for a title bonus.
struct Field {
	unsigned	 wdf;
};
const Field fields[] = {
	{ 3 },	// title
	{ 2 },	// tags
	{ 2 },	// summary; threads: the accepted answer
	{ 2 },	// headings
	{ 1 },	// body
};
const size_t nfields = sizeof(fields) / sizeof(fields[0]);
const char	TITLE_PREFIX[] = "S";
// A piece found in the title, on top of its weight in the text.
const double	TITLE_WEIGHT = 1.5;

const unsigned	MAX_RETRIES = 3;
// A search's time budget in Xapian's matcher: past it, the best matches
// found so far are the answer (a degraded ranking, never a stalled worker).
const double	TIME_LIMIT_S = 0.05;
// Matches examined beyond the page asked for: counts and facets are exact
// up to about this many results and estimated above (as large search
// engines do), which keeps a common two-character query fast.
const Xapian::doccount	CHECK_AT_LEAST = 200;
const unsigned	WILDCARD_EXPANSION = 30;
const double	SYNONYM_WEIGHT = 0.8;
// Added for documents matching every word of a several-word query.
const double	ALL_WORDS_BONUS = 0.5;
// Added for documents holding two adjacent words of the query side by side.
const double	PHRASE_WEIGHT = 0.5;
// ... when the rarer of the two is in at most this many documents: the
// phrase reads the positions of both in every candidate holding both,
// which for two everyday words was most of a query's time (5 ms at
// 10,000 articles), for a bonus the all-words one mostly gives too.
const Xapian::doccount	PHRASE_MAX_DF = 1000;
const double	UNIGRAM_WEIGHT = 0.3;
// Added to a hit shown in the visitor's language, so that of an article's
// versions the one they can read is shown, and ranks a little higher.
const double	PREFERRED_LANG_BOOST = 1.0;
// Matches beyond the page ranked again with it.
const Xapian::doccount	RERANK_EXTRA = 10;
// A pair of the query absent or rare in the index, next to a pair with the
// same pinyin in at least this many times as many documents, is taken for
// an input-method slip: both are searched, the other one at ALT_WEIGHT.
const unsigned	ALT_RATIO = 3;
const Xapian::doccount	ALT_RARE = 1;
const double	ALT_WEIGHT = 0.9;
// ... and only to a pair the index uses as a word: in at least this share
// of the documents holding its rarer character.
const double	ALT_WORD_SHARE = 0.15;
// Pairs searched beside the one chosen for a word typed in pinyin.
const size_t	MAX_SOUND_ALTS = 8;
// A one-character word of a CJK query (坏, 修): its weight in the query
// and its share of its IDF in the relevance floor.
const double	SINGLE_WEIGHT = 0.5;
// A pair straddling two words of a CJK query: a hint of closeness only.
const double	SEAM_WEIGHT = 0.5;
// Two one-character words are taken for one word when the index has the
// pair in at least JOIN_MIN_DF documents and JOIN_SHARE of those holding
// the rarer character.
const Xapian::doccount	JOIN_MIN_DF = 2;
const double	JOIN_SHARE = 0.3;
// The relevance floor: a result covers at least this share of the query's
// informative pieces, each weighted by its IDF; below it, no result.
const double	COVERAGE_FLOOR = 0.5;
// The weight, in the floor, of a part of the query the index has but a
// document lacks, against a part the index has never seen.
const double	MISSING_KNOWN = 0.5;
// Shown under an empty result (the "closest" articles).
const Xapian::doccount	CLOSEST = 3;
// Refused documents kept for it (several may be versions of one article).
const size_t	NEAR_KEPT = 12;
// Pinyin terms: "XPY<pinyin of the pair>:<pair>", one per distinct CJK
// pair of a document, so that the index knows its own pairs by sound.
const char	PINYIN_PREFIX[] = "XPY";
// Pinyin keys tried for search-as-you-type on an unfinished word.
const unsigned	PINYIN_PREFIX_EXPANSION = 200;

}  // namespace

namespace {

// English stems for words; none for CJK n-grams, which are searched as
// they are: that halves the terms of a Chinese text, and indexing time.
class WordStem : public Xapian::StemImplementation {
	Xapian::Stem	en;

    public:
	WordStem() : en("en") {}

	std::string operator()(const std::string &w) override {
		if (!w.empty() && (unsigned char)w[0] >= 0xe2)
			return std::string();
		return en(w);
	}

	std::string get_description() const override {
		return "english words, CJK n-grams unstemmed";
	}
};

Xapian::Stem
word_stem()
{
	return Xapian::Stem(new WordStem());
}

// Toneless pinyin of one CJK character through ICU ("Han-Latin;
// Latin-ASCII"), kept per character. One per thread: ICU's transliterator
// is not to be shared.
class Pinyin {
	UTransliterator					*tr;
	std::unordered_map<unsigned, std::string>	 cache;

    public:
	Pinyin() : tr(NULL) {}
	~Pinyin() {
		if (tr != NULL)
			utrans_close(tr);
	}
	Pinyin(const Pinyin &) = delete;
	Pinyin &operator=(const Pinyin &) = delete;

	// "" when ICU has no reading (kana, hangul, symbols).
	std::string of(unsigned cp) {
		auto it = cache.find(cp);
		if (it != cache.end())
			return it->second;
		std::string out;
		UErrorCode err = U_ZERO_ERROR;
		if (tr == NULL) {
			static const UChar id[] = { 'H', 'a', 'n', '-', 'L', 'a',
			    't', 'i', 'n', ';', ' ', 'L', 'a', 't', 'i', 'n', '-',
			    'A', 'S', 'C', 'I', 'I', 0 };
			tr = utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0, NULL,
			    &err);
			if (U_FAILURE(err))
				tr = NULL;
		}
		if (tr != NULL && cp >= 0x3400) {
			UChar buf[64];
			int32_t len = 0, limit;
			UBool bad = false;
			U16_APPEND(buf, len, 64, cp, bad);
			limit = len;
			err = U_ZERO_ERROR;
			utrans_transUChars(tr, buf, &len, 64, 0, &limit, &err);
			for (int32_t i = 0; !bad && U_SUCCESS(err) && i < len; i++)
				if (buf[i] >= 'a' && buf[i] <= 'z')
					out += (char)buf[i];
				else if (buf[i] >= 'A' && buf[i] <= 'Z')
					out += (char)(buf[i] + 32);
		}
		cache[cp] = out;
		return out;
	}
};

// Chinese words by ICU's dictionary-based word BreakIterator, so that a
// query is weighed by its words and not by the pairs that straddle two of
// them (裹到 in 包裹到哪). Opened on first use; one per reader.
class Segmenter {
	UBreakIterator	*bi;
	bool		 failed;

    public:
	Segmenter() : bi(NULL), failed(false) {}
	~Segmenter() {
		if (bi != NULL)
			ubrk_close(bi);
	}
	Segmenter(const Segmenter &) = delete;
	Segmenter &operator=(const Segmenter &) = delete;

	// Word lengths in characters of a CJK run of n characters; one word
	// of n when ICU cannot segment (then pairs are weighed as before).
	std::vector<size_t> words(const std::string &run, size_t n) {
		std::vector<size_t> out;
		UErrorCode err = U_ZERO_ERROR;
		if (!failed && bi == NULL) {
			bi = ubrk_open(UBRK_WORD, "zh", NULL, 0, &err);
			if (U_FAILURE(err)) {
				bi = NULL;
				failed = true;
			}
		}
		std::u16string u;
		for (Xapian::Utf8Iterator it(run), end; it != end; ++it) {
			unsigned cp = *it;
			if (cp > 0xffff) {
				u += (char16_t)(0xd7c0 + (cp >> 10));
				u += (char16_t)(0xdc00 | (cp & 0x3ff));
			} else
				u += (char16_t)cp;
		}
		err = U_ZERO_ERROR;
		if (bi != NULL)
			ubrk_setText(bi, reinterpret_cast<const UChar *>(u.data()),
			    (int32_t)u.size(), &err);
		if (bi == NULL || U_FAILURE(err)) {
			out.push_back(n);
			return out;
		}
		// Offsets are UTF-16 units: count characters between them.
		int32_t from = ubrk_first(bi);
		for (int32_t to = ubrk_next(bi); to != UBRK_DONE;
		    from = to, to = ubrk_next(bi)) {
			size_t chars = 0;
			for (int32_t i = from; i < to; i++)
				if (!U16_IS_TRAIL(u[i]))
					chars++;
			if (chars > 0)
				out.push_back(chars);
		}
		size_t sum = 0;
		for (size_t w : out)
			sum += w;
		if (sum != n) {
			out.clear();
			out.push_back(n);
		}
		return out;
	}
};

}  // namespace

struct hc_builder {
	Xapian::TermGenerator	tg;
	Xapian::Stem		stem;
	Pinyin			pinyin;

	hc_builder() : stem(word_stem()) {
		tg.set_stemmer(stem);
		tg.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
		tg.set_flags(Xapian::TermGenerator::FLAG_CJK_NGRAM);
	}
};

struct hc_prepared {
	Xapian::Document		doc;
	std::string			idterm;
	std::vector<std::string>	spelling;
};

struct hc_index {
	bool				 writable;
	bool				 in_transaction;
	std::string			 path;
	Xapian::Database		 db;
	Xapian::WritableDatabase	 wdb;
	Xapian::Stem			 stem;
	std::vector<std::vector<std::string>> synonyms;
	std::unordered_set<std::string>	 stop_words;	// Latin, and 1 CJK char
	std::vector<std::string>	 stop_runs;	// CJK, longest first
	Pinyin				 pinyin;
	Segmenter			 seg;
	// _polyphones.txt: a reading ICU does not give a character, to
	// the character and the reading the index has for it.
	std::unordered_map<std::string,
	    std::vector<std::pair<std::string, std::string>>> polyphones;
	std::string			 err;

	hc_builder			 builder;	// for hc_index_put

	hc_index() : writable(false), in_transaction(false),
	    stem(word_stem()) {}
};

namespace {

hc_search_status
classify(hc_index *h, const Xapian::Error &e)
{
	if (h != NULL)
		h->err = e.get_type() + std::string(": ") + e.get_msg();
	// Xapian::Error is not polymorphic: classify by its type name.
	static const struct {
		const char		*type;
		hc_search_status	 status;
	} map[] = {
		{ "DatabaseModifiedError", HC_SEARCH_ERR_MODIFIED },
		{ "DatabaseLockError", HC_SEARCH_ERR_LOCKED },
		{ "DatabaseCorruptError", HC_SEARCH_ERR_CORRUPT },
		{ "DatabaseOpeningError", HC_SEARCH_ERR_OPEN },
		{ "DatabaseNotFoundError", HC_SEARCH_ERR_OPEN },
		{ "DatabaseVersionError", HC_SEARCH_ERR_OPEN },
		{ "QueryParserError", HC_SEARCH_ERR_QUERY },
		{ "DatabaseError", HC_SEARCH_ERR_IO },
		{ "DatabaseClosedError", HC_SEARCH_ERR_IO },
	};
	for (const auto &m : map)
		if (e.get_type() == std::string(m.type))
			return m.status;
	return HC_SEARCH_ERR_INTERNAL;
}

hc_search_status
unknown(hc_index *h)
{
	if (h != NULL)
		h->err = "unexpected error in the search engine";
	return HC_SEARCH_ERR_INTERNAL;
}

char *
dup(const std::string &s)
{
	char *p = static_cast<char *>(malloc(s.size() + 1));
	if (p == NULL)
		abort();
	memcpy(p, s.data(), s.size());
	p[s.size()] = '\0';
	return p;
}

// CJK ideographs, kana and hangul are searched as n-grams.
bool
is_cjk(unsigned cp)
{
	return (cp >= 0x2e80 && cp <= 0x9fff) || (cp >= 0xac00 &&
	    cp <= 0xd7af) || (cp >= 0xf900 && cp <= 0xfaff) ||
	    (cp >= 0x20000 && cp <= 0x2ffff);
}

struct Token {
	std::string	text;
	bool		cjk;
	bool		last_open;	// the query ends inside this token
	bool		after_gap;	// a question word was dropped before it
	// Typed in pinyin: other pairs with the same sound, by the index of
	// the pair in text (chongzhi: 重置 beside 充值).
	std::vector<std::pair<size_t, std::string>> sound_alts;
};

// Splits folded text into CJK runs and words; everything else separates.
std::vector<Token>
tokenize(const std::string &s)
{
	std::vector<Token> out;
	Xapian::Utf8Iterator it(s), end;
	Token cur;
	bool in = false;

	cur.cjk = false;
	cur.last_open = false;
	cur.after_gap = false;
	for (; it != end; ++it) {
		unsigned cp = *it;
		bool cjk = is_cjk(cp);
		bool word = !cjk && Xapian::Unicode::is_wordchar(cp);
		if ((cjk || word) && in && cur.cjk == cjk) {
			Xapian::Unicode::append_utf8(cur.text, cp);
			continue;
		}
		if (in)
			out.push_back(cur);
		in = cjk || word;
		cur.text.clear();
		cur.cjk = cjk;
		if (in)
			Xapian::Unicode::append_utf8(cur.text, cp);
	}
	if (in) {
		cur.last_open = true;
		out.push_back(cur);
	}
	return out;
}

std::vector<std::string>
utf8_chars(const std::string &s)
{
	std::vector<std::string> out;
	for (Xapian::Utf8Iterator it(s), end; it != end; ++it) {
		std::string c;
		Xapian::Unicode::append_utf8(c, *it);
		out.push_back(c);
	}
	return out;
}

std::string
char_pinyin(Pinyin &py, const std::string &ch)
{
	Xapian::Utf8Iterator it(ch);
	return it == Xapian::Utf8Iterator() ? std::string() : py.of(*it);
}

// The pinyin key of a pair ("tuikuan"), or "" when a character has none.
std::string
pair_pinyin(Pinyin &py, const std::string &a, const std::string &b)
{
	std::string x = char_pinyin(py, a), y = char_pinyin(py, b);
	return x.empty() || y.empty() ? std::string() : x + y;
}

// One piece of a query, searched in every field with its field's prefix.
struct Piece {
	std::string	term;		// without prefix
	double		weight;
	bool		stemmed;	// a word: search its stem (Z prefix)
	bool		wildcard;	// also as a prefix (search as you type)
	// A synonym's: not searched when most documents have it.
	bool		weak = false;
};

void
add_text_pieces(hc_index *h, const Token &t, double weight, bool prefix_last,
    std::vector<Piece> &pieces, std::set<std::string> &hl)
{
	if (!t.cjk) {
		pieces.push_back({ t.text, weight, true,
		    prefix_last && t.last_open });
		hl.insert(t.text);
		return;
	}
	std::vector<std::string> ch = utf8_chars(t.text);
	hl.insert(t.text);
	if (ch.size() == 1) {
		pieces.push_back({ ch[0], weight, false, false });
		return;
	}
	for (size_t i = 0; i + 1 < ch.size(); i++) {
		pieces.push_back({ ch[i] + ch[i + 1], weight, false, false });
		hl.insert(ch[i] + ch[i + 1]);
	}
	// Single characters are weak evidence; for a synonym, none at all.
	if (weight < 1.0)
		return;
	for (size_t i = 0; i < ch.size(); i++)
		pieces.push_back({ ch[i], weight * UNIGRAM_WEIGHT, false,
		    false });
	(void)h;
}

Xapian::Query
piece_query(hc_index *h, const Piece &p, const char *prefix)
{
	std::string term = prefix + p.term;
	Xapian::Query q;
	if (p.stemmed)
		q = Xapian::Query("Z" + std::string(prefix) + h->stem(p.term));
	else
		q = Xapian::Query(term);
	if (p.wildcard)
		q = Xapian::Query(Xapian::Query::OP_OR, q,
		    Xapian::Query(Xapian::Query::OP_WILDCARD, term,
		    WILDCARD_EXPANSION, Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT));
	if (p.weight != 1.0)
		q = Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, q, p.weight);
	return q;
}

// Documents holding a word (stemmed).
Xapian::doccount
word_freq(hc_index *h, const std::string &w)
{
	return h->db.get_termfreq("Z" + h->stem(w));
}

bool
is_latin_word(const std::string &w)
{
	for (unsigned char c : w)
		if (!((c >= 'a' && c <= 'z') || c == '\''))
			return false;
	return w.size() >= 3;
}

// The pieces in the text (all fields), and in titles for a bonus;
// suggestions search titles only.
Xapian::Query
fields_query(hc_index *h, const hc_query *q, const std::vector<Piece> &pieces)
{
	std::vector<Xapian::Query> text, title;
	for (const Piece &p : pieces) {
		if (!q->titles_only)
			text.push_back(piece_query(h, p, ""));
		title.push_back(piece_query(h, p, TITLE_PREFIX));
	}
	Xapian::Query tq(Xapian::Query::OP_OR, title.begin(), title.end());
	if (q->titles_only)
		return tq;
	return Xapian::Query(Xapian::Query::OP_OR,
	    Xapian::Query(Xapian::Query::OP_OR, text.begin(), text.end()),
	    Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, tq, TITLE_WEIGHT));
}

// Documents holding a term (pairs, characters) in any field.
Xapian::doccount
any_field_freq(hc_index *h, const std::string &term)
{
	return h->db.get_termfreq(term);
}

// The pairs of the index sounding like key, with their document counts.
std::vector<std::pair<std::string, Xapian::doccount>>
pairs_by_sound(hc_index *h, const std::string &key)
{
	std::vector<std::pair<std::string, Xapian::doccount>> out;
	std::string pre = PINYIN_PREFIX + key + ":";
	for (auto it = h->db.allterms_begin(pre); it != h->db.allterms_end(pre);
	    ++it)
		out.push_back({ (*it).substr(pre.size()), it.get_termfreq() });
	return out;
}

// A pair of the index sounding like key, and how long its first syllable
// is in key.
struct Sound {
	std::string		pair;
	Xapian::doccount	df;
	size_t			first;
	// Documents, less for a pair found by another reading: 单 is dan
	// far more often than shan, 闪退 is meant more often than 单退.
	double			score;
};

// The pairs sounding like key, also through the other readings of
// _polyphones.txt: "chongzhi" finds 重置, indexed as zhongzhi, "dizhi"
// 地址, indexed as dezhi. key is two syllables.
std::vector<Sound>
sounds(hc_index *h, const std::string &key)
{
	std::vector<Sound> out;
	std::map<std::string, size_t> at;
	auto add = [&](const std::string &pair, Xapian::doccount df,
	    size_t first, double score) {
		auto it = at.find(pair);
		if (it != at.end())
			return;
		at[pair] = out.size();
		out.push_back({ pair, df, first, score });
	};
	for (const auto &p : pairs_by_sound(h, key)) {
		std::vector<std::string> ch = utf8_chars(p.first);
		add(p.first, p.second, ch.empty() ? 0 :
		    char_pinyin(h->pinyin, ch[0]).size(), p.second);
	}
	if (h->polyphones.empty())
		return out;
	// Another reading at the start, at the end, or both.
	for (size_t l = 1; l < key.size(); l++) {
		auto head = h->polyphones.find(key.substr(0, l));
		auto tail = h->polyphones.find(key.substr(l));
		std::vector<std::pair<std::string, std::string>> none;
		const auto &hs = head != h->polyphones.end() ? head->second :
		    none;
		const auto &ts = tail != h->polyphones.end() ? tail->second :
		    none;
		// A side not read otherwise keeps its syllable (any char).
		std::vector<std::pair<std::string, std::string>> hv = hs, tv = ts;
		hv.push_back({ "", key.substr(0, l) });
		tv.push_back({ "", key.substr(l) });
		for (const auto &a : hv)
			for (const auto &b : tv) {
				if (a.first.empty() && b.first.empty())
					continue;
				for (const auto &p : pairs_by_sound(h, a.second +
				    b.second)) {
					std::vector<std::string> ch =
					    utf8_chars(p.first);
					if (ch.size() != 2 || (!a.first.empty() &&
					    ch[0] != a.first) || (!b.first.empty() &&
					    ch[1] != b.first))
						continue;
					add(p.first, p.second, l,
					    (double)p.second / ALT_RATIO);
				}
			}
	}
	return out;
}

// Drops question and filler words: Latin words from the list; in a CJK run,
// listed runs of two or more characters anywhere, listed single characters
// only at either end of what is left (了 in 了解 carries meaning).
std::vector<Token>
drop_stopwords(hc_index *h, const std::vector<Token> &in)
{
	std::vector<Token> out;
	bool gap = false;
	for (const Token &t : in) {
		if (!t.cjk) {
			if (!h->stop_words.count(t.text) || t.last_open) {
				out.push_back(t);
				out.back().after_gap = gap;
				gap = false;
			} else
				gap = true;
			continue;
		}
		gap = false;
		std::vector<std::string> parts = { t.text };
		for (const std::string &w : h->stop_runs) {
			std::vector<std::string> next;
			for (const std::string &part : parts) {
				size_t at = 0, pos;
				while ((pos = part.find(w, at)) != std::string::npos) {
					if (pos > at)
						next.push_back(part.substr(at, pos - at));
					at = pos + w.size();
				}
				if (at < part.size())
					next.push_back(part.substr(at));
			}
			parts = next;
		}
		for (const std::string &part : parts) {
			std::vector<std::string> ch = utf8_chars(part);
			size_t a = 0, b = ch.size();
			while (a < b && h->stop_words.count(ch[a]))
				a++;
			while (b > a && h->stop_words.count(ch[b - 1]))
				b--;
			if (a == b)
				continue;
			Token nt = t;
			nt.text.clear();
			for (size_t i = a; i < b; i++)
				nt.text += ch[i];
			nt.last_open = t.last_open && b == ch.size() &&
			    &part == &parts.back();
			out.push_back(nt);
		}
	}
	// A query of filler words only is searched as it is.
	return out.empty() ? in : out;
}

// A word typed in toneless pinyin ("tuikuan", "yanzhengma") as the CJK
// text the index has for it, or "" when the index has no such sound.
// Keys are two syllables; a key is taken at the start of the word or where
// an earlier key's second syllable starts, so that keys chain.
std::string
pinyin_to_cjk(hc_index *h, const std::string &w,
    std::vector<std::pair<size_t, std::string>> &alts)
{
	std::vector<bool> boundary(w.size() + 1, false);
	std::string out;
	size_t covered = 0, nchars = 0;

	boundary[0] = true;
	for (size_t i = 0; i + 2 <= w.size(); i++) {
		if (!boundary[i])
			continue;
		// The longest key from i: the most frequent pair with it;
		// others nearly as frequent are searched beside it.
		for (size_t j = w.size(); j >= i + 2; j--) {
			std::vector<Sound> pairs = sounds(h, w.substr(i, j - i));
			if (pairs.empty())
				continue;
			auto best = std::max_element(pairs.begin(), pairs.end(),
			    [](const Sound &x, const Sound &y) {
				return x.score < y.score; });
			std::vector<std::string> ch = utf8_chars(best->pair);
			if (ch.size() != 2)
				break;
			size_t mid = i + best->first;
			if (mid > i && mid < j)
				boundary[mid] = true;
			bool overlap = i > 0 && i < covered;
			size_t pair_at = overlap ? nchars - 1 : nchars;
			out += overlap ? ch[1] : best->pair;
			nchars += overlap ? 1 : 2;
			for (const Sound &o : pairs)
				if (o.pair != best->pair && o.score * ALT_RATIO >=
				    best->score && alts.size() < MAX_SOUND_ALTS)
					alts.push_back({ pair_at, o.pair });
			covered = std::max(covered, j);
			break;
		}
	}
	return covered == w.size() ? out : std::string();
}

// Pairs whose pinyin starts with an unfinished word, most frequent first.
std::vector<std::string>
pinyin_prefix_pairs(hc_index *h, const std::string &w, size_t n)
{
	std::vector<std::pair<Xapian::doccount, std::string>> found;
	std::string pre = PINYIN_PREFIX + w;
	unsigned seen = 0;
	for (auto it = h->db.allterms_begin(pre); it != h->db.allterms_end(pre) &&
	    seen < PINYIN_PREFIX_EXPANSION; ++it, seen++) {
		std::string t = *it;
		found.push_back({ it.get_termfreq(), t.substr(t.find(':') + 1) });
	}
	std::sort(found.rbegin(), found.rend());
	std::vector<std::string> out;
	for (size_t i = 0; i < found.size() && out.size() < n; i++)
		out.push_back(found[i].second);
	return out;
}

// One informative piece of the query for the relevance floor: covered by
// a document holding any of its terms (prefixed per field) in any field.
struct Unit {
	std::vector<std::string>	terms;
	double				weight;
	bool				known;	// in the index at all
};

double
idf(hc_index *h, Xapian::doccount df)
{
	double n = (double)h->db.get_doccount();
	return std::log(1.0 + n / (df > 0 ? (double)df : 0.5));
}

// The pieces and floor units of a CJK run, weighed by its words (ICU's
// segmentation, joined where the index knows a split pair as a word):
// pairs inside a word share the word's weight, a pair straddling two
// words ("裹到" of 包裹到哪) is only a weak hint of closeness, and a
// one-character word stands for itself. Input-method slips are fixed per
// pair first: a rare pair next to a frequent homophone.
void
cjk_pieces(hc_index *h, const Token &t, std::vector<Piece> &pieces,
    std::vector<Unit> &units, std::set<std::string> &hl,
    std::vector<std::vector<Piece>> &words, std::string &corrected,
    bool &changed)
{
	std::vector<std::string> ch = utf8_chars(t.text);
	std::vector<std::string> fixed = ch, alt(ch.size());
	std::vector<Xapian::doccount> pdf(ch.size(), 0);
	size_t n = ch.size();

	// Per pair: documents holding it, and its most frequent homophone.
	std::vector<double> best_df(n, 0);
	std::vector<Xapian::doccount> alt_df(n, 0);
	for (size_t i = 0; i + 1 < n; i++) {
		std::string pair = ch[i] + ch[i + 1];
		std::string key = pair_pinyin(h->pinyin, ch[i], ch[i + 1]);
		if (key.empty())
			continue;
		std::vector<Sound> ss = sounds(h, key);
		for (const Sound &p : ss) {
			if (p.pair == pair)
				pdf[i] = p.df;
			else if (p.score > best_df[i]) {
				alt[i] = p.pair;
				best_df[i] = p.score;
			}
		}
		for (const Sound &p : ss)
			if (p.pair == alt[i])
				alt_df[i] = p.df;
	}
	// A character inside a dictionary word the index has (时候) is
	// not a slip, however rare the pair it makes with its neighbour
	// (候发 of 时候发货 is not 后发 of 以后发货).
	// wlen[k]: the length of the dictionary word holding character k,
	// wid[k] its number, as typed.
	std::vector<bool> kept(n, false);
	std::vector<size_t> wlen(n, 1), wid(n, 0);
	{
		size_t at = 0, w_no = 0;
		for (size_t w : h->seg.words(t.text, n)) {
			bool known = w > 1;
			for (size_t i = at; i + 1 < at + w; i++)
				known = known && pdf[i] > 0;
			for (size_t i = at; i < at + w; i++) {
				kept[i] = known;
				wlen[i] = w;
				wid[i] = w_no;
			}
			at += w;
			w_no++;
		}
	}
	for (size_t i = 0; i + 1 < n; i++) {
		if (alt[i].empty() || pdf[i] > ALT_RARE || best_df[i] <
		    ALT_RATIO * (double)std::max<Xapian::doccount>(pdf[i], 1)) {
			alt[i].clear();
			continue;
		}
		std::vector<std::string> bc = utf8_chars(alt[i]);
		bool c0 = bc[0] != ch[i], c1 = bc[1] != ch[i + 1];
		// What an input method's slip looks like: not a change inside
		// a word the index has, nor inside a dictionary word of three
		// or more (ICU would not know it misspelt), nor a dictionary
		// word broken by a pair across to its neighbour (铁时 of
		// 高铁时刻表 is no 贴士, 刻表 no 可表; 值睡 of 增值睡发票 may
		// be 值税, 睡 standing alone), nor a dictionary word traded
		// for another whole (几颗 for 即可).
		bool seam = wid[i] != wid[i + 1] && ((c0 && wlen[i] > 1) ||
		    (c1 && wlen[i + 1] > 1));
		bool whole = wid[i] == wid[i + 1] && wlen[i] == 2 && c0 && c1;
		// And the pair it becomes is a word of the index (退货), not
		// a seam of its texts (时可 of 随时可以 for 时刻).
		bool word = (double)alt_df[i] >= ALT_WORD_SHARE * (double)std::min(
		    any_field_freq(h, bc[0]), any_field_freq(h, bc[1]));
		if ((c0 && (kept[i] || wlen[i] > 2)) || (c1 && (kept[i + 1] ||
		    wlen[i + 1] > 2)) || seam || whole || !word) {
			alt[i].clear();
			continue;
		}
		fixed[i] = bc[0];
		fixed[i + 1] = bc[1];
		changed = true;
		pdf[i] = alt_df[i];
	}
	// A word typed in pinyin: the other pairs with its sound.
	for (const auto &sa : t.sound_alts)
		if (sa.first + 1 < n && alt[sa.first].empty())
			alt[sa.first] = sa.second;
	std::string f;
	for (const std::string &c : fixed)
		f += c;
	if (!corrected.empty())
		corrected += ' ';
	corrected += f;
	hl.insert(t.text);

	// inner[i]: characters i and i + 1 are in one word.
	std::vector<size_t> len = h->seg.words(f, n);
	std::vector<bool> single, inner(n, false);
	for (size_t w : len)
		for (size_t k = 0; k < w; k++)
			single.push_back(w == 1);
	size_t at = 0;
	for (size_t w : len) {
		for (size_t k = at; k + 1 < at + w; k++)
			inner[k] = true;
		at += w;
	}
	for (size_t i = 0; i + 1 < n; i++) {
		// ICU splits words of the help center's trade (退货, 微信)
		// it does not know into characters: a pair the index has in
		// a good share of the documents holding its rarer character
		// is taken for a word.
		if (single[i] && single[i + 1] && pdf[i] >= JOIN_MIN_DF &&
		    (double)pdf[i] >= JOIN_SHARE * (double)std::min(
		    any_field_freq(h, fixed[i]), any_field_freq(h, fixed[i + 1])))
			inner[i] = true;
	}

	for (size_t a = 0; a < n;) {
		size_t b = a + 1;
		while (b < n && inner[b - 1])
			b++;
		std::vector<Piece> wp;
		if (b - a == 1) {
			// A one-character word (坏, 修, 换): it counts, but
			// a single character is weaker evidence than a pair.
			double w = n == 1 ? 1.0 : SINGLE_WEIGHT;
			wp.push_back({ fixed[a], w, false, false });
			Xapian::doccount df = any_field_freq(h, fixed[a]);
			units.push_back({ { fixed[a] }, w * idf(h, df), df > 0 });
		} else {
			std::string word;
			for (size_t i = a; i < b; i++)
				word += fixed[i];
			hl.insert(word);
			for (size_t i = a; i + 1 < b; i++) {
				std::string pair = ch[i] + ch[i + 1];
				Unit u;
				u.terms.push_back(pair);
				size_t at = wp.size();
				wp.push_back({ pair, 1.0, false, false });
				hl.insert(pair);
				if (!alt[i].empty()) {
					wp.push_back({ alt[i], ALT_WEIGHT, false,
					    false });
					hl.insert(alt[i]);
					u.terms.push_back(alt[i]);
				}
				// A word's pairs share its weight: a long
				// word is not worth more for its length. A
				// rare pair of two everyday characters (不上
				// of 登录不上, 连不上) says no more than they do.
				double pi = idf(h, pdf[i]);
				double ci = idf(h, any_field_freq(h, fixed[i])) +
				    idf(h, any_field_freq(h, fixed[i + 1]));
				if (pdf[i] > 0 && ci < pi)
					wp[at].weight = ci / pi;
				u.weight = std::min(pi, ci) / (double)(b - a - 1);
				u.known = pdf[i] > 0;
				units.push_back(u);
			}
			// Its characters alone only when the index lacks a
			// pair of it: a known word's pairs say all they would,
			// and a common character's posting list is the
			// longest thing a query can read.
			bool whole = true;
			for (size_t i = a; i + 1 < b; i++)
				whole = whole && pdf[i] > 0;
			for (size_t i = a; i < b && !whole; i++)
				wp.push_back({ ch[i], UNIGRAM_WEIGHT, false,
				    false });
			words.push_back(wp);
		}
		pieces.insert(pieces.end(), wp.begin(), wp.end());
		// The pair across to the next word: closeness, not a word.
		if (b < n && SEAM_WEIGHT > 0)
			pieces.push_back({ ch[b - 1] + ch[b], SEAM_WEIGHT, false,
			    false });
		a = b;
	}
}

// The query as plain words: OR of n-grams and stems, field-weighted;
// fills units with what a result must cover.
Xapian::Query
plain_query(hc_index *h, const hc_query *q, std::vector<Token> &tokens,
    std::set<std::string> &hl, std::string &suggestion,
    std::vector<Unit> &units, std::vector<std::string> &piece_terms)
{
	std::vector<Piece> pieces;
	std::vector<std::vector<Piece>> words;	// each word's pieces
	std::string corrected;
	bool changed = false;

	tokens = drop_stopwords(h, tokens);
	for (Token &t : tokens) {
		bool typing = q->prefix_last && t.last_open;
		if (!t.cjk && is_latin_word(t.text) && word_freq(h, t.text) == 0) {
			// An English word one letter off wins ("shiping" is
			// shipping, not 时屏); then pinyin; then two letters.
			std::string s = typing ? std::string() :
			    h->db.get_spelling_suggestion(t.text, 1);
			std::string cjk = typing || !s.empty() ? std::string() :
			    pinyin_to_cjk(h, t.text, t.sound_alts);
			if (s.empty() && cjk.empty() && !typing)
				s = h->db.get_spelling_suggestion(t.text, 2);
			if (!cjk.empty()) {
				t.text = cjk;
				t.cjk = true;
				changed = true;
			} else if (!s.empty() && word_freq(h, s) > 0) {
				t.text = s;
				changed = true;
			} else if (typing) {
				// Search as you type in pinyin: "tuik" -> 退款.
				for (const std::string &p :
				    pinyin_prefix_pairs(h, t.text, 5))
					pieces.push_back({ p, 0.8, false, false });
			}
		}
		if (t.cjk) {
			cjk_pieces(h, t, pieces, units, hl, words, corrected,
			    changed);
			continue;
		}
		// A lone letter ("t" of "can't") is no word.
		Xapian::doccount df = word_freq(h, t.text);
		units.push_back({ { "Z\x01" + h->stem(t.text) },
		    typing || t.text.size() < 2 ? 0.0 : idf(h, df), df > 0 });
		if (!corrected.empty())
			corrected += ' ';
		corrected += t.text;
		std::vector<Piece> tp;
		add_text_pieces(h, t, 1.0, q->prefix_last != 0, tp, hl);
		pieces.insert(pieces.end(), tp.begin(), tp.end());
		if (t.text.size() > 1)
			words.push_back(tp);
	}
	if (changed)
		suggestion = corrected;

	// Editors' synonyms: a member found in the query adds the others,
	// and a result holding any member covers that part of the query.
	std::string joined = " " + corrected + " ";
	size_t added = 0;
	for (const auto &group : h->synonyms) {
		std::string found;
		for (const auto &m : group) {
			bool cjk = !m.empty() && (unsigned char)m[0] >= 0xe0;
			if ((cjk && corrected.find(m) != std::string::npos) ||
			    (!cjk && joined.find(" " + m + " ") != std::string::npos))
				found = m;
		}
		if (found.empty())
			continue;
		Unit u;
		u.weight = 0;
		u.known = true;
		for (const auto &m : group) {
			for (const Token &t : tokenize(m)) {
				if (!t.cjk) {
					u.terms.push_back("Z\x01" + h->stem(t.text));
					continue;
				}
				std::vector<std::string> ch = utf8_chars(t.text);
				for (size_t i = 0; i + 1 < ch.size(); i++)
					u.terms.push_back(ch[i] + ch[i + 1]);
				if (ch.size() == 1)
					u.terms.push_back(ch[0]);
			}
			if (corrected.find(m) != std::string::npos || added > 10)
				continue;
			size_t from = pieces.size();
			for (const Token &t : tokenize(m))
				add_text_pieces(h, t, SYNONYM_WEIGHT, false,
				    pieces, hl);
			for (size_t i = from; i < pieces.size(); i++)
				pieces[i].weak = true;
			added++;
		}
		// The member's own pieces are now this unit.
		for (Unit &o : units)
			if (found.find(o.terms[0]) != std::string::npos ||
			    o.terms[0] == "Z\x01" + h->stem(found)) {
				u.weight += o.weight;
				o.weight = 0;
			}
		if (u.weight == 0)
			u.weight = idf(h, 1);
		units.push_back(u);
	}

	if (pieces.empty())
		return Xapian::Query();
	// A term searched twice (a synonym's pair the query has too: 密码
	// of 登录密码) would be a posting list read twice: once, with the
	// weights added, which scores the same. A synonym most documents hold ranks nothing apart (its IDF is
	// about 0) and its posting list is the longest a query reads: left
	// out of the query (a third of bare Xapian's time at 10,000
	// generated articles). Its group still counts in the floor. Not a
	// character of a word the index lacks: on the starter articles one
	// in most of them (时 of 时候) still tells articles apart.
	std::vector<Piece> merged;
	std::map<std::string, size_t> seen;
	Xapian::doccount most = h->db.get_doccount() / 2;
	for (const Piece &p : pieces) {
		std::string key = (p.stemmed ? "Z" + h->stem(p.term) : p.term) +
		    (p.wildcard ? "*" : "");
		auto it = seen.find(key);
		if (it != seen.end()) {
			merged[it->second].weight += p.weight;
			merged[it->second].weak = merged[it->second].weak && p.weak;
			continue;
		}
		seen[key] = merged.size();
		merged.push_back(p);
	}
	pieces.clear();
	for (const Piece &p : merged)
		if (!p.weak || h->db.get_termfreq(p.stemmed ? "Z" +
		    h->stem(p.term) : p.term) <= most)
			pieces.push_back(p);
	if (pieces.empty())
		return Xapian::Query();
	for (const Piece &p : pieces)
		piece_terms.push_back(p.stemmed ? "Z\x01" + h->stem(p.term) :
		    p.term);
	Xapian::Query all = fields_query(h, q, pieces);
	if (q->titles_only)
		return all;
	// Bonuses, looked at only for documents the pieces found
	// (AND_MAYBE: no posting list read on its own). Several words: the
	// documents that have all of them. Two English words side by side
	// in the query: the documents where they are side by side too
	// ("gift card"); for Chinese the pair across two words does that.
	// Not two words a dropped question word stood between ("update the
	// firmware"): a weaker hint, and a phrase reads the positions of
	// every candidate holding both words (up to half a query's time).
	std::vector<Xapian::Query> bonus;
	if (words.size() >= 2) {
		std::vector<Xapian::Query> each;
		for (const std::vector<Piece> &wp : words) {
			// The text's terms only: a title's words are in the
			// text too, and their title terms would be a second
			// posting list per piece for the bonus alone.
			std::vector<Xapian::Query> text;
			for (const Piece &p : wp)
				text.push_back(piece_query(h, p, ""));
			each.push_back(Xapian::Query(Xapian::Query::OP_OR,
			    text.begin(), text.end()));
		}
		bonus.push_back(Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT,
		    Xapian::Query(Xapian::Query::OP_AND, each.begin(),
		    each.end()), ALL_WORDS_BONUS));
	}
	for (size_t i = 0; i + 1 < tokens.size(); i++) {
		const Token &a = tokens[i], &b = tokens[i + 1];
		if (a.cjk || b.cjk || a.text.size() < 2 || b.text.size() < 2 ||
		    b.after_gap ||
		    (q->prefix_last && b.last_open) ||
		    std::min(h->db.get_termfreq(a.text),
		    h->db.get_termfreq(b.text)) > PHRASE_MAX_DF)
			continue;
		Xapian::Query terms[] = { Xapian::Query(a.text),
		    Xapian::Query(b.text) };
		bonus.push_back(Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT,
		    Xapian::Query(Xapian::Query::OP_PHRASE, terms, terms + 2, 2),
		    PHRASE_WEIGHT));
	}
	if (bonus.empty())
		return all;
	return Xapian::Query(Xapian::Query::OP_AND_MAYBE, all,
	    Xapian::Query(Xapian::Query::OP_OR, bonus.begin(), bonus.end()));
}

// The documents at or above the relevance floor: the IDF-weighted share of
// the query's units they cover. Xapian's matcher offers documents in
// ascending docid order, so each unit's posting lists are walked alongside
// with skip_to: the cost follows the documents the matcher looks at, not
// the length of the lists (a common pair is in every document).
class CoverageDecider : public Xapian::MatchDecider {
	struct Cursor {
		Xapian::PostingIterator	it, end;
	};
	struct UnitLists {
		double			weight;
		std::vector<Cursor>	lists;
	};
	hc_index				*h;
	mutable std::vector<UnitLists>		 units;
	std::unordered_map<std::string, double>	 heaviest;	// term's unit
	std::vector<std::vector<std::string>>	 terms;
	double					 need;	// weight to cover
	double					 half;	// or more units than this
	mutable Xapian::docid			 last;
	// The documents turned away that covered most, for "closest".
	mutable std::vector<std::pair<double, Xapian::docid>> near;

	void open() const {
		for (size_t u = 0; u < units.size(); u++) {
			units[u].lists.clear();
			for (const std::string &t : terms[u])
				units[u].lists.push_back({ h->db.postlist_begin(t),
				    h->db.postlist_end(t) });
		}
	}

    public:
	CoverageDecider(hc_index *hh, const std::vector<Unit> &in) : h(hh),
	    last(0) {
		double known = 0, unknown = 0;
		for (const Unit &u : in) {
			if (u.weight <= 0)
				continue;
			(u.known ? known : unknown) += u.weight;
			std::vector<std::string> ts;
			for (const std::string &t : u.terms) {
				std::string term = t.compare(0, 2, "Z\x01") ? t :
				    "Z" + t.substr(2);
				// Only lists that exist cost a cursor.
				if (h->db.get_termfreq(term) > 0)
					ts.push_back(term);
			}
			units.push_back({ u.weight, {} });
			terms.push_back(ts);
			for (const std::string &t : u.terms)
				heaviest[t] = std::max(heaviest[t], u.weight);
		}
		// A document covering g of the known weight passes when g is
		// at least COVERAGE_FLOOR of g + MISSING_KNOWN (known - g) +
		// unknown: what the index has elsewhere but a document lacks
		// counts at MISSING_KNOWN (a question's other words, 操作 of
		// 我想退货怎么操作, are often not in its answer); words the
		// index never saw (黑洞, 量子) in full, the question is about
		// them. Or it covers most of the units.
		double c = COVERAGE_FLOOR, m = MISSING_KNOWN;
		need = (c * m * known + c * unknown) / (1 - c + c * m) - 1e-9;
		half = COVERAGE_FLOOR * (double)units.size();
		open();
	}

	// True when no document can pass: the units the index has at all
	// weigh less than needed, and are not more than half of them.
	bool impossible() const {
		double possible = 0, n = 0;
		for (size_t u = 0; u < units.size(); u++)
			if (!terms[u].empty()) {
				possible += units[u].weight;
				n++;
			}
		return possible < need && !(n > half);
	}

	// True when no document matching one of these pieces can be turned
	// away (one word, every piece of it a unit): the floor is then
	// left out of the match, which costs a cursor per unit term.
	bool passes_all(const std::vector<std::string> &pieces) const {
		for (const std::string &p : pieces) {
			auto it = heaviest.find(p);
			if (it == heaviest.end() || !(it->second >= need ||
			    1 > half))
				return false;
		}
		return true;
	}

	bool operator()(const Xapian::Document &doc) const override {
		Xapian::docid did = doc.get_docid();
		if (did < last)
			open();
		last = did;
		double got = 0, count = 0;
		for (UnitLists &u : units) {
			bool has = false;
			for (Cursor &c : u.lists) {
				if (c.it == c.end)
					continue;
				if (*c.it < did)
					c.it.skip_to(did);
				if (c.it != c.end && *c.it == did) {
					has = true;
					break;
				}
			}
			if (has) {
				got += u.weight;
				count++;
			}
		}
		if (got > 0 && (got >= need || count > half))
			return true;
		remember(got, did);
		return false;
	}

	// Keeps the NEAR_KEPT best refused (most covered, first seen).
	void remember(double got, Xapian::docid did) const {
		if (got <= 0 || (near.size() >= NEAR_KEPT &&
		    got <= near.back().first))
			return;
		auto at = std::upper_bound(near.begin(), near.end(),
		    std::make_pair(got, did), [](const auto &a, const auto &b) {
			return a.first > b.first; });
		near.insert(at, { got, did });
		if (near.size() > NEAR_KEPT)
			near.pop_back();
	}

	// The closest articles: one version each, the visitor's language
	// first among a group's. Read from what the match already looked
	// at: no second search (it cost as much as the first).
	void closest(hc_index *hh, const char *prefer,
	    std::vector<std::pair<std::string, double>> &out) const {
		std::vector<std::string> groups;
		std::vector<size_t> at;
		double top = near.empty() ? 1 : near.front().first;
		for (const auto &n : near) {
			Xapian::Document doc = hh->db.get_document(n.second);
			std::string g = doc.get_value(SLOT_GROUP);
			auto it = std::find(groups.begin(), groups.end(), g);
			bool mine = prefer != NULL &&
			    doc.get_value(SLOT_LANG) == prefer;
			double score = 100.0 * n.first / top;
			if (it != groups.end()) {
				size_t k = at[it - groups.begin()];
				if (mine && score >= out[k].second - 1e-9)
					out[k].first = doc.get_data();
				continue;
			}
			if (out.size() >= CLOSEST)
				continue;
			groups.push_back(g);
			at.push_back(out.size());
			out.push_back({ doc.get_data(), score });
		}
	}
};

bool
has_syntax(const std::string &s)
{
	if (s.find('"') != std::string::npos)
		return true;
	std::string padded = " " + s + " ";
	for (const char *op : { " AND ", " OR ", " NOT ", " -", " +" })
		if (padded.find(op) != std::string::npos)
			return true;
	return false;
}

Xapian::Query
syntax_query(hc_index *h, const std::string &text)
{
	Xapian::QueryParser qp;
	qp.set_database(h->db);
	qp.set_stemmer(h->stem);
	qp.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
	return qp.parse_query(text, Xapian::QueryParser::FLAG_PHRASE |
	    Xapian::QueryParser::FLAG_BOOLEAN |
	    Xapian::QueryParser::FLAG_LOVEHATE |
	    Xapian::QueryParser::FLAG_CJK_NGRAM);
}

std::string
strip_syntax(const std::string &s)
{
	std::string out;
	std::string padded = " " + s + " ";
	for (const char *op : { " AND ", " OR ", " NOT " }) {
		size_t pos;
		while ((pos = padded.find(op)) != std::string::npos)
			padded.replace(pos, strlen(op), " ");
	}
	for (char c : padded)
		out += (c == '"' || c == '+' || c == '-') ? ' ' : c;
	return out;
}

// Facet counts in results (articles), not documents (language versions):
// a value counts each group once, as filtering by it would find it.
class GroupFacetSpy : public Xapian::MatchSpy {
	std::unordered_set<std::string>			 groups;
	std::unordered_set<std::string>			 pairs[3];

    public:
	// One value read per match: "group\ncategory\nlang\ntype".
	void operator()(const Xapian::Document &doc, double) override {
		std::string v = doc.get_value(SLOT_FACETS);
		size_t a = v.find('\n');
		if (a == std::string::npos)
			return;
		std::string g = v.substr(0, a);
		groups.insert(g);
		for (size_t slot = 0; slot < 3; slot++) {
			size_t b = v.find('\n', a + 1);
			pairs[slot].insert(v.substr(a + 1, b == std::string::npos ?
			    std::string::npos : b - a - 1) + '\0' + g);
			if (b == std::string::npos)
				break;
			a = b;
		}
	}

	size_t total() const { return groups.size(); }

	void reset() {
		groups.clear();
		for (auto &p : pairs)
			p.clear();
	}

	void facets(Xapian::valueno slot, struct hc_facet **out, size_t *n) {
		std::map<std::string, size_t> counts;
		for (const std::string &p : pairs[slot]) {
			std::string v = p.substr(0, p.find('\0'));
			if (!v.empty())
				counts[v]++;
		}
		*n = 0;
		*out = static_cast<hc_facet *>(calloc(counts.size() + 1,
		    sizeof(hc_facet)));
		for (const auto &c : counts) {
			(*out)[*n].value = dup(c.first);
			(*out)[*n].count = c.second;
			(*n)++;
		}
	}
};

// The query restricted by the category, language and type filters.
Xapian::Query
filtered(const Xapian::Query &query, const hc_query *q)
{
	std::vector<Xapian::Query> filters;
	if (q->category && *q->category)
		filters.push_back(Xapian::Query(std::string("XC") + q->category));
	if (q->lang && *q->lang)
		filters.push_back(Xapian::Query(std::string("L") + q->lang));
	if (q->type && *q->type)
		filters.push_back(Xapian::Query(std::string("XTY") + q->type));
	if (filters.empty())
		return query;
	return Xapian::Query(Xapian::Query::OP_FILTER, query,
	    Xapian::Query(Xapian::Query::OP_AND, filters.begin(),
	    filters.end()));
}

// Filters. The visitor's language is chosen among an article's versions
// after the match (pick_versions), not by a boost every candidate pays.
Xapian::Query
final_query(const Xapian::Query &query, const hc_query *q)
{
	Xapian::Query out = filtered(query, q);
	return out;
}

// The hits offset to offset + limit, each article at the rank of its best
// version, showing its version in the visitor's language (prefer, or
// NULL) when that version holds a piece of the query too (terms: sorted),
// and then ranked with PREFERRED_LANG_BOOST added for it. Done on the
// first matches only: a boost in the match is paid by every candidate and
// keeps Xapian from skipping any (a third of a search's time).
void
pick_versions(hc_index *h, const Xapian::MSet &mset, const char *prefer,
    const std::vector<std::string> &terms, size_t offset, size_t limit,
    std::vector<std::pair<std::string, double>> &out)
{
	struct Hit {
		std::string	id;
		double		percent;
		double		weight;
	};
	std::vector<Hit> hits;
	for (auto it = mset.begin(); it != mset.end(); ++it) {
		Xapian::Document doc = it.get_document();
		Hit hit = { doc.get_data(), (double)it.get_percent(),
		    it.get_weight() };
		std::string g = it.get_collapse_key();
		if (prefer == NULL) {
			hits.push_back(hit);
			continue;
		}
		if (doc.get_value(SLOT_LANG) == prefer) {
			hit.weight += PREFERRED_LANG_BOOST;
		} else if (!terms.empty() && g != hit.id) {
			std::string qterm = "Q" + g + ":" + prefer;
			Xapian::PostingIterator p = h->db.postlist_begin(qterm);
			if (p != h->db.postlist_end(qterm)) {
				Xapian::Document other = h->db.get_document(*p);
				Xapian::TermIterator t = other.termlist_begin();
				for (const std::string &term : terms) {
					t.skip_to(term);
					if (t == other.termlist_end())
						break;
					if (*t == term) {
						hit.id = other.get_data();
						hit.weight += PREFERRED_LANG_BOOST;
						break;
					}
				}
			}
		}
		hits.push_back(hit);
	}
	if (prefer != NULL)
		std::stable_sort(hits.begin(), hits.end(),
		    [](const Hit &a, const Hit &b) { return a.weight > b.weight; });
	for (size_t i = prefer ? offset : 0; i < hits.size() && out.size() <
	    limit; i++)
		out.push_back({ hits[i].id, hits[i].percent });
}

hc_results *
run_query(hc_index *h, const hc_query *q, std::string *serialised)
{
	std::string text = q->text ? q->text : "";
	std::set<std::string> hl;
	std::string suggestion;
	bool fallback = false;
	Xapian::Query query;

	bool syntax = has_syntax(text);
	std::vector<Token> tokens = tokenize(syntax ? strip_syntax(text) : text);
	std::vector<Unit> units;
	std::vector<std::string> piece_terms;
	Xapian::Query plain = plain_query(h, q, tokens, hl, suggestion, units,
	    piece_terms);
	query = plain;
	if (syntax && !q->titles_only && !syntax_well_formed(text)) {
		fallback = true;
	} else if (syntax && !q->titles_only) {
		try {
			query = syntax_query(h, text);
		} catch (const Xapian::Error &) {
			// Not expected after syntax_well_formed; words then.
			fallback = true;
		}
		if (!fallback && query.empty())
			query = plain;
	}

	if (serialised != NULL) {
		*serialised = final_query(query, q).serialise();
		return NULL;
	}
	Xapian::Enquire enquire(h->db);
	enquire.set_query(final_query(query, q));
	enquire.set_collapse_key(SLOT_GROUP);
	// With a language to prefer, the first matches are ranked again.
	const char *prefer = q->prefer_lang && *q->prefer_lang && !(q->lang &&
	    *q->lang) ? q->prefer_lang : NULL;
	Xapian::doccount first = prefer ? 0 : q->offset;
	Xapian::doccount size = prefer ? q->offset + q->limit + RERANK_EXTRA :
	    q->limit;
	enquire.set_time_limit(TIME_LIMIT_S);
	// Collapsing makes Xapian's match count an estimate; the spy sees
	// every match and counts results exactly. Only for facets (the HTML
	// page): the spy and the matches looked at beyond the page cost a
	// third of a new query's time.
	bool count = q->facets && !q->titles_only;
	GroupFacetSpy spy;
	if (count)
		enquire.add_matchspy(&spy);
	Xapian::doccount check = count ? q->offset + q->limit +
	    CHECK_AT_LEAST : 0;
	// Typed syntax is the visitor's own query, and a word being typed
	// is not finished: no floor there.
	bool floor = !q->titles_only && !q->prefix_last && (!syntax ||
	    fallback);
	std::unique_ptr<CoverageDecider> decider;
	if (floor)
		decider.reset(new CoverageDecider(h, units));
	if (decider && !syntax && decider->passes_all(piece_terms))
		decider.reset();
	// No document can pass (what the index has of the query is too
	// little even all together, as often in a question about something
	// else): no match through the floor, which would offer it every
	// matching document; the closest are the best few of a plain match,
	// which Xapian cuts short.
	Xapian::MSet mset, near;
	bool impossible = decider && decider->impossible();
	if (!impossible)
		mset = enquire.get_mset(first, size, check, NULL, decider.get());
	else if (q->offset == 0) {
		enquire.clear_matchspies();
		near = enquire.get_mset(0, CLOSEST);
	}
	if (mset.empty() && syntax && !q->titles_only && !floor) {
		// Operators that match nothing: the words alone may.
		fallback = true;
		spy.reset();
		enquire.set_query(final_query(plain, q));
		decider.reset(new CoverageDecider(h, units));
		mset = enquire.get_mset(first, size, check, NULL,
		    decider.get());
	}
	std::vector<std::pair<std::string, double>> closest;
	if (impossible)
		for (auto it = near.begin(); it != near.end(); ++it)
			closest.push_back({ it.get_document().get_data(),
			    (double)it.get_percent() });
	else if (decider && mset.empty() && q->offset == 0)
		// Nothing above the floor: the closest, apart from the results.
		decider->closest(h, q->prefer_lang, closest);

	hc_results *r = static_cast<hc_results *>(calloc(1, sizeof(*r)));
	// Exact when every match was seen: counted by the spy, or the
	// results end before the matches asked for do. Xapian's estimate
	// otherwise.
	if (q->titles_only || (mset.size() < size && (!mset.empty() ||
	    first == 0)))
		r->total = first + mset.size();
	else if (mset.empty())
		// A page past the last: how many there were.
		r->total = count ? spy.total() : std::min<size_t>(first,
		    mset.get_matches_estimated());
	else
		r->total = std::max<size_t>(count ? spy.total() : 0,
		    first + mset.size());
	if (!q->titles_only && (!count || spy.total() + q->offset + q->limit >=
	    check) && mset.size() >= size &&
	    mset.get_matches_estimated() > r->total)
		r->total = mset.get_matches_estimated();
	std::vector<std::pair<std::string, double>> hits;
	std::vector<std::string> terms;
	for (const Unit &u : units)
		for (const std::string &t : u.terms)
			terms.push_back(t.compare(0, 2, "Z\x01") ? t :
			    "Z" + t.substr(2));
	std::sort(terms.begin(), terms.end());
	pick_versions(h, mset, prefer, terms, q->offset, q->limit, hits);
	r->hits = static_cast<hc_hit *>(calloc(hits.size() + 1,
	    sizeof(hc_hit)));
	for (const auto &hit : hits) {
		r->hits[r->nhits].id = dup(hit.first);
		r->hits[r->nhits].score = hit.second;
		r->nhits++;
	}
	if (count) {
		spy.facets(SLOT_CATEGORY, &r->categories, &r->ncategories);
		spy.facets(SLOT_LANG, &r->langs, &r->nlangs);
		spy.facets(SLOT_TYPE, &r->types, &r->ntypes);
	}
	r->closest = static_cast<hc_hit *>(calloc(closest.size() + 1,
	    sizeof(hc_hit)));
	for (const auto &c : closest) {
		r->closest[r->nclosest].id = dup(c.first);
		r->closest[r->nclosest].score = c.second;
		r->nclosest++;
	}
	r->suggestion = suggestion.empty() ? NULL : dup(suggestion);
	r->highlight = static_cast<char **>(calloc(hl.size() + 1,
	    sizeof(char *)));
	for (const std::string &s : hl)
		r->highlight[r->nhighlight++] = dup(s);
	r->plain_fallback = fallback;
	return r;
}

void
split_words(const std::string &text, std::vector<std::string> &out)
{
	for (const Token &t : tokenize(text))
		if (!t.cjk && t.text.size() >= 3 && t.text.size() <= 30)
			out.push_back(t.text);
}

}  // namespace

extern "C" {

EXPORT const char *
hc_search_status_to_string(hc_search_status s)
{
	switch (s) {
	case HC_SEARCH_OK: return "ok";
	case HC_SEARCH_ERR_OPEN: return "the search index cannot be opened";
	case HC_SEARCH_ERR_LOCKED: return "another process writes the index";
	case HC_SEARCH_ERR_CORRUPT: return "the search index is damaged";
	case HC_SEARCH_ERR_QUERY: return "the query cannot be understood";
	case HC_SEARCH_ERR_MODIFIED: return "the index changed during the search";
	case HC_SEARCH_ERR_IO: return "the search index cannot be read or written";
	case HC_SEARCH_ERR_INTERNAL: return "internal search error";
	}
	return "unknown status";
}

EXPORT hc_search_status
hc_index_open(const char *path, int writable, hc_index **out)
{
	hc_index *h = NULL;

	*out = NULL;
	try {
		h = new hc_index();
		h->path = path;
		h->writable = writable != 0;
		if (h->writable) {
			h->wdb = Xapian::WritableDatabase(path,
			    Xapian::DB_CREATE_OR_OPEN);
		} else {
			h->db = Xapian::Database(path);
		}
		*out = h;
		return HC_SEARCH_OK;
	} catch (const Xapian::Error &e) {
		hc_search_status s = classify(h, e);
		*out = h;
		return s;
	} catch (...) {
		if (h == NULL)
			return HC_SEARCH_ERR_INTERNAL;
		*out = h;
		return unknown(h);
	}
}

EXPORT void
hc_index_close(hc_index *h)
{
	try {
		// Closing without a commit throws the transaction away.
		if (h != NULL && h->in_transaction)
			h->wdb.cancel_transaction();
		if (h != NULL && h->writable)
			h->wdb.close();
	} catch (...) {
	}
	delete h;
}

EXPORT const char *
hc_index_last_error(const hc_index *h)
{
	return h != NULL ? h->err.c_str() : "no index";
}

EXPORT hc_builder *
hc_builder_new(void)
{
	try {
		return new hc_builder();
	} catch (...) {
		return NULL;
	}
}

EXPORT void
hc_builder_free(hc_builder *b)
{
	delete b;
}

EXPORT void
hc_prepared_free(hc_prepared *p)
{
	delete p;
}

EXPORT hc_search_status
hc_builder_prepare(hc_builder *b, const struct hc_doc *d, hc_prepared **out)
{
	*out = NULL;
	try {
		hc_prepared *p = new hc_prepared();
		Xapian::Document &doc = p->doc;
		const char *texts[] = { d->title, d->tags, d->summary,
		    d->headings, d->body };
		std::string cat = d->category ? d->category : "";
		std::string top = cat.substr(0, cat.find('/'));

		b->tg.set_document(doc);
		for (size_t f = 0; f < nfields; f++) {
			if (texts[f] == NULL)
				continue;
			b->tg.index_text(texts[f], fields[f].wdf);
			b->tg.increase_termpos();
		}
		if (d->title != NULL)
			b->tg.index_text_without_positions(d->title, 1,
			    TITLE_PREFIX);
		// Every distinct CJK pair by its pinyin: input-method typos
		// and queries typed in pinyin find the pairs by sound.
		std::set<std::string> py;
		for (size_t f = 0; f < nfields; f++) {
			if (texts[f] == NULL)
				continue;
			for (const Token &t : tokenize(texts[f])) {
				if (!t.cjk)
					continue;
				std::vector<std::string> ch = utf8_chars(t.text);
				for (size_t i = 0; i + 1 < ch.size(); i++) {
					std::string k = pair_pinyin(b->pinyin,
					    ch[i], ch[i + 1]);
					if (!k.empty())
						py.insert(PINYIN_PREFIX + k + ":" +
						    ch[i] + ch[i + 1]);
				}
			}
		}
		for (const std::string &term : py)
			doc.add_boolean_term(term);
		// Words for "did you mean": titles, tags, summaries and
		// headings, the help center's own vocabulary.
		for (size_t f = 0; f < 4; f++)
			if (texts[f] != NULL)
				split_words(texts[f], p->spelling);

		p->idterm = std::string("Q") + d->id;
		doc.add_boolean_term(p->idterm);
		doc.add_boolean_term(std::string("XTY") + d->type);
		doc.add_boolean_term(std::string("L") + d->lang);
		if (!cat.empty()) {
			doc.add_boolean_term("XC" + cat);
			doc.add_boolean_term("XC" + top);
		}
		doc.add_value(SLOT_CATEGORY, top);
		doc.add_value(SLOT_LANG, d->lang);
		doc.add_value(SLOT_TYPE, d->type);
		doc.add_value(SLOT_HASH, d->hash ? d->hash : "");
		doc.add_value(SLOT_UPDATED,
		    Xapian::sortable_serialise((double)d->updated));
		// Versions of one article share a group: "article:<slug>".
		std::string group = d->id;
		if (group.compare(0, 8, "article:") == 0)
			group = group.substr(0, group.rfind(':'));
		doc.add_value(SLOT_GROUP, group);
		doc.add_value(SLOT_FACETS, group + "\n" + top + "\n" + d->lang +
		    "\n" + d->type);
		doc.add_value(SLOT_FORMAT, INDEX_FORMAT);
		doc.set_data(d->id);
		*out = p;
		return HC_SEARCH_OK;
	} catch (...) {
		return HC_SEARCH_ERR_INTERNAL;
	}
}

// All changes until hc_index_commit() are one transaction.
static void
begin(hc_index *h)
{
	if (!h->in_transaction) {
		h->wdb.begin_transaction(true);
		h->in_transaction = true;
	}
}

EXPORT hc_search_status
hc_index_put_prepared(hc_index *h, hc_prepared *p, int is_new)
{
	try {
		begin(h);
		for (const std::string &w : p->spelling)
			h->wdb.add_spelling(w);
		if (is_new)
			h->wdb.add_document(p->doc);
		else
			h->wdb.replace_document(p->idterm, p->doc);
		delete p;
		return HC_SEARCH_OK;
	} catch (const Xapian::Error &e) {
		delete p;
		return classify(h, e);
	} catch (...) {
		delete p;
		return unknown(h);
	}
}

EXPORT hc_search_status
hc_index_put(hc_index *h, const struct hc_doc *d)
{
	hc_prepared *p;
	hc_search_status s;

	if ((s = hc_builder_prepare(&h->builder, d, &p)) != HC_SEARCH_OK)
		return s;
	return hc_index_put_prepared(h, p, 0);
}

EXPORT hc_search_status
hc_index_delete(hc_index *h, const char *id)
{
	try {
		begin(h);
		h->wdb.delete_document(std::string("Q") + id);
		return HC_SEARCH_OK;
	} catch (const Xapian::Error &e) {
		return classify(h, e);
	} catch (...) {
		return unknown(h);
	}
}

EXPORT hc_search_status
hc_index_commit(hc_index *h)
{
	try {
		if (h->in_transaction) {
			h->wdb.commit_transaction();
			h->in_transaction = false;
		}
		return HC_SEARCH_OK;
	} catch (const Xapian::Error &e) {
		return classify(h, e);
	} catch (...) {
		return unknown(h);
	}
}

// Metadata set here is written by the same commit_transaction() as the
// documents put since: a reader's cursor never runs ahead of its documents.
EXPORT hc_search_status
hc_index_set_metadata(hc_index *h, const char *key, const char *value)
{
	try {
		begin(h);
		h->wdb.set_metadata(key, value != NULL ? value : "");
		return HC_SEARCH_OK;
	} catch (const Xapian::Error &e) {
		return classify(h, e);
	} catch (...) {
		return unknown(h);
	}
}

EXPORT hc_search_status
hc_index_get_metadata(hc_index *h, const char *key, char **out)
{
	*out = NULL;
	try {
		Xapian::Database &db = h->writable ? h->wdb : h->db;
		std::string v = db.get_metadata(key);

		// Xapian keeps no empty values: empty is "never set".
		if (!v.empty())
			*out = dup(v);
		return HC_SEARCH_OK;
	} catch (const Xapian::Error &e) {
		return classify(h, e);
	} catch (...) {
		return unknown(h);
	}
}

EXPORT hc_search_status
hc_index_each(hc_index *h, void (*fn)(const char *, const char *, void *),
    void *arg)
{
	try {
		Xapian::Database &db = h->writable ? h->wdb : h->db;
		for (auto it = db.postlist_begin(""); it != db.postlist_end("");
		    ++it) {
			Xapian::Document doc = db.get_document(*it);
			bool current = doc.get_value(SLOT_FORMAT) ==
			    INDEX_FORMAT;
			fn(doc.get_data().c_str(), current ?
			    doc.get_value(SLOT_HASH).c_str() : "", arg);
		}
		return HC_SEARCH_OK;
	} catch (const Xapian::Error &e) {
		return classify(h, e);
	} catch (...) {
		return unknown(h);
	}
}

EXPORT hc_search_status
hc_index_set_synonyms(hc_index *h, const char *text)
{
	try {
		h->synonyms.clear();
		std::string all = text ? text : "";
		size_t start = 0;
		while (start < all.size()) {
			size_t nl = all.find('\n', start);
			std::string line = all.substr(start, nl == std::string::npos ?
			    std::string::npos : nl - start);
			start = nl == std::string::npos ? all.size() : nl + 1;
			if (line.empty() || line[0] == '#')
				continue;
			std::vector<std::string> group;
			size_t p = 0;
			while (p < line.size()) {
				size_t sp = line.find_first_of(" \t\r", p);
				std::string w = line.substr(p, sp == std::string::npos ?
				    std::string::npos : sp - p);
				if (!w.empty())
					group.push_back(w);
				p = sp == std::string::npos ? line.size() : sp + 1;
			}
			if (group.size() > 1)
				h->synonyms.push_back(group);
		}
		return HC_SEARCH_OK;
	} catch (...) {
		return unknown(h);
	}
}

EXPORT hc_search_status
hc_index_set_stopwords(hc_index *h, const char *text)
{
	try {
		h->stop_words.clear();
		h->stop_runs.clear();
		std::string all = text ? text : "";
		size_t start = 0;
		while (start < all.size()) {
			size_t nl = all.find('\n', start);
			std::string line = all.substr(start, nl == std::string::npos ?
			    std::string::npos : nl - start);
			start = nl == std::string::npos ? all.size() : nl + 1;
			if (line.empty() || line[0] == '#')
				continue;
			for (const Token &t : tokenize(line)) {
				if (!t.cjk || utf8_chars(t.text).size() == 1)
					h->stop_words.insert(t.text);
				else
					h->stop_runs.push_back(t.text);
			}
		}
		// Longest first: 怎么办 before 怎么.
		std::stable_sort(h->stop_runs.begin(), h->stop_runs.end(),
		    [](const std::string &a, const std::string &b) {
			return a.size() > b.size(); });
		return HC_SEARCH_OK;
	} catch (...) {
		return unknown(h);
	}
}

// Used when the articles tree has no _polyphones.txt: the readings of
// everyday characters ICU's Han-Latin does not give.
const char	default_polyphones[] =
    "重 chong zhong\n地 di de\n行 xing hang\n长 chang zhang\n"
    "还 hai huan\n单 dan shan\n乐 le yue\n调 tiao diao\n便 bian pian\n"
    "得 de dei\n着 zhe zhao zhuo\n差 cha chai\n血 xue xie\n"
    "传 chuan zhuan\n种 zhong chong\n都 du dou\n会 hui kuai\n"
    "省 sheng xing\n解 jie xie\n系 xi ji\n卡 ka qia\n没 mei mo\n"
    "了 le liao\n和 he huo\n角 jiao jue\n强 qiang jiang\n"
    "查 cha zha\n给 gei ji\n弹 dan tan\n";

EXPORT hc_search_status
hc_index_set_polyphones(hc_index *h, const char *text)
{
	try {
		h->polyphones.clear();
		std::string all = text ? text : default_polyphones;
		size_t start = 0;
		while (start < all.size()) {
			size_t nl = all.find('\n', start);
			std::string line = all.substr(start, nl == std::string::npos ?
			    std::string::npos : nl - start);
			start = nl == std::string::npos ? all.size() : nl + 1;
			size_t hash = line.find('#');
			if (hash != std::string::npos)
				line.resize(hash);
			std::vector<Token> ts = tokenize(line);
			if (ts.size() < 2 || !ts[0].cjk ||
			    utf8_chars(ts[0].text).size() != 1)
				continue;
			std::string is = char_pinyin(h->pinyin, ts[0].text);
			if (is.empty())
				continue;
			for (size_t i = 1; i < ts.size(); i++)
				if (!ts[i].cjk && ts[i].text != is)
					h->polyphones[ts[i].text].push_back(
					    { ts[0].text, is });
		}
		return HC_SEARCH_OK;
	} catch (...) {
		return unknown(h);
	}
}

EXPORT hc_search_status
hc_search(hc_index *h, const struct hc_query *q, struct hc_results **out)
{
	*out = NULL;
	for (unsigned attempt = 0; attempt < MAX_RETRIES; attempt++) {
		try {
			// Cheap when nothing changed; picks up a new commit.
			h->db.reopen();
			*out = run_query(h, q, NULL);
			return HC_SEARCH_OK;
		} catch (const Xapian::DatabaseModifiedError &e) {
			classify(h, e);
			continue;
		} catch (const Xapian::Error &e) {
			return classify(h, e);
		} catch (...) {
			return unknown(h);
		}
	}
	return HC_SEARCH_ERR_MODIFIED;
}

EXPORT hc_search_status
hc_search_final_query(hc_index *h, const struct hc_query *q, char **out,
    size_t *len)
{
	*out = NULL;
	*len = 0;
	try {
		std::string s;
		h->db.reopen();
		(void)run_query(h, q, &s);
		*out = static_cast<char *>(malloc(s.size() + 1));
		if (*out == NULL)
			return HC_SEARCH_ERR_INTERNAL;
		memcpy(*out, s.data(), s.size());
		(*out)[s.size()] = '\0';
		*len = s.size();
		return HC_SEARCH_OK;
	} catch (const Xapian::Error &e) {
		return classify(h, e);
	} catch (...) {
		return unknown(h);
	}
}

EXPORT void
hc_results_free(struct hc_results *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->nhits; i++)
		free(r->hits[i].id);
	free(r->hits);
	for (size_t i = 0; i < r->nclosest; i++)
		free(r->closest[i].id);
	free(r->closest);
	struct { hc_facet *f; size_t n; } fs[] = { { r->categories,
	    r->ncategories }, { r->langs, r->nlangs }, { r->types, r->ntypes } };
	for (auto &x : fs) {
		for (size_t i = 0; i < x.n; i++)
			free(x.f[i].value);
		free(x.f);
	}
	free(r->suggestion);
	for (size_t i = 0; i < r->nhighlight; i++)
		free(r->highlight[i]);
	free(r->highlight);
	free(r);
}

EXPORT size_t
hc_index_doccount(hc_index *h)
{
	try {
		return h->writable ? h->wdb.get_doccount() : h->db.get_doccount();
	} catch (...) {
		return 0;
	}
}

EXPORT unsigned long long
hc_index_revision(hc_index *h)
{
	try {
		if (h->writable)
			return h->wdb.get_revision();
		h->db.reopen();
		return h->db.get_revision();
	} catch (...) {
		return 0;
	}
}

}  // extern "C"
