/* bench/gen_responses.c - writes N synthetic responses as canonical CSV.
 *
 * Usage: gen_responses N [SEED] > file.csv
 * Rows use the sample journey's touchpoints and three segment attributes;
 * about one in eight has a short comment. Deterministic for a seed. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "util/rng.h"

static uint64_t state;

static uint64_t next(void)
{
	return tp_splitmix64(&state);
}

static const char *const touchpoints[] = {
	"redes-anuncio",  "web-tarifas",   "tienda-asesoria", "web-compra",
	"tienda-compra",  "call-venta",    "email-bienvenida", "app-activacion",
	"app-consumo",    "call-soporte",  "app-chat",         "tienda-reparacion",
	"redes-queja",    "email-factura", "app-renovacion",   "call-retencion",
};
static const char *const regions[] = {"Norte", "Sur", "Centro", "Este", "Oeste"};
static const char *const comments[] = {"Muy rápido", "Tardaron mucho", "\"Todo bien, gracias\"",
				       "Great service", "No me resolvieron nada"};

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: gen_responses N [SEED]\n");
		return 2;
	}
	long long n = atoll(argv[1]);
	state = argc > 2 ? strtoull(argv[2], NULL, 10) : 1;
	static char buf[1 << 20];
	setvbuf(stdout, buf, _IOFBF, sizeof buf);
	puts("response_id,submitted_at,respondent_id,touchpoint,nps,csat,comment,region,plan");
	const int64_t start = 1735689600; /* 2025-01-01 */
	for (long long i = 1; i <= n; i++) {
		uint64_t r = next();
		int64_t t = start + (int64_t)(r % (546ULL * 86400));
		int64_t days = t / 86400, secs = t % 86400;
		/* civil_from_days (2025-2026 only needs the simple month walk) */
		int y = 2025;
		static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
		int64_t d = days - 20089; /* days since 2025-01-01 */
		if (d >= 365) {
			y = 2026;
			d -= 365;
		}
		int m = 0;
		while (d >= mdays[m])
			d -= mdays[m++];
		uint64_t s = next();
		printf("r%09lld,%04d-%02d-%02dT%02d:%02d:%02dZ,c%07" PRIu64 ",%s,%d,%d,%s,%s,%s\n", i,
		       y, m + 1, (int)d + 1, (int)(secs / 3600), (int)(secs / 60 % 60),
		       (int)(secs % 60), s % 3000000, touchpoints[(s >> 24) % 16], (int)((s >> 8) % 11),
		       (int)((s >> 12) % 5) + 1, (s >> 40) % 8 == 0 ? comments[(s >> 44) % 5] : "",
		       regions[(s >> 32) % 5], (s >> 36) % 3 == 0 ? "prepago" : "contrato");
	}
	return 0;
}
