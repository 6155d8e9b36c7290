/*
 * Allocation failure, injected: the k-th allocation of a whole `dcisim run`
 * (load, build, run, write) fails, for every k (or a sample of them).
 *
 *   test_oom [--all | --samples N] [SCENARIO...]
 *   test_oom --site K SCENARIO     (fail allocation K here, print where it is)
 *   test_oom --k K SCENARIO        (one child, as in the sweep over k)
 *
 * The program is linked with -Wl,--wrap for malloc, calloc, realloc, free,
 * strdup and aligned_alloc (tests/fuzz/CMakeLists.txt), and cJSON is given
 * the same allocator, so every allocation of dcisim's own code and of its
 * JSON parsing can be made to fail (GSL's and libc's internal ones cannot).
 * A reference run counts the allocations (N) and keeps its outputs.  Then,
 * for each k, a child process fails allocation number k and runs the same
 * pipeline into its own directory.  Each child must:
 * - exit normally, not by a signal (no crash on NULL, no abort);
 * - exit 0 only with outputs byte-identical to the reference (a failure that
 *   a fallback absorbed), and otherwise exit 2 or 3 having said "out of
 *   memory" on stderr (a clean error), with no run.json written;
 * - free everything it allocated when it returns (no leak), unless it left
 *   through exit(3) from a checked-allocation helper.
 * A sweep file is loaded (every point validated) and freed instead.  A plan
 * file is searched and its outputs written (plan.json aside, which holds wall
 * time), its runs one after the other in this thread.  A run has threads of
 * its own (the writer of its rows, the scan of the scenario's text, the
 * syncs of its files): the allocator below counts and tracks their
 * allocations under one lock, so which allocation is number k can differ
 * between two children, and every k still checks what a failure does.
 * Default: k = 1..300, then N / 300 samples spread over the rest (--samples
 * changes the 300; --all tries every k).  Exit 0 when every child behaved,
 * 1 otherwise (each bad k printed with how to reproduce it).
 */
#include <dirent.h>
#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "dcisim/loader.h"
#include "run.h"
#include "dcisim/world.h"
#include "plan.h"
#include "sweep.h"

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void __real_free(void *p);
char *__real_strdup(const char *s);
void *__real_aligned_alloc(size_t align, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
void __wrap_free(void *p);
char *__wrap_strdup(const char *s);
void *__wrap_aligned_alloc(size_t align, size_t n);

/* ---- the failing allocator, with a set of live pointers ---- */

static long n_calls, fail_at = -1;
static bool show_site; /* --site K: print where allocation K is made */
/* Held through each wrapped call: the count and the live set are shared
 * by a run's threads. */
static pthread_mutex_t alloc_mu = PTHREAD_MUTEX_INITIALIZER;

/* Open addressing with tombstones; storage from the real allocator. */
#define TOMB ((void *)1)
static void **live;
static size_t live_cap, live_used, live_n;

static size_t slot_of(const void *p)
{
	uintptr_t x = (uintptr_t)p;
	x ^= x >> 21;
	x *= (uintptr_t)0x9e3779b97f4a7c15ull;
	return (size_t)(x >> 11) & (live_cap - 1);
}

static void live_add(void *p);

static void live_grow(void)
{
	void **old = live;
	size_t old_cap = live_cap;
	live_cap = live_cap ? 2 * live_cap : 1 << 16;
	live = __real_calloc(live_cap, sizeof(*live));
	if (!live) {
		fputs("test_oom: out of memory for the live set\n", stderr);
		_exit(70);
	}
	live_used = live_n = 0;
	for (size_t i = 0; i < old_cap; i++)
		if (old[i] && old[i] != TOMB)
			live_add(old[i]);
	__real_free(old);
}

static void live_add(void *p)
{
	if (2 * (live_used + 1) > live_cap)
		live_grow();
	size_t h = slot_of(p);
	while (live[h] && live[h] != TOMB)
		h = (h + 1) & (live_cap - 1);
	if (!live[h])
		live_used++;
	live[h] = p;
	live_n++;
}

static void live_remove(void *p)
{
	if (!live_cap)
		return;
	for (size_t h = slot_of(p); live[h]; h = (h + 1) & (live_cap - 1))
		if (live[h] == p) {
			live[h] = TOMB;
			live_n--;
			return;
		}
}

static bool fail_now(void)
{
	if (++n_calls != fail_at)
		return false;
	errno = ENOMEM;
	if (show_site) {
		void *frames[16];
		int n = backtrace(frames, 16);
		backtrace_symbols_fd(frames, n, 2);
	}
	return true;
}

void *__wrap_malloc(size_t n)
{
	pthread_mutex_lock(&alloc_mu);
	void *p = fail_now() ? NULL : __real_malloc(n);
	if (p)
		live_add(p);
	pthread_mutex_unlock(&alloc_mu);
	return p;
}

void *__wrap_calloc(size_t n, size_t size)
{
	pthread_mutex_lock(&alloc_mu);
	void *p = fail_now() ? NULL : __real_calloc(n, size);
	if (p)
		live_add(p);
	pthread_mutex_unlock(&alloc_mu);
	return p;
}

void *__wrap_realloc(void *p, size_t n)
{
	pthread_mutex_lock(&alloc_mu);
	if (fail_now()) {
		pthread_mutex_unlock(&alloc_mu);
		return NULL;
	}
	void *q = __real_realloc(p, n);
	if (q || n == 0) {
		if (p)
			live_remove(p);
		if (q)
			live_add(q);
	}
	pthread_mutex_unlock(&alloc_mu);
	return q;
}

void __wrap_free(void *p)
{
	pthread_mutex_lock(&alloc_mu);
	if (p)
		live_remove(p);
	__real_free(p);
	pthread_mutex_unlock(&alloc_mu);
}

char *__wrap_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = __wrap_malloc(n);
	if (d)
		memcpy(d, s, n);
	return d;
}

