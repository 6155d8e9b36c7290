/*
 * Sweeps: running the runs of a loaded sweep (on threads here, on MPI ranks
 * in sweep_mpi.c) and turning their outcomes into sweep.csv and
 * sweep_stats.csv.  The contract is in sim/app/sweep.h.
 *
 * Determinism: a run's outcome depends only on its scenario and seed, and
 * is stored at its run index; the tables are built from the stored outcomes
 * in index order after all runs are done, so neither the number of workers
 * nor the order in which they finish can change a byte of the CSVs.
 */
#include "sweep.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>

#include "dcisim/buf.h"
#include "dcisim/csvread.h"
#include "dcisim/exitcode.h"
#include "dcisim/hash.h"
#include "dcisim/loader.h"
#include "dcisim/output.h"
#include "dcisim/results.h"
#include "run.h"
#include "dcisim/version.h"

double dcs_sweep_wall_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- progress --------------------------------------------------------- */

void dcs_sweep_progress_init(struct dcs_sweep_progress *p, bool on, size_t total)
{
	p->on = on && isatty(fileno(stderr));
	p->total = total;
	p->t0 = p->last = dcs_sweep_wall_now();
}

void dcs_sweep_progress_show(struct dcs_sweep_progress *p, size_t done, bool final)
{
	if (!p->on)
		return;
	double now = dcs_sweep_wall_now();
	if (!final && now - p->last < 0.2)
		return;
	p->last = now;
	double el = now - p->t0;
	double rate = el > 0 ? (double)done / el : 0;
	char eta[32] = "?";
	if (rate > 0)
		snprintf(eta, sizeof(eta), "%.0f s", (double)(p->total - done) / rate);
	fprintf(stderr, "\rsweep: %zu/%zu runs, %.1f runs/s, ETA %s   %s", done, p->total, rate,
		final ? "0 s" : eta, final ? "\n" : "");
	fflush(stderr);
}

/* ---- local execution -------------------------------------------------- */

struct dcs_sweep_pool {
	const struct dcs_sweep *sw;
	const struct dcs_sweep_opts *o;
	struct dcs_sweep_run *runs;
	size_t total, next, finished;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t *th;
	unsigned started;
};

static long pool_next(struct dcs_sweep_pool *P)
{
	long i = -1;
	pthread_mutex_lock(&P->mu);
	/* Runs read back from the cache count as finished at once. */
	while (P->next < P->total && P->runs[P->next].reused) {
		P->next++;
		P->finished++;
	}
	if (P->next < P->total && !dcs_run_interrupted())
		i = (long)P->next++;
	pthread_mutex_unlock(&P->mu);
	return i;
}

static void *worker(void *arg)
{
	struct dcs_sweep_pool *P = arg;
	for (long i; (i = pool_next(P)) >= 0;) {
		dcs_sweep_run_one(P->sw, (size_t)i, P->o, &P->runs[i]);
		dcs_sweep_cache_store(P->sw, P->o, (size_t)i, &P->runs[i], stderr);
		dcs_sweep_pool_done(P);
	}
	return NULL;
}

struct dcs_sweep_pool *dcs_sweep_pool_start(const struct dcs_sweep *sw,
					    const struct dcs_sweep_opts *o,
					    struct dcs_sweep_run *runs, unsigned threads)
{
	struct dcs_sweep_pool *P = calloc(1, sizeof(*P));
	if (!P)
		return NULL;
	*P = (struct dcs_sweep_pool){.sw = sw, .o = o, .runs = runs, .total = dcs_sweep_n_runs(sw)};
	pthread_mutex_init(&P->mu, NULL);
	pthread_cond_init(&P->cv, NULL);
	if (threads > P->total)
		threads = (unsigned)P->total;
	P->th = calloc(threads ? threads : 1, sizeof(*P->th));
	for (unsigned j = 0; P->th && j < threads; j++) {
		if (pthread_create(&P->th[j], NULL, worker, P) != 0)
			break;
		P->started++;
	}
	return P;
}

long dcs_sweep_pool_take(struct dcs_sweep_pool *P)
{
	return pool_next(P);
}

void dcs_sweep_pool_done(struct dcs_sweep_pool *P)
{
	pthread_mutex_lock(&P->mu);
	P->finished++;
	pthread_cond_broadcast(&P->cv);
	pthread_mutex_unlock(&P->mu);
}

size_t dcs_sweep_pool_wait(struct dcs_sweep_pool *P, double seconds)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	long ns = (long)(seconds * 1e9);
	ts.tv_sec += ns / 1000000000L;
	ts.tv_nsec += ns % 1000000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&P->mu);
	pthread_cond_timedwait(&P->cv, &P->mu, &ts);
	size_t f = P->finished;
	pthread_mutex_unlock(&P->mu);
	return f;
}

