/* view/qr.c - QR codes of survey links, as SVG and PNG.
 *
 * libqrencode computes the modules; the SVG is drawn here, the PNG (1-bit
 * greyscale) is encoded by libpng into memory. */
#include <png.h>
#include <qrencode.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include "view/view.h"

#define QUIET 4 /* modules of white border the standard asks for */

static QRcode *encode(const char *text)
{
	return QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
}

bool tp_qr_svg(struct tp_buf *b, const char *text)
{
	QRcode *qr = encode(text);
	if (!qr)
		return false;
	int w = qr->width, size = w + 2 * QUIET;
	tp_buf_printf(b,
		      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
		      "width=\"%d\" height=\"%d\" shape-rendering=\"crispEdges\" role=\"img\" "
		      "aria-label=\"QR code\">\n<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>\n"
		      "<path fill=\"#000\" d=\"",
		      size, size, size * 8, size * 8, size, size);
	for (int y = 0; y < w; y++)
		for (int x = 0; x < w; x++)
			if (qr->data[y * w + x] & 1)
				tp_buf_printf(b, "M%d %dh1v1h-1z", x + QUIET, y + QUIET);
	tp_buf_puts(b, "\"/>\n</svg>\n");
	QRcode_free(qr);
	return true;
}

/* libpng writes into this growing buffer instead of a FILE. */
struct png_out {
	unsigned char *data;
	size_t len, cap;
	bool failed;
};

static void png_write(png_structp png, png_bytep data, size_t n)
{
	struct png_out *o = png_get_io_ptr(png);
	if (o->failed)
		return;
	if (o->len + n > o->cap) {
		size_t cap = o->cap ? o->cap : 4096;
		while (cap < o->len + n)
			cap *= 2;
		unsigned char *grown = realloc(o->data, cap);
		if (!grown) {
			o->failed = true;
			return;
		}
		o->data = grown;
		o->cap = cap;
	}
	memcpy(o->data + o->len, data, n);
	o->len += n;
}

static void png_flush(png_structp png)
{
	(void)png;
}

/* Encodes the 1-bit rows; false when libpng failed (it longjmps here). */
static bool png_encode(const QRcode *qr, unsigned scale, unsigned char *row, struct png_out *o)
{
	png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	png_infop info = png ? png_create_info_struct(png) : NULL;
	if (!info) {
		png_destroy_write_struct(&png, NULL);
		return false;
	}
	if (setjmp(png_jmpbuf(png))) {
		png_destroy_write_struct(&png, &info);
		return false;
	}
	size_t w = (size_t)qr->width, side = (w + 2 * QUIET) * scale;
	png_set_write_fn(png, o, png_write, png_flush);
	png_set_IHDR(png, info, (png_uint_32)side, (png_uint_32)side, 1, PNG_COLOR_TYPE_GRAY,
		     PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	for (size_t y = 0; y < side; y++) {
		memset(row, 0xff, (side + 7) / 8); /* 1 = white */
		size_t my = y / scale;
		for (size_t x = 0; x < side; x++) {
			size_t mx = x / scale;
			bool dark = mx >= QUIET && my >= QUIET && mx < w + QUIET &&
				    my < w + QUIET &&
				    (qr->data[(my - QUIET) * w + (mx - QUIET)] & 1);
			if (dark)
				row[x / 8] &= (unsigned char)~(0x80u >> (x % 8));
		}
		png_write_row(png, row);
	}
	png_write_end(png, NULL);
	png_destroy_write_struct(&png, &info);
	return !o->failed;
}

unsigned char *tp_qr_png(const char *text, unsigned scale, size_t *len)
{
	if (scale == 0 || scale > 32)
		return NULL;
	QRcode *qr = encode(text);
	if (!qr)
		return NULL;
	size_t side = ((size_t)qr->width + 2 * QUIET) * scale;
	unsigned char *row = malloc((side + 7) / 8);
	struct png_out o = {0};
	bool ok = row && png_encode(qr, scale, row, &o);
	free(row);
	QRcode_free(qr);
	if (!ok) {
		free(o.data);
		return NULL;
	}
	*len = o.len;
	return o.data;
}
