/* i18n.c: the interface's strings and Accept-Language negotiation. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "i18n.h"

static const struct ui_string	core_strings[] = {
	{ "site_name", "云帆商城帮助中心", "Yunfan Mall Help Center" },
	{ "skip_to_content", "跳到正文", "Skip to content" },
	{ "home", "首页", "Home" },
	{ "search", "搜索", "Search" },
	{ "search_label", "搜索帮助文章", "Search help articles" },
	{ "search_placeholder", "搜索问题，如：退款",
	    "Search, e.g. refund" },
	{ "hero_title", "您好，需要什么帮助？", "Hi, how can we help?" },
	{ "categories", "分类", "Categories" },
	{ "articles_count", "篇文章", "articles" },
	{ "popular", "热门文章", "Popular articles" },
	{ "recent", "最近更新", "Recently updated" },
	{ "community", "社区问答", "Community" },
	{ "community_teaser", "没找到答案？去社区问问其他用户。",
	    "No answer yet? Ask other customers in the community." },
	{ "ask_community", "在社区提问", "Ask the community" },
	{ "contact_us", "联系我们", "Contact us" },
	{ "still_need_help", "仍需要帮助？", "Still need help?" },
	{ "still_need_help_text", "我们的客服团队很乐意为您解答。",
	    "Our support team is happy to help." },
	{ "open_ticket", "提交工单", "Submit a request" },
	{ "updated", "更新于", "Updated" },
	{ "contents", "目录", "Contents" },
	{ "sections", "子分类", "Sections" },
	{ "in_this_category", "本分类文章", "Articles in this category" },
	{ "related", "相关文章", "Related articles" },
	{ "other_languages", "其他语言", "Other languages" },
	{ "view_source", "查看 Markdown 源文件", "View Markdown source" },
	{ "was_helpful", "这篇文章有帮助吗？", "Was this article helpful?" },
	{ "yes", "有帮助", "Yes" },
	{ "no", "没帮助", "No" },
	{ "fallback_notice", "这篇文章还没有您所选语言的版本，下面显示的是",
	    "This article is not yet available in your language; showing the " },
	{ "fallback_notice_end", "版本。", " version." },
	{ "draft_banner", "草稿预览：这篇文章尚未发布，只有编辑能看到。",
	    "Draft preview: this article is not published; only editors can "
	    "see it." },
	{ "not_found_title", "页面不存在", "Page not found" },
	{ "not_found_text", "您要找的页面不存在或已被移动。试试搜索：",
	    "The page you are looking for does not exist or has moved. "
	    "Try a search:" },
	{ "bad_request_title", "请求有误", "Bad request" },
	{ "language", "语言", "Language" },
	{ "breadcrumb", "导航路径", "Breadcrumb" },
	{ "no_articles", "这里还没有文章。", "No articles here yet." },
	{ "footer_text", "云帆商城 · 帮助中心", "Yunfan Mall · Help Center" },
	{ "lang_zh-CN", "简体中文", "简体中文" },
	{ "lang_zh-TW", "繁體中文", "繁體中文" },
	{ "lang_en", "English", "English" },
	{ "bad_search_query", "搜索词无效：请少于 256 个字，并检查是否有乱码。",
	    "This search cannot be run: keep it under 256 characters and "
	    "check for garbled text." },
	{ "search_too_many_terms", "搜索词太多：一次最多搜索 16 个词"
	    "（AND、OR、NOT 不算），请只留下最重要的词。",
	    "Too many words: a search takes at most 16 (AND, OR and NOT not "
	    "counted); keep the words that matter." },
	{ "search_too_deep", "结果最多只能翻到第 500 条（页码 × 每页条数不超过 "
	    "500），请加几个词或选一个分类缩小范围。",
	    "Results are shown up to the 500th (page times results per page "
	    "at most 500); add words or pick a category to narrow the "
	    "search." },
	{ "bad_search_filter", "筛选条件无效，请从搜索页重新选择。",
	    "A filter in this address is not valid; choose it again from the "
	    "search page." },
	{ "search_unavailable", "搜索暂时不可用，请稍后再试。",
	    "Search is unavailable for a moment; please try again shortly." },
	{ "results_for", "搜索结果", "Results for" },
	{ "results_total", "条结果", "results" },
	{ "did_you_mean", "您是不是要找：", "Did you mean:" },
	{ "no_results", "没有找到相关内容。", "Nothing matched your search." },
	{ "closest_heading", "相关度不够、仅供参考的文章：",
	    "Not a match, but the closest articles:" },
	{ "no_results_help", "换个说法试试，或者：",
	    "Try other words, or:" },
	{ "ask_with_query", "把这个问题发到社区", "Ask this in the community" },
	{ "ticket_with_query", "联系客服并附上这个问题",
	    "Contact support with this question" },
	{ "filter_category", "分类", "Category" },
	{ "filter_lang", "语言", "Language" },
	{ "filter_type", "类型", "Type" },
	{ "filter_all", "全部", "All" },
	{ "filter_apply", "筛选", "Filter" },
	{ "filter_clear", "清除筛选", "Clear filters" },
	{ "type_article", "文章", "Articles" },
	{ "type_thread", "社区问答", "Community threads" },
	{ "prev_page", "上一页", "Previous" },
	{ "next_page", "下一页", "Next" },
	{ "suggestions", "建议", "Suggestions" },
	{ "rate_limited", "操作太频繁了，请一分钟后再试。",
	    "Too many attempts from your connection; please try again in a "
	    "minute." },
	{ "search_rate_limited", "搜索太频繁了，请稍等几秒再试。",
	    "Too many searches from your connection; please wait a few "
	    "seconds and try again." },
	{ "csrf_failed", "表单已过期，请返回刷新页面后重新提交。",
	    "This form has expired; go back, reload the page and send it "
	    "again." },
	{ NULL, NULL, NULL }
};

/* Each domain keeps its own strings beside its code; all are searched. */
static const struct ui_string	*tables[] = {
	core_strings, deflection_strings, ticket_strings, community_strings,
	workspace_strings,
};
#define NTABLES	(sizeof(tables) / sizeof(tables[0]))

