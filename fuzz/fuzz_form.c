/* fuzz/fuzz_form.c - libFuzzer target for web/form.c: any bytes as a
 * form body must parse or be refused within the limits, never crash, leak
 * or read out of bounds; every field found is NUL-terminated and within
 * the field limit. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "web/form.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct web_form f;
	enum web_form_status st = web_form_parse((const char *)data, size, 16, 64, &f);
	if (st == WEB_FORM_OK) {
		if (f.n > 16)
			abort();
		for (size_t i = 0; i < f.n; i++)
			if (strlen(f.fields[i].name) > 64 || strlen(f.fields[i].value) > 64)
				abort();
		(void)web_form_get(&f, "nps");
	}
	web_form_free(&f);
	return 0;
}
