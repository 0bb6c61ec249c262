/* strings.c: the deflection pages' interface strings in zh-CN and en (the vote form, the editors' analytics page). */
#include <stddef.h>

#include "render/i18n.h"

const struct ui_string	deflection_strings[] = {
	/* The vote form on every article. */
	{ "fb_question", "这篇文章有帮助吗？", "Was this article helpful?" },
	{ "fb_yes", "有帮助", "Yes" },
	{ "fb_no", "没有帮助", "No" },
	{ "fb_why", "哪里不好？选一个原因即可提交：",
	    "What was wrong? One click on a reason sends it:" },
	{ "fb_comment", "补充说明（可选，最多 500 字）",
	    "Anything to add? (optional, at most 500 characters)" },
	{ "fb_reason_outdated", "内容过时", "Out of date" },
	{ "fb_reason_unclear", "看不懂", "Unclear" },
	{ "fb_reason_not_my_issue", "不是我的问题", "Not my issue" },
	{ "fb_reason_wrong_language", "语言不对", "Wrong language" },
	{ "fb_reason_other", "其他", "Other" },
	{ "fb_thanks", "谢谢您的反馈！", "Thank you for your feedback!" },
	{ "fb_contact_text", "没有解决您的问题？我们的客服可以帮您。",
	    "Still stuck? Our support team can help." },
	{ "fb_contact", "联系客服", "Contact support" },
	{ "fb_error", "反馈没有保存，请重试。",
	    "Your feedback was not saved; please try again." },
	{ "fb_unknown_article", "没有这篇文章，无法评价。",
	    "There is no such article to rate." },
	{ "fb_bad_csrf", "表单已过期，请返回文章页面刷新后重新提交。",
	    "This form has expired: go back to the article, reload it and "
	    "vote again." },
	{ "fb_bad_helpful", "请选择“有帮助”或“没有帮助”。",
	    "Choose Yes or No." },
	{ "fb_bad_reason", "请从列出的原因中选择一个。",
	    "Choose one of the listed reasons." },
	{ "fb_comment_too_long", "补充说明最多 500 字，请缩短后再提交。",
	    "The comment may have at most 500 characters; shorten it and "
	    "send again." },
	{ "fb_bad_comment", "补充说明中含有无法识别的字符。",
	    "The comment holds characters that are not text." },
	{ "fb_not_saved", "反馈暂时无法保存，请稍后再试。",
	    "Your feedback could not be saved just now; try again in a "
	    "moment." },

	/* The editors' analytics page (/admin). */
	{ "an_title", "自助服务分析", "Self-service analytics" },
	{ "an_nav", "管理", "Admin" },
	{ "an_nav_analytics", "数据分析", "Analytics" },
	{ "an_nav_moderation", "社区审核", "Moderation" },
	{ "an_signed_in", "已登录：", "Signed in as " },
	{ "an_from", "从", "From" },
	{ "an_to", "到", "To" },
	{ "an_show", "显示", "Show" },
	{ "an_bad_date", "日期格式应为 YYYY-MM-DD，且“从”不能晚于“到”；有误的字段：",
	    "Dates are YYYY-MM-DD, from no later than to, at most two years "
	    "apart; the field at fault: " },
	{ "an_self_service", "自助服务得分", "Self-service score" },
	{ "an_deflection", "分流率", "Deflection rate" },
	{ "an_searches", "搜索", "Searches" },
	{ "an_click_through", "搜索点击率", "Search click-through" },
	{ "an_zero_rate", "无结果比例", "Zero-result rate" },
	{ "an_views", "文章浏览", "Article views" },
	{ "an_tickets", "提交的工单", "Tickets submitted" },
	{ "an_form_left", "点建议后离开表单", "Form left after a suggestion" },
	{ "an_no_tickets", "无工单", "no tickets" },
	{ "an_none", "—", "—" },
	{ "an_explicit", "明确", "explicit" },
	{ "an_implicit", "隐含", "implicit" },
	{ "an_pending", "待定（24 小时未满）", "pending (24 h not over)" },
	{ "an_visitors", "访客", "visitors" },
	{ "an_trends", "每日趋势", "Daily trends" },
	{ "an_rate_chart", "每日分流率", "Deflection rate by day" },
	{ "an_funnel", "自助服务漏斗（访客数）", "Self-service funnel (visitors)" },
	{ "an_top_queries", "热门搜索", "Top queries" },
	{ "an_zero_queries", "无结果的搜索（待写文章）",
	    "Zero-result queries (articles wanted)" },
	{ "an_articles", "文章", "Articles" },
	{ "an_reasons", "“没有帮助”的原因", "Reasons given for “No”" },
	{ "an_comments", "最新评论", "Latest comments" },
	{ "an_before_ticket", "提交工单前最后阅读的文章",
	    "Articles read just before a ticket" },
	{ "an_csv", "下载 CSV", "CSV" },
	{ "an_query", "搜索词", "Query" },
	{ "an_count", "次数", "Count" },
	{ "an_zero", "无结果", "Zero results" },
	{ "an_article", "文章", "Article" },
	{ "an_yes", "有帮助", "Yes" },
	{ "an_no", "没帮助", "No" },
	{ "an_helpfulness", "有用度（Wilson 下限）", "Helpfulness (Wilson lower bound)" },
	{ "an_reason", "原因", "Reason" },
	{ "an_comment", "评论", "Comment" },
	{ "an_empty", "这段时间内没有数据。", "Nothing in this range." },
	{ "an_definitions", "这些数字怎么算", "How these figures are counted" },
	{ "an_def_visitor", "访客是一个随机的第一方 Cookie；不保存 IP。",
	    "A visitor is a random first-party cookie; no IP address is stored." },
	{ "an_def_self_service", "自助服务得分 = 期间内有任何行为的访客数 ÷ 提交了工单的访客数（没有工单时显示“无工单”）。",
	    "Self-service score = visitors with any event in the range ÷ "
	    "visitors who submitted a ticket (\"no tickets\" when none did)." },
	{ "an_def_deflection", "分流率 = （明确 + 隐含）÷（明确 + 隐含 + 提交的工单）。明确 = 访客说某篇文章或帖子解决了问题的次数，加上当前为“有帮助”的投票数（每位访客每篇文章一票）。隐含 = 在工单表单上点击了建议文章、且同一访客此后 24 小时内没有提交工单的次数；24 小时未满的点击显示为待定，不计入。",
	    "Deflection rate = (explicit + implicit) ÷ (explicit + implicit + "
	    "tickets submitted). Explicit = times a visitor said an article "
	    "or thread solved it, plus current \"Yes\" votes (one per visitor "
	    "and article). Implicit = suggestion clicks on the contact form "
	    "with no ticket by the same visitor in the 24 h after; clicks "
	    "younger than 24 h are shown as pending and not counted." },
	{ "an_def_search", "点击率 = 搜索结果点击数 ÷ 搜索数；无结果比例 = 0 条结果的搜索 ÷ 搜索数。翻页不算新的搜索；边输入边提示不算搜索。",
	    "Click-through = result clicks ÷ searches; zero-result rate = "
	    "searches with no result ÷ searches. Turning a page is not a new "
	    "search; search-as-you-type is not counted." },
	{ "an_def_helpfulness", "有用度 = “有帮助”比例的 95% Wilson 置信下限（z = 1.96），票数少时偏低，旁边是原始票数。",
	    "Helpfulness = lower bound of the 95 % Wilson interval (z = 1.96) "
	    "of Yes ÷ votes: low when there are few votes; raw counts beside it." },
	{ "an_def_before_ticket", "提交工单前最后阅读的文章 = 每张工单提交前 24 小时内，同一访客最后浏览的文章。",
	    "Read just before a ticket = for each ticket, the last article "
	    "the same visitor viewed in the 24 h before it." },
	{ "an_def_retention", "超过保留期（RETENTION_DAYS）的原始事件会汇总为每日计数：计数类数字仍然准确，但访客数、自助服务得分、隐含分流和工单前文章只来自原始事件。",
	    "Raw events older than RETENTION_DAYS become daily counts: counts "
	    "stay exact, but visitors, the self-service score, implicit "
	    "deflection and articles before a ticket come from raw events only." },
	{ "an_problems", "文章问题", "Article problems" },
	{ "an_no_problems", "没有问题。", "No problems." },
	{ "an_reviews", "到期需复查的文章", "Reviews due" },
	{ "an_no_reviews", "没有到期的复查。", "No review is due." },
	{ "an_owner", "负责人", "Owner" },
	{ "an_review_by", "复查日期", "Review by" },
	{ "an_file", "文件", "File" },
	{ "an_line", "行", "Line" },
	{ "an_problem", "问题", "Problem" },
	{ "an_day", "日期", "Day" },
	{ "an_stage_visited", "来访", "Visited" },
	{ "an_stage_searched", "搜索", "Searched" },
	{ "an_stage_clicked_result", "点击搜索结果", "Clicked a result" },
	{ "an_stage_read_article", "阅读文章", "Read an article" },
	{ "an_stage_opened_ticket_form", "打开工单表单", "Opened the ticket form" },
	{ "an_stage_submitted_ticket", "提交工单", "Submitted a ticket" },
	{ NULL, NULL, NULL }
};
