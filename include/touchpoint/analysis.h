/* touchpoint/analysis.h - the analyses that set customers' answers beside
 * those of employees and leaders (docs/analysis.md has the method):
 *
 *   perception gap  the importance customers give to attributes, stated
 *                   (their importance ratings) and derived (Shapley shares
 *                   of an outcome, touchpoint/drivers.h), against what
 *                   employees and leaders state (seed 003, "the ignorant
 *                   ninja");
 *   estimates       employees' and leaders' estimate of the score customers
 *                   give each touchpoint, against the measured score;
 *   linkage         eNPS and engagement per team against the customer
 *                   indicator of what the team owns (seed 002 #3);
 *   flags           touchpoints that satisfy without emotion, or the
 *                   reverse (seed 002 #1).
 *
 * Data conventions (all through the normal importer):
 *   stated importance  attribute "imp_NAME", a number (1-5 ratings), on any
 *                      respondent type's responses; or attribute
 *                      "rank_NAME", the position the respondent gives NAME
 *                      (a whole number, 1 = most important);
 *   performance        attribute "NAME", a customer's rating of the
 *                      attribute, the driver of the derived importance;
 *   estimate           attribute "estimate_nps" / "estimate_csat" /
 *                      "estimate_ces" on an employee's or leader's response
 *                      with a touchpoint, on the indicator's scale (NPS
 *                      -100..100, CSAT 0..100 %, CES 1..7);
 *   team               employees' attribute (default "team") matching
 *                      touchpoint.owner; engagement a numeric attribute
 *                      (default "engagement").
 * Everything reads the in-memory dataset (touchpoint/query.h); the period
 * and --where filters of a struct tp_query apply to every respondent type.
 * No output is NaN: what cannot be computed says so with has_* flags. */
#ifndef TOUCHPOINT_ANALYSIS_H
#define TOUCHPOINT_ANALYSIS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "touchpoint/error.h"
#include "touchpoint/query.h"
#include "touchpoint/stats.h"

#define TP_IMPORTANCE_PREFIX "imp_"
#define TP_RANK_PREFIX "rank_"
#define TP_ESTIMATE_PREFIX "estimate_"
#define TP_LINKAGE_MIN_TEAMS 5 /* fewer paired teams: no correlation */
#define TP_FLAGS_MIN_N 30      /* answers of each kind before a touchpoint is judged */

/* --- tests shared by the analyses --- */

/* Welch's t test of mean(b) - mean(a) with Welch-Satterthwaite df. */
struct tp_welch {
	bool has_test; /* false with fewer than 2 answers on a side, or both constant */
	double diff, t, df, p_value, lo, hi;
};
struct tp_welch tp_welch_test(const struct tp_moments *a, const struct tp_moments *b,
			      double level);

/* Mann-Whitney U test of b against a: normal approximation with the tie
 * correction of the variance and a continuity correction of 0.5, two-sided
 * (as scipy.stats.mannwhitneyu(b, a, method="asymptotic")). u_b counts the
 * pairs (a_i, b_j) with b_j > a_i, ties a half; superiority = u_b / (na nb),
 * the probability that a random b exceeds a random a (ties a half). z
 * carries the sign of u_b - na nb / 2. has_test is false with an empty side
 * or when every value is the same. Fails only for memory (returns false). */
struct tp_mann_whitney {
	bool has_test;
	double u_b, superiority, z, p_value;
};
bool tp_mann_whitney_test(const double *a, size_t na, const double *b, size_t nb,
			  struct tp_mann_whitney *out);

/* Pearson's r with the Fisher z interval tanh(atanh r -+ z / sqrt(n - 3))
 * and the two-sided p of r = 0 from t = r sqrt((n - 2) / (1 - r^2)) on n - 2
 * df; Spearman's rho (Pearson's r of average ranks) with the same t
 * approximation. has_value is false below 3 pairs or with a constant side;
 * has_ci false below 4 pairs. */
struct tp_correlation {
	bool has_value, has_ci;
	size_t n;
	double r, lo, hi, p_value;
	double rho, rho_p;
};
struct tp_correlation tp_correlation_of(const double *x, const double *y, size_t n,
					double level);

/* --- perception gap --- */

enum tp_gap_group { TP_GAP_CUSTOMERS, TP_GAP_EMPLOYEES, TP_GAP_LEADERS, TP_GAP_GROUPS };

/* "customers", "employees", "leaders". */
const char *tp_gap_group_name(enum tp_gap_group g);

