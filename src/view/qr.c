/* view/qr.c - QR codes of survey links, as SVG and PNG.
 *
 * libqrencode computes the modules; drawing them is ours. The PNG writer
 * is deliberately minimal: greyscale, deflate "stored" blocks (a QR image
 * is a few tens of kilobytes uncompressed), CRC-32 and Adler-32 computed
 * here, so no compression library is needed. */
#include <qrencode.h>
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

static uint32_t crc32_of(const unsigned char *p, size_t n, uint32_t crc)
{
	crc = ~crc;
	for (size_t i = 0; i < n; i++) {
		crc ^= p[i];
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
	}
	return ~crc;
}

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* Writes a chunk (length, type, data, CRC) at out; returns its size. */
static size_t chunk(unsigned char *out, const char *type, const unsigned char *data, size_t n)
{
	put32(out, (uint32_t)n);
	memcpy(out + 4, type, 4);
	if (n)
		memcpy(out + 8, data, n);
	put32(out + 8 + n, crc32_of(out + 4, n + 4, 0));
	return n + 12;
}

/* The zlib stream of raw in stored blocks of at most 65535 bytes. */
static unsigned char *zlib_stored(const unsigned char *raw, size_t n, size_t *len)
{
	size_t blocks = n / 65535 + 1;
	unsigned char *z = malloc(2 + n + blocks * 5 + 4);
	if (!z)
		return NULL;
	size_t o = 0;
	z[o++] = 0x78;
	z[o++] = 0x01;
	uint32_t a = 1, b = 0;
	for (size_t i = 0; i < n; i++) {
		a = (a + raw[i]) % 65521;
		b = (b + a) % 65521;
	}
	size_t off = 0;
	do {
		size_t k = n - off > 65535 ? 65535 : n - off;
		z[o++] = off + k == n ? 1 : 0;
		z[o++] = (unsigned char)k;
		z[o++] = (unsigned char)(k >> 8);
		z[o++] = (unsigned char)~k;
		z[o++] = (unsigned char)(~k >> 8);
		memcpy(z + o, raw + off, k);
		o += k;
		off += k;
	} while (off < n);
	put32(z + o, (b << 16) | a);
	*len = o + 4;
	return z;
}

unsigned char *tp_qr_png(const char *text, unsigned scale, size_t *len)
{
	if (scale == 0 || scale > 32)
		return NULL;
	QRcode *qr = encode(text);
	if (!qr)
		return NULL;
	size_t w = (size_t)qr->width, side = (w + 2 * QUIET) * scale, row = side + 1;
	unsigned char *raw = malloc(row * side), *z = NULL, *png = NULL;
	if (!raw)
		goto out;
	for (size_t y = 0; y < side; y++) {
		unsigned char *r = raw + y * row;
		r[0] = 0; /* filter: none */
		for (size_t x = 0; x < side; x++) {
			size_t mx = x / scale, my = y / scale;
			bool dark = mx >= QUIET && my >= QUIET && mx < w + QUIET &&
				    my < w + QUIET &&
				    (qr->data[(my - QUIET) * w + (mx - QUIET)] & 1);
			r[1 + x] = dark ? 0 : 255;
		}
	}
	size_t zlen;
	z = zlib_stored(raw, row * side, &zlen);
	if (!z)
		goto out;
	png = malloc(8 + 25 + 12 + zlen + 12);
	if (!png)
		goto out;
	memcpy(png, "\x89PNG\r\n\x1a\n", 8);
	unsigned char ihdr[13];
	put32(ihdr, (uint32_t)side);
	put32(ihdr + 4, (uint32_t)side);
	ihdr[8] = 8; /* bit depth */
	ihdr[9] = 0; /* greyscale */
	ihdr[10] = ihdr[11] = ihdr[12] = 0;
	size_t o = 8;
	o += chunk(png + o, "IHDR", ihdr, sizeof ihdr);
	o += chunk(png + o, "IDAT", z, zlen);
	o += chunk(png + o, "IEND", NULL, 0);
	*len = o;
out:
	free(raw);
	free(z);
	QRcode_free(qr);
	return png;
}
