/* Content negotiation of /metrics: the Accept headers real scrapers send,
 * q-values (q=0 refuses a type), wildcards and malformed input. */
#include "check.h"
#include "metrics.h"

static const struct {
	const char *name, *accept;
	enum metrics_format want;
} cases[] = {
	{ "no_header", NULL, METRICS_PROM_004 },
	{ "empty", "", METRICS_PROM_004 },
	{ "curl_wildcard", "*/*", METRICS_PROM_004 },
	{ "prometheus_2_42",
	  "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
	  "text/plain;version=0.0.4;q=0.5,*/*;q=0.1", METRICS_OPENMETRICS },
	{ "prometheus_text_only", "text/plain;version=0.0.4;q=1,*/*;q=0.1", METRICS_PROM_004 },
	{ "openmetrics_q0_refused", "application/openmetrics-text; version=1.0.0; q=0, text/plain", METRICS_PROM_004 },
	{ "openmetrics_q0_alone", "application/openmetrics-text;q=0", METRICS_PROM_004 },
	{ "openmetrics_below_text", "application/openmetrics-text;q=0.3, text/plain;q=0.8", METRICS_PROM_004 },
	{ "openmetrics_above_text", "text/plain;q=0.3, application/openmetrics-text;q=0.8", METRICS_OPENMETRICS },
	{ "openmetrics_tie_wins", "application/openmetrics-text;q=0.5, */*;q=0.5", METRICS_OPENMETRICS },
	{ "case_and_spaces", "  Application/OpenMetrics-Text ; Q=0.9 ,text/plain;q=0.2", METRICS_OPENMETRICS },
	{ "substring_not_a_type", "application/openmetrics-text-foo", METRICS_PROM_004 },
	{ "garbage", ";;;,,,q=,", METRICS_PROM_004 },
};

int main(void)
{
	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum metrics_format got = metrics_negotiate(cases[i].accept);

		CHECK(got == cases[i].want, cases[i].name, "got %s, want %s",
		      metrics_content_type[got], metrics_content_type[cases[i].want]);
	}
	CHECK_DONE();
}