/* How the importance was stated: ratings (imp_NAME) or ranks (rank_NAME). */
enum tp_gap_stated { TP_STATED_AUTO, TP_STATED_RATING, TP_STATED_RANK };

/* "auto", "rating", "rank". */
const char *tp_gap_stated_name(enum tp_gap_stated s);

struct tp_gap_spec {
	size_t n_attrs;
	const char *const *attrs; /* base names: "rapidez" reads imp_rapidez (or
				     rank_rapidez) and rapidez */
	enum tp_gap_stated stated; /* AUTO: ratings when every imp_NAME exists,
				      else ranks when every rank_NAME does */
	bool derived;             /* compute the derived importance */
	enum tp_metric outcome;   /* its outcome: NPS (default), CSAT or CES */
	const char *outcome_attr; /* or an attribute read as a number */
	const struct tp_query *filter; /* period and --where; NULL for none */
	double level;
};

struct tp_gap_attr {
	char *name;
	/* Ratings: of imp_NAME. Ranks: of the respondent's rank of NAME among
	 * the attributes asked (1 = most important; ties and unranked
	 * attributes get average positions, docs/analysis.md). */
	struct tp_moments stated[TP_GAP_GROUPS];
	struct tp_estimate stated_mean[TP_GAP_GROUPS]; /* mean with its t interval */
	struct tp_estimate first[TP_GAP_GROUPS]; /* ranks: % ranking it first
						    (alone or tied), Wilson */
	struct tp_mann_whitney mwu[TP_GAP_GROUPS]; /* ranks: [EMPLOYEES], [LEADERS]
						      against customers */
	double stated_rank[TP_GAP_GROUPS]; /* 1 = most important; average ranks on ties;
					      0 when the group did not rate it */
	struct tp_welch vs_customers[TP_GAP_GROUPS]; /* [EMPLOYEES], [LEADERS]: group - customers */
	bool has_derived;
	double derived_share; /* % of the outcome's R^2 (Shapley; relative weights
				 beyond 16 attributes) */
	double derived_rank;
};

/* One gap, for the ranking by size. */
struct tp_gap_item {
	size_t attr;
	enum tp_gap_group group; /* employees or leaders */
	struct tp_welch test;    /* ratings: the test; ranks: only test.diff (the
				    difference of mean ranks) */
	struct tp_mann_whitney mwu; /* ranks: the test */
};

/* Rank agreement across the attributes (Spearman) of a group's stated
 * means with customers' stated means and with the derived shares. */
struct tp_gap_agreement {
	enum tp_gap_group group;
	const char *against; /* "customers stated" or "customers derived" */
	struct tp_correlation c;
};

struct tp_gap_result {
	enum tp_gap_stated stated; /* RATING or RANK: what was read */
	size_t n_attrs;
	struct tp_gap_attr *attrs;
	bool has_group[TP_GAP_GROUPS]; /* anyone of that type rated an attribute */
	bool has_derived;
	size_t derived_n;
	double derived_r2;
	char derived_message[256]; /* why there is no derived importance, or "" */
	size_t n_gaps;
	struct tp_gap_item *gaps;  /* largest |gap| first (of mean ratings or mean ranks) */
	size_t n_agreements;
	struct tp_gap_agreement agreements[5];
};

/* Errors (TP_EINPUT): no attribute; an unknown imp_NAME (rank_NAME); an
 * imp_NAME with no numeric value; a rank_NAME value that is a number but not
 * a whole number from 1; no customer rated (ranked) any attribute. A missing performance
 * attribute or a failing fit only leaves out the derived importance (with
 * derived_message). The caller frees *out with tp_gap_free(). */
enum tp_status tp_gap_run(const struct tp_dataset *ds, const struct tp_gap_spec *spec,
			  struct tp_gap_result **out, struct tp_error *err);
void tp_gap_free(struct tp_gap_result *r);

/* --- estimates --- */

struct tp_estimate_row {
	size_t touchpoint;             /* journey index */
	struct tp_estimate measured;   /* customers' indicator with its interval */
	double measured_se;            /* its plain standard error */
	int64_t employees, leaders;    /* estimates given */
	struct tp_moments estimates;   /* employees' and leaders' together */
	bool has_test;
	double diff;                   /* estimate mean - measured */
	double z, p_value;
};

struct tp_estimates {
	enum tp_metric metric;
	size_t n_rows;
	struct tp_estimate_row *rows; /* touchpoints with an estimate, journey order */
};

