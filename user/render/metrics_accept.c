/* Which exposition format a scraper asked for, from its Accept header
 * (RFC 9110 content negotiation, as Prometheus' own client libraries do it):
 * OpenMetrics only when it is named explicitly with a q-value above 0 and not
 * below the best q of the text format (text/plain, text/ANY or ANY/ANY). A
 * bare wildcard (curl's default) or no header gets the text format 0.0.4. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "metrics.h"

/* The q of one media range "type/sub;param=…;q=0.5" (1 without q=). */
static double range_q(const char *r, size_t n)
{
	for (const char *p = memchr(r, ';', n); p && p < r + n; p = memchr(p + 1, ';', r + n - p - 1)) {
		const char *s = p + 1;

		while (s < r + n && (*s == ' ' || *s == '\t'))
			s++;
		if (r + n - s >= 2 && (s[0] == 'q' || s[0] == 'Q') && s[1] == '=') {
			double q = strtod(s + 2, NULL);

			return q < 0 ? 0 : q > 1 ? 1 : q;
		}
	}
	return 1;
}

/* Does the range's type/subtype (before any ';', spaces trimmed) equal t? */
static int range_is(const char *r, size_t n, const char *t)
{
	const char *semi = memchr(r, ';', n);
	size_t len = semi ? (size_t)(semi - r) : n;

	while (len && (*r == ' ' || *r == '\t'))
		r++, len--;
	while (len && (r[len - 1] == ' ' || r[len - 1] == '\t'))
		len--;
	return len == strlen(t) && !strncasecmp(r, t, len);
}

enum metrics_format metrics_negotiate(const char *accept)
{
	double q_om = 0, q_text = 0;

	if (!accept)
		return METRICS_PROM_004;
	for (const char *r = accept; *r;) {
		const char *comma = strchr(r, ',');
		size_t n = comma ? (size_t)(comma - r) : strlen(r);
		double q = range_q(r, n);

		if (range_is(r, n, "application/openmetrics-text"))
			q_om = q > q_om ? q : q_om;
		else if (range_is(r, n, "text/plain") || range_is(r, n, "text/*") || range_is(r, n, "*/*"))
			q_text = q > q_text ? q : q_text;
		r += n + (comma != NULL);
	}
	return q_om > 0 && q_om >= q_text ? METRICS_OPENMETRICS : METRICS_PROM_004;
}
