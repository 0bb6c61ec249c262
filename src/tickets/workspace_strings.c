/* workspace_strings.c: interface strings of satisfaction (status page, /admin) and the agent's workspace, in zh-CN and en. */
#include <stddef.h>

#include "render/i18n.h"

const struct ui_string	workspace_strings[] = {
	{ "cs_title", "您对本次服务满意吗？", "How would you rate the support?" },
	{ "cs_good", "满意", "Good" },
	{ "cs_bad", "不满意", "Bad" },
	{ "cs_good_reasons", "哪里做得好", "What went well" },
	{ "cs_bad_reasons", "哪里需要改进", "What went wrong" },
	{ "cs_reason_good_fast", "回复及时", "Quick answer" },
	{ "cs_reason_good_solved", "问题解决了", "My problem is solved" },
	{ "cs_reason_good_friendly", "态度友好", "Friendly" },
	{ "cs_reason_good_other", "其他", "Something else" },
	{ "cs_reason_bad_slow", "回复太慢", "Too slow" },
	{ "cs_reason_bad_not_solved", "问题没有解决", "My problem is not solved" },
	{ "cs_reason_bad_unfriendly", "态度不好", "Unfriendly" },
	{ "cs_reason_bad_other", "其他", "Something else" },
	{ "cs_comment", "还想说点什么？（选填）", "Anything to add? (optional)" },
	{ "cs_send", "提交评价", "Send rating" },
	{ "cs_change", "修改评价", "Change my rating" },
	{ "cs_thanks", "感谢您的评价：", "Thank you for your rating:" },
	{ "cs_err_rating", "请选择“满意”或“不满意”。", "Choose Good or Bad." },
	{ "cs_err_reason", "请在您选的评价下面选一个原因。",
	    "Choose a reason under the answer you picked." },
	{ "cs_err_comment", "补充说明最多 1000 字，且只能是普通文字。",
	    "The comment can be at most 1000 characters of plain text." },
	{ "cs_err_not_solved", "工单解决后才能评价；在此之前，您可以直接回复我们。",
	    "You can rate the support once the request is solved; until "
	    "then, reply to us on the status page." },
	{ "cs_satisfaction", "客户评价", "Satisfaction" },
	{ "tk_event_rating", "客户评价", "Customer rating" },
	{ "an_csat", "满意度 (CSAT)", "CSAT" },
	{ "an_response_rate", "评价率", "Response rate" },
	{ "an_csat_title", "客户满意度", "Customer satisfaction" },
	{ "an_csat_by_day", "按天", "By day" },
	{ "an_csat_by_group", "按小组", "By group" },
	{ "an_csat_by_agent", "按客服", "By agent" },
	{ "an_solved", "已解决", "Solved" },
	{ "an_answered", "已评价", "Answered" },
	{ "an_good", "满意", "Good" },
	{ "an_bad", "不满意", "Bad" },
	{ "an_agent", "客服", "Agent" },
	{ "an_group", "小组", "Group" },
	{ "an_no_agent", "（无：hcctl 或系统）", "(none: hcctl or the system)" },
	{ "an_solved_tickets", "张已解决的工单", "solved tickets" },
	{ NULL, NULL, NULL }
};
