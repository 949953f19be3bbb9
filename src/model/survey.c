/* model/survey.c - survey link tokens and question sets.
 *
 * A token is the only secret protecting a survey link, so it comes from
 * libsodium's CSPRNG (128 bits, never from rand()) and is written in
 * base64url without padding so it sits in a URL path unescaped. A token
 * never starts with '-', so that it can follow a command on the command
 * line without being read as an option: one that would is drawn again
 * (1 in 64), which keeps every allowed token equally likely. */
#include <sodium.h>
#include <string.h>

#include "touchpoint/store.h"

enum tp_status tp_survey_token_new(char out[TP_SURVEY_TOKEN_LEN + 1], struct tp_error *err)
{
	unsigned char raw[16];
	if (sodium_init() < 0)
		return tp_error_set(err, TP_EIO, "cannot initialise libsodium's random generator");
	do {
		randombytes_buf(raw, sizeof raw);
		/* 16 bytes give 22 characters and a NUL: exactly the buffer. */
		sodium_bin2base64(out, TP_SURVEY_TOKEN_LEN + 1, raw, sizeof raw,
				  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	} while (out[0] == '-');
	sodium_memzero(raw, sizeof raw);
	return TP_OK;
}

bool tp_survey_token_valid(const char *s)
{
	size_t n = 0;
	for (; s[n]; n++) {
		char c = s[n];
		bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			  (c >= '0' && c <= '9') || c == '-' || c == '_';
		if (!ok || n >= TP_SURVEY_TOKEN_LEN)
			return false;
	}
	return n == TP_SURVEY_TOKEN_LEN;
}

static const char *const question_names[] = {"nps", "csat", "ces", "emotion", "comment"};
#define N_QUESTIONS (sizeof question_names / sizeof question_names[0])

enum tp_status tp_survey_questions_parse(const char *text, unsigned *out, struct tp_error *err)
{
	unsigned q = 0;
	const char *p = text;
	for (;;) {
		size_t n = strcspn(p, ",");
		size_t i = 0;
		while (i < N_QUESTIONS &&
		       !(strlen(question_names[i]) == n && strncmp(question_names[i], p, n) == 0))
			i++;
		if (i == N_QUESTIONS)
			return tp_error_set(err, TP_EINPUT,
					    "unknown question \"%.*s\" (nps, csat, ces, emotion, "
					    "comment)",
					    (int)(n > 100 ? 100 : n), p);
		q |= 1u << i;
		if (p[n] == '\0')
			break;
		p += n + 1;
	}
	*out = q;
	return TP_OK;
}

const char *tp_survey_questions_format(unsigned q, char *buf, size_t size)
{
	size_t used = 0;
	if (size == 0)
		return buf;
	buf[0] = '\0';
	for (size_t i = 0; i < N_QUESTIONS; i++) {
		if (!(q & (1u << i)))
			continue;
		size_t n = strlen(question_names[i]) + (used ? 1 : 0);
		if (used + n + 1 > size)
			break;
		memcpy(buf + used, used ? "," : "", used ? 1 : 0);
		memcpy(buf + used + (used ? 1 : 0), question_names[i],
		       strlen(question_names[i]) + 1);
		used += n;
	}
	return buf;
}
