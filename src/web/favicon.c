/* web/favicon.c - GET /favicon.ico: the small SVG icon browsers ask every
 * site for. Without it every page view logs a 404 in the browser's console
 * (the browser tests, tests/browser/, require a clean console). Served as
 * image/svg+xml, which the Content-Security-Policy's img-src 'self' allows
 * and browsers accept at this path. */
#include <string.h>

#include "web/web_internal.h"

/* Three journey dots on a line, in the stylesheet's colours. */
static const char icon[] =
    "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 32 32\">"
    "<rect width=\"32\" height=\"32\" rx=\"6\" fill=\"#1f3a5f\"/>"
    "<path d=\"M6 16h20\" stroke=\"#ffffff\" stroke-width=\"2\"/>"
    "<circle cx=\"7\" cy=\"16\" r=\"4\" fill=\"#2e9e5b\"/>"
    "<circle cx=\"16\" cy=\"16\" r=\"4\" fill=\"#e0a526\"/>"
    "<circle cx=\"25\" cy=\"16\" r=\"4\" fill=\"#c8443a\"/>"
    "</svg>\n";

void web_page_favicon(const struct web_request *req, struct web_reply *rep)
{
	(void)req;
	rep->status = 200;
	rep->text = strdup(icon);
	rep->content_type = "image/svg+xml";
}