static json_t	*zh_obj, *tw_obj, *en_obj;

const char *
i18n_ui_lang(const char *lang)
{
	if (lang != NULL && !strcmp(lang, "en"))
		return ("en");
	if (lang != NULL && !strcmp(lang, "zh-TW"))
		return ("zh-TW");
	return ("zh-CN");
}

/* The zh-TW text of a key, NULL when the generated table lacks it. */
static const char *
tw_text(const char *key)
{
	const struct ui_string_tw	*s;

	for (s = zh_tw_strings; s->key != NULL; s++)
		if (!strcmp(s->key, key))
			return (s->tw);
	return (NULL);
}

static const char *
text_in(const struct ui_string *s, const char *ui_lang)
{
	const char	*tw;

	if (!strcmp(ui_lang, "en"))
		return (s->en);
	if (!strcmp(ui_lang, "zh-TW") && (tw = tw_text(s->key)) != NULL)
		return (tw);
	return (s->zh);
}

static json_t *
build(const char *ui_lang)
{
	const struct ui_string	*s;
	json_t			*o;
	size_t			 t;

	o = json_object();
	for (t = 0; t < NTABLES; t++)
		for (s = tables[t]; s->key != NULL; s++)
			json_object_set_new(o, s->key,
			    json_string(text_in(s, ui_lang)));
	return (o);
}

json_t *
i18n_strings(const char *ui_lang)
{
	json_t	**o;

	if (!strcmp(ui_lang, "en"))
		o = &en_obj;
	else if (!strcmp(ui_lang, "zh-TW"))
		o = &tw_obj;
	else
		o = &zh_obj;
	if (*o == NULL)
		*o = build(ui_lang);
	return (*o);
}

const char *
i18n_get(const char *ui_lang, const char *key)
{
	const struct ui_string	*s;
	size_t			 t;

	for (t = 0; t < NTABLES; t++)
		for (s = tables[t]; s->key != NULL; s++)
			if (!strcmp(s->key, key))
				return (text_in(s, ui_lang));
	return (key);
}

static const char *
tag_to_lang(const char *tag, size_t n)
{
	if (n >= 2 && !strncasecmp(tag, "en", 2) && (n == 2 || tag[2] == '-'))
		return ("en");
	if (n >= 2 && !strncasecmp(tag, "zh", 2) && (n == 2 || tag[2] == '-')) {
		if ((n >= 7 && !strncasecmp(tag, "zh-hant", 7)) ||
		    (n == 5 && (!strncasecmp(tag, "zh-tw", 5) ||
		    !strncasecmp(tag, "zh-hk", 5) ||
		    !strncasecmp(tag, "zh-mo", 5))))
			return ("zh-TW");
		return ("zh-CN");
	}
	return (NULL);
}

const char *
i18n_from_accept_language(const char *header)
{
	const char	*p, *end, *semi, *lang, *best;
	double		 q, bestq;
	size_t		 n;

	best = NULL;
	bestq = 0.0;
	for (p = header; p != NULL && *p != '\0'; p = end ? end + 1 : NULL) {
		while (*p == ' ' || *p == '\t')
			p++;
		end = strchr(p, ',');
		n = end ? (size_t)(end - p) : strlen(p);
		semi = memchr(p, ';', n);
		q = 1.0;
		if (semi != NULL) {
			const char *qs = strstr(semi, "q=");
			if (qs != NULL && qs < p + n)
				q = strtod(qs + 2, NULL);
			n = (size_t)(semi - p);
		}
		while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		lang = tag_to_lang(p, n);
		if (lang != NULL && q > bestq) {
			best = lang;
			bestq = q;
		}
	}
	return (best);
}

void
i18n_free(void)
{
	json_decref(zh_obj);
	json_decref(tw_obj);
	json_decref(en_obj);
	zh_obj = tw_obj = en_obj = NULL;
}
