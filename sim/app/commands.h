/*
 * dcisim commands (sim/app/cmd_*.c): each takes its command line as main()
 * does, argv[0] being the command's name ("run"), and returns the process
 * exit status of SPEC §1 (dcisim/exitcode.h).
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
int dcs_cmd_report(int argc, char **argv);
int dcs_cmd_plan(int argc, char **argv);
int dcs_cmd_survive(int argc, char **argv);

/* Parses a non-negative number argument; false on junk. */
bool dcs_parse_double(const char *s, double *out);
bool dcs_parse_u64(const char *s, unsigned long long *out);

#endif
