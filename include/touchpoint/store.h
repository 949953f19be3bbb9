/* touchpoint/store.h - the store: where journeys and responses live.
 *
 * Every SQL statement of touchpoint sits behind this interface. The embedded
 * backend is one SQLite file (WAL mode, foreign keys on); a PostgreSQL backend
 * can implement the same operations. Callers never see SQL or a database
 * handle. A store is used by one thread at a time. */
#ifndef TOUCHPOINT_STORE_H
#define TOUCHPOINT_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "touchpoint/error.h"
#include "touchpoint/journey.h"
#include "touchpoint/response.h"

struct tp_store;

enum tp_store_mode {
	TP_STORE_READ,   /* the database must exist and be initialised */
	TP_STORE_WRITE,  /* the database must exist and be initialised */
	TP_STORE_CREATE, /* create the file if needed and apply migrations */
};

/* The schema version this program writes. */
int tp_store_schema_version(void);

/* Resolves the database path: explicit (if not NULL), else $TOUCHPOINT_DB,
 * else "./touchpoint.db". Returns a constant or the argument. */
const char *tp_store_default_path(const char *explicit_path);

/* Opens the store at path. TP_STORE_CREATE creates the file and brings its
 * schema to the current version (idempotent). Other modes fail with
 * TP_ENOTFOUND when the file does not exist and TP_ESCHEMA when it is not
 * initialised or older than the program ("run touchpoint init"). Every mode
 * refuses, with TP_ESCHEMA, a database whose schema is newer than the
 * program. On success *out is a store the caller closes with
 * tp_store_close(); on error *out is NULL and nothing was changed. */
enum tp_status tp_store_open(const char *path, enum tp_store_mode mode,
			     struct tp_store **out, struct tp_error *err);

/* Closes the store, rolling back any transaction still open. Accepts NULL. */
void tp_store_close(struct tp_store *store);

/* The schema version found in the file when it was opened (0 = new). */
int tp_store_found_version(const struct tp_store *store);

/* --- journey --- */

/* Loads the stored journey. *out is a journey the caller frees with
 * tp_journey_free() (with no phases when none was imported yet). */
enum tp_status tp_store_journey_load(struct tp_store *store,
				     struct tp_journey **out,
				     struct tp_error *err);

/* Replaces the stored journey with `journey` in one transaction. Phases,
 * channels and touchpoints are matched by id: those kept keep their stored
 * responses. Touchpoints that disappear and still have responses make the
 * call fail with TP_ECONFLICT naming them, unless force is true; then their
 * responses become unassigned and *unassigned (if not NULL) says how many.
 * On any error nothing is changed. */
enum tp_status tp_store_journey_replace(struct tp_store *store,
					const struct tp_journey *journey,
					bool force, int64_t *unassigned,
					struct tp_error *err);

/* --- responses --- */

/* Transactions group many inserts: all of them are kept by commit, none by
 * rollback. Inserting outside a transaction is allowed (one per insert).
 * A begin inside an open transaction opens a savepoint: its commit keeps
 * its work within the outer transaction, its rollback undoes only that. */
enum tp_status tp_store_begin(struct tp_store *store, struct tp_error *err);
enum tp_status tp_store_commit(struct tp_store *store, struct tp_error *err);
enum tp_status tp_store_rollback(struct tp_store *store, struct tp_error *err);

/* Inserts one response and writes it at once. The response must have
 * passed tp_response_check(). Its touchpoint (if any) must be in the stored
 * journey, else TP_EINPUT "unknown touchpoint". A response whose response_id
 * is already stored changes nothing: *inserted is set false and TP_OK
 * returned. Segment attributes are dictionary-encoded; a store holds at most
 * TP_ATTRS_MAX distinct attribute names (TP_ELIMIT beyond). */
enum tp_status tp_store_response_insert(struct tp_store *store,
					const struct tp_response *r,
					bool *inserted, struct tp_error *err);

/* Bulk path for imports: queues one response (copied; the caller's strings
 * need not outlive the call) inside an open transaction, and writes queued
 * responses many rows per statement. The same checks as
 * tp_store_response_insert() apply at once (unknown touchpoint, attribute
 * limit). Queued rows are written by tp_store_response_flush(), by commit,
 * and before any read; rollback discards them. */
