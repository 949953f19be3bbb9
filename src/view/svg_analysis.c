/* view/svg_analysis.c - scatter and grouped-bar charts for the analysis
 * pages (contract in view/svg_analysis.h). */
#include <math.h>
#include <stdio.h>

#include "view/svg_analysis.h"

#define SW 640.0
#define SH 420.0
#define L 64.0
#define R 16.0
#define T 16.0
#define B 48.0

static void span_of(const struct tp_svg_xy *p, size_t n, bool want_x, double *lo, double *hi)
{
	*lo = INFINITY;
	*hi = -INFINITY;
	for (size_t i = 0; i < n; i++) {
		double v = want_x ? p[i].x : p[i].y;
		if (!isfinite(v))
			continue;
		*lo = v < *lo ? v : *lo;
		*hi = v > *hi ? v : *hi;
	}
	if (!(*lo <= *hi)) {
		*lo = 0;
		*hi = 1;
	}
	double pad = (*hi - *lo) * 0.08;
	if (pad == 0)
		pad = fabs(*lo) > 0 ? fabs(*lo) * 0.1 : 1;
	*lo -= pad;
	*hi += pad;
}

void tp_svg_scatter(struct tp_buf *b, const struct tp_svg_xy *points, size_t n,
		    const char *x_title, const char *y_title, const char *const *quadrants,
		    enum tp_lang lang)
{
	double x0, x1, y0, y1;
	char num[32];
	span_of(points, n, true, &x0, &x1);
	span_of(points, n, false, &y0, &y1);
	double w = SW - L - R, h = SH - T - B;
#define PX(v) (L + w * ((v) - x0) / (x1 - x0))
#define PY(v) (SH - B - h * ((v) - y0) / (y1 - y0))
	tp_buf_printf(b,
		      "<svg class=\"chart scatter\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
		      "xmlns=\"http://www.w3.org/2000/svg\">\n",
		      SW, SH);
	tp_buf_printf(b, "<line class=\"axis\" x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\"/>\n",
		      L, SH - B, SW - R, SH - B);
	tp_buf_printf(b, "<line class=\"axis\" x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\"/>\n",
		      L, T, L, SH - B);
	for (int k = 0; k <= 2; k++) {
		double vx = x0 + (x1 - x0) * k / 2.0, vy = y0 + (y1 - y0) * k / 2.0;
		tp_buf_printf(b, "<text class=\"axis\" x=\"%.1f\" y=\"%.0f\">%s</text>\n", PX(vx),
			      SH - B + 16,
			      tp_fmt_number(num, sizeof num, vx, x1 - x0 < 10 ? 2 : 1, lang));
		tp_buf_printf(b, "<text class=\"ylabel\" x=\"%.0f\" y=\"%.1f\">%s</text>\n", L - 4,
			      PY(vy) + 4,
			      tp_fmt_number(num, sizeof num, vy, y1 - y0 < 10 ? 2 : 1, lang));
	}
	tp_buf_printf(b, "<text class=\"axis\" x=\"%.0f\" y=\"%.0f\">%s</text>\n", L + w / 2,
		      SH - 8, x_title);
	tp_buf_printf(b,
		      "<text class=\"axis\" x=\"14\" y=\"%.0f\" transform=\"rotate(-90 14 %.0f)\">"
		      "%s</text>\n",
		      T + h / 2, T + h / 2, y_title);
	if (quadrants && n > 0) {
		double mx = 0, my = 0;
		size_t m = 0;
		for (size_t i = 0; i < n; i++)
			if (isfinite(points[i].x) && isfinite(points[i].y)) {
				mx += points[i].x;
				my += points[i].y;
				m++;
			}
		mx = m ? mx / (double)m : 0;
		my = m ? my / (double)m : 0;
		tp_buf_printf(b,
			      "<line class=\"quadrant\" x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" "
			      "y2=\"%.0f\"/>\n<line class=\"quadrant\" x1=\"%.0f\" y1=\"%.1f\" "
			      "x2=\"%.0f\" y2=\"%.1f\"/>\n",
			      PX(mx), T, PX(mx), SH - B, L, PY(my), SW - R, PY(my));
		tp_buf_printf(b,
			      "<text class=\"qname\" x=\"%.0f\" y=\"%.0f\">%s</text>\n"
			      "<text class=\"qname end\" x=\"%.0f\" y=\"%.0f\">%s</text>\n"
			      "<text class=\"qname\" x=\"%.0f\" y=\"%.0f\">%s</text>\n"
			      "<text class=\"qname end\" x=\"%.0f\" y=\"%.0f\">%s</text>\n",
			      L + 6, T + 14, quadrants[0], SW - R - 6, T + 14, quadrants[1], L + 6,
			      SH - B - 8, quadrants[2], SW - R - 6, SH - B - 8, quadrants[3]);
	}
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(points[i].x) || !isfinite(points[i].y))
			continue;
		double cx = PX(points[i].x), cy = PY(points[i].y);
		tp_buf_printf(b, "<circle class=\"dot\" cx=\"%.1f\" cy=\"%.1f\" r=\"4\"><title>", cx,
			      cy);
		tp_html_escape(b, points[i].label);
		/* Labels right of the middle end at their point, so they stay inside. */
		bool right = cx > L + w / 2;
		tp_buf_printf(b,
			      "</title></circle>\n<text class=\"plabel%s\" x=\"%.1f\" y=\"%.1f\">",
			      right ? " end" : "", right ? cx - 6 : cx + 6, cy - 6);
		tp_html_escape(b, points[i].label);
		tp_buf_puts(b, "</text>\n");
	}
	tp_buf_puts(b, "</svg>\n");