void *__wrap_aligned_alloc(size_t align, size_t n)
{
	pthread_mutex_lock(&alloc_mu);
	void *p = fail_now() ? NULL : __real_aligned_alloc(align, n);
	if (p)
		live_add(p);
	pthread_mutex_unlock(&alloc_mu);
	return p;
}

/* ---- the pipeline: what `dcisim run SCENARIO --out DIR -q` does ---- */

/* A sweep file (by its first key) is loaded, every point validated, and
 * freed: the sweep loader's part; runs are the run pipeline's. */
static bool sweep_mode; /* set by the parent before any child, no allocation */

/* Whether a file's text holds a top-level key's name (its kind). */
static bool file_has(const char *path, const char *key)
{
	size_t len = 0;
	char *t = dcs_read_file(path, &len);
	bool yes = t && strstr(t, key);
	free(t);
	return yes;
}

static bool is_sweep(const char *path)
{
	return file_has(path, "\"dcisim_sweep\"");
}

static bool plan_mode;

static bool is_plan(const char *path)
{
	return file_has(path, "\"dcisim_plan\"");
}

/* A plan's batch, run by run in this thread. */
static int run_serial(const struct dcs_sweep *sw, const struct dcs_sweep_opts *o,
		      struct dcs_sweep_run *runs)
{
	size_t stale = 0;
	if (dcs_sweep_cache_prepare(sw, o, runs, &stale, stderr) < 0)
		return 2;
	for (size_t i = 0; i < dcs_sweep_n_runs(sw); i++) {
		if (runs[i].reused)
			continue;
		dcs_sweep_run_one(sw, i, o, &runs[i]);
		dcs_sweep_cache_store(sw, o, i, &runs[i], stderr);
	}
	return 0;
}

static int plan_pipeline(const char *path, const char *out)
{
	int nerr = 0;
	struct dcs_world_catalog wc;
	struct dcs_plan *pl = dcs_plan_load_file(path, dcs_world_catalog_init(&wc), stderr, &nerr);
	if (!pl)
		return 2;
	struct dcs_plan_state S = {
	    .pl = pl,
	    .o = {.out_dir = out, .jobs = 1, .verbosity = -1, .resume = true},
	    .run = run_serial,
	    .writer = true,
	};
	int code = dcs_plan_search(&S);
	if (code == 0) {
		struct dcs_plan_info info = {.jobs = 1, .ranks = 1};
		code = dcs_plan_write(&S, out, &info, stderr);
	}
	dcs_plan_state_free(&S);
	dcs_plan_free(pl);
	return code;
}

static int pipeline(const char *scenario, const char *out)
{
	int nerr = 0;
	if (plan_mode)
		return plan_pipeline(scenario, out);
	if (sweep_mode) {
		struct dcs_sweep *sw = dcs_sweep_load_file(scenario, stderr, &nerr);
		dcs_sweep_free(sw);
		return sw ? 0 : 2;
	}
	struct dcs_scenario *scn = dcs_scenario_load_file(scenario, stderr, &nerr);
	if (!scn)
		return 2;
	struct dcs_run_opts o = {.out_dir = out, .verbosity = -1};
	int code = dcs_run_scenario(scn, &o, NULL, stderr);
	dcs_scenario_free(scn);
	return code;
}