enum tp_status tp_store_response_add(struct tp_store *store, const struct tp_response *r,
				     struct tp_error *err);

/* Writes the queued responses. *inserted (if not NULL) receives how many of
 * the responses added since the previous flush were new; the others had a
 * response_id already stored (or repeated among them) and changed nothing. */
enum tp_status tp_store_response_flush(struct tp_store *store, int64_t *inserted,
				       struct tp_error *err);

/* True when the stored journey has a touchpoint with this id. */
bool tp_store_has_touchpoint(struct tp_store *store, const char *id);

/* Counts of stored data, for summaries. */
struct tp_store_counts {
	int64_t responses;
	int64_t by_type[3];  /* indexed by enum tp_respondent_type */
	int64_t unassigned;  /* responses with no touchpoint */
	int64_t with_comment;
	int64_t attributes;  /* distinct segment attribute names */
	int64_t first_at;    /* earliest submitted_at, 0 when no responses */
	int64_t last_at;
};
enum tp_status tp_store_counts(struct tp_store *store, struct tp_store_counts *out,
			       struct tp_error *err);

/* Number of responses per touchpoint id, for the stored journey's
 * touchpoints in journey order. counts[i] matches journey->touchpoints[i] of
 * the journey passed (as loaded from this store). */
enum tp_status tp_store_touchpoint_counts(struct tp_store *store,
					  const struct tp_journey *journey,
					  int64_t *counts, struct tp_error *err);

/* Calls fn for each stored response in submitted_at order (ties by id),
 * at most `limit` of them (0 = all), newest first when newest_first. The
 * response passed to fn is valid only during the call. fn returns 0 to go
 * on, non-zero to stop. */
typedef int (*tp_response_fn)(const struct tp_response *r, void *ctx);
enum tp_status tp_store_responses_each(struct tp_store *store, int64_t limit,
				       bool newest_first, tp_response_fn fn,
				       void *ctx, struct tp_error *err);

/* --- scanning, for in-memory views --- */

/* A stored response as integers: what a columnar view needs. */
struct tp_store_row {
	int64_t id;           /* row id: increases with every insert */
	int64_t submitted_at; /* UTC seconds */
	int touchpoint;       /* index into the journey given to tp_store_scan, -1 none */
	enum tp_respondent_type respondent_type;
	int nps, csat, ces, emotion; /* or TP_SCORE_NONE */
	bool has_comment;
	uint64_t respondent;  /* 64-bit hash of respondent_id; 0 when anonymous */
	size_t n_attrs;       /* tp_store_attribute_count() when the scan began */
	const int64_t *attrs; /* per attribute: its value's id, 0 when none */
};
typedef int (*tp_store_row_fn)(const struct tp_store_row *row, void *ctx);

/* Calls fn for every response with id > after_id, in id order. `journey`
 * must be the stored journey (as tp_store_journey_load gives it). fn
 * returns 0 to go on, non-zero to stop. */
enum tp_status tp_store_scan(struct tp_store *store, const struct tp_journey *journey,
			     int64_t after_id, tp_store_row_fn fn, void *ctx,
			     struct tp_error *err);

/* Segment attributes, in the order of tp_store_row.attrs. */
size_t tp_store_attribute_count(struct tp_store *store);
const char *tp_store_attribute_name(struct tp_store *store, size_t index);

/* Calls fn for each value of attribute `index` whose id is > after_id. */
typedef int (*tp_store_value_fn)(int64_t id, const char *value, void *ctx);
enum tp_status tp_store_attribute_values(struct tp_store *store, size_t index, int64_t after_id,
					 tp_store_value_fn fn, void *ctx, struct tp_error *err);

/* --- comments, for the touchpoint page --- */

enum tp_score_group {
	TP_GROUP_ANY = 0,
	TP_GROUP_PROMOTER,  /* nps 9-10 */
	TP_GROUP_PASSIVE,   /* nps 7-8 */
	TP_GROUP_DETRACTOR, /* nps 0-6 */
};

/* Which comments: customer responses of one touchpoint with a non-empty
 * comment, optionally of one NPS group and one language, newest first
 * (ties by id), `limit` of them after skipping `offset`. */
