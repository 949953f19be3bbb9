/* query/filter.c - --where filters over a dataset (see query/filter.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "query/filter.h"

const struct ds_attr *ds_attr_find(const struct tp_dataset *ds, const char *name)
{
	for (size_t i = 0; i < ds->n_attrs; i++)
		if (strcmp(ds->attrs[i].name, name) == 0)
			return &ds->attrs[i];
	return NULL;
}

enum tp_status ds_attr_unknown(const struct tp_dataset *ds, const char *prefix, const char *name,
			       struct tp_error *err)
{
	char known[400] = "";
	size_t used = 0;
	for (size_t i = 0; i < ds->n_attrs && used < sizeof known - 2; i++) {
		int w = snprintf(known + used, sizeof known - used, "%s%s", i ? ", " : "",
				 ds->attrs[i].name);
		used += w > 0 ? (size_t)w : 0;
	}
	return tp_error_set(err, TP_EINPUT, "%s%sno segment attribute \"%s\" (known: %s)",
			    prefix ? prefix : "", prefix ? ": " : "", name,
			    ds->n_attrs ? known : "none");
}

/* Index of a journey item by id, or -1. */
static int journey_index(const struct tp_journey *j, enum tp_dimension dim, const char *id)
{
	if (dim == TP_BY_TOUCHPOINT) {
		const struct tp_touchpoint *t = tp_journey_touchpoint(j, id);
		return t ? (int)(t - j->touchpoints) : -1;
	}
	if (dim == TP_BY_PHASE) {
		const struct tp_phase *ph = tp_journey_phase(j, id);
		return ph ? (int)(ph - j->phases) : -1;
	}
	const struct tp_channel *c = tp_journey_channel(j, id);
	return c ? (int)(c - j->channels) : -1;
}

/* The filter for where-name `name`, made on first use. */
static struct ds_filter *filter_for(const struct tp_dataset *ds, struct ds_filters *fs,
				    const char *name, const struct ds_attr **attr,
				    struct tp_error *err)
{
	enum tp_dimension dim = TP_BY_ATTR;
	if (strcmp(name, "touchpoint") == 0)
		dim = TP_BY_TOUCHPOINT;
	else if (strcmp(name, "phase") == 0)
		dim = TP_BY_PHASE;
	else if (strcmp(name, "channel") == 0)
		dim = TP_BY_CHANNEL;
	*attr = NULL;
	if (dim == TP_BY_ATTR) {
		*attr = ds_attr_find(ds, name);
		if (!*attr) {
			ds_attr_unknown(ds, "--where", name, err);
			return NULL;
		}
	}
	for (size_t i = 0; i < fs->n; i++) {
		struct ds_filter *f = &fs->filters[i];
		if (f->dim == dim && (dim != TP_BY_ATTR || f->codes == (*attr)->codes))
			return f;
	}
	const struct tp_journey *j = ds->journey;
	struct ds_filter *f = &fs->filters[fs->n];
	f->dim = dim;
	f->codes = *attr ? (*attr)->codes : NULL;
	f->n = dim == TP_BY_TOUCHPOINT ? j->n_touchpoints
	       : dim == TP_BY_PHASE    ? j->n_phases
	       : dim == TP_BY_CHANNEL  ? j->n_channels
				       : (*attr)->n_values;
	f->allowed = calloc(f->n + 1, 1);
	if (!f->allowed) {
		tp_error_set(err, TP_ENOMEM, "out of memory");
		return NULL;
	}
	fs->n++;
	return f;
}

static enum tp_status add_where(const struct tp_dataset *ds, struct ds_filters *fs,
				const struct tp_where *w, struct tp_error *err)
{
	const struct ds_attr *a;
	struct ds_filter *f = filter_for(ds, fs, w->name, &a, err);
	if (!f)
		return err ? err->status : TP_EINPUT;
	if (f->dim != TP_BY_ATTR) {
		int idx = journey_index(ds->journey, f->dim, w->value);
		if (idx < 0)
			return tp_error_set(err, TP_EINPUT,
					    "--where %s=%s: no %s \"%s\" in the journey", w->name,
					    w->value, w->name, w->value);
		f->allowed[idx] = 1;
		return TP_OK;
	}
	for (size_t c = 0; c < a->n_values; c++)
		if (strcmp(a->values[c], w->value) == 0)
			f->allowed[c] = 1;
	return TP_OK;
}

enum tp_status ds_filters_make(const struct tp_dataset *ds, const struct tp_where *where,
			       size_t n, struct ds_filters *out, struct tp_error *err)
{
	memset(out, 0, sizeof *out);
	if (n > TP_QUERY_WHERE_MAX)
		return tp_error_set(err, TP_EINPUT, "at most %d --where", TP_QUERY_WHERE_MAX);
	for (size_t i = 0; i < n; i++) {
		enum tp_status st = add_where(ds, out, &where[i], err);
		if (st != TP_OK) {
			ds_filters_free(out);
			return st;
		}
	}
	return TP_OK;
}

void ds_filters_free(struct ds_filters *fs)
{
	for (size_t i = 0; i < fs->n; i++)
		free(fs->filters[i].allowed);
	fs->n = 0;
}