bool dcs_sweep_pool_idle(struct dcs_sweep_pool *P)
{
	pthread_mutex_lock(&P->mu);
	bool idle = P->finished == P->next && (P->next == P->total || dcs_run_interrupted());
	pthread_mutex_unlock(&P->mu);
	return idle;
}

size_t dcs_sweep_pool_join(struct dcs_sweep_pool *P)
{
	if (!P)
		return 0;
	for (unsigned j = 0; j < P->started; j++)
		pthread_join(P->th[j], NULL);
	size_t f = P->finished;
	free(P->th);
	pthread_cond_destroy(&P->cv);
	pthread_mutex_destroy(&P->mu);
	free(P);
	return f;
}

int dcs_sweep_interrupt_code(void)
{
	int s = dcs_run_interrupted();
	return s == 0 ? DCS_EXIT_OK : dcs_exit_for_signal(s);
}

int dcs_sweep_run_local(const struct dcs_sweep *sw, const struct dcs_sweep_opts *o,
			struct dcs_sweep_run *runs)
{
	struct dcs_sweep_progress prog;
	dcs_sweep_progress_init(&prog, o->progress, dcs_sweep_n_runs(sw));
	struct dcs_sweep_pool *P = dcs_sweep_pool_start(sw, o, runs, o->jobs ? o->jobs : 1);
	if (!P) {
		fprintf(stderr, "dcisim: error: out of memory starting the runs\n");
		return DCS_EXIT_RUNTIME;
	}
	if (P->started == 0) {
		worker(P); /* no thread to be had: run them here */
	} else {
		while (!dcs_sweep_pool_idle(P))
			dcs_sweep_progress_show(&prog, dcs_sweep_pool_wait(P, 0.2), false);
	}
	dcs_sweep_progress_show(&prog, dcs_sweep_pool_join(P), true);
	return dcs_sweep_interrupt_code();
}

int dcs_sweep_launched_ranks(void)
{
	const char *vars[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE"};
	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		const char *v = getenv(vars[i]);
		if (v && *v)
			return atoi(v) > 0 ? atoi(v) : -1;
	}
	/* srun --mpi=pmix sets a rank but not always a size. */
	if (getenv("PMIX_RANK"))
		return -1;
	return 0;
}

int dcs_sweep_run_job(const struct dcs_sweep_job *job, const struct dcs_sweep_opts *o0)
{
	/* Under a launcher with several ranks the MPI side does it all, and
	 * only then is MPI initialised: a plain run needs no MPI runtime. */
	int ranks = dcs_sweep_launched_ranks();
	if (ranks != 0 && ranks != 1)
		return dcs_sweep_mpi_run(job, o0);
	struct dcs_sweep_opts o = *o0;
	int nerr = 0;
	struct dcs_sweep *sw = job->load(job->ctx, &o, stderr, &nerr);
	if (!sw && dcs_sweep_interrupt_code())
		return dcs_sweep_interrupt_code(); /* a load that runs was stopped */
	if (!sw) {
		fprintf(stderr, "dcisim %s: %d error%s; nothing run\n", job->command, nerr,
			nerr == 1 ? "" : "s");
		return DCS_EXIT_USAGE;
	}
	char defdir[512];
	if (!o.out_dir) {
		snprintf(defdir, sizeof(defdir), "results/%s", sw->name);
		o.out_dir = defdir;
	}
	size_t total = dcs_sweep_n_runs(sw);
	struct dcs_sweep_run *runs = calloc(total, sizeof(*runs));
	if (!runs) {
		fprintf(stderr, "dcisim %s: error: out of memory for %zu runs\n", job->command,
			total);
		dcs_sweep_free(sw);
		return DCS_EXIT_RUNTIME;
	}
	size_t stale = 0;
	int code = DCS_EXIT_USAGE;
	double t0 = dcs_sweep_wall_now();
	long cached = dcs_sweep_cache_prepare(sw, &o, runs, &stale, stderr);
	if (cached >= 0) {
		if (job->announce)
			job->announce(job->ctx, sw, &o, cached, stderr);
		int icode = dcs_sweep_run_local(sw, &o, runs);
		struct dcs_sweep_info info = {.wall_s = dcs_sweep_wall_now() - t0,
					      .jobs = o.jobs,
					      .ranks = 1,
					      .stale = stale};
		code = job->finish(job->ctx, sw, runs, &o, &info, icode, stderr);
	}
	for (size_t i = 0; i < total; i++)
		dcs_sweep_run_clear(&runs[i]);
	free(runs);
	dcs_sweep_free(sw);
	return code;
}