struct tp_comment_query {
	const char *touchpoint; /* touchpoint id */
	enum tp_score_group group;
	const char *lang; /* NULL or "" for any */
	int64_t offset, limit;
	/* textlearn: by the stored analysis (comment_analysis); 0 for any */
	int sentiment; /* 1 positive, 2 neutral, 3 negative */
	int emotion;   /* 1 + enum tp_emotion: comments where it is present (> 0) */
};

/* One comment as read; strings valid only during the callback. */
struct tp_comment {
	const char *response_id;
	int64_t submitted_at;
	int nps, csat, ces, emotion; /* or TP_SCORE_NONE */
	const char *comment;
	const char *lang; /* or NULL */
	bool analysed;    /* textlearn: has a comment_analysis row */
	int label;        /* -1, 0, 1 when analysed */
	double compound;
};
typedef int (*tp_comment_fn)(const struct tp_comment *c, void *ctx);

/* Calls fn for each comment q selects (fn returns non-zero to stop) and
 * sets *total (if not NULL) to how many match q without offset and limit.
 * An unknown touchpoint matches nothing. */
enum tp_status tp_store_comments(struct tp_store *store, const struct tp_comment_query *q,
				 tp_comment_fn fn, void *ctx, int64_t *total,
				 struct tp_error *err);

/* The distribution of one score column ("nps" 0-10, "csat" 1-5, "ces" 1-7,
 * "emotion" -3..3) over a touchpoint's customer responses: counts[i] is
 * the number of answers equal to low + i, where low is the scale's lowest
 * value; counts must hold 11. TP_EUSAGE for another column name. */
enum tp_status tp_store_score_histogram(struct tp_store *store, const char *touchpoint,
					const char *column, int64_t counts[11],
					struct tp_error *err);


/* --- survey links --- */

/* The questions a survey link asks, as a bit set. */
#define TP_SURVEY_NPS 0x01u
#define TP_SURVEY_CSAT 0x02u
#define TP_SURVEY_CES 0x04u
#define TP_SURVEY_EMOTION 0x08u
#define TP_SURVEY_COMMENT 0x10u
#define TP_SURVEY_ALL 0x1fu

/* A token: 128 random bits in base64url without padding (22 characters). */
#define TP_SURVEY_TOKEN_LEN 22
#define TP_SURVEY_INVITATION_MAX 256 /* bytes in an invitation name */

struct tp_survey_link {
	char token[TP_SURVEY_TOKEN_LEN + 1];
	char touchpoint[TP_RESPONSE_ID_MAX + 1]; /* the journey touchpoint id */
	char invitation[TP_SURVEY_INVITATION_MAX + 1]; /* "" for a shared link */
	unsigned questions;			       /* TP_SURVEY_* bits, not 0 */
	char lang[8];				       /* "es", "en" or "" */
	int64_t created_at;			       /* UTC seconds */
	int64_t used_at; /* when an invitation link was answered; 0 if not */
};

/* Stores a new link (link->token made by tp_survey_token_new()). The
 * touchpoint must be in the stored journey (TP_EINPUT otherwise); a token
 * already stored is TP_ECONFLICT. */
enum tp_status tp_store_survey_create(struct tp_store *store, const struct tp_survey_link *link,
				      struct tp_error *err);

/* Looks token up. TP_ENOTFOUND when no link has it. */
enum tp_status tp_store_survey_get(struct tp_store *store, const char *token,
				   struct tp_survey_link *out, struct tp_error *err);

/* Stores r, an answer through the link token (checked with
 * tp_response_check(), its touchpoint the link's), in one transaction that
 * also marks an invitation link used, and commits before returning: TP_OK
 * means the answer is durable. An r whose response_id is already stored
 * changes nothing (*inserted false, TP_OK), so a double submit is harmless.
 * An invitation link already used by another answer gives TP_ECONFLICT;
 * an unknown token TP_ENOTFOUND. Called inside a transaction, it is a
 * savepoint of it (undone alone on failure, committed with the rest). When
 * the store has a group commit writer attached (the server's), the answer
 * is queued to it and this returns once that writer has committed it. */
enum tp_status tp_store_survey_answer(struct tp_store *store, const char *token,
				      const struct tp_response *r, bool *inserted,
				      struct tp_error *err);

/* Calls fn for each link, oldest first, of touchpoint (or of every
 * touchpoint when NULL); fn returning non-zero stops early. */
