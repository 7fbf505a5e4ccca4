/* lpi-load's renderers: the result of lpi_load_run() as a table per
 * injector with totals and the write-latency histogram, or as one JSON
 * object ("type":"final"). */
#ifndef RS_LPI_REPORT_H
#define RS_LPI_REPORT_H

#include <stdio.h>
#include "lpi_load.h"

void lpi_load_print_text(FILE *out, const struct lpi_opts *o, const struct lpi_result *r);
void lpi_load_print_json(FILE *out, const struct lpi_opts *o, const struct lpi_result *r);

#endif
