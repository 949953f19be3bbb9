/* view/svg_analysis.h - the charts of the analysis pages (/drivers, /gap,
 * /linkage), drawn as inline SVG like view/svg.c: no style attributes,
 * colours from classes in touchpoint.css, every label escaped. Pure. */
#ifndef TP_VIEW_SVG_ANALYSIS_H
#define TP_VIEW_SVG_ANALYSIS_H

#include <stdbool.h>
#include <stddef.h>

#include "view/view.h"

struct tp_svg_xy {
	const char *label; /* user text: escaped */
	double x, y;
};

/* A scatter of labelled points. The axes span the data (with a margin);
 * x_title and y_title are constants. With quadrants (4 constant names:
 * high y low x, high y high x, low y low x, low y high x), dashed lines
 * cross at the means of x and y and each quadrant is named in its
 * corner. */
void tp_svg_scatter(struct tp_buf *b, const struct tp_svg_xy *points, size_t n,
		    const char *x_title, const char *y_title, const char *const *quadrants,
		    enum tp_lang lang);

/* Side-by-side horizontal bars: for each of n rows (labels[i], escaped),
 * one bar per series (values[i * series + s], drawn when has[...] is
 * true), on [xmin, xmax]; series_names (constants) make the legend. Bars
 * get the classes s0, s1, s2... */
void tp_svg_grouped_bars(struct tp_buf *b, const char *const *labels, size_t n,
			 const double *values, const bool *has, size_t series,
			 const char *const *series_names, double xmin, double xmax,
			 enum tp_lang lang);

#endif
