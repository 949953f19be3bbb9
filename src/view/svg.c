/* view/svg.c - the charts of the pages, drawn as inline SVG.
 *
 * No style attributes or scripts (the Content-Security-Policy forbids
 * them): colours come from classes in touchpoint.css. Labels that may come
 * from users (segment values) go through tp_html_escape(). Pure. */
#include <stdio.h>

#include "view/view.h"

#define W 640.0
#define H 220.0
#define PAD_L 48.0
#define PAD_R 12.0
#define PAD_T 12.0
#define PAD_B 36.0

static double clampd(double v, double lo, double hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

void tp_svg_histogram(struct tp_buf *b, const int64_t *counts, size_t n, int low)
{
	int64_t max = 1;
	for (size_t i = 0; i < n; i++)
		if (counts[i] > max)
			max = counts[i];
	tp_buf_printf(b,
		      "<svg class=\"chart\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
		      "xmlns=\"http://www.w3.org/2000/svg\">\n",
		      W, H);
	double slot = (W - PAD_L - PAD_R) / (double)(n ? n : 1);
	double base = H - PAD_B;
	for (size_t i = 0; i < n; i++) {
		double h = (base - PAD_T) * (double)counts[i] / (double)max;
		double x = PAD_L + slot * (double)i;
		tp_buf_printf(b,
			      "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
			      "height=\"%.1f\"><title>%d: %lld</title></rect>\n",
			      x + 2, base - h, slot - 4, h, low + (int)i, (long long)counts[i]);
		tp_buf_printf(b, "<text class=\"axis\" x=\"%.1f\" y=\"%.1f\">%d</text>\n",
			      x + slot / 2, base + 16, low + (int)i);
		tp_buf_printf(b, "<text class=\"count\" x=\"%.1f\" y=\"%.1f\">%lld</text>\n",
			      x + slot / 2, base - h - 3, (long long)counts[i]);
	}
	tp_buf_printf(b, "<line class=\"axis\" x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\"/>\n",
		      PAD_L, base, W - PAD_R, base);
	tp_buf_puts(b, "</svg>\n");
}

static double y_of(double v, double ymin, double ymax)
{
	double t = (clampd(v, ymin, ymax) - ymin) / (ymax - ymin);
	return (H - PAD_B) - t * (H - PAD_B - PAD_T);
}

void tp_svg_line_band(struct tp_buf *b, const struct tp_svg_point *points, size_t n, double ymin,
		      double ymax, enum tp_lang lang)
{
	char num[32];
	if (ymax <= ymin)
		ymax = ymin + 1;
	tp_buf_printf(b,
		      "<svg class=\"chart\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
		      "xmlns=\"http://www.w3.org/2000/svg\">\n",
		      W, H);
	double step = n > 1 ? (W - PAD_L - PAD_R) / (double)(n - 1) : 0;
	/* Gridlines at the ends and the middle of the scale. */
	for (int k = 0; k <= 2; k++) {
		double v = ymin + (ymax - ymin) * k / 2.0;
		double y = y_of(v, ymin, ymax);
		tp_buf_printf(
		    b,
		    "<line class=\"grid\" x1=\"%.0f\" y1=\"%.1f\" x2=\"%.0f\" "
		    "y2=\"%.1f\"/><text class=\"ylabel\" x=\"%.0f\" y=\"%.1f\">%s</text>\n",
		    PAD_L, y, W - PAD_R, y, PAD_L - 4, y + 4,
		    tp_fmt_number(num, sizeof num, v, 0, lang));
	}
	/* The band: upper edge left to right, lower edge back. */
	tp_buf_puts(b, "<polygon class=\"band\" points=\"");
	for (size_t i = 0; i < n; i++)
		if (points[i].has_ci)
			tp_buf_printf(b, "%.1f,%.1f ", PAD_L + step * (double)i,
				      y_of(points[i].hi, ymin, ymax));
	for (size_t i = n; i-- > 0;)
		if (points[i].has_ci)
			tp_buf_printf(b, "%.1f,%.1f ", PAD_L + step * (double)i,
				      y_of(points[i].lo, ymin, ymax));
	tp_buf_puts(b, "\"/>\n<polyline class=\"line\" points=\"");
	for (size_t i = 0; i < n; i++)
		if (points[i].has_value)
			tp_buf_printf(b, "%.1f,%.1f ", PAD_L + step * (double)i,
				      y_of(points[i].value, ymin, ymax));
	tp_buf_puts(b, "\"/>\n");
	for (size_t i = 0; i < n; i++) {
		double x = PAD_L + step * (double)i;
		if (points[i].has_value) {
			tp_buf_printf(
			    b, "<circle class=\"dot\" cx=\"%.1f\" cy=\"%.1f\" r=\"3\"><title>", x,
			    y_of(points[i].value, ymin, ymax));
			tp_html_escape(b, points[i].label);
			tp_buf_printf(b, ": %s</title></circle>\n",
				      tp_fmt_number(num, sizeof num, points[i].value, 1, lang));
		}
		/* Every third label keeps 18 months readable. */
		if (i % 3 == 0 || i + 1 == n) {
			tp_buf_printf(b, "<text class=\"axis\" x=\"%.1f\" y=\"%.0f\">", x, H - 12);
			tp_html_escape(b, points[i].label);
			tp_buf_puts(b, "</text>\n");
		}
	}
	tp_buf_puts(b, "</svg>\n");
}

void tp_svg_bars(struct tp_buf *b, const struct tp_svg_point *points, size_t n, double xmin,
		 double xmax, enum tp_lang lang)
{
	char num[32];
	const double row = 26, left = 160, right = 70;
	if (xmax <= xmin)
		xmax = xmin + 1;
	double h = row * (double)n + 8;
	tp_buf_printf(b,
		      "<svg class=\"chart\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
		      "xmlns=\"http://www.w3.org/2000/svg\">\n",
		      W, h);
	double span = W - left - right;
	double zero = left + span * (clampd(0, xmin, xmax) - xmin) / (xmax - xmin);
	for (size_t i = 0; i < n; i++) {
		const struct tp_svg_point *p = &points[i];
		double y = 4 + row * (double)i;
		tp_buf_printf(b, "<text class=\"blabel\" x=\"%.0f\" y=\"%.1f\">", left - 6,
			      y + row / 2 + 4);
		tp_html_escape(b, p->label);
		tp_buf_puts(b, "</text>\n");
		if (!p->has_value)
			continue;
		double x = left + span * (clampd(p->value, xmin, xmax) - xmin) / (xmax - xmin);
		double x0 = x < zero ? x : zero, w = x < zero ? zero - x : x - zero;
		tp_buf_printf(b,
			      "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
			      "height=\"%.1f\"/>\n",
			      x0, y + 4, w, row - 8);
		if (p->has_ci) {
			double lo =
			    left + span * (clampd(p->lo, xmin, xmax) - xmin) / (xmax - xmin);
			double hi =
			    left + span * (clampd(p->hi, xmin, xmax) - xmin) / (xmax - xmin);
			tp_buf_printf(b,
				      "<line class=\"whisker\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
				      "y2=\"%.1f\"/>\n",
				      lo, y + row / 2, hi, y + row / 2);
		}
		tp_buf_printf(b, "<text class=\"count\" x=\"%.0f\" y=\"%.1f\">%s</text>\n",
			      W - right / 2, y + row / 2 + 4,
			      tp_fmt_number(num, sizeof num, p->value, 1, lang));
	}
	tp_buf_puts(b, "</svg>\n");
}
