/* examples/library.c - using libtouchpoint from C.
 *
 * Opens (or creates) a database, loads the sample journey and one response,
 * and prints what the store holds. Build against an installed touchpoint:
 *   cc library.c $(pkg-config --cflags --libs touchpoint) -o library */
#include <stdio.h>
#include <string.h>

#include <touchpoint/journey.h>
#include <touchpoint/store.h>

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "example.db";
	struct tp_error err;
	struct tp_store *store = NULL;
	struct tp_journey *journey = NULL;
	int rc = 1;
	size_t len;
	const char *json = tp_journey_sample_json(&len);
	if (tp_store_open(path, TP_STORE_CREATE, &store, &err) != TP_OK ||
	    tp_journey_from_json(json, len, &journey, &err) != TP_OK ||
	    tp_store_journey_replace(store, journey, false, NULL, &err) != TP_OK)
		goto out;
	struct tp_response r;
	tp_response_init(&r);
	r.response_id = "example-1";
	r.submitted_at = 1767225600; /* 2026-01-01T00:00:00Z */
	r.touchpoint = "web-compra";
	r.nps = 9;
	r.comment = "Rápido y sin complicaciones";
	bool inserted;
	if (tp_store_response_insert(store, &r, &inserted, &err) != TP_OK)
		goto out;
	struct tp_store_counts counts;
	if (tp_store_counts(store, &counts, &err) != TP_OK)
		goto out;
	printf("%s: %zu touchpoints, %lld responses (%s)\n", path, journey->n_touchpoints,
	       (long long)counts.responses, inserted ? "added one" : "already there");
	rc = 0;
out:
	if (rc)
		fprintf(stderr, "example: %s\n", err.message);
	tp_journey_free(journey);
	tp_store_close(store);
	return rc;
}
