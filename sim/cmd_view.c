/* dcisim view: the live topology viewer (viz/, or sim/viz_none.c without SDL2). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dcisim/commands.h"
#include "dcisim/loader.h"
#include "dcisim/trace.h"
#include "dcisim/version.h"
#include "dcisim/viz.h"

static const char view_usage[] =
    "usage: dcisim view [SCENARIO] [--speed X] [--snapshot SECONDS FILE.bmp]\n"
    "                   [--replay TRACE] [--size WxH] [--out DIR] [--seed N]\n"
    "\n"
    "Shows a run as it happens: sites, links coloured by utilisation, VMs and\n"
    "their migrations round by round, client paths (red while tromboning),\n"
    "cluster nodes, storage arrays, faults, a clock and the event log.\n"
    "The viewer only watches: the results are those of `dcisim run`.\n"
    "\n"
    "  SCENARIO          a scenario file or a bundled name, e.g. a classroom\n"
    "                    demo from scenarios/demos: demo-storage-distance,\n"
    "                    demo-vmotion-converge-vs-stun, demo-trombone,\n"
    "                    demo-dci-cut-witness, demo-l2-technologies; without\n"
    "                    it, the bundled default scenario\n"
    "  --speed X         simulated seconds per wall-clock second (default 1)\n"
    "  --snapshot T FILE render the view at simulated time T to FILE (BMP)\n"
    "                    without opening a window, then exit\n"
    "  --replay TRACE    replay a trace from `dcisim run --trace` instead of\n"
    "                    running (SCENARIO defaults to the one the trace names)\n"
    "  --size WxH        window or image size (default 1280x720)\n"
    "  --out DIR         write the run's CSVs to DIR when it reaches its end\n"
    "  --seed N          random seed (default: the scenario's seed)\n"
    "  --keys SCRIPT     synthetic key presses for tests and recordings:\n"
    "                    FRAME:KEY,... with KEY one of space plus minus right r q\n"
    "\n"
    "Keys: space pause/resume, + and - speed x2 and /2, Right step to the next\n"
    "event, r restart, q or Escape quit.  The mouse over a link or a VM shows\n"
    "its figures; the window resizes.  Text uses DejaVu Sans\n"
    "(fonts-dejavu-core) or the TrueType file named by DCISIM_FONT.\n";

static bool parse_size(const char *s, int *w, int *h)
{
	int a, b;
	char x, extra;
	if (sscanf(s, "%d%c%d%c", &a, &x, &b, &extra) != 3 || (x != 'x' && x != 'X'))
		return false;
	if (a < 320 || b < 200 || a > 8192 || b > 8192)
		return false;
	*w = a;
	*h = b;
	return true;
}

int dcs_cmd_view(int argc, char **argv)
{
	struct dcs_viz_opts o = {.speed = 1.0, .snapshot_s = -1, .width = 1280, .height = 720};
	const char *scenario = NULL;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(view_usage, stdout);
			if (!dcs_viz_available())
				printf("\nNote: %s", dcs_viz_howto);
			return 0;
		} else if (!strcmp(a, "--speed") && v) {
			if (!dcs_parse_double(v, &o.speed) || o.speed <= 0 || o.speed > 1e9) {
				fprintf(
				    stderr,
				    "dcisim view: error: --speed needs a number > 0, not '%s'\n",
				    v);
				return 2;
			}
			i++;
		} else if (!strcmp(a, "--snapshot") && v && i + 2 < argc) {
			if (!dcs_parse_double(v, &o.snapshot_s)) {
				fprintf(
				    stderr,
				    "dcisim view: error: --snapshot needs seconds >= 0, not '%s'\n",
				    v);
				return 2;
			}
			o.snapshot_path = argv[i + 2];
			i += 2;
		} else if (!strcmp(a, "--replay") && v) {
			o.replay_path = v;
			i++;
		} else if (!strcmp(a, "--size") && v) {
			if (!parse_size(v, &o.width, &o.height)) {
				fprintf(stderr,
					"dcisim view: error: --size needs WxH between 320x200 and "
					"8192x8192, not '%s'\n",
					v);
				return 2;
			}
			i++;
		} else if (!strcmp(a, "--out") && v) {
			o.out_dir = v;
			i++;
		} else if (!strcmp(a, "--keys") && v) {
			o.keys = v;
			i++;
		} else if (!strcmp(a, "--seed") && v) {
			unsigned long long s;
			if (!dcs_parse_u64(v, &s)) {
				fprintf(
				    stderr,
				    "dcisim view: error: --seed needs a whole number, not '%s'\n",
				    v);
				return 2;
			}
			o.seed = s;
			o.seed_set = true;
			i++;
		} else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
			o.verbosity = -1;
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "dcisim view: error: unknown option '%s'%s\n%s", a,
				v ? "" : " (or missing value)", view_usage);
			return 2;
		} else if (!scenario) {
			scenario = a;
		} else {
			fprintf(stderr, "dcisim view: error: one scenario at a time ('%s')\n", a);
			return 2;
		}
	}
	if (o.replay_path && o.out_dir) {
		fprintf(stderr,
			"dcisim view: error: --out writes a live run's CSVs; a replay has none "
			"(the run that wrote the trace wrote them)\n");
		return 2;
	}
	if (!dcs_viz_available()) {
		fprintf(stderr, "dcisim view: error: %s", dcs_viz_howto);
		return 2;
	}
	char *named = NULL; /* the scenario a trace names */
	if (!scenario && o.replay_path) {
		struct dcs_trace_reader *r = dcs_trace_load(o.replay_path, stderr);
		if (!r)
			return 2;
		const char *p = dcs_trace_scenario_path(r);
		if (p && strcmp(dcs_trace_scenario_name(r), "default") != 0) {
			named = strdup(p);
			scenario = named;
		}
		dcs_trace_reader_free(r);
	}
	int nerr = 0;
	struct dcs_scenario *scn;
	if (!scenario) {
		scn = dcs_scenario_load_text(dcs_default_scenario, strlen(dcs_default_scenario),
					     "default.json", stderr, &nerr);
		o.scenario_path = "default";
	} else {
		char *found = dcs_find_scenario(scenario);
		if (!found) {
			fprintf(
			    stderr,
			    "dcisim view: error: %s: no such scenario file or bundled scenario\n",
			    scenario);
			free(named);
			return 2;
		}
		scn = dcs_scenario_load_file(found, stderr, &nerr);
		free(found);
		o.scenario_path = scenario;
	}
	if (!scn) {
		fprintf(stderr, "dcisim view: %d error%s\n", nerr, nerr == 1 ? "" : "s");
		free(named);
		return 2;
	}
	int code = dcs_viz_main(scn, &o, stderr);
	dcs_scenario_free(scn);
	free(named);
	return code;
}
