/* text/text_data.c - the word lists embedded into the library for text
 * analytics (data/stopwords/, data/emotion/; built by cmake/embed.cmake),
 * per language. */
#include "text/text_internal.h"

extern const unsigned char tp_embedded_stopwords_es[];
extern const size_t tp_embedded_stopwords_es_len;
extern const unsigned char tp_embedded_stopwords_en[];
extern const size_t tp_embedded_stopwords_en_len;
extern const unsigned char tp_embedded_emotion_es[];
extern const size_t tp_embedded_emotion_es_len;
extern const unsigned char tp_embedded_emotion_en[];
extern const size_t tp_embedded_emotion_en_len;

const char *tp_text_stopwords(enum tp_text_lang lang, size_t *len)
{
	if (lang == TP_TEXT_ES) {
		*len = tp_embedded_stopwords_es_len;
		return (const char *)tp_embedded_stopwords_es;
	}
	*len = tp_embedded_stopwords_en_len;
	return (const char *)tp_embedded_stopwords_en;
}

const char *tp_text_emotion_list(enum tp_text_lang lang, size_t *len)
{
	if (lang == TP_TEXT_ES) {
		*len = tp_embedded_emotion_es_len;
		return (const char *)tp_embedded_emotion_es;
	}
	*len = tp_embedded_emotion_en_len;
	return (const char *)tp_embedded_emotion_en;
}
