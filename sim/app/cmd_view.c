/* dcisim view: the live topology viewer (viz/, or viz/stub/viz_none.c without SDL2). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "commands.h"
#include "options.h"
#include "lookup.h"
#include "dcisim/exitcode.h"
#include "dcisim/loader.h"
#include "dcisim/trace.h"
#include "dcisim/version.h"
#include "dcisim/viz.h"
#include "viewer_dl.h"

static const char view_usage[] =
    "usage: dcisim view [SCENARIO] [--speed X] [--snapshot SECONDS FILE.png|.bmp]\n"
    "                   [--replay TRACE] [--size WxH] [--out DIR] [--seed N]\n"
    "                   [--frames DIR [--fps N] [--from S] [--to S] [--format png|bmp]]\n"
    "                   [--keys SCRIPT] [-q]\n"
    "\n"
    "Shows a run as it happens: sites, links coloured by utilisation, VMs and\n"
    "their migrations round by round, client paths (red while tromboning),\n"
    "cluster nodes, storage arrays, faults, a clock and the event log, with\n"
    "captions naming the phase under way (pre-copy round k, stop-and-copy,\n"
    "switchover, trombone, converged, a cut, a cluster outage) and a timeline\n"
    "of the whole run.  Time goes both ways: rewind, step back, jump anywhere.\n"
    "The viewer only watches: the results are those of `dcisim run`.\n"
    "\n"
    "  SCENARIO          a scenario file or a bundled name, e.g. a classroom\n"
    "                    demo from scenarios/demos: demo-storage-distance,\n"
    "                    demo-vmotion-converge-vs-stun, demo-trombone,\n"
    "                    demo-dci-cut-witness, demo-l2-technologies; without\n"
    "                    it, the bundled default scenario\n"
    "  --speed X         simulated seconds per wall-clock second, or per\n"
    "                    second of video with --frames (default 1)\n"
    "  --snapshot T FILE render the view at simulated time T to FILE (PNG when\n"
    "                    it ends in .png, else BMP) without a window, then exit\n"
    "  --replay TRACE    replay a trace from `dcisim run --trace` instead of\n"
    "                    running (SCENARIO defaults to the one the trace names)\n"
    "  --frames DIR      render numbered frames DIR/frame-000000.png, ... for a\n"
    "                    video, without a window: frame k shows simulated time\n"
    "                    FROM + k x SPEED / FPS, up to TO; then, for example,\n"
    "                    ffmpeg -framerate 10 -i DIR/frame-%06d.png -pix_fmt yuv420p\n"
    "                    run.mp4 (docs/trace.md)\n"
    "  --fps N           frames per second of video (default 10)\n"
    "  --from S, --to S  the simulated span of the frames (default: all of it)\n"
    "  --format F        frames as png (default, about 85 KB at 1280x720) or\n"
    "                    bmp (2.8 MB)\n"
    "  --size WxH        window or image size (default 1280x720)\n"
    "  --out DIR         write the run's CSVs to DIR when it reaches its end\n"
    "  --seed N          random seed (default: the scenario's seed)\n"
    "  --keys SCRIPT     synthetic key presses for tests and recordings:\n"
    "                    FRAME:KEY,... with KEY one of space plus minus right\n"
    "                    left home end [ ] c r q\n"
    "  -q, --quiet       no warnings on stderr\n"
    "\n"
    "Keys: space pause/resume, + and - speed x2 and /2, Right and Left step to\n"
    "the next and the previous event, [ and ] jump 10 s back and forth, Home\n"
    "and End go to the start and the end, c shows or hides the captions, r\n"
    "restarts, q or Escape quits.  A click on the timeline (under the map)\n"
    "jumps there and dragging scrubs; the mouse over it shows the captions of\n"
    "that time, over a link or a VM its figures.  The window resizes.  Text\n"
    "uses DejaVu Sans (fonts-dejavu-core) or the TrueType file named by\n"
    "DCISIM_FONT.\n"
    "Exit status: 0 done, 2 usage error, invalid input or no display (use\n"
    "--snapshot or --frames without one), 3 runtime failure.\n";

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

enum {
	OPT_SPEED = 256,
	OPT_SNAPSHOT,
	OPT_FRAMES,
	OPT_FORMAT,
	OPT_FPS,
	OPT_FROM,
	OPT_TO,
	OPT_REPLAY,
	OPT_SIZE,
	OPT_OUT,
	OPT_KEYS,
	OPT_SEED
};

static const struct option view_options[] = {
    {"help", no_argument, NULL, 'h'},
    {"quiet", no_argument, NULL, 'q'},
    {"speed", required_argument, NULL, OPT_SPEED},
    {"snapshot", required_argument, NULL, OPT_SNAPSHOT},
    {"frames", required_argument, NULL, OPT_FRAMES},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"fps", required_argument, NULL, OPT_FPS},
    {"from", required_argument, NULL, OPT_FROM},
    {"to", required_argument, NULL, OPT_TO},
    {"replay", required_argument, NULL, OPT_REPLAY},
    {"size", required_argument, NULL, OPT_SIZE},
    {"out", required_argument, NULL, OPT_OUT},
    {"keys", required_argument, NULL, OPT_KEYS},
    {"seed", required_argument, NULL, OPT_SEED},
    {NULL, 0, NULL, 0},
};

int dcs_cmd_view(int argc, char **argv)
{
	struct dcs_viz_opts o = {
	    .speed = 1.0, .snapshot_s = -1, .width = 1280, .height = 720, .fps = 10, .to_s = -1};
	const char *scenario = NULL;
	struct dcs_options opt;
	dcs_options_begin(&opt, argc, argv);
	for (int c; (c = dcs_options_next(&opt, NULL, view_options)) != -1;) {
		const char *v = optarg;
		unsigned long long n;
		double x;
		switch (c) {
		case 'h':
			fputs(view_usage, stdout);
			if (!dcs_viewer_available())
				printf("\nNote: %s", dcs_viewer_howto());
			return DCS_EXIT_OK;
		case OPT_SPEED:
			if (!dcs_parse_double(v, &o.speed) || o.speed <= 0 || o.speed > 1e9) {
				fprintf(
				    stderr,
				    "dcisim view: error: --speed needs a number > 0, not '%s'\n",
				    v);
				return DCS_EXIT_USAGE;
			}
			break;
		case OPT_SNAPSHOT:
			/* Two values: the time, then the file. */
			if (optind >= argc) {
				opt.bad = "--snapshot";
				opt.bad_last = false;
				return dcs_options_bad(&opt, "view", view_usage);
			}
			if (!dcs_parse_double(v, &o.snapshot_s)) {
				fprintf(
				    stderr,
				    "dcisim view: error: --snapshot needs seconds >= 0, not '%s'\n",
				    v);
				return DCS_EXIT_USAGE;
			}
			o.snapshot_path = argv[optind++];
			break;
		case OPT_FRAMES:
			o.frames_dir = v;
			break;
		case OPT_FORMAT:
			if (strcmp(v, "png") != 0 && strcmp(v, "bmp") != 0) {
				fprintf(stderr,
					"dcisim view: error: --format is png or bmp, not '%s'\n",
					v);
				return DCS_EXIT_USAGE;
			}
			o.frames_format = v;
			break;
		case OPT_FPS:
		case OPT_FROM:
		case OPT_TO: {
			bool fps = c == OPT_FPS;
			if (!dcs_parse_double(v, &x) || x < 0 || x > 1e12 ||
			    (fps && !(x > 0 && x <= 1000))) {
				fprintf(stderr, "dcisim view: error: %s needs %s, not '%s'\n",
					fps ? "--fps" : c == OPT_FROM ? "--from" : "--to",
					fps ? "frames per second in (0, 1000]" : "seconds >= 0", v);
				return DCS_EXIT_USAGE;
			}
			*(fps ? &o.fps : c == OPT_FROM ? &o.from_s : &o.to_s) = x;
			break;
		}
		case OPT_REPLAY:
			o.replay_path = v;
			break;
		case OPT_SIZE:
			if (!parse_size(v, &o.width, &o.height)) {
				fprintf(stderr,
					"dcisim view: error: --size needs WxH between 320x200 and "
					"8192x8192, not '%s'\n",
					v);
				return DCS_EXIT_USAGE;
			}
			break;
		case OPT_OUT:
			o.out_dir = v;
			break;
		case OPT_KEYS:
			o.keys = v;
			break;
		case OPT_SEED:
			if (!dcs_parse_u64(v, &n)) {
				fprintf(
				    stderr,
				    "dcisim view: error: --seed needs a whole number, not '%s'\n",
				    v);
				return DCS_EXIT_USAGE;
			}
			o.seed = n;
			o.seed_set = true;
			break;
		case 'q':
			o.verbosity = -1;
			break;
		default:
			return dcs_options_bad(&opt, "view", view_usage);
		}
	}
	if (dcs_options_single(&opt, "view", "scenario", &scenario))
		return DCS_EXIT_USAGE;
	if (o.frames_dir && o.snapshot_s >= 0) {
		fprintf(stderr, "dcisim view: error: --frames or --snapshot, not both\n");
		return DCS_EXIT_USAGE;
	}
	if (o.to_s >= 0 && o.to_s < o.from_s) {
		fprintf(stderr, "dcisim view: error: --to %g s is before --from %g s\n", o.to_s,
			o.from_s);
		return DCS_EXIT_USAGE;
	}
	if (o.replay_path && o.out_dir) {
		fprintf(stderr,
			"dcisim view: error: --out writes a live run's CSVs; a replay has none "
			"(the run that wrote the trace wrote them)\n");
		return DCS_EXIT_USAGE;
	}
	if (!dcs_viewer_available()) {
		fprintf(stderr, "dcisim view: error: %s", dcs_viewer_howto());
		return DCS_EXIT_USAGE;
	}
	char *named = NULL; /* the scenario a trace names */
	if (!scenario && o.replay_path) {
		struct dcs_trace_reader *r = dcs_trace_load(o.replay_path, stderr);
		if (!r)
			return DCS_EXIT_USAGE;
		const char *p = dcs_trace_scenario_path(r);
		if (p && strcmp(dcs_trace_scenario_name(r), "default") != 0) {
			/* The recorded path (absolute since traces record it so);
			 * a bundled scenario of that name when the file moved. */
			named = strdup(access(p, R_OK) == 0 ? p : dcs_trace_scenario_name(r));
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
		char *found = dcs_lookup(scenario);
		if (!found) {
			dcs_lookup_explain(stderr, "view", scenario);
			free(named);
			return DCS_EXIT_USAGE;
		}
		scn = dcs_scenario_load_file(found, stderr, &nerr);
		free(found);
		o.scenario_path = scenario;
	}
	if (!scn) {
		fprintf(stderr, "dcisim view: %d error%s\n", nerr, nerr == 1 ? "" : "s");
		free(named);
		return DCS_EXIT_USAGE;
	}
	int code = dcs_viewer_main(scn, &o, stderr);
	dcs_scenario_free(scn);
	free(named);
	return code;
}

const struct dcs_cli_command dcs_cli_view = {
    .name = "view",
    .fn = dcs_cmd_view,
    .args = "[SCENARIO]",
    .complete = DCS_CLI_SCENARIO,
    .summary = "watch a run or replay a trace in a window; snapshots, video frames",
    .usage = view_usage,
    .options = view_options,
};