/* Same files with the same bytes (run.json aside: it holds wall time). */
static bool same_outputs(const char *a, const char *b, char *why, size_t whylen)
{
	DIR *d = opendir(a);
	if (!d) {
		if (snprintf(why, whylen, "cannot list %s", a) >= (int)whylen)
			why[whylen - 1] = '\0';
		return false;
	}
	bool same = true;
	struct dirent *e;
	while (same && (e = readdir(d))) {
		if (e->d_name[0] == '.' || !strcmp(e->d_name, "run.json") ||
		    !strcmp(e->d_name, "plan.json") || !strcmp(e->d_name, "cache"))
			continue;
		char pa[4200], pb[4200];
		if (snprintf(pa, sizeof(pa), "%s/%s", a, e->d_name) >= (int)sizeof(pa) ||
		    snprintf(pb, sizeof(pb), "%s/%s", b, e->d_name) >= (int)sizeof(pb)) {
			snprintf(why, whylen, "path too long");
			same = false;
			break;
		}
		size_t la = 0, lb = 0;
		char *ta = dcs_read_file(pa, &la), *tb = dcs_read_file(pb, &lb);
		if (!ta || !tb || la != lb || memcmp(ta, tb, la)) {
			snprintf(why, whylen, "%s differs from the reference", e->d_name);
			same = false;
		}
		free(ta);
		free(tb);
	}
	closedir(d);
	return same;
}

static bool exists_in(const char *dir, const char *name)
{
	char p[4300];
	struct stat sb;
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return stat(p, &sb) == 0;
}

static void remove_tree(const char *dir)
{
	char cmd[4300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "test_oom: cannot remove %s\n", dir);
}

/* A child that leaves through exit(3) (dcisim/xalloc.h) leaves memory
 * behind on purpose: its status goes out before LeakSanitizer's own exit
 * handler (registered earlier, so run later) could replace it. */
static void exit_now(int status, void *arg)
{
	(void)arg;
	_exit(status);
}

/* Child k: 0 ran and freed everything; else its exit status as dcisim's. */
static void child(const char *scenario, const char *out, long k, int errfd)
{
	dup2(errfd, 2);
	on_exit(exit_now, NULL);
	show_site = getenv("OOM_SHOW_SITE") != NULL;
	fail_at = k;
	n_calls = 0;
	size_t before = live_n;
	int code = pipeline(scenario, out);
	if (live_n > before) {
		fprintf(stderr, "test_oom: %zu allocations not freed\n", live_n - before);
		_exit(99);
	}
	_exit(code);
}

static int try_k(const char *scenario, const char *ref, const char *work, long k)
{
	char out[4200], errpath[4200];
	snprintf(out, sizeof(out), "%s/k%ld", work, k);
	snprintf(errpath, sizeof(errpath), "%s/k%ld.err", work, k);
	int errfd = open(errpath, O_CREAT | O_TRUNC | O_WRONLY, 0644);
	if (errfd < 0) {
		perror(errpath);
		return 1;
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0)
		child(scenario, out, k, errfd);
	close(errfd);
	int st = 0;
	if (pid < 0 || waitpid(pid, &st, 0) != pid) {
		perror("fork");
		return 1;
	}
	size_t elen = 0;
	char *errs = dcs_read_file(errpath, &elen);
	char why[512] = "";
	int bad = 0;
	if (WIFSIGNALED(st)) {
		snprintf(why, sizeof(why), "killed by signal %d", WTERMSIG(st));
		bad = 1;
	} else if (WEXITSTATUS(st) == 99) {
		snprintf(why, sizeof(why), "leak: %s", errs ? errs : "");
		bad = 1;
	} else if (WEXITSTATUS(st) == 0) {
		bad = !sweep_mode && !same_outputs(ref, out, why, sizeof(why));
	} else if (WEXITSTATUS(st) == 2 || WEXITSTATUS(st) == 3) {
		char rj[4300];
		snprintf(rj, sizeof(rj), "%s/run.json", out);
		struct stat sb;
		if (!errs || (!strstr(errs, "out of memory") && !strstr(errs, strerror(ENOMEM)))) {
			snprintf(why, sizeof(why), "exit %d without saying 'out of memory': %.300s",
				 WEXITSTATUS(st), errs ? errs : "");
			bad = 1;
		} else if (stat(rj, &sb) == 0 || (plan_mode && exists_in(out, "plan.json"))) {
			snprintf(why, sizeof(why), "exit %d but %s was written", WEXITSTATUS(st),
				 plan_mode ? "plan.json" : "run.json");
			bad = 1;
		}
	} else {
		snprintf(why, sizeof(why), "exit %d: %.300s", WEXITSTATUS(st), errs ? errs : "");
		bad = 1;
	}
	if (bad)
		printf("FAIL %s: allocation %ld fails: %s\n", scenario, k, why);
	free(errs);
	remove_tree(out);
	unlink(errpath);
	return bad;
}