typedef int (*tp_survey_fn)(const struct tp_survey_link *link, void *ctx);
enum tp_status tp_store_survey_list(struct tp_store *store, const char *touchpoint,
				    tp_survey_fn fn, void *ctx, struct tp_error *err);

/* --- survey helpers (model/survey.c) --- */

/* Writes a new unguessable token (libsodium randombytes_buf, 128 bits,
 * base64url without padding) and its NUL into out. TP_EIO when libsodium
 * cannot initialise. */
enum tp_status tp_survey_token_new(char out[TP_SURVEY_TOKEN_LEN + 1], struct tp_error *err);

/* True when s has the form of a token (22 base64url characters). */
bool tp_survey_token_valid(const char *s);

/* Parses "nps,csat,ces,emotion,comment" (any subset, any order, no
 * repeats needed) into TP_SURVEY_* bits. TP_EINPUT naming the bad word. */
enum tp_status tp_survey_questions_parse(const char *text, unsigned *out, struct tp_error *err);

/* Writes the bits as "nps,csat,..." into buf (64 bytes are enough). */
const char *tp_survey_questions_format(unsigned q, char *buf, size_t size);

/* --- text analytics (textlearn): comments, their analysis, models --- */

/* A stored response with a non-empty comment; strings valid only during
 * the callback. */
struct tp_text_row {
	int64_t id;             /* row id (comment_analysis.response_id) */
	const char *comment;
	size_t comment_len;
	const char *lang;       /* the response's language, or NULL */
	const char *touchpoint; /* touchpoint id, or NULL */
	enum tp_respondent_type respondent_type;
	int nps, csat;          /* or TP_SCORE_NONE */
};

/* Which comments: ids above after_id in id order, at most limit (0 = all). */
struct tp_text_query {
	int64_t after_id;
	int64_t limit;
	bool pending;           /* only responses not yet in comment_analysis */
	bool customers;         /* only customer responses */
	bool scored;            /* only responses with an NPS or CSAT answer */
	const char *touchpoint; /* NULL or "" for any */
};
typedef int (*tp_text_row_fn)(const struct tp_text_row *row, void *ctx);

/* Calls fn for each comment q selects; fn returns non-zero to stop. */
enum tp_status tp_store_text_rows(struct tp_store *store, const struct tp_text_query *q,
				  tp_text_row_fn fn, void *ctx, struct tp_error *err);

/* One comment's analysis (a row of comment_analysis). */
struct tp_comment_analysis {
	int64_t response_id;
	char lang[8];      /* "es" or "en" */
	char model[16];    /* "lexicon" or "learned" */
	double compound;   /* -1..1 */
	int label;         /* -1 negative, 0 neutral, 1 positive */
	double emotions[6]; /* joy, trust, surprise, anger, fear, sadness: 0..1 */
};

/* Stores rows[0..n); a response already analysed keeps its first analysis.
 * Call inside a transaction: all or nothing with it. */
enum tp_status tp_store_analysis_add(struct tp_store *store, const struct tp_comment_analysis *rows,
				     size_t n, struct tp_error *err);

/* *analysed: rows in comment_analysis; *pending: comments not yet in it. */
enum tp_status tp_store_analysis_counts(struct tp_store *store, int64_t *analysed,
					int64_t *pending, struct tp_error *err);

/* Calls fn for each stored analysis with response_id > after_id, in
 * response_id order; fn returns non-zero to stop. */
typedef int (*tp_analysis_fn)(const struct tp_comment_analysis *a, void *ctx);
enum tp_status tp_store_analysis_each(struct tp_store *store, int64_t after_id,
				      tp_analysis_fn fn, void *ctx, struct tp_error *err);

/* A learned sentiment model's record (a row of text_model). */
struct tp_text_model_info {
	char lang[8];
	int64_t trained_at; /* UTC seconds */
	int64_t n;          /* labelled examples it was trained on */
	uint64_t seed;
	double cv_accuracy, lexicon_accuracy;
};

/* Over a touchpoint's analysed customer comments: *analysed of them, and
 * with_emotion[e] of them where emotion e (joy, trust, surprise, anger,
 * fear, sadness) is present (> 0). */