#undef PX
#undef PY
}

void tp_svg_grouped_bars(struct tp_buf *b, const char *const *labels, size_t n,
			 const double *values, const bool *has, size_t series,
			 const char *const *series_names, double xmin, double xmax,
			 enum tp_lang lang)
{
	char num[32];
	const double bar = 14, gap = 12, left = 160, right = 60, legend = 24;
	if (xmax <= xmin)
		xmax = xmin + 1;
	double row = bar * (double)series + gap;
	double height = legend + row * (double)n + 8;
	double span = SW - left - right;
	tp_buf_printf(b,
		      "<svg class=\"chart\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
		      "xmlns=\"http://www.w3.org/2000/svg\">\n",
		      SW, height);
	for (size_t s = 0; s < series; s++) {
		double x = left + 130.0 * (double)s;
		tp_buf_printf(b,
			      "<rect class=\"bar s%zu\" x=\"%.0f\" y=\"4\" width=\"12\" "
			      "height=\"12\"/><text class=\"legend\" x=\"%.0f\" y=\"14\">%s</text>\n",
			      s, x, x + 16, series_names[s]);
	}
	for (size_t i = 0; i < n; i++) {
		double y = legend + row * (double)i;
		tp_buf_printf(b, "<text class=\"blabel\" x=\"%.0f\" y=\"%.1f\">", left - 6,
			      y + row / 2);
		tp_html_escape(b, labels[i]);
		tp_buf_puts(b, "</text>\n");
		for (size_t s = 0; s < series; s++) {
			size_t k = i * series + s;
			if (!has[k] || !isfinite(values[k]))
				continue;
			double v = values[k] < xmin ? xmin : values[k] > xmax ? xmax : values[k];
			double w = span * (v - xmin) / (xmax - xmin);
			tp_buf_printf(b,
				      "<rect class=\"bar s%zu\" x=\"%.0f\" y=\"%.1f\" width=\"%.1f\" "
				      "height=\"%.0f\"><title>%s</title></rect>\n",
				      s, left, y + bar * (double)s, w, bar - 2, series_names[s]);
			tp_buf_printf(b, "<text class=\"count\" x=\"%.1f\" y=\"%.1f\">%s</text>\n",
				      left + w + 18, y + bar * (double)s + bar - 4,
				      tp_fmt_number(num, sizeof num, values[k], 2, lang));
		}
	}
	tp_buf_puts(b, "</svg>\n");
}
