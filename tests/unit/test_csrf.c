/* Unit tests of the admin forms' CSRF checks (web/csrf.c): the token
 * cookie (made once, reused, its attributes) and web_csrf_check() on each
 * way a forged request can look: no cookie, no field, a different value,
 * an Origin or Referer naming another host or port, Origin "null". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "web/csrf.h"

#define GOOD "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123-_6" /* 43 base64url characters */

static void token_is_made_once_and_kept(void **state)
{
	(void)state;
	struct web_request req = {0};
	struct web_reply rep = {0};
	char t1[WEB_CSRF_LEN + 1], t2[WEB_CSRF_LEN + 1];
	assert_true(web_csrf_token(&req, &rep, t1));
	assert_int_equal(strlen(t1), WEB_CSRF_LEN);
	assert_int_equal(strspn(t1, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
			 WEB_CSRF_LEN);
	char want[128];
	snprintf(want, sizeof want, "tp_csrf=%s; Path=/; SameSite=Strict; HttpOnly", t1);
	assert_string_equal(rep.set_cookie2, want);
	/* Another visitor gets another token. */
	struct web_reply rep2 = {0};
	assert_true(web_csrf_token(&req, &rep2, t2));
	assert_string_not_equal(t1, t2);
	/* A browser that has one keeps it: no new cookie. */
	req.cookie_csrf = t1;
	struct web_reply rep3 = {0};
	assert_true(web_csrf_token(&req, &rep3, t2));
	assert_string_equal(t2, t1);
	assert_string_equal(rep3.set_cookie2, "");
	/* A malformed cookie is replaced. */
	const char *bad[] = {"short", GOOD "x", "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123+/6"};
	for (size_t i = 0; i < 3; i++) {
		req.cookie_csrf = bad[i];
		struct web_reply r = {0};
		assert_true(web_csrf_token(&req, &r, t2));
		assert_string_not_equal(t2, bad[i]);
		assert_non_null(strstr(r.set_cookie2, t2));
	}
}

/* Checks a request with this cookie, form body, Origin and Referer. */
static const char *check(const char *cookie, const char *body, const char *origin,
			 const char *referer)
{
	struct web_request req = {0};
	req.host = "127.0.0.1:8080";
	req.cookie_csrf = cookie;
	req.origin = origin;
	req.referer = referer;
	struct web_form f;
	assert_int_equal(web_form_parse(body, strlen(body), 16, 256, &f), WEB_FORM_OK);
	static char reason[256];
	const char *why = web_csrf_check(&req, &f);
	snprintf(reason, sizeof reason, "%s", why ? why : "");
	web_form_free(&f);
	return why ? reason : NULL;
}

static void matching_token_and_same_origin_pass(void **state)
{
	(void)state;
	const char *body = "action=x&csrf=" GOOD;
	assert_null(check(GOOD, body, NULL, NULL));
	assert_null(check(GOOD, body, "http://127.0.0.1:8080", NULL));
	/* Behind a TLS proxy the scheme differs; the host is what counts. */
	assert_null(check(GOOD, body, "https://127.0.0.1:8080", NULL));
	assert_null(check(GOOD, body, NULL, "http://127.0.0.1:8080/admin?lang=es"));
	/* Origin decides when both are sent. */
	assert_null(check(GOOD, body, "http://127.0.0.1:8080", "http://elsewhere/"));
}

static void forged_requests_fail_naming_the_check(void **state)
{
	(void)state;
	const char *body = "action=x&csrf=" GOOD;
	assert_non_null(strstr(check(NULL, body, NULL, NULL), "cookie is missing"));
	assert_non_null(strstr(check("short", body, NULL, NULL), "cookie is missing"));
	assert_non_null(strstr(check(GOOD, "action=x", NULL, NULL), "token is missing"));
	assert_non_null(
	    strstr(check(GOOD, "action=x&csrf=" GOOD "A", NULL, NULL), "token is missing"));
	const char *other = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123-_7";
	assert_non_null(strstr(check(other, body, NULL, NULL), "does not match"));
	const char *origins[] = {"http://evil.example", "http://127.0.0.1:8081", "null",
				 "http://127.0.0.1:8080.evil.example", "127.0.0.1:8080", ""};
	for (size_t i = 0; i < sizeof origins / sizeof origins[0]; i++)
		assert_non_null(strstr(check(GOOD, body, origins[i], NULL), "Origin header"));
	assert_non_null(
	    strstr(check(GOOD, body, NULL, "http://evil.example/admin"), "Referer header"));
	assert_non_null(strstr(check(GOOD, body, NULL, "garbage"), "Referer header"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(token_is_made_once_and_kept),
	    cmocka_unit_test(matching_token_and_same_origin_pass),
	    cmocka_unit_test(forged_requests_fail_naming_the_check),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