enum tp_status tp_store_emotion_counts(struct tp_store *store, const char *touchpoint,
				       int64_t *analysed, int64_t with_emotion[6],
				       struct tp_error *err);

/* Stores (or replaces) the model of info->lang. */
enum tp_status tp_store_text_model_put(struct tp_store *store,
				       const struct tp_text_model_info *info, const void *blob,
				       size_t len, struct tp_error *err);

/* Reads the model of lang into *info and, when blob is not NULL, a copy of
 * its bytes the caller frees with free() into *blob / *len. TP_ENOTFOUND
 * when no model was trained for lang. */
enum tp_status tp_store_text_model_get(struct tp_store *store, const char *lang,
				       struct tp_text_model_info *info, void **blob,
				       size_t *len, struct tp_error *err);

/* --- business outcomes and benchmarks (outcomes) --- */

/* One business outcome of one respondent (a row of outcome): strings are
 * the caller's (or, in a callback, valid only during the call). */
struct tp_outcome_row {
	const char *respondent_key; /* the respondents' respondent_id */
	const char *name;           /* "revenue", "churned", ... */
	double value;               /* finite */
};

/* Stores rows[0..n) in one transaction (a savepoint inside an open one):
 * a respondent's value for a name already stored is replaced. On error
 * nothing is stored. */
enum tp_status tp_store_outcome_put(struct tp_store *store, const struct tp_outcome_row *rows,
				    size_t n, struct tp_error *err);

/* Calls fn for each stored outcome of `name` (every name when NULL), by
 * name then respondent; fn returns non-zero to stop. */
typedef int (*tp_outcome_fn)(const struct tp_outcome_row *row, void *ctx);
enum tp_status tp_store_outcome_each(struct tp_store *store, const char *name, tp_outcome_fn fn,
				     void *ctx, struct tp_error *err);

/* Calls fn for each outcome name with its number of respondents, by name. */
typedef int (*tp_outcome_name_fn)(const char *name, int64_t respondents, void *ctx);
enum tp_status tp_store_outcome_names(struct tp_store *store, tp_outcome_name_fn fn, void *ctx,
				      struct tp_error *err);

struct tp_outcome_counts {
	int64_t values;           /* stored (respondent, name) values */
	int64_t respondents;      /* distinct respondents with an outcome */
	int64_t names;            /* distinct outcome names */
	int64_t without_response; /* respondents with an outcome and no response */
};
enum tp_status tp_store_outcome_counts(struct tp_store *store, struct tp_outcome_counts *out,
				       struct tp_error *err);

/* How many of keys[0..n) (distinct respondent ids) have no stored
 * response, into *out. */
enum tp_status tp_store_respondents_unanswered(struct tp_store *store, const char *const *keys,
					       size_t n, int64_t *out, struct tp_error *err);

/* One published indicator of a company (a row of benchmark). */
struct tp_benchmark_row {
	const char *sector, *company;
	const char *metric; /* "nps", "csat", "ces", or "<metric>_sd" */
	const char *period; /* "2026", "2026-Q1" or "2026-01" */
	double value;
	int64_t n;          /* >= 0 */
};

/* Stores rows[0..n) in one transaction; a row whose (sector, company,
 * metric, period) is stored replaces it. On error nothing is stored. */
enum tp_status tp_store_benchmark_put(struct tp_store *store, const struct tp_benchmark_row *rows,
				      size_t n, struct tp_error *err);

/* Calls fn for each stored row of metric and period (any when NULL), by
 * metric, period, sector, company; fn returns non-zero to stop. */
typedef int (*tp_benchmark_fn)(const struct tp_benchmark_row *row, void *ctx);
enum tp_status tp_store_benchmark_each(struct tp_store *store, const char *metric,
				       const char *period, tp_benchmark_fn fn, void *ctx,
				       struct tp_error *err);

/* The meta value of key ("company.name", "company.sector") into buf
 * (truncated to size - 1 bytes); TP_ENOTFOUND when it is not set. */
enum tp_status tp_store_meta_get(struct tp_store *store, const char *key, char *buf, size_t size,
				 struct tp_error *err);
/* Sets (or replaces) the meta value of key. */
enum tp_status tp_store_meta_set(struct tp_store *store, const char *key, const char *value,
				 struct tp_error *err);

#endif
