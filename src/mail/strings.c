/* strings.c: the emails' words in zh-CN and en (zh-TW customers read the zh-CN ones). */
#include <string.h>

#include "mail_strings.h"

static const struct mail_string	strings[] = {
	{ "subj_received", "我们已收到您的请求", "We have your request" },
	{ "subj_reply", "客服回复了您的请求", "New reply to your request" },
	{ "subj_solved", "您的请求已解决", "Your request is solved" },
	{ "hello", "您好", "Hello" },
	{ "received_text", "我们已收到您的请求，会尽快回复。回复会发到这个邮箱，"
	    "您也可以随时通过下面的私人链接查看进度。",
	    "We have received your request and will answer soon. Replies "
	    "come to this address; the private link below shows where it "
	    "stands at any time." },
	{ "reply_intro", "客服回复了您的请求：", "Our support team replied:" },
	{ "solved_text", "我们已将您的请求标记为已解决。如果问题仍然存在，直接回复"
	    "这封邮件即可重新打开它。",
	    "We have marked your request as solved. If the problem is still "
	    "there, reply to this email and it opens again." },
	{ "rate_question", "这次的服务让您满意吗？", "Were you satisfied with our "
	    "help?" },
	{ "rate_label", "评价这次服务", "Rate our help" },
	{ "status_label", "查看请求状态", "See your request" },
	{ "reply_hint", "需要补充信息？直接回复这封邮件即可。",
	    "Anything to add? Reply to this email." },
	{ "private", "邮件中的链接是您的私人链接，请不要转发这封邮件。",
	    "The links in this email are private to you: please do not "
	    "forward it." },
	{ "team", "客服团队", "The support team" },
	{ "your_subject", "主题", "Subject" },
	{ NULL, NULL, NULL }
};

const char *
mail_string(const char *ui, const char *key)
{
	size_t	i;
	int	en = ui != NULL && !strcmp(ui, "en");

	for (i = 0; strings[i].key != NULL; i++)
		if (!strcmp(strings[i].key, key))
			return (en ? strings[i].en : strings[i].zh);
	return (key);
}

json_t *
mail_strings(const char *ui)
{
	json_t	*o;
	size_t	 i;

	o = json_object();
	for (i = 0; strings[i].key != NULL; i++)
		json_object_set_new(o, strings[i].key,
		    json_string(mail_string(ui, strings[i].key)));
	return (o);
}
