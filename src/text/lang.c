/* text/lang.c - language names and the es/en guess used by `--lang auto`.
 *
 * The guess is a heuristic, not a detector: it counts frequent function
 * words of each language and Spanish-only characters. It is meant for
 * customer comments known to be in Spanish or English; a trained detector
 * is future work (issue 6). */
#include <stdbool.h>
#include <string.h>

#include "touchpoint/text.h"

const char *tp_text_lang_name(enum tp_text_lang lang)
{
	return lang == TP_TEXT_ES ? "es" : "en";
}

enum tp_status tp_text_lang_parse(const char *name, enum tp_text_lang *out, struct tp_error *err)
{
	if (strcmp(name, "es") == 0) {
		*out = TP_TEXT_ES;
		return TP_OK;
	}
	if (strcmp(name, "en") == 0) {
		*out = TP_TEXT_EN;
		return TP_OK;
	}
	return tp_error_set(err, TP_EINPUT, "unknown language \"%s\" (es, en)", name);
}

static const char *const es_words[] = {
    "de",  "la",   "que",  "el",   "en",   "los",  "se",  "del", "las", "por", "un", "una", "para",
    "con", "no",   "es",   "muy",  "pero", "fue",  "me",  "mi",	 "lo",	"al",  "le", "su",  "y",
    "nos", "esta", "este", "todo", "nada", "bien", "mal", "son", "hay", "sin", NULL};
static const char *const en_words[] = {
    "the", "and", "to",	 "of",	 "is",	 "it",	 "was",	 "i",	 "you", "my", "very",
    "not", "but", "for", "this", "that", "with", "they", "have", "are", "we", "were",
    "be",  "at",  "so",	 "on",	 "had",	 "no",	 "good", "bad",	 NULL};

static bool in_list(const char *const *list, const char *w, size_t n)
{
	for (size_t i = 0; list[i]; i++)
		if (strlen(list[i]) == n && strncmp(list[i], w, n) == 0)
			return true;
	return false;
}

static bool is_letter(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

enum tp_text_lang tp_text_lang_guess(const char *text, size_t len)
{
	/* UTF-8 of á é í ó ú ñ Á É Í Ó Ú Ñ ü ¿ ¡ */
	static const char *const marks[] = {"\xc3\xa1", "\xc3\xa9", "\xc3\xad", "\xc3\xb3",
					    "\xc3\xba", "\xc3\xb1", "\xc3\x81", "\xc3\x89",
					    "\xc3\x8d", "\xc3\x93", "\xc3\x9a", "\xc3\x91",
					    "\xc3\xbc", "\xc2\xbf", "\xc2\xa1", NULL};
	int es = 0, en = 0;
	for (size_t i = 0; i + 1 < len; i++)
		for (size_t k = 0; marks[k]; k++)
			if (memcmp(text + i, marks[k], 2) == 0)
				es++;
	char w[16];
	for (size_t i = 0; i < len;) {
		if (!is_letter((unsigned char)text[i])) {
			i++;
			continue;
		}
		size_t n = 0;
		while (i < len && is_letter((unsigned char)text[i])) {
			char c = text[i++];
			if (n < sizeof w)
				w[n] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
			n++;
		}
		if (n > sizeof w)
			continue;
		es += in_list(es_words, w, n);
		en += in_list(en_words, w, n);
	}
	return es > en ? TP_TEXT_ES : TP_TEXT_EN;
}
