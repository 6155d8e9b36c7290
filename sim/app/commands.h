/*
 * dcisim commands (sim/cmd_*.c): each takes the arguments after its name and
 * returns the process exit code of SPEC §1.
 */
#ifndef DCISIM_COMMANDS_H
#define DCISIM_COMMANDS_H

#include <stdbool.h>

int dcs_cmd_run(int argc, char **argv);
int dcs_cmd_validate(int argc, char **argv);
int dcs_cmd_bench(int argc, char **argv);
int dcs_cmd_schema(int argc, char **argv);
int dcs_cmd_sweep(int argc, char **argv);
int dcs_cmd_compare(int argc, char **argv);
int dcs_cmd_check(int argc, char **argv);
int dcs_cmd_view(int argc, char **argv);
int dcs_cmd_metrics(int argc, char **argv);

/* Parses a non-negative number argument; false on junk. */
bool dcs_parse_double(const char *s, double *out);
bool dcs_parse_u64(const char *s, unsigned long long *out);

#endif
