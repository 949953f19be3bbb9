/* fuzz/fuzz_text_model.c - libFuzzer target for tp_text_model_load
 * (text/learn.c): the serialised model is read from the database, so any
 * bytes must be refused with TP_EINPUT or give a model whose predictions
 * are probabilities; never a crash, a leak or an out-of-bounds read. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "touchpoint/text_learn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tp_text_model *m = NULL;
	struct tp_error err;
	if (tp_text_model_load(data, size, &m, &err) != TP_OK) {
		if (m)
			abort();
		return 0;
	}
	double p[3];
	if (tp_text_model_predict(m, "muy bueno pero caro", 19, p, &err) == TP_OK) {
		double total = p[0] + p[1] + p[2];
		/* Weights read from the blob may be huge or NaN: only check the shape. */
		if (isfinite(total) && (p[0] < 0 || p[1] < 0 || p[2] < 0 || fabs(total - 1) > 1e-9))
			abort();
	}
	tp_text_model_free(m);
	return 0;
}
