/* query/outcome_values.h - an outcome's values keyed like the dataset's
 * respondent column (internal to src/query/).
 *
 * The dataset keeps a 32-bit fold of the store's 64-bit FNV-1a hash of
 * respondent_id (store/sqlite_scan.c, query/dataset.c); the values are
 * keyed the same way. Two stored respondents whose folds collide cannot be
 * told apart: both are left out (counted in `ambiguous`). */
#ifndef TP_QUERY_OUTCOME_VALUES_H
#define TP_QUERY_OUTCOME_VALUES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "touchpoint/outcomes.h"

struct ov_entry {
	uint32_t who;
	double value;
};

struct tp_outcome_values {
	struct ov_entry *entries; /* sorted by who, unique */
	size_t n;
	size_t ambiguous;
	bool binary;
};

/* The dataset's respondent code of a respondent_id (0 for none). */
uint32_t ov_respondent_code(const char *respondent_id);

/* The value of respondent code who: true and *out when known. */
bool ov_lookup(const struct tp_outcome_values *v, uint32_t who, double *out);

#endif
