/* view/view.h - HTML, SVG and CSV rendering for the server's pages
 * (internal).
 *
 * Pure functions from data to a growing buffer: nothing here reads the
 * store, the network or the clock. html.c holds the buffer, the one
 * escaping function every user-supplied string goes through, number and
 * date formatting per language and the page frame; i18n.c the strings of
 * each language; svg.c the charts. */
#ifndef TP_VIEW_VIEW_H
#define TP_VIEW_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* --- the buffer --- */

/* A growing NUL-terminated string. After an allocation failure `failed`
 * is set and further appends do nothing. */
struct tp_buf {
	char *data;
	size_t len, cap;
	bool failed;
};

void tp_buf_init(struct tp_buf *b);
void tp_buf_free(struct tp_buf *b);
void tp_buf_add(struct tp_buf *b, const char *s, size_t n);
void tp_buf_puts(struct tp_buf *b, const char *s);
void tp_buf_printf(struct tp_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Returns the text (the caller frees it) and resets b; NULL after a
 * failure (b is then freed). */
char *tp_buf_take(struct tp_buf *b);

/* --- escaping --- */

/* Appends s with & < > " ' written as entities, safe both as element text
 * and inside a double- or single-quoted attribute. NULL appends nothing. */
void tp_html_escape(struct tp_buf *b, const char *s);

/* Appends s percent-encoded for a URL query value (RFC 3986 unreserved
 * characters kept). */
void tp_url_escape(struct tp_buf *b, const char *s);

/* Appends s as one CSV field (RFC 4180: quoted when it holds a comma,
 * quote, CR or LF; quotes doubled). A field starting with = + - @ is
 * prefixed with ' so spreadsheets do not run it as a formula. */
void tp_csv_field(struct tp_buf *b, const char *s);

/* --- languages --- */

enum tp_lang { TP_LANG_EN = 0, TP_LANG_ES = 1 };

/* "en", "es". */
const char *tp_lang_code(enum tp_lang lang);
/* Parses "en"/"es" (case-insensitive); false for anything else. */
bool tp_lang_parse(const char *s, enum tp_lang *out);
/* The language an Accept-Language header prefers among ours (the highest
 * q; the first on ties); English when it names neither or is NULL. */
enum tp_lang tp_lang_from_accept(const char *header);

/* Formats v with `decimals` decimals, grouping thousands: "1,234.5" in
 * English, "1.234,5" in Spanish; "-" is the minus sign. Returns buf. */
const char *tp_fmt_number(char *buf, size_t size, double v, int decimals, enum tp_lang lang);
/* A UTC date: "2026-01-31" in English, "31/01/2026" in Spanish. */
const char *tp_fmt_date(char *buf, size_t size, int64_t t, enum tp_lang lang);
/* A month key "2026-01" as "Jan 2026" / "ene 2026" (the key itself when
 * it is not one). */
const char *tp_fmt_month(char *buf, size_t size, const char *key, enum tp_lang lang);

/* --- strings (i18n.c) --- */

enum tp_msg {
	TP_MSG_TITLE,
	TP_MSG_JOURNEY_MAP,
	TP_MSG_PHASE,
	TP_MSG_CHANNEL,
	TP_MSG_TOUCHPOINT,
	TP_MSG_OWNER,
	TP_MSG_PROBLEM,
	TP_MSG_GOAL,
	TP_MSG_MOOD,
	TP_MSG_INDICATOR,
	TP_MSG_FROM,
	TP_MSG_TO,
	TP_MSG_FILTER,
	TP_MSG_WHERE_HINT,
	TP_MSG_APPLY,
	TP_MSG_NO_DATA,
	TP_MSG_VALUE,
	TP_MSG_N,
	TP_MSG_CI,
	TP_MSG_TREND,
	TP_MSG_UP,
	TP_MSG_DOWN,
	TP_MSG_DISTRIBUTION,
	TP_MSG_OVER_TIME,
	TP_MSG_MONTH,
	TP_MSG_BY_SEGMENT,
	TP_MSG_SEGMENT,
	TP_MSG_COMMENTS,
	TP_MSG_ALL,
	TP_MSG_PROMOTERS,
	TP_MSG_PASSIVES,
	TP_MSG_DETRACTORS,
	TP_MSG_LANGUAGE,
	TP_MSG_DATE,
	TP_MSG_SCORE,
	TP_MSG_PREVIOUS,
	TP_MSG_NEXT,
	TP_MSG_PAGE,
	TP_MSG_OF,
	TP_MSG_NO_COMMENTS,
	TP_MSG_CSV,
	TP_MSG_RESPONDENTS,
	TP_MSG_CUSTOMERS,
	TP_MSG_EMPLOYEES,
	TP_MSG_LEADERS,
	TP_MSG_RESPONSES,
	TP_MSG_HIDDEN,
	TP_MSG_LEADERS_NOTE,
	TP_MSG_NOT_FOUND,
	TP_MSG_BAD_REQUEST,
	TP_MSG_ERROR,
	TP_MSG_SMALL,
	TP_MSG_SURVEY_TITLE,
	TP_MSG_SURVEY_INTRO,
	TP_MSG_Q_NPS,
	TP_MSG_Q_NPS_LOW,
	TP_MSG_Q_NPS_HIGH,
	TP_MSG_Q_CSAT,
	TP_MSG_Q_CSAT_LOW,
	TP_MSG_Q_CSAT_HIGH,
	TP_MSG_Q_CES,
	TP_MSG_Q_CES_LOW,
	TP_MSG_Q_CES_HIGH,
	TP_MSG_Q_EMOTION,
	TP_MSG_EMO_M3,
	TP_MSG_EMO_M2,
	TP_MSG_EMO_M1,
	TP_MSG_EMO_0,
	TP_MSG_EMO_P1,
	TP_MSG_EMO_P2,
	TP_MSG_EMO_P3,
	TP_MSG_Q_COMMENT,
	TP_MSG_SEND,
	TP_MSG_THANKS,
	TP_MSG_THANKS_TEXT,
	TP_MSG_ALREADY,
	TP_MSG_ALREADY_TEXT,
	TP_MSG_SURVEY_UNKNOWN,
	TP_MSG_ERR_EMPTY,
	TP_MSG_ERR_RANGE,
	TP_MSG_ERR_COMMENT,
	TP_MSG_ERR_FORM,
	/* admin pages (webadmin) */
	TP_MSG_ADMIN,
	TP_MSG_ADMIN_JOURNEY,
	TP_MSG_PHASES,
	TP_MSG_CHANNELS,
	TP_MSG_TOUCHPOINTS,
	TP_MSG_ID,
	TP_MSG_NAME,
	TP_MSG_ADD,
	TP_MSG_RENAME,
	TP_MSG_SAVE,
	TP_MSG_DELETE,
	TP_MSG_MOVE_UP,
	TP_MSG_MOVE_DOWN,
	TP_MSG_EDIT,
	TP_MSG_SAVED,
	TP_MSG_NOTHING_CHANGED,
	TP_MSG_CONFIRM_DELETE,
	TP_MSG_CONFIRM_TEXT,
	TP_MSG_CONFIRM,
	TP_MSG_CANCEL,
	TP_MSG_UNASSIGNED,
	TP_MSG_FORBIDDEN,
	TP_MSG_CSRF_TEXT,
	TP_MSG_SURVEY_LINKS,
	TP_MSG_QUESTIONS,
	TP_MSG_INVITATION,
	TP_MSG_USED,
	TP_MSG_NOT_USED,
	TP_MSG_SHARED,
	TP_MSG_CREATED,
	TP_MSG_CREATE_LINKS,
	TP_MSG_INVITATIONS_N,
	TP_MSG_INVITATION_PREFIX,
	TP_MSG_LANG_BROWSER,
	TP_MSG_NO_LINKS,
	TP_MSG_LINK,
	TP_MSG_JOURNEY_NAME,
	TP_MSG_START_JOURNEY,
	TP_MSG_INVITATIONS_CSV,
	TP_MSG_FIELD_ERROR,
	TP_MSG_LINKS_CREATED,
	/* analysis pages (gap) */
	TP_MSG_DRIVERS_PAGE,
	TP_MSG_OUTCOME,
	TP_MSG_DRIVERS_FIELD,
	TP_MSG_DRIVERS_HINT,
	TP_MSG_IMPORTANCE,
	TP_MSG_PERFORMANCE,
	TP_MSG_QUADRANT,
	TP_MSG_Q_FIX,
	TP_MSG_Q_KEEP,
	TP_MSG_Q_OVERKILL,
	TP_MSG_Q_LOW,
	TP_MSG_CHOOSE_DRIVERS,
	TP_MSG_GAP_PAGE,
	TP_MSG_ATTRIBUTES,
	TP_MSG_ATTRIBUTES_HINT,
	TP_MSG_CHOOSE_ATTRIBUTES,
	TP_MSG_RATED_ATTRIBUTES,
	TP_MSG_STATED,
	TP_MSG_DERIVED,
	TP_MSG_GAPS,
	TP_MSG_GAP,
	TP_MSG_P_VALUE,
	TP_MSG_SIGNIFICANT,
	TP_MSG_NO_TEST,
	TP_MSG_LINKAGE_PAGE,
	TP_MSG_TEAM,
	TP_MSG_EMPLOYEES_N,
	TP_MSG_ENGAGEMENT,
	TP_MSG_CUSTOMER_SCORE,
	TP_MSG_CORRELATION,
	TP_MSG_TOO_FEW_TEAMS,
	TP_MSG_NOT_CAUSE,
	TP_MSG_ESTIMATE,
	TP_MSG_FLAG_LEGEND,
	/* outcomes and benchmark pages (outcomes) */
	TP_MSG_OUTCOMES_PAGE,
	TP_MSG_NPS_GROUP,
	TP_MSG_MEAN,
	TP_MSG_RATE,
	TP_MSG_PRO_VS_DET,
	TP_MSG_MOVE_SHARE,
	TP_MSG_MOVE_VALUE,
	TP_MSG_ASSUMPTIONS,
	TP_MSG_NO_OUTCOMES,
	TP_MSG_LINKED,
	TP_MSG_BENCHMARK_PAGE,
	TP_MSG_PERIOD,
	TP_MSG_SECTOR,
	TP_MSG_COMPANY,
	TP_MSG_RANK,
	TP_MSG_PERCENTILE,
	TP_MSG_ALL_SECTORS,
	TP_MSG_IN_SECTOR,
	TP_MSG_DIFFERENCE,
	TP_MSG_P,
	TP_MSG_US,
	TP_MSG_NO_BENCHMARK,
	TP_MSG_PERCENTILE_NOTE,
	TP_MSG_NO_OURS,
	TP_MSG_OUTCOMES_NAV,
	TP_MSG_NOTEST_SMALL_N,
	TP_MSG_NOTEST_NO_SD,
	TP_MSG_NOTEST_FEW_OURS,
	/* text analytics (textlearn) */
	TP_MSG_SENTIMENT,
	TP_MSG_POSITIVE,
	TP_MSG_NEUTRAL,
	TP_MSG_NEGATIVE,
	TP_MSG_TEXT_EMOTIONS,
	TP_MSG_TEXT_EMOTIONS_NOTE,
	TP_MSG_NOT_ANALYSED,
	TP_MSG_EMOTION_WORD,
	TP_MSG_JOY,
	TP_MSG_TRUST,
	TP_MSG_SURPRISE,
	TP_MSG_ANGER,
	TP_MSG_FEAR,
	TP_MSG_SADNESS,
	/* perception gap with ranks (gap2) */
	TP_MSG_STATED_RANKS,
	TP_MSG_STATED_KIND,
	TP_MSG_MEAN_RANK,
	TP_MSG_FIRST_PCT,
	TP_MSG_P_MWU,
	TP_MSG_RANK_CHART_NOTE,
	TP_MSG_COUNT
};

/* The string for msg in lang (never NULL). */
const char *tp_msg(enum tp_lang lang, enum tp_msg msg);

/* --- the page frame --- */

/* Writes the document head every page shares: doctype, <html lang>,
 * <title> ("title · touchpoint", escaped), the stylesheet link, then
 * <body> with class body_class (a constant) when not NULL. */
void tp_html_head(struct tp_buf *b, enum tp_lang lang, const char *title, const char *body_class);
/* Opens a page: tp_html_head(), then the header (home, respondents and
 * admin links, the language switch linking to `self_url` with lang=..,
 * self_url already escaped for an attribute, ending in ? or &), <main>
 * and the <h1> title. */
void tp_html_begin(struct tp_buf *b, enum tp_lang lang, const char *title, const char *self_url);
/* Closes <main>, <body>, <html>. */
void tp_html_end(struct tp_buf *b);

/* --- charts (svg.c) --- */

/* A bar chart of counts[0..n-1] labelled low, low+1, ... (a histogram of
 * a score scale). */
void tp_svg_histogram(struct tp_buf *b, const int64_t *counts, size_t n, int low);

struct tp_svg_point {
	const char *label;
	bool has_value, has_ci;
	double value, lo, hi;
};
/* A line of points[i].value over i with the band [lo, hi] behind it, on
 * the vertical scale [ymin, ymax]. */
void tp_svg_line_band(struct tp_buf *b, const struct tp_svg_point *points, size_t n, double ymin,
		      double ymax, enum tp_lang lang);
/* Horizontal bars with interval whiskers, one per point, on [xmin, xmax]. */
void tp_svg_bars(struct tp_buf *b, const struct tp_svg_point *points, size_t n, double xmin,
		 double xmax, enum tp_lang lang);

/* --- QR codes (qr.c, libqrencode) --- */

/* Appends an SVG image of the QR code of text (error correction M, a
 * 4-module quiet zone, one <path> of dark modules). Returns false, and
 * appends nothing, when text cannot be encoded (too long, out of memory). */
bool tp_qr_svg(struct tp_buf *b, const char *text);

/* A PNG image (1-bit greyscale, `scale` pixels a module, a 4-module quiet
 * zone, encoded by libpng) of the QR code of text. Returns the
 * bytes, which the caller frees, and their count in *len; NULL when text
 * cannot be encoded or memory runs out. */
unsigned char *tp_qr_png(const char *text, unsigned scale, size_t *len);

#endif