static int one_scenario(const char *scenario, bool all, long samples)
{
	char work[] = "/tmp/dcisim-oom-XXXXXX";
	if (!mkdtemp(work)) {
		perror("mkdtemp");
		return 1;
	}
	char ref[4200];
	snprintf(ref, sizeof(ref), "%s/ref", work);
	sweep_mode = is_sweep(scenario);
	plan_mode = is_plan(scenario);
	n_calls = 0;
	fail_at = -1;
	size_t before = live_n;
	int code = pipeline(scenario, ref);
	long total = n_calls;
	if (code != 0 || live_n != before) {
		printf("FAIL %s: the reference run exits %d with %zu allocations not freed\n",
		       scenario, code, live_n - before);
		remove_tree(work);
		return 1;
	}
	int bad = 0;
	long tried = 0;
	long stride = all || total <= samples ? 1 : (total - samples) / samples + 1;
	for (long k = 1; k <= total; k += k < samples ? 1 : stride) {
		bad += try_k(scenario, ref, work, k);
		tried++;
	}
	printf("%s %s: %ld allocations; failed each of %ld of them in turn: %d bad\n",
	       bad ? "FAIL" : "ok  ", scenario, total, tried, bad);
	if (bad)
		printf("     reproduce: test_oom --all %s (or gdb: fail_at = K)\n", scenario);
	remove_tree(work);
	return bad != 0;
}

static void *json_malloc(size_t n)
{
	return __wrap_malloc(n);
}

static void json_free(void *p)
{
	__wrap_free(p);
}

int main(int argc, char **argv)
{
	cJSON_Hooks hooks = {.malloc_fn = json_malloc, .free_fn = json_free};
	cJSON_InitHooks(&hooks);
	bool all = false;
	long samples = 300;
	int first = 1;
	while (first < argc && argv[first][0] == '-') {
		if (!strcmp(argv[first], "--all")) {
			all = true;
			first++;
		} else if (!strcmp(argv[first], "--site") && first + 2 < argc) {
			/* In this process, for a debugger or the backtrace. */
			/* A first run without failures, as before the children. */
			sweep_mode = is_sweep(argv[first + 2]);
			plan_mode = is_plan(argv[first + 2]);
			pipeline(argv[first + 2], "/tmp/dcisim-oom-site-ref");
			remove_tree("/tmp/dcisim-oom-site-ref");
			show_site = true;
			n_calls = 0;
			fail_at = atol(argv[first + 1]);
			int code = pipeline(argv[first + 2], "/tmp/dcisim-oom-site");
			remove_tree("/tmp/dcisim-oom-site");
			printf("exit %d\n", code);
			return 0;
		} else if (!strcmp(argv[first], "--k") && first + 2 < argc) {
			/* One child, as in the sweep over k. */
			char work[] = "/tmp/dcisim-oom-XXXXXX";
			if (!mkdtemp(work))
				return 2;
			char ref[4200];
			snprintf(ref, sizeof(ref), "%s/ref", work);
			sweep_mode = is_sweep(argv[first + 2]);
			plan_mode = is_plan(argv[first + 2]);
			pipeline(argv[first + 2], ref);
			int bad = try_k(argv[first + 2], ref, work, atol(argv[first + 1]));
			remove_tree(work);
			return bad;
		} else if (!strcmp(argv[first], "--samples") && first + 1 < argc) {
			samples = atol(argv[first + 1]);
			first += 2;
		} else {
			fprintf(stderr, "usage: test_oom [--all | --samples N] [SCENARIO...]\n");
			return 2;
		}
	}
	if (samples < 1)
		samples = 1;
	static const char *defaults[] = {"scenarios/metro-vmotion.json",
					 "tests/fuzz/seeds/scenario/full.json",
					 "scenarios/sweeps/storage-mirror-distance.json"};
	int bad = 0;
	if (first < argc)
		for (int i = first; i < argc; i++)
			bad |= one_scenario(argv[i], all, samples);
	else
		for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++)
			bad |= one_scenario(defaults[i], all, samples);
	return bad;
}