/* metric: NPS, CSAT or CES (reads estimate_nps, estimate_csat, estimate_ces).
 * An absent estimate attribute gives no rows (not an error). Errors: another
 * metric, a bad filter. Free with tp_estimates_free(). */
enum tp_status tp_estimates_run(const struct tp_dataset *ds, enum tp_metric metric,
				const struct tp_query *filter, struct tp_estimates **out,
				struct tp_error *err);
void tp_estimates_free(struct tp_estimates *e);

/* --- linkage --- */

struct tp_linkage_spec {
	const char *team_attr;       /* employees' team attribute (default "team") */
	const char *by_attr;         /* NULL: teams own touchpoints (touchpoint.owner);
					else the attribute shared by employees and
					customers (e.g. "store") */
	const char *engagement_attr; /* default "engagement"; absent: no engagement */
	enum tp_metric metric;       /* customers' indicator: NPS, CSAT or CES */
	const struct tp_query *filter;
	int64_t anonymity;           /* eNPS groups under it are hidden (default 5) */
	double level;
};

struct tp_linkage_team {
	char *team;
	int64_t employees;     /* distinct employees (respondent_id) */
	bool hidden;           /* employees < anonymity: nothing of it is shown */
	struct tp_estimate enps;
	bool has_engagement;
	struct tp_estimate engagement;
	size_t touchpoints;    /* owned (owner linkage) */
	struct tp_estimate customer;
};

struct tp_linkage_result {
	size_t n_teams;
	struct tp_linkage_team *teams; /* alphabetical */
	size_t hidden;
	size_t paired;                 /* shown teams with both sides */
	bool has_engagement;
	struct tp_correlation enps_vs_customer, engagement_vs_customer;
	char message[256];             /* why there is no correlation, or "" */
};

/* Errors (TP_EINPUT): an unknown team or --by attribute, a metric other than
 * NPS/CSAT/CES, an engagement attribute given explicitly but unknown, no
 * employee response with a team. Free with tp_linkage_free(). */
enum tp_status tp_linkage_run(const struct tp_dataset *ds, const struct tp_linkage_spec *spec,
			      struct tp_linkage_result **out, struct tp_error *err);
void tp_linkage_free(struct tp_linkage_result *r);

/* --- experience is not satisfaction --- */

enum tp_flag {
	TP_FLAG_NONE,
	TP_FLAG_FLAT,         /* satisfied, emotion significantly below +1 */
	TP_FLAG_NEGATIVE,     /* satisfied, emotion significantly below 0 */
	TP_FLAG_UNSATISFIED,  /* emotion significantly above 0, CSAT significantly below 50 % */
	TP_FLAG_NEGATIVE_TEXT, /* satisfied, comments' sentiment significantly below 0 */
};

/* "", "satisfied without emotion", "satisfied but negative emotion",
 * "emotion without satisfaction", "satisfied but negative comments". */
const char *tp_flag_name(enum tp_flag f);

struct tp_flag_row {
	size_t touchpoint;
	struct tp_estimate csat, emotion; /* customers' CSAT (%) and mean emotion */
	struct tp_estimate sentiment;     /* mean compound (-1..1) of the analysed
					     comments, t interval; n = 0 when
					     none (or not loaded) */
	bool negative_text;  /* satisfied and sentiment's upper bound < 0 */
	enum tp_flag flag;   /* the emotion flag; NEGATIVE_TEXT when only the
				text sentiment flags it */
};

struct tp_flags {
	size_t n_rows;
	struct tp_flag_row *rows; /* every journey touchpoint, journey order */
};

/* The thresholds (docs/analysis.md): judged with at least TP_FLAGS_MIN_N
 * CSAT and emotion answers; satisfied when CSAT's lower bound is >= 65 %;
 * NEGATIVE when emotion's upper bound < 0, FLAT when < 1; UNSATISFIED when
 * CSAT's upper bound < 50 % and emotion's lower bound > 0. With the
 * comments' sentiment loaded (tp_dataset_load_sentiment) and at least
 * TP_FLAGS_MIN_N analysed comments: negative_text when satisfied and the
 * sentiment's upper bound < 0. */
enum tp_status tp_flags_run(const struct tp_dataset *ds, const struct tp_query *filter,
			    struct tp_flags **out, struct tp_error *err);
void tp_flags_free(struct tp_flags *f);

#endif
